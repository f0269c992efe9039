"""The enterprise side: register, start, edit, upload, submit, follow, withdraw.

Views are thin: they find the object within what the user may see (anything else is a
404), validate input with the forms and call ``applications.services`` for every change
of state. State changes are POST only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from policies.models import Department, Measure
from portal.audit import record_download
from portal.dates import today

from . import notices, services, workflow
from .clock import WorkCalendar, clock_for
from .forms import PROMISE_TEXT, ApplicationForm, AttachmentForm, CommentForm, ConfirmExemptForm
from .models import (
    Application,
    ApplicationEvent,
    ApplicationStep,
    Attachment,
    Signoff,
)
from .profile import dated_answers, store_answers, stored_answers
from .states import TRANSITIONS, Role, State
from .timeline import build_timeline
from .uploads import required_materials

DEPARTMENTS = Department.objects.select_related("city", "district__city")


def _steps_prefetch():
    """The steps with their departments and what names them (铁东区财政局)."""
    return Prefetch(
        "steps",
        queryset=ApplicationStep.objects.prefetch_related(
            Prefetch("departments", queryset=DEPARTMENTS)
        ).order_by("position"),
    )


@login_required
def my_applications(request):
    enterprise = services.enterprise_of(request.user)
    applications = (
        Application.objects.of_user(request.user)
        .exclude(state=State.WITHDRAWN, submitted_at__isnull=True)  # drafts deleted
        .select_related(
            "measure__document__city",
            "beneficiary__beneficiary_list__department__city",
            "beneficiary__beneficiary_list__department__district__city",
        )
        .prefetch_related(_steps_prefetch())
    )
    applications = list(applications)
    return render(
        request,
        "applications/my_applications.html",
        {
            "enterprise": enterprise,
            "to_confirm": [a for a in applications if a.state == State.TO_CONFIRM],
            "applications": [a for a in applications if a.state != State.TO_CONFIRM],
        },
    )


@login_required
def new_application(request):
    """新建申报: the measures of the enterprise's city that take applications online today,
    each with its 在线申报 link; the self-check for an enterprise that is not sure which."""
    enterprise = services.enterprise_of(request.user)
    if enterprise is None:
        return render(request, "applications/enterprise_required.html", status=403)
    measures = (
        Measure.objects.filter(
            document__city_id=enterprise.city_id,
            intake__accepts=True,
            free_of_application=False,
        )
        .select_related("document__city")
        .order_by("document__issued_on", "document_id", "position")
    )
    return render(
        request,
        "applications/new.html",
        {
            "enterprise": enterprise,
            "measures": [m for m in measures if services.deadline_problem(m) is None],
        },
    )


def _own(request, pk) -> Application:
    """The user's enterprise's application, or 404 — never someone else's."""
    queryset = Application.objects.of_user(request.user).select_related(
        "measure__document__city",
        "enterprise__district__city",
        "beneficiary__beneficiary_list__department__city",
        "beneficiary__beneficiary_list__department__district__city",
    )
    return get_object_or_404(queryset, pk=pk)


def _answers_as_figures(answers, keys=None):
    """Self-check answers as the application's {label: value} figures (only ``keys``, when
    given: those the measure's rule uses)."""
    from policies.eligibility.models import Question
    from policies.eligibility.views import answer_text

    wanted = [k for k in answers if keys is None or k in keys]
    questions = {q.key: q for q in Question.objects.filter(key__in=wanted)}
    figures = {}
    for key in wanted:
        question, value = questions.get(key), answers[key]
        if value in (None, "") or question is None or not question.asked:
            continue
        figures[question.label] = answer_text(question, value)
    return figures


def _saved_check_answers(token, enterprise=None, measure=None):
    """The figures an application starts with: the answers of the self-check it comes
    from (``?check=token``), else, for an enterprise, those of its 一企一档 that the measure's
    rule uses. (check or None, {label: value})."""
    from policies.eligibility.models import SavedCheck

    check = SavedCheck.objects.by_token(token).first()
    if check is not None:
        return check, _answers_as_figures(check.answers)
    if enterprise is None or measure is None:
        return None, {}
    rule = getattr(measure, "eligibility_rule", None)
    keys = set(rule.question_keys) if rule is not None else set()
    if not keys:
        return None, {}
    return None, _answers_as_figures(stored_answers(enterprise), keys)


@login_required
@require_http_methods(["GET", "POST"])
def start(request, measure_pk):
    measure = get_object_or_404(
        Measure.objects.select_related("document__city", "eligibility_rule"), pk=measure_pk
    )
    enterprise = services.enterprise_of(request.user)
    if not workflow.takes_applications(measure):
        return render(request, "applications/not_accepting.html", {"measure": measure})
    if enterprise is None:
        return render(
            request, "applications/enterprise_required.html", {"measure": measure}, status=403
        )
    check, figures = _saved_check_answers(
        request.GET.get("check") or request.POST.get("check"), enterprise, measure
    )
    draft = Application(enterprise=enterprise, measure=measure, figures=figures)
    form = ApplicationForm(request.POST if request.method == "POST" else None, instance=draft)
    if request.method == "POST" and form.is_valid():
        application = services.create_draft(
            request.user,
            measure,
            requested_amount_yuan=form.cleaned_data["requested_amount_yuan"],
            description=form.cleaned_data["description"],
            figures=form.cleaned_data["figures_text"],
            eligibility_token=check.token if check else "",
        )
        messages.success(request, _("已保存为草稿。请上传申报材料，然后提交。"))
        return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/start.html",
        {
            "measure": measure,
            "form": form,
            "check": check,
            "deadline_problem": services.deadline_problem(measure),
            "stages": workflow.stages_of(measure),
            "materials": required_materials(measure),
            "enterprise": enterprise,
            # 18（2）: listed for its 免申即享 route, it need not apply
            "listed_item": Application.objects.filter(
                enterprise=enterprise, measure=measure, state=State.TO_CONFIRM
            ).first()
            if workflow.exempt_route(measure)
            else None,
        },
    )


def _route(application):
    """Its steps (with departments and sign-offs, prefetched onto the application) and its
    events, in four queries."""
    prefetch_related_objects(
        [application],
        Prefetch(
            "steps",
            queryset=ApplicationStep.objects.prefetch_related(
                Prefetch("departments", queryset=DEPARTMENTS),
                Prefetch("signoffs", queryset=Signoff.objects.select_related("department")),
            ).order_by("position"),
        ),
    )
    events = list(
        ApplicationEvent.objects.filter(application=application).select_related(
            "actor", "department__city", "department__district__city"
        )
    )
    return list(application.steps.all()), events


ACTION_URLS = {
    "submit": "applications:submit",
    "resubmit": "applications:resubmit",
    "discard": "applications:withdraw",
    "withdraw": "applications:withdraw",
    "decline": "applications:decline",
}


def _detail_context(request, application, **extra):
    steps, events = _route(application)
    attachments = list(application.attachments.all())
    ctx = services.Context(application, request.user, steps=steps)
    buttons = [
        {"transition": t, "url": reverse(ACTION_URLS[t.action], args=[application.pk])}
        for t in services.available(application, request.user, ctx=ctx)
        if t.action in ACTION_URLS
    ]
    calendar = WorkCalendar()
    on = today()
    context = {
        "application": application,
        "timeline": build_timeline(application, steps, events, calendar, on),
        "events": events,
        "attachments": attachments,
        "buttons": buttons,
        "submit_refused": (
            services.refusal("submit", ctx) if application.state == State.DRAFT else None
        ),
        "can_edit": services.refusal("edit", ctx) is None,
        "clock": clock_for(application, on, calendar),
        # 公示: the notices it is in (公示中 until …, ended, objections being answered)
        "notices": (
            notices.notice_lines(application, on) if application.state != State.DRAFT else []
        ),
    }
    if context["can_edit"]:
        context["upload_form"] = AttachmentForm(measure=application.measure)
        context["materials"] = required_materials(application.measure)
        context["missing"] = [
            m for m in context["materials"] if m not in {a.material for a in attachments}
        ]
    if application.state == State.TO_CONFIRM:
        context["listed"] = getattr(application, "beneficiary", None)
        context["promise_text"] = PROMISE_TEXT
        context.setdefault("confirm_form", ConfirmExemptForm())
    context.update(extra)
    return context


@login_required
def detail(request, pk):
    application = _own(request, pk)
    return render(request, "applications/detail.html", _detail_context(request, application))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """The enterprise's edit: written through the guarded service with the version the form
    was built from. Refused (nothing written, everything typed shown again) when the
    application moved on in the meantime — submitted from another tab, say."""
    application = _own(request, pk)
    form = ApplicationForm(request.POST if request.method == "POST" else None, instance=application)
    refused = services.refusal("edit", services.Context(application, request.user))
    if request.method == "GET" and refused:
        messages.error(request, refused)
        return redirect(application)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_application(
                application, request.user, form.cleaned_data["version"], **form.changes()
            )
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存。"))
            return redirect(application)
    return render(request, "applications/edit.html", {"application": application, "form": form})


@login_required
@require_POST
def upload(request, pk):
    application = _own(request, pk)
    form = AttachmentForm(request.POST, request.FILES, measure=application.measure)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.add_attachment(
                application,
                request.user,
                material=form.cleaned_data["material"],
                file=upload,
                original_name=form.original_name[:200],
                content_type=form.content_type,
                size=upload.size,
            )
        except services.TransitionError as error:
            messages.error(request, _("材料未上传：%(reason)s") % {"reason": error})
            return redirect(application)
        messages.success(request, _("已上传：%(name)s") % {"name": form.original_name})
        return redirect(application)
    return render(
        request,
        "applications/detail.html",
        _detail_context(request, application, upload_form=form),
        status=400,
    )


@login_required
@require_POST
def delete_attachment(request, pk, attachment):
    application = _own(request, pk)
    item = get_object_or_404(application.attachments, pk=attachment)
    try:
        services.remove_attachment(application, request.user, item.pk)
    except services.TransitionError as error:
        messages.error(request, _("材料未删除：%(reason)s") % {"reason": error})
    else:
        messages.success(request, _("已删除：%(name)s") % {"name": item.original_name})
    return redirect(application)


def _transition(request, pk, action, success):
    application = _own(request, pk)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.perform(action, application, request.user, comment=comment)
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("applications:detail", pk=application.pk)


@login_required
@require_POST
def submit(request, pk):
    return _transition(request, pk, "submit", _("已提交，等待第一个环节办理。"))


@login_required
@require_POST
def resubmit(request, pk):
    return _transition(request, pk, "resubmit", _("已补正并重新提交。"))


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    """The enterprise's action that ends the application in its state, as the transition
    table has it (删除草稿 for a draft, 撤回申报 once submitted), after a confirmation page."""
    application = _own(request, pk)
    transition = ending_transition(application.state)
    action = transition.action
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        done = _("已%(action)s。") % {"action": transition.label}
        return _transition(request, pk, action, done)
    refused = services.refusal(action, services.Context(application, request.user))
    if refused:
        messages.error(request, refused)
        return redirect(application)
    return render(
        request,
        "applications/withdraw_confirm.html",
        {"application": application, "form": CommentForm(), "transition": transition},
    )


@login_required
@require_POST
def confirm(request, pk):
    """免申即享: the enterprise confirms its item with its bank account and 信用承诺; a form
    with an error is shown again with what was typed."""
    application = _own(request, pk)
    form = ConfirmExemptForm(request.POST)
    if form.is_valid():
        try:
            services.confirm_exempt(application, request.user, **form.cleaned_data)
        except services.TransitionError as error:
            messages.error(request, str(error))
            return redirect(application)
        messages.success(request, _("已确认领取，等待财政部门拨付。"))
        return redirect(application)
    return render(
        request,
        "applications/detail.html",
        _detail_context(request, application, confirm_form=form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decline(request, pk):
    """免申即享: the enterprise declines its item, after a confirmation page."""
    application = _own(request, pk)
    transition = TRANSITIONS["decline"]
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        return _transition(request, pk, "decline", _("已放弃领取。"))
    refused = services.refusal("decline", services.Context(application, request.user))
    if refused:
        messages.error(request, refused)
        return redirect(application)
    return render(
        request,
        "applications/withdraw_confirm.html",
        {"application": application, "form": CommentForm(), "transition": transition},
    )


def ending_transition(state):
    """The table's enterprise action from ``state`` to 已撤回; in a state none leaves that
    way, 撤回申报 (which the services then refuse, saying why)."""
    for transition in TRANSITIONS.values():
        ending = transition.role == Role.ENTERPRISE and transition.target == State.WITHDRAWN
        if ending and state in transition.sources:
            return transition
    return TRANSITIONS["withdraw"]


@login_required
def attachment(request, pk, attachment):
    """A material, for the enterprise and for staff on the application's route only."""
    visible = Application.objects.of_user(request.user).filter(pk=pk)
    if not visible.exists() and request.user.is_staff:
        visible = Application.objects.visible_to_staff(request.user).filter(pk=pk)
    if not visible.exists():
        raise Http404
    item = get_object_or_404(Attachment, pk=attachment, application_id=pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    record_download(request, item)  # the audit trail: who fetched which material, from where
    response = FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_profile(request):
    """一企一档: the enterprise's self-check answers, dated, editable in one place. The
    profile questions are always offered; the others once answered in a self-check."""
    from policies.eligibility.forms import ProfileForm
    from policies.eligibility.models import Question

    enterprise = services.enterprise_of(request.user)
    if enterprise is None:
        return render(request, "applications/enterprise_required.html", status=403)
    dated = dated_answers(enterprise)
    questions = [
        q
        for q in Question.objects.all()
        if q.asked and (q.section == Question.Section.PROFILE or q.key in dated)
    ]
    order = {section: index for index, section in enumerate(Question.SECTION_ORDER)}
    questions.sort(key=lambda q: (order.get(q.section, 99), q.order, q.key))
    answers = {key: value for key, (value, _on) in dated.items()}
    if request.method == "POST":
        form = ProfileForm(request.POST, questions=questions)
        if form.is_valid():
            given, blank = form.answers()
            changed = {k: v for k, v in given.items() if answers.get(k) != v}
            store_answers(
                enterprise, request.user, changed, forget=[k for k in blank if k in answers]
            )
            messages.success(request, _("企业档案已保存。"))
            return redirect("applications:profile")
    else:
        form = ProfileForm(
            initial=ProfileForm.initial_from(answers, questions), questions=questions
        )
    return render(
        request,
        "applications/profile.html",
        {
            "enterprise": enterprise,
            "form": form,
            "dated": dated,
            "rows": [(q, dated[q.key]) for q in questions if q.key in dated],
        },
    )

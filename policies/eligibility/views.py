"""政策自测: choose a city, answer a few steps, see (and keep) the result.

The steps: the profile (``questions``, which creates the check), then, one theme at a time,
only what a still-possible measure depends on (``step``), then a summary where any answer can
be changed (``summary``), then the result (``result``). Every page works without JavaScript;
GET never writes. A signed-in enterprise's answers are also kept with the enterprise (一企一档)
and prefill its next check.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from policies.formatting import format_yuan
from policies.models import City, District
from portal.dates import today

from . import evaluator, services
from .forms import CityForm, StepForm, as_of_from
from .models import Question, SavedCheck


def _enterprise(request):
    """The signed-in user's enterprise, or None (the applications app is optional)."""
    if not request.user.is_authenticated:
        return None
    try:
        from applications.services import enterprise_of
    except ImportError:  # pragma: no cover - applications is installed in this project
        return None
    return enterprise_of(request.user)


def _remember(request, answers, skipped):
    """一企一档: keep the answers with the signed-in user's enterprise."""
    enterprise = _enterprise(request)
    if enterprise is None:
        return
    from applications.profile import store_answers

    store_answers(enterprise, request.user, answers, forget=skipped)


def _crumbs(*more):
    return [(_("首页"), reverse("home")), (_("政策自测"), reverse("eligibility:start")), *more]


@require_GET
def start(request):
    enterprise = _enterprise(request)
    form = CityForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("eligibility:questions", city=form.cleaned_data["city"].slug)
    return render(
        request,
        "eligibility/start.html",
        {
            "form": form,
            "enterprise": enterprise,
            "crumbs": _crumbs()[:-1] + [(_("政策自测"), None)],
        },
    )


def _districts(city):
    return District.objects.filter(city=city).order_by("code", "name")


def _check(token):
    check = SavedCheck.objects.select_related("city", "district").by_token(token).first()
    if check is None:
        raise Http404("no such check")
    return check


def _day(check, request=None):
    chosen = as_of_from(request.GET) if request is not None else None
    return chosen or check.as_of or today()


def _step_context(request, plan, step, form, *, check=None, city, edit=False):
    progress = plan.progress(check.answers if check else {}, check.skipped if check else [])
    return {
        "city": city,
        "check": check,
        "step": step,
        "form": form,
        "progress": progress,
        "edit": edit,
        "profile_step": step.section == Question.Section.PROFILE,
        "crumbs": _crumbs((city.name, None)),
    }


def _options(plan, step, answers):
    values = plan.values(answers)
    return {
        q.key: plan.options(q, values)
        for q in step.questions
        if q.type in (Question.Type.CHOICE, Question.Type.MULTI)
    }


@require_http_methods(["GET", "POST"])
def questions(request, city):
    """The first step, the profile: it creates the check. Prefilled from an earlier check
    (``?from=token``) or, for a signed-in enterprise, from its 一企一档."""
    city = get_object_or_404(City, slug=city)
    data = request.POST if request.method == "POST" else request.GET
    chosen_day = as_of_from(data)
    day = chosen_day or today()
    plan = services.plan_for(city, day)
    initial_answers, district = {}, None
    enterprise = _enterprise(request)
    previous = request.GET.get("from", "")
    if previous:
        earlier = SavedCheck.objects.by_token(previous).filter(city=city).first()
        if earlier is not None:
            initial_answers, district = dict(earlier.answers), earlier.district_id
    elif enterprise is not None:
        from applications.profile import stored_answers

        initial_answers = stored_answers(enterprise)
        if enterprise.city_id == city.pk:
            district = enterprise.district_id
    step = plan.step(Question.Section.PROFILE, {}, [], edit=False)
    conditional = [
        q
        for q in plan.questions.values()
        if q.section == Question.Section.PROFILE and q.asked and q.ask_if is not None
    ]
    districts = _districts(city)
    if request.method == "POST":
        form = StepForm(
            request.POST,
            step=step,
            options=_options(plan, step, request.POST.dict()),
            districts=districts,
            profile=True,
            conditional=conditional,
        )
        if form.is_valid():
            answers, skipped = form.answers()
            values = plan.values(answers)
            for question in conditional:  # revealed by JavaScript: kept only where they apply
                if question.key in answers or question.key in skipped:
                    if not plan.askable(question, {}, [], values):
                        answers.pop(question.key, None)
                        if question.key in skipped:
                            skipped.remove(question.key)
            carried = {k: v for k, v in initial_answers.items() if k not in answers}
            check = services.save_check(
                city,
                form.cleaned_data.get("district"),
                {**carried, **answers},
                form.cleaned_data.get("as_of"),
                skipped=skipped,
            )
            _remember(request, answers, skipped)
            return redirect(check.next_url())
    else:
        initial = StepForm.initial_from(initial_answers, step.questions)
        initial["as_of"] = chosen_day
        if district:
            initial["district"] = str(district)
        form = StepForm(
            initial=initial,
            step=step,
            options=_options(plan, step, initial_answers),
            districts=districts,
            profile=True,
            conditional=conditional,
        )
    context = _step_context(request, plan, step, form, city=city)
    context["carried"] = bool(initial_answers)
    context["action"] = reverse("eligibility:questions", kwargs={"city": city.slug})
    if previous:
        context["action"] += "?" + urlencode({"from": previous[:64]})
    return render(request, "eligibility/step.html", context)


@require_GET
def next_step(request, token):
    """Where the check goes on: its next step, or the summary when nothing is left to ask."""
    check = _check(token)
    plan = services.plan_for(check.city, _day(check))
    step = plan.next_step(check.answers, check.skipped)
    if step is None:
        return redirect(check.summary_url())
    return redirect("eligibility:step", token=check.token, section=step.section)


@require_http_methods(["GET", "POST"])
def step(request, token, section):
    check = _check(token)
    plan = services.plan_for(check.city, _day(check))
    edit = request.GET.get("edit") == "1" or request.POST.get("edit") == "1"
    current = plan.step(section, check.answers, check.skipped, edit=edit)
    if current is None:
        return redirect(check.next_url())  # nothing (left) to ask here
    profile = section == Question.Section.PROFILE
    districts = _districts(check.city) if profile and edit else None
    if request.method == "POST":
        form = StepForm(
            request.POST,
            step=current,
            options=_options(plan, current, {**check.answers, **request.POST.dict()}),
            districts=districts,
            profile=profile and edit,
        )
        if form.is_valid():
            answers, skipped = form.answers()
            fields = {}
            if profile and edit:
                fields = {
                    "district": form.cleaned_data.get("district"),
                    "as_of": form.cleaned_data.get("as_of"),
                }
            services.record_answers(check, answers, skipped, **fields)
            _remember(request, answers, skipped)
            return redirect(check.summary_url() if edit else check.next_url())
    else:
        initial = StepForm.initial_from(check.answers, current.questions)
        if profile and edit:
            initial["district"] = str(check.district_id) if check.district_id else ""
            initial["as_of"] = check.as_of
        form = StepForm(
            initial=initial,
            step=current,
            options=_options(plan, current, check.answers),
            districts=districts,
            profile=profile and edit,
        )
    context = _step_context(request, plan, current, form, check=check, city=check.city, edit=edit)
    context["action"] = reverse(
        "eligibility:step", kwargs={"token": check.token, "section": section}
    )
    return render(request, "eligibility/step.html", context)


def answer_text(question, value):
    if value is None:
        return _("未回答（已跳过）")
    if isinstance(value, bool):
        return "是" if value else "否"
    if question.type == Question.Type.MULTI:
        labels = {c[0]: c[1] for c in question.choices}
        return "、".join(labels.get(v, v) for v in value) or _("都不适用")
    if question.type == Question.Type.CHOICE:
        return {c[0]: c[1] for c in question.choices}.get(value, value)
    if question.type == Question.Type.MONEY_WAN:  # answered in 万元, written in the one format
        return format_yuan(Decimal(str(value)) * 10_000)
    return f"{value}{question.unit}"


def _answered(check, questions):
    """(section label, [(question, text, edit url)]) in asking order."""
    labels = dict(Question.Section.choices)
    sections = {}
    for key, question in questions.items():
        if not question.asked or (key not in check.answers and key not in check.skipped):
            continue
        url = reverse(
            "eligibility:step", kwargs={"token": check.token, "section": question.section}
        )
        sections.setdefault(question.section, []).append(
            (question, answer_text(question, check.answers.get(key)), f"{url}?edit=1#id_{key}")
        )
    return [(labels[s], sections[s]) for s in Question.SECTION_ORDER if s in sections]


@require_GET
def summary(request, token):
    """Every answer, each with a link to change it; then the result."""
    check = _check(token)
    plan = services.plan_for(check.city, _day(check))
    questions = plan.questions
    pending = plan.next_step(check.answers, check.skipped)
    return render(
        request,
        "eligibility/summary.html",
        {
            "check": check,
            "city": check.city,
            "sections": _answered(check, questions),
            "pending": pending,
            "progress": plan.progress(check.answers, check.skipped),
            "profile_url": reverse(
                "eligibility:step", kwargs={"token": check.token, "section": "profile"}
            )
            + "?edit=1",
            "crumbs": _crumbs((_("核对回答"), None)),
        },
    )


def _apply_base():
    """The applications app's start URL pattern, or None while it does not exist."""
    try:
        reverse("applications:start", args=[0])
    except NoReverseMatch:
        return None
    return True


def _next_steps(check, outcome, questions):
    """The next step of every verdict: the deciding question of a 可能符合 (linked), the
    application (or else the responsible departments) of a 符合. Two queries."""
    from policies.models import MeasureDepartment

    eligible = [entry.measure.pk for entry in outcome.group(evaluator.ELIGIBLE)]
    accepting = set()
    if _apply_base() is not None and eligible:
        from applications.models import Intake

        accepting = set(
            Intake.objects.filter(measure__in=eligible, accepts=True).values_list(
                "measure_id", flat=True
            )
        )
    departments = {}
    for link in (
        MeasureDepartment.objects.filter(measure__in=eligible)
        .select_related("department")
        .order_by("position")
    ):
        departments.setdefault(link.measure_id, []).append(link.department)
    for entries in outcome.groups.values():
        for entry in entries:
            result = entry.result
            entry.deciding_links = []
            for key in result.deciding or result.missing:
                question = questions.get(key)
                if question is None or not question.asked:
                    continue
                url = reverse(
                    "eligibility:step", kwargs={"token": check.token, "section": question.section}
                )
                entry.deciding_links.append((question.wording, f"{url}?edit=1#id_{key}"))
                break
            entry.departments = departments.get(entry.measure.pk, [])
            if result.group == evaluator.ELIGIBLE and entry.measure.pk in accepting:
                if not entry.measure.free_of_application:
                    url = reverse("applications:start", args=[entry.measure.pk])
                    entry.apply_url = f"{url}?{urlencode({'check': check.token})}"


@require_GET
def result(request, token):
    check = _check(token)
    chosen_day = as_of_from(request.GET)
    day = chosen_day or check.as_of or today()
    questions = services.all_questions()
    outcome = services.run_check(check.city, check.answers, day, questions=questions)
    _next_steps(check, outcome, questions)
    answered = _answered(check, questions)
    return render(
        request,
        "eligibility/result.html",
        {
            "check": check,
            "outcome": outcome,
            "summary": outcome.summary,
            "edit_url": check.summary_url(),
            "sections": answered,
            "as_of": day,
            "as_of_chosen": bool(chosen_day or check.as_of),
            "share_url": request.build_absolute_uri(check.get_absolute_url()),
            "crumbs": _crumbs((_("自测结果"), None)),
        },
    )

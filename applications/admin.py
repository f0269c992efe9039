"""The department admin: each staff user sees only the applications on their department's
route (waiting at, or having passed through, its steps) — anything else is a 404 — and acts
on them through confirmation pages that call ``applications.services``.

It also extends the catalogue admin (``policies.admin``): measures gain their workflow
stages inline, departments their staff.
"""

from contextvars import ContextVar
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from policies.admin import DepartmentAdmin, MeasureAdmin
from policies.formatting import date_text, format_yuan
from policies.models import Department
from portal.dates import today as portal_today

from . import (
    admin_calendar,  # noqa: F401  (registers the calendar's admin)
    admin_exempt,  # noqa: F401  (registers the 免申即享 lists' admin)
    admin_notices,  # noqa: F401  (registers the 公示 and 异议 admins)
    notices,
    services,
    workflow,
)
from .clock import WorkCalendar, clock_for, fast_track_problem
from .desk import QUEUE_FILTERS, queue_csv, queue_rows, queue_xlsx
from .models import (
    Act,
    Application,
    ApplicationEvent,
    ApplicationStep,
    Attachment,
    Enterprise,
    EnterpriseMembership,
    Intake,
    Signoff,
    StaffMembership,
    WorkflowStage,
)
from .states import TRANSITIONS, Role, State

# --- catalogue admin extensions ------------------------------------------------------------


class IntakeInline(admin.StackedInline):
    model = Intake
    can_delete = False
    fields = ["accepts", "fast_track", "note", "notice_required", "notice_days"]
    verbose_name_plural = _("在线申报（关闭后不再受理新申报；已提交的照常办理）")


class WorkflowStageInline(admin.TabularInline):
    model = WorkflowStage
    extra = 0
    fields = [
        "position",
        "level",
        "act",
        "unit",
        "limit_days",
        "district_departments",
        "departments",
        "source",
    ]
    autocomplete_fields = ["departments"]
    ordering = ["position"]


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    raw_id_fields = ["user"]
    verbose_name = _("工作人员")
    verbose_name_plural = _("工作人员")


@admin.action(description=_("按办理方式重新生成办理流程"), permissions=["change"])
def rederive_workflow(modeladmin, request, queryset):
    """Replace the selected measures' workflows by what their 办理方式 gives, after a
    confirmation page listing the present and the derived routes: staff edits to those
    workflows are replaced, and applications already submitted keep their own steps."""
    measures = list(queryset.select_related("document__city").order_by("pk"))
    if request.POST.get("confirm") == "yes":
        with transaction.atomic():
            for measure in measures:
                workflow.ensure_workflow(measure, overwrite=True)
        modeladmin.message_user(
            request,
            _("已重新生成 %(n)d 项措施的办理流程。") % {"n": len(measures)},
            messages.SUCCESS,
        )
        return None
    rows = [
        (
            measure,
            [_stage_text(stage) for stage in workflow.stages_of(measure)],
            [spec.text() for spec in workflow.route_of(measure)]
            if workflow.takes_applications(measure)
            else [],
        )
        for measure in measures
    ]
    return TemplateResponse(
        request,
        "admin/policies/measure/rederive_confirm.html",
        {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.model._meta,
            "title": _("确认重新生成办理流程"),
            "rows": rows,
            "queryset": measures,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


def _stage_text(stage):
    names = stage.district_departments or "、".join(d.name for d in stage.departments.all())
    unit = f"（{stage.unit}）" if stage.unit else ""
    limit = f"（{stage.limit_days}个工作日）" if stage.limit_days else ""
    return f"{stage.get_level_display()} {names}{unit} {stage.get_act_display()}{limit}"


def _warn_fast_track(request, measure):
    intake = Intake.objects.filter(measure=measure).first()
    if intake is None or not intake.fast_track:
        return
    problem = fast_track_problem(workflow.stages_of(measure))
    if problem:
        messages.warning(request, problem)


_measure_save_related = MeasureAdmin.save_related


def _save_measure_related(self, request, form, formsets, change):
    """After the measure's inlines are saved: a measure staff opened to applications gets
    the route of its text, if it has none; a 快申快享 measure whose stages exceed 60 working
    days in all is flagged."""
    _measure_save_related(self, request, form, formsets, change)
    measure = form.instance
    if workflow.takes_applications(measure) and not workflow.stages_of(measure):
        workflow.ensure_workflow(measure)  # staff opened the intake: the text's route
        messages.info(request, _("已按办理方式生成办理流程，请核对各环节。"))
    _warn_fast_track(request, measure)


# The catalogue admin (registered first: policies precedes applications in INSTALLED_APPS)
# gains the workflow stages on measures and the staff on departments.
MeasureAdmin.inlines = [*MeasureAdmin.inlines, IntakeInline, WorkflowStageInline]
MeasureAdmin.actions = [*(MeasureAdmin.actions or []), rederive_workflow]
MeasureAdmin.save_related = _save_measure_related
DepartmentAdmin.inlines = [*DepartmentAdmin.inlines, StaffMembershipInline]


# --- enterprises -------------------------------------------------------------------------------


class EnterpriseMembershipInline(admin.TabularInline):
    model = EnterpriseMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "city", "district", "contact_person", "phone"]
    list_filter = ["city"]
    search_fields = ["name", "uscc"]
    list_select_related = ["city", "district__city"]
    inlines = [EnterpriseMembershipInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        visible = Application.objects.visible_to_staff(request.user).values("enterprise_id")
        return queryset.filter(pk__in=visible)


# --- the queue ------------------------------------------------------------------------------

# The working-day calendar of the page being rendered: one per request, read once for the
# whole list (``ApplicationAdmin.changelist_view`` sets it and renders within it).
_page_calendar: ContextVar = ContextVar("queue_calendar", default=None)


def _clock(application):
    calendar = _page_calendar.get() or WorkCalendar()
    return clock_for(application, portal_today(), calendar)


class QueueFilter(admin.SimpleListFilter):
    """办理情况: the desk's sections, over the user's queue (see ``applications.desk``)."""

    title = _("办理情况")
    parameter_name = "desk"

    def lookups(self, request, model_admin):
        if services.staff_department(request.user) is None:
            return []
        return [(key, label) for key, (label, _query) in QUEUE_FILTERS.items()] + [
            ("passed", _("已转出本部门"))
        ]

    def queryset(self, request, queryset):
        value = self.value()
        department = services.staff_department(request.user)
        if not value or department is None:
            return queryset
        if value == "passed":
            return queryset.exclude(pk__in=Application.objects.at_step_of(department).values("pk"))
        if value in QUEUE_FILTERS:
            return QUEUE_FILTERS[value][1](department, portal_today(), queryset)
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


DEPARTMENTS = Department.objects.select_related("city", "district__city")


class StepInline(ReadOnlyInline):
    model = ApplicationStep
    fields = ["position", "department_names", "act", "limit_days", "signoff_text"]
    readonly_fields = fields
    verbose_name_plural = _("办理环节")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("departments", queryset=DEPARTMENTS),
                Prefetch("signoffs", queryset=Signoff.objects.select_related("department")),
            )
        )

    @admin.display(description=_("办理部门"))
    def department_names(self, step):
        names = "、".join(str(d) for d in step.departments.all())
        return f"{names}（{step.unit}）" if step.unit else names

    @admin.display(description=_("会签"))
    def signoff_text(self, step):
        rounds = [s for s in step.signoffs.all() if s.round == step.application.round]
        if len(step.departments.all()) < 2:
            return "—"
        signed = {s.department_id for s in rounds}
        return "；".join(
            f"{d.name}：{_('已同意') if d.pk in signed else _('待办理')}"
            for d in step.departments.all()
        )


class EventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = ["at", "action_text", "department_text", "actor_text", "to_state", "comment"]
    readonly_fields = fields
    verbose_name_plural = _("办理记录")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("department__city", "department__district__city", "actor")
        )

    # Plain text, not the admin's links to the user and the department: those answer 403
    # to department staff.
    @admin.display(description=_("操作"))
    def action_text(self, event):
        return event.internal_words

    @admin.display(description=_("部门"))
    def department_text(self, event):
        return str(event.department) if event.department else _("企业")

    @admin.display(description=_("经办人"))
    def actor_text(self, event):
        if event.actor is None:
            return "—"
        return event.actor.get_full_name() or event.actor.get_username()


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["material", "download", "size_text", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("文件"))
    def download(self, item):
        return format_html('<a href="{}">{}</a>', item.get_absolute_url(), item.original_name)

    @admin.display(description=_("大小"))
    def size_text(self, item):
        return filesizeformat(item.size)


DATE_FORMATS = ["%Y-%m-%d", "%Y年%m月%d日", "%Y/%m/%d", "%Y.%m.%d"]


class ActionForm(forms.Form):
    """What an action asks of the staff member, from its row of the transition table."""

    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )

    def __init__(self, *args, transition, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.application = application
        if transition.reason_required:
            self.fields["comment"].required = True
            self.fields["comment"].label = _("理由（必填，企业可见）")
            self.fields["comment"].error_messages["required"] = _("请填写理由。")
        if transition.action == "pass":
            self.fields["approved_amount"] = forms.DecimalField(
                label=_("核定金额（元，选填）"),
                required=False,
                max_digits=14,
                decimal_places=2,
                min_value=Decimal("0.01"),
                initial=application.approved_amount_yuan,
                help_text=_("本环节核定的支持金额；不填则不改变。"),
            )
        if transition.action == "disburse":
            amount = application.approved_amount_yuan or application.requested_amount_yuan
            self.fields["amount"] = forms.DecimalField(
                label=_("拨付金额（元）"),
                max_digits=14,
                decimal_places=2,
                min_value=Decimal("0.01"),
                initial=amount,
                help_text=_("默认为核定金额（未核定时为申请金额），请按实际拨付填写。"),
            )
            self.fields["paid_on"] = forms.DateField(
                label=_("拨付日期"),
                initial=portal_today,
                input_formats=DATE_FORMATS,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                help_text=_("默认为今天。"),
            )
            self.fields["voucher"] = forms.CharField(label=_("凭证号"), max_length=64)

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > portal_today():
            raise ValidationError(_("拨付日期不能晚于今天。"))
        submitted = self.application.submitted_at
        if submitted and paid_on < timezone.localdate(submitted):
            raise ValidationError(_("拨付日期不能早于申报提交日期。"))
        return paid_on

    def data_for_service(self):
        data = dict(self.cleaned_data)
        comment = data.pop("comment", "")
        if self.transition.action == "pass":
            data = {"approved_amount": data.get("approved_amount")}
        return comment, data


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "number_display",
        "enterprise_name",
        "measure_title",
        "state",
        "current_step_display",
        "waited_display",
        "due_display",
    ]
    list_filter = [
        QueueFilter,
        "state",
        "route",
        ("measure", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["enterprise__name", "enterprise__uscc", "measure__title"]
    list_select_related = ["enterprise", "measure"]
    ordering = [F("due_on").asc(nulls_last=True), "-pk"]
    readonly_fields = [
        "number_display",
        "enterprise_text",
        "measure_text",
        "state",
        "current_step_display",
        "clock_text",
        "requested_text",
        "approved_text",
        "figures_display",
        "description",
        "submitted_at",
        "route",
        "bank_text",
        "disbursement_text",
        "notice_text",
    ]
    fields = readonly_fields
    inlines = [StepInline, AttachmentInline, EventInline]
    change_form_template = "admin/applications/application/change_form.html"
    change_list_template = "admin/applications/application/change_list.html"
    actions = None

    def get_queryset(self, request):
        return (
            Application.objects.visible_to_staff(request.user)
            .select_related("enterprise__district__city", "measure__document__city")
            .prefetch_related(
                Prefetch(
                    "steps",
                    queryset=ApplicationStep.objects.prefetch_related(
                        Prefetch("departments", queryset=DEPARTMENTS)
                    ),
                )
            )
        )

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404  # another department's application does not exist for this user

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read-only: staff act through the confirmation pages below

    # -- columns and fields (plain text: links into other admins answer 403 to staff) --------

    @admin.display(description=_("编号"), ordering="pk")
    def number_display(self, application):
        return application.number

    @admin.display(description=_("企业"), ordering="enterprise__name")
    def enterprise_name(self, application):
        return application.enterprise.name

    @admin.display(description=_("政策措施"), ordering="measure__title")
    def measure_title(self, application):
        return Truncator(application.measure.title).chars(40)

    @admin.display(description=_("申报企业"))
    def enterprise_text(self, application):
        enterprise = application.enterprise
        return format_html(
            "{}<br>{}：{} · {}<br>{}：{} {}",
            enterprise.name,
            _("统一社会信用代码"),
            enterprise.uscc,
            enterprise.district,
            _("联系人"),
            enterprise.contact_person,
            enterprise.phone,
        )

    @admin.display(description=_("政策措施"))
    def measure_text(self, application):
        measure = application.measure
        return format_html(
            '{}<br><a href="{}" target="_blank" rel="noopener">{}</a>',
            measure.title,
            measure.get_absolute_url(),
            _("查看措施原文（门户页面）"),
        )

    @admin.display(description=_("当前环节"))
    def current_step_display(self, application):
        step = application.current_step()
        if step is None or application.state == State.DRAFT:
            return "—"
        names = "、".join(d.name for d in step.departments.all())
        unit = f"（{step.unit}）" if step.unit else ""
        return f"{step.position}. {names}{unit} {step.get_act_display()}"

    @admin.display(description=_("已等待（工作日）"), ordering="waiting_since")
    def waited_display(self, application):
        clock = _clock(application)
        return clock["waited"] if clock["running"] else "—"

    @admin.display(description=_("本环节到期日"), ordering="due_on")
    def due_display(self, application):
        clock = _clock(application)
        if not clock["running"]:
            return "—"
        due = clock["due_on"].isoformat()
        if clock["overdue"]:
            return format_html(
                '{} <strong class="queue-overdue">{}</strong>',
                due,
                _("已超期 %(n)d 个工作日") % {"n": clock["overdue_days"]},
            )
        return format_html(
            "{} <span>{}</span>", due, _("剩余 %(n)d 个工作日") % {"n": clock["remaining"]}
        )

    @admin.display(description=_("办理时限"))
    def clock_text(self, application):
        clock = _clock(application)
        if not clock["running"]:
            return "—"
        text = _(
            "本环节时限 %(limit)d 个工作日，已等待 %(waited)d 个工作日，应于 %(due)s 前办结"
        ) % {
            "limit": clock["limit"],
            "waited": clock["waited"],
            "due": clock["due_on"].isoformat(),
        }
        if clock["overdue"]:
            text += _("，已超期 %(n)d 个工作日") % {"n": clock["overdue_days"]}
        if clock["note"]:
            text += f"。{clock['note']}"
        return text

    @admin.display(description=_("申请金额"))
    def requested_text(self, application):
        amount = application.requested_amount_yuan
        return format_yuan(amount) if amount else "—"

    @admin.display(description=_("核定金额"))
    def approved_text(self, application):
        amount = application.approved_amount_yuan
        return format_yuan(amount) if amount else "—"

    @admin.display(description=_("收款账户"))
    def bank_text(self, application):
        if not application.bank_account:
            return "—"
        return f"{application.bank_name} {application.bank_account}"

    @admin.display(description=_("拨付"))
    def disbursement_text(self, application):
        if application.state != State.DISBURSED:
            return "—"
        return _("%(amount)s，%(date)s，凭证号 %(voucher)s") % {
            "amount": format_yuan(application.disbursed_amount_yuan),
            "date": date_text(application.disbursed_on),
            "voucher": application.voucher_number,
        }

    @admin.display(description=_("公示"))
    def notice_text(self, application):
        """The notices it is in and, at the payment step, why payment waits (公示)."""
        today = portal_today()
        # drafts are never published; anything else may be (免申即享 items are not submitted)
        lines = notices.notice_lines(application, today) if application.state != State.DRAFT else []
        rows = [
            (
                line.notice.get_absolute_url(),
                line.notice.title,
                (_("公示中，至 %(end)s") if line.open else _("公示期已结束（%(end)s）"))
                % {"end": date_text(line.notice.ends_on)}
                + (_("；异议待答复 %(n)d 件") % {"n": line.pending} if line.pending else ""),
            )
            for line in lines
        ]
        html = format_html_join(
            "", '<div><a href="{}" target="_blank" rel="noopener">{}</a>：{}</div>', rows
        )
        steps = list(application.steps.all())
        step = application.current_step()
        paying = (
            application.state == State.IN_REVIEW
            and step is not None
            and step.act == Act.DISBURSE
            and step.position == max(s.position for s in steps)
        )
        if paying:
            blocker = notices.payment_blocker(application, today, [line.entry for line in lines])
            if blocker:
                html = format_html(
                    '{}<div><strong class="queue-overdue" id="payment-blocker">{}</strong></div>',
                    html,
                    blocker,
                )
        return html or "—"

    @admin.display(description=_("申报数据"))
    def figures_display(self, application):
        if not application.figures:
            return "—"
        return format_html_join(
            "", "<div>{}：{}</div>", ((k, v) for k, v in application.figures.items())
        )

    # -- pages --------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<id:pk>/act/<str:action>/",
                self.admin_site.admin_view(self.act_view),
                name="applications_application_act",
            ),
            path(
                "export.<str:format>",
                self.admin_site.admin_view(self.export_view),
                name="applications_application_export",
            ),
            path(
                "statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="applications_application_statistics",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        department = services.staff_department(request.user)
        title = (
            _("%(department)s · 申报待办") % {"department": department}
            if department
            else _("申报（全部部门）")
        )
        extra_context = {"title": title, **(extra_context or {})}
        token = _page_calendar.set(WorkCalendar())
        try:
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response
        finally:
            _page_calendar.reset(token)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
        if application is None:
            raise Http404
        extra_context = {
            "title": _("申报 %(number)s") % {"number": application.number},
            "staff_actions": [
                t
                for t in services.available(
                    application,
                    request.user,
                    ctx=services.Context(application, request.user, steps=application.steps.all()),
                )
                if t.role == Role.STAGE
            ],
            **(extra_context or {}),
        }
        token = _page_calendar.set(WorkCalendar())
        try:
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response
        finally:
            _page_calendar.reset(token)

    def act_view(self, request, pk, action):
        """The confirmation page of a department's action, and the action on POST."""
        transition = TRANSITIONS.get(action)
        application = self.get_queryset(request).filter(pk=pk).first()
        if application is None or transition is None or transition.role != Role.STAGE:
            raise Http404
        change_url = reverse("admin:applications_application_change", args=[application.pk])
        refused = services.refusal(action, services.Context(application, request.user))
        form = ActionForm(
            request.POST if request.method == "POST" else None,
            transition=transition,
            application=application,
        )
        if request.method == "POST":
            if refused:
                messages.error(request, refused)
                return redirect(change_url)
            if form.is_valid():
                comment, data = form.data_for_service()
                try:
                    services.perform(action, application, request.user, comment=comment, **data)
                except services.TransitionError as error:
                    messages.error(request, str(error))
                    return redirect(change_url)
                messages.success(
                    request,
                    _("%(number)s：已%(action)s。")
                    % {"number": application.number, "action": transition.label},
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("确认：%(action)s") % {"action": transition.label},
            "application": application,
            "step": application.current_step(),
            "transition": transition,
            "refused": refused,
            "form": form,
            "change_url": change_url,
            "requested": self.requested_text(application),
        }
        return TemplateResponse(
            request,
            "admin/applications/application/action_confirm.html",
            context,
            status=400 if request.method == "POST" else 200,
        )

    def statistics_view(self, request):
        """申报统计: the statistics of the user's department (``statistics_views.staff``)."""
        from .statistics_views import staff

        return staff(self, request)

    def export_view(self, request, format):
        """The queue as the changelist shows it (same scope, filters, search and order)."""
        if format not in ("csv", "xlsx"):
            raise Http404
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters as error:
            raise Http404 from error
        queryset = changelist.get_queryset(request)
        rows = list(queue_rows(queryset))
        stamp = portal_today().strftime("%Y%m%d")
        name = f"applications-{stamp}.{format}"
        if format == "csv":
            response = HttpResponse(queue_csv(rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                queue_xlsx(rows, str(_("申报待办"))),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@admin.register(WorkflowStage)
class WorkflowStageAdmin(admin.ModelAdmin):
    list_display = [
        "measure",
        "position",
        "level",
        "act",
        "district_departments",
        "department_names",
    ]
    list_filter = ["level", "act", "measure__document__city"]
    search_fields = ["measure__title"]
    autocomplete_fields = ["departments"]
    raw_id_fields = ["measure"]
    list_select_related = ["measure"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("departments")

    @admin.display(description=_("部门"))
    def department_names(self, stage):
        return "、".join(d.name for d in stage.departments.all())

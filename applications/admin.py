"""The department admin: each staff user sees only the applications on their department's
route (waiting at, or having passed through, its steps) — anything else is a 404 — and acts
on them through confirmation pages that call ``applications.services``.

It also extends the catalogue admin (``policies.admin``): measures gain their workflow
stages inline, departments their staff.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from policies.admin import DepartmentAdmin, MeasureAdmin
from policies.models import Department

from . import services
from .models import (
    Application,
    ApplicationEvent,
    ApplicationStep,
    Attachment,
    Enterprise,
    EnterpriseMembership,
    Intake,
    StaffMembership,
    WorkflowStage,
)
from .states import State

# --- catalogue admin extensions ------------------------------------------------------------


class IntakeInline(admin.StackedInline):
    model = Intake
    can_delete = False
    fields = ["accepts", "note"]
    verbose_name_plural = _("在线申报（关闭后不再受理新申报；已提交的照常办理）")


class WorkflowStageInline(admin.TabularInline):
    model = WorkflowStage
    extra = 0
    fields = ["position", "level", "act", "district_departments", "departments", "source"]
    autocomplete_fields = ["departments"]
    ordering = ["position"]


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    raw_id_fields = ["user"]
    verbose_name = _("工作人员")
    verbose_name_plural = _("工作人员")


# The catalogue admin (registered first: policies precedes applications in INSTALLED_APPS)
# gains the workflow stages on measures and the staff on departments.
MeasureAdmin.inlines = [*MeasureAdmin.inlines, IntakeInline, WorkflowStageInline]
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


class WaitingFilter(admin.SimpleListFilter):
    title = _("等待天数")
    parameter_name = "waiting"
    BANDS = {
        "0-3": (0, 3),
        "3-7": (3, 7),
        "7-30": (7, 30),
        "30-": (30, None),
    }

    def lookups(self, request, model_admin):
        return [
            ("0-3", _("3天以内")),
            ("3-7", _("3至7天")),
            ("7-30", _("7至30天")),
            ("30-", _("30天以上")),
        ]

    def queryset(self, request, queryset):
        band = self.BANDS.get(self.value())
        if band is None:
            return queryset
        low, high = band
        now = timezone.now()
        queryset = queryset.filter(
            state__in=[State.IN_REVIEW, State.RETURNED],
            waiting_since__lte=now - datetime.timedelta(days=low),
        )
        if high is not None:
            queryset = queryset.filter(waiting_since__gt=now - datetime.timedelta(days=high))
        return queryset


class StageFilter(admin.SimpleListFilter):
    title = _("环节")
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return [("mine", _("等待本部门办理")), ("passed", _("本部门已办结"))] + [
            (str(n), _("第%(n)d环节") % {"n": n}) for n in range(1, 6)
        ]

    def queryset(self, request, queryset):
        value = self.value()
        department = services.staff_department(request.user)
        if value == "mine":
            return queryset.waiting_at(department) if department else queryset.none()
        if value == "passed":
            if department is None:
                return queryset.none()
            return queryset.exclude(pk__in=Application.objects.waiting_at(department).values("pk"))
        if value and value.isdigit():
            return queryset.filter(position=int(value)).exclude(state=State.DRAFT)
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StepInline(ReadOnlyInline):
    model = ApplicationStep
    fields = ["position", "level", "act", "department_names"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "departments",
                    queryset=Department.objects.select_related("city", "district__city"),
                )
            )
        )

    @admin.display(description=_("办理部门"))
    def department_names(self, step):
        return "、".join(str(d) for d in step.departments.all())


class EventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = ["at", "action", "department", "actor", "from_state", "to_state", "comment"]
    readonly_fields = fields
    verbose_name_plural = _("办理记录（时间线）")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("department__city", "department__district__city", "actor")
        )


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["material", "download", "size", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("文件"))
    def download(self, item):
        return format_html('<a href="{}">{}</a>', item.get_absolute_url(), item.original_name)


class ActionForm(forms.Form):
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if action in ("return", "reject"):
            self.fields["comment"].required = True
            self.fields["comment"].label = _("理由（必填）")
            self.fields["comment"].error_messages["required"] = _("请填写理由。")
        if action == "disburse":
            self.fields["amount"] = forms.DecimalField(
                label=_("拨付金额（元）"), max_digits=14, decimal_places=2, min_value=0.01
            )
            self.fields["paid_on"] = forms.DateField(
                label=_("拨付日期"), initial=timezone.localdate, help_text=_("格式：2024-06-30")
            )
            self.fields["voucher"] = forms.CharField(label=_("凭证号"), max_length=64)

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise ValidationError(_("拨付日期不能晚于今天。"))
        return paid_on


ACTION_LABELS = {
    "pass": _("审核通过，转下一环节"),
    "return": _("退回补正"),
    "reject": _("不予通过"),
    "disburse": _("登记拨付"),
}


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "number_display",
        "enterprise",
        "measure_title",
        "state",
        "current_step_display",
        "waiting_days",
    ]
    list_filter = [
        StageFilter,
        "state",
        WaitingFilter,
        ("measure", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["enterprise__name", "enterprise__uscc", "measure__title"]
    list_select_related = ["enterprise", "measure"]
    readonly_fields = [
        "number_display",
        "enterprise",
        "measure",
        "state",
        "position",
        "requested_amount_yuan",
        "figures_display",
        "description",
        "submitted_at",
        "waiting_since",
        "disbursed_amount_yuan",
        "disbursed_on",
        "voucher_number",
    ]
    fields = readonly_fields
    inlines = [StepInline, AttachmentInline, EventInline]
    change_form_template = "admin/applications/application/change_form.html"
    actions = None

    def get_queryset(self, request):
        return (
            Application.objects.visible_to_staff(request.user)
            .select_related("enterprise", "measure")
            .prefetch_related(
                Prefetch(
                    "steps",
                    queryset=ApplicationStep.objects.prefetch_related(
                        Prefetch(
                            "departments",
                            queryset=Department.objects.select_related("city", "district__city"),
                        )
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

    @admin.display(description=_("编号"), ordering="pk")
    def number_display(self, application):
        return application.number

    @admin.display(description=_("政策措施"), ordering="measure__title")
    def measure_title(self, application):
        return application.measure.title[:40]

    @admin.display(description=_("当前环节"))
    def current_step_display(self, application):
        step = application.current_step()
        if step is None:
            return "—"
        names = "、".join(str(d) for d in step.departments.all())
        return f"{step.position}. {names} {step.get_act_display()}"

    @admin.display(description=_("已等待（天）"), ordering="waiting_since")
    def waiting_days(self, application):
        if application.waiting_since is None:
            return "—"
        return (timezone.now() - application.waiting_since).days

    @admin.display(description=_("申报数据"))
    def figures_display(self, application):
        if not application.figures:
            return "—"
        return format_html_join(
            "", "<div>{}：{}</div>", ((k, v) for k, v in application.figures.items())
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/act/<str:action>/",
                self.admin_site.admin_view(self.act_view),
                name="applications_application_act",
            ),
            *super().get_urls(),
        ]

    def available_actions(self, request, application):
        department = services.staff_department(request.user)
        if application.state != State.IN_REVIEW or department is None:
            return []
        step = application.current_step()
        if step is None or department not in step.departments.all():
            return []
        last = application.position == len(application.steps.all())
        first = "disburse" if last and step.act == "disburse" else "pass"
        return [first, "return", "reject"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        application = self.get_object(request, object_id)
        if application is None:
            raise Http404
        extra_context["staff_actions"] = [
            (action, ACTION_LABELS[action])
            for action in self.available_actions(request, application)
        ]
        return super().change_view(request, object_id, form_url, extra_context)

    def act_view(self, request, pk, action):
        application = self.get_queryset(request).filter(pk=pk).first()
        if application is None or action not in ACTION_LABELS:
            raise Http404
        change_url = reverse("admin:applications_application_change", args=[application.pk])
        form = ActionForm(request.POST if request.method == "POST" else None, action=action)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if action == "disburse":
                    services.record_disbursement(
                        application,
                        request.user,
                        data["amount"],
                        data["paid_on"],
                        data["voucher"],
                        comment=data["comment"],
                    )
                elif action == "pass":
                    services.approve_step(application, request.user, comment=data["comment"])
                else:
                    services.STAFF_ACTIONS[action](application, request.user, data["comment"])
            except services.TransitionError as error:
                messages.error(request, str(error))
                return redirect(change_url)
            messages.success(
                request,
                _("%(number)s：已%(action)s。")
                % {"number": application.number, "action": ACTION_LABELS[action]},
            )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("确认：%(action)s") % {"action": ACTION_LABELS[action]},
            "application": application,
            "step": application.current_step(),
            "action": action,
            "action_label": ACTION_LABELS[action],
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(
            request, "admin/applications/application/action_confirm.html", context
        )


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

"""The department's side of 公示 in the admin: its notices (publish one for a measure's
items awaiting payment, with a confirmation step) and the objections routed to it (answer
once, through ``applications.notices.answer_objection``). Another department's notice or
objection is a 404; an administrator sees all."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from policies.formatting import date_text, department_name, format_yuan
from policies.models import Measure
from portal.dates import today as portal_today

from . import notices
from .clock import add_working_days
from .models import NoticeEntry, Objection, PublicNotice
from .notice_forms import AnswerForm, PublishForm
from .services import staff_department
from .uscc import mask_uscc


def _status(notice, today, pending):
    if notice.is_open(today):
        return _("公示中")
    if pending:
        return _("公示期已结束，异议待答复")
    return _("公示期已结束")


class NoticeStatusFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", _("公示中")), ("pending", _("异议待答复")), ("closed", _("公示期已结束"))]

    def queryset(self, request, queryset):
        today = portal_today()
        if self.value() == "open":
            return queryset.filter(starts_on__lte=today, ends_on__gte=today)
        if self.value() == "closed":
            return queryset.filter(ends_on__lt=today)
        if self.value() == "pending":
            # in one filter(): one join, an objection that exists and has no answer
            return queryset.filter(
                objections__isnull=False, objections__answered_at__isnull=True
            ).distinct()
        return queryset


class NoticeEntryInline(admin.TabularInline):
    model = NoticeEntry
    extra = 0
    can_delete = False
    show_change_link = False
    fields = [
        "position",
        "application_link",
        "enterprise_name",
        "masked_uscc",
        "amount_text",
        "department_name",
    ]
    readonly_fields = fields
    verbose_name_plural = _("公示名单（发布时的内容）")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("申报"))
    def application_link(self, entry):
        url = reverse("admin:applications_application_change", args=[entry.application_id])
        return format_html('<a href="{}">SB{:06d}</a>', url, entry.application_id)

    @admin.display(description=_("拟拨付金额"))
    def amount_text(self, entry):
        return format_yuan(entry.amount_yuan) if entry.amount_yuan else "—"


@admin.register(PublicNotice)
class PublicNoticeAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "measure_title",
        "department_text",
        "period_text",
        "status_text",
        "entry_count",
        "objection_text",
    ]
    list_filter = [NoticeStatusFilter]
    search_fields = ["title", "measure__title"]
    readonly_fields = [
        "title",
        "measure_title",
        "department_text",
        "period_text",
        "status_text",
        "objection_text",
        "created_text",
        "public_link",
    ]
    fields = readonly_fields
    inlines = [NoticeEntryInline]
    actions = None
    change_list_template = "admin/applications/publicnotice/change_list.html"

    def get_queryset(self, request):
        return (
            notices.notices_for(request.user)
            .select_related("measure", "department__city", "department__district", "created_by")
            .annotate(
                entry_count=Count("entries", distinct=True),
                objection_count=Count("objections", distinct=True),
                pending_count=Count(
                    "objections",
                    filter=Q(objections__answered_at__isnull=True),
                    distinct=True,
                ),
            )
        )

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404  # another department's notice does not exist for this user

    def has_add_permission(self, request):
        user = request.user
        may = user.is_superuser or staff_department(user) is not None
        return may and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return False  # a notice is a record: published once, never edited

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("政策措施"), ordering="measure__title")
    def measure_title(self, notice):
        return Truncator(notice.measure.title).chars(40)

    @admin.display(description=_("发布部门"))
    def department_text(self, notice):
        return department_name(notice.department)

    @admin.display(description=_("公示期"), ordering="starts_on")
    def period_text(self, notice):
        return _("%(start)s 至 %(end)s（%(n)d 个工作日）") % {
            "start": date_text(notice.starts_on),
            "end": date_text(notice.ends_on),
            "n": notice.days,
        }

    @admin.display(description=_("状态"))
    def status_text(self, notice):
        return _status(notice, portal_today(), notice.pending_count)

    @admin.display(description=_("项数"), ordering="entry_count")
    def entry_count(self, notice):
        return notice.entry_count

    @admin.display(description=_("异议"))
    def objection_text(self, notice):
        if not notice.objection_count:
            return _("无")
        url = reverse("admin:applications_objection_changelist")
        text = _("%(n)d 件（待答复 %(pending)d 件）") % {
            "n": notice.objection_count,
            "pending": notice.pending_count,
        }
        return format_html('<a href="{}?notice__id__exact={}">{}</a>', url, notice.pk, text)

    @admin.display(description=_("发布"))
    def created_text(self, notice):
        user = notice.created_by
        return f"{date_text(notice.created_at)} · {user.get_full_name() or user.get_username()}"

    @admin.display(description=_("公示页面"))
    def public_link(self, notice):
        url = notice.get_absolute_url()
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    def changelist_view(self, request, extra_context=None):
        department = staff_department(request.user)
        title = (
            _("%(department)s · 公示") % {"department": department_name(department)}
            if department
            else _("公示（全部部门）")
        )
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    # -- publishing ------------------------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        """发布公示: choose the measure, then its items and the period, then confirm."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        today = portal_today()
        department = staff_department(request.user)
        waiting = dict(
            notices.publishable(department, today)
            .values_list("measure")
            .annotate(n=Count("pk"))
            .order_by()
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("发布公示"),
            "department": department_name(department) if department else None,
        }
        chosen = request.POST.get("measure") or request.GET.get("measure")
        if not chosen:
            measures = Measure.all_objects.filter(pk__in=waiting).select_related("document__city")
            rows = [(m, waiting[m.pk]) for m in measures.order_by("document_id", "position")]
            return TemplateResponse(
                request,
                "admin/applications/publicnotice/publish.html",
                {**context, "step": "choose", "rows": rows},
            )
        try:
            chosen = int(chosen)
        except ValueError as error:
            raise Http404 from error
        if chosen not in waiting:
            raise Http404
        measure = Measure.all_objects.select_related("document__city").get(pk=chosen)
        try:
            publisher = notices.publishing_department(request.user, measure)
        except notices.NoticeError as error:
            messages.error(request, str(error))
            return redirect("admin:applications_publicnotice_add")
        form = PublishForm(
            request.POST if request.method == "POST" else None,
            department=publisher,
            measure=measure,
            today=today,
        )
        if request.method == "GET":
            form.initial["items"] = [a.pk for a in form.fields["items"].queryset]
        context.update({"measure": measure, "form": form, "publisher": department_name(publisher)})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if request.POST.get("confirm") == "yes":
                try:
                    notice = notices.publish_notice(
                        request.user,
                        measure,
                        data["items"],
                        days=data["days"],
                        title=data["title"],
                        today=today,
                    )
                except notices.NoticeError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(
                        request,
                        _("已发布公示“%(title)s”，公示期至 %(end)s。")
                        % {"title": notice.title, "end": date_text(notice.ends_on)},
                    )
                    return redirect("admin:applications_publicnotice_change", notice.pk)
            else:
                items = list(data["items"])
                preview = [
                    (
                        position,
                        application,
                        mask_uscc(application.enterprise.uscc),
                        notices.amount_of(application),
                    )
                    for position, application in enumerate(items, start=1)
                ]
                return TemplateResponse(
                    request,
                    "admin/applications/publicnotice/publish.html",
                    {
                        **context,
                        "step": "confirm",
                        "preview": preview,
                        "title_text": data["title"] or notices.default_title(measure),
                        "ends_on": add_working_days(today, data["days"]),
                        "starts_on": today,
                    },
                )
        return TemplateResponse(
            request,
            "admin/applications/publicnotice/publish.html",
            {**context, "step": "form"},
            status=400 if request.method == "POST" else 200,
        )


# --- objections ---------------------------------------------------------------------------------


class ObjectionStatusFilter(admin.SimpleListFilter):
    title = _("答复情况")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("no", _("待答复")), ("overdue", _("已超期未答复")), ("yes", _("已答复"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(answered_at__isnull=True)
        if self.value() == "overdue":
            return queryset.filter(answered_at__isnull=True, due_on__lt=portal_today())
        if self.value() == "yes":
            return queryset.filter(answered_at__isnull=False)
        return queryset


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = [
        "submitted_text",
        "notice_title",
        "target_text",
        "name",
        "due_display",
        "status_text",
    ]
    list_filter = [ObjectionStatusFilter, ("notice", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "text", "entry__enterprise_name"]
    readonly_fields = [
        "notice_link",
        "target_text",
        "name",
        "contact",
        "text",
        "submitted_text",
        "due_display",
        "status_text",
        "answer",
        "answered_text",
    ]
    fields = readonly_fields
    ordering = ["answered_at", "due_on", "pk"]
    actions = None
    change_form_template = "admin/applications/objection/change_form.html"

    def get_queryset(self, request):
        return notices.objections_for(request.user).select_related("notice", "entry", "answered_by")

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404  # another department's objection does not exist for this user

    def has_add_permission(self, request):
        return False  # objections come from the public page only

    def has_change_permission(self, request, obj=None):
        return False  # what the objector wrote never changes; the answer has its own page

    def has_delete_permission(self, request, obj=None):
        return False

    def may_answer(self, request):
        return request.user.has_perm("applications.change_objection")

    @admin.display(description=_("提出时间"), ordering="submitted_at")
    def submitted_text(self, objection):
        return date_text(objection.submitted_at)

    @admin.display(description=_("公示"), ordering="notice__title")
    def notice_title(self, objection):
        return Truncator(objection.notice.title).chars(40)

    @admin.display(description=_("公示"))
    def notice_link(self, objection):
        url = reverse("admin:applications_publicnotice_change", args=[objection.notice_id])
        return format_html('<a href="{}">{}</a>', url, objection.notice.title)

    @admin.display(description=_("异议对象"))
    def target_text(self, objection):
        if objection.entry_id is None:
            return _("整个公示")
        entry = objection.entry
        return f"{entry.position}. {entry.enterprise_name}（SB{entry.application_id:06d}）"

    @admin.display(description=_("答复期限"), ordering="due_on")
    def due_display(self, objection):
        due = date_text(objection.due_on)
        if objection.answered_at is None and objection.due_on < portal_today():
            return format_html('{} <strong class="queue-overdue">{}</strong>', due, _("已超期"))
        return due

    @admin.display(description=_("状态"))
    def status_text(self, objection):
        return _("已答复") if objection.answered_at else _("待答复")

    @admin.display(description=_("答复人及时间"))
    def answered_text(self, objection):
        if objection.answered_at is None:
            return "—"
        user = objection.answered_by
        who = (user.get_full_name() or user.get_username()) if user else "—"
        return f"{date_text(objection.answered_at)} · {who}"

    def changelist_view(self, request, extra_context=None):
        department = staff_department(request.user)
        title = (
            _("%(department)s · 异议") % {"department": department_name(department)}
            if department
            else _("异议（全部部门）")
        )
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"may_answer": self.may_answer(request), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<id:pk>/answer/",
                self.admin_site.admin_view(self.answer_view),
                name="applications_objection_answer",
            ),
            *super().get_urls(),
        ]

    def answer_view(self, request, pk):
        """答复异议: the form is the confirmation page (an answer is final); on POST the
        guarded service writes it once."""
        objection = self.get_queryset(request).filter(pk=pk).first()
        if objection is None:
            raise Http404
        if not self.may_answer(request):
            raise PermissionDenied
        change_url = reverse("admin:applications_objection_change", args=[objection.pk])
        if objection.answered_at is not None:
            messages.info(request, _("该异议已答复，答复不能修改。"))
            return redirect(change_url)
        form = AnswerForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                notices.answer_objection(request.user, objection, form.cleaned_data["answer"])
            except notices.NoticeError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("已答复异议。"))
            return redirect(change_url)
        return TemplateResponse(
            request,
            "admin/applications/objection/answer.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("答复异议"),
                "objection": objection,
                "target": self.target_text(objection),
                "form": form,
                "change_url": change_url,
            },
            status=400 if request.method == "POST" else 200,
        )

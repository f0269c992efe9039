"""The 免申即享 lists in the admin (``applications.exempt``): staff of a measure's department
see and build the lists of their department's measures only (a superuser: all), upload a
CSV/XLSX (the row report shown on the form, nothing typed lost), generate a list from the
enterprises' profiles, and issue it (下发) after a confirmation page."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from policies.admin import source_file_response
from policies.formatting import department_name, format_yuan
from policies.models import Measure
from portal.dates import today

from . import exempt, services, workflow
from .models import Beneficiary, BeneficiaryList


def _department(request):
    return services.staff_department(request.user)


def _may_use(request):
    return request.user.is_active and (
        request.user.is_superuser or _department(request) is not None
    )


class MeasureChoice(forms.ModelChoiceField):
    def label_from_instance(self, measure):
        return f"{measure.document.city} · {measure}"


class BeneficiaryListForm(forms.ModelForm):
    """A new list: its measure (of the staff's department, with a 免申即享 route), year and
    title, and optionally the file of its rows, validated whole."""

    file = forms.FileField(
        label=_("名单文件（CSV 或 XLSX）"),
        required=False,
        help_text=_(
            "表头：统一社会信用代码、企业名称、依据、金额（元）。CSV 可为 UTF-8 或 GB18030 编码。"
            "有任何一行有误则整份不导入，并逐行列出错误；留空则建立空名单，可再从企业档案生成。"
        ),
    )

    class Meta:
        model = BeneficiaryList
        fields = ["measure", "year", "title"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.report = None
        if request is None or "measure" not in self.fields:
            return  # an existing list: every field is read-only
        department = None if request.user.is_superuser else _department(request)
        self.fields["measure"] = MeasureChoice(
            label=_("措施"),
            queryset=exempt.exempt_measures(department),
            help_text=_("有“免申即享”办理方式的措施。"),
        )
        self.fields["year"].initial = today().year
        self.report = None

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("请填写 2000 至 2100 之间的年度。"))
        return year

    def clean(self):
        data = super().clean()
        upload, measure = data.get("file"), data.get("measure")
        if (
            measure is not None
            and _department(self.request) is None
            and not measure.departments.exists()
        ):
            self.add_error("measure", _("该措施没有责任单位，无法确定发放部门，请先在措施中设置。"))
        if upload and measure is not None:
            self.report = exempt.check_upload(upload, measure)
            if self.report.errors:
                raise forms.ValidationError(
                    {"file": [_("名单未导入，请修改以下各行后重新上传：")] + self.report.errors}
                )
        return data


class BeneficiaryInline(admin.TabularInline):
    model = Beneficiary
    extra = 0
    can_delete = False
    fields = ["line", "uscc", "name", "basis", "amount_text", "item_text"]
    readonly_fields = fields
    verbose_name_plural = _("名单企业")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("application", "beneficiary_list")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return _may_use(request)

    @admin.display(description=_("金额"))
    def amount_text(self, row):
        return format_yuan(row.amount_yuan)

    @admin.display(description=_("待确认事项"))
    def item_text(self, row):
        if row.application is not None:
            return f"{row.application.number} {row.application.get_state_display()}"
        if row.beneficiary_list.state == BeneficiaryList.Status.ISSUED:
            return _("企业尚未注册，注册后自动列入")
        return "—"


@admin.register(BeneficiaryList)
class BeneficiaryListAdmin(admin.ModelAdmin):
    form = BeneficiaryListForm
    list_display = ["title", "measure_title", "year", "department_text", "state", "row_count"]
    list_filter = ["state", "year"]
    search_fields = ["title", "measure__title"]
    list_select_related = ["measure__document__city", "department__city", "department__district"]
    inlines = [BeneficiaryInline]
    change_form_template = "admin/applications/beneficiarylist/change_form.html"
    # plain text, not links into the catalogue's admin (those answer 403 to department staff)
    readonly_fields = [
        "measure_text",
        "year",
        "title",
        "department_text",
        "state",
        "source_link",
        "created_at",
        "issued_at",
    ]

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .select_related("measure__document__city", "department__city", "department__district")
            .annotate(row_total=Count("rows"))
        )
        if request.user.is_superuser:
            return queryset
        department = _department(request)
        if department is None:
            return queryset.none()
        mine = Measure.objects.filter(departments=department).values("pk")
        return queryset.filter(measure__in=mine)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # another department's list does not exist for this user, whatever the method
        if (
            not (str(object_id).isascii() and str(object_id).isdigit())  # not "²"
            or not self.get_queryset(request).filter(pk=object_id).exists()
        ):
            raise Http404
        return super().change_view(request, object_id, form_url, extra_context)

    # staff of a department (not only the reviewers' group): the lists are theirs
    def has_module_permission(self, request):
        return _may_use(request)

    def has_view_permission(self, request, obj=None):
        return _may_use(request)

    def has_add_permission(self, request):
        return _may_use(request)

    def has_change_permission(self, request, obj=None):
        return False  # rows change only by upload/generate; the list by its pages

    def has_delete_permission(self, request, obj=None):
        return _may_use(request) and (obj is None or obj.state == BeneficiaryList.Status.DRAFT)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["measure", "year", "title", "file"]
        return self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change, **kwargs)
        base = BeneficiaryListForm

        class RequestForm(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, request=request, **kw)

        return RequestForm

    @admin.display(description=_("措施"), ordering="measure__title")
    def measure_title(self, blist):
        return blist.measure.title[:40]

    @admin.display(description=_("措施"))
    def measure_text(self, blist):
        return f"{blist.measure.document.city} · {blist.measure}"

    @admin.display(description=_("发放部门"))
    def department_text(self, blist):
        return department_name(blist.department)

    @admin.display(description=_("导入文件"))
    def source_link(self, blist):
        """The file the list was imported from, as uploaded (a generated list has none)."""
        if not blist.source_file:
            return _("无（由企业档案生成或未上传）")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:applications_beneficiarylist_source_file", args=[blist.pk]),
            _("下载 %(name)s") % {"name": blist.source_name or _("原始文件")},
        )

    def source_file_view(self, request, pk):
        """The uploaded list, to its department's staff only (another's: 404)."""
        blist = self._own(request, pk)
        return source_file_response(blist.source_file, blist.source_name)

    @admin.display(description=_("企业数"))
    def row_count(self, blist):
        return blist.row_total

    def save_model(self, request, obj, form, change):
        if change:
            return
        obj.created_by = request.user
        # the staff's department; a superuser's list: the measure's first responsible one
        obj.department = _department(request) or workflow.responsible(obj.measure)[0]
        upload = form.cleaned_data.get("file")
        if upload:
            obj.source_name = upload.name[:200]
            obj.source_file = upload
        obj.save()
        if form.report is not None:
            exempt.replace_rows(obj, form.report.rows)
            messages.success(request, _("已导入 %(n)d 家企业。") % {"n": len(form.report.rows)})

    # -- pages --------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<id:pk>/generate/",
                self.admin_site.admin_view(self.generate_view),
                name="applications_beneficiarylist_generate",
            ),
            path(
                "<id:pk>/issue/",
                self.admin_site.admin_view(self.issue_view),
                name="applications_beneficiarylist_issue",
            ),
            path(
                "<id:pk>/source-file/",
                self.admin_site.admin_view(self.source_file_view),
                name="applications_beneficiarylist_source_file",
            ),
            *super().get_urls(),
        ]

    def _own(self, request, pk):
        if not _may_use(request):
            raise Http404
        blist = self.get_queryset(request).filter(pk=pk).first()
        if blist is None:
            raise Http404
        return blist

    def _page(self, request, blist, template, **context):
        return TemplateResponse(
            request,
            f"admin/applications/beneficiarylist/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": blist,
                "change_url": reverse("admin:applications_beneficiarylist_change", args=[blist.pk]),
                **context,
            },
        )

    def generate_view(self, request, pk):
        """从企业档案生成: the rows of a draft list become the enterprises whose profile the
        measure's self-check rule finds 符合 (a preview first, then POST)."""
        blist = self._own(request, pk)
        change_url = reverse("admin:applications_beneficiarylist_change", args=[blist.pk])
        if blist.state != BeneficiaryList.Status.DRAFT:
            messages.error(request, _("名单已下发，不能再生成。"))
            return redirect(change_url)
        rows = exempt.generated_rows(blist.measure)
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                count = exempt.replace_rows(blist, rows)
            except exempt.ListError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("已从企业档案生成 %(n)d 家企业。") % {"n": count})
            return redirect(change_url)
        return self._page(
            request,
            blist,
            "generate_confirm.html",
            title=_("确认：从企业档案生成名单"),
            rows=rows,
            existing=blist.rows.count(),
        )

    def issue_view(self, request, pk):
        """下发 after a confirmation page: the 待确认 items of the listed enterprises."""
        blist = self._own(request, pk)
        change_url = reverse("admin:applications_beneficiarylist_change", args=[blist.pk])
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                items, waiting = exempt.issue(blist, request.user)
            except exempt.ListError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "已下发：%(items)d 家企业收到待确认事项，%(waiting)d 家尚未注册，注册后自动列入。"
                    )
                    % {"items": items, "waiting": waiting},
                )
            return redirect(change_url)
        if blist.state != BeneficiaryList.Status.DRAFT:
            messages.error(request, _("名单已下发，不能重复下发。"))
            return redirect(change_url)
        total, registered, waiting = exempt.issue_summary(blist)
        return self._page(
            request,
            blist,
            "issue_confirm.html",
            title=_("确认：下发免申即享名单"),
            total=total,
            registered=registered,
            waiting=waiting,
        )

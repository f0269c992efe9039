"""The catalogue admin: staff correct what the import got wrong, and the importer keeps it.

Department staff also publish documents here (发布政策文件, ``DocumentDraftAdmin``): upload a
file or paste the text, see the preview with its warnings, correct and re-parse, publish
through a confirmation page (``policies.publishing``). A published document can be
repealed (废止) from its change page; its earlier versions and the measures' revisions are
listed read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.dates import today as portal_today

from . import validity
from .formatting import format_yuan
from .models import (
    Chapter,
    City,
    Department,
    DepartmentContact,
    District,
    DocumentDraft,
    DocumentVersion,
    EditorialNote,
    Measure,
    MeasureDepartment,
    MeasureRevision,
    PolicyDocument,
    SupportType,
    Topic,
)


class DepartmentListFilter(admin.RelatedFieldListFilter):
    """Departments with their city in one query (their names repeat from city to city)."""

    def field_choices(self, field, request, model_admin):
        rows = Department.objects.select_related("city", "district__city").order_by(
            "city__code", "level", "name"
        )
        return [(row.pk, str(row)) for row in rows]


class ValidityStatusFilter(admin.SimpleListFilter):
    """有效 / 即将到期 / 已到期 / 未生效 / 时效未明 on today, from ``policies.validity``."""

    title = _("时效状态")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return validity.Status.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value in validity.Status.values:
            return queryset.filter(validity.measure_q(value, portal_today()))
        return queryset


class RetiredFilter(admin.SimpleListFilter):
    """公开 / 已撤回: a retired row is no longer in its source (see ``RetirementFields``)."""

    title = _("撤回状态")
    parameter_name = "retired"

    def lookups(self, request, model_admin):
        return [("no", _("公开")), ("yes", _("已撤回"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(retired_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(retired_at__isnull=True)
        return queryset


# Retirement is the importer's: set when the source no longer has the row, undone when it
# has it again (the same row, its id, links and staff decisions kept). Staff see it, and
# filter by it, but do not change it by hand: a measure published while its source lacks
# it would be retired again by the next import, with no trace of why.
RETIREMENT_FIELDS = ("retired_at", "retired_reason")


@admin.display(description=_("状态"), ordering="retired_at")
def retired_state(row):
    return _("已撤回") if row.retired_at else _("公开")


VALIDITY_FIELDS = (
    "validity_kind",
    "valid_from",
    "valid_until",
    "validity_words",
    "validity_basis",
    "validity_note",
)


class DistrictInline(admin.TabularInline):
    model = District
    extra = 0
    fields = ("name", "code", "kind")


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ("name", "province", "code", "slug")
    search_fields = ("name", "province", "code")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [DistrictInline]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "kind", "code")
    list_filter = ("city", "kind")
    search_fields = ("name", "code")


class DepartmentContactInline(admin.TabularInline):
    """The contact persons the documents name (derived by the importer, refreshed on every
    import): shown to staff, not edited here."""

    model = DepartmentContact
    extra = 0
    fields = ("office", "title", "name", "phones", "sources")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _(
        "文件所列联系人（导入时从各措施的责任人、联系方式整理，每次导入更新；请勿在此修改）"
    )

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("measures__document")

    @admin.display(description=_("出处"))
    def sources(self, contact):
        return "、".join(measure.identifier for measure in contact.measures.all())


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "city", "district", "province", "phone", "service_days")
    list_filter = ("level", "city")
    search_fields = ("name", "aliases")
    list_select_related = ("city", "district__city")
    autocomplete_fields = ("district",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("name", "level", "province", "city", "district", "aliases")}),
        (
            _("联系方式"),
            {
                "fields": ("phone", "address", "office_hours", "website", "email"),
                "description": _(
                    "由工作人员填写，显示在部门页面；重新导入不会覆盖。"
                    "文件所列的科室联系人见下方，由导入程序整理。"
                ),
            },
        ),
        (_("办理"), {"fields": ("service_days",)}),
    )
    inlines: list = [DepartmentContactInline]


class ChapterInline(admin.TabularInline):
    model = Chapter
    extra = 0
    fields = ("number", "title")


class EditorialNoteInline(admin.TabularInline):
    model = EditorialNote
    extra = 0
    fields = ("measure", "kind", "garbled", "correction", "change", "reason")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("编者校注（来自 fixtures/errata.toml，请在勘误文件中修改）")

    def has_add_permission(self, request, obj=None):
        return False


# -- who publishes for which city ---------------------------------------------------------------


def staff_city(user):
    """The one city whose documents a department's staff user publishes and repeals (their
    department's city, or its district's); ``None`` for users not tied to one city —
    superusers, and staff of no department whom a superuser gave the permission (catalogue
    editors). A province-level department's staff publish for no city: ``False``."""
    if user.is_superuser:
        return None
    membership = getattr(user, "staff_membership", None)
    if membership is None:
        return None
    department = membership.department
    if department.city_id:
        return department.city
    if department.district_id:
        return department.district.city
    return False


def scope_to_city(queryset, user, field="city"):
    city = staff_city(user)
    if city is None:
        return queryset
    if city is False:
        return queryset.none()
    return queryset.filter(**{field: city.pk})


def source_file_response(stored, filename):
    """The stored original (an upload kept verbatim), as a download: uploads are never served
    by URL (MEDIA_ROOT is private), only through the admin."""
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=filename or stored.name)


class DateInput(forms.DateInput):
    """The browser's date picker (no script of ours), ISO dates either way."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RepealForm(forms.Form):
    repealed_on = forms.DateField(
        label=_("废止日期"), widget=DateInput(), error_messages={"invalid": _("请输入有效日期。")}
    )
    basis = forms.CharField(
        label=_("废止依据"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_(
            "如：《关于废止部分政策文件的通知》（鞍政发〔2025〕3号）；将显示在文件和各措施页面"
        ),
    )


PROVENANCE_FIELDS = (
    "origin",
    "version",
    "source_file_link",
    "source_filename",
    "source_sha256",
    "source_url",
    "published_by",
    "published_at",
    "imported_at",
    "repealed_on",
    "repeal_basis",
)


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "city",
        "issuer",
        "issued_on",
        "status",
        "complete",
        "origin",
        "version",
        "slug",
        "source",
        retired_state,
    )
    list_filter = ("city", "status", "complete", "origin", RetiredFilter)

    def get_queryset(self, request):
        # a department's staff see (and repeal) their own city's documents only
        return scope_to_city(super().get_queryset(request), request.user)

    search_fields = ("title", "issuer", "slug", "source")
    list_select_related = ("city",)
    readonly_fields = (
        "slug",
        "source",
        "source_text",
        "clean_text",
        "closing_text",
        *PROVENANCE_FIELDS,
        *RETIREMENT_FIELDS,
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "city",
                    "issuer",
                    "issued_on",
                    "captured_on",
                    "status",
                    "complete",
                )
            },
        ),
        (
            _("时效"),
            {
                "fields": VALIDITY_FIELDS,
                "description": _(
                    "由导入程序从原文读取（fixtures/validity.toml 可校订）；在此修改后，再次导入不会覆盖。"
                ),
            },
        ),
        (
            _("来源"),
            {
                "fields": ("slug", "source", *PROVENANCE_FIELDS, *RETIREMENT_FIELDS),
                "description": _(
                    "文件的来源、发布人和版本（部门发布的文件由“发布政策文件”写入），不能在此修改。"
                    "修订请通过“发布政策文件”选择“修订：替代的文件”；废止请用右上角的“废止”。"
                ),
            },
        ),
        (
            _("正文"),
            {"classes": ("collapse",), "fields": ("clean_text", "closing_text", "source_text")},
        ),
    )
    inlines = [ChapterInline, EditorialNoteInline]
    change_form_template = "admin/policies/policydocument/change_form.html"

    @admin.display(description=_("原始文件"))
    def source_file_link(self, document):
        if not document.pk or not document.source_file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:policies_policydocument_source_file", args=[document.pk]),
            _("下载 %(name)s") % {"name": document.source_filename or _("原始文件")},
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/repeal/",
                self.admin_site.admin_view(self.repeal_view),
                name="policies_policydocument_repeal",
            ),
            path(
                "<path:object_id>/source-file/",
                self.admin_site.admin_view(self.source_file_view),
                name="policies_policydocument_source_file",
            ),
            *super().get_urls(),
        ]

    def can_repeal(self, request, document) -> bool:
        """Staff who may change documents, for their own city's (department staff)."""
        if not self.has_change_permission(request, document):
            return False
        city = staff_city(request.user)
        return city is None or (city is not False and document.city_id == city.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        document = self.get_object(request, unquote(object_id))
        extra_context = {
            "can_repeal": bool(
                document and not document.is_repealed and self.can_repeal(request, document)
            ),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def source_file_view(self, request, object_id):
        document = self.get_object(request, unquote(object_id))
        if document is None or not self.has_view_permission(request, document):
            raise Http404
        return source_file_response(document.source_file, document.source_filename)

    def repeal_view(self, request, object_id):
        """废止: the form (date, 依据), a confirmation page, then ``publishing.repeal``."""
        from . import publishing

        document = self.get_object(request, unquote(object_id))
        if document is None:
            raise Http404
        if not self.can_repeal(request, document):
            raise PermissionDenied
        change_url = reverse("admin:policies_policydocument_change", args=[document.pk])
        if document.is_repealed:
            messages.warning(
                request,
                _("该文件已于 %(date)s 废止，未重复操作。") % {"date": document.repealed_on},
            )
            return redirect(change_url)
        form = RepealForm(request.POST if request.method == "POST" else None)
        confirming = False
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if request.POST.get("confirm") == "yes":
                done = publishing.repeal(
                    document, on=data["repealed_on"], basis=data["basis"], user=request.user
                )
                if done:
                    messages.success(
                        request,
                        _("已废止《%(title)s》：文件及其措施不再出现在公开列表中。")
                        % {"title": document.title},
                    )
                else:
                    messages.warning(request, _("该文件已被废止，未重复操作。"))
                return redirect(change_url)
            confirming = True
        measures = document.measures.public().count()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("废止政策文件"),
            "document": document,
            "form": form,
            "confirming": confirming,
            "measure_count": measures,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/policies/policydocument/repeal.html", context)


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ("title", "number", "document")
    list_filter = ("document__city", "document")
    search_fields = ("title",)
    list_select_related = ("document",)


class MeasureDepartmentInline(admin.TabularInline):
    model = MeasureDepartment
    extra = 0
    fields = ("department", "position")
    autocomplete_fields = ("department",)
    verbose_name_plural = _("责任单位")


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "document",
        "deadline_text",
        "max_amount_yuan",
        "free_of_application",
        retired_state,
    )
    list_filter = (
        RetiredFilter,
        "document__city",
        "document",
        ("departments", DepartmentListFilter),
        "topics",
        "support_types",
        "free_of_application",
        ValidityStatusFilter,
        "validity_kind",
    )
    search_fields = ("title", "text", "handling", "path_key")
    list_select_related = ("document",)
    readonly_fields = (
        "document",
        "path",
        "path_key",
        "position",
        "validity_parts",
        *RETIREMENT_FIELDS,
    )
    filter_horizontal = ("topics", "support_types")
    fieldsets = (
        (
            None,
            {"fields": ("document", "chapter", "path", "path_key", "position", "title", "text")},
        ),
        (
            _("撤回"),
            {
                "fields": RETIREMENT_FIELDS,
                "description": _(
                    "由导入程序设置：来源文件中已无此条时撤回（不再公开，保留编号、链接、受理和办理流程），"
                    "来源中重新出现时自动恢复。不能在此手工修改。"
                ),
            },
        ),
        (
            _("要点"),
            {
                "fields": (
                    "topics",
                    "support_types",
                    "amounts_yuan",
                    "support_amounts_yuan",
                    "max_amount_yuan",
                    "free_of_application",
                )
            },
        ),
        (
            _("办理"),
            {
                "fields": (
                    "handling",
                    "deadline_text",
                    "contacts",
                )
            },
        ),
        (_("时效"), {"fields": (*VALIDITY_FIELDS, "validity_parts")}),
    )
    inlines = [MeasureDepartmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order", "description")
    list_editable = ("order",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(SupportType)
class SupportTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name", "slug")


# -- 发布政策文件 ----------------------------------------------------------------------------------

SOURCE_EXTENSIONS = (".docx", ".pdf", ".txt")
SOURCE_MAX_BYTES = 10 * 1024 * 1024


class DraftForm(forms.Form):
    """What staff say about a document: its city, issuer, date, title, where it was
    published, and the document it replaces (修订)."""

    city = forms.ModelChoiceField(label=_("城市"), queryset=City.objects.none())
    issuer = forms.CharField(label=_("发文机关"), max_length=100)
    issued_on = forms.DateField(
        label=_("发布日期"),
        widget=DateInput(),
        error_messages={"invalid": _("请输入有效日期，如 2025-03-01。")},
    )
    title = forms.CharField(
        label=_("标题"), max_length=200, required=False, help_text=_("留空则从正文读取")
    )
    source_url = forms.URLField(
        label=_("来源网址"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("文件在政府网站上的地址（可选）"),
    )
    supersedes = forms.ModelChoiceField(
        label=_("修订：替代的文件"),
        queryset=PolicyDocument.objects.none(),
        required=False,
        help_text=_(
            "本文件是某一已发布文件的新版本时选择：原文件的措施保留编号和链接，旧版本留存可查"
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = scope_to_city(City.objects.all(), user, "pk")
        self.fields["supersedes"].queryset = scope_to_city(
            PolicyDocument.objects.select_related("city").order_by("city", "-issued_on"), user
        )
        self.fields["supersedes"].label_from_instance = lambda document: (
            f"{document.city.name} · {document.title}（{document.issued_on or '日期不详'}）"
        )
        if self.fields["city"].queryset.count() == 1:
            self.fields["city"].initial = self.fields["city"].queryset.get().pk

    def clean(self):
        data = super().clean()
        city, supersedes = data.get("city"), data.get("supersedes")
        if city and supersedes and supersedes.city_id != city.pk:
            self.add_error(
                "supersedes",
                _("所替代的文件属于%(other)s，与所选城市（%(city)s）不一致。")
                % {"other": supersedes.city.name, "city": city.name},
            )
        return data

    def draft_values(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("city", "issuer", "issued_on", "title", "source_url")}


class DraftAddForm(DraftForm):
    upload = forms.FileField(
        label=_("上传文件"),
        required=False,
        help_text=_("Word（.docx）、带文字层的 PDF 或文本文件（.txt），不超过 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SOURCE_EXTENSIONS)}),
    )
    text = forms.CharField(
        label=_("或粘贴正文"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
        help_text=_("上传文件和粘贴正文二选一"),
    )
    field_order = ["city", "issuer", "issued_on", "title", "source_url", "supersedes"]

    def clean(self):
        data = super().clean()
        upload, text = data.get("upload"), (data.get("text") or "")
        if upload and text.strip():
            self.add_error("text", _("已上传文件时请不要再粘贴正文（二选一）。"))
        elif not upload and not text.strip() and "upload" not in self.errors:
            self.add_error("upload", _("请上传文件，或在下方粘贴正文。"))
        if upload:
            name = upload.name.lower()
            if not name.endswith(SOURCE_EXTENSIONS):
                self.add_error("upload", _("只接受 .docx、.pdf 或 .txt 文件。"))
            elif upload.size > SOURCE_MAX_BYTES:
                self.add_error("upload", _("文件超过 10 MB。"))
            elif upload.size == 0:
                self.add_error("upload", _("文件是空的。"))
        return data


class DraftChangeForm(DraftForm):
    text = forms.CharField(
        label=_("正文"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100}),
        help_text=_("可在此修正正文（如识别错的编号、断行），然后“保存并重新解析”"),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def draft_values(self) -> dict:
        values = super().draft_values()
        values["text"] = self.cleaned_data["text"]
        values["supersedes"] = self.cleaned_data.get("supersedes")
        return values


class VersionForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


def preview_context(draft: DocumentDraft) -> dict:
    """The draft's preview as the templates show it: chapters with their measures, each
    measure's fields, its place in a revision (新增 / 修订 / 未变), the measures a revision
    removes, and the warnings by line, the blocking ones first."""
    from . import publishing

    result = publishing.preview(draft)
    parsed = result.parsed
    revision = bool(draft.supersedes_id)
    rows = []
    for continuation in result.continuations:
        measure = continuation.parsed
        support = measure.support_amounts_yuan
        period = getattr(measure, "period", None)
        if not revision:
            change = ""
        elif continuation.measure is None:
            change = "added"
        elif continuation.changes:
            change = "changed"
        else:
            change = "same"
        rows.append(
            {
                "parsed": measure,
                "current": continuation.measure,
                "change": change,
                "changes": "、".join(continuation.changes),
                "max_amount": format_yuan(max(support)) if support else "",
                "amounts": [format_yuan(amount) for amount in support],
                "validity": validity.describe(period) if period is not None else "",
                "chapter": getattr(measure, "chapter", None),
            }
        )
    groups = []
    if parsed is not None:
        loose = [row for row in rows if not row["chapter"]]
        if loose:
            groups.append((None, loose))
        for chapter in parsed.chapters:
            groups.append((chapter, [row for row in rows if row["chapter"] == chapter.number]))
    warnings = sorted(result.warnings, key=lambda w: (not w.blocking, w.line or 0))
    reasons = (
        [result.error.message]
        if result.error is not None
        else [f"第 {w.line} 行：{w.message}" if w.line else w.message for w in result.blocking]
    )
    return {
        "preview": result,
        "parsed": parsed,
        "groups": groups,
        "measure_rows": rows,
        "warnings": warnings,
        "blocking_count": len(result.blocking),
        "publishable": result.publishable,
        "reasons": reasons,
        "revision": revision,
        "removed": result.removed,
        "counts": {
            "added": sum(row["change"] == "added" for row in rows),
            "changed": sum(row["change"] == "changed" for row in rows),
            "same": sum(row["change"] == "same" for row in rows),
            "removed": len(result.removed),
        },
    }


@admin.register(DocumentDraft)
class DocumentDraftAdmin(admin.ModelAdmin):
    """发布政策文件: add (upload or paste) → preview, correct, re-parse → publish (confirmed).

    Superusers and staff with the ``policies.add_documentdraft`` permission; a department's
    staff see and publish only their city's drafts (another city's is a 404)."""

    list_display = (
        "__str__",
        "city",
        "issuer",
        "issued_on",
        "state",
        "supersedes",
        "created_by",
        "updated_at",
        "document_link",
    )
    list_filter = ("state", ("city", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "issuer", "source_filename")
    list_select_related = ("city", "supersedes", "created_by", "document")
    actions = None

    # -- permissions and scope ----------------------------------------------------------------

    def _publisher(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and user.has_perm("policies.add_documentdraft")

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._publisher(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self._publisher(request)

    def has_delete_permission(self, request, obj=None):
        return False  # a draft is discarded (放弃), never deleted

    def get_queryset(self, request):
        return scope_to_city(super().get_queryset(request), request.user).select_related(
            "city", "supersedes__city", "created_by", "document"
        )

    @admin.display(description=_("发布为"))
    def document_link(self, draft):
        if draft.document_id is None:
            return "—"
        return format_html('<a href="{}">{}</a>', draft.document.get_absolute_url(), _("公开页面"))

    # -- pages ----------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="policies_documentdraft_publish",
            ),
            path(
                "<path:object_id>/discard/",
                self.admin_site.admin_view(self.discard_view),
                name="policies_documentdraft_discard",
            ),
            path(
                "<path:object_id>/source-file/",
                self.admin_site.admin_view(self.source_file_view),
                name="policies_documentdraft_source_file",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **values):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "app_label": self.model._meta.app_label,
            "title": title,
            **values,
        }

    def _draft(self, request, object_id) -> DocumentDraft:
        draft = self.get_object(request, unquote(object_id))
        if draft is None:
            raise Http404  # another city's draft does not exist for this user
        if not self.has_view_permission(request, draft):
            raise PermissionDenied
        return draft

    def _change_url(self, draft):
        return reverse("admin:policies_documentdraft_change", args=[draft.pk])

    def add_view(self, request, form_url="", extra_context=None):
        from . import publishing
        from .importer import SourceError

        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = DraftAddForm(
            request.POST if posted else None, request.FILES if posted else None, user=request.user
        )
        if posted and form.is_valid():
            upload = form.cleaned_data["upload"]
            values = {
                **form.draft_values(),
                "supersedes": form.cleaned_data["supersedes"],
                "user": request.user,
            }
            try:
                if upload:
                    draft = publishing.create_draft(
                        filename=upload.name, data=upload.read(), **values
                    )
                else:
                    draft = publishing.create_draft(text=form.cleaned_data["text"], **values)
            except SourceError as error:
                form.add_error("upload" if upload else "text", error.message)
            else:
                messages.success(request, _("已读取正文。请核对下方预览和提示，确认无误后发布。"))
                return redirect(self._change_url(draft))
        context = self._context(request, _("发布政策文件"), form=form, add=True)
        return TemplateResponse(
            request,
            "admin/policies/documentdraft/add_form.html",
            context,
            status=400 if posted else 200,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from . import publishing

        draft = self._draft(request, object_id)
        editable = draft.state == DocumentDraft.State.EDITING and self.has_change_permission(
            request, draft
        )
        status = 200
        stale = ""
        if request.method == "POST":
            if not editable:
                messages.error(request, _("该文件已发布或已放弃，不能再修改。"))
                return redirect(self._change_url(draft))
            form = DraftChangeForm(request.POST, user=request.user)
            if form.is_valid():
                try:
                    publishing.update_draft(
                        draft, form.cleaned_data["lock_version"], **form.draft_values()
                    )
                except publishing.PublishError as error:
                    stale = error.message  # their text stays in the form, nothing is overwritten
                    status = 409
                    draft.refresh_from_db()
                else:
                    messages.success(request, _("已保存并重新解析。"))
                    return redirect(self._change_url(draft))
            else:
                status = 400
        else:
            form = DraftChangeForm(
                initial={
                    "city": draft.city_id,
                    "issuer": draft.issuer,
                    "issued_on": draft.issued_on,
                    "title": draft.title,
                    "source_url": draft.source_url,
                    "supersedes": draft.supersedes_id,
                    "text": draft.text,
                    "lock_version": draft.lock_version,
                },
                user=request.user,
            )
        shown = preview_context(draft)
        name = draft.title or (shown["parsed"].title if shown["parsed"] else "") or str(draft)
        context = self._context(
            request,
            _("发布政策文件：%(name)s") % {"name": name},
            draft=draft,
            original=draft,
            form=form if editable else None,
            editable=editable,
            stale=stale,
            **shown,
        )
        return TemplateResponse(
            request, "admin/policies/documentdraft/change_form.html", context, status=status
        )

    def publish_view(self, request, object_id):
        """GET: what will be published (or why it cannot be); POST: ``publishing.publish``."""
        from . import publishing

        draft = self._draft(request, object_id)
        if not self.has_change_permission(request, draft):
            raise PermissionDenied
        change_url = self._change_url(draft)
        if draft.state != DocumentDraft.State.EDITING:
            messages.error(request, _("该文件已发布或已放弃，未重复发布。"))
            return redirect(change_url)
        if request.method == "POST":
            form = VersionForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("请从预览页面重新发布。"))
                return redirect(change_url)
            try:
                document = publishing.publish(
                    draft, user=request.user, expected_version=form.cleaned_data["lock_version"]
                )
            except publishing.PublishError as error:
                messages.error(request, error.message)
                return redirect(change_url)
            messages.success(
                request,
                format_html(
                    '已发布《{}》（第 {} 版）。<a href="{}">查看公开页面</a>',
                    document.title,
                    document.version,
                    document.get_absolute_url(),
                ),
            )
            document_admin = self.admin_site.get_model_admin(PolicyDocument)
            if document_admin.has_view_or_change_permission(request, document):
                return redirect(reverse("admin:policies_policydocument_change", args=[document.pk]))
            return redirect(change_url)
        context = self._context(
            request,
            _("确认发布"),
            draft=draft,
            original=draft,
            change_url=change_url,
            **preview_context(draft),
        )
        return TemplateResponse(
            request, "admin/policies/documentdraft/publish_confirm.html", context
        )

    def discard_view(self, request, object_id):
        from . import publishing

        draft = self._draft(request, object_id)
        if not self.has_change_permission(request, draft):
            raise PermissionDenied
        change_url = self._change_url(draft)
        if request.method != "POST":
            return redirect(change_url)
        form = VersionForm(request.POST)
        if not form.is_valid():
            return redirect(change_url)
        try:
            publishing.discard_draft(draft, form.cleaned_data["lock_version"])
        except publishing.PublishError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已放弃该文件，未发布任何内容。"))
        return redirect(change_url)

    def source_file_view(self, request, object_id):
        draft = self._draft(request, object_id)
        return source_file_response(draft.source_file, draft.source_filename)


# -- versions and revisions (read-only) ----------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by ``policies.publishing``; staff list and read them."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyAdmin):
    list_display = ("title", "document", "number", "published_at", "superseded_at")
    list_filter = ("document__city",)
    search_fields = ("title", "document__title")
    list_select_related = ("document",)
    fields = (
        "document",
        "number",
        "title",
        "issuer",
        "issued_on",
        "source_filename",
        "source_file",
        "source_sha256",
        "source_url",
        "published_at",
        "published_by_name",
        "superseded_at",
        "superseded_by_title",
        "measures",
        "clean_text",
        "source_text",
    )
    readonly_fields = fields


@admin.register(MeasureRevision)
class MeasureRevisionAdmin(ReadOnlyAdmin):
    list_display = ("measure", "document", "version", "kind", "at")
    list_filter = ("kind", "document__city")
    search_fields = ("measure__title", "document__title")
    list_select_related = ("measure", "document")
    fields = ("measure", "document", "version", "kind", "at", "before", "after")
    readonly_fields = fields

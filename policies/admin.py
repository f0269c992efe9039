"""The catalogue admin: staff correct what the import got wrong, and the importer keeps it."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.dates import today as portal_today

from . import validity
from .models import (
    Chapter,
    City,
    Department,
    DepartmentContact,
    District,
    EditorialNote,
    Measure,
    MeasureDepartment,
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


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "city",
        "issuer",
        "issued_on",
        "status",
        "complete",
        "slug",
        "source",
        retired_state,
    )
    list_filter = ("city", "status", "complete", RetiredFilter)
    search_fields = ("title", "issuer", "slug", "source")
    list_select_related = ("city",)
    readonly_fields = (
        "slug",
        "source",
        "source_sha256",
        "imported_at",
        "source_text",
        "clean_text",
        "closing_text",
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
            {"fields": ("slug", "source", "source_sha256", "imported_at", *RETIREMENT_FIELDS)},
        ),
        (
            _("正文"),
            {"classes": ("collapse",), "fields": ("clean_text", "closing_text", "source_text")},
        ),
    )
    inlines = [ChapterInline, EditorialNoteInline]


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

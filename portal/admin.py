import json

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, DigestSubscription, Follow, User
from .params import positive_int


class _BoundedDateChangeList(ChangeList):
    """Django's date hierarchy turns ``?date__year=9999`` into a range ending in year 10000
    (a ValueError it does not catch), ``…&date__month=12`` into an OverflowError, and year 1
    into a time the database adapter cannot move to UTC: each a 500. A year outside 2–9998
    is a bad lookup, answered like any other (the admin's "?e=1" page)."""

    def get_filters(self, request):
        year = request.GET.get(f"{self.date_hierarchy}__year") if self.date_hierarchy else None
        if year is not None:
            number = positive_int(year, maximum=9998)
            if number is None or number < 2:
                raise IncorrectLookupParameters(f"year {year[:8]!r} out of range")
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class SuperuserReadOnly:
    """A record kept for superusers to read: listed and opened by them only, and added,
    changed or deleted by nobody in the admin."""

    actions = None

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DateHierarchyAdmin(admin.ModelAdmin):
    """A ModelAdmin with a ``date_hierarchy``: every one of the site's uses this."""

    def get_changelist(self, request, **kwargs):
        return _BoundedDateChangeList


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("联系方式"), {"fields": ("phone",)}),)
    list_display = ("username", "last_name", "first_name", "email", "is_staff", "is_active")


@admin.register(AuditEvent)
class AuditEventAdmin(SuperuserReadOnly, DateHierarchyAdmin):
    """The audit trail: read by superusers only, and by nobody added, changed or deleted."""

    list_display = ("at", "kind", "who", "ip", "summary")
    list_filter = ("kind", "at")
    search_fields = ("username", "ip", "summary")
    date_hierarchy = "at"
    list_select_related = ("user",)
    list_per_page = 50
    show_full_result_count = False  # no second COUNT over the whole trail
    fields = (
        "at",
        "kind",
        "user",
        "username",
        "ip",
        "user_agent",
        "method",
        "path",
        "object_type",
        "object_id",
        "summary",
        "extra_display",
    )
    readonly_fields = fields

    @admin.display(description=_("用户"), ordering="username")
    def who(self, event):
        if event.user_id is not None and event.user is not None:
            return str(event.user)
        return event.username or "—"

    @admin.display(description=_("附加信息"))
    def extra_display(self, event):
        if not event.extra:
            return "—"
        return format_html("<pre>{}</pre>", json.dumps(event.extra, ensure_ascii=False, indent=2))


@admin.register(Follow)
class FollowAdmin(SuperuserReadOnly, admin.ModelAdmin):
    """What users follow, with what decides whether their daily digest goes out
    (``send_digests``: to an active user with an e-mail address who has not unsubscribed),
    for a superuser answering "why did no reminder come?". Read-only: a follow is the user's
    own, changed on their follows page (我的关注) and nowhere else."""

    list_display = ("user", "email", "active", "kind", "label", "created_at", "digest")
    list_filter = ("kind",)
    search_fields = ("user__username", "label")
    list_select_related = ("user__digest_subscription",)
    list_per_page = 50
    fields = (
        "user", "email", "active", "kind", "measure", "query", "label", "created_at", "digest"
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("邮箱"), ordering="user__email")
    def email(self, follow):
        return follow.user.email or "—"

    @admin.display(description=_("账户启用"), boolean=True, ordering="user__is_active")
    def active(self, follow):
        return follow.user.is_active

    @admin.display(description=_("每日提醒邮件"))
    def digest(self, follow):
        return DigestSubscription.state_label(getattr(follow.user, "digest_subscription", None))


admin.site.site_header = _("惠企政策服务门户 · 管理后台")
admin.site.site_title = _("惠企政策管理后台")
admin.site.index_title = _("政策目录与申报办理")
from . import admin_tasks  # noqa: E402, F401  (the task queue and failed mail, in Chinese)

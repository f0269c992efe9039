from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("联系方式"), {"fields": ("phone",)}),)
    list_display = ("username", "last_name", "first_name", "email", "is_staff", "is_active")


admin.site.site_header = _("惠企政策服务门户 · 管理后台")
admin.site.site_title = _("惠企政策管理后台")
admin.site.index_title = _("政策目录与申报办理")

"""The task queue in the admin, in Chinese, with the mail that could not be sent.

django-tasks-db registers its ``DBTaskResult`` (one row per task run) in the admin, read-only.
This replaces that registration with a subclass that adds what an administrator needs for
mail: recipients, subject, attempt and last error as columns, and the filter 邮件 with
发送失败的邮件 (mail given up on after the last attempt: FAILED, with its traceback) and
失败后已安排重试 (an attempt that failed and scheduled the next one). The message body is
never shown: a password-reset mail carries a login link.

Chinese names without a model of our own (a proxy model would need a migration): the app's
and the model's display names are set here, at run time. Migrations read a model's *declared*
options (``Meta``), so this changes nothing for ``makemigrations``.
"""

import datetime

from django.apps import apps
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from portal.tasks import send_email

MAIL_TASK = send_email.module_path  # "portal.tasks.send_email"

STATUS_WORDS = {
    TaskResultStatus.READY: _("排队中"),
    TaskResultStatus.RUNNING: _("执行中"),
    TaskResultStatus.FAILED: _("失败"),
    TaskResultStatus.SUCCESSFUL: _("已完成"),
}

apps.get_app_config("django_tasks_database").verbose_name = _("后台任务")
DBTaskResult._meta.verbose_name = _("任务记录")
DBTaskResult._meta.verbose_name_plural = _("任务记录")


def _message(obj) -> dict | None:
    if obj.task_path != MAIL_TASK:
        return None
    kwargs = (obj.args_kwargs or {}).get("kwargs") or {}
    args = (obj.args_kwargs or {}).get("args") or []
    message = kwargs.get("message", args[0] if args else None)
    return message if isinstance(message, dict) else None


class StatusFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(status.value, words) for status, words in STATUS_WORDS.items()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


class MailFilter(admin.SimpleListFilter):
    title = _("邮件")
    parameter_name = "mail"

    def lookups(self, request, model_admin):
        return [
            ("failed", _("发送失败的邮件")),
            ("retrying", _("失败后已安排重试")),
            ("all", _("全部邮件任务")),
        ]

    def queryset(self, request, queryset):
        mail = queryset.filter(task_path=MAIL_TASK)
        if self.value() == "failed":
            return mail.filter(status=TaskResultStatus.FAILED)
        if self.value() == "retrying":
            return mail.filter(status=TaskResultStatus.SUCCESSFUL, return_value__has_key="retry_at")
        if self.value() == "all":
            return mail
        return queryset


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "task_label",
        "status_label",
        "recipients",
        "subject",
        "attempt",
        "last_error",
        "enqueued_at",
        "finished_at",
    )
    list_filter = (MailFilter, StatusFilter, "queue_name")
    list_display_links = ("task_label",)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.task_path == MAIL_TASK and "args_kwargs" in fields:
            # who and what, not the body (a reset link is a key to an account)
            index = fields.index("args_kwargs")
            fields[index : index + 1] = ["recipients", "subject", "attempt", "last_error"]
        return fields

    @admin.display(description=_("任务"), ordering="task_path")
    def task_label(self, obj):
        if obj.task_path == MAIL_TASK:
            return _("发送邮件")
        return obj.task_name

    @admin.display(description=_("状态"), ordering="status")
    def status_label(self, obj):
        words = STATUS_WORDS.get(obj.status, obj.status)
        if obj.task_path != MAIL_TASK:
            return words
        if obj.status == TaskResultStatus.FAILED:
            return format_html("<strong>{}</strong>", _("发送失败，已放弃"))
        if isinstance(obj.return_value, dict) and "retry_at" in obj.return_value:
            return _("本次失败，已安排重试")
        if obj.status == TaskResultStatus.SUCCESSFUL:
            return _("已发送")
        return words

    @admin.display(description=_("收件人"))
    def recipients(self, obj):
        message = _message(obj)
        if message is None:
            return "-"
        return ", ".join(message.get("to", []) + message.get("cc", []) + message.get("bcc", []))

    @admin.display(description=_("主题"))
    def subject(self, obj):
        message = _message(obj)
        return message.get("subject", "") if message else "-"

    @admin.display(description=_("第几次尝试"))
    def attempt(self, obj):
        if obj.task_path != MAIL_TASK:
            return len(obj.worker_ids or []) or "-"
        kwargs = (obj.args_kwargs or {}).get("kwargs") or {}
        return kwargs.get("attempt", 1)

    @admin.display(description=_("最近错误"))
    def last_error(self, obj):
        if obj.status == TaskResultStatus.FAILED:
            lines = [line for line in (obj.traceback or "").splitlines() if line.strip()]
            return lines[-1] if lines else obj.exception_class_path or "-"
        if isinstance(obj.return_value, dict) and obj.return_value.get("error"):
            at = obj.return_value.get("retry_at", "")
            try:
                at = timezone.localtime(datetime.datetime.fromisoformat(at))
                at = at.strftime("%Y-%m-%d %H:%M")
            except (TypeError, ValueError):
                pass
            return _("%(error)s（将于 %(at)s 重试）") % {
                "error": obj.return_value["error"],
                "at": at,
            }
        return "-"

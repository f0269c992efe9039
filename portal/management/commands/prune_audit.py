"""Delete the audit trail's events older than ``PORTAL_AUDIT_DAYS`` days.

Meant for a daily cron job (``manage.py prune_audit``). Whatever the setting or ``--days``
say, nothing younger than ``MINIMUM_DAYS`` (180) days is ever deleted. Deleting runs in
batches of ``--batch-size`` rows, each its own statement, so a first run over years of
history neither holds a long lock nor fails halfway with everything undone. A second run
finds nothing more to delete.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.models import AuditEvent

MINIMUM_DAYS = 180


class Command(BaseCommand):
    help = "删除超过保留期限（PORTAL_AUDIT_DAYS，至少 180 天）的审计日志。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="保留天数（默认取 PORTAL_AUDIT_DAYS；不得少于 180 天）",
        )
        parser.add_argument(
            "--batch-size", type=int, default=10000, help="每批删除的条数（默认 10000）"
        )
        parser.add_argument("--dry-run", action="store_true", help="只统计将删除的条数，不删除")

    def handle(self, *args, days=None, batch_size=10000, dry_run=False, **options):
        if days is not None and days < MINIMUM_DAYS:
            raise CommandError(f"审计日志至少保留 {MINIMUM_DAYS} 天，拒绝按 {days} 天清理。")
        if days is None:
            configured = int(getattr(settings, "PORTAL_AUDIT_DAYS", MINIMUM_DAYS))
            days = max(MINIMUM_DAYS, configured)
            if configured < MINIMUM_DAYS:
                self.stderr.write(
                    f"PORTAL_AUDIT_DAYS={configured} 少于 {MINIMUM_DAYS} 天，"
                    f"按 {MINIMUM_DAYS} 天保留。"
                )
        if batch_size < 1:
            raise CommandError("--batch-size 必须大于 0。")

        cutoff = timezone.now() - datetime.timedelta(days=days)
        expired = AuditEvent.objects.filter(at__lt=cutoff)
        day = timezone.localtime(cutoff).strftime("%Y-%m-%d %H:%M")
        if dry_run:
            count = expired.count()
            self.stdout.write(
                f"审计日志保留 {days} 天：{day} 之前的记录共 {count} 条，将被删除（试运行，未删除）。"
            )
            return

        deleted = 0
        while True:
            batch = list(expired.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not batch:
                break
            # a queryset delete: the only way an audit event is ever deleted
            count, _ = AuditEvent.objects.filter(pk__in=batch).delete()
            deleted += count
        kept = AuditEvent.objects.count()
        if deleted:
            message = (
                f"审计日志保留 {days} 天：已删除 {day} 之前的记录 {deleted} 条，现存 {kept} 条。"
            )
        else:
            message = f"审计日志保留 {days} 天：{day} 之前没有记录，无需删除；现存 {kept} 条。"
        self.stdout.write(message)

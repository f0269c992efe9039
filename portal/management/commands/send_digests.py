"""Mail each subscribed user what is new about what they follow: one digest a day.

Meant for a daily cron job or systemd timer (any number of runs a day is safe). For every
active user with an e-mail address, at least one follow and the digest not turned off
(``DigestSubscription``), ``portal.follows.digest_for`` gathers what is new since their last
digest; when there is anything, the day's ``Digest`` row is claimed under its unique
(user, day) constraint and the mail queued (``portal.mail``: sent by the task queue when the
transaction commits) in one transaction. A second run the same day finds the row and mails
nobody again; a user who unsubscribed is not mailed.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import follows
from portal.dates import today as portal_today
from portal.models import Digest, DigestSubscription


def digest_message(user, content, day) -> EmailMultiAlternatives:
    site = settings.PORTAL_SITE_URL
    unsubscribe_url = site + reverse(
        "follows:unsubscribe", kwargs={"token": follows.unsubscribe_token(user)}
    )
    context = {
        "user": user,
        "name": user.get_full_name() or user.get_username(),
        "content": content,
        "day": day,
        "site": site,
        "follows_url": site + reverse("follows:list"),
        "unsubscribe_url": unsubscribe_url,
    }
    count = (
        sum(s.total for s in content.new)
        + len(content.changed)
        + len(content.retired)
        + len(content.ending)
        + len(content.moved)
    )
    message = EmailMultiAlternatives(
        subject=_("【惠企政策服务门户】关注提醒（%(date)s）：%(count)d 条新动态")
        % {"date": day.isoformat(), "count": count},
        body=render_to_string("portal/mail/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("portal/mail/digest.html", context), "text/html")
    return message


class Command(BaseCommand):
    help = "向关注了措施、搜索或企业匹配政策的用户发送每日关注提醒邮件（每人每天至多一封）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按此日期（YYYY-MM-DD）发送，默认今天")

    def handle(self, *args, **options):
        if options.get("date"):
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(_("日期格式应为 YYYY-MM-DD")) from exc
        else:
            day = portal_today()
        top = follows.measure_watermark()
        users = (
            get_user_model()
            .objects.filter(is_active=True, follows__isnull=False)
            .exclude(email="")
            .exclude(pk__in=DigestSubscription.objects.unsubscribed().values("user_id"))
            .exclude(pk__in=Digest.objects.filter(day=day).values("user_id"))
            .distinct()
            .order_by("pk")
        )
        sent = 0
        for user in users:
            with transaction.atomic():
                content, row = follows.digest_for(user, day, top)
                if not content:
                    continue
                if not follows.is_subscribed(user):  # unsubscribed while we were at it
                    continue
                if not follows.claim(row):  # another run got there first
                    continue
                digest_message(user, content, day).send()
            sent += 1
        self.stdout.write(
            _("关注提醒（%(date)s）：提醒邮件 %(mails)d 封已排入发送队列。")
            % {"date": day.isoformat(), "mails": sent}
        )

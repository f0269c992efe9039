"""Mail staff about the applications at their step that are due soon or overdue.

Meant for a daily cron job. An application in review is *due soon* when its ``due_on`` is
today or within the next ``DUE_SOON_DAYS`` working days, *overdue* once ``due_on`` has
passed. Every active staff user (with an email) of a department of its current step gets
ONE mail a run listing all such applications, and a ``Reminder`` row per user, application,
kind and day records it: a second run the same day finds everything recorded and mails
nobody, and a run after the first mail only mails what is new (an application that became
due, a newly added colleague).

A reminder counts once its mail is queued (``portal.mail``: the mail is sent by the task
queue, which retries a failing transport with backoff and lists a mail it gave up on in the
admin under 后台任务 › 邮件: 发送失败的邮件). If queueing fails (the database is down), the
command raises and cron reports it; the reminders of that mail were not recorded, so the next
run queues it again.
"""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.clock import WorkCalendar
from applications.desk import DUE_SOON_DAYS
from applications.models import (
    Application,
    ApplicationStep,
    Reminder,
    StaffMembership,
)
from applications.states import State
from portal.dates import today as portal_today


class Command(BaseCommand):
    help = "向办理部门工作人员发送即将到期和已超期申报的提醒邮件（每人每天一封）。"

    def handle(self, *args, **options):
        today = portal_today()
        calendar = WorkCalendar()
        soon_until = calendar.add_working_days(today, DUE_SOON_DAYS)
        applications = list(
            Application.objects.filter(
                state=State.IN_REVIEW, due_on__isnull=False, due_on__lte=soon_until
            )
            .select_related("enterprise", "measure")
            .prefetch_related(
                Prefetch(
                    "steps",
                    queryset=ApplicationStep.objects.prefetch_related("departments", "signoffs"),
                )
            )
            .order_by("due_on", "pk")
        )
        if applications:
            calendar.cover(min(a.due_on for a in applications), soon_until)

        # Who is at each application's current step: department → staff users (a
        # department that already agreed at a joint step waits for the others: not it).
        departments_of = {}
        for application in applications:
            step = application.current_step()
            if step is None:
                departments_of[application.pk] = set()
                continue
            signed = {s.department_id for s in step.signoffs.all() if s.round == application.round}
            departments_of[application.pk] = {d.pk for d in step.departments.all()} - signed
        staff_of = defaultdict(list)
        memberships = StaffMembership.objects.filter(
            department__in={pk for pks in departments_of.values() for pk in pks},
            user__is_active=True,
            user__is_staff=True,  # the link leads into the admin
        ).exclude(user__email="")
        for membership in memberships.select_related("user").order_by("user__username"):
            staff_of[membership.department_id].append(membership.user)

        already = set(
            Reminder.objects.filter(
                sent_on=today, application__in=[a.pk for a in applications]
            ).values_list("user_id", "application_id", "kind")
        )
        items_of = defaultdict(list)  # user → [(application, kind, days overdue)]
        users = {}
        counts = {Reminder.Kind.DUE_SOON: 0, Reminder.Kind.OVERDUE: 0}
        for application in applications:
            overdue = application.due_on < today
            kind = Reminder.Kind.OVERDUE if overdue else Reminder.Kind.DUE_SOON
            days = calendar.working_days_between(application.due_on, today) if overdue else 0
            seen = set()
            for department in departments_of[application.pk]:
                for user in staff_of[department]:
                    if user.pk in seen or (user.pk, application.pk, kind) in already:
                        continue
                    seen.add(user.pk)
                    users[user.pk] = user
                    items_of[user.pk].append((application, kind, days))
            if seen:
                counts[kind] += 1

        for user_pk, items in items_of.items():
            user = users[user_pk]
            send_mail(
                self.subject(items),
                self.body(user, items, today),
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
            # queued (committed) first, then recorded: after a crash in between, the next
            # run queues it again (a duplicate rather than a reminder never sent)
            Reminder.objects.bulk_create(
                [
                    Reminder(user=user, application=application, kind=kind, sent_on=today)
                    for application, kind, _days in items
                ],
                ignore_conflicts=True,
            )

        self.stdout.write(
            _(
                "办理时限提醒（%(date)s）：提醒邮件 %(mails)d 封已排入发送队列（每位工作人员 1 封），"
                "涉及即将到期申报 %(soon)d 件、已超期申报 %(overdue)d 件。"
            )
            % {
                "date": today.isoformat(),
                "mails": len(items_of),
                "soon": counts[Reminder.Kind.DUE_SOON],
                "overdue": counts[Reminder.Kind.OVERDUE],
            }
        )

    @staticmethod
    def subject(items) -> str:
        overdue = sum(1 for _a, kind, _d in items if kind == Reminder.Kind.OVERDUE)
        return _("【惠企政策服务门户】办理时限提醒：%(overdue)d 件已超期，%(soon)d 件即将到期") % {
            "overdue": overdue,
            "soon": len(items) - overdue,
        }

    @staticmethod
    def body(user, items, today) -> str:
        name = user.get_full_name() or user.get_username()
        lines = [
            _("%(name)s，您好：") % {"name": name},
            _("截至 %(date)s，以下申报在您所在部门的办理环节，请及时办理：")
            % {"date": today.isoformat()},
        ]
        for heading, wanted in [
            (_("已超期"), Reminder.Kind.OVERDUE),
            (_("即将到期"), Reminder.Kind.DUE_SOON),
        ]:
            rows = [(a, d) for a, kind, d in items if kind == wanted]
            if not rows:
                continue
            lines.append("")
            lines.append(f"{heading}（{len(rows)}）：")
            for application, days in rows:
                due = _("办理期限 %(date)s") % {"date": application.due_on.isoformat()}
                if wanted == Reminder.Kind.OVERDUE:
                    due += _("，已超期 %(days)d 个工作日") % {"days": days}
                url = reverse("admin:applications_application_change", args=[application.pk])
                lines.append(
                    f"- {application.number} {application.enterprise.name} · "
                    f"{application.measure.title}；{due}"
                )
                lines.append(f"  {url}")
        return "\n".join(lines)

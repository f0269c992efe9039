"""公示 before payment: approved items are published, anyone may object, payment waits.

An item *awaiting payment* is an application in review at the last step of its route when
that step is a payment (``Act.DISBURSE``): every review passed, finance has yet to pay —
whether it came by an application or by 免申即享. A department publishes a notice
(``publish_notice``) of such items of its measures (those it is a 责任单位 of) for a number
of working days; each entry keeps a snapshot of what was published (the enterprise's name,
its masked credit code, the measure, the amount, the department), so the notice stays the
record it was, whatever changes later.

During the period anyone may raise an objection (``raise_objection``) to an entry or to
the whole notice; it is routed to the publishing department (mailed to the department's
address, else to its staff) with a deadline in working days. The department answers once
(``answer_objection``: a conditional UPDATE where no answer is yet, so of two staff
answering at once one answer is kept and the other is told).

Payment waits (``payment_blocker``, called by the ``final_payment`` guard of
``applications.services``) when the measure's intake requires a notice, or the item was
published anyway, until a notice of it has ended (today after its last day) and every
objection to its entry, and to its notice as a whole, is answered.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from policies.formatting import department_name
from policies.models import Department, Measure, MeasureDepartment
from policies.validity import date_text
from portal import dates
from portal.dates import today as portal_today

from .clock import add_working_days
from .models import (
    NOTICE_MAX_DAYS,
    Act,
    Application,
    ApplicationStep,
    Intake,
    NoticeEntry,
    Objection,
    PublicNotice,
    StaffMembership,
)
from .states import State
from .uscc import mask_uscc

DEFAULT_DAYS = 5  # 公示期 when the measure's intake says nothing
OBJECTION_ANSWER_DAYS = 5  # working days the department has to answer an objection


class NoticeError(Exception):
    """A notice or an objection that cannot be written; ``str(error)`` is the message."""


class AlreadyAnswered(NoticeError):
    pass


# --- what may be published --------------------------------------------------------------------


def awaiting_payment(queryset=None):
    """In review at the last step of the route, a payment step: waiting to be paid."""
    queryset = Application.objects.all() if queryset is None else queryset
    paying_here = ApplicationStep.objects.filter(
        application=OuterRef("pk"), position=OuterRef("position"), act=Act.DISBURSE
    )
    later = ApplicationStep.objects.filter(
        application=OuterRef("pk"), position__gt=OuterRef("position")
    )
    return queryset.filter(state=State.IN_REVIEW).filter(Exists(paying_here)).exclude(Exists(later))


def department_measures(department):
    """The measures a department publishes notices for: those it is a 责任单位 of."""
    return Measure.all_objects.filter(departments=department)


def _unanswered(entry_ref="pk", notice_ref="notice"):
    """Unanswered objections to an entry (OuterRef ``entry_ref``) or to its whole notice."""
    return Objection.objects.filter(answered_at__isnull=True).filter(
        Q(entry=OuterRef(entry_ref)) | Q(notice=OuterRef(notice_ref), entry__isnull=True)
    )


def publishable(department, today, measure=None, queryset=None):
    """Items awaiting payment of the department's measures (of ``measure``) that are not in
    a notice still open, nor in one that has passed (ended, every objection answered)."""
    entries = NoticeEntry.objects.filter(application=OuterRef("pk"))
    open_or_passed = entries.filter(
        Q(notice__ends_on__gte=today) | (Q(notice__ends_on__lt=today) & ~Exists(_unanswered()))
    )
    queryset = awaiting_payment(queryset)
    if department is not None:
        queryset = queryset.filter(measure__in=department_measures(department))
    if measure is not None:
        queryset = queryset.filter(measure=measure)
    return queryset.exclude(Exists(open_or_passed))


def publishing_department(user, measure) -> Department:
    """The department a user publishes ``measure``'s notice as: their own, when it is a
    责任单位 of the measure; for an administrator without one, the measure's first."""
    from .services import staff_department

    department = staff_department(user)
    if department is not None:
        if not department_measures(department).filter(pk=measure.pk).exists():
            raise NoticeError(_("该措施的责任单位不包括您所在部门，不能发布其公示。"))
        return department
    if user.is_authenticated and user.is_superuser:
        link = (
            MeasureDepartment.objects.filter(measure=measure)
            .select_related("department")
            .order_by("position", "pk")
            .first()
        )
        if link is not None:
            return link.department
        raise NoticeError(_("该措施未列明责任单位，不能发布公示。"))
    raise NoticeError(_("只有部门工作人员可以发布公示。"))


def default_days(measure) -> int:
    intake = Intake.objects.filter(measure=measure).first()
    return intake.notice_days if intake is not None and intake.notice_days else DEFAULT_DAYS


def default_title(measure) -> str:
    return (_("关于“%(measure)s”拟拨付资金的公示") % {"measure": measure.title})[:200]


def amount_of(application):
    """The amount a notice shows: the approved amount, else the amount applied for."""
    return application.approved_amount_yuan or application.requested_amount_yuan


# --- publishing, objecting, answering ----------------------------------------------------------


def publish_notice(user, measure, applications, days=None, title="", today=None) -> PublicNotice:
    """Publish a notice of ``applications`` (objects or pks) of ``measure`` for ``days``
    working days from today, as ``user``'s department. Every item has to be publishable
    (``publishable``) when it is written: the applications' rows are locked (PostgreSQL;
    SQLite serialises writers), so two staff publishing the same items at once publish
    them once, and a payment cannot slip in between."""
    today = today or portal_today()
    department = publishing_department(user, measure)
    days = default_days(measure) if days is None else int(days)
    if not 1 <= days <= NOTICE_MAX_DAYS:
        raise NoticeError(_("公示期应为 1 至 %(max)d 个工作日。") % {"max": NOTICE_MAX_DAYS})
    ids = {a.pk if isinstance(a, Application) else int(a) for a in applications}
    if not ids:
        raise NoticeError(_("请至少选择一项公示对象。"))
    with transaction.atomic():
        list(
            Application.objects.filter(pk__in=ids)
            .select_for_update(of=("self",))
            .values_list("pk", flat=True)
        )
        items = list(
            publishable(department, today, measure)
            .filter(pk__in=ids)
            .select_related("enterprise")
            .order_by("enterprise__name", "pk")
        )
        missing = ids - {a.pk for a in items}
        if missing:
            numbers = "、".join(f"SB{pk:06d}" for pk in sorted(missing))
            raise NoticeError(
                _(
                    "以下申报已不在待拨付状态、不属于该措施或已在公示中，请刷新后重新选择：%(numbers)s"
                )
                % {"numbers": numbers}
            )
        notice = PublicNotice.objects.create(
            measure=measure,
            department=department,
            title=(title or "").strip()[:200] or default_title(measure),
            days=days,
            starts_on=today,
            ends_on=add_working_days(today, days),
            created_by=user,
        )
        publisher = department_name(department)
        NoticeEntry.objects.bulk_create(
            NoticeEntry(
                notice=notice,
                application=application,
                position=position,
                enterprise_name=application.enterprise.name,
                masked_uscc=mask_uscc(application.enterprise.uscc),
                measure_title=measure.title[:200],
                amount_yuan=amount_of(application),
                department_name=publisher[:100],
            )
            for position, application in enumerate(items, start=1)
        )
    return notice


def raise_objection(notice, *, name, contact, text, entry=None, today=None) -> Objection:
    """An objection from the public side, while the notice is open; written once. The
    department is told by mail (when the transaction commits)."""
    today = today or portal_today()
    if not notice.is_open(today):
        raise NoticeError(_("公示期已结束，不再受理异议。"))
    if entry is not None and entry.notice_id != notice.pk:
        raise NoticeError(_("请从本公示的名单中选择公示对象。"))
    with transaction.atomic():
        objection = Objection.objects.create(
            notice=notice,
            entry=entry,
            name=name.strip(),
            contact=contact.strip(),
            text=text.strip(),
            submitted_at=dates.now(),
            due_on=add_working_days(today, OBJECTION_ANSWER_DAYS),
        )
        _mail_department(objection)
    return objection


def answer_objection(user, objection, answer) -> Objection:
    """The department's answer, once: a conditional UPDATE where no answer is yet. Of two
    staff answering at once, the first answer stays and the other gets ``AlreadyAnswered``."""
    answer = (answer or "").strip()
    if not answer:
        raise NoticeError(_("请填写答复内容。"))
    if not objections_for(user).filter(pk=objection.pk).exists():
        raise NoticeError(_("该异议不由您所在部门答复。"))
    with transaction.atomic():
        written = Objection.objects.filter(pk=objection.pk, answered_at__isnull=True).update(
            answer=answer, answered_at=dates.now(), answered_by=user
        )
        if written != 1:
            raise AlreadyAnswered(_("该异议已由他人答复，您的答复未保存。请刷新页面查看答复。"))
        objection = Objection.objects.select_related("notice", "entry").get(pk=objection.pk)
        _mail_objector(objection)
    return objection


# --- payment --------------------------------------------------------------------------------


def entries_of(application):
    """The application's notice entries with their notices, the latest notice first."""
    return list(
        NoticeEntry.objects.filter(application=application)
        .select_related("notice")
        .order_by("-notice__starts_on", "-notice__pk")
    )


def pending_objections(entries):
    """Unanswered objections to ``entries`` or to their notices as a whole."""
    if not entries:
        return Objection.objects.none()
    return Objection.objects.filter(answered_at__isnull=True).filter(
        Q(entry__in=[e.pk for e in entries])
        | Q(notice__in={e.notice_id for e in entries}, entry__isnull=True)
    )


def notice_required(application) -> bool:
    return Intake.objects.filter(measure_id=application.measure_id, notice_required=True).exists()


def payment_blocker(application, today: datetime.date | None = None, entries=None) -> str | None:
    """Why the application may not be paid yet because of 公示 (a message), or None.

    Blocked while its measure requires a notice (or the item was published anyway) and
    no notice of it has ended (today after its last day), or while an objection to it (or
    to the whole of one of its notices) is unanswered."""
    today = today or portal_today()
    entries = entries_of(application) if entries is None else entries
    if not entries:
        if notice_required(application):
            return _(
                "该措施须公示后方可拨付：本申报尚未公示。请由责任单位发布公示，"
                "公示期满且异议均已答复后再登记拨付。"
            )
        return None
    ended = [e for e in entries if e.notice.ends_on < today]
    if not ended:
        last = max(e.notice.ends_on for e in entries)
        return _("本申报正在公示（至 %(end)s），公示期满后（%(after)s 起）方可拨付。") % {
            "end": date_text(last),
            "after": date_text(last + datetime.timedelta(days=1)),
        }
    pending = list(pending_objections(entries).order_by("due_on").values_list("due_on", flat=True))
    if pending:
        return _(
            "本申报在公示期内收到的异议尚有 %(n)d 件未答复（最早应于 %(due)s 前答复），"
            "答复后方可拨付。"
        ) % {"n": len(pending), "due": date_text(pending[0])}
    return None


@dataclass
class NoticeLine:
    """One notice of an application, as its pages show it."""

    notice: PublicNotice
    entry: NoticeEntry
    open: bool
    pending: int  # unanswered objections to the entry or to the whole notice


def notice_lines(application, today=None) -> list[NoticeLine]:
    """The application's notices (two queries; one when it was never published)."""
    today = today or portal_today()
    entries = entries_of(application)
    pending = list(pending_objections(entries).values_list("notice_id", "entry_id"))
    return [
        NoticeLine(
            notice=entry.notice,
            entry=entry,
            open=entry.notice.is_open(today),
            pending=sum(
                1
                for notice_id, entry_id in pending
                if entry_id == entry.pk or (entry_id is None and notice_id == entry.notice_id)
            ),
        )
        for entry in entries
    ]


# --- who sees what in the admin -------------------------------------------------------------


def notices_for(user):
    """The notices a staff user may see: their department's (an administrator: all)."""
    from .services import staff_department

    if user.is_authenticated and user.is_superuser:
        return PublicNotice.objects.all()
    department = staff_department(user)
    if department is None:
        return PublicNotice.objects.none()
    return PublicNotice.objects.filter(department=department)


def objections_for(user):
    """The objections routed to a staff user's department (an administrator: all)."""
    from .services import staff_department

    if user.is_authenticated and user.is_superuser:
        return Objection.objects.all()
    department = staff_department(user)
    if department is None:
        return Objection.objects.none()
    return Objection.objects.filter(notice__department=department)


# --- mail -----------------------------------------------------------------------------------


def _department_recipients(department) -> list[str]:
    """The department's own address; without one, its active staff's."""
    if department.email:
        return [department.email]
    return sorted(
        set(
            StaffMembership.objects.filter(
                department=department, user__is_active=True, user__is_staff=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _mail_department(objection) -> None:
    notice = objection.notice
    recipients = _department_recipients(notice.department)
    if not recipients:
        return  # the admin's 异议 list is where it waits
    target = objection.entry.enterprise_name if objection.entry_id else _("整个公示")
    lines = [
        _("公示“%(title)s”收到一件异议，请于 %(due)s 前答复。")
        % {"title": notice.title, "due": date_text(objection.due_on)},
        _("异议对象：%(target)s") % {"target": target},
        _("异议内容：%(text)s") % {"text": objection.text},
        _("答复请登录管理后台：%(url)s")
        % {"url": reverse("admin:applications_objection_change", args=[objection.pk])},
    ]
    send_mail(
        _("【惠企政策服务门户】公示收到异议，请于 %(due)s 前答复")
        % {"due": date_text(objection.due_on)},
        "\n".join(lines),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


def _mail_objector(objection) -> None:
    """The answer to an objector who left an email address (a phone is called instead)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(objection.contact)
    except ValidationError:
        return
    lines = [
        _("您对公示“%(title)s”提出的异议已有答复：") % {"title": objection.notice.title},
        objection.answer,
    ]
    send_mail(
        _("【惠企政策服务门户】异议答复"),
        "\n".join(lines),
        settings.DEFAULT_FROM_EMAIL,
        [objection.contact],
    )

"""Every change of an application's state, as service functions.

Each one runs in ``transaction.atomic``, reads the application afresh, checks the
transition is allowed from its current state (``applications.states``) and that the actor
may make it, then moves it with a *conditional* UPDATE on (state, position, version): of two
people acting at once, exactly one update matches a row; the other gets ``StaleState``
and a clear message. SQLite ignores ``select_for_update``, so the guard is in the UPDATE.
Every transition writes an ``ApplicationEvent``; state changes email the enterprise after
the transaction commits.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from policies import validity
from portal.dates import today

from . import workflow
from .models import (
    Act,
    Application,
    ApplicationEvent,
    ApplicationStep,
    Enterprise,
    EnterpriseMembership,
    Signoff,
)
from .states import TRANSITIONS, State, allowed


class TransitionError(Exception):
    """A transition that cannot be made; ``str(error)`` is the message for the user."""


class NotAllowed(TransitionError):
    pass


class NotYourStage(TransitionError):
    pass


class StaleState(TransitionError):
    pass


class DeadlinePassed(TransitionError):
    pass


STALE_MESSAGE = "该申报刚刚已被他人处理（状态已变化），您的操作未生效。请刷新页面查看最新状态。"


# --- who may act -------------------------------------------------------------------------


def enterprise_of(user) -> Enterprise | None:
    if not user.is_authenticated:
        return None
    membership = EnterpriseMembership.objects.select_related("enterprise").filter(user=user).first()
    return membership.enterprise if membership else None


def staff_department(user):
    if not user.is_authenticated:
        return None
    membership = getattr(user, "staff_membership", None)
    return membership.department if membership else None


def _require_member(application: Application, user):
    if not EnterpriseMembership.objects.filter(
        user_id=user.pk, enterprise_id=application.enterprise_id
    ).exists():
        raise NotYourStage(_("只有申报企业的用户可以进行此操作。"))


def _current_step(application: Application) -> ApplicationStep | None:
    return (
        ApplicationStep.objects.filter(application=application, position=application.position)
        .prefetch_related("departments")
        .first()
    )


def _acting_department(application: Application, user):
    """The user's department if it acts at the application's current step, else refuse."""
    department = staff_department(user)
    step = _current_step(application)
    if department is None or step is None:
        raise NotYourStage(_("您所在部门不在该申报当前的办理环节，不能办理。"))
    if department.pk not in {d.pk for d in step.departments.all()}:
        raise NotYourStage(_("该申报当前在“%(step)s”环节，不由您所在部门办理。") % {"step": step})
    return department, step


def _fresh(application) -> Application:
    pk = application.pk if isinstance(application, Application) else application
    return Application.objects.select_related("measure", "enterprise__district__city").get(pk=pk)


def _check(action: str, application: Application):
    if not allowed(action, application.state):
        raise NotAllowed(
            _("该申报当前状态为“%(state)s”，不能“%(action)s”。")
            % {"state": application.get_state_display(), "action": TRANSITIONS[action].label}
        )


def _move(application: Application, **changes) -> None:
    """The conditional update: only if nobody moved the application since we read it."""
    changes.setdefault("version", F("version") + 1)
    changes["updated_at"] = timezone.now()
    moved = Application.objects.filter(
        pk=application.pk,
        state=application.state,
        position=application.position,
        version=application.version,
    ).update(**changes)
    if moved != 1:
        raise StaleState(STALE_MESSAGE)


def _event(application, actor, action, to_state, to_position, department=None, comment=""):
    event = ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        department=department,
        action=action,
        from_state=application.state,
        to_state=to_state,
        from_position=application.position,
        to_position=to_position,
        comment=comment,
    )
    if to_state != application.state or to_position != application.position:
        transaction.on_commit(lambda: notify(application.pk, event.pk))
    return event


def notify(application_pk: int, event_pk: int) -> None:
    """Email the enterprise about a change of state (console backend by default)."""
    application = Application.objects.select_related("enterprise", "measure").get(pk=application_pk)
    event = ApplicationEvent.objects.select_related("department").get(pk=event_pk)
    recipients = {application.enterprise.email}
    recipients.update(
        application.enterprise.memberships.exclude(user__email="").values_list(
            "user__email", flat=True
        )
    )
    state = State(event.to_state).label
    subject = _("【惠企政策服务门户】申报 %(number)s：%(state)s") % {
        "number": application.number,
        "state": state,
    }
    lines = [
        _("您的申报“%(title)s”（%(number)s）有新进展：")
        % {"title": application.measure.title, "number": application.number},
        f"{event.get_action_display()} → {state}",
    ]
    if event.department:
        lines.append(_("办理部门：%(department)s") % {"department": event.department})
    if event.comment:
        lines.append(_("意见：%(comment)s") % {"comment": event.comment})
    lines.append(
        _("查看详情：%(url)s") % {"url": reverse("applications:detail", args=[application.pk])}
    )
    send_mail(
        subject,
        "\n".join(lines),
        settings.DEFAULT_FROM_EMAIL,
        sorted(r for r in recipients if r),
        fail_silently=True,
    )


# --- the enterprise side --------------------------------------------------------------------


def deadline_problem(measure) -> str | None:
    """Why the measure takes no application today (已到期 or 未生效), or None."""
    status = measure.validity_status(today())
    if status == validity.Status.EXPIRED:
        return _("该措施已于 %(date)s 到期（%(words)s），不再受理申报。") % {
            "date": validity.date_text(measure.valid_until),
            "words": measure.validity_words or measure.validity_text(),
        }
    if status == validity.Status.NOT_YET:
        return _("该措施自 %(date)s 起施行，尚未开始受理申报。") % {
            "date": validity.date_text(measure.valid_from)
        }
    return None


@transaction.atomic
def create_draft(user, measure, **fields) -> Application:
    enterprise = enterprise_of(user)
    if enterprise is None:
        raise NotYourStage(_("请先以企业用户身份登录。"))
    if not workflow.takes_applications(measure):
        raise NotAllowed(_("此措施无需申报或不受理在线申报。"))
    return Application.objects.create(
        enterprise=enterprise, measure=measure, created_by=user, **fields
    )


def _build_route(application: Application) -> None:
    stages = workflow.ensure_workflow(application.measure)
    if not stages:
        raise NotAllowed(_("此措施没有办理流程，不受理在线申报。"))
    district = application.enterprise.district
    for stage in stages:
        step = ApplicationStep.objects.create(
            application=application, position=stage.position, level=stage.level, act=stage.act
        )
        departments = workflow.resolve_stage(stage, district)
        if not departments:
            raise NotAllowed(
                _("办理环节“%(stage)s”没有指定部门，请联系管理员。") % {"stage": stage}
            )
        step.departments.set(departments)


@transaction.atomic
def submit(application, user, comment="") -> Application:
    application = _fresh(application)
    _require_member(application, user)
    _check("submit", application)
    problem = deadline_problem(application.measure)
    if problem:
        raise DeadlinePassed(problem)
    now = timezone.now()
    _move(
        application,
        state=State.IN_REVIEW,
        position=1,
        round=F("round") + 1,
        submitted_at=now,
        waiting_since=now,
    )
    application.steps.all().delete()  # a draft has no route yet; be sure
    _build_route(application)
    _event(application, user, "submit", State.IN_REVIEW, 1, comment=comment)
    return _fresh(application)


@transaction.atomic
def resubmit(application, user, comment="") -> Application:
    application = _fresh(application)
    _require_member(application, user)
    _check("resubmit", application)
    _move(
        application,
        state=State.IN_REVIEW,
        round=F("round") + 1,
        waiting_since=timezone.now(),
    )
    _event(application, user, "resubmit", State.IN_REVIEW, application.position, comment=comment)
    return _fresh(application)


@transaction.atomic
def withdraw(application, user, comment="") -> Application:
    application = _fresh(application)
    _require_member(application, user)
    _check("withdraw", application)
    _move(application, state=State.WITHDRAWN, waiting_since=None)
    _event(application, user, "withdraw", State.WITHDRAWN, application.position, comment=comment)
    return _fresh(application)


# --- the department side ----------------------------------------------------------------------


@transaction.atomic
def approve_step(application, user, comment="") -> Application:
    """Sign off the current step for the user's department; advance when all have signed.

    At the last step this approves the application, except at a final 拨付 step, where the
    payment is recorded with ``record_disbursement``.
    """
    application = _fresh(application)
    _check("pass", application)
    department, step = _acting_department(application, user)
    last = application.position == application.steps.count()
    if last and step.act == Act.DISBURSE:
        raise NotAllowed(_("这是最后的拨付环节，请使用“登记拨付”录入拨付金额、日期和凭证号。"))
    signed = set(
        Signoff.objects.filter(step=step, round=application.round).values_list(
            "department_id", flat=True
        )
    )
    if department.pk in signed:
        raise NotAllowed(_("您所在部门已在本环节签署同意，正在等待其他部门会签。"))
    waiting_for = {d.pk for d in step.departments.all()} - signed - {department.pk}
    now = timezone.now()
    if waiting_for:
        action, to_state, to_position = "sign_off", State.IN_REVIEW, application.position
        _move(application)
    elif last:
        action, to_state, to_position = "pass", State.APPROVED, application.position
        _move(application, state=State.APPROVED, waiting_since=None)
    else:
        action, to_state, to_position = "pass", State.IN_REVIEW, application.position + 1
        _move(application, position=to_position, round=F("round") + 1, waiting_since=now)
    try:
        with transaction.atomic():
            Signoff.objects.create(
                step=step,
                department=department,
                round=application.round,
                user=user,
                comment=comment,
                at=now,
            )
    except IntegrityError as error:  # pragma: no cover - the conditional update serialises
        raise StaleState(STALE_MESSAGE) from error
    _event(application, user, action, to_state, to_position, department, comment)
    return _fresh(application)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise NotAllowed(_("请填写理由。"))
    return reason


@transaction.atomic
def return_for_supplement(application, user, reason) -> Application:
    reason = _require_reason(reason)
    application = _fresh(application)
    _check("return", application)
    department, _step = _acting_department(application, user)
    _move(application, state=State.RETURNED, waiting_since=timezone.now())
    _event(application, user, "return", State.RETURNED, application.position, department, reason)
    return _fresh(application)


@transaction.atomic
def reject(application, user, reason) -> Application:
    reason = _require_reason(reason)
    application = _fresh(application)
    _check("reject", application)
    department, _step = _acting_department(application, user)
    _move(application, state=State.REJECTED, waiting_since=None)
    _event(application, user, "reject", State.REJECTED, application.position, department, reason)
    return _fresh(application)


@transaction.atomic
def record_disbursement(
    application, user, amount: Decimal, paid_on: datetime.date, voucher: str, comment=""
) -> Application:
    application = _fresh(application)
    _check("disburse", application)
    department, step = _acting_department(application, user)
    if step.act != Act.DISBURSE or application.position != application.steps.count():
        raise NotAllowed(_("只有在最后的拨付环节才能登记拨付。"))
    voucher = (voucher or "").strip()
    if amount is None or amount <= 0 or not voucher or paid_on is None:
        raise NotAllowed(_("请填写拨付金额、拨付日期和凭证号。"))
    _move(
        application,
        state=State.DISBURSED,
        waiting_since=None,
        disbursed_amount_yuan=amount,
        disbursed_on=paid_on,
        voucher_number=voucher,
    )
    Signoff.objects.create(
        step=step, department=department, round=application.round, user=user, comment=comment
    )
    text = _("拨付 %(amount)s 元，日期 %(date)s，凭证号 %(voucher)s") % {
        "amount": f"{amount:,.2f}",
        "date": paid_on.isoformat(),
        "voucher": voucher,
    }
    if comment:
        text = f"{text}。{comment}"
    _event(application, user, "disburse", State.DISBURSED, application.position, department, text)
    return _fresh(application)


STAFF_ACTIONS = {
    "pass": approve_step,
    "return": return_for_supplement,
    "reject": reject,
    "disburse": record_disbursement,
}

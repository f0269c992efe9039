"""Every write to an application, through one guarded service: ``perform``.

``perform(action, application, user, …)`` looks the action up in the transition table
(``applications.states``), and inside ``transaction.atomic``: reads the application afresh
(locking its row on PostgreSQL), refuses when the user's role, the state, the table's guard
or — for an edit based on an earlier read — the version say no, then writes with a
*conditional* UPDATE on (state, position, version): of two requests racing, exactly one
matches a row; the other gets ``StaleState`` and a clear message (SQLite ignores
``select_for_update``; the UPDATE is the guarantee on every database). Edits and materials
go through it too, so nothing is written to an application once it has been submitted.
Every action writes an immutable ``ApplicationEvent``; state changes email the enterprise
after the transaction commits.

Joint steps are parallel sign-offs: each department's agreement is a ``Signoff`` row and
does not move the application, so departments never get in each other's way; the last one
moves it on. A return or a rejection by any of them ends the step for all.
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
from policies.formatting import department_name, format_yuan
from portal import dates
from portal.dates import today

from . import workflow
from .models import (
    Act,
    Application,
    ApplicationEvent,
    ApplicationStep,
    Attachment,
    Enterprise,
    EnterpriseMembership,
    Signoff,
)
from .states import NEXT, SAME, SIGN_OFF, TRANSITIONS, Role, State, public_words

# The one item per enterprise, measure and year on a measure with a 免申即享 route
# (``Application.cycle``): the database's unique constraint refused a second one.
TWICE_MESSAGE = "该企业本年度已通过免申即享领取或已申报此项政策，不能重复申报或领取。"


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
    if not user.is_authenticated or not user.is_staff:  # staff members are admin users
        return None
    membership = getattr(user, "staff_membership", None)
    return membership.department if membership else None


def _fresh(application, lock=False) -> Application:
    pk = application.pk if isinstance(application, Application) else application
    queryset = Application.objects.select_related("measure", "enterprise__district__city")
    if lock:
        # serialises writers on PostgreSQL; SQLite's BEGIN IMMEDIATE already does
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=pk)


def _move(application: Application, **changes) -> None:
    """The conditional update: only if nobody moved the application since we read it."""
    changes.setdefault("version", F("version") + 1)
    changes["updated_at"] = dates.now()
    moved = Application.objects.filter(
        pk=application.pk,
        state=application.state,
        position=application.position,
        version=application.version,
    ).update(**changes)
    if moved != 1:
        raise StaleState(STALE_MESSAGE)


def _event(application, actor, action, to_state, to_position, department=None, comment=""):
    """The immutable record of an action (its words come from the transition table)."""
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
    """Email the enterprise about a change of state: its address and its active members'.

    Runs on commit; the mail is queued (``portal.mail``), and the queue retries and logs a
    failing transport, so nothing here is silenced.
    """
    application = Application.objects.select_related("enterprise", "measure").get(pk=application_pk)
    event = ApplicationEvent.objects.select_related("department__city", "department__district").get(
        pk=event_pk
    )
    active = list(
        application.enterprise.memberships.filter(user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    if not active:
        # No one of the enterprise has confirmed an address yet (registered, not activated):
        # the address typed at registration is unproven, and the mail would tell whoever
        # typed a credit code what a 免申即享 list holds for it. Once activated, they read
        # their items on the site; later moves are mailed.
        return
    recipients = {application.enterprise.email, *active}
    state = State(event.to_state).label
    subject = _("【惠企政策服务门户】申报 %(number)s：%(state)s") % {
        "number": application.number,
        "state": state,
    }
    lines = [
        _("您的申报“%(title)s”（%(number)s）有新进展：")
        % {"title": application.measure.title, "number": application.number},
        f"{public_words(event.action)} → {state}",
    ]
    if event.department:
        lines.append(
            _("办理部门：%(department)s") % {"department": department_name(event.department)}
        )
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
    )


# --- the context of an action, and the guards the table names -------------------------------


class Context:
    """Who acts on which application, as the table's roles and guards need it."""

    def __init__(self, application: Application, user, steps=None):
        self.application = application
        self.user = user
        if steps is None:  # else the caller's, with their departments prefetched
            steps = (
                ApplicationStep.objects.filter(application=application)
                .prefetch_related("departments")
                .order_by("position")
            )
        self.steps = list(steps)
        self.step = next((s for s in self.steps if s.position == application.position), None)
        self.last = bool(self.steps) and application.position == self.steps[-1].position
        self._member = None
        self._department = None

    def is_member(self) -> bool:
        if self._member is None:
            self._member = EnterpriseMembership.objects.filter(
                user_id=self.user.pk, enterprise_id=self.application.enterprise_id
            ).exists()
        return self._member

    def department(self):
        """The user's department when it acts at the current step, else None."""
        if self._department is None:
            self._department = (self._acting_department(),)
        return self._department[0]

    def _acting_department(self):
        department = staff_department(self.user)
        if department is None or self.step is None:
            return None
        if department.pk not in {d.pk for d in self.step.departments.all()}:
            return None
        return department

    def plays(self, role) -> bool:
        return self.is_member() if role == Role.ENTERPRISE else self.department() is not None


def _open_for_applications(ctx: Context):
    measure = ctx.application.measure
    if not workflow.takes_applications(measure):
        return _("此措施目前不受理在线申报。")
    return deadline_problem(measure)


def _final_payment(ctx: Context):
    if ctx.step is None or not ctx.last or ctx.step.act != Act.DISBURSE:
        return _("只有在最后的拨付环节才能登记拨付。")
    from .notices import payment_blocker  # 公示: payment waits for the notice and objections

    return payment_blocker(ctx.application, today())


def _not_final_payment(ctx: Context):
    if ctx.step is not None and ctx.last and ctx.step.act == Act.DISBURSE:
        return _("这是最后的拨付环节，请使用“登记拨付”录入拨付金额、日期和凭证号。")
    department = ctx.department()
    if (
        department is not None
        and Signoff.objects.filter(
            step=ctx.step, department=department, round=ctx.application.round
        ).exists()
    ):
        return _("您所在部门已在本环节同意，正在等待其他部门会签。")
    return None


GUARDS = {
    "open_for_applications": _open_for_applications,
    "final_payment": _final_payment,
    "not_final_payment": _not_final_payment,
}


def refusal(action: str, ctx: Context) -> str | None:
    """Why ``ctx.user`` may not take ``action`` now (a message for them), or None."""
    transition = TRANSITIONS[action]
    application = ctx.application
    if not ctx.plays(transition.role):
        if transition.role == Role.ENTERPRISE:
            return _("只有申报企业的用户可以进行此操作。")
        if ctx.step is not None:
            return _("该申报当前在“%(step)s”环节，不由您所在部门办理。") % {"step": ctx.step}
        return _("您所在部门不在该申报当前的办理环节，不能办理。")
    if application.state not in transition.sources:
        return _("该申报当前状态为“%(state)s”，不能“%(action)s”。") % {
            "state": application.get_state_display(),
            "action": transition.label,
        }
    if transition.guard:
        return GUARDS[transition.guard](ctx)
    return None


def available(application: Application, user, ctx: Context | None = None) -> list:
    """The transitions ``user`` may take on ``application`` now, in the table's order: what
    the enterprise pages and the staff desk offer as buttons."""
    ctx = ctx or Context(application, user)
    return [
        transition
        for transition in TRANSITIONS.values()
        if transition.changes_state and refusal(transition.action, ctx) is None
    ]


def can(action: str, application: Application, user) -> bool:
    return refusal(action, Context(application, user)) is None


# --- perform ----------------------------------------------------------------------------------


def perform(action, application, user, *, version=None, comment="", **data) -> Application:
    """Take ``action`` on ``application`` as ``user``: the one way anything is written to an
    application. ``version``: the version the user's page was built from (edits): when the
    application changed since, nothing is written. Returns the application afresh."""
    transition = TRANSITIONS[action]
    with transaction.atomic():
        application = _fresh(application, lock=True)
        if version is not None and int(version) != application.version:
            raise StaleState(
                _("该申报在您打开此页面后已有变化（如已提交），本次修改未保存。请核对后再操作。")
            )
        ctx = Context(application, user)
        problem = refusal(action, ctx)
        if problem:
            if transition.role == Role.ENTERPRISE and not ctx.is_member():
                raise NotYourStage(problem)
            if transition.role == Role.STAGE and ctx.department() is None:
                raise NotYourStage(problem)
            if action == "submit" and transition.guard and GUARDS[transition.guard](ctx):
                raise DeadlinePassed(problem)
            raise NotAllowed(problem)
        if transition.reason_required:
            comment = _require_reason(comment)
        EFFECTS[action](ctx, transition, comment=comment, **data)
    return _fresh(application)


def _enter_step(application, position, now):
    """Due date of the step the application enters: its limit in working days."""
    from . import clock

    step = (
        ApplicationStep.objects.filter(application=application, position=position)
        .prefetch_related("departments")
        .first()
    )
    if step is None:
        return None
    limit = step.limit_days or clock.step_limit(step, list(step.departments.all()))
    return clock.add_working_days(timezone.localtime(now).date(), limit)


def _edit(ctx, transition, comment="", **fields):
    allowed_fields = {"requested_amount_yuan", "description", "figures"}
    changes = {k: v for k, v in fields.items() if k in allowed_fields}
    _move(ctx.application, **changes)
    _event(ctx.application, ctx.user, "edit", ctx.application.state, ctx.application.position)


def _upload(ctx, transition, comment="", **fields):
    _move(ctx.application)  # nobody submits it while the material is being attached
    item = Attachment.objects.create(application=ctx.application, uploaded_by=ctx.user, **fields)
    application = ctx.application
    _event(
        application,
        ctx.user,
        "upload",
        application.state,
        application.position,
        comment=f"{item.material}：{item.original_name}",
    )


def _remove_upload(ctx, transition, comment="", attachment=None):
    item = Attachment.objects.get(application=ctx.application, pk=attachment)
    _move(ctx.application)
    item.delete()
    transaction.on_commit(lambda: item.file.delete(save=False))
    application = ctx.application
    _event(
        application,
        ctx.user,
        "remove_upload",
        application.state,
        application.position,
        comment=f"{item.material}：{item.original_name}",
    )


def _cycle(measure):
    """The year a live item of ``measure`` counts for, on a measure with a 免申即享 route
    (None on the others: any number of applications, as before)."""
    return today().year if workflow.exempt_route(measure) else None


def _go_live(application, **changes):
    """``_move`` for the actions that make an item live (submit, confirm): the database
    refuses a second live-or-paid item of the enterprise for the measure and year."""
    try:
        with transaction.atomic():
            _move(application, cycle=_cycle(application.measure), **changes)
    except IntegrityError as error:
        raise NotAllowed(TWICE_MESSAGE) from error


def _submit(ctx, transition, comment=""):
    application = ctx.application
    now = dates.now()
    _go_live(
        application,
        state=State.IN_REVIEW,
        position=1,
        round=F("round") + 1,
        submitted_at=now,
        waiting_since=now,
    )
    application.steps.all().delete()  # a draft has no route yet; be sure
    _build_route(application)
    Application.objects.filter(pk=application.pk).update(due_on=_enter_step(application, 1, now))
    _event(application, ctx.user, "submit", State.IN_REVIEW, 1, comment=comment)


def _resubmit(ctx, transition, comment=""):
    application = ctx.application
    now = dates.now()
    _move(
        application,
        state=State.IN_REVIEW,
        round=F("round") + 1,
        waiting_since=now,
        due_on=_enter_step(application, application.position, now),
    )
    _event(
        application, ctx.user, "resubmit", State.IN_REVIEW, application.position, comment=comment
    )


def _close(ctx, transition, comment=""):
    """withdraw, discard, decline (the enterprise) and reject (the department at the step):
    the application ends where it is, unpaid (it no longer counts for its year); a
    department's decision records the department."""
    application = ctx.application
    department = ctx.department() if transition.role == Role.STAGE else None
    _move(application, state=transition.target, waiting_since=None, due_on=None, cycle=None)
    _event(
        application,
        ctx.user,
        transition.action,
        transition.target,
        application.position,
        department,
        comment,
    )


def _pass(ctx, transition, comment="", approved_amount=None):
    """A department agrees at the current step; when every department of the step has, the
    application moves on (or is approved after the last step)."""
    application, step = ctx.application, ctx.step
    department = ctx.department()
    now = dates.now()
    try:
        with transaction.atomic():
            Signoff.objects.create(
                step=step,
                department=department,
                round=application.round,
                user=ctx.user,
                comment=comment,
                at=now,
            )
    except IntegrityError as error:  # the same department, twice at once
        raise StaleState(STALE_MESSAGE) from error
    signed = set(
        Signoff.objects.filter(step=step, round=application.round).values_list(
            "department_id", flat=True
        )
    )
    if approved_amount is not None:
        Application.objects.filter(pk=application.pk).update(approved_amount_yuan=approved_amount)
    if {d.pk for d in step.departments.all()} - signed:
        _event(
            application,
            ctx.user,
            SIGN_OFF,
            State.IN_REVIEW,
            application.position,
            department,
            comment,
        )
        return
    if ctx.last:
        _move(application, state=State.APPROVED, waiting_since=None, due_on=None)
        _event(
            application, ctx.user, "pass", State.APPROVED, application.position, department, comment
        )
        return
    position = application.position + 1
    _move(
        application,
        position=position,
        round=F("round") + 1,
        waiting_since=now,
        due_on=_enter_step(application, position, now),
    )
    _event(application, ctx.user, "pass", State.IN_REVIEW, position, department, comment)


def _return(ctx, transition, comment=""):
    application = ctx.application
    _move(application, state=transition.target, waiting_since=dates.now(), due_on=None)
    _event(
        application,
        ctx.user,
        transition.action,
        transition.target,
        application.position,
        ctx.department(),
        comment,
    )


def _disburse(ctx, transition, comment="", amount=None, paid_on=None, voucher=""):
    application = ctx.application
    voucher = (voucher or "").strip()
    if amount is None or amount <= 0 or not voucher or paid_on is None:
        raise NotAllowed(_("请填写拨付金额、拨付日期和凭证号。"))
    if paid_on > today():
        raise NotAllowed(_("拨付日期不能晚于今天。"))
    department = ctx.department()
    _move(
        application,
        state=State.DISBURSED,
        waiting_since=None,
        due_on=None,
        disbursed_amount_yuan=amount,
        disbursed_on=paid_on,
        voucher_number=voucher,
    )
    Signoff.objects.create(
        step=ctx.step,
        department=department,
        round=application.round,
        user=ctx.user,
        comment=comment,
    )
    text = _("拨付 %(amount)s，日期 %(date)s，凭证号 %(voucher)s") % {
        "amount": format_yuan(amount),
        "date": validity.date_text(paid_on),
        "voucher": voucher,
    }
    if comment:
        text = f"{text}。{comment}"
    _event(
        application, ctx.user, "disburse", State.DISBURSED, application.position, department, text
    )


def _confirm(ctx, transition, comment="", bank_name="", bank_account="", promise=False):
    """The enterprise confirms a 免申即享 item: its bank account and its 信用承诺; the item
    enters its payment step, on the department's clock like a submitted application."""
    application = ctx.application
    bank_name, bank_account = (bank_name or "").strip(), (bank_account or "").strip()
    if not bank_name or not bank_account or not promise:
        raise NotAllowed(_("请填写开户银行和银行账号，并勾选信用承诺。"))
    now = dates.now()
    if not application.steps.exists():
        build_exempt_route(application)
    position = application.steps.order_by("position").values_list("position", flat=True)[0]
    _go_live(
        application,
        state=State.IN_REVIEW,
        position=position,
        round=F("round") + 1,
        submitted_at=now,
        waiting_since=now,
        bank_name=bank_name,
        bank_account=bank_account,
    )
    Application.objects.filter(pk=application.pk).update(
        due_on=_enter_step(application, position, now)
    )
    text = _("收款账户：%(bank)s，账号尾号 %(tail)s；已作出信用承诺") % {
        "bank": bank_name,
        "tail": bank_account[-4:],
    }
    if comment:
        text = f"{text}。{comment}"
    _event(application, ctx.user, "confirm", State.IN_REVIEW, position, comment=text)


def build_exempt_route(application: Application) -> None:
    """A 免申即享 item's route: one payment step (``workflow.exempt_payment``)."""
    level, limit_days, departments = workflow.exempt_payment(
        application.measure, application.enterprise.district
    )
    step = ApplicationStep.objects.create(
        application=application, position=1, level=level, act=Act.DISBURSE, limit_days=limit_days
    )
    step.departments.set(departments)


EFFECTS = {
    "confirm": _confirm,
    "decline": _close,
    "edit": _edit,
    "upload": _upload,
    "remove_upload": _remove_upload,
    "submit": _submit,
    "resubmit": _resubmit,
    "discard": _close,
    "withdraw": _close,
    "pass": _pass,
    "return": _return,
    "reject": _close,
    "disburse": _disburse,
}
assert set(EFFECTS) == set(TRANSITIONS), "every action of the table has its effect"
assert all(t.target in (NEXT, SAME) or t.target in State.values for t in TRANSITIONS.values())


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise NotAllowed(_("请填写理由。"))
    return reason


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
    """The measure's stages, resolved to this applicant's departments. Looks departments
    up only (``load_districts`` creates every district's departments); a stage without
    one stops the submission with a message for the administrator."""
    stages = workflow.stages_of(application.measure)
    if not stages:
        raise NotAllowed(_("此措施尚未配置办理流程，暂不受理在线申报，请联系责任单位。"))
    district = application.enterprise.district
    for stage in stages:
        departments = workflow.resolve_stage(stage, district)
        if not departments:
            raise NotAllowed(
                _("办理环节“%(stage)s”没有对应的部门，请联系管理员。") % {"stage": stage}
            )
        step = ApplicationStep.objects.create(
            application=application,
            position=stage.position,
            level=stage.level,
            act=stage.act,
            unit=stage.unit,
            limit_days=stage.limit_days,
        )
        step.departments.set(departments)


# The named actions, for callers and tests.
def submit(application, user, comment="") -> Application:
    return perform("submit", application, user, comment=comment)


def resubmit(application, user, comment="") -> Application:
    return perform("resubmit", application, user, comment=comment)


def withdraw(application, user, comment="") -> Application:
    action = "discard" if _fresh(application).state == State.DRAFT else "withdraw"
    return perform(action, application, user, comment=comment)


def confirm_exempt(application, user, bank_name, bank_account, promise, comment=""):
    return perform(
        "confirm",
        application,
        user,
        comment=comment,
        bank_name=bank_name,
        bank_account=bank_account,
        promise=promise,
    )


def decline_exempt(application, user, comment="") -> Application:
    return perform("decline", application, user, comment=comment)


def edit_application(application, user, version, **fields) -> Application:
    return perform("edit", application, user, version=version, **fields)


def add_attachment(application, user, **fields) -> Application:
    return perform("upload", application, user, **fields)


def remove_attachment(application, user, attachment) -> Application:
    return perform("remove_upload", application, user, attachment=attachment)


def approve_step(application, user, comment="", approved_amount=None) -> Application:
    return perform("pass", application, user, comment=comment, approved_amount=approved_amount)


def return_for_supplement(application, user, reason) -> Application:
    return perform("return", application, user, comment=reason)


def reject(application, user, reason) -> Application:
    return perform("reject", application, user, comment=reason)


def record_disbursement(
    application, user, amount: Decimal, paid_on: datetime.date, voucher: str, comment=""
) -> Application:
    return perform(
        "disburse",
        application,
        user,
        comment=comment,
        amount=amount,
        paid_on=paid_on,
        voucher=voucher,
    )

"""Application states and the transitions between them — declared here and nowhere else.

An application waits ``IN_REVIEW`` at one step of its route (``Application.position``);
passing the last step approves it (or, at a final 拨付 step, recording the payment
disburses it). Services in ``applications.services`` perform the transitions; they look
up the allowed source states here.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("审核中")
    RETURNED = "returned", _("退回补正")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")
    DISBURSED = "disbursed", _("已拨付")
    WITHDRAWN = "withdrawn", _("已撤回")


class Actor(models.TextChoices):
    ENTERPRISE = "enterprise", _("申报企业")
    STAFF = "staff", _("审核部门")


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset
    target: str | None  # None: decided by the route (next step or final state)
    actor: str


def _t(action, label, sources, target, actor):
    return Transition(action, label, frozenset(sources), target, actor)


TRANSITIONS = {
    t.action: t
    for t in [
        _t("submit", _("提交申报"), {State.DRAFT}, State.IN_REVIEW, Actor.ENTERPRISE),
        _t("resubmit", _("补正后重新提交"), {State.RETURNED}, State.IN_REVIEW, Actor.ENTERPRISE),
        _t(
            "withdraw",
            _("撤回申报"),
            {State.DRAFT, State.IN_REVIEW, State.RETURNED},
            State.WITHDRAWN,
            Actor.ENTERPRISE,
        ),
        # A sign-off at a joint step that others still have to sign keeps the state.
        _t("sign_off", _("会签同意"), {State.IN_REVIEW}, State.IN_REVIEW, Actor.STAFF),
        _t("pass", _("审核通过，转下一环节"), {State.IN_REVIEW}, None, Actor.STAFF),
        _t("return", _("退回补正"), {State.IN_REVIEW}, State.RETURNED, Actor.STAFF),
        _t("reject", _("不予通过"), {State.IN_REVIEW}, State.REJECTED, Actor.STAFF),
        _t("disburse", _("登记拨付"), {State.IN_REVIEW}, State.DISBURSED, Actor.STAFF),
    ]
}

ACTION_CHOICES = [(t.action, t.label) for t in TRANSITIONS.values()]

FINAL_STATES = frozenset({State.APPROVED, State.REJECTED, State.DISBURSED, State.WITHDRAWN})
# The enterprise may edit its application in these states.
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})


def allowed(action: str, state: str) -> bool:
    return state in TRANSITIONS[action].sources

"""The application workflow, declared once: states and the transition table.

Every row of ``TRANSITIONS`` says who may act (``role``), from which states (``sources``),
under which condition (``guard``, a name ``applications.services`` resolves), to which state
(``target``; ``NEXT`` is the route's next step, or 已通过 after the last), and every word the
portal uses for it: the button (``label``), what the enterprise reads in its timeline
(``public``), what staff read in theirs (``internal``), the button's colour (``style``),
whether a reason is required and whether the action asks for confirmation first.

The services perform actions only through this table (``services.perform``); the enterprise
pages and the staff desk show exactly the actions ``services.available`` finds in it for the
user and the application; every label comes from here. ``SAME`` marks guarded writes that
keep the state (editing a draft, adding a material): they are refused in the same way
once the application has moved on.
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
    TO_CONFIRM = "to_confirm", _("待确认")  # 免申即享: listed, waiting for the enterprise
    DECLINED = "declined", _("已放弃")  # 免申即享: the enterprise declined


class Route(models.TextChoices):
    """How an item reached the department: the enterprise applied, or it was listed."""

    APPLICATION = "application", _("自主申报")
    EXEMPT = "exempt", _("免申即享")


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("申报企业")
    STAGE = "stage", _("当前环节的办理部门")


NEXT = "next"  # the next step of the route, or 已通过 after the last
SAME = "same"  # the state does not change (a guarded edit)


@dataclass(frozen=True)
class Transition:
    action: str
    role: str
    sources: frozenset
    target: str
    label: str  # the button
    public: str  # the enterprise's timeline
    internal: str  # the staff's timeline
    style: str = "secondary"  # primary / success / warning / danger / secondary
    guard: str = ""  # a guard of ``services.GUARDS``
    reason_required: bool = False
    confirm: bool = False
    help: str = ""

    @property
    def changes_state(self):
        return self.target != SAME


def _t(action, role, sources, target, label, public, internal, **options):
    return Transition(action, role, frozenset(sources), target, label, public, internal, **options)


EDITABLE = {State.DRAFT, State.RETURNED}

TRANSITIONS = {
    t.action: t
    for t in [
        # -- the enterprise ------------------------------------------------------------------
        _t(
            "edit",
            Role.ENTERPRISE,
            EDITABLE,
            SAME,
            _("保存修改"),
            _("修改申报内容"),
            _("企业修改申报内容"),
            style="primary",
        ),
        _t(
            "upload",
            Role.ENTERPRISE,
            EDITABLE,
            SAME,
            _("上传材料"),
            _("上传材料"),
            _("企业上传材料"),
            style="secondary",
        ),
        _t(
            "remove_upload",
            Role.ENTERPRISE,
            EDITABLE,
            SAME,
            _("删除材料"),
            _("删除材料"),
            _("企业删除材料"),
            style="secondary",
        ),
        _t(
            "submit",
            Role.ENTERPRISE,
            {State.DRAFT},
            State.IN_REVIEW,
            _("提交申报"),
            _("提交申报"),
            _("企业提交申报"),
            style="primary",
            guard="open_for_applications",
        ),
        _t(
            "resubmit",
            Role.ENTERPRISE,
            {State.RETURNED},
            State.IN_REVIEW,
            _("补正后重新提交"),
            _("补正后重新提交"),
            _("企业补正后重新提交"),
            style="primary",
        ),
        _t(
            "discard",
            Role.ENTERPRISE,
            {State.DRAFT},
            State.WITHDRAWN,
            _("删除草稿"),
            _("删除草稿"),
            _("企业删除草稿"),
            style="danger",
            confirm=True,
            help=_("草稿尚未提交，删除后不再显示在“我的申报”中。"),
        ),
        _t(
            "withdraw",
            Role.ENTERPRISE,
            {State.IN_REVIEW, State.RETURNED},
            State.WITHDRAWN,
            _("撤回申报"),
            _("撤回申报"),
            _("企业撤回申报"),
            style="danger",
            confirm=True,
            help=_("撤回后本次申报结束，不能恢复；如需再申报，请新建申报。"),
        ),
        # -- the enterprise, on a 免申即享 item it was listed for ----------------------------------
        _t(
            "confirm",
            Role.ENTERPRISE,
            {State.TO_CONFIRM},
            State.IN_REVIEW,  # at the item's single step: the payment
            _("确认领取"),
            _("确认领取，等待拨付"),
            _("企业确认领取（已填写收款账户并作出信用承诺）"),
            style="primary",
            help=_("请核对收款账户并作出信用承诺；确认后由财政部门拨付。"),
        ),
        _t(
            "decline",
            Role.ENTERPRISE,
            {State.TO_CONFIRM},
            State.DECLINED,
            _("放弃领取"),
            _("放弃领取"),
            _("企业放弃领取"),
            style="danger",
            confirm=True,
            help=_("放弃后本项免申即享资金不再拨付给贵企业，不能恢复。"),
        ),
        # -- the department at the current step ---------------------------------------------
        _t(
            "pass",
            Role.STAGE,
            {State.IN_REVIEW},
            NEXT,
            _("审核通过"),
            _("审核通过"),
            _("审核通过"),
            style="success",
            guard="not_final_payment",
            confirm=True,
            help=_("会签环节须各部门都同意后才转入下一环节；最后一个环节通过后申报办结。"),
        ),
        _t(
            "return",
            Role.STAGE,
            {State.IN_REVIEW},
            State.RETURNED,
            _("退回补正"),
            _("退回补正"),
            _("退回企业补正"),
            style="warning",
            reason_required=True,
            confirm=True,
            help=_("企业补正后重新提交，回到本环节；会签环节中已同意的部门须重新办理。"),
        ),
        _t(
            "reject",
            Role.STAGE,
            {State.IN_REVIEW},
            State.REJECTED,
            _("不予通过"),
            _("审核不予通过"),
            _("审核不予通过"),
            style="danger",
            reason_required=True,
            confirm=True,
            help=_("不予通过后申报结束，企业会收到理由。"),
        ),
        _t(
            "disburse",
            Role.STAGE,
            {State.IN_REVIEW},
            State.DISBURSED,
            _("登记拨付"),
            _("资金已拨付"),
            _("登记拨付"),
            style="primary",
            guard="final_payment",
            confirm=True,
            help=_("登记拨付金额、日期和凭证号，申报办结。"),
        ),
    ]
}

# A department's agreement at a joint step that others still have to give: recorded in the
# timeline under its own name, though it is the "pass" action of the table.
SIGN_OFF = "sign_off"
SIGN_OFF_WORDS = (_("会签同意"), _("会签同意，等待其他部门"))
# A 免申即享 item's first event: its department listed the enterprise (``applications.exempt``).
LISTED = "listed"
LISTED_WORDS = (_("列入免申即享名单"), _("列入免申即享名单，请确认领取"))
# Words of the events that are not actions of the table: (staff's, enterprise's).
OTHER_EVENTS = {SIGN_OFF: SIGN_OFF_WORDS, LISTED: LISTED_WORDS}

ACTION_CHOICES = [(t.action, t.label) for t in TRANSITIONS.values()] + [
    (SIGN_OFF, SIGN_OFF_WORDS[0]),
    (LISTED, LISTED_WORDS[0]),
]

FINAL_STATES = frozenset(
    {State.APPROVED, State.REJECTED, State.DISBURSED, State.WITHDRAWN, State.DECLINED}
)
# The states in which an item counts against the enterprise's one item per measure and year
# on a measure with a 免申即享 route (``Application.cycle`` is set): live or paid.
ENDED_UNPAID = frozenset({State.REJECTED, State.WITHDRAWN, State.DECLINED})
EDITABLE_STATES = frozenset(EDITABLE)


def allowed(action: str, state: str) -> bool:
    return state in TRANSITIONS[action].sources


def public_words(action: str) -> str:
    if action in OTHER_EVENTS:
        return str(OTHER_EVENTS[action][1])
    return str(TRANSITIONS[action].public) if action in TRANSITIONS else action


def internal_words(action: str) -> str:
    if action in OTHER_EVENTS:
        return str(OTHER_EVENTS[action][0])
    return str(TRANSITIONS[action].internal) if action in TRANSITIONS else action

"""Enterprises, staff, workflows as data, and applications along those workflows.

A measure's workflow (``WorkflowStage`` rows) is derived from its 办理方式 by
``applications.workflow`` and editable in the admin. When an application is submitted,
the workflow is resolved into a route of its own (``ApplicationStep`` rows): district
stages become the applicant's district's departments, so the route an application
follows never changes under it, and who may see and act on it is a simple lookup.
"""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policies.models import City, Department, District, Measure
from portal import dates
from portal.models import ImmutableError, WriteOnce  # noqa: F401 (ImmutableError: re-exported)

from .states import (
    ACTION_CHOICES,
    EDITABLE_STATES,
    FINAL_STATES,
    Route,
    State,
    allowed,
    internal_words,
    public_words,
)
from .uscc import validate_uscc

NOTICE_MAX_DAYS = 30
"""The longest 公示期 staff may set, in working days."""


class Enterprise(models.Model):
    name = models.CharField(_("企业名称"), max_length=100)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("所在城市")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("所在县（市）区"),
    )
    contact_person = models.CharField(_("联系人"), max_length=32)
    phone = models.CharField(_("联系电话"), max_length=32)
    email = models.EmailField(_("电子邮箱"))
    created_at = models.DateTimeField(_("注册时间"), default=timezone.now)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self):
        return self.name


class EnterpriseAnswer(models.Model):
    """一企一档: one answer of the enterprise's self-check profile, dated.

    One row per question key, so that answers given in different places (two self-checks,
    the profile page) never overwrite each other's other answers. The self-check prefills
    from these rows, and an application carries the ones its measure's rule uses."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="answers", verbose_name=_("企业")
    )
    key = models.CharField(_("问题键"), max_length=64)
    value = models.JSONField(_("回答"))
    answered_on = models.DateField(_("填写日期"), default=timezone.localdate)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填写人"),
    )

    class Meta:
        verbose_name = _("企业档案回答")
        verbose_name_plural = _("企业档案回答")
        ordering = ["enterprise", "key"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "key"], name="enterprise_answer_unique")
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.key}"


class EnterpriseMembership(models.Model):
    """A user acting for an enterprise; an enterprise may have several users."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enterprise_membership",
        verbose_name=_("用户"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("企业")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("企业用户")
        verbose_name_plural = _("企业用户")

    def __str__(self):
        return f"{self.user} · {self.enterprise}"


class StaffMembership(models.Model):
    """A staff user of one department (and so of a city or a district)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_membership",
        verbose_name=_("用户"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="staff_memberships",
        verbose_name=_("部门"),
    )

    class Meta:
        verbose_name = _("部门工作人员")
        verbose_name_plural = _("部门工作人员")

    def __str__(self):
        return f"{self.user} · {self.department}"


class Act(models.TextChoices):
    RECEIVE = "receive", _("受理")
    PRELIMINARY = "preliminary", _("初审")
    REVIEW = "review", _("审核")
    DELIBERATE = "deliberate", _("审议")
    VERIFY = "verify", _("核定")
    RECHECK = "recheck", _("复核")
    DISBURSE = "disburse", _("拨付")


class CalendarDay(models.Model):
    """A day staff mark as a holiday or as a 调休 working day.

    The service clock (``applications.clock``) takes holidays and 调休 from the
    chinese-calendar package for the years it knows; for a year it does not know yet it
    counts Monday to Friday, less the holidays (and plus the working weekends) entered here.
    An entry here also corrects the package for a year it knows."""

    date = models.DateField(_("日期"), unique=True)
    workday = models.BooleanField(
        _("工作日"), default=False, help_text=_("勾选：调休上班日；不勾选：放假")
    )
    name = models.CharField(
        _("说明"), max_length=32, blank=True, help_text=_("如：春节、国庆节调休")
    )

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        kind = _("上班") if self.workday else _("放假")
        return f"{self.date:%Y-%m-%d} {self.name} {kind}"


class WorkflowStage(models.Model):
    """One ordered stage of a measure's workflow.

    City and provincial stages name their departments; district stages name the kinds of
    district department (``商务局、财政局``), resolved to the applicant's district when an
    application is submitted. A stage with several departments is joint (会同, 两部门审核):
    every one of them has to sign off.
    """

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="workflow_stages", verbose_name=_("措施")
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    level = models.CharField(_("层级"), max_length=16, choices=Department.Level.choices)
    act = models.CharField(_("环节"), max_length=16, choices=Act.choices)
    departments = models.ManyToManyField(
        Department,
        related_name="workflow_stages",
        blank=True,
        verbose_name=_("市级/省级部门"),
    )
    district_departments = models.CharField(
        _("县区部门"),
        max_length=100,
        blank=True,
        help_text=_("县区级环节填写部门名称，多个用顿号分隔，如：商务局、财政局"),
    )
    unit = models.CharField(
        _("内设机构或会议"),
        max_length=32,
        blank=True,
        help_text=_("部门内部的环节：如产业发展科（受理）、党组会（审议）"),
    )
    limit_days = models.PositiveSmallIntegerField(
        _("办理时限（工作日）"),
        null=True,
        blank=True,
        help_text=_("原文规定的时限；留空则按部门默认时限"),
    )
    source = models.CharField(
        _("依据"), max_length=300, blank=True, help_text=_("办理方式中对应的原文")
    )
    derived = models.BooleanField(_("自动生成"), default=True, editable=False)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["measure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "position"], name="stage_unique_position"),
        ]

    def __str__(self):
        return f"{self.position}. {self.get_level_display()} {self.get_act_display()}"

    @property
    def district_department_names(self) -> list[str]:
        from .workflow import split_names

        return split_names(self.district_departments)


class Intake(models.Model):
    """Whether a measure takes applications online.

    Decided once, from the measure's text, when its workflow is first derived
    (``load_districts``): a measure that grants money (奖励, 补贴, 贴息…) and is not 免申即享
    takes applications. Then it is data: staff switch it in the admin, and later derivations
    keep their decision.
    """

    measure = models.OneToOneField(
        Measure,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="intake",
        verbose_name=_("措施"),
    )
    accepts = models.BooleanField(_("受理在线申报"), default=False)
    fast_track = models.BooleanField(
        _("快申快享"),
        default=False,
        help_text=_("全流程办理时限不超过 60 个工作日"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    notice_required = models.BooleanField(
        _("公示后方可拨付"),
        default=False,
        help_text=_("勾选后，拟拨付的事项须经公示，公示期满且异议均已答复后方可登记拨付"),
    )
    notice_days = models.PositiveSmallIntegerField(
        _("公示期（工作日）"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(NOTICE_MAX_DAYS)],
        help_text=_("发布公示时的默认公示期"),
    )

    class Meta:
        verbose_name = _("在线申报设置")
        verbose_name_plural = _("在线申报设置")

    def __str__(self):
        return str(_("受理在线申报") if self.accepts else _("不受理在线申报"))


class ApplicationQuerySet(models.QuerySet):
    def of_user(self, user):
        """The applications of the user's enterprise."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(enterprise__memberships__user=user)

    def visible_to_department(self, department):
        """Waiting at, or having passed through, one of the department's steps."""
        reached = ApplicationStep.objects.filter(
            application=OuterRef("pk"), departments=department, position__lte=OuterRef("position")
        )
        return self.exclude(state=State.DRAFT).filter(Exists(reached))

    def at_step_of(self, department):
        """Those whose current step is (also) the department's, in any state."""
        current = ApplicationStep.objects.filter(
            application=OuterRef("pk"), departments=department, position=OuterRef("position")
        )
        return self.filter(Exists(current))

    def waiting_at(self, department):
        """In review at a step of the department's."""
        return self.filter(state=State.IN_REVIEW).at_step_of(department)

    def awaiting(self, department):
        """In review at a step of the department's that the department has not signed off
        yet (at a joint step, those it agreed to wait for the others, not for it)."""
        signed = Signoff.objects.filter(
            step__application=OuterRef("pk"),
            step__position=OuterRef("position"),
            round=OuterRef("round"),
            department=department,
        )
        return self.waiting_at(department).exclude(Exists(signed))

    def visible_to_staff(self, user):
        if user.is_superuser:
            return self.exclude(state=State.DRAFT)
        membership = getattr(user, "staff_membership", None) if user.is_authenticated else None
        if membership is None:
            return self.none()
        return self.visible_to_department(membership.department_id)


def _blank_dict():
    return {}


class Application(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="applications", verbose_name=_("企业")
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="applications", verbose_name=_("政策措施")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    position = models.PositiveSmallIntegerField(
        _("当前环节"), default=0, help_text=_("0 表示尚未提交")
    )
    round = models.PositiveIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    requested_amount_yuan = models.DecimalField(
        _("申请金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    figures = models.JSONField(_("申报数据"), default=_blank_dict, blank=True)
    description = models.TextField(_("申报说明"), blank=True)
    eligibility_token = models.CharField(_("自测结果"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=dates.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    waiting_since = models.DateTimeField(_("本环节起始"), null=True, blank=True)
    due_on = models.DateField(
        _("本环节办理期限"), null=True, blank=True, db_index=True, editable=False
    )
    approved_amount_yuan = models.DecimalField(
        _("核定金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    disbursed_amount_yuan = models.DecimalField(
        _("拨付金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    disbursed_on = models.DateField(_("拨付日期"), null=True, blank=True)
    voucher_number = models.CharField(_("凭证号"), max_length=64, blank=True)
    route = models.CharField(
        _("办理方式"), max_length=16, choices=Route.choices, default=Route.APPLICATION
    )
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=40, blank=True)
    # The year an item of a measure with a 免申即享 route counts for while it is live or paid
    # (set on submit / confirm, back to NULL when it ends unpaid): the unique constraint below
    # is what keeps an enterprise from being paid twice by the two routes (鞍山 2023 18（2）).
    cycle = models.PositiveSmallIntegerField(_("享受年度"), null=True, blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "position"])]
        constraints = [
            # NULLs are distinct (SQLite and PostgreSQL): only live or paid items count
            models.UniqueConstraint(
                fields=["enterprise", "measure", "cycle"], name="application_once_a_cycle"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.enterprise} · {self.measure.title}"

    def get_absolute_url(self):
        return reverse("applications:detail", kwargs={"pk": self.pk})

    @property
    def number(self):
        return f"SB{self.pk:06d}" if self.pk else ""

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES

    @property
    def is_final(self):
        return self.state in FINAL_STATES

    @property
    def can_withdraw(self):
        return allowed("withdraw", self.state)

    def current_step(self):
        """The step it waits at (uses prefetched ``steps`` when present)."""
        for step in self.steps.all():
            if step.position == self.position:
                return step
        return None


class ApplicationStep(models.Model):
    """A step of one application's route, resolved from the measure's workflow."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="steps", verbose_name=_("申报")
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    level = models.CharField(_("层级"), max_length=16, choices=Department.Level.choices)
    act = models.CharField(_("环节"), max_length=16, choices=Act.choices)
    unit = models.CharField(_("内设机构或会议"), max_length=32, blank=True)
    limit_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), null=True, blank=True)
    departments = models.ManyToManyField(
        Department, related_name="application_steps", verbose_name=_("办理部门")
    )

    class Meta:
        verbose_name = _("办理步骤")
        verbose_name_plural = _("办理步骤")
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "position"], name="step_unique_position"
            ),
        ]

    def __str__(self):
        names = "、".join(str(d) for d in self.departments.all())
        unit = f"（{self.unit}）" if self.unit else ""
        return f"{self.position}. {names}{unit} {self.get_act_display()}"

    @property
    def is_joint(self):
        return len(self.departments.all()) > 1


class Signoff(models.Model):
    """A department's agreement at a (joint) step, once per round at that step."""

    step = models.ForeignKey(
        ApplicationStep, on_delete=models.CASCADE, related_name="signoffs", verbose_name=_("步骤")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    round = models.PositiveIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("经办人"),
    )
    at = models.DateTimeField(default=dates.now)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("会签")
        verbose_name_plural = _("会签")
        constraints = [
            models.UniqueConstraint(
                fields=["step", "department", "round"], name="signoff_unique_department"
            ),
        ]

    def __str__(self):
        return f"{self.department} · {self.step}"


class Reminder(models.Model):
    """A reminder mailed to a staff user about an application due soon or overdue: at most
    one per user, application, kind and day, so ``send_due_reminders`` can run any number of
    times (cron) without mailing twice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("即将到期")
        OVERDUE = "overdue", _("已超期")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("工作人员"),
    )
    application = models.ForeignKey(
        "Application", on_delete=models.CASCADE, related_name="reminders", verbose_name=_("申报")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    sent_on = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("办理提醒")
        verbose_name_plural = _("办理提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "application", "kind", "sent_on"], name="reminder_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.sent_on:%Y-%m-%d} {self.get_kind_display()} · {self.application_id}"


class ApplicationEvent(WriteOnce):
    """An entry of an application's timeline; written once, never changed."""

    changed = _("办理记录只能写入，不能修改")
    deleted = _("办理记录不能删除")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("申报")
    )
    at = models.DateTimeField(_("时间"), default=dates.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("经办人"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("部门"),
    )
    action = models.CharField(_("操作"), max_length=16, choices=ACTION_CHOICES)
    from_state = models.CharField(_("原状态"), max_length=16, choices=State.choices)
    to_state = models.CharField(_("新状态"), max_length=16, choices=State.choices)
    from_position = models.PositiveSmallIntegerField(_("原环节"), default=0)
    to_position = models.PositiveSmallIntegerField(_("新环节"), default=0)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["application", "at", "pk"]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.internal_words}"

    @property
    def public_words(self):
        """What the enterprise reads for this action (from the transition table)."""
        return public_words(self.action)

    @property
    def internal_words(self):
        """What staff read for this action (from the transition table)."""
        return internal_words(self.action)


def attachment_path(instance, filename):
    """A random name under applications/YYYY/; the original name is kept in the row."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"applications/{timezone.now():%Y}/{secrets.token_hex(16)}{suffix}"


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("申报")
    )
    material = models.CharField(_("材料"), max_length=32)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=32)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=dates.now)

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["application", "uploaded_at", "pk"]

    def __str__(self):
        return f"{self.material}：{self.original_name}"

    def get_absolute_url(self):
        return reverse(
            "applications:attachment", kwargs={"pk": self.application_id, "attachment": self.pk}
        )


# --- 公示: approved items published before payment, and objections to them ----------------


class PublicNotice(models.Model):
    """A 公示 of a measure's items awaiting payment, published by a department on creation.

    The notice is a record: its entries keep what was published (``NoticeEntry``), whatever
    changes later, and its page stays readable after the period (公示期已结束). Rows are
    written by ``applications.notices.publish_notice`` only."""

    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="public_notices", verbose_name=_("政策措施")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="public_notices",
        verbose_name=_("发布部门"),
    )
    title = models.CharField(_("标题"), max_length=200)
    days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示截止日期"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发布人"),
    )
    created_at = models.DateTimeField(_("发布时间"), default=dates.now)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("notices:detail", kwargs={"pk": self.pk})

    def is_open(self, today) -> bool:
        """In its period: objections are taken, payment waits."""
        return self.starts_on <= today <= self.ends_on


class NoticeEntry(models.Model):
    """One published item: a snapshot of what the notice showed, and the application."""

    notice = models.ForeignKey(
        PublicNotice, on_delete=models.PROTECT, related_name="entries", verbose_name=_("公示")
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="notice_entries", verbose_name=_("申报")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    enterprise_name = models.CharField(_("企业名称"), max_length=100)
    masked_uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    measure_title = models.CharField(_("政策措施"), max_length=200)
    amount_yuan = models.DecimalField(
        _("拟拨付金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    department_name = models.CharField(_("主管部门"), max_length=100)

    class Meta:
        verbose_name = _("公示对象")
        verbose_name_plural = _("公示对象")
        ordering = ["notice", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "application"], name="notice_entry_unique_application"
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.enterprise_name}"


class Objection(models.Model):
    """异议: raised by anyone during the notice's period, to one entry or to the whole
    notice; routed to the publishing department, which answers once by ``due_on``.

    What the objector wrote is never changed; the answer is written once by
    ``applications.notices.answer_objection`` (a conditional UPDATE where no answer is)."""

    notice = models.ForeignKey(
        PublicNotice, on_delete=models.PROTECT, related_name="objections", verbose_name=_("公示")
    )
    entry = models.ForeignKey(
        NoticeEntry,
        on_delete=models.PROTECT,
        related_name="objections",
        null=True,
        blank=True,
        verbose_name=_("公示对象"),
        help_text=_("留空：针对整个公示"),
    )
    name = models.CharField(_("异议人"), max_length=32)
    contact = models.CharField(_("联系方式"), max_length=100)
    text = models.TextField(_("异议内容"))
    submitted_at = models.DateTimeField(_("提出时间"), default=dates.now)
    due_on = models.DateField(_("答复期限"), db_index=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("答复人"),
    )

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        target = self.entry.enterprise_name if self.entry_id else _("整个公示")
        return f"{self.notice} · {target}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


def beneficiary_source_path(instance, filename):
    suffix = PurePosixPath(filename).suffix.lower()
    return f"beneficiaries/{timezone.now():%Y}/{secrets.token_hex(16)}{suffix}"


class BeneficiaryList(models.Model):
    """免申即享名单: the enterprises a department lists for a measure with a 免申即享 route,
    uploaded (CSV/XLSX) or generated from the enterprises' profiles, then issued (下发):
    each listed enterprise finds a 待确认 item in 我的申报 (``applications.exempt``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ISSUED = "issued", _("已下发")

    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="beneficiary_lists", verbose_name=_("措施")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="beneficiary_lists",
        verbose_name=_("发放部门"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名单名称"), max_length=100)
    source_file = models.FileField(
        _("导入文件"), upload_to=beneficiary_source_path, max_length=200, blank=True
    )
    source_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=dates.now)
    issued_at = models.DateTimeField(_("下发时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("下发人"),
    )

    class Meta:
        verbose_name = _("免申即享名单")
        verbose_name_plural = _("免申即享名单")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class Beneficiary(models.Model):
    """One row of a 免申即享 list: an enterprise (by its credit code), how much and why."""

    beneficiary_list = models.ForeignKey(
        BeneficiaryList, on_delete=models.CASCADE, related_name="rows", verbose_name=_("名单")
    )
    line = models.PositiveIntegerField(_("行号"))
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("企业名称"), max_length=100)
    basis = models.CharField(_("依据"), max_length=500)
    amount_yuan = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("企业"),
    )
    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="beneficiary",
        verbose_name=_("待确认事项"),
    )

    class Meta:
        verbose_name = _("名单企业")
        verbose_name_plural = _("名单企业")
        ordering = ["beneficiary_list", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary_list", "uscc"], name="beneficiary_once_a_list"
            ),
        ]

    def __str__(self):
        return f"{self.uscc} {self.name}"

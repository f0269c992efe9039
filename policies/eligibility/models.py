"""Eligibility rules and questions as data, and saved self-check answers.

Rules and questions are loaded from ``fixtures/eligibility/`` by ``manage.py
load_eligibility``; staff may edit them in the admin, where ``clean()`` runs the validator of
``policies.eligibility.schema`` so that a broken rule cannot be saved.
"""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from policies import validity
from policies.models import City, District, Measure, ValidityFields, period_values

from . import evaluator, schema


class Parameter(models.Model):
    """A value that changes over time and that rules refer to by key (the one-year LPR).

    Staff add a ``ParameterValue`` when a new value is published; the self-check uses the
    value in force on its 测算日期 and cites it."""

    key = models.CharField(_("参数键"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    unit = models.CharField(_("单位"), max_length=16, default="%")
    publisher = models.CharField(_("发布机构"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("时变参数")
        verbose_name_plural = _("时变参数")
        ordering = ["key"]

    def __str__(self):
        return self.name

    def series(self, values=None) -> evaluator.ParameterSeries:
        values = self.values.all() if values is None else values
        return evaluator.ParameterSeries(
            key=self.key,
            name=self.name,
            values=tuple((v.effective_from, v.value) for v in values),
            publisher=self.publisher,
        )


class ParameterValue(models.Model):
    parameter = models.ForeignKey(
        Parameter, on_delete=models.CASCADE, related_name="values", verbose_name=_("参数")
    )
    effective_from = models.DateField(_("起始执行日期"))
    value = models.DecimalField(_("数值"), max_digits=8, decimal_places=4)
    source = models.CharField(_("出处"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("参数取值")
        verbose_name_plural = _("参数取值")
        ordering = ["parameter", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["parameter", "effective_from"], name="parameter_value_unique_date"
            ),
        ]

    def __str__(self):
        return f"{self.parameter.name} {self.value.normalize()}{self.parameter.unit}（{self.effective_from}起）"

    def clean(self):
        if self.value is not None and not 0 <= self.value < 100:
            raise ValidationError({"value": _("请填写 0 到 100 之间的百分数，如 3.00。")})


def parameter_series() -> dict:
    """Parameter key → ``evaluator.ParameterSeries``, in one query (a parameter without any
    value yet is absent: a formula referring to it says there is no value for the day)."""
    found: dict = {}
    for value in ParameterValue.objects.select_related("parameter"):
        found.setdefault(value.parameter, []).append(value)
    return {parameter.key: parameter.series(values) for parameter, values in found.items()}


class Question(models.Model):
    """A question of the self-check, or a fact derived from the answers (``derived``).

    Questions are asked in steps: the profile first, then the enterprise's situation (two
    multiple-choice questions), then themes — each step only what a measure still possible
    for the enterprise depends on (``policies.eligibility.steps``). ``ask_if`` (a condition
    in the rule language) further limits a question to the enterprises it concerns."""

    class Type(models.TextChoices):
        YES_NO = evaluator.YES_NO, _("是/否")
        CHOICE = evaluator.CHOICE, _("单选")
        MULTI = evaluator.MULTI, _("多选")
        NUMBER = evaluator.NUMBER, _("数字")
        MONEY_WAN = evaluator.MONEY_WAN, _("金额（万元）")
        DATE = evaluator.DATE, _("日期")
        COUNT = evaluator.COUNT, _("数量")
        DERIVED = evaluator.DERIVED, _("推导（不提问）")

    class Section(models.TextChoices):
        # In the order they are asked.
        PROFILE = "profile", _("企业基本情况")
        SITUATION = "situation", _("企业身份与经营情况")
        COMMERCE = "commerce", _("商贸与消费")
        TRADE = "trade", _("外贸与对外合作")
        INNOVATION = "innovation", _("科技创新")
        FINANCE = "finance", _("融资与上市")
        TALENT = "talent", _("用工与人才")
        AGRICULTURE = "agriculture", _("农业")
        CULTURE = "culture", _("文化、旅游与体育")
        PROJECTS = "projects", _("项目、用地与环境")
        OTHER = "other", _("其他")

    SECTION_ORDER = [choice.value for choice in Section]

    key = models.CharField(_("问题键"), max_length=64, unique=True)
    label = models.CharField(_("简称"), max_length=64)
    wording = models.CharField(_("问题"), max_length=300)
    help_text = models.CharField(_("说明"), max_length=300, blank=True)
    type = models.CharField(_("类型"), max_length=16, choices=Type.choices)
    section = models.CharField(_("分组"), max_length=16, choices=Section.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    choices = models.JSONField(
        _("选项"),
        default=list,
        blank=True,
        help_text=_(
            "单选、多选题的选项：[[取值, 显示文字], …]；可加第三项条件，只向符合的企业显示该选项"
        ),
    )
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    max_value = models.DecimalField(
        _("最大合理值"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    required = models.BooleanField(_("必答"), default=False)
    statement = models.CharField(
        _("肯定表述"),
        max_length=100,
        blank=True,
        help_text=_("是/否题：回答“是”时的事实，如“首次纳入统计部门调查单位库”"),
    )
    negation = models.CharField(
        _("否定表述"),
        max_length=100,
        blank=True,
        help_text=_("是/否题：回答“否”时的事实，如“非当年注册成立”；留空则为“并非…”"),
    )
    ask_if = models.JSONField(
        _("提问条件"),
        null=True,
        blank=True,
        help_text=_("满足此条件（规则语言）才提问；留空则凡有措施需要即提问"),
    )
    fixture_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("自测问题")
        verbose_name_plural = _("自测问题")
        ordering = ["section", "order", "key"]

    def __str__(self):
        return f"{self.label}（{self.key}）"

    def clean(self):
        errors = {}
        if not self.key.isidentifier():
            errors["key"] = _("问题键只能包含字母、数字和下划线，且不能以数字开头。")
        if self.type in (self.Type.CHOICE, self.Type.MULTI):
            if not isinstance(self.choices, list) or not self.choices:
                errors["choices"] = _("选择题需要至少一个选项。")
            elif not all(
                isinstance(c, list)
                and len(c) in (2, 3)
                and all(isinstance(v, str) for v in c[:2])
                and (len(c) == 2 or isinstance(c[2], dict))
                for c in self.choices
            ):
                errors["choices"] = _("选项格式应为 [[取值, 显示文字], …]（第三项可为显示条件）。")
            else:
                option_errors = [
                    message
                    for c in self.choices
                    if len(c) == 3
                    for message in schema.validate_conditions(c[2], f"选项“{c[1]}”的条件")
                ]
                if option_errors:
                    errors["choices"] = option_errors
        if self.type == self.Type.YES_NO and not self.statement.strip():
            errors["statement"] = _("是/否题需要肯定表述，用于向企业解释条件。")
        if self.ask_if is not None:
            ask_errors = schema.validate_conditions(self.ask_if, "提问条件")
            if ask_errors:
                errors["ask_if"] = ask_errors
        if errors:
            raise ValidationError(errors)

    def content(self):
        return {
            "label": self.label,
            "wording": self.wording,
            "help_text": self.help_text,
            "type": self.type,
            "section": self.section,
            "order": self.order,
            "choices": self.choices,
            "unit": self.unit,
            "max_value": None if self.max_value is None else str(self.max_value.normalize()),
            "required": self.required,
            "statement": self.statement,
            "negation": self.negation,
            "ask_if": self.ask_if,
        }

    def info(self) -> evaluator.QuestionInfo:
        return evaluator.QuestionInfo(
            key=self.key,
            label=self.label,
            type=self.type,
            choices={c[0]: c[1] for c in self.choices or []},
            unit=self.unit,
            statement=self.statement,
            negation=self.negation,
        )

    @property
    def asked(self) -> bool:
        return self.type != self.Type.DERIVED


class EligibilityRuleQuerySet(models.QuerySet):
    def encoded(self):
        return self.filter(status=EligibilityRule.Status.ENCODED)


class EligibilityRule(ValidityFields):
    """One measure's benefit as data. Its period (``ValidityFields``) is derived when it is
    saved — from the sentences its clause quotes, else from the measure (``derive_period``) —
    unless staff set it on the rule itself (``validity_basis`` = 自测规则)."""

    class Status(models.TextChoices):
        ENCODED = "encoded", _("已编码")
        NOT_ENCODABLE = "not_encodable", _("不可编码（可咨询）")
        SUGGESTED = "suggested", _("建议草稿（待采纳）")

    measure = models.OneToOneField(
        Measure,
        on_delete=models.CASCADE,
        related_name="eligibility_rule",
        verbose_name=_("措施"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ENCODED
    )
    conditions = models.JSONField(
        _("条件"), default=dict, blank=True, help_text=_("见 policies/eligibility/schema.py")
    )
    benefit = models.JSONField(_("金额公式"), null=True, blank=True)

    class Audience(models.TextChoices):
        """Why a measure is 可咨询 rather than encoded (the only three reasons allowed)."""

        GOVERNMENT = "government", _("面向政府或部门")
        INDIVIDUAL = "individual", _("面向个人")
        UNCONDITIONAL = "unconditional", _("无任何条件，普遍适用")

    clause = models.TextField(_("所依据的条款原文"), blank=True)
    reason = models.TextField(_("不可编码的原因"), blank=True)
    audience = models.CharField(
        _("可咨询的类别"), max_length=16, choices=Audience.choices, blank=True
    )
    note = models.TextField(_("说明"), blank=True)
    question_keys = models.JSONField(_("使用的问题"), default=list, blank=True, editable=False)
    # A revision of the measure's document changed the measure: the rule may no longer say
    # what the clause says. Its verdicts say 需复核 until staff review it (``mark_reviewed``).
    needs_review = models.BooleanField(_("需复核"), default=False, editable=False)
    review_reason = models.TextField(_("复核原因"), blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("复核人"),
    )
    fixture_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EligibilityRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("自测规则")
        verbose_name_plural = _("自测规则")
        ordering = ["measure__document", "measure__position"]

    def __str__(self):
        return f"{self.measure.document.city} {self.measure}"

    def save(self, *args, **kwargs):
        if self.status == self.Status.ENCODED:
            self.question_keys = schema.question_keys(self.conditions, self.benefit)
        else:
            self.question_keys = []
        if self.validity_basis != validity.Basis.RULE:
            self.set_period(derive_period(self.clause, self.measure))
        super().save(*args, **kwargs)

    def refresh_period(self) -> bool:
        """Re-derive the period after the measure changed; True when it changed (saved)."""
        if self.validity_basis == validity.Basis.RULE:
            return False
        period = derive_period(self.clause, self.measure)
        values = period_values(period)
        if all(getattr(self, name) == value for name, value in values.items()):
            return False
        self.set_period(period)
        type(self).objects.filter(pk=self.pk).update(**values)
        return True

    def clean(self):
        errors = {}
        if self.status == self.Status.ENCODED:
            known = {q.key: q.info() for q in Question.objects.all()}
            condition_errors = schema.validate_conditions(self.conditions, known_keys=known)
            if condition_errors:
                errors["conditions"] = condition_errors
            if self.benefit is None:
                errors["benefit"] = [_("已编码的规则需要金额公式。")]
            else:
                benefit_errors = schema.validate_benefit(
                    self.benefit,
                    known_keys=known,
                    known_parameters=set(Parameter.objects.values_list("key", flat=True)),
                )
                if benefit_errors:
                    errors["benefit"] = benefit_errors
            if not self.clause.strip():
                errors["clause"] = [_("请引用规则所依据的条款原文。")]
        else:
            if not self.reason.strip():
                errors["reason"] = [_("请说明不可编码的原因（将作为“可咨询”显示给企业）。")]
            if not self.audience:
                errors["audience"] = [
                    _("可咨询仅限面向政府、面向个人或无任何条件的措施，请选择类别。")
                ]
        if errors:
            raise ValidationError(errors)

    def content(self):
        explicit = self.validity_basis == validity.Basis.RULE
        return {
            "audience": self.audience,
            "status": self.status,
            "conditions": self.conditions if self.status == self.Status.ENCODED else None,
            "benefit": self.benefit if self.status == self.Status.ENCODED else None,
            "clause": self.clause,
            "reason": self.reason,
            "note": self.note,
            "validity": self.period.as_dict() if explicit else None,
        }


def derive_period(clause: str, measure: Measure) -> validity.Period:
    """A rule's period: the measure's when staff, the curated file or a 执行期限 line fixed it
    for the whole measure; else the sentences its clause quotes when each states its own
    period; else the measure's."""
    period = measure.period
    if measure.validity_basis in (validity.Basis.CURATED, validity.Basis.DEADLINE):
        return period
    return validity.clause_period(clause, measure.text, measure.validity_parts, period)


def new_token():
    return secrets.token_urlsafe(16)


TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")


class SavedCheckQuerySet(models.QuerySet):
    def by_token(self, token):
        """The check of a link's token (``?check=``, ``?from=``, the URL): none for anything
        that is no token, so that a hostile value (a NUL, 100,000 characters) never reaches
        the database."""
        if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
            return self.none()
        return self.filter(token=token)


class SavedCheck(models.Model):
    """One enterprise's answers, revisited through an unguessable link.

    ``answers`` maps question key → value (yes/no as true/false, money in 万元, counts as
    integers); the applications app reads it to prefill an application.
    """

    token = models.CharField(_("链接令牌"), max_length=32, unique=True, default=new_token)
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="saved_checks", verbose_name=_("城市")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="saved_checks",
        verbose_name=_("县（市）区"),
    )
    answers = models.JSONField(_("回答"), default=dict, blank=True)
    skipped = models.JSONField(
        _("跳过的问题"), default=list, blank=True, help_text=_("企业选择不回答的问题，不再追问")
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    as_of = models.DateField(
        _("测算日期"), null=True, blank=True, help_text=_("留空：按查看当天测算")
    )
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)

    objects = SavedCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("自测记录")
        verbose_name_plural = _("自测记录")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.city} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("eligibility:result", kwargs={"token": self.token})

    def next_url(self):
        return reverse("eligibility:next", kwargs={"token": self.token})

    def summary_url(self):
        return reverse("eligibility:summary", kwargs={"token": self.token})


class StackingRule(models.Model):
    """Measures a clause forbids combining (不重复享受、就高不就低): in a self-check total only
    the most generous of them counts. The clause is quoted and its measure cited."""

    name = models.CharField(_("名称"), max_length=100)
    clause = models.TextField(_("所依据的条款原文"))
    cited_measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        related_name="stacking_clauses",
        verbose_name=_("条款出处"),
    )
    measures = models.ManyToManyField(
        Measure, related_name="stacking_rules", verbose_name=_("不可同时享受的措施")
    )
    fixture_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("不重复享受规则")
        verbose_name_plural = _("不重复享受规则")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.clause and self.cited_measure_id and self.clause not in self.cited_measure.text:
            raise ValidationError({"clause": _("条款原文须出自所引措施的正文。")})

    def exclusive(self, measure_ids=None) -> evaluator.Exclusive:
        ids = measure_ids if measure_ids is not None else self.measures.values_list("pk", flat=True)
        return evaluator.Exclusive(
            measure_ids=frozenset(ids), clause=self.clause, source=str(self.cited_measure)
        )

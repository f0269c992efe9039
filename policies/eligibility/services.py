"""Reading rules for a city and running a self-check; saving a check.

``city_rules(city)`` is one query (measures with their documents and rules); with the
questions that is two queries for evaluating a profile against a whole city. The evaluation
itself (``policies.eligibility.evaluator``) touches no database.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from policies import validity
from policies.models import Measure

from . import evaluator
from .models import EligibilityRule, Question, SavedCheck, StackingRule, parameter_series
from .steps import Plan

NOT_ASSESSED_REASON = "本条尚未评估，请向责任单位咨询。"


def all_questions():
    """Question key → Question, in asking order (one query)."""
    questions = list(Question.objects.all())
    order = {section: index for index, section in enumerate(Question.SECTION_ORDER)}
    questions.sort(key=lambda q: (order.get(q.section, 99), q.order, q.key))
    return {question.key: question for question in questions}


def city_measures(city):
    """Every measure of the city's documents with its rule (one query)."""
    return list(
        Measure.objects.filter(document__city=city)
        .select_related("document", "eligibility_rule")
        .order_by("document__issued_on", "document__source", "position")
    )


def _rule_of(measure):
    try:
        return measure.eligibility_rule
    except EligibilityRule.DoesNotExist:
        return None


def rule_input(measure):
    """The evaluator's view of a measure's rule: its conditions, formula and period (the
    rule's own, or the measure's when it has no rule)."""
    rule = _rule_of(measure)
    draft = measure.document.is_draft
    if rule is None or rule.status == EligibilityRule.Status.SUGGESTED:
        # a suggestion is staff's to accept: until then the measure is not assessed
        return evaluator.RuleInput(
            measure_id=measure.pk,
            status=EligibilityRule.Status.NOT_ENCODABLE,
            benefit=None,
            reason=NOT_ASSESSED_REASON,
            period=measure.period,
            draft=draft,
        )
    encoded = rule.status == EligibilityRule.Status.ENCODED
    return evaluator.RuleInput(
        measure_id=measure.pk,
        status=rule.status,
        conditions=rule.conditions if encoded else {"all": []},
        benefit=rule.benefit if encoded else None,
        reason=rule.reason,
        clause=rule.clause,
        note=rule.note,
        period=rule.period,
        draft=draft,
        version=_version(rule),
    )


def _version(rule):
    """What identifies the rule's conditions and formula for ``evaluator`` to compile them
    once: every ``save()`` sets ``updated_at`` anew (an edit in the admin is compiled afresh
    by the next evaluation, in every process). None for a rule not saved: interpreted."""
    if rule.pk is None or rule.updated_at is None:
        return None
    return ("eligibility_rule", rule.pk, rule.updated_at)


# Rules whose questions are asked: in force on the 测算日期, or 时效未明 (the text does not say
# whether it still applies: the enterprise learns what it would get and whom to ask). Expired
# and not-yet rules ask nothing.
ASKED_GROUPS = {None, evaluator.UNKNOWN_VALIDITY}


@dataclass
class Entry:
    measure: Measure
    result: evaluator.Result
    apply_url: str | None = None

    @property
    def review_reason(self) -> str:
        """Why this verdict may be out of date: a revision changed the measure after its rule
        was written, and staff have not reviewed the rule yet (empty when not flagged)."""
        rule = _rule_of(self.measure)
        if rule is None or not rule.needs_review:
            return ""
        return rule.review_reason or "本条已修订，自测规则尚待复核。"

    @property
    def missing_questions(self):
        return self.result.missing

    @property
    def apart(self) -> bool:
        return self.result.group in evaluator.APART

    @property
    def period_text(self) -> str:
        period = self.result.period
        if period is None:
            return ""
        if self.measure.document.is_draft:
            stated = f"原文执行期限“{period.words}”" if period.words else "未载明期限"
            return f"征求意见稿，{stated}"
        return validity.describe(period, issued_on=self.measure.document.issued_on)

    @property
    def apart_reason(self) -> str:
        """Why this measure is not counted on the 测算日期, with its dates."""
        period, group = self.result.period, self.result.group
        if group == evaluator.EXPIRED:
            return f"本条已于{validity.date_text(period.end)}到期，不计入预计金额。"
        if group == evaluator.NOT_YET:
            return f"本条自{validity.date_text(period.start)}起施行，测算日期尚未生效，不计入预计金额。"
        if self.measure.document.is_draft:
            return "本条出自征求意见稿，尚未正式施行，不计入预计金额；请向责任单位确认。"
        return f"{self.period_text}。时效未明，不计入预计金额。"


@dataclass
class Group:
    name: str
    entries: list


@dataclass
class CheckOutcome:
    city: object
    today: datetime.date
    questions: list
    groups: dict = field(default_factory=dict)  # group → [Entry]
    summary: evaluator.Summary | None = None

    def group(self, name):
        return self.groups.get(name, [])

    @property
    def apart_count(self):
        return sum(len(self.groups.get(name, [])) for name in evaluator.APART)

    @property
    def apart_groups(self):
        """(group, heading, explanation) of the measures not in force on the 测算日期."""
        texts = {
            evaluator.EXPIRED: ("已到期", "测算日期已过期限的措施，仅供了解，不计入预计金额。"),
            evaluator.NOT_YET: ("未生效", "测算日期尚未开始施行的措施，不计入预计金额。"),
            evaluator.UNKNOWN_VALIDITY: (
                "时效未明",
                "原文未载明有效期的措施或征求意见稿，是否仍在执行请向责任单位确认，不计入预计金额。",
            ),
        }
        return [(Group(name, self.groups.get(name, [])), *texts[name]) for name in evaluator.APART]


GROUP_ORDER = [
    evaluator.ELIGIBLE,
    evaluator.MAYBE,
    evaluator.INELIGIBLE,
    evaluator.CONSULT,
    *evaluator.APART,
]


def run_check(city, answers, today, measures=None, questions=None, parameters=None):
    """Evaluate ``answers`` against every measure of ``city`` as of ``today`` (the 测算日期;
    four queries at most: measures with their rules, questions, parameters, the 不重复享受
    rules among them)."""
    if questions is None:
        questions = all_questions()
    if measures is None:
        measures = city_measures(city)
    if parameters is None:
        parameters = parameter_series()
    infos = {key: question.info() for key, question in questions.items()}
    rules = [rule_input(measure) for measure in measures]
    results = evaluator.evaluate(answers, rules, infos, today, parameters)
    groups = {name: [] for name in GROUP_ORDER}
    for measure, result in zip(measures, results, strict=True):
        groups[result.group].append(Entry(measure=measure, result=result))
    for name in (evaluator.ELIGIBLE, evaluator.MAYBE):
        groups[name].sort(key=lambda e: -(e.result.amount_max or 0))
    return CheckOutcome(
        city=city,
        today=today,
        questions=[q for q in questions.values() if q.asked],
        groups=groups,
        summary=evaluator.summarize(results, exclusive_groups(measures)),
    )


def exclusive_groups(measures):
    """The 不重复享受 rules among ``measures`` (one query), as the evaluator takes them."""
    ids = {measure.pk for measure in measures}
    rules = StackingRule.objects.filter(measures__in=ids).distinct().prefetch_related("measures")
    return [rule.exclusive([m.pk for m in rule.measures.all() if m.pk in ids]) for rule in rules]


def plan_for(city, as_of, measures=None, questions=None, parameters=None) -> Plan:
    """The questionnaire of ``city`` on ``as_of``: its rules that may apply that day (in
    force or 时效未明) decide what is asked."""
    measures = city_measures(city) if measures is None else measures
    questions = all_questions() if questions is None else questions
    parameters = parameter_series() if parameters is None else parameters
    rules = []
    for measure in measures:
        rule = rule_input(measure)
        if rule.status == EligibilityRule.Status.ENCODED and (
            evaluator.validity_group(rule, as_of) in ASKED_GROUPS
        ):
            rules.append(rule)
    return Plan(questions=questions, rules=rules, as_of=as_of, parameters=parameters)


class ChangedElsewhere(Exception):
    """The answers changed in another request too many times in a row (never in practice)."""


@transaction.atomic
def save_check(city, district, answers, as_of=None, skipped=()):
    """Store the first answers (and the 测算日期, when one was chosen) under a new token."""
    if district is not None and district.city_id != city.pk:
        district = None
    return SavedCheck.objects.create(
        city=city, district=district, answers=answers, skipped=sorted(skipped), as_of=as_of
    )


def record_answers(check, answers, skipped, **fields):
    """Merge one step's answers into the check: a conditional update on its version, retried
    on the fresh row, so that two tabs answering different steps lose nothing. A question
    answered is no longer skipped; a question left blank (skipped) loses its old answer.
    ``fields`` may set ``district`` and ``as_of`` too."""
    for _attempt in range(50):
        with transaction.atomic():
            # the row lock serialises writers on PostgreSQL (SQLite serialises them anyway);
            # the version condition below is what guarantees it on every database
            current = (
                SavedCheck.objects.select_for_update()
                .filter(pk=check.pk)
                .values("answers", "skipped", "version")
                .get()
            )
            merged = {k: v for k, v in current["answers"].items() if k not in skipped}
            merged.update(answers)
            left_out = (set(current["skipped"]) - set(answers)) | set(skipped)
            updated = SavedCheck.objects.filter(pk=check.pk, version=current["version"]).update(
                answers=merged,
                skipped=sorted(left_out),
                version=F("version") + 1,
                **fields,
            )
        if updated:
            check.refresh_from_db()
            return check
    raise ChangedElsewhere(check.pk)

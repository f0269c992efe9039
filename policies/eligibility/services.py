"""Reading rules for a city and running a self-check; saving a check.

``city_rules(city)`` is one query (measures with their documents and rules); with the
questions that is two queries for evaluating a profile against a whole city. The evaluation
itself (``policies.eligibility.evaluator``) touches no database.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from policies.models import Measure

from . import evaluator
from .models import EligibilityRule, Question, SavedCheck

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


def rule_input(measure, today):
    rule = _rule_of(measure)
    expired = measure.deadline_status(today) == Measure.DeadlineStatus.EXPIRED
    if rule is None:
        return evaluator.RuleInput(
            measure_id=measure.pk,
            status=EligibilityRule.Status.NOT_ENCODABLE,
            benefit=None,
            reason=NOT_ASSESSED_REASON,
            expired=expired,
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
        expired=expired,
    )


def questions_for(measures, questions, today):
    """The questions the city's live encoded rules use, in asking order (required ones too)."""
    used = set()
    for measure in measures:
        rule = _rule_of(measure)
        if rule is None or rule.status != EligibilityRule.Status.ENCODED:
            continue
        if measure.deadline_status(today) == Measure.DeadlineStatus.EXPIRED:
            continue
        used.update(rule.question_keys)
    return [q for key, q in questions.items() if key in used or q.required]


@dataclass
class Entry:
    measure: Measure
    result: evaluator.Result
    apply_url: str | None = None

    @property
    def missing_questions(self):
        return self.result.missing


@dataclass
class CheckOutcome:
    city: object
    today: datetime.date
    questions: list
    groups: dict = field(default_factory=dict)  # group → [Entry]
    summary: evaluator.Summary | None = None

    def group(self, name):
        return self.groups.get(name, [])


GROUP_ORDER = [
    evaluator.ELIGIBLE,
    evaluator.MAYBE,
    evaluator.INELIGIBLE,
    evaluator.CONSULT,
    evaluator.EXPIRED,
]


def run_check(city, answers, today, measures=None, questions=None):
    """Evaluate ``answers`` against every measure of ``city`` (two queries at most)."""
    if questions is None:
        questions = all_questions()
    if measures is None:
        measures = city_measures(city)
    infos = {key: question.info() for key, question in questions.items()}
    rules = [rule_input(measure, today) for measure in measures]
    results = evaluator.evaluate(answers, rules, infos)
    groups = {name: [] for name in GROUP_ORDER}
    for measure, result in zip(measures, results, strict=True):
        groups[result.group].append(Entry(measure=measure, result=result))
    for name in (evaluator.ELIGIBLE, evaluator.MAYBE):
        groups[name].sort(key=lambda e: -(e.result.amount_max or 0))
    return CheckOutcome(
        city=city,
        today=today,
        questions=questions_for(measures, questions, today),
        groups=groups,
        summary=evaluator.summarize(results),
    )


@transaction.atomic
def save_check(city, district, answers):
    """Store the answers under a new unguessable token."""
    if district is not None and district.city_id != city.pk:
        district = None
    return SavedCheck.objects.create(city=city, district=district, answers=answers)

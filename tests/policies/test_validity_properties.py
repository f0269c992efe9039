"""Properties of validity over random days and profiles (hypothesis), on the real catalogue:

* the database filter and the Python status agree, for every status and every measure;
* nothing 已到期, 未生效 or 时效未明 is ever counted as 现行有效, nor in a self-check total;
* a formula part outside its own period gives nothing, exactly as if it were not there.
"""

import copy
import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies import validity
from policies.eligibility import evaluator, kinds, services
from policies.models import City, Measure
from tests.eligibility.fixturedata import answer_strategy, asked_keys, encoded_rules, evaluate_on

pytestmark = pytest.mark.django_db

days = st.dates(min_value=datetime.date(2021, 1, 1), max_value=datetime.date(2028, 12, 31))
# the days on which something changes, and their neighbours
BOUNDARIES = sorted(
    {
        day + datetime.timedelta(days=shift)
        for day in (
            datetime.date(2023, 12, 31),
            datetime.date(2024, 12, 1),
            datetime.date(2024, 12, 31),
            datetime.date(2025, 10, 31),
            datetime.date(2025, 12, 31),
        )
        for shift in (-1, 0, 1)
    }
)
any_day = st.one_of(days, st.sampled_from(BOUNDARIES))
DB_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


profiles = st.fixed_dictionaries({}, optional={k: answer_strategy(k) for k in asked_keys()})


@DB_SETTINGS
@given(day=any_day)
def test_the_database_filter_and_the_python_status_agree(catalogue, day):
    measures = list(Measure.objects.select_related("document"))
    for status in validity.Status:
        in_database = set(
            Measure.objects.filter(validity.measure_q(status, day)).values_list("pk", flat=True)
        )
        in_python = {m.pk for m in measures if m.validity_status(day) == status}
        assert in_database == in_python, (status, day)
    counted = set(Measure.objects.in_force(day).values_list("pk", flat=True))
    assert counted == {m.pk for m in measures if m.validity_status(day) in validity.COUNTED}


@DB_SETTINGS
@given(day=any_day)
def test_nothing_expired_not_yet_or_unknown_is_counted_in_force(catalogue, day):
    for measure in Measure.objects.in_force(day).select_related("document"):
        status = measure.validity_status(day)
        assert status not in (
            validity.Status.EXPIRED,
            validity.Status.NOT_YET,
            validity.Status.UNKNOWN,
        )
        assert not measure.document.is_draft and measure.validity_kind != validity.Kind.UNKNOWN


@DB_SETTINGS
@given(day=any_day, answers=profiles)
def test_no_rule_outside_its_period_is_counted_in_a_self_check_total(rules_loaded, day, answers):
    for city in rules_loaded:
        outcome = services.run_check(city, answers, day)
        counted = outcome.group(evaluator.ELIGIBLE) + outcome.group(evaluator.MAYBE)
        for entry in counted:
            rule = services.rule_input(entry.measure)
            assert validity.status_of(rule.period, day, draft=rule.draft) in validity.COUNTED
        apart = [e for name in evaluator.APART for e in outcome.group(name)]
        for entry in apart:
            rule = services.rule_input(entry.measure)
            assert validity.status_of(rule.period, day, draft=rule.draft) not in validity.COUNTED
        summary = outcome.summary
        assert summary.eligible_count == len(outcome.group(evaluator.ELIGIBLE))
        assert summary.eligible_min == sum(
            e.result.amount_min for e in outcome.group(evaluator.ELIGIBLE)
        )


@pytest.fixture
def rules_loaded(catalogue):
    from django.core.management import call_command

    from policies.eligibility.models import EligibilityRule

    if not EligibilityRule.objects.exists():
        call_command("load_eligibility", verbosity=0)
    return list(City.objects.all())


def _without_parts_outside(formula, day):
    """The formula with each part whose period does not cover ``day`` replaced by nothing."""
    formula = copy.deepcopy(formula)
    period = kinds.part_period(formula)
    if period is not None and validity.status_of(period, day) not in validity.COUNTED:
        return {"kind": "fixed", "amount": 0}
    formula.pop("period", None)
    if "parts" in formula:
        formula["parts"] = [_without_parts_outside(part, day) for part in formula["parts"]]
    return formula


DATED_PART_RULES = [rule for rule in encoded_rules().values() if "period" in str(rule.benefit)]


@settings(max_examples=200, deadline=None)
@given(day=any_day, answers=profiles)
def test_a_part_outside_its_period_gives_exactly_nothing(day, answers):
    assert DATED_PART_RULES  # 营口 第3条, 第13条
    for rule in DATED_PART_RULES:
        (with_parts,) = evaluate_on(answers, [rule], day)
        stripped = copy.copy(rule)
        stripped.benefit = _without_parts_outside(rule.benefit, day)
        (without,) = evaluate_on(answers, [stripped], day)
        assert (with_parts.verdict, with_parts.amount_min, with_parts.amount_max) == (
            without.verdict,
            without.amount_min,
            without.amount_max,
        )

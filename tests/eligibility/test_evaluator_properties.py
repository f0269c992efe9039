"""Properties of the evaluator over every curated rule and arbitrary answers (hypothesis):

* it never raises, whatever the answers;
* no amount exceeds the caps its formula states, no total the largest legal combination;
* answering one more question never raises an upper bound;
* a missing answer never yields 不符合.
"""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.eligibility.evaluator import ELIGIBLE, INELIGIBLE, MAYBE, summarize
from policies.eligibility.schema import formula_ceiling

from .fixturedata import answer_strategy, asked_keys, encoded_rules, evaluate_on

RULES = list(encoded_rules().values())
KEYS = asked_keys()

junk = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.lists(st.integers(), max_size=2),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)

answers_of_right_types = st.fixed_dictionaries({}, optional={k: answer_strategy(k) for k in KEYS})
any_answers = st.dictionaries(st.sampled_from(KEYS + ["unknown", ""]), junk, max_size=12)
mixed_answers = st.one_of(answers_of_right_types, any_answers)
days = st.dates(min_value=datetime.date(2022, 1, 1), max_value=datetime.date(2027, 12, 31))

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def evaluate(answers, rules, day=datetime.date(2024, 6, 30)):
    return evaluate_on(answers, rules, day)


def bigger(high, other):
    """Whether upper bound ``high`` is above ``other`` (None is no bound at all)."""
    if high is None:
        return other is not None
    return other is not None and high > other


@SETTINGS
@given(answers=mixed_answers)
def test_it_never_raises_whatever_the_answers(answers):
    for result in evaluate(answers, RULES):
        # words are produced on demand: they must not raise either
        assert isinstance(result.computation, list)
        assert isinstance(result.failed, list)
        assert isinstance(result.amount_text, str)


@SETTINGS
@given(answers=mixed_answers)
def test_it_never_grants_more_than_the_stated_cap(answers):
    for rule, result in zip(RULES, evaluate(answers, RULES), strict=True):
        ceiling = formula_ceiling(rule.benefit)
        assert result.amount_min >= 0
        if result.amount_max is not None:
            assert result.amount_min <= result.amount_max
            if ceiling is not None:
                assert result.amount_max <= ceiling, rule.measure_id


@SETTINGS
@given(answers=answers_of_right_types, day=days)
def test_no_total_exceeds_the_largest_legal_combination(answers, day):
    results = evaluate(answers, RULES, day)
    summary = summarize(results)
    counted = [
        formula_ceiling(rule.benefit)
        for rule, result in zip(RULES, results, strict=True)
        if result.group in (ELIGIBLE, MAYBE)
    ]
    if None in counted or summary.eligible_max is None or summary.maybe_max is None:
        return  # some measure has no ceiling: nothing to bound
    assert summary.eligible_max + summary.maybe_max <= sum(counted)
    assert summary.eligible_min <= summary.eligible_max


@SETTINGS
@given(full=answers_of_right_types, data=st.data())
def test_answering_one_more_question_never_raises_an_upper_bound(full, data):
    if not full:
        return
    key = data.draw(st.sampled_from(sorted(full)))
    fewer = {k: v for k, v in full.items() if k != key}
    before, after = evaluate(fewer, RULES), evaluate(full, RULES)
    for rule, was, now in zip(RULES, before, after, strict=True):
        assert not bigger(now.amount_max, was.amount_max), (rule.measure_id, key)
    # the most the enterprise could get in all (what is certain and what is still possible)
    assert not bigger(possible(summarize(after)), possible(summarize(before)))


def possible(summary):
    if summary.eligible_max is None or summary.maybe_max is None:
        return None
    return summary.eligible_max + summary.maybe_max


def test_it_never_says_ineligible_with_no_answers():
    for result in evaluate({}, RULES):
        assert result.verdict == MAYBE


@SETTINGS
@given(full=answers_of_right_types, data=st.data())
def test_a_missing_answer_never_yields_ineligible(full, data):
    """Removing answers can make a verdict uncertain, never 不符合: every 不符合 with fewer
    answers stays 不符合 once the rest are given."""
    kept = data.draw(st.sets(st.sampled_from(sorted(full)) if full else st.nothing()))
    partial = {key: full[key] for key in kept}
    for before, after in zip(evaluate(partial, RULES), evaluate(full, RULES), strict=True):
        if before.verdict == INELIGIBLE:
            assert after.verdict == INELIGIBLE, before.measure_id
        if after.verdict != INELIGIBLE:
            assert before.verdict != INELIGIBLE

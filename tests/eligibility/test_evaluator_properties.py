"""Properties of the evaluator over every curated rule and arbitrary answers (hypothesis)."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.eligibility.evaluator import INELIGIBLE, MAYBE
from policies.eligibility.schema import formula_ceiling

from .fixturedata import encoded_rules, evaluate_on, question_entries, questions

RULES = list(encoded_rules().values())
KEYS = sorted(questions())

junk = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)


def sensible(key):
    entry = question_entries()[key]
    kind = entry["type"]
    if kind == "yes_no":
        return st.booleans()
    if kind == "choice":
        return st.sampled_from([value for value, _label in entry["choices"]])
    if kind == "count":
        return st.integers(min_value=0, max_value=int(entry.get("max_value", 10**6)))
    return st.one_of(
        st.integers(min_value=0, max_value=int(entry.get("max_value", 10**7))),
        st.decimals(min_value=0, max_value=10**7, places=2).map(float),
    )


answers_of_right_types = st.fixed_dictionaries({}, optional={k: sensible(k) for k in KEYS})
any_answers = st.dictionaries(st.sampled_from(KEYS + ["unknown", ""]), junk, max_size=12)
mixed_answers = st.one_of(answers_of_right_types, any_answers)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAY = datetime.date(2024, 6, 30)


def evaluate(answers, rules, _questions=None):
    return evaluate_on(answers, rules, DAY)


@SETTINGS
@given(answers=mixed_answers)
def test_it_never_raises_whatever_the_answers(answers):
    results = evaluate(answers, RULES, questions())
    for result in results:
        # words are produced on demand: they must not raise either
        assert isinstance(result.computation, list)
        assert isinstance(result.failed, list)
        assert isinstance(result.amount_text, str)


@SETTINGS
@given(answers=mixed_answers)
def test_it_never_grants_more_than_the_stated_cap(answers):
    for rule, result in zip(RULES, evaluate(answers, RULES, questions()), strict=True):
        ceiling = formula_ceiling(rule.benefit)
        assert result.amount_min >= 0
        if result.amount_max is not None:
            assert result.amount_min <= result.amount_max
            if ceiling is not None:
                assert result.amount_max <= ceiling, rule.measure_id


def test_it_never_says_ineligible_with_no_answers():
    for result in evaluate({}, RULES, questions()):
        assert result.verdict == MAYBE


@SETTINGS
@given(full=answers_of_right_types, data=st.data())
def test_it_never_turns_ineligible_because_an_answer_is_missing(full, data):
    """Removing answers can make a verdict uncertain, never 不符合: every 不符合 with fewer
    answers stays 不符合 once the rest are given."""
    kept = data.draw(st.sets(st.sampled_from(sorted(full)) if full else st.nothing()))
    partial = {key: full[key] for key in kept}
    partial_results = evaluate(partial, RULES, questions())
    full_results = evaluate(full, RULES, questions())
    for before, after in zip(partial_results, full_results, strict=True):
        if before.verdict == INELIGIBLE:
            assert after.verdict == INELIGIBLE, before.measure_id
        if after.verdict != INELIGIBLE:
            assert before.verdict != INELIGIBLE

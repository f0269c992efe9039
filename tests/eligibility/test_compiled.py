"""Compiled rules (``policies.eligibility.compiled``) give exactly what the interpreter gives.

* on arbitrary answers and days, over every curated rule and over the benchmark's synthetic
  rules, ``evaluate(..., compiled=True)`` and ``compiled=False`` return equal results (every
  field, the steps and failed conditions included) and the same words;
* a rule saved in the admin is compiled afresh for the next evaluation;
* a rule that does not validate is interpreted, never compiled; the cache stays bounded.

(No timing is asserted here: performance is measured by bench/eligibility_bench.py.)
"""

import dataclasses
import datetime
import importlib.util
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.eligibility import compiled, evaluator, kinds

from .fixturedata import answer_strategy, asked_keys, encoded_rules, parameters, questions, rules

BENCH = Path(__file__).resolve().parents[2] / "bench" / "eligibility_bench.py"
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_bench():
    spec = importlib.util.spec_from_file_location("eligibility_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def versioned(rule_inputs, tag):
    """The rules with a version each, as ``services.rule_input`` gives them."""
    return [dataclasses.replace(rule, version=(tag, repr(rule.measure_id))) for rule in rule_inputs]


# every curated rule (encoded and not), with a version: compiled when encoded
CURATED = versioned(rules().values(), "test_compiled.curated")
KEYS = asked_keys()

junk = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.lists(st.text(max_size=3), max_size=3),
)
curated_answers = st.one_of(
    st.fixed_dictionaries({}, optional={key: answer_strategy(key) for key in KEYS}),
    st.dictionaries(st.sampled_from(KEYS), junk, max_size=12),
)
days = st.dates(min_value=datetime.date(2022, 1, 1), max_value=datetime.date(2027, 12, 31))


def assert_same(answers, rule_inputs, infos, day, parameter_series):
    interpreted = evaluator.evaluate(
        answers, rule_inputs, infos, day, parameter_series, compiled=False
    )
    fast = evaluator.evaluate(answers, rule_inputs, infos, day, parameter_series)
    assert len(fast) == len(interpreted)
    for mine, reference in zip(fast, interpreted, strict=True):
        assert mine == reference, reference.measure_id
        assert mine.computation == reference.computation
        assert mine.failed == reference.failed
        assert mine.amount_text == reference.amount_text
    assert evaluator.summarize(fast) == evaluator.summarize(interpreted)
    return fast


def test_every_curated_rule_compiles():
    for key, rule in encoded_rules().items():
        assert compiled.compile_rule(rule.conditions, rule.benefit) is not None, key


@SETTINGS
@given(answers=curated_answers, day=days)
def test_compiled_curated_rules_give_what_the_interpreter_gives(answers, day):
    assert_same(answers, CURATED, questions(), day, parameters())


def bench_answers():
    values = {key: st.booleans() for key in bench.FLAGS}
    values |= {
        key: st.one_of(
            st.integers(min_value=0, max_value=100_000),
            st.decimals(min_value=0, max_value=100_000, places=2).map(float),
        )
        for key in bench.FIGURES
    }
    values |= {key: st.integers(min_value=0, max_value=60) for key in bench.COUNTS}
    values |= {key: st.sampled_from(options) for key, options in bench.CHOICES.items()}
    keys = list(values)
    return st.one_of(
        st.fixed_dictionaries({}, optional=values),
        st.dictionaries(st.sampled_from(keys), junk, max_size=12),
    )


@SETTINGS
@given(
    answers=bench_answers(),
    seed=st.integers(min_value=0, max_value=50),
    day=st.dates(min_value=datetime.date(2023, 1, 1), max_value=datetime.date(2026, 12, 31)),
)
def test_compiled_synthetic_rules_give_what_the_interpreter_gives(answers, seed, day):
    synthetic = bench.synthetic_rules(150, seed=seed)
    assert all(rule.version is not None for rule in synthetic)
    assert_same(answers, synthetic, bench.questions(), day, bench.PARAMETERS)


LEAF_KEYS = ["flag_a", "figure_b", "choice_c"]
scalar = st.one_of(st.integers(-5, 5), st.text(max_size=2), st.booleans())


def leaf_conditions():
    """Every leaf operator, on a few keys, with operands of any scalar type."""
    key = st.sampled_from(LEAF_KEYS)
    ordered = st.one_of(st.integers(-5, 5), st.text(max_size=2))  # what gt/ge/lt/le accept
    compares = [
        st.builds(
            lambda op, k, v: {op: [k, v]},
            st.just(op),
            key,
            scalar if op in ("eq", "ne") else ordered,
        )
        for op in kinds.COMPARISONS
    ]
    return st.one_of(
        st.builds(lambda k: {"is_true": k}, key),
        *compares,
        st.builds(lambda k, vs: {"in": [k, vs]}, key, st.lists(scalar, min_size=1, max_size=3)),
        st.builds(
            lambda k, lo, hi: {"between": [k, lo, lo + hi]},
            key,
            st.integers(-5, 5),
            st.integers(0, 5),
        ),
        st.builds(lambda k, v: {"has": [k, v]}, key, st.text(max_size=2)),
    )


conditions = st.recursive(
    leaf_conditions(),
    lambda children: st.one_of(
        st.builds(lambda c: {"all": c}, st.lists(children, max_size=3)),
        st.builds(lambda c: {"any": c}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda c: {"not": c}, children),
    ),
    max_leaves=6,
)
raw_values = st.dictionaries(
    st.sampled_from(LEAF_KEYS),
    st.one_of(
        scalar, st.none(), st.floats(allow_nan=True), st.lists(st.text(max_size=2), max_size=2)
    ),
)


@SETTINGS
@given(
    root=st.one_of(st.builds(lambda c: {"all": c}, st.lists(conditions, max_size=5)), conditions),
    values=raw_values,
)
def test_a_generated_root_condition_checks_as_the_interpreter(root, values):
    """A root ``all`` (or a root of one leaf) is generated code with its leaves inline
    (``compiled._generated_all``), any other root the kinds' compiled closures: on any values,
    even of the wrong type, it returns and appends what ``kinds.check`` does."""
    code = compiled.compile_rule(root, {"kind": "fixed", "amount": 1})
    assert code is not None, kinds.validate_condition(root)
    missing, failed, reference_missing, reference_failed = [], [], [], []
    outcome = code.check(values, missing, failed)
    reference = kinds.check(root, values, reference_missing, reference_failed)
    assert outcome is reference
    # the root may append what its caller then drops (``evaluator``): compare what it keeps
    if reference is kinds.UNKNOWN:
        assert missing == reference_missing
    if reference is False:
        assert failed == reference_failed


def test_one_function_is_generated_per_shape_of_root_condition():
    first = compiled.compile_rule(
        {"all": [{"is_true": "a"}, {"ge": ["b", 3]}]}, {"kind": "fixed", "amount": 1}
    )
    second = compiled.compile_rule(
        {"all": [{"is_true": "c"}, {"ge": ["a", 7]}]}, {"kind": "fixed", "amount": 1}
    )
    assert first.check.__code__ is second.check.__code__
    assert first.check({"a": True, "b": 3}, [], []) is True
    assert second.check({"c": True, "a": 3}, [], []) is False


def test_the_benchmark_profile_gives_the_same_results():
    synthetic = bench.synthetic_rules(2000)
    assert_same(bench.profile(), synthetic, bench.questions(), bench.AS_OF, bench.PARAMETERS)


def test_a_rule_that_does_not_validate_is_interpreted():
    odd = evaluator.RuleInput(
        measure_id="odd",
        conditions={"all": [{"no_such_operator": ["x", 1]}, {"is_true": "flag_1"}]},
        benefit={"kind": "fixed", "amount": 100},
        version=("test_compiled", "odd"),
    )
    assert compiled.compile_rule(odd.conditions, odd.benefit) is None
    assert compiled.compiled(odd) is None
    for answers in ({}, {"flag_1": True}, {"flag_1": False}):
        assert_same(answers, [odd], bench.questions(), bench.AS_OF, bench.PARAMETERS)


def test_a_rule_without_a_version_is_interpreted():
    (rule,) = bench.synthetic_rules(1)
    plain = dataclasses.replace(rule, version=None)
    assert compiled.compiled(plain) is None
    assert_same(bench.profile(), [plain, rule], bench.questions(), bench.AS_OF, bench.PARAMETERS)


def test_results_share_one_empty_list_that_nobody_can_change():
    (result,) = evaluator.evaluate(
        {"flag_1": False},
        [
            evaluator.RuleInput(
                measure_id=1,
                conditions={"all": [{"is_true": "flag_1"}]},
                benefit={"kind": "fixed", "amount": 100},
                version=("test_compiled", "empty"),
            )
        ],
        bench.questions(),
        bench.AS_OF,
    )
    assert result.verdict == evaluator.INELIGIBLE
    assert result.missing == [] and result.benefits == []
    with pytest.raises(TypeError):
        result.missing.append("x")
    assert evaluator.EMPTY == []


def test_the_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(compiled, "MAX_CACHED", 20)
    before = dict(compiled._cache)
    try:
        compiled.clear()
        synthetic = bench.synthetic_rules(100, seed=999)
        assert_same(bench.profile(), synthetic, bench.questions(), bench.AS_OF, bench.PARAMETERS)
        assert len(compiled._cache) <= 20
    finally:
        compiled.clear()
        compiled._cache.update(before)


def test_every_kind_compiles_itself():
    """One class per kind (``kinds``): each registered kind has its own ``compile``."""
    for kind in [*kinds.CONDITIONS.values(), *kinds.FORMULAS.values()]:
        assert "compile" in vars(type(kind)) or any(
            "compile" in vars(base) and base not in (kinds.Condition, kinds.Formula)
            for base in type(kind).__mro__[1:]
        ), type(kind).__name__


# ---------------------------------------------------------------------------- the database


@pytest.mark.django_db
def test_a_rule_saved_in_the_admin_is_compiled_afresh_for_the_next_check(yingkou):
    from policies.eligibility import services
    from policies.eligibility.models import EligibilityRule

    day = datetime.date(2024, 6, 30)
    rule = (
        EligibilityRule.objects.encoded()
        .filter(measure__document__city=yingkou)
        .select_related("measure")
        .first()
    )
    measure_id = rule.measure_id

    def result_of_measure():
        outcome = services.run_check(yingkou, {}, day)
        for entries in outcome.groups.values():
            for entry in entries:
                if entry.measure.pk == measure_id:
                    return entry.result
        raise AssertionError("measure not evaluated")

    before = result_of_measure()
    version = ("eligibility_rule", rule.pk, rule.updated_at)
    assert version in compiled._cache

    rule.conditions = {"all": []}
    rule.benefit = {"kind": "fixed", "amount": 123_456, "label": "改后的定额"}
    rule.save()

    after = result_of_measure()
    assert ("eligibility_rule", rule.pk, rule.updated_at) in compiled._cache
    assert rule.updated_at != version[2]
    assert after.verdict == evaluator.ELIGIBLE
    assert (after.amount_min, after.amount_max) == (123_456, 123_456)
    assert after.computation == [f"改后的定额：{evaluator.format_yuan(123_456)}"]
    assert (before.amount_min, before.amount_max) != (123_456, 123_456)


@pytest.mark.django_db
def test_a_whole_city_checks_the_same_compiled_and_interpreted(yingkou):
    from policies.eligibility import services
    from policies.eligibility.models import parameter_series

    measures = services.city_measures(yingkou)
    rule_inputs = [services.rule_input(measure) for measure in measures]
    assert any(rule.version is not None for rule in rule_inputs)
    infos = {key: question.info() for key, question in services.all_questions().items()}
    for answers in ({}, {key: True for key, info in infos.items() if info.type == "yes_no"}):
        assert_same(answers, rule_inputs, infos, datetime.date(2024, 6, 30), parameter_series())

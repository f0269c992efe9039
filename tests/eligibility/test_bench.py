"""The benchmark's synthetic rules are valid rules and it reports what `make bench` prints.

(No timing is asserted here: performance is measured by running bench/eligibility_bench.py.)
"""

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "eligibility_bench.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("eligibility_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_runs_on_valid_synthetic_rules_and_reports_a_line():
    bench = load_bench()
    result = bench.run(rules=300, repeat=1)
    assert result["rules"] == 300
    assert sum(result["groups"].values()) == 300
    assert set(result["groups"]) <= {"eligible", "maybe", "ineligible", "expired"}
    line = bench.line(result)
    assert line.startswith("eligibility: 1 profile × 300 rules: CPU median ")


def test_it_runs_a_whole_questionnaire_until_nothing_is_left_to_ask():
    bench = load_bench()
    result = bench.questionnaire(rules=300)
    assert result["steps"] >= 2 and result["questions"] >= result["steps"]
    assert bench.questionnaire_line(result, 300).startswith(
        "eligibility questionnaire: 300 rules, "
    )


def test_an_evaluation_leaves_the_collector_on_and_its_results_out_of_the_young_generation():
    """What makes one evaluation against 10,000 rules fit its CPU budget: the cyclic collector
    is off while the results are built, back on afterwards, and the results are not left in
    the young generation for the next collection to walk (they were the last 17 ms of it)."""
    import gc

    from policies.eligibility import evaluator

    bench = load_bench()
    rules, infos, answers = bench.synthetic_rules(2000), bench.questions(), bench.profile()
    evaluator.evaluate(answers, rules, infos, bench.AS_OF, bench.PARAMETERS)  # compiles
    assert gc.isenabled()
    results = evaluator.evaluate(answers, rules, infos, bench.AS_OF, bench.PARAMETERS)
    assert gc.isenabled()
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    in_oldest = sum(id(result) in oldest for result in results)
    assert in_oldest == len(results), in_oldest  # not left for young collections to walk
    assert gc.get_freeze_count() == 0  # and nothing is left frozen

    gc.disable()
    try:  # a caller that turned the collector off finds it off
        evaluator.evaluate(answers, rules, infos, bench.AS_OF, bench.PARAMETERS)
        assert not gc.isenabled()
    finally:
        gc.enable()

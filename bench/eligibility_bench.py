"""Benchmark: evaluate one enterprise profile against 10,000 synthetic eligibility rules.

Target: at most 50 ms of CPU time (wall-clock time is printed too; on a busy shared machine it
also counts the time other processes held the CPU). The evaluator is pure Python (no database), so this needs no Django
setup; the rules are generated from the formula kinds the real documents use (fixed, up_to,
percent_of with cap, tiers, stages, per_unit, rate_capped, max_of/sum_of with ``when``), each
checked by the schema validator before timing.

Each rule carries a version, as a rule read from the database does
(``services.rule_input``): it is compiled once, by the first evaluation (timed apart, "first
evaluation, compiling"), and the timed evaluations run compiled — as every request after the
first does until the rule is saved again. The interpreter (``compiled=False``, the reference
the compiled rules are tested against) is timed too, for comparison.

    .venv/bin/python bench/eligibility_bench.py          # prints one result line
    from bench.eligibility_bench import run; run()       # returns a dict (bench/run.py)
"""

import datetime
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policies import validity  # noqa: E402
from policies.eligibility import evaluator, schema  # noqa: E402

TARGET_MS = 50
SEED = 20241202

FLAGS = [f"flag_{i}" for i in range(20)]
FIGURES = [f"figure_{i}" for i in range(20)]
COUNTS = [f"count_{i}" for i in range(5)]
CHOICES = {f"choice_{i}": ["a", "b", "c", "d"] for i in range(5)}


def questions():
    infos = {}
    for key in FLAGS:
        infos[key] = evaluator.QuestionInfo(key, key, evaluator.YES_NO)
    for key in FIGURES:
        infos[key] = evaluator.QuestionInfo(key, key, evaluator.MONEY_WAN)
    for key in COUNTS:
        infos[key] = evaluator.QuestionInfo(key, key, evaluator.COUNT, unit="人")
    for key, values in CHOICES.items():
        infos[key] = evaluator.QuestionInfo(
            key, key, evaluator.CHOICE, choices={v: v for v in values}
        )
    return infos


def _condition(rng):
    kind = rng.random()
    if kind < 0.35:
        return {"is_true": rng.choice(FLAGS)}
    if kind < 0.7:
        return {"ge": [rng.choice(FIGURES), rng.randrange(1, 500) * 100_000]}
    if kind < 0.85:
        key = rng.choice(list(CHOICES))
        return {"in": [key, rng.sample(CHOICES[key], 2)]}
    return {"between": [rng.choice(COUNTS), 1, rng.randrange(2, 50)]}


def _formula(rng, depth=0):
    kind = rng.choice(
        ["fixed", "up_to", "percent_of", "tiers", "stages", "per_unit", "rate_capped", "combo"]
    )
    if kind == "combo" and depth == 0:
        return {
            "kind": rng.choice(["max_of", "sum_of"]),
            "cap": rng.choice([None, 5_000_000]),
            "parts": [
                dict(_formula(rng, 1), when=_condition(rng)) for _ in range(rng.randrange(2, 4))
            ],
        }
    if kind in ("fixed", "up_to", "combo"):
        return {"kind": "fixed", "amount": rng.randrange(1, 100) * 10_000}
    if kind == "percent_of":
        return {
            "kind": "percent_of",
            "of": rng.choice(FIGURES),
            "percent": rng.choice([0.5, 1, 3, 5, 10, 30, 50]),
            "cap": rng.randrange(1, 500) * 10_000,
        }
    if kind == "tiers":
        bounds = sorted(rng.sample(range(1, 100), 4))
        tiers = []
        for index, low in enumerate(bounds):
            tier = {"min": low * 1_000_000, "amount": (index + 1) * 100_000}
            if index + 1 < len(bounds):
                tier["max"] = bounds[index + 1] * 1_000_000
            tiers.append(tier)
        return {"kind": "tiers", "of": rng.choice(FIGURES), "tiers": tiers[::-1]}
    if kind == "stages":
        key = rng.choice(list(CHOICES))
        return {
            "kind": "stages",
            "of": key,
            "stages": [
                {"value": v, "amount": rng.randrange(1, 100) * 10_000} for v in CHOICES[key]
            ],
        }
    if kind == "per_unit":
        return {"kind": "per_unit", "of": rng.choice(COUNTS), "unit_amount": 1500, "cap": 1_000_000}
    return {
        "kind": "rate_capped",
        "of": rng.choice(FIGURES),
        "reference": "lpr_1y",
        "reference_share_percent": 70,
        "rate_cap_bp": 200,
        "cap": 2_000_000,
    }


def synthetic_rules(count, seed=SEED):
    rng = random.Random(seed)
    rules = []
    for index in range(count):
        conditions = {"all": [_condition(rng) for _ in range(rng.randrange(1, 4))]}
        benefit = _formula(rng)
        ended = rng.random() < 0.1  # a tenth of the rules ended before the 测算日期
        rules.append(
            evaluator.RuleInput(
                measure_id=index,
                version=("bench", seed, count, index),  # compiled once, as a rule row is
                conditions=conditions,
                benefit=benefit,
                period=validity.Period(
                    end=AS_OF - datetime.timedelta(days=rng.randrange(1, 900)) if ended else None,
                    kind=validity.Kind.DATED if ended else validity.Kind.OPEN,
                ),
            )
        )
    return rules


AS_OF = datetime.date(2025, 6, 30)
PARAMETERS = {
    "lpr_1y": evaluator.ParameterSeries(
        key="lpr_1y",
        name="一年期 LPR",
        values=(
            (datetime.date(2023, 8, 21), Decimal("3.45")),
            (datetime.date(2024, 7, 22), Decimal("3.35")),
            (datetime.date(2024, 10, 21), Decimal("3.10")),
            (datetime.date(2025, 5, 20), Decimal("3.00")),
        ),
    )
}


def profile(seed=SEED):
    """A well-filled profile: most questions answered, a few left open."""
    rng = random.Random(seed + 1)
    answers = {}
    for key in FLAGS:
        if rng.random() < 0.9:
            answers[key] = rng.random() < 0.6
    for key in FIGURES:
        if rng.random() < 0.8:
            answers[key] = rng.randrange(0, 100_000)  # 万元
    for key in COUNTS:
        answers[key] = rng.randrange(0, 40)
    for key, values in CHOICES.items():
        answers[key] = rng.choice(values)
    return answers


def _timed(answers, synthetic, infos, repeat, compiled=True):
    """(results, summary, wall timings, CPU timings) of ``repeat`` evaluations."""
    timings, cpu_timings = [], []
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        results = evaluator.evaluate(
            answers, synthetic, infos, AS_OF, PARAMETERS, compiled=compiled
        )
        summary = evaluator.summarize(results)
        cpu_timings.append((time.process_time() - cpu_start) * 1000)
        timings.append((time.perf_counter() - start) * 1000)
    return results, summary, timings, cpu_timings


def run(rules=10_000, repeat=9, reference=False):
    """One profile against ``rules`` synthetic rules, ``repeat`` times; with ``reference``,
    the interpreter is timed as well (``interpreted_cpu_median_ms``)."""
    infos = questions()
    synthetic = synthetic_rules(rules)
    for rule in synthetic:  # the synthetic rules are real rules: they pass the validator
        errors = schema.validate_conditions(rule.conditions) + schema.validate_benefit(rule.benefit)
        assert not errors, errors
    answers = profile()
    compiling = time.process_time()
    evaluator.evaluate(answers, synthetic, infos, AS_OF, PARAMETERS)  # compiles every rule once
    compiling = (time.process_time() - compiling) * 1000
    results, summary, timings, cpu_timings = _timed(answers, synthetic, infos, repeat)
    median = statistics.median(timings)
    cpu_median = statistics.median(cpu_timings)
    groups = {}
    for result in results:
        groups[result.group] = groups.get(result.group, 0) + 1
    outcome = {
        "name": "eligibility",
        "rules": rules,
        "median_ms": round(median, 1),
        "best_ms": round(min(timings), 1),
        "cpu_median_ms": round(cpu_median, 1),
        "cpu_best_ms": round(min(cpu_timings), 1),
        "first_cpu_ms": round(compiling, 1),
        "target_ms": TARGET_MS,
        # judged on this process's CPU time: on a shared machine, wall-clock time also
        # counts the time other processes held the CPU (both are printed)
        "ok": cpu_median <= TARGET_MS,
        "groups": groups,
        "eligible_total_max": summary.eligible_max,
    }
    if reference:
        *_, interpreted = _timed(answers, synthetic, infos, repeat, compiled=False)
        outcome["interpreted_cpu_median_ms"] = round(statistics.median(interpreted), 1)
    return outcome


def questionnaire(rules=10_000):
    """A whole questionnaire run, step by step, as ``policies.eligibility.steps`` drives it:
    the enterprise answers each step the plan asks (with ``profile()``'s answers, skipping
    what it does not know) until nothing is left. Each step re-evaluates every rule; returns
    the number of steps and questions, and the CPU time per step."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from policies.eligibility.models import Question
    from policies.eligibility.steps import Plan

    sections = [s for s in Question.SECTION_ORDER if s != Question.Section.PROFILE]
    asked = {}
    for index, (key, info) in enumerate(questions().items()):
        section = (
            Question.Section.PROFILE
            if key.startswith("choice_")
            else sections[index % len(sections)]
        )
        asked[key] = Question(
            key=key,
            label=key,
            wording=key,
            type=info.type,
            section=section,
            order=index,
            choices=[[v, v] for v in info.choices],
            statement=key if info.type == evaluator.YES_NO else "",
            unit=info.unit,
        )
    plan = Plan(questions=asked, rules=synthetic_rules(rules), as_of=AS_OF, parameters=PARAMETERS)
    truth = profile()
    answers, skipped, step_ms, asked_count = {}, [], [], 0
    while True:
        start = time.process_time()
        step = plan.next_step(answers, skipped)
        step_ms.append((time.process_time() - start) * 1000)
        if step is None:
            break
        for question in step.questions:
            asked_count += 1
            if question.key in truth:
                answers[question.key] = truth[question.key]
            else:
                skipped.append(question.key)
    return {
        "steps": len(step_ms) - 1,
        "questions": asked_count,
        "step_cpu_median_ms": round(statistics.median(step_ms), 1),
        "total_cpu_ms": round(sum(step_ms), 1),
    }


def line(result):
    verdict = "OK" if result["ok"] else "SLOW"
    groups = "，".join(f"{k} {v}" for k, v in sorted(result["groups"].items()))
    reference = (
        f"; interpreted: CPU median {result['interpreted_cpu_median_ms']} ms"
        if "interpreted_cpu_median_ms" in result
        else ""
    )
    return (
        f"eligibility: 1 profile × {result['rules']:,} rules: CPU median {result['cpu_median_ms']} ms "
        f"(best {result['cpu_best_ms']} ms; wall median {result['median_ms']} ms, best {result['best_ms']} ms; "
        f"target ≤ {result['target_ms']} ms) {verdict} [{groups}]; "
        f"first evaluation, compiling: CPU {result['first_cpu_ms']} ms{reference}"
    )


def questionnaire_line(result, rules=10_000):
    return (
        f"eligibility questionnaire: {rules:,} rules, {result['steps']} steps, "
        f"{result['questions']} questions asked; CPU per step median "
        f"{result['step_cpu_median_ms']} ms, whole run {result['total_cpu_ms']} ms"
    )


if __name__ == "__main__":
    outcome = run(reference=True)
    print(line(outcome))
    print(questionnaire_line(questionnaire()))
    sys.exit(0 if outcome["ok"] else 1)

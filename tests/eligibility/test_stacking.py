"""不重复享受: measures a clause forbids combining count once in a total — the most generous —
and the clause is data (stacking.toml, the admin), quoted from its measure."""

import shutil

import pytest

from policies.eligibility import evaluator, services
from policies.eligibility.loader import FIXTURES, FixtureError, load
from policies.eligibility.models import StackingRule
from policies.models import City, Measure

from .conftest import measure
from .fixturedata import SOURCES


def result(measure_id, low, high, group=evaluator.ELIGIBLE):
    return evaluator.Result(
        measure_id=measure_id, group=group, verdict=group, amount_min=low, amount_max=high
    )


def test_only_the_most_generous_of_exclusive_measures_counts():
    results = [result(1, 100, 100), result(2, 300, 300), result(3, 50, 80)]
    alone = evaluator.summarize(results)
    assert (alone.eligible_min, alone.eligible_max) == (450, 480)
    exclusive = evaluator.Exclusive(measure_ids=frozenset({1, 2}), clause="不重复享受")
    summary = evaluator.summarize(results, [exclusive])
    assert (summary.eligible_min, summary.eligible_max) == (350, 380)
    assert [r.measure_id for r, _ in summary.set_aside] == [1]
    assert summary.eligible_count == 3  # all three are still 符合, one just does not add up


def test_an_open_amount_is_the_most_generous():
    results = [result(1, 100, 100), result(2, 0, None)]
    exclusive = evaluator.Exclusive(measure_ids=frozenset({1, 2}), clause="就高")
    summary = evaluator.summarize(results, [exclusive])
    assert [r.measure_id for r, _ in summary.set_aside] == [1]


def write(tmp_path, text):
    directory = tmp_path / "eligibility"
    shutil.copytree(FIXTURES, directory)
    (directory / "stacking.toml").write_text(text, encoding="utf-8")
    return directory


ENTRY = """
[[exclusive]]
name = "营口商贸奖励就高"
source = "{yk}"
path = "14"
clause = "{clause}"
measures = [["{yk}", "13"], ["{yk}", "14"]]
"""


@pytest.mark.django_db
def test_it_loads_a_stacking_rule_and_applies_it_to_a_citys_total(rules, tmp_path, settings):
    yk = SOURCES["营口"]
    directory = write(tmp_path, ENTRY.format(yk=yk, clause="符合多种奖励条件的，取金额最高值"))
    load(directory=directory)
    rule = StackingRule.objects.get(name="营口商贸奖励就高")
    assert {m.path_key for m in rule.measures.all()} == {"13", "14"}
    assert rule.cited_measure == measure(yk, "14")
    settings.PORTAL_TODAY = "2024-06-30"
    groups = services.exclusive_groups(list(Measure.objects.filter(document__source=yk)))
    assert len(groups) == 1 and groups[0].clause == "符合多种奖励条件的，取金额最高值"
    answers = {
        "industry": "F",
        "industry_detail": "retail",
        "above_scale": True,
        "first_entered_stats": True,
        "online_retail": 800,
        "stats_retail": 2000,
        "monthly_retail_growth": 10,
        "monthly_retail_increment": 2500,
    }
    outcome = services.run_check(City.objects.get(slug="yingkou"), answers, settings_day(settings))
    set_aside = {result.measure_id for result, _ in outcome.summary.set_aside}
    assert set_aside and set_aside <= {measure(yk, "13").pk, measure(yk, "14").pk}


def settings_day(settings):
    import datetime

    return datetime.date.fromisoformat(settings.PORTAL_TODAY)


@pytest.mark.django_db
def test_it_refuses_a_clause_its_measure_does_not_contain(rules, tmp_path):
    yk = SOURCES["营口"]
    directory = write(tmp_path, ENTRY.format(yk=yk, clause="两项奖励不得同时享受"))
    with pytest.raises(FixtureError, match="条款原文不在第14条正文中"):
        load(directory=directory)
    assert not StackingRule.objects.exists()

"""The words of computations and failures, and the dated LPR; the golden verdict tables are
per document in ``golden/``.

Money answers are in 万元, as the enterprise types them. ``(low, high)`` is the amount
range: equal for a fixed sum, ``(0, x)`` where the clause says "最高/不超过".
"""

import datetime

import pytest

from policies.eligibility.evaluator import MAYBE

from .fixturedata import AS_OF, SOURCES, encoded_rules, evaluate_on

A24, YK, A23, SMX = SOURCES["鞍山2024"], SOURCES["营口"], SOURCES["鞍山2023"], SOURCES["三门峡"]
WR = {"industry": "F", "above_scale": True}
AC = {"industry": "H", "above_scale": True}


def evaluate(answers, rules, as_of=None):
    return evaluate_on(answers, rules, as_of or AS_OF[rules[0].measure_id[0]])


def test_it_shows_the_tier_computation_in_words():
    rule = encoded_rules()[(A23, "3.1")]
    (result,) = evaluate({**WR, "retail_increment_2023": 23000}, [rule])
    assert result.computation == [
        "2023年9—11月限上零售额增量 2.3 亿元 → 2 亿元（含）至5 亿元（不含）档 → 50 万元"
    ]


def test_it_shows_the_percentage_and_the_cap_in_words():
    rule = encoded_rules()[(A24, "10")]
    (result,) = evaluate({"insurance_investment": 200000}, [rule])
    assert result.computation == [
        "本年度新增保险资金投资额 20 亿元 × 0.5% = 1,000 万元，超过上限，按上限500 万元"
    ]


def test_it_shows_the_capped_interest_rate_in_words():
    rule = encoded_rules()[(A23, "9")]
    answers = {"industry": "A", "facility_agri_project": True, "agri_loan": 1000}
    (result,) = evaluate(answers, [rule])
    assert result.computation[0].startswith("年度贴息：按 2023年8月21日起执行的一年期 LPR 3.45%：")
    assert "min（70% × 一年期 LPR 3.45%，2%） = 2%" in result.computation[0]
    assert result.computation[0].endswith("= 20 万元")


def test_it_names_the_failed_condition():
    rule = encoded_rules()[(A23, "3.1")]
    (result,) = evaluate({**WR, "retail_increment_2023": 4999}, [rule])
    assert result.failed == [
        "要求2023年9—11月限上零售额增量达到5,000 万元，您填写的是4,999 万元，还差1 万元"
    ]


def test_it_lists_the_missing_answers_of_a_maybe():
    rule = encoded_rules()[(A23, "3.1")]
    (result,) = evaluate({"industry": "F"}, [rule])
    assert result.verdict == MAYBE
    assert result.missing == ["above_scale", "retail_increment_2023"]
    assert (result.amount_min, result.amount_max) == (0, 1_000_000)


@pytest.mark.parametrize(
    ("as_of", "cited", "amount"),
    [
        # 鞍山 2023 10（1）贷款贴息：贴息率不超过一年期 LPR; 1000万元贷款一年
        (datetime.date(2023, 8, 20), None, None),  # before the first value in the table
        (datetime.date(2023, 8, 21), "按 2023年8月21日起执行的一年期 LPR 3.45%", 345_000),
        (datetime.date(2024, 7, 21), "按 2023年8月21日起执行的一年期 LPR 3.45%", 345_000),
        (datetime.date(2024, 7, 22), "按 2024年7月22日起执行的一年期 LPR 3.35%", 335_000),
        (datetime.date(2024, 10, 21), "按 2024年10月21日起执行的一年期 LPR 3.10%", 310_000),
        (datetime.date(2025, 5, 19), "按 2024年10月21日起执行的一年期 LPR 3.10%", 310_000),
        (datetime.date(2025, 5, 20), "按 2025年5月20日起执行的一年期 LPR 3.00%", 300_000),
        (datetime.date(2026, 11, 30), "按 2025年5月20日起执行的一年期 LPR 3.00%", 300_000),
    ],
)
def test_it_uses_and_cites_the_lpr_in_force_on_the_day(as_of, cited, amount):
    rule = encoded_rules()[(A23, "10.1")]
    answers = {
        "tech_upgrade_project": True,
        "tech_upgrade_investment": 0,
        "tech_upgrade_loan": 1000,
    }
    (result,) = evaluate(answers, [rule], as_of)
    text = "；".join(result.computation)
    if cited is None:
        assert "2023年8月20日尚无一年期 LPR数据" in text
        assert result.amount_max == 10_000_000  # only the cap is known
    else:
        assert cited in text
        assert result.amount_max == amount


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("3.0000", "3.00%"), ("3.1000", "3.10%"), ("3.45", "3.45%"), ("3.125", "3.125%")],
)
def test_it_cites_a_rate_as_published_whatever_the_database_stores(stored, shown):
    from decimal import Decimal

    from policies.eligibility.kinds import published_percent

    assert published_percent(Decimal(stored)) == shown

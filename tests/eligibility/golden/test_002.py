"""Golden table of 鞍山 2023 (002), topics 1–9: profiles → verdict and amount (yuan), read by hand
from the clause each rule quotes.

Money answers are in 万元, as the enterprise types them. ``(low, high)`` is the amount
range: equal for a fixed sum, ``(0, x)`` where the clause says "最高/不超过". A row may end
with the 测算日期 it is evaluated on (default: ``fixturedata.AS_OF`` of the document).
"""

import datetime  # noqa: F401 - rows may name a 测算日期

import pytest

from policies.eligibility.evaluator import ELIGIBLE, INELIGIBLE, MAYBE  # noqa: F401

from ..fixturedata import SOURCES
from .common import AC, WR, check_row, covered_by  # noqa: F401

A23 = SOURCES["鞍山2023"]

GOLDEN = [
    # 鞍山 2023 1（2）：展会支出不高于 50%，最高 50万
    (A23, "1.2", {"organizes_expo": True, "expo_expense": 120}, ELIGIBLE, 0, 500_000),
    (A23, "1.2", {"organizes_expo": True, "expo_expense": 40}, ELIGIBLE, 0, 200_000),
    # 1（3）：美食街 100万；小吃街 5万
    (A23, "1.3", {"food_street": True, "snack_street_new": False}, ELIGIBLE, 1_000_000, 1_000_000),
    (A23, "1.3", {"food_street": True, "snack_street_new": True}, ELIGIBLE, 1_050_000, 1_050_000),
    # 2（1）：实际投入 50%，每条街区最高 30万
    (A23, "2.1", {"night_street": True, "street_expense": 40}, ELIGIBLE, 200_000, 200_000),
    (A23, "2.1", {"night_street": True, "street_expense": 100}, ELIGIBLE, 300_000, 300_000),
    # 2（2）：新增部分 1%（最高 200万）；新评定 20万；县域 10万
    (
        A23,
        "2.2",
        {"livestream_base": "provincial", "livestream_increment": 5000},
        ELIGIBLE,
        500_000,
        500_000,
    ),
    (
        A23,
        "2.2",
        {"livestream_base": "provincial_new", "livestream_increment": 30000},
        ELIGIBLE,
        2_200_000,
        2_200_000,
    ),
    (A23, "2.2", {"livestream_base": "county"}, ELIGIBLE, 100_000, 100_000),
    # 3（1）：限上零售额增量 ≥5亿 100万；2–5亿 50万；1–2亿 30万；5000万–1亿 10万
    (A23, "3.1", {**WR, "retail_increment_2023": 50000}, ELIGIBLE, 1_000_000, 1_000_000),
    (A23, "3.1", {**WR, "retail_increment_2023": 49900}, ELIGIBLE, 500_000, 500_000),
    (A23, "3.1", {**WR, "retail_increment_2023": 23000}, ELIGIBLE, 500_000, 500_000),
    (A23, "3.1", {**WR, "retail_increment_2023": 20000}, ELIGIBLE, 500_000, 500_000),
    (A23, "3.1", {**WR, "retail_increment_2023": 19999.99}, ELIGIBLE, 300_000, 300_000),
    (A23, "3.1", {**WR, "retail_increment_2023": 10000}, ELIGIBLE, 300_000, 300_000),
    (A23, "3.1", {**WR, "retail_increment_2023": 9999}, ELIGIBLE, 100_000, 100_000),
    (A23, "3.1", {**WR, "retail_increment_2023": 5000}, ELIGIBLE, 100_000, 100_000),
    (A23, "3.1", {**WR, "retail_increment_2023": 4999}, INELIGIBLE, 0, 0),
    (A23, "3.1", {**AC, "retail_increment_2023": 60000}, INELIGIBLE, 0, 0),
    # 3（2）：全国首店最高 50万、辽宁首店最高 10万，每年不超过 100万
    (A23, "3.2", {"first_stores_national": 1, "first_stores_liaoning": 2}, ELIGIBLE, 0, 700_000),
    (A23, "3.2", {"first_stores_national": 3, "first_stores_liaoning": 0}, ELIGIBLE, 0, 1_000_000),
    # 4（1）：住餐增量 ≥1000万 10万；500–1000万 5万
    (A23, "4.1", {**AC, "retail_increment_2023": 1000}, ELIGIBLE, 100_000, 100_000),
    (A23, "4.1", {**AC, "retail_increment_2023": 999}, ELIGIBLE, 50_000, 50_000),
    (A23, "4.1", {**AC, "retail_increment_2023": 500}, ELIGIBLE, 50_000, 50_000),
    (A23, "4.1", {**AC, "retail_increment_2023": 499}, INELIGIBLE, 0, 0),
    # 4（2）：餐饮全国首店最高 30万，每年不超过 50万
    (
        A23,
        "4.2",
        {"catering_first_stores_national": 2, "catering_first_stores_liaoning": 0},
        ELIGIBLE,
        0,
        500_000,
    ),
    # 8（3）：单个项目不超过 100万，单户年度不超过 200万
    (A23, "8.3", {"overseas_warehouse_projects": 1}, ELIGIBLE, 0, 1_000_000),
    (A23, "8.3", {"overseas_warehouse_projects": 3}, ELIGIBLE, 0, 2_000_000),
    # 9：贴息率 min(70% × LPR 3.45%, 2%) = 2%，年度最高 200万
    (
        A23,
        "9",
        {"industry": "A", "facility_agri_project": True, "agri_loan": 1000},
        ELIGIBLE,
        200_000,
        200_000,
    ),
    (
        A23,
        "9",
        {"industry": "A", "facility_agri_project": True, "agri_loan": 20000},
        ELIGIBLE,
        2_000_000,
        2_000_000,
    ),
    (
        A23,
        "9",
        {"industry": "P", "facility_agri_project": True, "agri_loan": 1000},
        INELIGIBLE,
        0,
        0,
    ),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[f"{c[1]}-{c[3]}-{c[5]}" for c in GOLDEN])
def test_it_gives_the_golden_verdict_and_amount(case):
    check_row(case)


def test_it_has_a_golden_row_for_every_encoded_measure():
    covered_by(GOLDEN, A23, topics=range(1, 10))

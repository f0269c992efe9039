"""Golden table of 鞍山 2023 (002), topics 10–18: profiles → verdict and amount (yuan), read by hand
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
    # 10（1）：直接补助 ≤5%；贴息 ≤ LPR；单个项目不超过 1000万
    (
        A23,
        "10.1",
        {"tech_upgrade_project": True, "tech_upgrade_investment": 1000, "tech_upgrade_loan": 2000},
        ELIGIBLE,
        0,
        690_000,
    ),
    (
        A23,
        "10.1",
        {"tech_upgrade_project": True, "tech_upgrade_investment": 100000, "tech_upgrade_loan": 0},
        ELIGIBLE,
        0,
        10_000_000,
    ),
    # 11（1）—（3）
    (A23, "11.1", {"top_company_list": True}, ELIGIBLE, 1_000_000, 1_000_000),
    (A23, "11.2", {"key_tourism_project": True}, ELIGIBLE, 0, 5_000_000),
    (A23, "11.3", {"performing_arts_investment": 10001}, ELIGIBLE, 5_000_000, 5_000_000),
    (A23, "11.3", {"performing_arts_investment": 10000}, INELIGIBLE, 0, 0),
    # 13（1）：科技投入额 ≤30%，最高 500万
    (
        A23,
        "13.1",
        {"city_sci_plan_project": True, "sci_project_input": 1000},
        ELIGIBLE,
        0,
        3_000_000,
    ),
    (
        A23,
        "13.1",
        {"city_sci_plan_project": True, "sci_project_input": 2000},
        ELIGIBLE,
        0,
        5_000_000,
    ),
    # 13（2）：投资额 10%，不超过 1000万
    (
        A23,
        "13.2",
        {"foundation_project": True, "foundation_investment": 5000},
        ELIGIBLE,
        5_000_000,
        5_000_000,
    ),
    (
        A23,
        "13.2",
        {"foundation_project": True, "foundation_investment": 20000},
        ELIGIBLE,
        10_000_000,
        10_000_000,
    ),
    # 13（3）：计划额度 25%，不超过 500万
    (
        A23,
        "13.3",
        {"applied_research_project": True, "applied_research_amount": 1000},
        ELIGIBLE,
        2_500_000,
        2_500_000,
    ),
    # 13（4）：最高 200万
    (A23, "13.4", {"tech_achievement_transfer": True}, ELIGIBLE, 0, 2_000_000),
    # 13（5）：第1—3位 20万，第4—5位 10万
    (A23, "13.5", {"tech_contract_rank": 1}, ELIGIBLE, 200_000, 200_000),
    (A23, "13.5", {"tech_contract_rank": 3}, ELIGIBLE, 200_000, 200_000),
    (A23, "13.5", {"tech_contract_rank": 4}, ELIGIBLE, 100_000, 100_000),
    (A23, "13.5", {"tech_contract_rank": 5}, ELIGIBLE, 100_000, 100_000),
    (A23, "13.5", {"tech_contract_rank": 6}, INELIGIBLE, 0, 0),
    # 13（6）、13（7）
    (A23, "13.6", {"new_contract_registry": True}, ELIGIBLE, 100_000, 100_000),
    (A23, "13.7", {"tech_transfer_agency": "national"}, ELIGIBLE, 500_000, 500_000),
    (A23, "13.7", {"tech_transfer_agency": "provincial"}, ELIGIBLE, 200_000, 200_000),
    # 18（2）：中小微 60%，大型 30%
    (
        A23,
        "18.2",
        {
            "industry": "C",
            "employees": 50,
            "revenue_last_year": 1000,
            "unemployment_insurance_paid": 10,
        },
        ELIGIBLE,
        60_000,
        60_000,
    ),
    (
        A23,
        "18.2",
        {
            "industry": "C",
            "employees": 2000,
            "revenue_last_year": 50000,
            "unemployment_insurance_paid": 100,
        },
        ELIGIBLE,
        300_000,
        300_000,
    ),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[f"{c[1]}-{c[3]}-{c[5]}" for c in GOLDEN])
def test_it_gives_the_golden_verdict_and_amount(case):
    check_row(case)


def test_it_has_a_golden_row_for_every_encoded_measure():
    covered_by(GOLDEN, A23, topics=range(10, 19))

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

TECH = {"activities": ["tech_upgrade"]}
RND = {"activities": ["rnd"]}
TT = {"activities": ["tech_transfer"]}
LARGE_R = {"industry": "R", "employees": 800, "revenue_last_year": 200000}
SMALL_TECH = {
    "industry": "C",
    "employees": 30,
    "revenue_last_year": 1500,
    "identity": ["tech_sme"],
    "activities": ["financing"],
}

GOLDEN = [
    # 10（1）：直接补助 ≤5%；贴息 ≤ LPR；单个项目不超过 1000万（择一）
    (
        A23,
        "10.1",
        {
            **TECH,
            "tech_upgrade_project": True,
            "tech_upgrade_investment": 1000,
            "tech_upgrade_loan": 2000,
        },
        ELIGIBLE,
        0,
        690_000,  # max(1000万 × 5% = 50万, 2000万 × LPR 3.45% = 69万)
    ),
    (
        A23,
        "10.1",
        {
            **TECH,
            "tech_upgrade_project": True,
            "tech_upgrade_investment": 100000,
            "tech_upgrade_loan": 0,
        },
        ELIGIBLE,
        0,
        10_000_000,
    ),
    (
        A23,
        "10.1",
        {"activities": ["rnd"], "tech_upgrade_project": True, "tech_upgrade_investment": 1000},
        INELIGIBLE,
        0,
        0,
    ),
    # 10（2）：“四项改造”奖补，标准见管理办法（无金额）
    (A23, "10.2", {"industry": "C", **TECH}, ELIGIBLE, 0, 0),
    (
        A23,
        "10.2",
        {"industry": "R", "identity": ["green_manufacturing"], "activities": []},
        ELIGIBLE,
        0,
        0,
    ),
    (A23, "10.2", {"industry": "F", "identity": [], **TECH}, INELIGIBLE, 0, 0),
    # 11（1）—（3）
    (A23, "11.1", {**LARGE_R, "top_company_list": True}, ELIGIBLE, 1_000_000, 1_000_000),
    (A23, "11.1", {**LARGE_R, "top_company_list": False}, INELIGIBLE, 0, 0),
    (A23, "11.1", {"industry": "C", "top_company_list": True}, INELIGIBLE, 0, 0),
    (
        A23,
        "11.2",
        {"activities": ["investment_project"], "key_tourism_project": True},
        ELIGIBLE,
        0,
        5_000_000,
    ),
    (A23, "11.2", {"activities": [], "key_tourism_project": True}, INELIGIBLE, 0, 0),
    (
        A23,
        "11.3",
        {"industry": "R", "performing_arts_investment": 10001},
        ELIGIBLE,
        5_000_000,
        5_000_000,
    ),
    (A23, "11.3", {"industry": "R", "performing_arts_investment": 10000}, INELIGIBLE, 0, 0),
    (A23, "11.3", {"industry": "F", "performing_arts_investment": 20000}, INELIGIBLE, 0, 0),
    # 12：绿色电力、氢能专项资金、省级园区红线外电网（均无金额）
    (
        A23,
        "12",
        {"activities": ["investment_project"], "as23b_energy_project": "new_energy"},
        ELIGIBLE,
        0,
        0,
    ),
    (
        A23,
        "12",
        {
            "activities": ["investment_project"],
            "as23b_energy_project": "none",
            "as23b_provincial_park": True,
        },
        ELIGIBLE,
        0,
        0,
    ),
    (
        A23,
        "12",
        {
            "activities": ["investment_project"],
            "as23b_energy_project": "none",
            "as23b_provincial_park": False,
        },
        INELIGIBLE,
        0,
        0,
    ),
    (A23, "12", {"activities": ["ecommerce"]}, INELIGIBLE, 0, 0),
    # 13（1）：市级计划 ≤ 科技投入额 30%，最高 500万；省级联合体、揭榜挂帅只写“不低于”
    (
        A23,
        "13.1",
        {**RND, "city_sci_plan_project": True, "sci_project_input": 1000, "as23b_sci_tackling": []},
        ELIGIBLE,
        0,
        3_000_000,
    ),
    (
        A23,
        "13.1",
        {**RND, "city_sci_plan_project": True, "sci_project_input": 2000},
        ELIGIBLE,
        0,
        5_000_000,
    ),
    (
        A23,
        "13.1",
        {**RND, "city_sci_plan_project": False, "as23b_sci_tackling": ["jiebang"]},
        ELIGIBLE,
        0,
        0,
    ),
    (
        A23,
        "13.1",
        {**RND, "city_sci_plan_project": False, "as23b_sci_tackling": []},
        INELIGIBLE,
        0,
        0,
    ),
    (
        A23,
        "13.1",
        {"activities": [], "city_sci_plan_project": True, "sci_project_input": 1000},
        INELIGIBLE,
        0,
        0,
    ),
    # 13（2）：投资额 10%，不超过 1000万
    (
        A23,
        "13.2",
        {**RND, "foundation_project": True, "foundation_investment": 5000},
        ELIGIBLE,
        5_000_000,
        5_000_000,
    ),
    (
        A23,
        "13.2",
        {**RND, "foundation_project": True, "foundation_investment": 20000},
        ELIGIBLE,
        10_000_000,
        10_000_000,
    ),
    (A23, "13.2", {**RND, "foundation_project": False}, INELIGIBLE, 0, 0),
    # 13（3）：计划额度 25%，不超过 500万
    (
        A23,
        "13.3",
        {**RND, "applied_research_project": True, "applied_research_amount": 1000},
        ELIGIBLE,
        2_500_000,
        2_500_000,
    ),
    (
        A23,
        "13.3",
        {**RND, "applied_research_project": True, "applied_research_amount": 3000},
        ELIGIBLE,
        5_000_000,
        5_000_000,
    ),
    (
        A23,
        "13.3",
        {"activities": ["tech_upgrade"], "applied_research_project": True},
        INELIGIBLE,
        0,
        0,
    ),
    # 13（4）：最高 200万
    (A23, "13.4", {**TT, "tech_achievement_transfer": True}, ELIGIBLE, 0, 2_000_000),
    (A23, "13.4", {**TT, "tech_achievement_transfer": False}, INELIGIBLE, 0, 0),
    # 13（5）：第1—3位 20万，第4—5位 10万
    (A23, "13.5", {**TT, "tech_contract_rank": 1}, ELIGIBLE, 200_000, 200_000),
    (A23, "13.5", {**TT, "tech_contract_rank": 3}, ELIGIBLE, 200_000, 200_000),
    (A23, "13.5", {**TT, "tech_contract_rank": 4}, ELIGIBLE, 100_000, 100_000),
    (A23, "13.5", {**TT, "tech_contract_rank": 5}, ELIGIBLE, 100_000, 100_000),
    (A23, "13.5", {**TT, "tech_contract_rank": 6}, INELIGIBLE, 0, 0),
    (A23, "13.5", {"activities": [], "tech_contract_rank": 1}, INELIGIBLE, 0, 0),
    # 13（6）、13（7）
    (
        A23,
        "13.6",
        {"industry": "M", "new_contract_registry": True},
        ELIGIBLE,
        100_000,
        100_000,
    ),
    (
        A23,
        "13.6",
        {"industry": "F", "activities": [], "new_contract_registry": True},
        INELIGIBLE,
        0,
        0,
    ),
    (
        A23,
        "13.7",
        {"industry": "M", "tech_transfer_agency": "national"},
        ELIGIBLE,
        500_000,
        500_000,
    ),
    (
        A23,
        "13.7",
        {"industry": "C", **TT, "tech_transfer_agency": "provincial"},
        ELIGIBLE,
        200_000,
        200_000,
    ),
    (A23, "13.7", {"industry": "M", "tech_transfer_agency": "none"}, INELIGIBLE, 0, 0),
    # 15（1）：小微科技企业，再贷款再贴现额度内支持（无金额）
    (A23, "15.1", SMALL_TECH, ELIGIBLE, 0, 0),
    (A23, "15.1", {**SMALL_TECH, "identity": ["private"]}, INELIGIBLE, 0, 0),
    (
        A23,
        "15.1",
        {**SMALL_TECH, "employees": 2000, "revenue_last_year": 500000},
        INELIGIBLE,
        0,
        0,
    ),
    # 15（2）：绿色金融项目库、碳排放权质押贷款（无金额）
    (
        A23,
        "15.2",
        {"activities": ["financing"], "as23b_green_finance": ["carbon"]},
        ELIGIBLE,
        0,
        0,
    ),
    (
        A23,
        "15.2",
        {"activities": ["financing"], "as23b_green_finance": []},
        INELIGIBLE,
        0,
        0,
    ),
    # 16（1）：首次纳统，所得税地方贡献增量按比例奖励（比例由县区定，无金额）
    (A23, "16.1", {"above_scale": True, "first_entered_stats": True}, ELIGIBLE, 0, 0),
    (A23, "16.1", {"above_scale": False, "first_entered_stats": True}, INELIGIBLE, 0, 0),
    (A23, "16.1", {"above_scale": True, "first_entered_stats": False}, INELIGIBLE, 0, 0),
    # 16（2）：工业大企业培育（无金额）
    (A23, "16.2", {"industry": "C", "as23b_big_industry_prospect": True}, ELIGIBLE, 0, 0),
    (A23, "16.2", {"industry": "F", "as23b_big_industry_prospect": True}, INELIGIBLE, 0, 0),
    # 16（3）：民间资本项目推介、盘活存量资产（无金额）
    (
        A23,
        "16.3",
        {"identity": ["private"], "activities": ["investment_project"]},
        ELIGIBLE,
        0,
        0,
    ),
    (
        A23,
        "16.3",
        {"identity": ["state_owned"], "activities": ["land"], "as23b_idle_assets": True},
        ELIGIBLE,
        0,
        0,
    ),
    (
        A23,
        "16.3",
        {"identity": ["state_owned"], "activities": ["land"], "as23b_idle_assets": False},
        INELIGIBLE,
        0,
        0,
    ),
    # 16（4）：清理拖欠中小企业账款（无金额）
    (
        A23,
        "16.4",
        {"industry": "C", "employees": 50, "revenue_last_year": 1000, "activities": ["arrears"]},
        ELIGIBLE,
        0,
        0,
    ),
    (
        A23,
        "16.4",
        {"industry": "C", "employees": 50, "revenue_last_year": 1000, "activities": []},
        INELIGIBLE,
        0,
        0,
    ),
    (
        A23,
        "16.4",
        {
            "industry": "C",
            "employees": 2000,
            "revenue_last_year": 50000,
            "activities": ["arrears"],
        },
        INELIGIBLE,
        0,
        0,
    ),
    # 18（1）、18（3）：就业政策服务、招聘服务（无金额）
    (A23, "18.1", {"activities": ["skills"]}, ELIGIBLE, 0, 0),
    (A23, "18.1", {"activities": ["financing"]}, INELIGIBLE, 0, 0),
    (A23, "18.3", {"activities": ["hiring"]}, ELIGIBLE, 0, 0),
    (A23, "18.3", {"activities": ["skills"]}, INELIGIBLE, 0, 0),
    # 18（2）：中小微 60%，大型 30%（择一，按推算的企业规模）
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
    (
        A23,
        "18.2",
        {
            "industry": "C",
            "employees": 50,
            "revenue_last_year": 1000,
            "unemployment_insurance_paid": 0,
        },
        INELIGIBLE,
        0,
        0,
    ),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[f"{c[1]}-{c[3]}-{c[5]}" for c in GOLDEN])
def test_it_gives_the_golden_verdict_and_amount(case):
    check_row(case)


def test_it_has_a_golden_row_for_every_encoded_measure():
    covered_by(GOLDEN, A23, topics=range(10, 19))

"""Golden table of 鞍山 2024 (000): profiles → verdict and amount (yuan), read by hand
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

A24 = SOURCES["鞍山2024"]

# The end-to-end persona: a small private high-tech manufacturer with R&D, loans and hiring.
MFG = {
    "industry": "C",
    "employees": 120,
    "revenue_last_year": 15000,
    "above_scale": True,
    "identity": ["private", "high_tech"],
    "activities": ["rnd", "financing", "tech_upgrade", "hiring"],
}

GOLDEN = [
    # 第1条：“揭榜挂帅”协同攻关（产业领域、有研发）
    (A24, "1", {"industry": "C", "activities": ["rnd"]}, ELIGIBLE, 0, 0),
    (A24, "1", MFG, ELIGIBLE, 0, 0),
    (A24, "1", {"industry": "F", "activities": ["rnd"]}, INELIGIBLE, 0, 0),
    (A24, "1", {"industry": "C", "activities": ["financing"]}, INELIGIBLE, 0, 0),
    # 第2条：重点产业集群的产业链配套项目，协助争取补助
    (
        A24,
        "2",
        {"industry": "C", "activities": ["investment_project"], "as24_chain_project": True},
        ELIGIBLE,
        0,
        0,
    ),
    (
        A24,
        "2",
        {"industry": "C", "activities": ["investment_project"], "as24_chain_project": False},
        INELIGIBLE,
        0,
        0,
    ),
    (A24, "2", {"industry": "H", "activities": ["investment_project"]}, INELIGIBLE, 0, 0),
    (A24, "2", MFG, INELIGIBLE, 0, 0),
    # 第3条：国有闲置厂房租金减免、自有土地改扩建不增收土地价款、闲置土地处置终止、REITs
    (
        A24,
        "3",
        {
            "industry": "C",
            "activities": ["land"],
            "as24_asset_revitalization": ["rebuild_own_land"],
        },
        ELIGIBLE,
        0,
        0,
    ),
    (
        A24,
        "3",
        {
            "industry": "F",
            "activities": ["land"],
            "as24_asset_revitalization": ["rent_state_plant", "idle_land"],
        },
        ELIGIBLE,
        0,
        0,
    ),
    (
        A24,
        "3",
        {
            "industry": "G",
            "activities": ["investment_project"],
            "as24_asset_revitalization": ["reits"],
        },
        ELIGIBLE,
        0,
        0,
    ),
    # 改扩建厂房只面向工业企业
    (
        A24,
        "3",
        {
            "industry": "F",
            "activities": ["land"],
            "as24_asset_revitalization": ["rebuild_own_land"],
        },
        INELIGIBLE,
        0,
        0,
    ),
    (
        A24,
        "3",
        {"industry": "C", "activities": ["land"], "as24_asset_revitalization": []},
        INELIGIBLE,
        0,
        0,
    ),
    (A24, "3", MFG, INELIGIBLE, 0, 0),
    # 第4条：主办促消费活动、申办体育赛事，协助争取省奖励和办赛经费
    (A24, "4", {"activities": ["events"], "organizes_expo": True}, ELIGIBLE, 0, 0),
    (
        A24,
        "4",
        {"activities": ["events"], "organizes_expo": False, "as24_sports_event": True},
        ELIGIBLE,
        0,
        0,
    ),
    (
        A24,
        "4",
        {"activities": ["events"], "organizes_expo": False, "as24_sports_event": False},
        INELIGIBLE,
        0,
        0,
    ),
    (A24, "4", MFG, INELIGIBLE, 0, 0),
    # 第5条：境内外展销会；对外投资协调争取省奖补
    (A24, "5", {"activities": ["import_export"]}, ELIGIBLE, 0, 0),
    (A24, "5", {"activities": ["overseas_investment"]}, ELIGIBLE, 0, 0),
    (A24, "5", MFG, INELIGIBLE, 0, 0),
    # 第6条：重点业务成功派出人员的外派劳务企业
    (
        A24,
        "6",
        {"activities": ["labor_dispatch_abroad"], "as24_labor_key_business": True},
        ELIGIBLE,
        0,
        0,
    ),
    (
        A24,
        "6",
        {"activities": ["labor_dispatch_abroad"], "as24_labor_key_business": False},
        INELIGIBLE,
        0,
        0,
    ),
    (A24, "6", MFG, INELIGIBLE, 0, 0),
    # 第7条：国家级/省级众创空间、孵化器 50万/20万（分别给予，择一）；科技企业“创新积分制”
    (
        A24,
        "7",
        {"identity": ["incubator_operator"], "activities": [], "incubator_level": "national"},
        ELIGIBLE,
        500_000,
        500_000,
    ),
    (
        A24,
        "7",
        {"identity": ["incubator_operator"], "activities": [], "incubator_level": "provincial"},
        ELIGIBLE,
        200_000,
        200_000,
    ),
    (
        A24,
        "7",
        {"identity": ["incubator_operator"], "activities": [], "incubator_level": "none"},
        INELIGIBLE,
        0,
        0,
    ),
    (
        A24,
        "7",
        {
            "identity": ["incubator_operator", "tech_sme"],
            "activities": ["financing"],
            "incubator_level": "provincial",
        },
        ELIGIBLE,
        200_000,
        200_000,
    ),
    (A24, "7", MFG, ELIGIBLE, 0, 0),
    (A24, "7", {"identity": ["private"], "activities": ["financing"]}, INELIGIBLE, 0, 0),
    # 第8条：再担保费率上限（合作担保机构）；科技创新类中小企业担保费率降至1%以下
    (A24, "8", MFG, ELIGIBLE, 0, 0),
    (
        A24,
        "8",
        {
            "industry": "J",
            "identity": ["financial_institution"],
            "activities": [],
            "as24_reguarantee_partner": True,
        },
        ELIGIBLE,
        0,
        0,
    ),
    (
        A24,
        "8",
        {
            "industry": "J",
            "identity": ["financial_institution"],
            "activities": [],
            "as24_reguarantee_partner": False,
        },
        INELIGIBLE,
        0,
        0,
    ),
    # 大型企业、非科技企业不适用
    (
        A24,
        "8",
        {**MFG, "employees": 2000, "revenue_last_year": 500000},
        INELIGIBLE,
        0,
        0,
    ),
    (A24, "8", {**MFG, "identity": ["private"]}, INELIGIBLE, 0, 0),
    # 第9条：再贴现（重点产业链企业）；应收账款融资
    (A24, "9", {"activities": ["financing"], "as24_key_chain_bills": True}, ELIGIBLE, 0, 0),
    (A24, "9", MFG, ELIGIBLE, 0, 0),
    (A24, "9", {"activities": ["hiring"]}, INELIGIBLE, 0, 0),
    # 第10条：新增保险资金投资额 0.5%，最高 500万
    (
        A24,
        "10",
        {"activities": ["equity"], "insurance_investment": 20000},
        ELIGIBLE,
        1_000_000,
        1_000_000,
    ),
    (
        A24,
        "10",
        {"activities": ["equity"], "insurance_investment": 200000},
        ELIGIBLE,
        5_000_000,
        5_000_000,
    ),
    (A24, "10", {"activities": ["equity"], "insurance_investment": 0}, INELIGIBLE, 0, 0),
    (A24, "10", MFG, INELIGIBLE, 0, 0),
    # 第11条：创业投资机构协助争取省激励资金
    (A24, "11", {"identity": ["venture_capital"]}, ELIGIBLE, 0, 0),
    (A24, "11", MFG, INELIGIBLE, 0, 0),
    # 第12条：股权投资机构对接外部资源；组织参加创新创业大赛
    (A24, "12", {"identity": ["venture_capital"], "activities": []}, ELIGIBLE, 0, 0),
    (A24, "12", {"identity": [], "activities": ["equity"]}, ELIGIBLE, 0, 0),
    (A24, "12", MFG, INELIGIBLE, 0, 0),
    # 第13条：创业投资需求对接
    (A24, "13", {"activities": ["equity"]}, ELIGIBLE, 0, 0),
    (A24, "13", MFG, INELIGIBLE, 0, 0),
    # 第14条：阶段性降低失业保险费率；扩岗补助每人 1500元
    (
        A24,
        "14",
        {"employees": 20, "activities": ["hiring"], "graduates_hired": 12},
        ELIGIBLE,
        18_000,
        18_000,
    ),
    (
        A24,
        "14",
        {"employees": 5, "activities": ["hiring"], "graduates_hired": 1},
        ELIGIBLE,
        1_500,
        1_500,
    ),
    (A24, "14", {"employees": 30, "activities": []}, ELIGIBLE, 0, 0),
    (
        A24,
        "14",
        {"employees": 0, "activities": ["hiring"], "graduates_hired": 0},
        INELIGIBLE,
        0,
        0,
    ),
    # 第15条：灾后重建项目绿色审批通道
    (
        A24,
        "15",
        {"activities": ["investment_project"], "as24_disaster_rebuild": True},
        ELIGIBLE,
        0,
        0,
    ),
    (
        A24,
        "15",
        {"activities": ["investment_project"], "as24_disaster_rebuild": False},
        INELIGIBLE,
        0,
        0,
    ),
    (A24, "15", MFG, INELIGIBLE, 0, 0),
    # 第16条：信用修复两书同达、网上办理
    (A24, "16", {"activities": ["credit_repair"]}, ELIGIBLE, 0, 0),
    (A24, "16", MFG, INELIGIBLE, 0, 0),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[f"{c[1]}-{c[3]}-{c[5]}" for c in GOLDEN])
def test_it_gives_the_golden_verdict_and_amount(case):
    check_row(case)


def test_it_has_a_golden_row_for_every_encoded_measure():
    covered_by(GOLDEN, A24)

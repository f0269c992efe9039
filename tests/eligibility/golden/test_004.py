"""Golden table of 三门峡 (004): profiles → verdict and amount (yuan), read by hand
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

SMX = SOURCES["三门峡"]

# A small manufacturer outside the statistics, with R&D and a loan need.
MFG = {
    "industry": "C",
    "employees": 50,
    "revenue_last_year": 1500,
    "above_scale": False,
    "identity": ["private"],
    "activities": ["rnd", "financing", "tech_upgrade"],
}
# A shop with no employees, no loans and nothing ticked.
SHOP = {"industry": "F", "employees": 0, "identity": [], "activities": []}

GOLDEN = [
    # 三门峡（一）：上年度技术合同成交额最高 10%，不超过 100万；银企对接、用工对接
    (
        SMX,
        "1",
        {
            "activities": ["tech_transfer"],
            "bought_out_of_province_tech": True,
            "tech_contract_turnover": 500,
        },
        ELIGIBLE,
        0,
        500_000,
    ),
    (
        SMX,
        "1",
        {
            "activities": ["tech_transfer"],
            "bought_out_of_province_tech": True,
            "tech_contract_turnover": 2000,
        },
        ELIGIBLE,
        0,
        1_000_000,
    ),
    (
        SMX,
        "1",
        {"activities": ["tech_transfer"], "bought_out_of_province_tech": False},
        INELIGIBLE,
        0,
        0,
    ),
    (SMX, "1", {"activities": ["hiring"]}, ELIGIBLE, 0, 0),
    (SMX, "1", MFG, ELIGIBLE, 0, 0),
    (SMX, "1", SHOP, INELIGIBLE, 0, 0),
    # 三门峡（二）：境内上市分阶段 500万、新三板 80万、中原股权交易中心 20万（按所处阶段择一）；
    # 小升规、专精特新、高企、上市培育
    (
        SMX,
        "2",
        {
            "industry": "F",
            "identity": ["listed"],
            "activities": [],
            "smx_capital_market": "ipo_listed",
        },
        ELIGIBLE,
        0,
        5_000_000,
    ),
    (
        SMX,
        "2",
        {"industry": "F", "identity": [], "activities": ["equity"], "smx_capital_market": "neeq"},
        ELIGIBLE,
        800_000,
        800_000,
    ),
    (
        SMX,
        "2",
        {
            "industry": "F",
            "identity": ["listed"],
            "activities": [],
            "smx_capital_market": "regional",
        },
        ELIGIBLE,
        200_000,
        200_000,
    ),
    (
        SMX,
        "2",
        {"industry": "F", "identity": [], "activities": ["equity"], "smx_capital_market": "none"},
        ELIGIBLE,
        0,
        0,
    ),
    (
        SMX,
        "2",
        {"industry": "F", "identity": ["listed"], "activities": [], "smx_capital_market": "none"},
        INELIGIBLE,
        0,
        0,
    ),
    # 小微工业企业（培育库）、首次小升规
    (SMX, "2", {**MFG, "activities": []}, ELIGIBLE, 0, 0),
    (
        SMX,
        "2",
        {
            "industry": "C",
            "employees": 2000,
            "revenue_last_year": 500000,
            "above_scale": True,
            "first_entered_stats": True,
            "identity": [],
            "activities": [],
        },
        ELIGIBLE,
        0,
        0,
    ),
    (
        SMX,
        "2",
        {
            "industry": "C",
            "employees": 2000,
            "revenue_last_year": 500000,
            "above_scale": True,
            "first_entered_stats": False,
            "identity": [],
            "activities": [],
        },
        INELIGIBLE,
        0,
        0,
    ),
    # 高企培育：有研发、尚非高新技术企业
    (SMX, "2", {"industry": "F", "identity": [], "activities": ["rnd"]}, ELIGIBLE, 0, 0),
    (
        SMX,
        "2",
        {"industry": "F", "identity": ["high_tech"], "activities": ["rnd"]},
        INELIGIBLE,
        0,
        0,
    ),
    (SMX, "2", SHOP, INELIGIBLE, 0, 0),
    # 三门峡（三）：降低失业、工伤保险费率；留抵退税；税费延缓；设备器具税前扣除；金融帮扶
    (SMX, "3", MFG, ELIGIBLE, 0, 0),
    (
        SMX,
        "3",
        {"industry": "F", "employees": 10, "identity": [], "activities": []},
        ELIGIBLE,
        0,
        0,
    ),
    # 有职工即适用降费率，无职工的一般为微型企业（留抵退税）：不符合的只有无职工的大中型企业
    (
        SMX,
        "3",
        {
            **SHOP,
            "industry": "K",
            "industry_detail": "real_estate_development",
            "revenue_last_year": 500000,
            "total_assets": 2000000,
        },
        INELIGIBLE,
        0,
        0,
    ),
    # 三门峡（五）：重大工业项目白名单、领导分包
    (
        SMX,
        "5",
        {"industry": "C", "activities": ["investment_project"], "smx_key_project": True},
        ELIGIBLE,
        0,
        0,
    ),
    (
        SMX,
        "5",
        {"industry": "C", "activities": ["investment_project"], "smx_key_project": False},
        INELIGIBLE,
        0,
        0,
    ),
    (SMX, "5", {"industry": "F", "activities": ["investment_project"]}, INELIGIBLE, 0, 0),
    # 三门峡（六）：“三大改造”奖补快速落地、绿色工厂
    (SMX, "6", MFG, ELIGIBLE, 0, 0),
    (SMX, "6", {"industry": "C", "activities": ["energy_environment"]}, ELIGIBLE, 0, 0),
    (SMX, "6", {"industry": "F", "activities": ["tech_upgrade"]}, INELIGIBLE, 0, 0),
    (SMX, "6", {"industry": "C", "activities": ["financing"]}, INELIGIBLE, 0, 0),
    # 三门峡（九）：“标准地+承诺制”；重大项目主办银行、白名单
    (SMX, "9", {"industry": "C", "activities": ["land"]}, ELIGIBLE, 0, 0),
    (
        SMX,
        "9",
        {
            "industry": "C",
            "activities": ["financing", "investment_project"],
            "smx_key_project": True,
        },
        ELIGIBLE,
        0,
        0,
    ),
    (SMX, "9", MFG, INELIGIBLE, 0, 0),
    (SMX, "9", {"industry": "F", "activities": ["land"]}, INELIGIBLE, 0, 0),
    # 三门峡（十）：规上工业企业牵头建立创新联合体
    (SMX, "10", {"industry": "C", "above_scale": True, "activities": ["rnd"]}, ELIGIBLE, 0, 0),
    (SMX, "10", MFG, INELIGIBLE, 0, 0),
    # 三门峡（十一）：申报市级创新平台；产业研究院、中试基地
    (SMX, "11", MFG, ELIGIBLE, 0, 0),
    (SMX, "11", {"industry": "M", "activities": ["rnd"]}, ELIGIBLE, 0, 0),
    (SMX, "11", {"industry": "F", "activities": ["rnd"]}, INELIGIBLE, 0, 0),
    # 三门峡（十二）：信息产业、铜箔、生物医药、储能
    (SMX, "12", {"industry": "C", "smx_growth_industry": "biomedicine"}, ELIGIBLE, 0, 0),
    (SMX, "12", {"industry": "I", "smx_growth_industry": "electronics"}, ELIGIBLE, 0, 0),
    (SMX, "12", {"industry": "C", "smx_growth_industry": "none"}, INELIGIBLE, 0, 0),
    (SMX, "12", {"industry": "F"}, INELIGIBLE, 0, 0),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[f"{c[1]}-{c[3]}-{c[5]}" for c in GOLDEN])
def test_it_gives_the_golden_verdict_and_amount(case):
    check_row(case)


def test_it_has_a_golden_row_for_every_encoded_measure():
    covered_by(GOLDEN, SMX)

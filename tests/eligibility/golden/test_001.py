"""Golden table of 营口 (001): profiles → verdict and amount (yuan), read by hand
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

YK = SOURCES["营口"]

GOLDEN = [
    # 营口 2：2024年新评定省级夜经济示范街区 30万
    (YK, "2", {"night_street": True}, ELIGIBLE, 300_000, 300_000),
    (YK, "2", {"night_street": False}, INELIGIBLE, 0, 0),
    # 营口 3：专区 5万；推介会费用累计不超过 2万
    (YK, "3", {"special_zone": True, "attended_fairs": False}, ELIGIBLE, 50_000, 50_000),
    (
        YK,
        "3",
        {"special_zone": True, "attended_fairs": True, "fair_costs": 3},
        ELIGIBLE,
        70_000,
        70_000,
    ),
    (
        YK,
        "3",
        {"special_zone": False, "attended_fairs": True, "fair_costs": 1.2},
        ELIGIBLE,
        12_000,
        12_000,
    ),
    (YK, "3", {"special_zone": False, "attended_fairs": False}, INELIGIBLE, 0, 0),
    # 营口 4：设施设备投资不超过 50%，单个项目最高 500万
    (
        YK,
        "4",
        {"county_commerce_project": True, "county_commerce_investment": 300},
        ELIGIBLE,
        0,
        1_500_000,
    ),
    (
        YK,
        "4",
        {"county_commerce_project": True, "county_commerce_investment": 2000},
        ELIGIBLE,
        0,
        5_000_000,
    ),
    # 营口 5：省级滑雪旅游度假地 100万
    (YK, "5", {"ski_resort_new": True}, ELIGIBLE, 1_000_000, 1_000_000),
    # 营口 9：转口 ≤50% 上限 400万；保税 ≤50% 上限 200万
    (
        YK,
        "9",
        {
            "in_customs_zone": True,
            "entrepot_fees": 1000,
            "bonded_trade_fees": 0,
            "bonded_repair_relocation_cost": 0,
        },
        ELIGIBLE,
        0,
        4_000_000,
    ),
    (
        YK,
        "9",
        {
            "in_customs_zone": True,
            "entrepot_fees": 1000,
            "bonded_trade_fees": 1000,
            "bonded_repair_relocation_cost": 300,
        },
        ELIGIBLE,
        0,
        7_500_000,
    ),
    # an unanswered figure without a cap leaves the maximum open
    (YK, "9", {"in_customs_zone": True, "entrepot_fees": 1000}, ELIGIBLE, 0, None),
    (
        YK,
        "9",
        {
            "in_customs_zone": True,
            "entrepot_fees": 0,
            "bonded_trade_fees": 100,
            "bonded_repair_relocation_cost": 0,
        },
        ELIGIBLE,
        0,
        500_000,
    ),
    (YK, "9", {"in_customs_zone": False, "entrepot_fees": 1000}, INELIGIBLE, 0, 0),
    # 营口 10：出口信用保险保费支持，单户最高 300万
    (YK, "10", {"export_insurance_premium": 50}, ELIGIBLE, 0, 500_000),
    (YK, "10", {"export_insurance_premium": 1000}, ELIGIBLE, 0, 3_000_000),
    # 营口 13：纳统零售额 3%（每年不超过 100万）+ 当年注册 ≤10万 + 次年增速超全省 ≤10万
    (
        YK,
        "13",
        {
            **WR,
            "first_entered_stats": True,
            "online_retail": 800,
            "stats_retail": 2000,
            "registered_on": "2024-03-01",
            "beats_province_growth": True,
        },
        ELIGIBLE,
        600_000,
        700_000,  # in 2024: 3% of 2000万 and the 当年注册 award; the 次年 award counts in 2025
    ),
    (
        YK,
        "13",
        {
            **WR,
            "first_entered_stats": True,
            "online_retail": 800,
            "stats_retail": 2000,
            "registered_on": "2024-03-01",
            "beats_province_growth": True,
        },
        ELIGIBLE,
        0,
        100_000,  # in 2025: only the 次年 award
        datetime.date(2025, 6, 30),
    ),
    (
        YK,
        "13",
        {
            "industry": "C",
            "first_entered_stats": True,
            "online_retail": 600,
            "stats_retail": 5000,
            "registered_on": "2019-05-01",
        },
        ELIGIBLE,
        1_000_000,
        1_000_000,
    ),
    (
        YK,
        "13",
        {
            **WR,
            "first_entered_stats": True,
            "online_retail": 400,
            "registered_on": "2019-05-01",
            "growth_next_year": 10,
        },
        ELIGIBLE,
        0,
        150_000,
        datetime.date(2025, 6, 30),  # 入库次年: 2025
    ),
    (
        YK,
        "13",
        {
            **WR,
            "first_entered_stats": True,
            "online_retail": 400,
            "registered_on": "2019-05-01",
            "growth_next_year": 9.9,
        },
        INELIGIBLE,
        0,
        0,
    ),
    (YK, "13", {**WR, "first_entered_stats": False, "online_retail": 800}, INELIGIBLE, 0, 0),
    # 营口 14：月增速 >8%，增量每达 1000万 ≤5万；住餐 100万以上 2万；月度上限 50万
    (
        YK,
        "14",
        {**WR, "monthly_retail_growth": 10, "monthly_retail_increment": 2500},
        ELIGIBLE,
        0,
        100_000,
    ),
    (
        YK,
        "14",
        {**WR, "monthly_retail_growth": 10, "monthly_retail_increment": 20000},
        ELIGIBLE,
        0,
        500_000,
    ),
    (
        YK,
        "14",
        {**WR, "monthly_retail_growth": 8, "monthly_retail_increment": 2500},
        INELIGIBLE,
        0,
        0,
    ),
    (YK, "14", {**AC, "monthly_catering_increment": 150}, ELIGIBLE, 20_000, 20_000),
    (YK, "14", {**AC, "monthly_catering_increment": 99}, INELIGIBLE, 0, 0),
    # 营口 15：专精特新/小巨人 10万；规上工业首次纳统 5万
    (YK, "15", {"srdi_first": True, "industry": "P"}, ELIGIBLE, 100_000, 100_000),
    (
        YK,
        "15",
        {"srdi_first": False, "industry": "C", "first_entered_stats": True},
        ELIGIBLE,
        50_000,
        50_000,
    ),
    (
        YK,
        "15",
        {"srdi_first": True, "industry": "C", "first_entered_stats": True},
        ELIGIBLE,
        150_000,
        150_000,
    ),
    (YK, "15", {"srdi_first": False, "industry": "M"}, INELIGIBLE, 0, 0),
    # 营口 16：股改 50万、辅导备案 50万、正式申报 100万、首发上市 100万；境外 300万
    (YK, "16", {"listing_stage": "reform", "listed_overseas": False}, ELIGIBLE, 500_000, 500_000),
    (
        YK,
        "16",
        {"listing_stage": "filing", "listed_overseas": False},
        ELIGIBLE,
        2_000_000,
        2_000_000,
    ),
    (
        YK,
        "16",
        {"listing_stage": "listed", "listed_overseas": False},
        ELIGIBLE,
        3_000_000,
        3_000_000,
    ),
    (YK, "16", {"listing_stage": "none", "listed_overseas": True}, ELIGIBLE, 3_000_000, 3_000_000),
    (YK, "16", {"listing_stage": "none", "listed_overseas": False}, INELIGIBLE, 0, 0),
    # 营口 21：奶牛场 40万；减船转产每千瓦最高 7000元
    (
        YK,
        "21",
        {
            "dairy_cows": 150,
            "dairy_upgrade_investment": 100,
            "boat_renewal": False,
            "decommissioned_kw": 0,
        },
        ELIGIBLE,
        400_000,
        400_000,
    ),
    (
        YK,
        "21",
        {
            "dairy_cows": 100,
            "dairy_upgrade_investment": 80,
            "boat_renewal": False,
            "decommissioned_kw": 0,
        },
        ELIGIBLE,
        400_000,
        400_000,
    ),
    (
        YK,
        "21",
        {
            "dairy_cows": 99,
            "dairy_upgrade_investment": 100,
            "boat_renewal": False,
            "decommissioned_kw": 0,
        },
        INELIGIBLE,
        0,
        0,
    ),
    (
        YK,
        "21",
        {"dairy_cows": 0, "boat_renewal": False, "decommissioned_kw": 120},
        ELIGIBLE,
        0,
        840_000,
    ),
    # 营口 23：每个新建站点 5000元
    (YK, "23", {"village_stations": 3}, ELIGIBLE, 15_000, 15_000),
    # 营口 26：示范园区 500万；联赛第二名 500万
    (
        YK,
        "26",
        {"culture_title": "park", "sports_club_rank": "none"},
        ELIGIBLE,
        5_000_000,
        5_000_000,
    ),
    (YK, "26", {"culture_title": "none", "sports_club_rank": "2"}, ELIGIBLE, 5_000_000, 5_000_000),
    (
        YK,
        "26",
        {"culture_title": "base", "sports_club_rank": "1"},
        ELIGIBLE,
        11_000_000,
        11_000_000,
    ),
    (YK, "26", {"culture_title": "none", "sports_club_rank": "none"}, INELIGIBLE, 0, 0),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[f"{c[1]}-{c[3]}-{c[5]}" for c in GOLDEN])
def test_it_gives_the_golden_verdict_and_amount(case):
    check_row(case)


def test_it_has_a_golden_row_for_every_encoded_measure():
    covered_by(GOLDEN, YK)

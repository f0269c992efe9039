"""Golden table of 营口 (001): profiles → verdict and amount (yuan), read by hand
from the clause each rule quotes.

Money answers are in 万元, as the enterprise types them. ``(low, high)`` is the amount
range: equal for a fixed sum, ``(0, x)`` where the clause says "最高/不超过", ``(0, 0)``
for a benefit other than money (the check asserts the result names it). A row may end
with the 测算日期 it is evaluated on (default: ``fixturedata.AS_OF`` of the document).
"""

import datetime  # noqa: F401 - rows may name a 测算日期

import pytest

from policies.eligibility.evaluator import ELIGIBLE, INELIGIBLE, MAYBE  # noqa: F401

from ..fixturedata import SOURCES
from .common import AC, WR, check_row, covered_by  # noqa: F401

YK = SOURCES["营口"]

NONE = {"identity": [], "activities": []}  # answered the situation: nothing applies
# a small retailer outside the statistics, as the end-to-end test's shopkeeper
SHOP = {"industry": "F", "industry_detail": "retail", "above_scale": False, **NONE}

GOLDEN = [
    # 营口 2：2024年新评定省级夜经济示范街区 30万（街区运营方）；直播电商基地申报省级示范基地
    (
        YK,
        "2",
        {"identity": ["commercial_carrier"], "activities": [], "yk_night_street": True},
        ELIGIBLE,
        300_000,
        300_000,
    ),
    (
        YK,
        "2",
        {
            "identity": ["incubator_operator"],
            "activities": ["ecommerce"],
            "yk_livestream_base": True,
        },
        ELIGIBLE,
        0,
        0,
    ),
    (
        YK,
        "2",
        {"identity": ["commercial_carrier"], "activities": [], "yk_night_street": False},
        INELIGIBLE,
        0,
        0,
    ),
    (YK, "2", {**SHOP, "activities": ["ecommerce"]}, INELIGIBLE, 0, 0),
    # 营口 3：专区 5万；推介会、博览会交通住宿餐饮累计不超过 2万；组织参展
    (YK, "3", {**SHOP, "special_zone": True}, ELIGIBLE, 50_000, 50_000),
    (
        YK,
        "3",
        {
            **SHOP,
            "activities": ["events"],
            "special_zone": True,
            "attended_fairs": True,
            "fair_costs": 3,
        },
        ELIGIBLE,
        50_000,
        70_000,
    ),
    (
        YK,
        "3",
        {
            "industry": "M",
            **NONE,
            "activities": ["events"],
            "attended_fairs": True,
            "fair_costs": 1.2,
        },
        ELIGIBLE,
        0,
        12_000,
    ),
    (
        YK,
        "3",
        {"industry": "A", **NONE, "activities": ["events"], "attended_fairs": False},
        ELIGIBLE,
        0,
        0,
    ),
    (YK, "3", {**SHOP, "special_zone": False}, INELIGIBLE, 0, 0),
    (YK, "3", {"industry": "M", **NONE}, INELIGIBLE, 0, 0),
    # 营口 4：县域商业设施设备投资不超过 50%，单个项目最高 500万
    (
        YK,
        "4",
        {
            **SHOP,
            "activities": ["investment_project"],
            "county_commerce_project": True,
            "county_commerce_investment": 300,
        },
        ELIGIBLE,
        0,
        1_500_000,
    ),
    (
        YK,
        "4",
        {
            "industry": "G",
            "identity": [],
            "activities": ["tech_upgrade"],
            "county_commerce_project": True,
            "county_commerce_investment": 2000,
        },
        ELIGIBLE,
        0,
        5_000_000,
    ),
    (
        YK,
        "4",
        {**SHOP, "county_commerce_project": True, "county_commerce_investment": 300},
        INELIGIBLE,
        0,
        0,
    ),
    # 营口 5：新评选省级滑雪旅游度假地 100万
    (YK, "5", {"industry": "R", "ski_resort_new": True}, ELIGIBLE, 1_000_000, 1_000_000),
    (YK, "5", {"industry": "R", "ski_resort_new": False}, INELIGIBLE, 0, 0),
    (YK, "5", {**SHOP}, INELIGIBLE, 0, 0),
    # 营口 6：用地用林审批一体化、选址把关、重大项目容缺受理
    (YK, "6", {"industry": "C", **NONE, "activities": ["land"]}, ELIGIBLE, 0, 0),
    (YK, "6", {"industry": "C", **NONE}, INELIGIBLE, 0, 0),
    # 营口 7：地下开采矿业权涉林涉草审批
    (YK, "7", {"industry": "B", **NONE}, ELIGIBLE, 0, 0),
    (YK, "7", {**SHOP}, INELIGIBLE, 0, 0),
    # 营口 8：土地二级市场、停缓建项目调整规划条件
    (YK, "8", {"industry": "K", **NONE, "activities": ["land"]}, ELIGIBLE, 0, 0),
    (YK, "8", {"industry": "K", **NONE, "activities": ["investment_project"]}, INELIGIBLE, 0, 0),
    # 营口 9：转口 ≤50% 上限 400万；保税 ≤50% 上限 200万；搬迁 ≤50%
    (
        YK,
        "9",
        {
            "activities": ["import_export"],
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
            "activities": ["import_export"],
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
    (
        YK,
        "9",
        {"activities": ["import_export"], "in_customs_zone": True, "entrepot_fees": 1000},
        ELIGIBLE,
        0,
        None,
    ),
    (
        YK,
        "9",
        {
            "activities": ["import_export"],
            "in_customs_zone": True,
            "entrepot_fees": 0,
            "bonded_trade_fees": 100,
            "bonded_repair_relocation_cost": 0,
        },
        ELIGIBLE,
        0,
        500_000,
    ),
    (
        YK,
        "9",
        {"activities": ["import_export"], "in_customs_zone": False, "entrepot_fees": 1000},
        INELIGIBLE,
        0,
        0,
    ),
    (YK, "9", {**SHOP, "in_customs_zone": True, "entrepot_fees": 1000}, INELIGIBLE, 0, 0),
    # 营口 10：出口信用保险保费支持，单户最高 300万；承保服务
    (
        YK,
        "10",
        {"activities": ["import_export"], "export_insurance_premium": 50},
        ELIGIBLE,
        0,
        500_000,
    ),
    (
        YK,
        "10",
        {"activities": ["cross_border_ecommerce"], "export_insurance_premium": 1000},
        ELIGIBLE,
        0,
        3_000_000,
    ),
    (YK, "10", {"activities": ["import_export"], "export_insurance_premium": 0}, ELIGIBLE, 0, 0),
    (YK, "10", {**SHOP, "export_insurance_premium": 50}, INELIGIBLE, 0, 0),
    # 营口 11：鲜活农食产品查检绿色通道、原产地签证便利
    (YK, "11", {"activities": ["import_export"]}, ELIGIBLE, 0, 0),
    (YK, "11", {**SHOP, "activities": ["ecommerce"]}, INELIGIBLE, 0, 0),
    # 营口 12：“名特优新”个体工商户培育；“名特优新”农产品申报
    (YK, "12", {**SHOP, "identity": ["individual_business"]}, ELIGIBLE, 0, 0),
    (YK, "12", {"industry": "A", **NONE}, ELIGIBLE, 0, 0),
    (YK, "12", {**SHOP, "identity": ["private"]}, INELIGIBLE, 0, 0),
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
            **WR,
            "first_entered_stats": True,
            "online_retail": 600,
            "stats_retail": 5000,
            "registered_on": "2019-05-01",
        },
        ELIGIBLE,
        1_000_000,  # 3% of 5000万 = 150万, capped at 100万
        1_000_000,
    ),
    # 限上企业 are wholesale, retail, hotels and restaurants: not a manufacturer
    (
        YK,
        "13",
        {
            "industry": "C",
            "above_scale": True,
            "first_entered_stats": True,
            "online_retail": 600,
            "stats_retail": 5000,
            "registered_on": "2019-05-01",
        },
        INELIGIBLE,
        0,
        0,
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
    (YK, "13", {**SHOP, "registered_on": "2024-03-01"}, INELIGIBLE, 0, 0),
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
    (YK, "14", {**SHOP}, INELIGIBLE, 0, 0),
    # 营口 15：首次评为专精特新/小巨人 10万；规上工业首次纳统 5万
    (
        YK,
        "15",
        {"industry": "P", "identity": ["srdi"], "srdi_first": True},
        ELIGIBLE,
        100_000,
        100_000,
    ),
    (
        YK,
        "15",
        {"industry": "C", "identity": [], "above_scale": True, "first_entered_stats": True},
        ELIGIBLE,
        50_000,
        50_000,
    ),
    (
        YK,
        "15",
        {
            "industry": "C",
            "identity": ["little_giant"],
            "srdi_first": True,
            "above_scale": True,
            "first_entered_stats": True,
        },
        ELIGIBLE,
        150_000,
        150_000,
    ),
    (
        YK,
        "15",
        {"industry": "C", "identity": ["srdi"], "srdi_first": False, "above_scale": False},
        INELIGIBLE,
        0,
        0,
    ),
    (YK, "15", {"industry": "M", "identity": []}, INELIGIBLE, 0, 0),
    # 营口 16：股改 50万、辅导备案 50万、正式申报 100万、首发上市 100万（累计）；境外 300万（择一）
    (
        YK,
        "16",
        {**NONE, "activities": ["equity"], "listing_stage": "reform", "listed_overseas": False},
        ELIGIBLE,
        500_000,
        500_000,
    ),
    (
        YK,
        "16",
        {**NONE, "activities": ["equity"], "listing_stage": "filing", "listed_overseas": False},
        ELIGIBLE,
        2_000_000,
        2_000_000,
    ),
    (
        YK,
        "16",
        {**NONE, "identity": ["listed"], "listing_stage": "listed", "listed_overseas": False},
        ELIGIBLE,
        3_000_000,
        3_000_000,
    ),
    (
        YK,
        "16",
        {**NONE, "identity": ["listed"], "listing_stage": "none", "listed_overseas": True},
        ELIGIBLE,
        3_000_000,
        3_000_000,
    ),
    (
        YK,
        "16",
        {**NONE, "activities": ["equity"], "listing_stage": "none", "listed_overseas": False},
        INELIGIBLE,
        0,
        0,
    ),
    (YK, "16", {**SHOP, "listing_stage": "reform"}, INELIGIBLE, 0, 0),
    # 营口 17：低费率政府性融资担保；创业投资引导基金；担保机构 0.5% 担保费补贴
    (YK, "17", {**SHOP, "activities": ["financing"]}, ELIGIBLE, 0, 0),
    (YK, "17", {**NONE, "identity": ["financial_institution"]}, ELIGIBLE, 0, 0),
    (YK, "17", {**SHOP}, INELIGIBLE, 0, 0),
    # 营口 18：科技型企业融资（10亿元再贷款、再贴现额度）
    (YK, "18", {"identity": ["tech_sme"], "activities": ["financing"]}, ELIGIBLE, 0, 0),
    (YK, "18", {"identity": ["private"], "activities": ["financing"]}, INELIGIBLE, 0, 0),
    # 营口 19：汇率避险服务
    (YK, "19", {**NONE, "activities": ["import_export"]}, ELIGIBLE, 0, 0),
    (YK, "19", {**NONE, "activities": ["financing"]}, INELIGIBLE, 0, 0),
    # 营口 20：粮油单产提升、生产者补贴（种粮）
    (YK, "20", {"industry": "A", **NONE, "yk_farm_lines": ["grain"]}, ELIGIBLE, 0, 0),
    (YK, "20", {"industry": "A", **NONE, "yk_farm_lines": ["dairy"]}, INELIGIBLE, 0, 0),
    (YK, "20", {**SHOP}, INELIGIBLE, 0, 0),
    # 营口 21：农机购置补贴；奶牛场 40万；渔船更新 ≤30%；减船转产每千瓦最高 7000元
    (
        YK,
        "21",
        {
            "industry": "A",
            **NONE,
            "yk_farm_lines": ["dairy"],
            "dairy_cows": 150,
            "dairy_upgrade_investment": 100,
        },
        ELIGIBLE,
        400_000,
        400_000,
    ),
    (
        YK,
        "21",
        {
            "industry": "A",
            **NONE,
            "yk_farm_lines": ["dairy"],
            "dairy_cows": 100,
            "dairy_upgrade_investment": 80,
        },
        ELIGIBLE,
        400_000,
        400_000,
    ),
    (
        YK,
        "21",
        {
            "industry": "A",
            **NONE,
            "yk_farm_lines": ["dairy"],
            "dairy_cows": 99,
            "dairy_upgrade_investment": 100,
        },
        INELIGIBLE,
        0,
        0,
    ),
    (
        YK,
        "21",
        {
            "industry": "A",
            **NONE,
            "yk_farm_lines": ["fishing"],
            "boat_renewal": False,
            "decommissioned_kw": 120,
        },
        ELIGIBLE,
        0,
        840_000,
    ),
    (
        YK,
        "21",
        {
            "industry": "A",
            **NONE,
            "yk_farm_lines": ["fishing"],
            "boat_renewal": True,
            "boat_renewal_cost": 100,
            "decommissioned_kw": 0,
        },
        ELIGIBLE,
        0,
        300_000,
    ),
    (
        YK,
        "21",
        {"industry": "A", **NONE, "activities": ["tech_upgrade"], "yk_farm_lines": []},
        ELIGIBLE,
        0,
        0,
    ),
    (YK, "21", {**SHOP, "dairy_cows": 150, "dairy_upgrade_investment": 100}, INELIGIBLE, 0, 0),
    # 营口 23：邮政、快递企业每个新建村级站点 5000元
    (
        YK,
        "23",
        {"industry": "G", "industry_detail": "postal", "village_stations": 3},
        ELIGIBLE,
        15_000,
        15_000,
    ),
    (
        YK,
        "23",
        {"industry": "G", "industry_detail": "transport", "village_stations": 3},
        INELIGIBLE,
        0,
        0,
    ),
    # 营口 24：技改项目申报省级专项资金、智能工厂、绿色制造；工业软件首版次
    (YK, "24", {"industry": "C", **NONE, "activities": ["tech_upgrade"]}, ELIGIBLE, 0, 0),
    (YK, "24", {"industry": "I", **NONE, "activities": ["rnd"]}, ELIGIBLE, 0, 0),
    (YK, "24", {"industry": "C", **NONE}, INELIGIBLE, 0, 0),
    # 营口 25：快递业与制造业深度融合典型项目
    (YK, "25", {"industry": "G", "industry_detail": "postal"}, ELIGIBLE, 0, 0),
    (YK, "25", {**SHOP}, INELIGIBLE, 0, 0),
    # 营口 26：示范园区 500万、示范基地 100万、赋能乡村试点 100万（不同称号各奖一次）；
    # 职业联赛俱乐部第一、二、三名分别 1000万、500万、300万（按名次取其一，不累加）
    (
        YK,
        "26",
        {"industry": "R", **NONE, "yk_culture_titles": ["park"], "sports_club_rank": "none"},
        ELIGIBLE,
        5_000_000,
        5_000_000,
    ),
    (
        YK,
        "26",
        {
            "industry": "R",
            **NONE,
            "yk_culture_titles": ["base", "rural"],
            "sports_club_rank": "none",
        },
        ELIGIBLE,
        2_000_000,
        2_000_000,
    ),
    (
        YK,
        "26",
        {"industry": "R", **NONE, "yk_culture_titles": [], "sports_club_rank": "1"},
        ELIGIBLE,
        10_000_000,
        10_000_000,
    ),
    (
        YK,
        "26",
        {"industry": "R", **NONE, "yk_culture_titles": [], "sports_club_rank": "2"},
        ELIGIBLE,
        5_000_000,
        5_000_000,
    ),
    (
        YK,
        "26",
        {"industry": "R", **NONE, "yk_culture_titles": [], "sports_club_rank": "3"},
        ELIGIBLE,
        3_000_000,
        3_000_000,
    ),
    (
        YK,
        "26",
        {"industry": "L", **NONE, "yk_culture_titles": ["provincial_base"]},
        ELIGIBLE,
        0,
        0,
    ),
    (
        YK,
        "26",
        {"industry": "R", **NONE, "yk_culture_titles": [], "sports_club_rank": "none"},
        INELIGIBLE,
        0,
        0,
    ),
    (YK, "26", {**SHOP, "sports_club_rank": "1"}, INELIGIBLE, 0, 0),
    # 营口 28：高新技术企业认定宣讲、申报辅导
    (YK, "28", {**NONE, "activities": ["rnd"]}, ELIGIBLE, 0, 0),
    (YK, "28", {**SHOP}, INELIGIBLE, 0, 0),
    # 营口 29：科技专员服务、科技特派员职称
    (YK, "29", {**NONE, "activities": ["tech_transfer"]}, ELIGIBLE, 0, 0),
    (YK, "29", {**SHOP}, INELIGIBLE, 0, 0),
    # 营口 30：创新产品采购不设业绩门槛、梯度培育
    (YK, "30", {**NONE, "identity": ["high_tech"]}, ELIGIBLE, 0, 0),
    (YK, "30", {**NONE, "identity": ["private"]}, INELIGIBLE, 0, 0),
    # 营口 31：知识产权保险推介、质押融资对接
    (YK, "31", {**NONE, "activities": ["rnd"]}, ELIGIBLE, 0, 0),
    (YK, "31", {**NONE, "activities": ["financing"]}, INELIGIBLE, 0, 0),
    # 营口 33：信用修复服务
    (YK, "33", {**NONE, "activities": ["credit_repair"]}, ELIGIBLE, 0, 0),
    (YK, "33", {**SHOP}, INELIGIBLE, 0, 0),
    # 营口 34：多式联运联盟；降低港口收费
    (YK, "34", {"industry": "G", **NONE}, ELIGIBLE, 0, 0),
    (YK, "34", {"industry": "C", **NONE, "activities": ["import_export"]}, ELIGIBLE, 0, 0),
    (YK, "34", {**SHOP}, INELIGIBLE, 0, 0),
    # 营口 35：国有企业负责人业绩考核加回
    (YK, "35", {**NONE, "identity": ["state_owned"]}, ELIGIBLE, 0, 0),
    (YK, "35", {**NONE, "identity": ["private"]}, INELIGIBLE, 0, 0),
    # 营口 36：央企分公司改制为子公司
    (YK, "36", {**NONE, "identity": ["central_soe_branch"]}, ELIGIBLE, 0, 0),
    (YK, "36", {**NONE, "identity": ["state_owned"]}, INELIGIBLE, 0, 0),
    # 营口 37：民营企业家培训
    (YK, "37", {**NONE, "identity": ["private"]}, ELIGIBLE, 0, 0),
    (YK, "37", {**NONE, "identity": ["state_owned"]}, INELIGIBLE, 0, 0),
    # 营口 38：绩效分级差异化减排、危废利用豁免、低碳零碳试点
    (YK, "38", {"industry": "C", **NONE, "activities": ["energy_environment"]}, ELIGIBLE, 0, 0),
    (YK, "38", {**SHOP, "activities": ["energy_environment"]}, INELIGIBLE, 0, 0),
    # 营口 39：绿色信贷
    (
        YK,
        "39",
        {"identity": ["green_manufacturing"], "activities": ["financing"]},
        ELIGIBLE,
        0,
        0,
    ),
    (YK, "39", {"identity": [], "activities": ["financing"]}, INELIGIBLE, 0, 0),
    # 营口 40：阶段性降低失业、工伤保险费率；用工服务
    (YK, "40", {**SHOP, "employees": 8}, ELIGIBLE, 0, 0),
    (YK, "40", {**NONE, "employees": 0, "activities": ["hiring"]}, ELIGIBLE, 0, 0),
    (YK, "40", {**NONE, "employees": 0}, INELIGIBLE, 0, 0),
    # 营口 43：国有企业办医疗机构
    (YK, "43", {"industry": "Q", **NONE, "identity": ["state_owned"]}, ELIGIBLE, 0, 0),
    (YK, "43", {"industry": "Q", **NONE, "identity": ["private"]}, INELIGIBLE, 0, 0),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[f"{c[1]}-{c[3]}-{c[5]}" for c in GOLDEN])
def test_it_gives_the_golden_verdict_and_amount(case):
    check_row(case)


def test_it_has_a_golden_row_for_every_encoded_measure():
    covered_by(GOLDEN, YK)


def test_a_league_club_gets_one_award_by_place_never_a_sum():
    """第26条: 1000万、500万、300万 by place — one of them, never 1800万."""
    from ..fixturedata import AS_OF, encoded_rules, evaluate_on

    rule = encoded_rules()[(YK, "26")]
    for place, amount in (("1", 10_000_000), ("2", 5_000_000), ("3", 3_000_000)):
        answers = {"industry": "R", **NONE, "yk_culture_titles": [], "sports_club_rank": place}
        (result,) = evaluate_on(answers, [rule], AS_OF[YK])
        assert (result.amount_min, result.amount_max) == (amount, amount)
    # unanswered place: at most the first place's award, not the three summed
    answers = {"industry": "R", **NONE, "yk_culture_titles": []}
    (result,) = evaluate_on(answers, [rule], AS_OF[YK])
    assert result.amount_max == 10_000_000

"""Golden table: for every encoded measure, profiles → verdict and amount (yuan).

Money answers are in 万元, as the enterprise types them. ``(low, high)`` is the amount
range: equal for a fixed sum, ``(0, x)`` where the clause says "最高/不超过".
"""

import datetime

import pytest

from policies.eligibility.evaluator import ELIGIBLE, INELIGIBLE, MAYBE

from .fixturedata import AS_OF, SOURCES, encoded_rules, evaluate_on

A24, YK, A23, SMX = SOURCES["鞍山2024"], SOURCES["营口"], SOURCES["鞍山2023"], SOURCES["三门峡"]
WR = {"industry": "wholesale_retail", "above_scale": True}
AC = {"industry": "accommodation_catering", "above_scale": True}

GOLDEN = [
    # 鞍山 2024 第7条：国家级/省级众创空间、孵化器 50万/20万
    (A24, "7", {"incubator_level": "national"}, ELIGIBLE, 500_000, 500_000),
    (A24, "7", {"incubator_level": "provincial"}, ELIGIBLE, 200_000, 200_000),
    (A24, "7", {"incubator_level": "none"}, INELIGIBLE, 0, 0),
    # 第10条：新增保险资金投资额 0.5%，最高 500万
    (A24, "10", {"insurance_investment": 20000}, ELIGIBLE, 1_000_000, 1_000_000),
    (A24, "10", {"insurance_investment": 200000}, ELIGIBLE, 5_000_000, 5_000_000),
    (A24, "10", {"insurance_investment": 0}, INELIGIBLE, 0, 0),
    # 第14条：每人 1500元
    (A24, "14", {"graduates_hired": 12}, ELIGIBLE, 18_000, 18_000),
    (A24, "14", {"graduates_hired": 1}, ELIGIBLE, 1_500, 1_500),
    (A24, "14", {"graduates_hired": 0}, INELIGIBLE, 0, 0),
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
            "registered_this_year": True,
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
            "registered_this_year": True,
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
            "industry": "industry",
            "first_entered_stats": True,
            "online_retail": 600,
            "stats_retail": 5000,
            "registered_this_year": False,
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
            "registered_this_year": False,
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
            "registered_this_year": False,
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
    (YK, "15", {"srdi_first": True, "industry": "other"}, ELIGIBLE, 100_000, 100_000),
    (
        YK,
        "15",
        {"srdi_first": False, "industry": "industry", "first_entered_stats": True},
        ELIGIBLE,
        50_000,
        50_000,
    ),
    (
        YK,
        "15",
        {"srdi_first": True, "industry": "industry", "first_entered_stats": True},
        ELIGIBLE,
        150_000,
        150_000,
    ),
    (YK, "15", {"srdi_first": False, "industry": "services"}, INELIGIBLE, 0, 0),
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
        {"industry": "agriculture", "facility_agri_project": True, "agri_loan": 1000},
        ELIGIBLE,
        200_000,
        200_000,
    ),
    (
        A23,
        "9",
        {"industry": "agriculture", "facility_agri_project": True, "agri_loan": 20000},
        ELIGIBLE,
        2_000_000,
        2_000_000,
    ),
    (
        A23,
        "9",
        {"industry": "other", "facility_agri_project": True, "agri_loan": 1000},
        INELIGIBLE,
        0,
        0,
    ),
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
        {"enterprise_size": "small", "unemployment_insurance_paid": 10},
        ELIGIBLE,
        60_000,
        60_000,
    ),
    (
        A23,
        "18.2",
        {"enterprise_size": "large", "unemployment_insurance_paid": 100},
        ELIGIBLE,
        300_000,
        300_000,
    ),
    # 三门峡（一）：上年度技术合同成交额最高 10%，不超过 100万
    (
        SMX,
        "1",
        {"bought_out_of_province_tech": True, "tech_contract_turnover": 500},
        ELIGIBLE,
        0,
        500_000,
    ),
    (
        SMX,
        "1",
        {"bought_out_of_province_tech": True, "tech_contract_turnover": 2000},
        ELIGIBLE,
        0,
        1_000_000,
    ),
    # 三门峡（二）：境内上市分阶段 500万；新三板 80万；中原股权交易中心 20万
    (
        SMX,
        "2",
        {"listing_stage": "listed", "neeq_listed": False, "regional_equity_listed": False},
        ELIGIBLE,
        0,
        5_000_000,
    ),
    (
        SMX,
        "2",
        {"listing_stage": "none", "neeq_listed": True, "regional_equity_listed": False},
        ELIGIBLE,
        800_000,
        800_000,
    ),
    (
        SMX,
        "2",
        {"listing_stage": "none", "neeq_listed": True, "regional_equity_listed": True},
        ELIGIBLE,
        1_000_000,
        1_000_000,
    ),
    (
        SMX,
        "2",
        {"listing_stage": "none", "neeq_listed": False, "regional_equity_listed": False},
        INELIGIBLE,
        0,
        0,
    ),
]


def _case_id(case):
    source, path, answers, verdict, low, high, *_ = case
    return f"{source[:3]}-{path}-{verdict}-{high}"


def evaluate(answers, rules, as_of=None):
    return evaluate_on(answers, rules, as_of or AS_OF[rules[0].measure_id[0]])


@pytest.mark.parametrize("case", GOLDEN, ids=[_case_id(c) for c in GOLDEN])
def test_it_gives_the_golden_verdict_and_amount(case):
    source, path, answers, verdict, low, high, *as_of = case
    rule = encoded_rules()[(source, path)]
    (result,) = evaluate(answers, [rule], as_of[0] if as_of else None)
    assert (result.verdict, result.amount_min, result.amount_max) == (verdict, low, high)


def test_it_has_a_golden_row_for_every_encoded_measure():
    covered = {(source, path) for source, path, *_ in GOLDEN}
    assert set(encoded_rules()) == covered


def test_it_has_an_ineligible_or_boundary_row_besides_eligible_ones_for_tiered_measures():
    tiers = {key for key, rule in encoded_rules().items() if rule.benefit["kind"] == "tiers"}
    for key in tiers:
        verdicts = {verdict for source, path, _a, verdict, *_ in GOLDEN if (source, path) == key}
        assert verdicts == {ELIGIBLE, INELIGIBLE}, key


def test_it_shows_the_tier_computation_in_words():
    rule = encoded_rules()[(A23, "3.1")]
    (result,) = evaluate({**WR, "retail_increment_2023": 23000}, [rule])
    assert result.computation == [
        "2023年9—11月限上零售额增量 2.3亿元 → 2亿元（含）至5亿元（不含）档 → 50万元"
    ]


def test_it_shows_the_percentage_and_the_cap_in_words():
    rule = encoded_rules()[(A24, "10")]
    (result,) = evaluate({"insurance_investment": 200000}, [rule])
    assert result.computation == [
        "本年度新增保险资金投资额 20亿元 × 0.5% = 1000万元，超过上限，按上限500万元"
    ]


def test_it_shows_the_capped_interest_rate_in_words():
    rule = encoded_rules()[(A23, "9")]
    answers = {"industry": "agriculture", "facility_agri_project": True, "agri_loan": 1000}
    (result,) = evaluate(answers, [rule])
    assert result.computation[0].startswith("年度贴息：按 2023年8月21日起执行的一年期 LPR 3.45%：")
    assert "min（70% × 一年期 LPR 3.45%，2%） = 2%" in result.computation[0]
    assert result.computation[0].endswith("= 20万元")


def test_it_names_the_failed_condition():
    rule = encoded_rules()[(A23, "3.1")]
    (result,) = evaluate({**WR, "retail_increment_2023": 4999}, [rule])
    assert result.failed == ["要求：2023年9—11月限上零售额增量不低于5000万元（您的回答：4999万元）"]


def test_it_lists_the_missing_answers_of_a_maybe():
    rule = encoded_rules()[(A23, "3.1")]
    (result,) = evaluate({"industry": "wholesale_retail"}, [rule])
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

    from policies.eligibility.evaluator import _published_percent

    assert _published_percent(Decimal(stored)) == shown

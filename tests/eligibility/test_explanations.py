"""Golden table of explanations: conditions, failures and computations as the result page
words them, read by hand — sentences a shopkeeper understands, not code.

Independent of the rule fixtures: each row is a small rule over the shared questions
(profile, situation, specific), so the words of the kinds themselves are pinned.
"""

import datetime

import pytest

from policies.eligibility import evaluator, kinds

from .fixturedata import parameters, questions

DAY = datetime.date(2025, 6, 30)
ANY = {"kind": "fixed", "amount": 1}

DESCRIBED = [
    ({"in": ["industry", ["F", "H"]]}, "所属行业为批发和零售业或住宿和餐饮业"),
    ({"in": ["industry", ["C"]]}, "所属行业为制造业"),
    ({"eq": ["industry", "C"]}, "所属行业为制造业"),
    ({"is_true": "above_scale"}, "已纳入统计部门调查单位库（“四上”企业）"),
    ({"eq": ["above_scale", False]}, "尚未纳入统计部门调查单位库"),
    ({"not": {"is_true": "above_scale"}}, "尚未纳入统计部门调查单位库"),
    ({"has": ["identity", "high_tech"]}, "国家高新技术企业"),
    ({"has": ["activities", "import_export"]}, "有进出口业务"),
    ({"not": {"has": ["activities", "import_export"]}}, "不属于“有进出口业务”的情况"),
    ({"ge": ["revenue_last_year", 5000000]}, "上年度营业收入达到500 万元"),
    ({"gt": ["employees", 10]}, "从业人员超过10人"),
    ({"le": ["employees", 300]}, "从业人员不超过300人"),
    ({"between": ["employees", 10, 100]}, "从业人员在10人至100人之间"),
    ({"in": ["enterprise_size", ["small", "micro"]]}, "企业规模为小型企业或微型企业"),
    ({"eq": ["registration_year", 2024]}, "注册成立年份为2024年"),
    ({"ne": ["registration_year", 2024]}, "注册成立年份不是2024年"),
    (
        {"all": [{"has": ["identity", "srdi"]}, {"ge": ["revenue_last_year", 10000000]}]},
        "省级“专精特新”中小企业；上年度营业收入达到1,000 万元",
    ),
    (
        {
            "any": [
                {"has": ["identity", "high_tech"]},
                {"all": [{"in": ["industry", ["C"]]}, {"has": ["activities", "rnd"]}]},
            ]
        },
        "以下情形之一：国家高新技术企业；或（所属行业为制造业，且有研发投入、技术攻关或科技项目）",
    ),
]

FAILED = [
    (
        {"ge": ["revenue_last_year", 5000000]},
        {"revenue_last_year": 450},
        "要求上年度营业收入达到500 万元，您填写的是450 万元，还差50 万元",
    ),
    ({"has": ["identity", "high_tech"]}, {"identity": []}, "要求国家高新技术企业"),
    (
        {"in": ["industry", ["F"]]},
        {"industry": "C"},
        "要求所属行业为批发和零售业，您的情况是“制造业”",
    ),
    (
        {"in": ["enterprise_size", ["small", "micro"]]},
        {"industry": "C", "employees": 500, "revenue_last_year": 30000},
        "要求企业规模为小型企业或微型企业，您的情况是“中型企业”",
    ),
    (
        {"any": [{"has": ["identity", "high_tech"]}, {"is_true": "above_scale"}]},
        {"identity": [], "above_scale": False},
        "以下情形均不满足：国家高新技术企业；已纳入统计部门调查单位库（“四上”企业）",
    ),
    (
        {"is_true": "above_scale"},
        {"above_scale": False},
        "要求已纳入统计部门调查单位库（“四上”企业）",
    ),
]

STAGES = {
    "kind": "stages",
    "of": "listing_stage",
    "mode": "cumulative",
    "stages": [
        {"value": "reform", "label": "股改", "amount": 500000},
        {"value": "counseling", "label": "辅导备案", "amount": 500000},
        {"value": "filing", "label": "正式申报", "amount": 1000000},
    ],
}
COMPUTED = [
    ({"kind": "fixed", "amount": 300000, "label": "一次性奖励"}, {}, "一次性奖励：30 万元"),
    ({"kind": "up_to", "amount": 2000000}, {}, "支持：最高200 万元，具体金额由审核确定"),
    (
        {"kind": "percent_of", "of": "revenue_last_year", "percent": 3, "cap": 1000000},
        {"revenue_last_year": 2000},
        "上年度营业收入 2,000 万元 × 3% = 60 万元",
    ),
    (
        {"kind": "percent_of", "of": "revenue_last_year", "percent": 3, "cap": 500000},
        {"revenue_last_year": 20000},
        "上年度营业收入 2 亿元 × 3% = 600 万元，超过上限，按上限50 万元",
    ),
    (
        {
            "kind": "percent_of",
            "of": "revenue_last_year",
            "percent": 50,
            "at_most": True,
            "label": "设备投资补助",
        },
        {"revenue_last_year": 300},
        "设备投资补助：上年度营业收入 300 万元 × 最高50% = 150 万元",
    ),
    (
        {
            "kind": "tiers",
            "of": "revenue_last_year",
            "tiers": [
                {"min": 500000000, "amount": 1000000},
                {"min": 200000000, "max": 500000000, "amount": 500000},
            ],
        },
        {"revenue_last_year": 23000},
        "上年度营业收入 2.3 亿元 → 2 亿元（含）至5 亿元（不含）档 → 50 万元",
    ),
    (
        {"kind": "tiers", "of": "revenue_last_year", "tiers": [{"min": 500000000, "amount": 1}]},
        {"revenue_last_year": 100},
        "上年度营业收入 100 万元，未达到最低档，无奖励",
    ),
    (
        STAGES,
        {"listing_stage": "counseling"},
        "已完成的阶段：股改 50 万元 + 辅导备案 50 万元 = 100 万元",
    ),
    (
        {"kind": "per_unit", "of": "employees", "unit_amount": 1500, "label": "一次性扩岗补助"},
        {"employees": 10},
        "一次性扩岗补助：从业人员 10人 × 1,500 元 = 1.5 万元",
    ),
    (
        {
            "kind": "per_unit",
            "of": "revenue_last_year",
            "per": 10000000,
            "unit_amount": 50000,
            "at_most": True,
        },
        {"revenue_last_year": 2500},
        "上年度营业收入 2,500 万元，每满1,000 万元计1份，共2份 × 最高5 万元 = 10 万元",
    ),
    (
        {
            "kind": "rate_capped",
            "of": "revenue_last_year",
            "reference": "lpr_1y",
            "reference_share_percent": 70,
            "rate_cap_bp": 200,
            "cap": 2000000,
            "label": "年度贴息",
        },
        {"revenue_last_year": 1000},
        "年度贴息：按 2025年5月20日起执行的一年期 LPR 3.00%：贴息率 min（70% × 一年期 LPR 3.00%，2%）"
        " = 2%；上年度营业收入 1,000 万元 × 2% = 20 万元",
    ),
    (
        {
            "kind": "max_of",
            "parts": [
                {
                    "kind": "fixed",
                    "amount": 10000000,
                    "label": "第一名",
                    "when": {"eq": ["sports_club_rank", "1"]},
                },
                {
                    "kind": "fixed",
                    "amount": 5000000,
                    "label": "第二名",
                    "when": {"eq": ["sports_club_rank", "2"]},
                },
            ],
        },
        {"sports_club_rank": "2"},
        "第二名：500 万元；择一，取最高：500 万元",
    ),
    (
        {
            "kind": "sum_of",
            "parts": [
                {"kind": "fixed", "amount": 50000, "label": "专区奖励"},
                {"kind": "up_to", "amount": 20000, "label": "展会补贴"},
            ],
        },
        {},
        "专区奖励：5 万元；展会补贴：最高2 万元，具体金额由审核确定；合计：5 万元–7 万元",
    ),
    (
        {"kind": "benefit", "text": "应急转贷服务：低成本转贷资金，缓解资金周转"},
        {},
        "可享受：应急转贷服务：低成本转贷资金，缓解资金周转",
    ),
    (
        {
            "kind": "fixed",
            "amount": 100000,
            "label": "首次纳统奖励",
            "when": {"is_true": "above_scale"},
        },
        {},
        "如果已纳入统计部门调查单位库（“四上”企业）：首次纳统奖励：10 万元",
    ),
    (
        {
            "kind": "fixed",
            "amount": 300000,
            "label": "2024年新评定奖励",
            "period": {"from": "2024-01-01", "until": "2024-12-31", "words": "2024年新评定"},
        },
        {},
        "2024年新评定奖励：已到期（2024年1月1日至2024年12月31日），不计入",
    ),
]


def run(conditions, benefit, answers):
    rule = evaluator.RuleInput(measure_id=1, conditions=conditions, benefit=benefit)
    (result,) = evaluator.evaluate(answers, [rule], questions(), DAY, parameters())
    return result


def test_the_table_is_large_enough():
    assert len(DESCRIBED) + len(FAILED) + len(COMPUTED) >= 30


@pytest.mark.parametrize(("condition", "words"), DESCRIBED)
def test_it_words_a_condition(condition, words):
    assert kinds.describe(condition, questions()) == words


@pytest.mark.parametrize(("condition", "answers", "words"), FAILED)
def test_it_says_which_condition_fails_and_how_far(condition, answers, words):
    assert run(condition, ANY, answers).failed == [words]


@pytest.mark.parametrize(("formula", "answers", "words"), COMPUTED)
def test_it_words_a_computation(formula, answers, words):
    assert run({"all": []}, formula, answers).computation == [words]

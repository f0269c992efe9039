"""Golden table of 鞍山 2023 (002), topics 1–9: profiles → verdict and amount (yuan), read by hand
from the clause each rule quotes.

Money answers are in 万元, as the enterprise types them. ``(low, high)`` is the amount
range: equal for a fixed sum, ``(0, x)`` where the clause says "最高/不超过", ``(0, 0)`` for a
benefit other than money (the check asserts it names what it gives). A row may end with the
测算日期 it is evaluated on (default: ``fixturedata.AS_OF`` of the document).

Every rule opens with a gate the profile or the situation answers decide: the 不符合 rows
include a manufacturer with nothing ticked, who is never asked about streets or bases.
"""

import datetime  # noqa: F401 - rows may name a 测算日期

import pytest

from policies.eligibility.evaluator import ELIGIBLE, INELIGIBLE, MAYBE  # noqa: F401

from ..fixturedata import SOURCES
from .common import AC, WR, check_row, covered_by  # noqa: F401

A23 = SOURCES["鞍山2023"]

# A manufacturer that ticked nothing in identity or activities.
MAKER = {"industry": "C", "identity": [], "activities": []}
# The operator of a mall or commercial street (a 商业载体).
CARRIER = {"industry": "L", "identity": ["commercial_carrier"], "activities": []}
EVENTS = {"industry": "L", "identity": [], "activities": ["events"]}
ONLINE = {"industry": "F", "identity": [], "activities": ["ecommerce"]}
PROJECT = {"industry": "C", "identity": [], "activities": ["investment_project"]}
TRADER = {"industry": "F", "identity": [], "activities": ["import_export"]}

GOLDEN = [
    # 鞍山 2023 1（2）：展会支出不高于 50%，每项活动最高 50万
    (A23, "1.2", {**EVENTS, "organizes_expo": True, "expo_expense": 120}, ELIGIBLE, 0, 500_000),
    (A23, "1.2", {**EVENTS, "organizes_expo": True, "expo_expense": 40}, ELIGIBLE, 0, 200_000),
    (A23, "1.2", {**EVENTS, "organizes_expo": False, "expo_expense": 40}, INELIGIBLE, 0, 0),
    (A23, "1.2", MAKER, INELIGIBLE, 0, 0),
    # 1（3）：美食街、辽菜一条街区（运营方）100万；新入驻小吃街的餐饮企业 5万
    (A23, "1.3", {**CARRIER, "food_street": True}, ELIGIBLE, 1_000_000, 1_000_000),
    (
        A23,
        "1.3",
        {"industry": "H", "identity": [], "snack_street_new": True},
        ELIGIBLE,
        50_000,
        50_000,
    ),
    (
        A23,
        "1.3",
        {**CARRIER, "industry": "H", "food_street": True, "snack_street_new": True},
        ELIGIBLE,
        1_050_000,
        1_050_000,
    ),
    (A23, "1.3", {"industry": "H", "identity": [], "snack_street_new": False}, INELIGIBLE, 0, 0),
    (A23, "1.3", MAKER, INELIGIBLE, 0, 0),
    # 1（4）：组织参加博览会、推介会；参加推介会的按省厅文件直接奖补（未列标准）
    (A23, "1.4", {**EVENTS, "attended_fairs": True}, ELIGIBLE, 0, 0),
    (A23, "1.4", {**MAKER, "identity": ["time_honored"]}, ELIGIBLE, 0, 0),
    (A23, "1.4", MAKER, INELIGIBLE, 0, 0),
    # 2（1）：获评街区实际投入的 50%，每条街区最高 30万
    (
        A23,
        "2.1",
        {**CARRIER, "night_street": True, "street_expense": 40},
        ELIGIBLE,
        200_000,
        200_000,
    ),
    (
        A23,
        "2.1",
        {**CARRIER, "night_street": True, "street_expense": 100},
        ELIGIBLE,
        300_000,
        300_000,
    ),
    (A23, "2.1", {**CARRIER, "night_street": False, "street_expense": 100}, INELIGIBLE, 0, 0),
    (A23, "2.1", MAKER, INELIGIBLE, 0, 0),
    # 2（2）：新增部分 1%（最高 200万）；新评定 20万；县域 10万
    (
        A23,
        "2.2",
        {**ONLINE, "livestream_base": "provincial", "livestream_increment": 5000},
        ELIGIBLE,
        500_000,
        500_000,
    ),
    (
        A23,
        "2.2",
        {**ONLINE, "livestream_base": "provincial_new", "livestream_increment": 30000},
        ELIGIBLE,
        2_200_000,
        2_200_000,
    ),
    (A23, "2.2", {**ONLINE, "livestream_base": "county"}, ELIGIBLE, 100_000, 100_000),
    (A23, "2.2", {**ONLINE, "livestream_base": "none"}, INELIGIBLE, 0, 0),
    (A23, "2.2", MAKER, INELIGIBLE, 0, 0),
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
    (A23, "3.1", {"industry": "F", "above_scale": False}, INELIGIBLE, 0, 0),
    (A23, "3.1", MAKER, INELIGIBLE, 0, 0),
    # 3（2）：全国首店最高 50万、辽宁首店最高 10万，每年不超过 100万
    (
        A23,
        "3.2",
        {**CARRIER, "first_stores_national": 1, "first_stores_liaoning": 2},
        ELIGIBLE,
        0,
        700_000,
    ),
    (
        A23,
        "3.2",
        {**CARRIER, "first_stores_national": 3, "first_stores_liaoning": 0},
        ELIGIBLE,
        0,
        1_000_000,
    ),
    (
        A23,
        "3.2",
        {**CARRIER, "first_stores_national": 0, "first_stores_liaoning": 0},
        INELIGIBLE,
        0,
        0,
    ),
    (A23, "3.2", MAKER, INELIGIBLE, 0, 0),
    # 4（1）：住餐增量 ≥1000万 10万；500–1000万 5万
    (A23, "4.1", {**AC, "retail_increment_2023": 1000}, ELIGIBLE, 100_000, 100_000),
    (A23, "4.1", {**AC, "retail_increment_2023": 999}, ELIGIBLE, 50_000, 50_000),
    (A23, "4.1", {**AC, "retail_increment_2023": 500}, ELIGIBLE, 50_000, 50_000),
    (A23, "4.1", {**AC, "retail_increment_2023": 499}, INELIGIBLE, 0, 0),
    (A23, "4.1", {"industry": "H", "above_scale": False}, INELIGIBLE, 0, 0),
    (A23, "4.1", MAKER, INELIGIBLE, 0, 0),
    # 4（2）：餐饮全国首店最高 30万、辽宁首店最高 5万，每年不超过 50万
    (
        A23,
        "4.2",
        {**CARRIER, "catering_first_stores_national": 2, "catering_first_stores_liaoning": 0},
        ELIGIBLE,
        0,
        500_000,
    ),
    (
        A23,
        "4.2",
        {**CARRIER, "catering_first_stores_national": 0, "catering_first_stores_liaoning": 1},
        ELIGIBLE,
        0,
        50_000,
    ),
    (A23, "4.2", {"industry": "H", "identity": [], "activities": []}, INELIGIBLE, 0, 0),
    # 5（1）：有投资项目：前期全流程服务，争取纳入重点项目储备库
    (A23, "5.1", PROJECT, ELIGIBLE, 0, 0),
    (A23, "5.1", MAKER, INELIGIBLE, 0, 0),
    # 5（2）：有投资项目：前期手续加快办理，施工要素保障
    (A23, "5.2", PROJECT, ELIGIBLE, 0, 0),
    (A23, "5.2", TRADER, INELIGIBLE, 0, 0),
    # 6（1）：有融资需求：银企对接会；有项目的还有项目融资支持
    (A23, "6.1", {**MAKER, "activities": ["financing"]}, ELIGIBLE, 0, 0),
    (A23, "6.1", {**PROJECT, "activities": ["investment_project", "financing"]}, ELIGIBLE, 0, 0),
    (A23, "6.1", PROJECT, INELIGIBLE, 0, 0),
    # 6（2）：有融资需求的项目单位、制造业、科技型企业：项目储备，争取政策资金
    (A23, "6.2", {**MAKER, "activities": ["financing"]}, ELIGIBLE, 0, 0),
    (
        A23,
        "6.2",
        {"industry": "I", "identity": ["high_tech"], "activities": ["financing"]},
        ELIGIBLE,
        0,
        0,
    ),
    (A23, "6.2", {"industry": "F", "identity": [], "activities": ["financing"]}, INELIGIBLE, 0, 0),
    (A23, "6.2", MAKER, INELIGIBLE, 0, 0),
    # 6（3）：工业企业在自有工业用地上提高容积率，不再增收土地价款
    (
        A23,
        "6.3",
        {**MAKER, "activities": ["land"], "as23_raise_plot_ratio": True},
        ELIGIBLE,
        0,
        0,
    ),
    (
        A23,
        "6.3",
        {**MAKER, "activities": ["land"], "as23_raise_plot_ratio": False},
        INELIGIBLE,
        0,
        0,
    ),
    (A23, "6.3", {"industry": "F", "identity": [], "activities": ["land"]}, INELIGIBLE, 0, 0),
    # 8（1）：有进出口业务：外贸政策申报、预约通关、中欧班列
    (A23, "8.1", TRADER, ELIGIBLE, 0, 0),
    (A23, "8.1", MAKER, INELIGIBLE, 0, 0),
    # 8（2）：外贸企业、批发零售个体工商户：市场采购贸易方式出口
    (A23, "8.2", TRADER, ELIGIBLE, 0, 0),
    (
        A23,
        "8.2",
        {"industry": "F", "identity": ["individual_business"], "activities": []},
        ELIGIBLE,
        0,
        0,
    ),
    (A23, "8.2", {**MAKER, "identity": ["individual_business"]}, INELIGIBLE, 0, 0),
    # 8（3）：单个项目不超过 100万，单户年度不超过 200万
    (A23, "8.3", {**TRADER, "overseas_warehouse_projects": 1}, ELIGIBLE, 0, 1_000_000),
    (A23, "8.3", {**TRADER, "overseas_warehouse_projects": 3}, ELIGIBLE, 0, 2_000_000),
    (A23, "8.3", {**TRADER, "overseas_warehouse_projects": 0}, INELIGIBLE, 0, 0),
    (A23, "8.3", MAKER, INELIGIBLE, 0, 0),
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
        {
            "industry": "L",
            "identity": ["farm_entity"],
            "facility_agri_project": True,
            "agri_loan": 500,
        },
        ELIGIBLE,
        100_000,
        100_000,
    ),
    # 2024年7月22日起 LPR 3.35%：70% = 2.345%，仍按 2% 封顶
    (
        A23,
        "9",
        {"industry": "A", "facility_agri_project": True, "agri_loan": 1000},
        ELIGIBLE,
        200_000,
        200_000,
        datetime.date(2024, 8, 1),
    ),
    (
        A23,
        "9",
        {"industry": "A", "facility_agri_project": False, "agri_loan": 1000},
        INELIGIBLE,
        0,
        0,
    ),
    (
        A23,
        "9",
        {"industry": "P", "identity": [], "facility_agri_project": True, "agri_loan": 1000},
        INELIGIBLE,
        0,
        0,
    ),
    (A23, "9", MAKER, INELIGIBLE, 0, 0),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[f"{c[1]}-{c[3]}-{c[5]}" for c in GOLDEN])
def test_it_gives_the_golden_verdict_and_amount(case):
    check_row(case)


def test_it_has_a_golden_row_for_every_encoded_measure():
    covered_by(GOLDEN, A23, topics=range(1, 10))


def test_each_encoded_measure_has_an_eligible_and_an_ineligible_row():
    verdicts = {}
    for _source, path, _answers, verdict, *_ in GOLDEN:
        verdicts.setdefault(path, set()).add(verdict)
    for path, seen in verdicts.items():
        assert seen >= {ELIGIBLE, INELIGIBLE}, path

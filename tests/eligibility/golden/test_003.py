"""Golden table of 聊城 (003): profiles → verdict and amount (yuan), read by hand
from the clause each rule quotes.

Money answers are in 万元, as the enterprise types them. ``(low, high)`` is the amount
range: equal for a fixed sum, ``(0, x)`` where the clause says "最高/不超过". A row may end
with the 测算日期 it is evaluated on (default: ``fixturedata.AS_OF`` of the document).

聊城's measures name no money: every encoded rule gives a benefit (land, quotas, approvals,
financing, talent, data services, lower costs), so an eligible row is (ELIGIBLE, 0, 0) and
names what it gives.
"""

import datetime  # noqa: F401 - rows may name a 测算日期

import pytest

from policies.eligibility.evaluator import ELIGIBLE, INELIGIBLE, MAYBE  # noqa: F401

from ..fixturedata import AS_OF, SOURCES, encoded_rules, evaluate_on
from .common import AC, WR, check_row, covered_by  # noqa: F401

LC = SOURCES["聊城"]

# a small manufacturer (工业: 50人, 营业收入1000万元 → 小型) and a large one
SMALL_C = {"industry": "C", "employees": 50, "revenue_last_year": 1000}
LARGE_C = {"industry": "C", "employees": 2000, "revenue_last_year": 100000}
# the end-to-end persona: a 聊城 logistics company (交通运输业: 60人, 400万元 → 小型;
# under 500万元 a 小规模纳税人)
LOGISTICS = {
    "industry": "G",
    "industry_detail": "transport",
    "employees": 60,
    "revenue_last_year": 400,
    "above_scale": False,
    "identity": ["private"],
    "activities": ["logistics"],
}
PROJECT = ["investment_project"]
LAND_PROJECT = ["investment_project", "land"]
ENV_PROJECT = ["energy_environment", "investment_project"]

GOLDEN = [
    # 1 项目落地规划服务：有建设项目或用地需求
    (LC, "1", {"activities": PROJECT}, ELIGIBLE, 0, 0),
    (LC, "1", {"activities": ["land"]}, ELIGIBLE, 0, 0),
    (LC, "1", {"activities": ["logistics"]}, INELIGIBLE, 0, 0),
    # 2 用地指标：建设项目需要新增用地；省、市重点项目优先保障
    (LC, "2", {"activities": LAND_PROJECT, "lc_key_project": "city"}, ELIGIBLE, 0, 0),
    (LC, "2", {"activities": LAND_PROJECT, "lc_key_project": "none"}, ELIGIBLE, 0, 0),
    (LC, "2", {"activities": ["land"]}, INELIGIBLE, 0, 0),
    # 3 不再重新预审；重点项目容缺预审查
    (LC, "3", {"activities": LAND_PROJECT, "lc_key_project": "provincial"}, ELIGIBLE, 0, 0),
    (LC, "3", {"activities": LAND_PROJECT}, ELIGIBLE, 0, 0),
    (LC, "3", {"activities": PROJECT}, INELIGIBLE, 0, 0),
    # 4 先进制造业项目优惠地价、弹性供地；工业项目提高容积率不增收地价
    (LC, "4", {"industry": "C", "activities": ["land"]}, ELIGIBLE, 0, 0),
    (LC, "4", {"industry": "D", "activities": PROJECT}, ELIGIBLE, 0, 0),
    (LC, "4", {"industry": "G", "activities": LAND_PROJECT}, INELIGIBLE, 0, 0),
    (LC, "4", {"industry": "C", "activities": ["financing"]}, INELIGIBLE, 0, 0),
    # 5 新建项目排放指标、绿色通道；重点项目环评提前介入
    (LC, "5", {"activities": ENV_PROJECT, "lc_key_project": "provincial"}, ELIGIBLE, 0, 0),
    (LC, "5", {"activities": ["energy_environment"]}, INELIGIBLE, 0, 0),
    # 6 总量指标预支；市级统筹指标优先保障重点项目
    (LC, "6", {"activities": ENV_PROJECT, "lc_key_project": "none"}, ELIGIBLE, 0, 0),
    (LC, "6", {"activities": PROJECT}, INELIGIBLE, 0, 0),
    # 7 排污权交易豁免、无偿调剂
    (LC, "7", {"activities": ENV_PROJECT}, ELIGIBLE, 0, 0),
    (LC, "7", {"activities": ["energy_environment"]}, INELIGIBLE, 0, 0),
    # 8 非“两高”项目不再要求能源消费替代（非工业项目不问“两高”）
    (LC, "8", {"industry": "G", "activities": ENV_PROJECT}, ELIGIBLE, 0, 0),
    (LC, "8", {"industry": "C", "activities": ENV_PROJECT, "lc_two_high": False}, ELIGIBLE, 0, 0),
    (
        LC,
        "8",
        {
            "industry": "C",
            "activities": ENV_PROJECT,
            "lc_two_high": True,
            "lc_key_project": "provincial",
        },
        ELIGIBLE,
        0,
        0,
    ),
    (LC, "8", {"industry": "C", "activities": ["energy_environment"]}, INELIGIBLE, 0, 0),
    # 10 原料用煤不纳入煤炭消费总量考核（工业企业）
    (LC, "10", {"industry": "C", "activities": ["energy_environment"]}, ELIGIBLE, 0, 0),
    (LC, "10", {"industry": "F", "activities": ["energy_environment"]}, INELIGIBLE, 0, 0),
    # 13 产业引导基金：准备引入股权投资
    (LC, "13", {**SMALL_C, "activities": ["equity"]}, ELIGIBLE, 0, 0),
    (LC, "13", {**SMALL_C, "activities": ["financing"]}, INELIGIBLE, 0, 0),
    # 14 智慧金融服务平台（所有有融资需求的企业）；产业链金融服务（工业）
    (LC, "14", {"industry": "G", "activities": ["financing"]}, ELIGIBLE, 0, 0),
    (LC, "14", {"industry": "C", "activities": ["financing"]}, ELIGIBLE, 0, 0),
    (LC, "14", {"industry": "C", "activities": []}, INELIGIBLE, 0, 0),
    # 15 上市培育服务；专精特新专板
    (LC, "15", {"identity": ["srdi"], "activities": ["equity"]}, ELIGIBLE, 0, 0),
    (LC, "15", {"identity": ["srdi"], "activities": ["financing"]}, INELIGIBLE, 0, 0),
    # 16 应急转贷、无还本续贷、担保支小、专精特新融资专项活动
    (LC, "16", {**SMALL_C, "identity": ["srdi"], "activities": ["financing"]}, ELIGIBLE, 0, 0),
    (LC, "16", {**LARGE_C, "identity": [], "activities": ["financing"]}, ELIGIBLE, 0, 0),
    (LC, "16", {"identity": ["srdi"], "activities": ["equity"]}, INELIGIBLE, 0, 0),
    # 17 “三张清单”：紧缺人才需求；工业企业的核心技术攻关需求
    (LC, "17", {"industry": "F", "activities": ["skills"]}, ELIGIBLE, 0, 0),
    (LC, "17", {"industry": "C", "activities": ["rnd"]}, ELIGIBLE, 0, 0),
    (LC, "17", {"industry": "F", "activities": ["rnd"]}, INELIGIBLE, 0, 0),
    # 18 高层次人才引育
    (LC, "18", {"activities": ["skills"]}, ELIGIBLE, 0, 0),
    (LC, "18", {"activities": ["hiring"]}, INELIGIBLE, 0, 0),
    # 19 海外人才引进
    (LC, "19", {"activities": ["skills"]}, ELIGIBLE, 0, 0),
    (LC, "19", {"activities": []}, INELIGIBLE, 0, 0),
    # 20 技能培训；规上企业职业技能等级认定；国企和大型民企产教融合
    (
        LC,
        "20",
        {**LARGE_C, "above_scale": True, "identity": ["private"], "activities": ["skills"]},
        ELIGIBLE,
        0,
        0,
    ),
    (LC, "20", {"activities": ["skills"]}, ELIGIBLE, 0, 0),
    (LC, "20", {**LARGE_C, "identity": ["state_owned"], "activities": []}, INELIGIBLE, 0, 0),
    # 21 环评打捆审批、告知承诺制
    (LC, "21", {"activities": ENV_PROJECT}, ELIGIBLE, 0, 0),
    (LC, "21", {"activities": PROJECT}, INELIGIBLE, 0, 0),
    # 22 工程建设项目审批集成办理
    (LC, "22", {"activities": PROJECT}, ELIGIBLE, 0, 0),
    (LC, "22", {"activities": ["land"]}, INELIGIBLE, 0, 0),
    # 23 市重点项目全周期服务
    (LC, "23", {"activities": PROJECT, "lc_key_project": "city"}, ELIGIBLE, 0, 0),
    (LC, "23", {"activities": PROJECT, "lc_key_project": "none"}, INELIGIBLE, 0, 0),
    (LC, "23", {"activities": PROJECT}, MAYBE, 0, 0),
    # 25 失信制造业企业信用修复主动告知
    (LC, "25", {"industry": "C", "activities": ["credit_repair"]}, ELIGIBLE, 0, 0),
    (LC, "25", {"industry": "F", "activities": ["credit_repair"]}, INELIGIBLE, 0, 0),
    (LC, "25", {"industry": "C", "activities": []}, INELIGIBLE, 0, 0),
    # 27 科技型企业梯次培育；优质企业培育；“高企上规”；“规上升高”；科技型中小企业入库
    (LC, "27", {"identity": ["high_tech"], "above_scale": False, "activities": []}, ELIGIBLE, 0, 0),
    (LC, "27", {"identity": ["srdi"], "above_scale": True, "activities": []}, ELIGIBLE, 0, 0),
    (LC, "27", {**SMALL_C, "identity": [], "activities": ["rnd"]}, ELIGIBLE, 0, 0),
    (
        LC,
        "27",
        {**LARGE_C, "identity": [], "above_scale": True, "activities": ["rnd"]},
        ELIGIBLE,
        0,
        0,
    ),
    (LC, "27", {"identity": ["high_tech"], "above_scale": True, "activities": []}, ELIGIBLE, 0, 0),
    (LC, "27", {"identity": ["private"], "activities": ["financing"]}, INELIGIBLE, 0, 0),
    # 28 研发机构建设；龙头企业争创平台；中试基地
    (LC, "28", {**LARGE_C, "identity": [], "activities": ["rnd"]}, ELIGIBLE, 0, 0),
    (LC, "28", {"industry": "I", "activities": ["rnd"]}, ELIGIBLE, 0, 0),
    (LC, "28", {"industry": "C", "activities": ["tech_upgrade"]}, INELIGIBLE, 0, 0),
    # 29 研发费用加计扣除等、共享科研仪器、技术转移服务、科技金融
    (LC, "29", {"activities": ["rnd", "financing"]}, ELIGIBLE, 0, 0),
    (LC, "29", {"activities": ["tech_transfer"]}, ELIGIBLE, 0, 0),
    (LC, "29", {"activities": ["financing"]}, INELIGIBLE, 0, 0),
    # 30 省、市科技研发和技改升级项目，“揭榜挂帅”（工业企业）
    (LC, "30", {"industry": "C", "activities": ["tech_upgrade"]}, ELIGIBLE, 0, 0),
    (LC, "30", {"industry": "I", "activities": ["rnd"]}, INELIGIBLE, 0, 0),
    # 31 公共数据服务制造业企业；“数据要素×”大赛
    (LC, "31", {"industry": "C", "activities": ["data"]}, ELIGIBLE, 0, 0),
    (LC, "31", {"industry": "I", "activities": ["data"]}, ELIGIBLE, 0, 0),
    (LC, "31", {"industry": "C", "activities": []}, INELIGIBLE, 0, 0),
    # 32 DCMM贯标、公共数据产品
    (LC, "32", {"industry": "I", "activities": ["data"]}, ELIGIBLE, 0, 0),
    (LC, "32", {"industry": "C", "activities": ["tech_upgrade"]}, INELIGIBLE, 0, 0),
    # 33 制造业数字化转型培训、标杆；链主建工业互联网平台
    (LC, "33", {**LARGE_C, "activities": ["tech_upgrade"]}, ELIGIBLE, 0, 0),
    (LC, "33", {"industry": "I", "activities": ["data"]}, INELIGIBLE, 0, 0),
    # 34 制造业企业水电气保障
    (LC, "34", {"industry": "C"}, ELIGIBLE, 0, 0),
    (LC, "34", {"industry": "G"}, INELIGIBLE, 0, 0),
    # 35 降低物流运输成本：物流企业、工业货主、进出口企业
    (LC, "35", LOGISTICS, ELIGIBLE, 0, 0),
    (LC, "35", {"industry": "C", "activities": []}, ELIGIBLE, 0, 0),
    (LC, "35", {"industry": "F", "activities": ["import_export"]}, ELIGIBLE, 0, 0),
    (LC, "35", {"industry": "F", "activities": ["ecommerce"]}, INELIGIBLE, 0, 0),
    # 36 小微企业和个体工商户支付手续费减费；制造业科创技改再贷款
    (LC, "36", LOGISTICS, ELIGIBLE, 0, 0),
    (
        LC,
        "36",
        {**LARGE_C, "identity": [], "activities": ["financing", "tech_upgrade"]},
        ELIGIBLE,
        0,
        0,
    ),
    (LC, "36", {**LARGE_C, "identity": [], "activities": []}, INELIGIBLE, 0, 0),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[f"{c[1]}-{c[3]}-{c[5]}" for c in GOLDEN])
def test_it_gives_the_golden_verdict_and_amount(case):
    check_row(case)


def test_it_has_a_golden_row_for_every_encoded_measure():
    covered_by(GOLDEN, LC)


def _results(answers, paths=None):
    rules = {path: rule for (source, path), rule in encoded_rules().items() if source == LC}
    chosen = [rules[path] for path in (paths or sorted(rules, key=int))]
    return dict(
        zip(
            [rule.measure_id[1] for rule in chosen],
            evaluate_on(answers, chosen, AS_OF[LC]),
            strict=True,
        )
    )


def test_the_logistics_company_learns_of_lower_logistics_costs_and_is_asked_nothing_of_projects():
    results = _results(LOGISTICS)
    costs = results["35"]
    assert costs.verdict == ELIGIBLE
    assert any(text.startswith("物流税费优惠") for text in costs.benefits)
    assert any(text.startswith("代开增值税专用发票") for text in costs.benefits)
    assert results["36"].verdict == ELIGIBLE
    # every other measure is decided by the profile and the situation: nothing left to ask
    for path, result in results.items():
        assert not result.missing, (path, result.missing)
        assert result.verdict in (ELIGIBLE, INELIGIBLE), path
    assert {path for path, r in results.items() if r.verdict == ELIGIBLE} == {"35", "36"}


def test_a_manufacturer_with_a_project_is_asked_about_the_key_project_only_when_it_matters():
    results = _results({**SMALL_C, "identity": [], "activities": ENV_PROJECT})
    assert results["8"].verdict == ELIGIBLE
    assert "lc_two_high" in results["8"].missing
    assert results["23"].verdict == MAYBE
    assert results["23"].deciding == ["lc_key_project"]

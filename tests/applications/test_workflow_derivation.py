"""Golden tests: the workflow derived for every 鞍山 2023 measure with a 办理方式, stage by stage.

Each stage is ``level:departments:act``; district stages name the kind of district department,
resolved per applicant. Measures marked DEFAULT name no route, so the default route applies
(district counterpart 初审 → responsible city bureau 审核 → city finance 拨付). Measures with a
办理方式 that grant nothing, or are 免申即享, take no application.
"""

import pytest

from applications import workflow
from applications.models import WorkflowStage
from policies.models import Department, Measure

from .conftest import ANSHAN_2023, measure_at

pytestmark = pytest.mark.django_db

D, C, P = "district", "city", "province"
GOLDEN = {
    # 向市商务局、财政局申请，经两部门会商同意，报请市政府同意后，由市财政局…划拨资金
    "1.1": [(C, "商务局+财政局", "review"), (C, "市人民政府", "review"), (C, "财政局", "disburse")],
    # 报到…县区商务及财政部门，经两部门审核通过，报到市商务局和市财政局审核后，由市财政局…拨付至
    # 县区财政部门，由县区财政部门拨付至主办方
    "1.2": [
        (D, "商务局+财政局", "review"),
        (C, "商务局+财政局", "review"),
        (C, "财政局", "disburse"),
        (D, "财政局", "disburse"),
    ],
    # 依据省厅文件，采取直接奖补 — DEFAULT
    "1.3": [(D, "商务局", "preliminary"), (C, "商务局", "review"), (C, "财政局", "disburse")],
    "1.4": [],  # 参加推介会 — no grant to apply for
    "2.1": [
        (D, "商务局+财政局", "review"),
        (C, "商务局+财政局", "review"),
        (C, "财政局", "disburse"),
        (D, "财政局", "disburse"),
    ],
    # 社零额部分: 县区商务局会同当地统计部门核定 → 市商务局审核 → 省商务厅审核 → 省商务厅下拨资金
    "2.2": [
        (D, "商务局+统计局", "verify"),
        (C, "商务局", "review"),
        (P, "商务局", "review"),
        (P, "商务局", "disburse"),
    ],
    # 报所在县（市）区、开发区商务部门，由市商务局会同市统计部门进行审核，…拨付资金到企业
    "3.1": [
        (D, "商务局", "preliminary"),
        (C, "商务局+统计局", "review"),
        (C, "财政局", "disburse"),
    ],
    "3.2": [
        (D, "商务局", "preliminary"),
        (C, "商务局+财政局", "review"),
        (C, "财政局", "disburse"),
    ],
    "4.1": [
        (D, "商务局", "preliminary"),
        (C, "商务局+统计局", "review"),
        (C, "财政局", "disburse"),
    ],
    # 县区商务主管部门会同相关部门初审 → 市商务局会同相关部门复核 → 下发奖励资金
    "4.2": [(D, "商务局", "preliminary"), (C, "商务局", "recheck"), (C, "财政局", "disburse")],
    "5.2": [],  # 工程建设项目审批 — a service, no grant
    "6.3": [],  # 工业用地 — no grant
    "8.1": [],
    "8.2": [],
    # 公共海外仓项目支持金额 — 按申报指南办理 — DEFAULT
    "8.3": [(D, "商务局", "preliminary"), (C, "商务局", "review"), (C, "财政局", "disburse")],
    # 按照市农业农村局和市财政局印发的…工作方案落实 — DEFAULT
    "9": [(D, "农业农村局", "preliminary"), (C, "农业农村局", "review"), (C, "财政局", "disburse")],
    # 分别经各县（市、区）工信主管部门和市工信局初审通过后，提报省工信厅审核
    "10.1": [(D, "工信局", "preliminary"), (C, "工信局", "preliminary"), (P, "工信局", "review")],
    # 经各县（市、区）相应部门初审通过后，提报市级相应部门审核
    "10.2": [(D, "工信局", "preliminary"), (C, "工信局", "review")],
    # 到市文旅广电局产业发展科申请，由产业发展科提请党组会审议，审议通过后由市文旅广电局向
    # 省文旅厅申请: three stages — the 科 receives, the 党组会 deliberates (both inside the
    # city bureau, stages of their own), the province decides on what the bureau sends up.
    "11.1": [
        (C, "文旅局/产业发展科", "receive"),
        (C, "文旅局/党组会", "deliberate"),
        (P, "文旅局", "review"),
    ],
    "11.2": [
        (C, "文旅局/产业发展科", "receive"),
        (C, "文旅局/党组会", "deliberate"),
        (P, "文旅局", "review"),
    ],
    "11.3": [
        (C, "文旅局/产业发展科", "receive"),
        (C, "文旅局/党组会", "deliberate"),
        (P, "文旅局", "review"),
    ],
    # 县（市）区科技主管部门初审推荐和市科技局审核后，向省科技厅推荐申报（the second
    # procedure after "；" starts over from the district and is not part of this route）
    "13.1": [(D, "科技局", "preliminary"), (C, "科技局", "review"), (P, "科技局", "review")],
    "13.2": [(D, "工信局", "preliminary"), (C, "工信局", "preliminary"), (P, "工信局", "review")],
    "13.3": [(D, "科技局", "preliminary"), (C, "科技局", "review"), (P, "科技局", "review")],
    # 企业向所在县区科技管理部门提交申报材料，市科技局初审通过后向省科技厅推荐申报
    "13.4": [(D, "科技局", "preliminary"), (C, "科技局", "preliminary"), (P, "科技局", "review")],
    "13.5": [],  # 免申即享
    # 向市科技局提交申请，经审核通过后由市科技局报省科技厅备案
    "13.6": [(C, "科技局", "review"), (P, "科技局", "review")],
    "13.7": [],  # 免申即享
    # 工业大企业培育: a selection into a programme, no money to apply for
    "16.2": [],
    "16.4": [],
    "17.2": [],
    "17.3": [],
    # 失业保险稳岗返还：可以到参保地失业保险经办窗口申请 — DEFAULT (no district counterpart)
    "18.2": [(C, "市人力资源和就业服务中心", "review"), (C, "财政局", "disburse")],
}


def _spec(stage):
    level, kinds, act = stage
    return f"{level}:{kinds}:{act}"


def test_the_golden_table_covers_every_measure_with_a_handling_text(catalogue):
    with_handling = set(
        Measure.objects.filter(document__source=ANSHAN_2023)
        .exclude(handling="")
        .values_list("path_key", flat=True)
    )
    assert with_handling == set(GOLDEN)


@pytest.mark.parametrize("path_key", sorted(GOLDEN, key=lambda k: [int(n) for n in k.split(".")]))
def test_it_derives_the_documented_route(catalogue, path_key):
    measure = measure_at(path_key)
    derived = [spec.describe() for spec in workflow.derive_workflow(measure)]
    assert derived == [_spec(stage) for stage in GOLDEN[path_key]]


def test_saved_stages_name_the_city_and_provincial_departments(catalogue):
    measure = measure_at("2.2")
    stages = workflow.ensure_workflow(measure)
    assert [s.position for s in stages] == [1, 2, 3, 4]
    assert stages[0].district_department_names == ["商务局", "统计局"]
    assert stages[0].departments.count() == 0
    assert [d.name for d in stages[1].departments.all()] == ["市商务局"]
    provincial = stages[2].departments.get()
    assert (provincial.name, provincial.level, provincial.province, provincial.city) == (
        "省商务厅",
        Department.Level.PROVINCE,
        "辽宁省",
        None,
    )
    assert stages[3].act == "disburse"


def test_joint_city_stage_resolves_to_both_bureaus(catalogue):
    stages = workflow.ensure_workflow(measure_at("3.1"))
    names = sorted(d.name for d in stages[1].departments.all())
    assert names == ["市商务局", "市统计局"]


def test_free_measures_take_no_application_and_get_no_workflow(catalogue):
    measure = measure_at("13.5")
    assert measure.free_of_application
    assert not workflow.takes_applications(measure)
    assert workflow.ensure_workflow(measure) == []


def test_a_staff_edit_is_kept_and_rederive_replaces_it(catalogue):
    measure = measure_at("3.1")
    stages = workflow.ensure_workflow(measure)
    stages[0].act = "verify"
    stages[0].save()
    assert workflow.ensure_workflow(measure)[0].act == "verify"
    assert workflow.ensure_workflow(measure, overwrite=True)[0].act == "preliminary"


def test_other_cities_get_the_default_route(catalogue):
    measure = Measure.objects.filter(document__city__slug="yingkou", path_key="13").get()
    specs = workflow.derive_workflow(measure)
    assert [s.level for s in specs] == ["district", "city", "city"]
    assert specs[-1].kinds == ("财政局",) and specs[-1].act == "disburse"
    assert WorkflowStage.objects.filter(measure=measure).count() == len(specs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("依据省厅文件，采取直接奖补。", []),
        (
            "报所在县区商务部门，由市商务局审核。",
            ["district:商务局:preliminary", "city:商务局:review"],
        ),
        (
            "由市财政局将资金拨付至县区财政部门，由县区财政部门拨付至企业。",
            ["city:财政局:disburse", "district:财政局:disburse"],
        ),
    ],
)
def test_parse_route_on_plain_texts(text, expected):
    assert [s.describe() for s in workflow.parse_route(text, "商务局")] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "报所在县区商务部门，县区商务部门5个工作日内完成初审，由市商务局14个工作日内审核。",
            [("district:商务局:preliminary", 5), ("city:商务局:review", 14)],
        ),
        (
            "报所在县区商务部门，由市商务局审核，十个工作日内办结。",
            [("district:商务局:preliminary", None), ("city:商务局:review", 10)],
        ),
        (
            "到市文旅广电局产业发展科申请，3个工作日内受理，由产业发展科提请党组会审议，"
            "审议通过后由市文旅广电局向省文旅厅申请。",
            [
                ("city:文旅局/产业发展科:receive", 3),
                ("city:文旅局/党组会:deliberate", None),
                ("province:文旅局:review", None),
            ],
        ),
    ],
)
def test_limits_stated_in_the_text_belong_to_the_stage_before_them(text, expected):
    specs = workflow.parse_route(text, "商务局")
    assert [(s.describe(), s.limit_days) for s in specs] == expected


def test_parse_route_touches_no_database(django_assert_num_queries):
    text = "到市文旅广电局产业发展科申请，由产业发展科提请党组会审议，由市财政局拨付。"
    with django_assert_num_queries(0):
        assert len(workflow.parse_route(text, "文旅局")) == 3

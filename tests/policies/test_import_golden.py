"""Golden tests: what the import makes of each of the five sources."""

import datetime

import pytest

from policies.models import Measure, PolicyDocument

ANSHAN_2024 = "000_6bda17272921f9c3.txt"
YINGKOU = "001_c6539826c75744cc.txt"
ANSHAN_2023 = "002_14e9fef579fde56b.txt"
LIAOCHENG = "003_76bc870404a33f18.txt"
SANMENXIA = "004_e14e5c0ebb4c74ab.txt"

ANSHAN_2023_PATHS = (
    "1.1 1.2 1.3 1.4 2.1 2.2 3.1 3.2 4.1 4.2 5.1 5.2 6.1 6.2 6.3 7 8.1 8.2 8.3 8.4 9 "
    "10.1 10.2 11.1 11.2 11.3 12 13.1 13.2 13.3 13.4 13.5 13.6 13.7 14 15.1 15.2 "
    "16.1 16.2 16.3 16.4 17.1 17.2 17.3 18.1 18.2 18.3 18.4 18.5"
).split()

DOCUMENTS = {
    # source: (city, province, title, issuer, issued_on, status, complete, chapters, paths)
    ANSHAN_2024: (
        "鞍山市",
        "辽宁省",
        "鞍山市贯彻落实《辽宁省进一步推动经济以进促稳稳中提质若干措施》实施细则",
        "鞍山市人民政府办公室",
        datetime.date(2024, 12, 2),
        "published",
        True,
        0,
        [str(n) for n in range(1, 17)],
    ),
    YINGKOU: (
        "营口市",
        "辽宁省",
        "营口市推动经济稳中求进若干政策举措",
        "营口市人民政府",
        datetime.date(2024, 5, 31),
        "published",
        True,
        9,
        [str(n) for n in range(1, 44)],
    ),
    ANSHAN_2023: (
        "鞍山市",
        "辽宁省",
        "鞍山市冲刺全面振兴新突破三年行动首战告捷若干政策举措",
        "",
        None,
        "draft",
        True,
        18,
        ANSHAN_2023_PATHS,
    ),
    LIAOCHENG: (
        "聊城市",
        "山东省",
        "关于强化要素保障进一步优化产业生态的若干措施",
        "聊城市产业链链长制工作办公室",
        None,
        "published",
        True,
        12,
        [str(n) for n in range(1, 41)],
    ),
    SANMENXIA: (
        "三门峡市",
        "河南省",
        "关于促进工业经济平稳增长的通知",
        "三门峡市市场监督管理局",
        datetime.date(2022, 5, 27),
        "published",
        False,
        3,
        [str(n) for n in range(1, 14)],
    ),
}


@pytest.mark.parametrize("source", DOCUMENTS)
def test_it_structures_each_document(catalogue, source):
    city, province, title, issuer, issued_on, status, complete, chapters, paths = DOCUMENTS[source]
    document = PolicyDocument.objects.select_related("city").get(source=source)
    assert document.city.name == city
    assert document.city.province == province
    assert document.title == title
    assert document.issuer == issuer
    assert document.issued_on == issued_on
    assert document.status == status
    assert document.complete is complete
    assert document.chapters.count() == chapters
    measures = list(document.measures.order_by("position"))
    assert [m.path_key for m in measures] == paths
    for measure in measures:
        assert measure.path == [int(part) for part in measure.path_key.split(".")]
        assert measure.title and measure.text


def test_it_records_when_the_web_page_was_captured(catalogue):
    assert PolicyDocument.objects.get(source=SANMENXIA).captured_on == datetime.date(2024, 8, 8)


def measure(source, path_key):
    return Measure.objects.select_related("chapter", "document").get(
        document__source=source, path_key=path_key
    )


def departments(m):
    return [link.department.name for link in m.measuredepartment_set.order_by("position")]


# (source, path, chapter, title, departments, amounts, deadline, free)
SAMPLES = [
    (
        ANSHAN_2024,
        "7",
        None,
        "支持企业开展科技创新活动",
        ["市科技局"],
        [500000, 200000],
        ("", None, False),
        False,
    ),
    (
        ANSHAN_2024,
        "14",
        None,
        "多措并举稳岗扩岗",
        ["市人力资源社会保障局"],
        [1500],
        ("", None, False),
        False,
    ),
    (
        YINGKOU,
        "1",
        "积极促进消费升温",
        "持续开展促消费活动",
        ["市商务局", "各县（市）区政府", "开发区（园区）管委会"],
        [1000000],
        ("", None, False),
        False,
    ),
    (
        YINGKOU,
        "16",
        "支持实体经济发展",
        "加大企业上市扶持力度",
        ["市财政局"],
        [500000, 1000000, 3000000],
        ("", None, False),
        False,
    ),
    (
        YINGKOU,
        "21",
        "加快构建现代化产业体系",
        "支持农业特色产业发展",
        ["市农业农村局", "市海洋渔业局"],
        [800000, 400000, 7000],
        ("", None, False),
        False,
    ),
    (
        YINGKOU,
        "32",
        "深化重点领域改革",
        "提高经营主体办事便利度",
        ["市营商环境建设局（市行政审批局）", "市数据局", "市发展和改革委员会"],
        [],
        ("", None, False),
        False,
    ),
    (
        ANSHAN_2023,
        "3.1",
        "支持批发零售企业发展壮大",
        "对限额以上批发和零售业法人企业",
        ["市商务局"],
        [500000000, 1000000, 200000000, 500000, 100000000, 300000, 50000000, 100000],
        ("2023年12月31日", datetime.date(2023, 12, 31), False),
        False,
    ),
    (
        ANSHAN_2023,
        "9",
        "加快现代设施农业建设",
        "加快现代设施农业建设",
        ["市农业农村局"],
        [2000000],
        ("2023年11月30日", datetime.date(2023, 11, 30), False),
        False,
    ),
    (
        ANSHAN_2023,
        "10.1",
        "加快制造业改造升级",
        "落实省有关奖补政策",
        ["市工业和信息化局"],
        [10000000],
        ("持续推进，按省工信厅要求执行", None, True),
        False,
    ),
    (
        ANSHAN_2023,
        "13.5",
        "加大科技攻关支持力度",
        "企事业单位在1个自然年度内",
        ["市科技局"],
        [200000, 100000],
        ("持续开展", None, True),
        True,
    ),
    (
        ANSHAN_2023,
        "15.2",
        "加强重点领域金融服务支持",
        "完善绿色金融支持项目库",
        ["市金融发展局", "人民银行鞍山市分行"],
        [],
        ("持续开展", None, True),
        False,
    ),
    (
        ANSHAN_2023,
        "2.1",
        "不断丰富消费新业态、新场景",
        "鼓励深入推进商旅文体融合",
        ["市商务局"],
        [300000],
        ("省级以上示范步行街及省级夜经济街区结果公布后6个月内", None, False),
        False,
    ),
    (
        ANSHAN_2023,
        "18.2",
        "推动重点群体就业创业",
        "推进失业保险稳岗返还政策落实",
        ["市人力资源和就业服务中心"],
        [],
        ("2023年12月31日", datetime.date(2023, 12, 31), False),
        False,  # 免申即享 combined with applying at the counter: an application is possible
    ),
    (
        LIAOCHENG,
        "13",
        "加大资金基金支持",
        "用好用活引导基金",
        [
            "市财政局",
            "市工业和信息化局",
            "市发展改革委",
            "市投资促进局",
            "市财信新动能基金管理公司",
        ],
        [],
        ("", None, False),
        False,
    ),
    (
        SANMENXIA,
        "2",
        "培育壮大市场主体",
        "推动工业企业升规提质",
        [
            "市工业和信息化局",
            "市科技局",
            "市发展改革委",
            "市财政局",
            "市金融工作局",
            "各县（市、区）人民政府",
            "城乡一体化示范区管委会",
            "经开区管委会",
        ],
        [5000000, 800000, 200000],
        ("", None, False),
        False,
    ),
    (
        SANMENXIA,
        "13",
        "提升产业链供应链现代化水平",
        "加快开发区改革创新",
        [],  # the 责任单位 of （十三） is lost in the truncation
        [],
        ("", None, False),
        False,
    ),
]


@pytest.mark.parametrize(
    "source,path,chapter,title,depts,amounts,deadline,free",
    SAMPLES,
    ids=[f"{s[:3]}-{p}" for s, p, *_ in SAMPLES],
)
def test_it_extracts_the_fields_of_a_measure(
    catalogue, source, path, chapter, title, depts, amounts, deadline, free
):
    m = measure(source, path)
    assert (m.chapter.title if m.chapter else None) == chapter
    assert m.title == title
    assert departments(m) == depts
    assert m.amounts_yuan == amounts
    assert m.deadline_text == deadline[0]  # validity: tests/policies/test_validity_golden.py
    assert m.free_of_application is free


# The largest amount a measure grants: thresholds, targets and budgets it names are not support.
MAX_SUPPORT = [
    (ANSHAN_2024, "8", None),  # 单笔担保金额500万元以上 is a threshold
    (ANSHAN_2024, "14", 1500),
    (YINGKOU, "13", 1000000),  # not 网上零售额500万元以上
    (YINGKOU, "14", 2000000),  # not 增量每达1000万元
    (YINGKOU, "21", 400000),  # not 总投资达到80万元以上; 7000元 per kW
    (YINGKOU, "37", None),  # 每年安排30万元资金 is a budget for training
    (ANSHAN_2023, "3.1", 1000000),  # tiers of 5000万–5亿 increments
    (ANSHAN_2023, "5.1", None),  # 投资额度5亿元以上
    (ANSHAN_2023, "8.2", None),  # 出口额力争实现15亿元
    (ANSHAN_2023, "13.1", 10000000),
    (SANMENXIA, "1", 1000000),  # not 融资50亿元以上
]


@pytest.mark.parametrize("source,path,expected", MAX_SUPPORT)
def test_it_tells_support_amounts_from_thresholds(catalogue, source, path, expected):
    assert measure(source, path).max_amount_yuan == expected


def test_it_keeps_handling_paragraphs_and_places(catalogue):
    live_stream = measure(ANSHAN_2023, "2.2").handling.split("\n")
    assert live_stream[0].startswith("社零额部分：基地企业向属地县（市）区商务局申请")
    assert live_stream[1].startswith("直播示范基地部分：")
    assert live_stream[1].endswith("按照级别予以奖励。")
    housing = measure(ANSHAN_2023, "17.2").handling
    assert housing == (
        "窗口办理或登入“鞍山政务服务网”办理\n"
        "办理地点：市住房公积金管理中心城区综合办事大厅、各县（市）综合办事大厅"
    )
    assert measure(ANSHAN_2023, "3.1").handling == (
        "符合要求企业按条款要求，持企业营业执照、财务报表等相关材料，报所在县（市）区、"
        "开发区商务部门，由市商务局会同市统计部门进行审核，符合要求企业，拨付资金到企业。"
    )
    assert measure(YINGKOU, "13").handling == ""


def test_it_pairs_contacts_with_their_phones(catalogue):
    assert measure(ANSHAN_2023, "1.2").contacts == [
        {"name": "赵春娇", "role": "零售科科长", "phones": ["5899860"]},
        {"name": "熊克亮", "role": "外经与会展科科长", "phones": ["5899871"]},
    ]
    assert measure(ANSHAN_2023, "10.2").contacts == [
        {"name": "田峰", "role": "市工信局投资与规划科科长", "phones": ["2290021"]},
        {"name": "王纯", "role": "市发展改革委工业科科长", "phones": ["5597012"]},
        {"name": "刘守全", "role": "市生态环境局综合科科长", "phones": ["15842299066"]},
    ]
    assert measure(ANSHAN_2023, "13.3").contacts == [
        {"name": "李冰", "role": "规划与平台科科长", "phones": ["5225702"]},
        {"name": "张丽科", "role": "外国专家与国际合作科科长", "phones": ["5217151"]},
    ]
    # a role without a person's name still tells the enterprise whom to call
    assert measure(ANSHAN_2023, "12").contacts == [
        {"name": "王国飞", "role": "能源交通科", "phones": ["5532510"]}
    ]
    assert measure(ANSHAN_2023, "16.1").contacts == []
    assert measure(YINGKOU, "1").contacts == []


def test_it_keeps_the_whole_text_of_an_item_without_its_responsibility_note(catalogue):
    text = measure(ANSHAN_2024, "16").text
    assert text.startswith("持续优化营商环境。除根据重点监管事项清单")
    assert text.endswith("确保资金发挥应有效益。")
    assert "责任单位" not in text


def test_it_joins_hard_wrapped_lines(catalogue):
    # 三门峡's web page broke sentences and words across lines
    text = measure(SANMENXIA, "1").text
    assert "问题解决率不低于96%。广泛开展“四项”" in text
    assert "按其上年度技术合同成交额给予最高10%不超过100万元的后补助" in text
    assert "按季度开展全市“三个一批”活动" in measure(SANMENXIA, "5").text
    assert "落实“卖旧买新”等政策。" in measure(ANSHAN_2023, "17.1").text
    # the 鞍山 2024 title was wrapped inside 《》
    assert PolicyDocument.objects.get(source=ANSHAN_2024).title.count("《") == 1


def test_it_keeps_what_survives_of_a_truncated_source(catalogue):
    text = measure(SANMENXIA, "13").text
    assert text.startswith("加快开发区改革创新。全面推行“三化三制”")
    assert text.endswith("适时开展政策效果评估。")

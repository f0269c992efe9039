"""The field parsers, one table each."""

import pytest

from policies.importer import fields as f


@pytest.mark.parametrize(
    "text,amounts",
    [
        ("给予50万元、20万元后补助", [500000, 200000]),
        ("累计增量达到5亿元（包含）以上", [500000000]),
        ("补贴标准为每人1500元", [1500]),
        ("争取省级一次性100万奖补", [1000000]),
        ("不低于1000万专项资金支持", [10000000]),
        ("每千瓦最高不超过7000元补助", [7000]),
        ("处置闲置土地0.2009万亩", []),
        ("开祥化工10万吨PBT系列产品", []),
        ("单列10亿元再贷款", [1000000000]),
        ("1.5亿元和1.5亿元", [150000000]),
        ("最多补贴不超过2万元", [20000]),
    ],
)
def test_it_finds_money_amounts_in_yuan(text, amounts):
    assert f.amounts_yuan(text) == amounts


@pytest.mark.parametrize(
    "text,support",
    [
        ("给予累计增量达到5亿元（包含）以上的企业奖励100万元", [1000000]),
        ("2亿元（包含）至5亿元（不含）的奖励50万元", [500000]),
        ("餐饮收入增量100万元—200万元（不含）的，给予2万元奖励", [20000]),
        ("月度零售额增量每达1000万元，给予不超过5万元奖励", [50000]),
        ("试点出口额力争实现15亿元", []),
        ("每年安排30万元资金，有计划组织实施培训", []),
        ("最高不超过100万元进行奖励", [1000000]),
        ("单笔担保金额500万元以上的，再担保费率不高于0.5%", []),
    ],
)
def test_it_tells_support_from_thresholds(text, support):
    assert f.support_amounts_yuan(text) == support


@pytest.mark.parametrize(
    "text,names",
    [
        ("市工业和信息化局等", ["市工业和信息化局"]),
        ("市商务局；市农业农村局", ["市商务局", "市农业农村局"]),
        (
            "市财政局，各县（市、区）人民政府、经开区管委会",
            ["市财政局", "各县（市、区）人民政府", "经开区管委会"],
        ),
        (
            "市商务局，各县（市）区政府、开发区（园区）管委会等，以下均需各县（市）区政府落实，不再列出",
            ["市商务局", "各县（市）区政府", "开发区（园区）管委会"],
        ),
        (
            "市营商局（市审批局）、市数据局、市发改委等",
            ["市营商局（市审批局）", "市数据局", "市发改委"],
        ),
    ],
)
def test_it_splits_a_list_of_departments(text, names):
    assert f.split_departments(text) == names


def test_it_pairs_people_and_phones():
    assert f.contacts(
        "市工信局 中小企业发展科科长 吕兴光 市财政局 经济建设科科长 于立山", "2290086"
    ) == [
        {"name": "吕兴光", "role": "市工信局中小企业发展科科长", "phones": ["2290086"]},
        {"name": "于立山", "role": "市财政局经济建设科科长", "phones": ["2290086"]},
    ]
    assert f.contacts("", "") == []


@pytest.mark.parametrize(
    "text,number", [("一", 1), ("九", 9), ("十", 10), ("十三", 13), ("二十一", 21)]
)
def test_it_reads_chinese_numbers(text, number):
    assert f.chinese_number(text) == number


def test_it_refuses_what_is_not_a_chinese_number():
    with pytest.raises(ValueError):
        f.chinese_number("甲")


@pytest.mark.parametrize(
    "text,title",
    [
        ("支持产业创新和集群发展。支持先进装备制造产业", "支持产业创新和集群发展"),
        (
            "鼓励深入推进商旅文体融合，围绕“首发+”“夜间+”打造创新型、体验型、沉浸式消费新场景。",
            "鼓励深入推进商旅文体融合",
        ),
        ("深入实施工业大企业培育计划", "深入实施工业大企业培育计划"),
    ],
)
def test_it_takes_the_heading_phrase_as_title(text, title):
    assert f.short_title(text) == title


@pytest.mark.parametrize(
    "handling,free",
    [
        ("免申即享，市科技局按照技术合同成交额排名给予企事业单位后补助资金。", True),
        ("采取“免申即享”和自主申请相结合的模式进行。", False),
        ("由主办方报到主办方所在县区商务及财政部门", False),
        ("", False),
    ],
)
def test_it_knows_when_no_application_is_needed(handling, free):
    assert f.free_of_application(handling) is free

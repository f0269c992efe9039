"""How facts are worded on the pages: 万元/亿元, 办理方式 as steps, article labels."""

import pytest

from policies.formatting import article_label, excerpt, format_yuan, handling_steps


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (2500, "2,500 元"),
        (10_000, "1 万元"),
        (50_000, "5 万元"),
        (12_345, "1.2345 万元"),
        (1_000_000, "100 万元"),
        (99_990_000, "9,999 万元"),
        (100_000_000, "1 亿元"),
        (1_500_000_000, "15 亿元"),
        (150_000_000, "1.5 亿元"),
    ],
)
def test_it_formats_yuan_in_wan_and_yi(amount, text):
    assert format_yuan(amount) == text


def test_it_formats_nothing_as_empty():
    assert format_yuan(None) == ""


def test_it_splits_numbered_steps():
    assert handling_steps("1.企业提交申请；2.县区审核；3.市局复核。") == [
        "企业提交申请",
        "县区审核",
        "市局复核",
    ]
    assert handling_steps("（1）网上申报；（2）窗口受理") == ["网上申报", "窗口受理"]
    assert handling_steps("办理流程：①提交材料②审核") == ["办理流程：", "提交材料", "审核"]


def test_it_splits_sentences_lines_and_hand_offs():
    text = "企业提交申请材料。报所在县区商务部门，经县区审核通过后，由市商务局拨付资金。\n办理地点：市政务大厅"
    assert handling_steps(text) == [
        "企业提交申请材料",
        "报所在县区商务部门",
        "经县区审核通过后",
        "由市商务局拨付资金",
        "办理地点：市政务大厅",
    ]


def test_it_keeps_a_short_clause_with_the_one_before():
    assert handling_steps("依据省厅文件，由此办。") == ["依据省厅文件，由此办"]


def test_it_gives_no_steps_for_no_text():
    assert handling_steps("") == []
    assert handling_steps("  \n ") == []


def test_it_labels_articles_by_path():
    assert article_label([16]) == "第16条"
    assert article_label([3, 1]) == "第3条第（1）项"


def test_it_excerpts_around_the_first_match():
    text = "甲" * 100 + "补贴" + "乙" * 100
    cut = excerpt(text, ["补贴"], width=40)
    assert cut.startswith("…") and cut.endswith("…")
    assert "补贴" in cut
    assert len(cut) == 42
    assert excerpt("短文本\n 补贴", ["补贴"]) == "短文本 补贴"
    assert excerpt(text, ["没有"], width=10) == "甲" * 10 + "…"

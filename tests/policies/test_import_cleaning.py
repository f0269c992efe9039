"""Cleaned text carries no damage: no pinyin, no mojibake, no traditional characters, no chrome."""

import re

import pytest

from policies.importer.cleaning import (
    PINYIN_ANNOTATION,
    clean_line,
    join_wrapped,
    normalize_punctuation,
    remove_pinyin,
    split_lines,
    to_simplified,
)
from policies.importer.parsing import is_structural
from policies.models import EditorialNote, Measure, PolicyDocument

PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")


def cleaned_texts():
    for document in PolicyDocument.objects.all():
        yield document.source, document.clean_text
        yield document.source, document.title
    for measure in Measure.objects.select_related("document"):
        for text in (measure.title, measure.text, measure.handling, measure.deadline_text):
            yield measure.document.source, text


def test_it_leaves_no_damage_in_any_cleaned_text(catalogue):
    checked = 0
    for source, text in cleaned_texts():
        checked += 1
        assert not PINYIN_ANNOTATION.search(text), (source, PINYIN_ANNOTATION.search(text))
        assert "\ufffd" not in text, source
        assert not PRIVATE_USE.search(text), source
        assert to_simplified(text) == text, (source, [c for c in text if to_simplified(c) != c])
        assert "?" not in text, (source, text[max(0, text.find("?") - 10) : text.find("?") + 10])
        assert not re.search(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", text), source
    assert checked > 600


def test_it_keeps_the_verbatim_source(catalogue, settings):
    from pathlib import Path

    for document in PolicyDocument.objects.all():
        path = Path(settings.BASE_DIR) / "fixtures" / "sources" / document.source
        assert document.source_text == path.read_text(encoding="utf-8")


def test_it_drops_page_chrome_and_navigation_residue(catalogue):
    sanmenxia = PolicyDocument.objects.get(source__startswith="004_")
    assert "当前位置" not in sanmenxia.clean_text
    assert "星期四" not in sanmenxia.clean_text
    assert "发布日期" not in sanmenxia.clean_text
    # the page repeated the title above its metadata; the document keeps one
    assert sanmenxia.clean_text.split("\n").count("关于促进工业经济平稳增长的通知") == 1
    liaocheng = PolicyDocument.objects.get(source__startswith="003_")
    assert "目录导读" not in liaocheng.clean_text
    assert liaocheng.clean_text.endswith("上级出台新的规定的，按上级新规定执行。")


def test_it_keeps_every_sentence_of_the_source(catalogue):
    """Cleaning never drops content: every measure sentence is in the document's clean text."""
    for document in PolicyDocument.objects.prefetch_related("measures"):
        for measure in document.measures.all():
            for sentence in filter(None, re.split("[。\n]", measure.text)):
                assert sentence in document.clean_text, (document.source, measure.path_key)


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("區(qū)", "区"),
        ("經(jīng)濟", "经济"),
        ("縣(市)區", "县（市）区"),
        ("不動產投資信託基金(REITs)項目", "不动产投资信托基金（REITs）项目"),
        ("(責任單位:市工業和信息化局等)", "（责任单位：市工业和信息化局等）"),
        ("http://lqt.gxt.ln.gov.cn", "http://lqt.gxt.ln.gov.cn"),
        ("(3)深入落实", "（3）深入落实"),
    ],
)
def test_it_cleans_a_line(raw, clean):
    assert clean_line(raw) == clean


def test_it_only_removes_annotations_with_tone_marks():
    assert remove_pinyin("發(fā)展(REITs)(3)(市)") == "發展(REITs)(3)(市)"


def test_it_normalizes_punctuation_but_not_numbers():
    assert normalize_punctuation("2024-2025年,共5+2项:") == "2024-2025年，共5+2项："


def test_it_joins_only_unfinished_lines():
    lines = split_lines(
        "鞍山市贯彻落实《辽宁省进一步推动经济\n以进促稳若干措施》实施细则\n为全面贯彻落实。\n"
        "1.积极开展促消费活动\n（1）对各县区给予奖励。\n"
        + "很长的一行正文没有结束标点因为网页在这里硬换行了所以需要和下一行连接起来才行啊啊啊啊啊啊啊"
        + "\n\n下一行接着写。\n短标题\n正文开始。"
    )
    joined = [line.text for line in join_wrapped(lines, is_structural)]
    assert joined == [
        "鞍山市贯彻落实《辽宁省进一步推动经济以进促稳若干措施》实施细则",
        "为全面贯彻落实。",
        "1.积极开展促消费活动",
        "（1）对各县区给予奖励。",
        "很长的一行正文没有结束标点因为网页在这里硬换行了所以需要和下一行连接起来才行啊啊啊啊啊啊啊下一行接着写。",
        "短标题",
        "正文开始。",
    ]
    assert [line.number for line in join_wrapped(lines, is_structural)][:2] == [1, 3]


def test_it_shows_each_erratum_as_an_editorial_note(catalogue):
    notes = EditorialNote.objects.select_related("document", "measure")
    yingkou = [note for note in notes if note.document.source.startswith("001_")]
    assert len(yingkou) == 5
    potential = next(note for note in yingkou if "潜力" in note.correction)
    assert potential.garbled == "發(fā)展?jié)摿Υ蟮膫€體工商戶"
    assert potential.correction == "发展潜力大的个体工商户"
    assert potential.measure.path_key == "12"
    assert "发展潜力大的个体工商户" in potential.measure.text
    sanmenxia = [note for note in notes if note.document.source.startswith("004_")]
    # six errata, one of them (a missing 会 at two line ends) corrects two measures: a note
    # for each place it corrects
    assert len(sanmenxia) == 7
    assert sorted(n.measure.path_key for n in sanmenxia if "脱字" in n.reason) == ["5", "7"]
    # a note without correction leaves the text as it was
    missing = next(note for note in sanmenxia if note.correction == "")
    assert missing.measure.path_key == "8"
    assert "2022两岸智 会活动" in missing.measure.text

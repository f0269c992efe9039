"""Highlighting: the text escaped, every match of every term in <mark>, snippets around it."""

import re
from html import unescape

from django.utils.safestring import SafeString
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.search import highlight


def test_it_escapes_html_and_marks_every_match():
    html = highlight('<script>alert("补贴")</script>发放补贴，补贴资金', "补贴")
    assert isinstance(html, SafeString)
    assert "<script>" not in html
    assert html == (
        "&lt;script&gt;alert(&quot;<mark>补贴</mark>&quot;)&lt;/script&gt;"
        "发放<mark>补贴</mark>，<mark>补贴</mark>资金"
    )


def test_it_marks_every_term_and_merges_overlapping_matches():
    assert highlight("贷款贴息与补贴", "補貼 贴息") == "贷款<mark>贴息</mark>与<mark>补贴</mark>"
    assert highlight("补贴息", "补贴 贴息") == "<mark>补贴息</mark>"


def test_it_marks_ascii_terms_whatever_their_case():
    assert highlight("申报REITs项目", "reits") == "申报<mark>REITs</mark>项目"


def test_it_leaves_text_without_matches_escaped_and_unmarked():
    assert highlight("a < b", "补贴") == "a &lt; b"
    assert highlight("a < b", "") == "a &lt; b"
    assert highlight(None, "补贴") == ""


def test_it_cuts_a_snippet_around_the_first_match():
    text = "一二三四五六七八九十" * 3 + "补贴" + "甲乙丙丁戊己庚辛壬癸" * 3
    snippet = highlight(text, "补贴", max_length=20)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>补贴</mark>" in snippet
    visible = snippet.replace("<mark>", "").replace("</mark>", "").strip("…")
    assert len(visible) == 20 and visible in text


def test_it_cuts_a_snippet_from_the_start_without_a_match_and_keeps_short_text_whole():
    assert highlight("一二三四五六七八九十", "补贴", max_length=4) == "一二三四…"
    assert highlight("发放补贴", "补贴", max_length=40) == "发放<mark>补贴</mark>"


def test_it_does_not_cut_through_an_escaped_character():
    snippet = highlight("甲" * 10 + "&补贴&" + "乙" * 10, "补贴", max_length=6)
    assert "&amp;<mark>补贴</mark>&amp;" in snippet


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60), query=st.text(max_size=12))
def test_whatever_the_text_the_highlight_is_that_text_escaped_and_marked(text, query):
    """Taking the marks out and unescaping gives the text back, and the only tags are marks
    (``highlight`` escapes with ``html.escape``, as Django's ``escape`` does)."""
    html = highlight(text, query)
    assert re.sub(r"</?mark>", "", html).count("<") == 0
    assert unescape(re.sub(r"</?mark>", "", html)) == text
    assert highlight(text, query) == html  # the query's terms, kept, give the same

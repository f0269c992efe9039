"""Which measures a query matches: every term, as a contiguous substring of title or text."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.models import Measure
from policies.search import TITLE_WEIGHT, search_measures

from .synthetic import add_document, add_titled_measures


def make_measures(*title_and_texts):
    document = add_document()
    return document, add_titled_measures(document, *title_and_texts)


def found(document, query):
    return set(search_measures(Measure.objects.filter(document=document), query))


@pytest.mark.django_db
def test_it_requires_every_term():
    document, (both, subsidy, listing) = make_measures(
        ("上市补贴", "对上市企业给予补贴。"),
        ("消费补贴", "发放消费补贴。"),
        ("企业上市", "支持企业上市融资。"),
    )
    assert found(document, "补贴") == {both, subsidy}
    assert found(document, "上市") == {both, listing}
    assert found(document, "上市 补贴") == {both}
    assert found(document, "上市 补贴 融资") == set()


@pytest.mark.django_db
def test_it_requires_a_long_term_to_be_contiguous():
    document, (contiguous, scattered) = make_measures(
        ("专精特新奖励", "对专精特新企业给予奖励。"),
        ("特新与专精", "专精企业，特新产品，精特之处。"),
    )
    assert found(document, "专精特新") == {contiguous}
    assert found(document, "精特") == {contiguous, scattered}  # 专精特新 contains 精特


@pytest.mark.django_db
def test_it_matches_a_term_across_title_and_text_but_not_across_punctuation():
    document, (in_title, in_text, split) = make_measures(
        ("融资担保", "支持企业发展。"),
        ("支持企业", "降低融资担保费率。"),
        ("融资", "担保。融资，担保"),
    )
    assert found(document, "融资担保") == {in_title, in_text}


@pytest.mark.django_db
def test_it_finds_single_characters_anywhere_in_a_run():
    document, (first, middle, last, alone, absent) = make_measures(
        ("税收优惠", "减免。"),
        ("减税降费", "支持。"),
        ("减免", "增值税"),
        ("退", "税"),
        ("补贴", "奖励。"),
    )
    assert found(document, "税") == {first, middle, last, alone}
    assert found(document, "税 退") == {alone}


@pytest.mark.django_db
def test_it_matches_ascii_words_whatever_their_case():
    document, (reits, other) = make_measures(
        ("盘活存量资产", "申报不动产投资信托基金(REITs)项目。"),
        ("上市", "IPO辅导。"),
    )
    assert found(document, "reits") == {reits}
    assert found(document, "ＲＥＩＴＳ") == {reits}
    assert found(document, "ipo") == {other}
    assert found(document, "ipo辅导") == {other}  # a long term with Latin letters
    assert found(document, "reits项") == set()


@pytest.mark.django_db
def test_it_keeps_the_filters_applied_before_and_after():
    document, (subsidy, _) = make_measures(("消费补贴", "补贴。"), ("人才补贴", "补贴。"))
    other_document, (elsewhere,) = make_measures(("消费补贴", "补贴。"))
    both = Measure.objects.filter(document__in=[document, other_document])
    assert set(search_measures(both, "补贴")) == {subsidy, _, elsewhere}
    assert set(search_measures(both.filter(title__startswith="消费"), "补贴")) == {
        subsidy,
        elsewhere,
    }
    assert set(search_measures(both, "补贴").filter(document=other_document)) == {elsewhere}


@pytest.mark.django_db
def test_it_returns_the_queryset_ranked_zero_for_an_empty_query():
    document, measures = make_measures(("消费补贴", "补贴。"), ("人才", "引进。"))
    for query in ["", "   ", "，。！"]:
        result = search_measures(Measure.objects.filter(document=document), query)
        assert set(result) == set(measures)
        assert {m.search_rank for m in result} == {0}


ALPHABET = "补贴上市科技企业"  # few characters, so that words collide often
# terms are lower-cased (query_terms); the texts have both cases
word = st.text(alphabet=ALPHABET + "ab", min_size=1, max_size=4)
text = st.text(alphabet=ALPHABET + "，。 aB", max_size=30)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    titles_and_texts=st.lists(st.tuples(text, text), min_size=1, max_size=6),
    terms=st.lists(word, min_size=1, max_size=3),
)
def test_it_agrees_with_a_plain_substring_search(titles_and_texts, terms):
    with transaction.atomic():
        document, measures = make_measures(*titles_and_texts)
        expected = {
            m for m in measures if all(t in m.title.lower() or t in m.text.lower() for t in terms)
        }
        assert found(document, " ".join(terms)) == expected
        transaction.set_rollback(True)


long_word = st.text(alphabet=ALPHABET + "ab", min_size=3, max_size=5)


@st.composite
def term_and_measures(draw):
    """A longer term, and titles and texts pieced together from it (in either case) and
    other text, so that it occurs in them none, once or many times."""
    term = draw(long_word)
    piece = st.one_of(text, st.just(term), st.just(term.upper()))
    joined = st.lists(piece, max_size=6).map("".join)
    return term, draw(st.lists(st.tuples(joined, joined), min_size=1, max_size=6))


def overlapping(text, term):
    """Occurrences of ``term`` in ``text``, overlapping ones each counted (aaa has aa twice)."""
    return sum(text.startswith(term, i) for i in range(len(text)))


def test_overlapping_counts_every_start():
    assert overlapping("aaaa", "aa") == 3
    assert overlapping("专精特新，专精特新", "专精特新") == 2
    assert overlapping("", "aa") == 0


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(term_and_measures())
def test_a_longer_terms_rank_is_its_occurrences_and_the_title_weight(case):
    """A term of three or five characters: its occurrences in the text, counted in bytes by
    the database (``OctetLength``), in characters here, the same. A term of four characters
    is indexed (``MeasureQuad``): its occurrences in the title and the text, overlapping ones
    each counted, as for two characters."""
    term, titles_and_texts = case
    with transaction.atomic():
        document, measures = make_measures(*titles_and_texts)
        ranks = {
            m.pk: m.search_rank
            for m in search_measures(Measure.objects.filter(document=document), term)
        }
        if len(term) == 4:
            occurrences = {
                m.pk: overlapping(m.title.lower(), term) + overlapping(m.text.lower(), term)
                for m in measures
            }
        else:
            occurrences = {m.pk: m.text.lower().count(term) for m in measures}
        expected = {
            m.pk: occurrences[m.pk] + (TITLE_WEIGHT if term in m.title.lower() else 0)
            for m in measures
            if term in m.title.lower() or term in m.text.lower()
        }
        assert ranks == expected
        transaction.set_rollback(True)

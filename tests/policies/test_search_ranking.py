"""Results are ranked: a title match above a text-only match, more occurrences higher."""

import pytest

from policies.models import Measure
from policies.search import search_measures

from .synthetic import add_document, add_titled_measures


def make_measures(*title_and_texts):
    document = add_document()
    return document, add_titled_measures(document, *title_and_texts)


def ranked(document, query):
    result = search_measures(Measure.objects.filter(document=document), query)
    return list(result.order_by("-search_rank", "position"))


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["补贴", "消费补贴", "贴"])
def test_it_ranks_a_title_match_above_a_text_only_match(query):
    document, (text_only, in_title) = make_measures(
        ("支持消费", "发放消费补贴，补贴资金由财政安排，消费补贴按季度拨付。"),
        ("消费补贴", "按规定执行。"),
    )
    assert ranked(document, query) == [in_title, text_only]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["补贴", "消费补贴"])
def test_it_ranks_more_occurrences_higher(query):
    document, (once, thrice, twice) = make_measures(
        ("支持消费", "发放消费补贴。"),
        ("支持消费", "发放消费补贴，消费补贴资金，消费补贴拨付。"),
        ("支持消费", "发放消费补贴，消费补贴资金。"),
    )
    assert ranked(document, query) == [thrice, twice, once]


@pytest.mark.django_db
def test_it_adds_up_the_terms():
    document, (one_term, both_terms) = make_measures(
        ("企业上市", "支持企业上市。"),
        ("上市补贴", "对上市企业给予补贴。"),
    )
    assert ranked(document, "上市") == [one_term, both_terms]  # 上市 twice beats once
    document, (listing, listing_subsidy) = make_measures(
        ("企业上市", "支持企业上市，补贴。"),
        ("上市补贴", "对上市企业给予补贴。"),
    )
    assert ranked(document, "上市 补贴") == [listing_subsidy, listing]


@pytest.mark.django_db
def test_it_orders_the_real_catalogue_by_rank_with_title_matches_first(catalogue):
    result = list(search_measures(Measure.objects.all(), "补贴").order_by("-search_rank"))
    ranks = [m.search_rank for m in result]
    assert ranks == sorted(ranks, reverse=True)
    in_title = [i for i, m in enumerate(result) if "补贴" in m.title]
    text_only = [i for i, m in enumerate(result) if "补贴" not in m.title]
    assert in_title and text_only
    assert max(in_title) < min(text_only) or all(
        result[i].text.count("补贴") >= 10 for i in text_only[: len(in_title)]
    )

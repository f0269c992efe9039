"""The list page reads a longer search term's matches, (id, rank) for every one, straight
off the cursor (``policies.views.plain_rows``): the rows are those the ORM gives, in the same
order, on the real catalogue with and without filters, and the page shows them so."""

import datetime

import pytest
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse

from policies.filters import MeasureFilter
from policies.models import Measure
from policies.search import count_in_index
from policies.views import plain_rows

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 30)

QUERIES = [
    {"q": "专精特新"},
    {"q": "融资担保"},
    {"q": "技术改造"},
    {"q": "补贴资金"},
    {"q": "高新技术企业 奖励"},
    {"q": "企业 奖励"},
    {"q": "专精特新 企业"},
    {"q": "中小企业 专精特新"},
    {"q": "奖"},
    {"q": "REITs"},
    {"q": "专精特新", "status": "in_force"},
    {"q": "贷款贴息", "sort": "amount"},
    {"q": "融资担保", "sort": "amount"},
    {"q": "没有这样的词语"},
]


def searched(params):
    query = QueryDict(mutable=True)
    query.update(params)
    filterset = MeasureFilter(query, queryset=Measure.objects.all(), today=TODAY)
    assert filterset.form.is_valid(), filterset.form.errors
    return filterset.qs.values_list("pk", "search_rank")


@pytest.mark.parametrize("params", QUERIES, ids=lambda p: "&".join(p.values()))
def test_the_rows_are_the_orms(catalogue, params):
    rows = searched(params)
    expected = list(rows)
    found = plain_rows(rows)
    assert found == expected
    assert all(type(pk) is int and type(rank) is int for pk, rank in found)
    if params["q"] != "没有这样的词语":
        assert found, params  # the catalogue has them: the comparison is of something


def test_a_query_that_can_select_nothing_reads_no_rows(catalogue, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert plain_rows(Measure.objects.filter(pk__in=[]).values_list("pk")) == []
    rows = Measure.objects.filter(Q(pk__in=[]) | Q(pk=-1)).values_list("pk")
    assert plain_rows(rows) == []


def test_the_page_lists_them_in_rank_order_with_their_count(client, catalogue):
    expected = list(searched({"q": "补贴资金"}))
    response = client.get(reverse("policies:measure_list"), {"q": "补贴资金"})
    page = response.context["page"]
    assert page.paginator.count == len(expected)
    assert [(m.pk, m.search_rank) for m in page.object_list] == expected[: len(page.object_list)]


@pytest.mark.parametrize("query", ["企业", "专精特新", "专精特新 企业", "中小企业 专精特新 奖励"])
def test_a_query_of_indexed_terms_is_counted_in_the_index_alone(catalogue, query):
    """Two- and four-character terms: their index tables' rows intersected, the measures'
    rows not read; the count is the search's."""
    expected = searched({"q": query}).count()
    assert expected  # the catalogue has them
    assert count_in_index(query) == expected


def test_a_query_with_another_term_is_not_counted_in_the_index():
    assert count_in_index("专精特新企业") is None
    assert count_in_index("企业 高新技术企业") is None


@pytest.mark.parametrize(
    "query",
    ["企业", "奖励", "专精特新", "专精特新 企业", "中小企业 专精特新 奖励", "奖励 企业"],
)
def test_a_search_of_indexed_words_compiled_gives_the_orms_rows_and_count(catalogue, query):
    """``MeasureFilter.search_ids``: the rows of every page and the count, from statements
    compiled once per shape with the words put in, are the ORM's; two searches of one shape
    share the statements."""
    filterset = MeasureFilter(
        QueryDict(mutable=True) | {"q": query}, queryset=Measure.objects.all()
    )
    rows, matches = filterset.search_ids()
    expected = list(searched({"q": query}))
    assert expected and rows.statement is not None and matches.statement is not None
    assert matches.count() == len(expected) == count_in_index(query)
    assert rows[0 : len(expected) + 20] == expected
    assert rows[20:40] == expected[20:40]
    pools = {2: ["补贴", "资金", "支持"], 4: ["融资担保", "技术改造", "高新技术"]}
    other = " ".join(pools[len(word)][n] for n, word in enumerate(query.split()))
    again = MeasureFilter(QueryDict(mutable=True) | {"q": other}, queryset=Measure.objects.all())
    other_rows, other_matches = again.search_ids()
    assert other_rows.statement is rows.statement
    assert other_rows[0:1000] == list(searched({"q": other}))[:1000]
    assert other_matches.count() == count_in_index(other)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "专精特新企业"},
        {"q": "奖"},
        {"q": "企业", "city": "anshan"},
        {"q": "企业", "sort": "amount"},
    ],
)
def test_other_searches_are_not_compiled(catalogue, params):
    query = QueryDict(mutable=True)
    query.update(params)
    assert MeasureFilter(query, queryset=Measure.objects.all()).search_ids() is None

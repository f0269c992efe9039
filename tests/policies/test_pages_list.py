"""The measure list: search with highlighting, filters and page in the URL, compare boxes."""

import re

import pytest
from django.urls import reverse

from policies.models import Measure

pytestmark = pytest.mark.django_db

URL = reverse("policies:measure_list")


def titles(response):
    return [r["measure"].title for r in response.context["results"]]


def test_it_lists_measures_paginated(client, catalogue):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == Measure.objects.count()
    assert len(page.object_list) == 20
    second = client.get(URL + "?page=2")
    first_ids = {r["measure"].pk for r in response.context["results"]}
    assert first_ids.isdisjoint(r["measure"].pk for r in second.context["results"])
    assert second.context["page"].number == 2


def test_it_keeps_filters_in_the_pagination_links(client, catalogue):
    response = client.get(URL + "?topic=innovation&page=1")
    html = response.content.decode()
    assert response.context["page"].paginator.num_pages > 1
    assert 'href="?topic=innovation&amp;page=2"' in html


def test_it_highlights_the_search_words(client, catalogue):
    response = client.get(URL + "?q=上市")
    results = response.context["results"]
    assert results
    html = response.content.decode()
    assert "<mark>上市</mark>" in html
    for result in results:
        assert "<mark>" in result["title"] + result["snippet"]


def test_it_finds_the_same_measures_for_traditional_characters(client, catalogue):
    simplified = client.get(URL + "?q=补贴")
    traditional = client.get(URL + "?q=補貼")
    assert titles(simplified)
    assert titles(traditional) == titles(simplified)
    assert "<mark>补贴</mark>" in traditional.content.decode()


def test_it_ranks_a_title_match_first(client, catalogue):
    response = client.get(URL + "?q=上市")
    assert "上市" in titles(response)[0]


def test_it_keeps_what_was_typed_and_selected(client, catalogue):
    html = client.get(URL + "?q=科技&city=liaocheng&has_amount=on&sort=amount").content.decode()
    assert re.search(r'<input type="search" name="q" value="科技"', html)
    assert '<option value="liaocheng" selected>' in html
    assert re.search(r'name="has_amount"[^>]*checked', html)
    assert '<option value="amount" selected>' in html


def test_it_explains_a_bad_filter_next_to_the_field(client, catalogue):
    response = client.get(URL + "?status=whenever&q=补贴")
    assert response.status_code == 200
    html = response.content.decode()
    # the error is next to the field, and the field names it for screen readers
    assert 'id="id_status_error"' in html
    assert re.search(r'<select name="status" [^>]*aria-describedby="id_status_error"', html)
    assert "选择一个有效的选项" in html
    assert titles(response)  # the valid part of the query still answers


def test_it_says_so_when_nothing_matches(client, catalogue):
    html = client.get(URL + "?q=火星殖民").content.decode()
    assert "没有找到符合条件的措施" in html


def test_it_offers_compare_boxes_in_a_get_form(client, catalogue):
    html = client.get(URL).content.decode()
    assert f'<form id="compare-form" method="get" action="{reverse("policies:compare")}"' in html
    assert (
        len(re.findall(r'type="checkbox" name="m" value="\d+"[^>]*form="compare-form"', html)) == 20
    )


def test_it_redirects_the_header_search_to_the_list(client):
    response = client.get(reverse("search") + "?q=補貼")
    assert response.status_code == 302
    assert response["Location"] == URL + "?q=%E8%A3%9C%E8%B2%BC"
    assert client.get(reverse("search")).headers["Location"] == URL


def test_it_pages_through_a_longer_word_with_an_exact_count(client, catalogue):
    """A three-character word is ranked and counted by one query; its pages cover every match."""
    expected = {m.pk for m in Measure.objects.all() if "不超过" in m.title or "不超过" in m.text}
    assert len(expected) > 20
    first = client.get(URL, {"q": "不超过"})
    second = client.get(URL, {"q": "不超过", "page": 2})
    assert first.context["page"].paginator.count == len(expected)
    assert f"共 {len(expected)} 条措施" in first.content.decode()
    shown = [r["measure"].pk for r in first.context["results"] + second.context["results"]]
    assert len(shown) == len(set(shown)) and set(shown) == expected
    ranks = [r["measure"].search_rank for r in first.context["results"]]
    assert ranks == sorted(ranks, reverse=True)
    # past the end, or not a number: the last page and the first page
    assert client.get(URL, {"q": "不超过", "page": 9}).context["page"].number == 2
    assert client.get(URL, {"q": "不超过", "page": "x"}).context["page"].number == 1


CARD = re.compile(r'<article class="card measure-card.*?</article>', re.S)


def card_badges(html):
    """measure id → (support type names, (topic name, link) pairs) of each card on a page."""
    cards = {}
    for card in CARD.findall(html):
        pk = int(re.search(r'href="/policies/measures/(\d+)/"', card)[1])
        supports = re.findall(r'support-badge">([^<]+)<', card)
        topics = re.findall(
            r'<a class="badge rounded-pill topic-badge" href="([^"]+)">([^<]+)<', card
        )
        cards[pk] = (supports, [(name, link) for link, name in topics])
    return cards


@pytest.mark.parametrize(
    "url",
    [URL, URL + "?q=补贴", "/policies/topics/innovation/", None],  # None: a department's page
)
def test_each_card_shows_its_own_support_types_and_topics(client, catalogue, url):
    from django.db.models import Count

    from policies.models import Department

    if url is None:  # the department with the most measures
        department = Department.objects.annotate(n=Count("measures")).order_by("-n").first()
        url = department.get_absolute_url()
    cards = card_badges(client.get(url).content.decode())
    assert len(cards) >= 5
    shown_any = False
    for pk, (supports, topics) in cards.items():
        measure = Measure.objects.get(pk=pk)
        assert supports == [s.name for s in measure.support_types.all()], pk
        assert topics == [(t.name, t.get_absolute_url()) for t in measure.topics.all()], pk
        shown_any = shown_any or bool(supports and topics)
    assert shown_any

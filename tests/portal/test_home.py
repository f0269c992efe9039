"""The home page: search box, cities with measures in force, topics, deadlines, new documents."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from policies.models import City, Measure, PolicyDocument, Topic
from tests.policies.synthetic import add_measures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    """The home page caches its counts; every test here starts without them."""
    cache.clear()


def test_it_caches_the_counts_until_the_catalogue_changes(client, catalogue, settings):
    settings.PORTAL_TODAY = "2024-01-15"
    client.get(reverse("home"))
    added = add_measures(3, City.objects.get(slug="yingkou"), continuing=True)
    response = client.get(reverse("home"))
    yingkou = next(c for c in response.context["cities"] if c.slug == "yingkou")
    expected = Measure.objects.in_force(datetime.date(2024, 1, 15)).filter(
        document__city__slug="yingkou"
    )
    assert added.measures.count() == 3
    assert yingkou.in_force_count == expected.count()


def test_it_offers_a_labelled_search_box(client, catalogue):
    html = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("search")}" role="search"' in html
    assert '<label class="form-label fw-bold" for="home-search">' in html


def test_it_counts_the_measures_in_force_per_city(client, catalogue, settings):
    settings.PORTAL_TODAY = "2024-01-15"
    response = client.get(reverse("home"))
    today = datetime.date(2024, 1, 15)
    cities = {city.slug: city for city in response.context["cities"]}
    assert set(cities) == set(City.objects.values_list("slug", flat=True))
    for city in City.objects.all():
        expected = Measure.objects.in_force(today).filter(document__city=city).count()
        assert cities[city.slug].in_force_count == expected
    # 鞍山's draft does not count, nor do measures past their deadline.
    anshan = Measure.objects.filter(document__city__slug="anshan")
    assert cities["anshan"].in_force_count < anshan.count()


def test_it_lists_the_topics_with_counts(client, catalogue):
    response = client.get(reverse("home"))
    html = response.content.decode()
    for topic in Topic.objects.all():
        assert topic.get_absolute_url() in html


def test_it_lists_measures_whose_deadline_is_near(client, catalogue, settings):
    settings.PORTAL_TODAY = "2025-11-15"
    soon = add_measures(2, deadline=datetime.date(2025, 12, 1)).measures.all()
    add_measures(1, deadline=datetime.date(2026, 3, 1))  # too far off
    add_measures(1, deadline=datetime.date(2025, 11, 14))  # already past
    response = client.get(reverse("home"))
    deadlines = list(response.context["deadlines"])
    # Only the in-force ones: 鞍山's draft also has measures due 2025-12-31.
    assert Measure.objects.filter(document__status="draft", valid_until="2025-12-31").exists()
    assert {m.pk for m in deadlines} == {m.pk for m in soon}
    assert "还有 16 天" in response.content.decode()


def test_it_says_when_no_deadline_is_near(client, catalogue, settings):
    settings.PORTAL_TODAY = "2030-01-01"
    response = client.get(reverse("home"))
    assert not list(response.context["deadlines"])
    assert "没有即将截止的措施" in response.content.decode()


def test_it_lists_the_latest_documents_first(client, catalogue):
    response = client.get(reverse("home"))
    documents = list(response.context["documents"])
    dated = [d.issued_on for d in documents if d.issued_on]
    assert dated == sorted(dated, reverse=True)
    assert documents[0] == PolicyDocument.objects.exclude(issued_on=None).order_by("-issued_on")[0]


@pytest.mark.parametrize(
    ("today", "yingkou", "anshan"),
    [
        # 营口 第14条、第41条 are the year 2024's (即将到期 on its last day), the rest of 营口
        # states no validity; 鞍山 2024 takes effect on 2024-12-02 (its draft never counts)
        ("2024-12-01", 2, 0),
        ("2024-12-02", 2, 16),
        ("2024-12-31", 2, 16),
        ("2025-01-01", 0, 16),
    ],
)
def test_its_city_counts_flip_on_the_days_validity_changes(
    client, catalogue, settings, today, yingkou, anshan
):
    settings.PORTAL_TODAY = today
    cities = {city.slug: city for city in client.get(reverse("home")).context["cities"]}
    assert (cities["yingkou"].in_force_count, cities["anshan"].in_force_count) == (yingkou, anshan)

"""The home page: the three entry points first (find a policy, 政策自测, 在线申报), then the
measures 即将截止, cities with measures in force, topics and new documents."""

import datetime
import re

import pytest
from django.urls import reverse

from policies.models import City, Measure, PolicyDocument, Topic
from tests.caches import clear_caches
from tests.policies.synthetic import add_measures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    """The home page caches its counts; every test here starts without them."""
    clear_caches()


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


def test_it_leads_with_the_three_entry_points(client, catalogue):
    html = client.get(reverse("home")).content.decode()
    main = html[html.index('<main id="main"') :]  # the header's menu links to them too
    order = [
        'id="home-heading"',
        'id="find-heading"',
        f'action="{reverse("search")}" role="search"',
        'id="check-heading"',
        f'href="{reverse("eligibility:start")}"',
        'id="apply-heading"',
        f'href="{reverse("applications:my_applications")}"',
        'id="deadlines-heading"',
        'id="cities-heading"',
        'id="topics-heading"',
        'id="documents-heading"',
    ]
    positions = [main.index(marker) for marker in order]
    assert positions == sorted(positions)
    # each entry is a card with its heading: 查找政策, 政策自测, 在线申报
    headings = re.findall(r'<h2 id="(?:find|check|apply)-heading"[^>]*>([^<]+)</h2>', main)
    assert headings == ["查找政策", "政策自测", "在线申报"]


def test_its_deadlines_are_the_measures_expiring_soon_counted_by_hand(client, catalogue, settings):
    """On 2024-12-01 the window of 即将到期 runs to 2025-01-30 (60 days), both days included.
    The real catalogue has two measures in it (营口 第14条、第41条, due 2024-12-31); around them,
    synthetic ones due on every boundary."""
    settings.PORTAL_TODAY = "2024-12-01"
    due = datetime.date
    today_ = add_measures(1, deadline=due(2024, 12, 1)).measures.order_by("position")  # 0 days
    early = add_measures(3, deadline=due(2024, 12, 10)).measures.order_by("position")
    last = add_measures(4, deadline=due(2025, 1, 30)).measures.order_by("position")  # day 60
    synthetic = {m.document_id for m in [*today_, *early, *last]}
    later = add_measures(2, deadline=due(2025, 1, 31))  # day 61: 有效, not 即将到期
    gone = add_measures(2, deadline=due(2024, 11, 30))  # yesterday: 已到期
    draft = add_measures(2, deadline=due(2024, 12, 15), status="draft")  # 时效未明
    waiting = add_measures(2, deadline=due(2024, 12, 20), start=due(2024, 12, 2))  # 未生效
    excluded = {later.pk, gone.pk, draft.pk, waiting.pk}

    # The real catalogue's measures due in the window: 营口's two, and 鞍山's draft ones are
    # not in it (its draft's measures are due 2023 or 2025-12-31).
    in_window = Measure.objects.filter(valid_until__range=(due(2024, 12, 1), due(2025, 1, 30)))
    real = in_window.exclude(document__in=synthetic | excluded).order_by("position")
    assert [(m.document.city.slug, m.path_key) for m in real] == [
        ("yingkou", "14"),
        ("yingkou", "41"),
    ]
    # By date, then by document (营口's came first) and position; the first eight are shown.
    everything = [*today_, *early, *real, *last]
    shown = everything[:8]

    response = client.get(reverse("home"))
    assert [m.pk for m in response.context["deadlines"]] == [m.pk for m in shown]
    html = response.content.decode()
    section = html[html.index('id="deadlines-heading"') : html.index('id="cities-heading"')]
    assert "即将截止" in section
    assert re.findall(r'<a href="(/policies/measures/\d+/)">', section) == [
        m.get_absolute_url() for m in shown
    ]
    assert section.count("营口市") == 2
    assert '<time datetime="2024-12-31">2024年12月31日 截止</time>' in section
    assert "还有 0 天" in section and "还有 60 天" in section

    # "the full list": the measure list filtered on 即将到期 shows all ten
    assert 'href="/policies/measures/?status=ending_soon"' in section
    full = client.get("/policies/measures/?status=ending_soon").content.decode()
    for measure in everything:
        assert measure.get_absolute_url() in full
    for document in excluded:
        for measure in Measure.objects.filter(document=document):
            assert measure.get_absolute_url() not in full

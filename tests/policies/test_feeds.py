"""Atom feeds of new measures per city and per topic: valid Atom, newest first, public
measures only (not retired, not repealed), linking to the measure pages."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from policies import publishing
from policies.models import City, Measure, PolicyDocument, Topic

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for name in ("title", "id", "updated"):
        assert root.find(f"{ATOM}{name}") is not None, name
    entries = []
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("title", "id", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        link = entry.find(f"{ATOM}link").get("href")
        pk = int(link.rstrip("/").rsplit("/", 1)[1])
        assert link.startswith("http://testserver/policies/measures/")
        entries.append((pk, entry.findtext(f"{ATOM}title")))
    return root, entries


def test_the_city_feed(client, catalogue):
    city = City.objects.get(slug="anshan")
    root, entries = parse(client.get("/feeds/cities/anshan/"))
    assert root.findtext(f"{ATOM}title") == "鞍山市 · 新发布的惠企政策措施"
    pks = [pk for pk, _title in entries]
    expected = list(
        Measure.objects.filter(document__city=city).order_by("-pk").values_list("pk", flat=True)
    )[:50]
    assert pks == expected and len(pks) == 50  # newest first, the 50 newest
    assert all(title.startswith("鞍山市 · ") for _pk, title in entries)
    other = Measure.objects.exclude(document__city=city).values_list("pk", flat=True)
    assert not set(pks) & set(other)


def test_the_topic_feed(client, catalogue):
    topic = Topic.objects.filter(measures__isnull=False).order_by("pk").first()
    _root, entries = parse(client.get(f"/feeds/topics/{topic.slug}/"))
    pks = [pk for pk, _title in entries]
    assert pks and pks == sorted(pks, reverse=True)
    assert set(pks) <= set(Measure.objects.filter(topics=topic).values_list("pk", flat=True))


def test_only_public_measures(client, catalogue):
    city = City.objects.get(slug="anshan")
    newest = Measure.objects.filter(document__city=city).order_by("-pk")
    retired = newest[0]
    Measure.all_objects.filter(pk=retired.pk).update(retired_at=timezone.now())
    document = newest[0].document  # a measure of another document of the city, or the same
    publishing.repeal(document, on=datetime.date(2025, 1, 1), basis="测试废止")
    repealed = set(Measure.all_objects.filter(document=document).values_list("pk", flat=True))
    _root, entries = parse(client.get("/feeds/cities/anshan/"))
    pks = {pk for pk, _title in entries}
    assert retired.pk not in pks and not pks & repealed
    assert pks  # the city's other documents are still there
    assert pks <= set(Measure.objects.filter(document__city=city).values_list("pk", flat=True))


def test_unknown_city_or_topic_is_a_404(client, catalogue):
    assert client.get("/feeds/cities/atlantis/").status_code == 404
    assert client.get("/feeds/topics/atlantis/").status_code == 404


def test_the_city_and_topic_pages_announce_their_feeds(client, catalogue):
    page = client.get("/policies/cities/anshan/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/feeds/cities/anshan/"' in page
    topic = Topic.objects.order_by("pk").first()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert f'href="/feeds/topics/{topic.slug}/"' in page


def test_a_feed_runs_a_bounded_number_of_queries(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # revision, city, measures with documents
        response = client.get("/feeds/cities/anshan/")
    assert response["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(1):  # from the page cache: the revision
        assert client.get("/feeds/cities/anshan/")["X-Page-Cache"] == "hit"
    assert PolicyDocument.objects.exists()

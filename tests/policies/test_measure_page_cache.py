"""A measure's page is served from the cache until the catalogue changes, and only then.

The page is stored whole per catalogue revision and day (portal.pagecache); a page
served from the cache runs one query. A staff edit in the admin, a save that reindexes the
measure, and the passing of a day each show at once.
"""

import re

import pytest
from django.urls import reverse

from policies.models import Measure, Topic
from tests.caches import clear_caches

from .helpers import admin_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def measure(catalogue):
    return Measure.objects.get(document__source__startswith="002_", path_key="1.1")


def page(client, measure):
    response = client.get(measure.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_it_serves_the_page_again_from_the_cache_in_one_query(
    client, measure, django_assert_num_queries
):
    first = page(client, measure)
    with django_assert_num_queries(1):  # the catalogue version
        again = page(client, measure)
    assert without_csrf_token(again) == without_csrf_token(first)  # the token is per response
    assert measure.title in again


def without_csrf_token(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_it_shows_a_staff_edit_in_the_admin_at_once(client, admin_client, measure):
    assert "经复核的新标题" not in page(client, measure)
    url = reverse("admin:policies_measure_change", args=[measure.pk])
    data = admin_post_data(admin_client.get(url))
    data["title"] = "经复核的新标题"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "经复核的新标题" in page(client, measure)


def test_it_shows_a_topic_renamed_in_the_admin_at_once(client, admin_client, measure):
    topic = measure.topics.first()
    assert topic.name in page(client, measure)
    url = reverse("admin:policies_topic_change", args=[topic.pk])
    data = admin_post_data(admin_client.get(url))
    data["name"] = "改名后的主题"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Topic.objects.get(pk=topic.pk).name == "改名后的主题"
    assert "改名后的主题" in page(client, measure)


def test_it_shows_a_measure_saved_and_reindexed_at_once(client, measure):
    page(client, measure)
    measure.text = "保存后的新正文，对企业给予补贴。"
    measure.save()  # reindexed for search: the version changes
    assert "保存后的新正文" in page(client, measure)


def test_it_computes_the_validity_badge_again_on_another_day(client, settings, catalogue):
    measure = Measure.objects.get(document__source__startswith="001_", path_key="14")
    settings.PORTAL_TODAY = measure.valid_until.isoformat()
    assert 'data-status="ending_soon"' in page(client, measure)
    settings.PORTAL_TODAY = measure.valid_until.replace(
        year=measure.valid_until.year + 1
    ).isoformat()
    assert 'data-status="expired"' in page(client, measure)


def test_it_answers_404_for_a_missing_measure_and_caches_nothing(client, catalogue):
    missing = Measure.objects.order_by("-pk").first().pk + 1000
    url = reverse("policies:measure", args=[missing])
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404

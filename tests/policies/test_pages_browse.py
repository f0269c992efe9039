"""Browsing by city, department and topic."""

import pytest
from django.urls import reverse

from policies.models import City, Department, Measure, Topic
from tests.caches import clear_caches

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    """Topic pages cache their per-city counts; every test here starts without them."""
    clear_caches()


def test_it_shows_a_city_with_its_documents_measures_and_departments(client, catalogue):
    city = City.objects.get(slug="anshan")
    response = client.get(city.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for document in city.documents.all():
        assert document.get_absolute_url() in html
    for measure in Measure.objects.filter(document__city=city):
        assert measure.get_absolute_url() in html
    busy = Department.objects.filter(city=city, measures__isnull=False).first()
    assert busy.get_absolute_url() in html
    assert (
        f"现行有效措施 {Measure.objects.in_force().filter(document__city=city).count()} 条" in html
    )


def test_it_answers_404_for_an_unknown_city(client, catalogue):
    assert client.get(reverse("policies:city", args=["atlantis"])).status_code == 404


def test_it_shows_the_measures_a_department_is_responsible_for(client, catalogue):
    department = Department.objects.filter(measures__isnull=False).order_by("pk").distinct().first()
    response = client.get(department.get_absolute_url())
    assert response.status_code == 200
    shown = {measure.pk for measure in response.context["page"]}
    assert shown == set(department.measures.values_list("pk", flat=True)[:20])
    assert response.context["page"].paginator.count == department.measures.count()
    assert str(department) in response.content.decode()


def test_it_answers_404_for_an_unknown_department(client, catalogue):
    assert client.get(reverse("policies:department", args=[999999])).status_code == 404


def test_it_shows_a_topic_with_its_measures_and_cities(client, catalogue):
    topic = Topic.objects.get(slug="finance")
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    assert response.context["page"].paginator.count == topic.measures.count()
    for measure in response.context["page"]:
        assert topic in measure.topics.all()
    html = response.content.decode()
    for city in response.context["cities"]:
        count = Measure.objects.filter(topics=topic, document__city=city).count()
        assert f'?topic=finance&amp;city={city.slug}">{city.name}（{count}）' in html


def test_it_answers_404_for_an_unknown_topic(client, catalogue):
    assert client.get(reverse("policies:topic", args=["astrology"])).status_code == 404


def test_it_shows_breadcrumbs(client, catalogue):
    measure = Measure.objects.get(document__source__startswith="001_", path_key="16")
    html = client.get(measure.get_absolute_url()).content.decode()
    assert 'aria-label="当前位置"' in html
    assert f'<a href="{measure.document.city.get_absolute_url()}">营口市</a>' in html
    assert 'aria-current="page"' in html

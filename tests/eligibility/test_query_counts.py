"""Evaluating a whole city is three queries; every page a constant number of queries."""

import pytest
from django.urls import reverse

from policies.eligibility import services
from policies.eligibility.models import SavedCheck
from policies.models import Measure
from portal.dates import today

pytestmark = pytest.mark.django_db

PROFILE = {
    "industry": "wholesale_retail",
    "above_scale": True,
    "first_entered_stats": True,
    "online_retail": 800,
    "stats_retail": 2000,
}


@pytest.mark.parametrize("slug", ["yingkou", "anshan", "liaocheng", "sanmenxia"])
def test_it_evaluates_a_profile_against_a_whole_city_in_three_queries(
    django_assert_max_num_queries, rules, slug
):
    """The measures with their rules, the questions, the dated parameters (the LPR)."""
    from policies.models import City

    city = City.objects.get(slug=slug)
    with django_assert_max_num_queries(3):
        outcome = services.run_check(city, PROFILE, today())
        total = sum(len(entries) for entries in outcome.groups.values())
    assert total == Measure.objects.filter(document__city=city).count()


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("slug", ["yingkou", "anshan"])
def test_the_pages_take_a_constant_number_of_queries(
    client, django_assert_max_num_queries, rules, slug
):
    from policies.models import City

    city = City.objects.get(slug=slug)
    check = SavedCheck.objects.create(city=city, answers=PROFILE)
    with django_assert_max_num_queries(2):
        _get(client, reverse("eligibility:start"))
    with django_assert_max_num_queries(5):
        _get(
            client, reverse("eligibility:questions", kwargs={"city": slug}) + f"?from={check.token}"
        )
    with django_assert_max_num_queries(5):
        _get(client, check.get_absolute_url())

"""Evaluating a whole city is a few queries; every page of the self-check a constant number."""

import pytest
from django.urls import reverse

from policies.eligibility import services
from policies.eligibility.models import SavedCheck
from policies.models import Measure
from portal.dates import today

pytestmark = pytest.mark.django_db

PROFILE = {
    "industry": "F",
    "industry_detail": "retail",
    "above_scale": True,
    "employees": 30,
    "revenue_last_year": 800,
    "identity": ["private"],
    "activities": ["ecommerce"],
}


@pytest.mark.parametrize("slug", ["yingkou", "anshan", "liaocheng", "sanmenxia"])
def test_it_evaluates_a_profile_against_a_whole_city_in_four_queries(
    django_assert_max_num_queries, rules, slug
):
    """The measures with their rules, the questions, the dated parameters (the LPR), the
    不重复享受 rules among the measures."""
    from policies.models import City

    city = City.objects.get(slug=slug)
    with django_assert_max_num_queries(4):
        outcome = services.run_check(city, PROFILE, today())
        total = sum(len(entries) for entries in outcome.groups.values())
    assert total == Measure.objects.filter(document__city=city).count()


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    return response


@pytest.mark.parametrize("slug", ["yingkou", "anshan"])
def test_the_pages_take_a_constant_number_of_queries(
    client, django_assert_max_num_queries, rules, slug
):
    from policies.models import City

    city = City.objects.get(slug=slug)
    check = SavedCheck.objects.create(city=city, answers=PROFILE)
    step = reverse("eligibility:step", kwargs={"token": check.token, "section": "profile"})
    with django_assert_max_num_queries(2):
        _get(client, reverse("eligibility:start"))
    for url, status, bound in [
        (reverse("eligibility:questions", kwargs={"city": slug}), 200, 7),
        (check.next_url(), 302, 6),
        (step + "?edit=1", 200, 8),
        (check.summary_url(), 200, 6),
        (check.get_absolute_url(), 200, 8),
    ]:
        with django_assert_max_num_queries(bound):
            _get(client, url, status)

"""Every list and detail page runs a constant number of queries, however much data."""

import pytest
from django.urls import reverse

from applications import services

from .conftest import submitted
from .helpers import attach

pytestmark = pytest.mark.django_db


def grow(personas, measure, client, n):
    client.force_login(personas.enterprise_a)
    for _ in range(n):
        application = services.create_draft(personas.enterprise_a, measure)
        attach(client, application)
        attach(client, application, material="财务报表")
        application = services.submit(application, personas.enterprise_a)
        services.approve_step(application, personas.district_staff_a, comment="同意")
        services.approve_step(application, personas.city_commerce)


def count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("n", [1, 6])
def test_my_applications(client, personas, measure, django_assert_max_num_queries, n):
    client.force_login(personas.enterprise_a)
    grow(personas, measure, client, n)
    count_queries(client, reverse("applications:my_applications"), django_assert_max_num_queries, 9)


@pytest.mark.parametrize("n", [1, 6])
def test_application_detail(client, personas, measure, django_assert_max_num_queries, n):
    client.force_login(personas.enterprise_a)
    grow(personas, measure, client, n)  # more events and sign-offs on each
    application = personas.enterprise_a.enterprise_membership.enterprise.applications.first()
    for _ in range(n):
        attach(client, services.create_draft(personas.enterprise_a, measure))
    count_queries(
        client,
        reverse("applications:detail", args=[application.pk]),
        django_assert_max_num_queries,
        12,
    )


@pytest.mark.parametrize("n", [1, 6])
def test_admin_changelist_and_change_page(
    client, personas, measure, django_assert_max_num_queries, n
):
    client.force_login(personas.enterprise_a)
    grow(personas, measure, client, n)
    submitted(personas.enterprise_a, measure)
    client.force_login(personas.district_staff_a)
    count_queries(
        client,
        reverse("admin:applications_application_changelist"),
        django_assert_max_num_queries,
        16,
    )
    application = personas.enterprise_a.enterprise_membership.enterprise.applications.first()
    count_queries(
        client,
        reverse("admin:applications_application_change", args=[application.pk]),
        django_assert_max_num_queries,
        22,  # the application is read for its actions, then by Django's change view
    )


def test_the_count_does_not_grow(client, personas, measure, django_assert_max_num_queries):
    client.force_login(personas.enterprise_a)
    url = reverse("applications:my_applications")
    grow(personas, measure, client, 1)
    small = count_queries(client, url, django_assert_max_num_queries, 50)
    grow(personas, measure, client, 5)
    large = count_queries(client, url, django_assert_max_num_queries, 50)
    assert small == large
    client.force_login(personas.city_commerce)
    url = reverse("admin:applications_application_changelist")
    small = count_queries(client, url, django_assert_max_num_queries, 50)
    grow(personas, measure, client, 3)
    client.force_login(personas.city_commerce)
    assert count_queries(client, url, django_assert_max_num_queries, 50) == small


def test_the_desk_and_the_export_do_not_grow(
    client, personas, measure, django_assert_max_num_queries
):
    """The staff desk (admin index) and the queue's exports cost the same for 3 or 12
    applications."""
    from applications import services

    client.force_login(personas.enterprise_a)
    urls = [
        reverse("admin:index"),
        reverse("admin:applications_application_export", args=["csv"]),
        reverse("admin:applications_application_export", args=["xlsx"]),
    ]
    counts = []
    for n in (3, 12):  # three or more: every section of the desk has rows
        while len(personas.enterprise_a.enterprise_membership.enterprise.applications.all()) < n:
            application = submitted(personas.enterprise_a, measure)
            if application.pk % 3 == 0:
                services.return_for_supplement(application, personas.district_staff_a, "补充")
            elif application.pk % 3 == 1:
                services.approve_step(application, personas.district_staff_a)
        client.force_login(personas.district_staff_a)
        counts.append(
            [count_queries(client, url, django_assert_max_num_queries, 30) for url in urls]
        )
    assert counts[0] == counts[1]


@pytest.mark.parametrize("n", [1, 6])
def test_statistics_pages(client, personas, measure, django_assert_max_num_queries, n):
    """The public statistics and the department's: a fixed number of queries (the page is
    not cached, so this bound is its cost)."""
    grow(personas, measure, client, n)
    client.logout()
    count_queries(client, reverse("statistics"), django_assert_max_num_queries, 12)
    count_queries(
        client,
        reverse("statistics") + "?format=csv&table=department",
        django_assert_max_num_queries,
        11,
    )
    client.force_login(personas.district_staff_a)
    count_queries(
        client,
        reverse("admin:applications_application_statistics"),
        django_assert_max_num_queries,
        18,
    )

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


def _listed(personas, n):
    """``n`` 免申即享 items of enterprise A waiting (13（5）), from one list of ``n`` rows
    each (the other rows: enterprises not registered)."""
    from decimal import Decimal

    from applications import exempt, workflow
    from applications.models import BeneficiaryList

    from .conftest import make_staff, measure_at, uscc

    measure = measure_at("13.5")
    department = workflow.responsible(measure)[0]
    staff = make_staff(f"science{n}", department)
    enterprise = personas.enterprise_a.enterprise_membership.enterprise
    lists = []
    for k in range(n):
        blist = BeneficiaryList.objects.create(
            measure=measure, department=department, year=2023, title=f"名单{k}", created_by=staff
        )
        rows = [
            exempt.Row(2, enterprise.uscc, enterprise.name, "依据", Decimal("1000"), enterprise)
        ]
        rows += [
            exempt.Row(
                3 + r, uscc(f"91210302MA0P{n}{k}{r:02d}1"), f"未注册{r}", "依据", Decimal("1")
            )
            for r in range(n)
        ]
        exempt.replace_rows(blist, rows)
        exempt.issue(blist, staff)
        lists.append(blist)
    return staff, lists


def test_the_exempt_pages_do_not_grow(client, personas, django_assert_max_num_queries):
    """我的申报 with 免申即享 items, an item's page, the lists and a list's page cost the same
    for 1 or 5 items and rows."""
    counts = []

    def count_queries(client, url, fixture, limit):  # after a first request (warm caches)
        client.get(url)
        return globals()["count_queries"](client, url, fixture, limit)

    for n in (1, 5):
        staff, lists = _listed(personas, n)
        client.force_login(personas.enterprise_a)
        item = lists[-1].rows.get(line=2).application
        row = [
            count_queries(
                client, reverse("applications:my_applications"), django_assert_max_num_queries, 12
            ),
            count_queries(
                client,
                reverse("applications:detail", args=[item.pk]),
                django_assert_max_num_queries,
                14,
            ),
        ]
        client.force_login(staff)
        row += [
            count_queries(
                client,
                reverse("admin:applications_beneficiarylist_changelist"),
                django_assert_max_num_queries,
                16,
            ),
            count_queries(
                client,
                reverse("admin:applications_beneficiarylist_change", args=[lists[-1].pk]),
                django_assert_max_num_queries,
                20,
            ),
        ]
        counts.append(row)
    assert counts[0] == counts[1]

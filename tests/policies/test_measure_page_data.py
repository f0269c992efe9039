"""A measure's page reads its links in one statement and shares the topics, support types and
departments of the catalogue's revision (``policies.views.measure_page_data``): for every
measure of the real catalogue it shows what the ORM reads of that measure — the same topics
and support types in their order, the same responsible departments in the document's order,
the same editorial notes and the same related measures of its main topic."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.models import Department, District, EditorialNote, Measure, MeasureDepartment
from policies.views import measure_page_data, similar_measures
from tests.caches import clear_caches

pytestmark = pytest.mark.django_db


def department_line(link):
    department = link.department
    return (link.pk, link.position, department.pk, str(department), department.get_absolute_url())


def test_every_measures_page_shows_what_the_orm_reads(catalogue):
    clear_caches()
    measures = list(
        Measure.all_objects.select_related("document")
        .prefetch_related("topics", "support_types")
        .order_by("pk")
    )
    assert len(measures) > 100
    seen = dict.fromkeys(["topics", "supports", "departments", "notes", "related"], 0)
    for measure in measures:
        data = measure_page_data(measure.pk, revision=1)
        assert data["measure"].pk == measure.pk
        assert data["topics"] == list(measure.topics.all())
        assert data["support_types"] == list(measure.support_types.all())
        links = MeasureDepartment.objects.filter(measure=measure).select_related(
            "department__city", "department__district__city"
        )
        assert [department_line(link) for link in data["measure"].department_links] == [
            department_line(link) for link in links.order_by("position", "pk")
        ]
        assert data["notes"] == list(EditorialNote.objects.filter(measure=measure).order_by("pk"))
        # the main topic passed on equals the one read in SQL (its first link)
        expected = similar_measures(measure, other_city_than=measure.document.city_id)
        assert [m.pk for m in data["related"]] == [m.pk for m in expected], measure.pk
        seen["topics"] += bool(data["topics"])
        seen["supports"] += bool(data["support_types"])
        seen["departments"] += bool(data["measure"].department_links)
        seen["notes"] += bool(data["notes"])
        seen["related"] += bool(data["related"])
    assert all(seen.values()), seen  # the catalogue exercises every part


def test_the_revisions_departments_are_read_once_and_a_new_one_is_found(catalogue):
    clear_caches()
    measures = [
        link.measure_id for link in MeasureDepartment.objects.order_by("measure_id")[:40:10]
    ]
    measure_page_data(measures[0], revision=5)

    def queries(pk, revision):
        with CaptureQueriesContext(connection) as captured:
            measure_page_data(pk, revision=revision)
        return [query["sql"] for query in captured]

    def reads_departments(sql):
        return sum(f'FROM "{Department._meta.db_table}"' in query for query in sql)

    for pk in measures[1:]:
        assert reads_departments(queries(pk, 5)) == 0  # kept for the revision
    assert reads_departments(queries(measures[1], 6)) == 1  # a new revision: read again
    # a department linked after its revision's departments were kept (a page asked for
    # between the change and its revision being read): read then, not missing
    measure = Measure.objects.get(pk=measures[2])
    district = District.objects.first()
    new = Department.objects.create(
        district=district, province=district.city.province, name="新设局", level="district"
    )
    MeasureDepartment.objects.create(measure=measure, department=new, position=99)
    lines = [
        str(link.department)
        for link in measure_page_data(measure.pk, 6)["measure"].department_links
    ]
    assert lines[-1] == str(new)

"""``portal.compiled``: a query compiled once gives, for every id, what the ORM gives —
the same rows in the same order, with the same field values, deferred fields, annotations
and ``select_related`` objects — in one statement per call, built and compiled only at the
first; and what it cannot compile faithfully it refuses."""

import pytest
from django.db import connection
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext

from policies.models import (
    Department,
    District,
    EditorialNote,
    Measure,
    MeasureDepartment,
    PolicyDocument,
    SupportType,
    Topic,
)
from policies.views import department_links, measure_notes, page_measure
from portal.compiled import compiled


# Queries of a measure's page as they were written before its links were read in one
# statement (policies.views.measure_links): examples of a join, a select_related two levels
# deep and an ordering.
@compiled
def measure_topics(pk):
    return Topic.objects.filter(measures=pk)


@compiled
def measure_support_types(pk):
    return SupportType.objects.filter(measures=pk)


@compiled
def measure_department_links(pk):
    return department_links().queryset.filter(measure=pk)


def loaded(obj, within=()):
    """Everything an instance holds: its field values, which fields are deferred, its
    annotations, and the related objects loaded with it (recursively; an object it was
    reached from, as a one-to-one's reverse side points back, is named, not followed)."""
    data = {key: value for key, value in vars(obj).items() if key != "_state"}
    data["deferred"] = sorted(obj.get_deferred_fields())
    for name, related in sorted(obj._state.fields_cache.items()):
        if related is None:
            data[f"related:{name}"] = None
        elif any(related is outer for outer in within):
            data[f"related:{name}"] = ("back", type(related).__name__, related.pk)
        else:
            data[f"related:{name}"] = loaded(related, (*within, obj))
    return (type(obj).__name__, data)


def same_as_orm(function, build, pk):
    got = function(pk)
    expected = list(build(pk))
    assert [loaded(obj) for obj in got] == [loaded(obj) for obj in expected]
    return got


def test_compiled_queries_give_what_the_orm_gives_for_every_measure(catalogue):
    ids = list(Measure.all_objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) > 100
    nonempty = dict.fromkeys(["measure", "topics", "supports", "links", "notes"], 0)
    for pk in [*ids, max(ids) + 1]:
        nonempty["measure"] += bool(same_as_orm(page_measure, page_measure.__wrapped__, pk))
        nonempty["topics"] += bool(same_as_orm(measure_topics, measure_topics.__wrapped__, pk))
        nonempty["supports"] += bool(
            same_as_orm(measure_support_types, measure_support_types.__wrapped__, pk)
        )
        nonempty["links"] += bool(
            same_as_orm(measure_department_links, measure_department_links.__wrapped__, pk)
        )
        nonempty["notes"] += bool(same_as_orm(measure_notes, measure_notes.__wrapped__, pk))
    # the catalogue exercises each of them: rows found, and (the id past the last) none
    assert nonempty["measure"] == len(ids)
    assert all(nonempty.values()), nonempty
    assert nonempty["links"] > len(ids) // 2 and nonempty["notes"] < len(ids)


def test_select_related_objects_are_loaded_not_fetched_later(catalogue):
    measure = Measure.objects.filter(chapter__isnull=False).first()
    (found,) = page_measure(measure.pk)
    with CaptureQueriesContext(connection) as queries:
        assert found.document.city.name and found.chapter.title
        # deferred like the ORM's: the document's full texts are not loaded
        assert {"source_text", "clean_text"} <= found.document.get_deferred_fields()
    assert len(queries) == 0
    district = District.objects.first()
    MeasureDepartment.objects.create(
        measure=measure,
        department=Department.objects.create(
            district=district, province=district.city.province, name="测试局", level="district"
        ),
        position=99,
    )
    links = [
        link
        for pk in MeasureDepartment.objects.values_list("measure_id", flat=True).distinct()
        for link in measure_department_links(pk)
    ]
    assert any(link.department.district_id for link in links)
    with CaptureQueriesContext(connection) as queries:
        # the department's city, or its district and the district's city: loaded
        assert all(str(link.department) for link in links)
    assert len(queries) == 0


def test_annotations_and_a_second_id_reach_the_sql(catalogue):
    @compiled
    def topics_counted(measure_id, other_id):
        return (
            Topic.objects.filter(measures=measure_id)
            .exclude(pk=other_id)
            .annotate(n=Count("measures"), twice=F("order") * 2)
            .order_by("order")
        )

    measure = Measure.objects.annotate(n=Count("topics")).filter(n__gte=2).first()
    first, *others = list(measure.topics.order_by("order"))
    got = same_as_orm(
        lambda pk: topics_counted(pk, first.pk),
        lambda pk: topics_counted.__wrapped__(pk, first.pk),
        measure.pk,
    )
    assert [t.pk for t in got] == [t.pk for t in others]
    assert all(t.n >= 1 and t.twice == 2 * t.order for t in got)
    # the arguments are put in their own places: swapped, they give another answer
    assert topics_counted(measure.pk, others[0].pk) != topics_counted(measure.pk, first.pk)


def test_one_statement_a_call_built_and_compiled_once(catalogue):
    built = []

    @compiled
    def supports_of(pk):
        built.append(pk)
        return SupportType.objects.filter(measures=pk)

    ids = list(Measure.objects.order_by("pk").values_list("pk", flat=True)[:20])
    for pk in ids:
        with CaptureQueriesContext(connection) as queries:
            got = supports_of(pk)
        assert len(queries) == 1
        assert got == list(SupportType.objects.filter(measures=pk))
    assert len(built) == 1 and built[0] not in ids  # built once, with a sentinel


@pytest.mark.parametrize(
    "build, refused",
    [
        (lambda pk: Measure.objects.filter(title__icontains=pk), ValueError),  # rewritten
        (lambda pk: Measure.objects.filter(pk=pk, document_id=pk), ValueError),  # twice
        (lambda pk: Measure.objects.filter(pk__gte=0), ValueError),  # not used
        (lambda pk: Measure.objects.filter(pk=pk).values("title"), ValueError),
        (lambda pk: Measure.objects.filter(pk=pk).values_list("pk", flat=True), ValueError),
        (lambda pk: Measure.objects.filter(pk=pk).values_list("pk", named=True), ValueError),
        (
            lambda pk: (
                Measure.objects.filter(pk=pk).annotate(n=Count("topics")).values_list("pk", "n")
            ),
            ValueError,
        ),
        (lambda pk: Measure.objects.filter(pk=pk).prefetch_related("topics"), ValueError),
        # columns the ordering adds to a DISTINCT select
        (
            lambda pk: Measure.objects.filter(pk=pk).distinct().order_by("document__title"),
            ValueError,
        ),
    ],
)
def test_what_cannot_be_compiled_faithfully_is_refused(catalogue, build, refused):
    with pytest.raises(refused):
        compiled(build)(Measure.objects.first().pk)


@pytest.mark.parametrize("argument", [None, "1", [1, 2], 1.0])
def test_only_ids_are_taken(catalogue, argument):
    with pytest.raises(TypeError):
        measure_topics(argument)


def test_rows_written_after_the_first_call_are_read(catalogue):
    document = PolicyDocument.objects.first()
    measure = Measure.objects.filter(document=document).first()
    assert measure_notes(measure.pk) == list(EditorialNote.objects.filter(measure=measure))
    note = EditorialNote.objects.create(
        document=document, measure=measure, garbled="测式", correction="测试", reason="测试"
    )
    assert note in measure_notes(measure.pk)


def test_values_list_rows_are_the_orms_tuples(catalogue):
    """``values_list()`` of fields compiles to the rows the ORM gives, as tuples, converters
    applied (a date, a JSON list)."""

    @compiled
    def columns(pk):
        return Measure.objects.filter(document_id=pk).values_list("pk", "valid_until", "path")

    for document in PolicyDocument.objects.all():
        expected = list(
            Measure.objects.filter(document_id=document.pk).values_list("pk", "valid_until", "path")
        )
        assert columns(document.pk) == expected
    assert any(row[2] for row in columns(PolicyDocument.objects.first().pk))


def test_a_list_statement_takes_ids_and_dates_wherever_they_reach_the_sql(catalogue):
    """``ListStatement``: a value used twice and a date are put in at every place they stand;
    a value that changes the statement, or a parameter worked out from a value, is refused."""
    import datetime

    from portal.compiled import ListStatement

    def build(values):
        return (
            Measure.objects.filter(document_id=values["document"])
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=values["today"]))
            .exclude(chapter_id=values["document"])  # the same value a second time
            .order_by("position", "pk")
            .values_list("pk")
        )

    document = PolicyDocument.objects.first()
    today = datetime.date(2025, 6, 30)
    values = {"document": document.pk, "today": today}
    statement = ListStatement.compile(build, values, "default")
    assert statement is not None and len(statement.slots) == 3
    expected = list(build(values).values_list("pk", flat=True))
    assert expected and statement.count(values) == len(expected)
    assert [row[0] for row in statement.rows(values, 0, 1000)] == expected
    assert [row[0] for row in statement.rows(values, 2, 3)] == expected[2:5]
    later = {"document": document.pk, "today": datetime.date(2099, 1, 1)}
    assert statement.count(later) == build(later).count()

    def derived(values):
        soon = values["today"] + datetime.timedelta(days=60)
        return Measure.objects.filter(valid_until__lte=soon).values_list("pk")

    assert ListStatement.compile(derived, {"today": today}, "default") is None

    def shaped(values):  # the id decides the SQL: compiled, it would be wrong
        if values["document"] % 2:
            return Measure.objects.filter(document_id=values["document"]).values_list("pk")
        return Measure.objects.filter(chapter_id=values["document"]).values_list("pk")

    assert ListStatement.compile(shaped, {"document": 1}, "default") is None

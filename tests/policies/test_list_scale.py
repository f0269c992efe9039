"""The measure list read from the facet rows (``MeasureFacet``, kept by database triggers)
gives the same pages and counts as a plain scan of the measures, for random combinations of
filters, on the real catalogue plus synthetic measures of every validity; and the rows follow
every way a measure or its links are written (save, update, bulk_create, delete, retire)."""

import datetime
import random

import pytest
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.urls import reverse

from policies import validity
from policies.filters import MeasureFilter, Sort
from policies.models import (
    City,
    Department,
    Measure,
    MeasureFacet,
    PolicyDocument,
    SupportType,
    Topic,
)
from tests.policies.synthetic import add_measures

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 30)


@pytest.fixture
def world(catalogue):
    """The real catalogue, and synthetic measures: dated (some ending soon, some past), open,
    not yet in force, unknown, of a draft document, in 鞍山 and in a new city."""
    anshan = City.objects.get(slug="anshan")
    add_measures(7, anshan, deadline=TODAY + datetime.timedelta(days=30))
    add_measures(6, anshan, deadline=TODAY - datetime.timedelta(days=3))
    add_measures(5, continuing=True)
    add_measures(5, anshan, start=TODAY + datetime.timedelta(days=10), continuing=True)
    add_measures(4)
    add_measures(6, anshan, deadline=TODAY + datetime.timedelta(days=400), status="draft")
    # Real measures linked to the synthetic topics too, so that topics mix both.
    topic = Topic.objects.get(slug="t-finance")
    for measure in Measure.objects.filter(document__city=anshan)[:15]:
        measure.topics.add(topic)


def plain(filterset) -> tuple[list[int], int]:
    """What the filters select, by a straightforward query on the measures (joins, no facet
    rows): all ids in the list's order, and their number."""
    data = filterset.form.cleaned_data
    measures = Measure.objects.all()
    if data.get("city"):
        measures = measures.filter(document__city=data["city"])
    if data.get("document"):
        measures = measures.filter(document=data["document"])
    if data.get("department"):
        measures = measures.filter(departments=data["department"])
    if data.get("topic"):
        measures = measures.filter(topics=data["topic"])
    if data.get("support_type"):
        measures = measures.filter(support_types=data["support_type"])
    if data.get("has_amount"):
        measures = measures.filter(max_amount_yuan__isnull=False)
    if data.get("free_of_application"):
        measures = measures.filter(free_of_application=True)
    ids = list(measures.values_list("pk", flat=True).distinct())
    chosen = Measure.objects.filter(pk__in=ids).select_related("document")
    if data.get("status"):
        wanted = (
            validity.COUNTED if data["status"] == validity.Status.IN_FORCE else {data["status"]}
        )
        chosen = [m for m in chosen if m.validity_status(TODAY) in wanted]
    else:
        chosen = list(chosen)
    if data.get("sort") == Sort.AMOUNT:
        chosen.sort(
            key=lambda m: (
                m.max_amount_yuan is None,
                -(m.max_amount_yuan or 0),
                m.document_id,
                m.position,
                m.pk,
            )
        )
    else:
        chosen.sort(key=lambda m: (m.document_id, m.position, m.pk))
    return [m.pk for m in chosen], len(chosen)


def random_filters(rng) -> dict:
    cities = list(City.objects.values_list("slug", flat=True))
    topics = list(Topic.objects.values_list("slug", flat=True))
    supports = list(SupportType.objects.values_list("slug", flat=True))
    documents = list(PolicyDocument.objects.values_list("pk", flat=True))
    departments = list(
        Department.objects.filter(measures__isnull=False).values_list("pk", flat=True)
    )
    statuses = [value for value, _ in validity.FILTER_CHOICES]
    params = {}
    for name, values, chance in (
        ("city", cities, 0.4),
        ("topic", topics, 0.5),
        ("support_type", supports, 0.35),
        ("status", statuses, 0.5),
        ("document", documents, 0.1),
        ("department", departments, 0.1),
        ("has_amount", ["on"], 0.25),
        ("free_of_application", ["on"], 0.15),
        ("sort", [Sort.AMOUNT], 0.2),
    ):
        if rng.random() < chance:
            params[name] = str(rng.choice(values))
    return params


def check(params):
    query = QueryDict(mutable=True)
    query.update(params)
    filterset = MeasureFilter(query, queryset=Measure.objects.all(), today=TODAY)
    listing = filterset.listing()
    assert listing is not None, params
    ids, count = plain(filterset)
    assert listing.count() == count, params
    assert list(listing.values_list("measure_id", flat=True)) == ids, params
    # what the list page reads: the same SQL compiled once per shape, values put in
    compiled = filterset.listing_ids()
    assert compiled.count() == count, params
    assert [row[0] for row in compiled[0 : count + 5]] == ids, params
    assert [row[0] for row in compiled[3:7]] == ids[3:7], params
    # ``qs``, which the API and searches use, agrees as well
    assert sorted(filterset.qs.values_list("pk", flat=True)) == sorted(ids), params


def test_random_filter_combinations_match_a_plain_scan(world):
    rng = random.Random(14)
    for _ in range(60):
        check(random_filters(rng))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "in_force"},
        {"status": "ending_soon", "city": "anshan"},
        {"status": "unknown"},
        {"status": "not_yet"},
        {"status": "expired", "topic": "t-finance"},
        {"topic": "t-finance", "status": "in_force"},
        {"city": "anshan", "topic": "t-finance"},
        {"topic": "t-finance", "support_type": "s-reward", "has_amount": "on"},
        {"support_type": "s-subsidy", "sort": Sort.AMOUNT},
    ],
)
def test_chosen_combinations_match_a_plain_scan(world, params):
    check(params)


def test_the_lists_statements_are_compiled_once_per_shape(world):
    """Two lists of one shape (filters and order) share one compiled statement, each with its
    own values; a status whose SQL holds a date worked out from today (即将到期: today + 60
    days) is left to the ORM."""

    def listing(query):
        filterset = MeasureFilter(QueryDict(query), queryset=Measure.objects.all(), today=TODAY)
        return filterset.listing_ids()

    finance = listing("topic=t-finance&status=in_force")
    other = listing("topic=t-innovation&status=in_force")
    assert finance.statement is not None and finance.statement is other.statement
    assert finance.values != other.values
    assert finance.statement.sql.count("%s") == len(finance.statement.params)
    assert listing("status=ending_soon").statement is None
    check({"status": "ending_soon"})  # and gives the plain scan's rows all the same


def test_the_list_page_shows_the_facet_listing(client, world):
    response = client.get(
        reverse("policies:measure_list") + "?topic=t-finance&status=in_force&city=anshan"
    )
    assert response.status_code == 200
    page = response.context["page"]
    query = QueryDict("topic=t-finance&status=in_force&city=anshan")
    filterset = MeasureFilter(query, queryset=Measure.objects.all())
    ids, count = plain(filterset) if filterset.today == TODAY else (None, None)
    listing = filterset.listing()
    assert page.paginator.count == listing.count()
    assert [m.pk for m in page.object_list] == list(
        listing.values_list("measure_id", flat=True)[:20]
    )
    if ids is not None:
        assert page.paginator.count == count


def facets(measure_id) -> set:
    return set(
        MeasureFacet.objects.filter(measure_id=measure_id).values_list(
            "kind", "value", "document_id", "position", "valid_until", "max_amount_yuan"
        )
    )


def expected_facets(measure_id) -> set:
    measure = Measure.all_objects.filter(pk=measure_id).first()
    if measure is None or measure.retired_at is not None:
        return set()
    copied = (measure.document_id, measure.position, measure.valid_until, measure.max_amount_yuan)
    rows = {(MeasureFacet.ALL, 0, *copied)}
    rows |= {
        (MeasureFacet.TOPIC, pk, *copied) for pk in measure.topics.values_list("pk", flat=True)
    }
    rows |= {
        (MeasureFacet.SUPPORT_TYPE, pk, *copied)
        for pk in measure.support_types.values_list("pk", flat=True)
    }
    return rows


def test_the_facet_rows_follow_every_kind_of_write(world):
    document = add_measures(3)
    first, second, third = document.measures.order_by("pk")
    for measure in (first, second, third):
        assert facets(measure.pk) == expected_facets(measure.pk)
    # save()
    first.valid_until = TODAY + datetime.timedelta(days=5)
    first.max_amount_yuan = 7
    first.save()
    # QuerySet.update(), which sends no signal
    Measure.objects.filter(pk=second.pk).update(position=F("position") + 100, max_amount_yuan=None)
    # links: add, remove, clear, a bulk_create of the through rows
    topic = Topic.objects.get(slug="consumption")
    first.topics.add(topic)
    second.topics.clear()
    Measure.support_types.through.objects.bulk_create(
        [
            Measure.support_types.through(
                measure=third,
                supporttype=SupportType.objects.exclude(measures=third).first(),
            )
        ]
    )
    third.support_types.remove(third.support_types.order_by("pk").last())
    # the measure moved to another document
    other = PolicyDocument.objects.exclude(pk=document.pk).first()
    Measure.objects.filter(pk=third.pk).update(document=other, path_key="moved-3")
    for measure in (first, second, third):
        assert facets(measure.pk) == expected_facets(measure.pk)
    # retired: no rows; restored: its rows again
    Measure.all_objects.filter(pk=first.pk).update(retired_at=datetime.datetime.now(datetime.UTC))
    assert facets(first.pk) == set()
    Measure.all_objects.filter(pk=first.pk).update(retired_at=None)
    assert facets(first.pk) == expected_facets(first.pk) != set()
    # deleted
    pk = second.pk
    second.delete()
    assert facets(pk) == set()


def test_every_public_measure_has_its_rows(world):
    assert MeasureFacet.objects.filter(kind=MeasureFacet.ALL).count() == Measure.objects.count()
    links = Measure.topics.through.objects.filter(measure__retired_at__isnull=True).count()
    assert MeasureFacet.objects.filter(kind=MeasureFacet.TOPIC).count() == links
    retired = Measure.all_objects.filter(retired_at__isnull=False).values("pk")
    assert not MeasureFacet.objects.filter(measure_id__in=retired).exists()


def test_the_triggers_exist():
    """Migrations that rebuild the measure table on SQLite (an altered column) drop its
    triggers: such a migration must create them again (see migration 0011)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
            assert cursor.fetchone()[0] >= 9
        else:
            cursor.execute(
                "SELECT count(*) FROM information_schema.triggers "
                "WHERE trigger_name LIKE 'policies_measure%_facets'"
            )
            assert cursor.fetchone()[0] >= 9  # one row per event and table


def test_a_search_is_not_read_from_the_facets(world):
    query = QueryDict("q=补贴&topic=t-finance")
    assert MeasureFilter(query, queryset=Measure.objects.all()).listing() is None
    query = QueryDict("topic=t-finance&sort=date")
    assert MeasureFilter(query, queryset=Measure.objects.all()).listing() is None

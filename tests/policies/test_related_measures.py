"""其他城市的同类措施 and the compare page's suggestions (``policies.views.sharing_topic``, one
SQL statement) give exactly what a plain scan of the catalogue in Python gives: for every
measure of the real catalogue, with and without the other-city rule, with measures excluded,
and with retired measures and a retired document in the way."""

import pytest
from django.db import connection
from django.utils import timezone

from policies.models import Measure, PolicyDocument, Topic
from policies.views import GENERIC_SUPPORT, RELATED_MAX, sharing_topic, similar_measures


class Catalogue:
    """The rows the definition reads, read once (a test asks for every measure's neighbours)."""

    def __init__(self):
        self.links = list(
            Measure.topics.through.objects.order_by("id").values_list("measure_id", "topic_id")
        )
        self.kinds = {}
        for measure_id, kind in Measure.support_types.through.objects.values_list(
            "measure_id", "supporttype_id"
        ):
            self.kinds.setdefault(measure_id, set()).add(kind)
        self.rows = {m.pk: m for m in Measure.all_objects.all()}
        # the order of the lines: by document (its id), then position, then id
        self.order = {pk: (m.document_id, m.position, pk) for pk, m in self.rows.items()}
        self.documents = dict(PolicyDocument.all_objects.values_list("pk", "city_id"))

    def scan(self, measure, *, other_city_than=None, excluding=(), limit=RELATED_MAX):
        """The definition, read off every row: the measure's first topic link; the links to
        that topic; public measures only, not excluded, sharing a support type (服务 aside
        unless it is the only one), not of a document of the given city; the first
        ``limit`` of them by document (its id), position and id, in that order."""
        own = [topic for measure_id, topic in self.links if measure_id == measure.pk]
        if not own:
            return []
        slugs = {s.pk: s.slug for s in measure.support_types.all()}
        supports = {pk for pk, slug in slugs.items() if slug not in GENERIC_SUPPORT} or set(slugs)
        chosen = []
        for measure_id, topic in self.links:
            other = self.rows[measure_id]
            if (
                topic == own[0]
                and other.retired_at is None
                and measure_id not in {measure.pk, *excluding}
                and (not supports or self.kinds.get(measure_id, set()) & supports)
                and (
                    other_city_than is None or self.documents[other.document_id] != other_city_than
                )
            ):
                chosen.append(measure_id)
        return sorted(chosen, key=self.order.__getitem__)[:limit]


def test_related_measures_equal_a_plain_scan_for_every_measure(catalogue):
    measures = list(Measure.all_objects.prefetch_related("support_types").order_by("pk"))
    assert len(measures) > 100
    # some related lists would otherwise be drawn from these: retire a few measures and one
    # whole document (its measures too, as the importer does) so that the rules are exercised
    retired = [m.pk for m in measures[5::17]]
    now = timezone.now()
    Measure.all_objects.filter(pk__in=retired).update(retired_at=now)
    document = PolicyDocument.objects.order_by("pk").last()
    PolicyDocument.all_objects.filter(pk=document.pk).update(retired_at=now)
    Measure.all_objects.filter(document=document).update(retired_at=now)
    measures = list(
        Measure.all_objects.select_related("document").prefetch_related("support_types")
    )
    catalogue_rows = Catalogue()  # read after the retirements above
    scan = catalogue_rows.scan
    non_empty = 0
    for measure in measures:
        city = measure.document.city_id
        got = [m.pk for m in similar_measures(measure, other_city_than=city)]
        assert got == scan(measure, other_city_than=city), measure.pk
        assert set(got).isdisjoint(retired)
        non_empty += bool(got)
        got = [m.pk for m in similar_measures(measure)]
        assert got == scan(measure), measure.pk
    assert non_empty > 50, "the real catalogue has many measures with neighbours"


def test_excluded_measures_and_a_limit_are_respected(catalogue):
    scan = Catalogue().scan
    measure = next(
        m
        for m in Measure.objects.prefetch_related("support_types").order_by("pk")
        if len(scan(m, limit=50)) >= 4
    )
    first = scan(measure, limit=50)
    excluding = first[:2]
    got = [m.pk for m in similar_measures(measure, excluding=excluding, limit=2)]
    assert got == scan(measure, excluding=excluding, limit=2)
    assert len(got) == 2 and set(got).isdisjoint(excluding)


def test_by_topic_id_every_public_measure_of_the_topic(catalogue):
    topic_id = Measure.topics.through.objects.order_by("id").values_list("topic_id", flat=True)[0]
    expected = list(
        Measure.objects.filter(topics=topic_id)
        .order_by("document_id", "position", "pk")
        .values_list("pk", flat=True)
    )
    assert [m.pk for m in sharing_topic(topic_id=topic_id, limit=1000)] == expected


def test_a_related_line_shows_the_rows_own_title_document_and_city(
    catalogue, django_assert_num_queries
):
    measure = Measure.objects.select_related("document").prefetch_related("support_types").first()
    with django_assert_num_queries(1):
        related = similar_measures(measure)
        lines = [
            (m.title, m.document.title, m.document.city.name, m.document.city.slug) for m in related
        ]
    assert related
    for other, line in zip(related, lines, strict=True):
        row = Measure.objects.select_related("document__city").get(pk=other.pk)
        assert line == (
            row.title,
            row.document.title,
            row.document.city.name,
            row.document.city.slug,
        )
        assert other.get_absolute_url() == row.get_absolute_url()


def test_the_topic_is_named_one_way_or_the_other(catalogue):
    measure = Measure.objects.first()
    for arguments in ({}, {"topic_id": 1, "of_measure": measure.pk}):
        with pytest.raises(TypeError):
            sharing_topic(**arguments)
    with pytest.raises(TypeError):
        sharing_topic(1)  # keyword only


def test_the_limit_is_in_the_statement_not_a_parameter(catalogue):
    """PostgreSQL planned the statement afresh on every run while its limit was a parameter
    (``LIMIT $n``: its generic plan assumed a tenth of the topic's rows, so it kept making
    custom plans, 0.45–0.52 ms each at 100,000 measures); with the number in the text it keeps
    one generic plan. The test catalogue is too small for the planner to tell the two apart,
    so this checks the statement itself."""
    topic = Topic.objects.order_by("pk").first()
    statements = []

    def sent(execute, sql, params, many, context):
        statements.append((sql, params))  # as sent, before the driver puts the values in
        return execute(sql, params, many, context)

    with connection.execute_wrapper(sent):
        sharing_topic(topic_id=topic.pk, limit=4)
    ((sql, params),) = statements
    assert "LIMIT 4)" in sql and 4 not in params, (sql, params)

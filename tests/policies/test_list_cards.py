"""policies.views.list_cards: a page's cards from three compiled queries are what the ORM and
its prefetch machinery give — every field, the document and city, the topics and support
types in their order — for pages of any length, retired measures left out."""

import pytest
from django.db.models import Prefetch, Q
from django.utils import timezone

from policies.models import Measure
from policies.views import MEASURE_DOCUMENT_TEXTS, PAGE_SIZE, list_cards

pytestmark = pytest.mark.django_db


def through_the_orm(ids) -> dict:
    return (
        Measure.objects.filter(pk__in=ids)
        .select_related("document__city")
        .defer(*MEASURE_DOCUMENT_TEXTS)
        .prefetch_related(
            Prefetch("topics", to_attr="topic_list"),
            Prefetch("support_types", to_attr="support_list"),
        )
        .in_bulk()
    )


def card(measure) -> tuple:
    return (
        {f.attname: getattr(measure, f.attname) for f in Measure._meta.concrete_fields},
        measure.document.pk,
        measure.document.title,
        measure.document.city.pk,
        measure.document.city.name,
        [(t.pk, t.slug, t.name) for t in measure.topic_list],
        [(s.pk, s.slug, s.name) for s in measure.support_list],
    )


def test_every_measure_of_the_catalogue_in_pages_of_every_length(catalogue):
    ids = list(Measure.all_objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) > 2 * PAGE_SIZE
    assert Measure.objects.filter(~Q(topics=None)).exists()
    for size in (1, 7, PAGE_SIZE, 2 * PAGE_SIZE + 3):
        for start in range(0, len(ids), size):
            page = ids[start : start + size]
            got, expected = list_cards(page), through_the_orm(page)
            assert got.keys() == expected.keys()
            assert all(card(got[pk]) == card(expected[pk]) for pk in page if pk in got)


def test_a_retired_measure_has_no_card(catalogue):
    first, second = Measure.objects.order_by("pk")[:2]
    Measure.all_objects.filter(pk=first.pk).update(retired_at=timezone.now())
    assert list(list_cards([first.pk, second.pk])) == [second.pk]


def test_an_id_no_measure_has_is_left_out(catalogue):
    last = Measure.all_objects.order_by("-pk").first().pk
    assert list_cards([last + 1000]) == {}
    assert list_cards([]) == {}

"""policies.views.list_cards: a page's cards from two queries are what the ORM and
its prefetch machinery give — every field, the document and city, the topics and support
types in their order — for pages of any length, retired measures left out."""

import pytest
from django.db.models import Prefetch, Q
from django.utils import timezone

from policies.models import Measure, Topic
from policies.views import CARD_FIELDS, MEASURE_DOCUMENT_TEXTS, PAGE_SIZE, list_cards
from portal.pagecache import catalogue_revision

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


MEASURE_CARD_FIELDS = [name for name in CARD_FIELDS if "__" not in name]


def card(measure, whole=False) -> tuple:
    names = [f.attname for f in Measure._meta.concrete_fields] if whole else MEASURE_CARD_FIELDS
    return (
        {name: getattr(measure, name) for name in names},
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
    revision = catalogue_revision()
    for size in (1, 7, PAGE_SIZE, 2 * PAGE_SIZE + 3):
        for start in range(0, len(ids), size):
            page = ids[start : start + size]
            got, expected = list_cards(page, revision=revision), through_the_orm(page)
            assert got.keys() == expected.keys()
            assert all(card(got[pk]) == card(expected[pk]) for pk in page if pk in got)
            whole = list_cards(page, revision=revision, whole=True)
            assert all(card(whole[pk], True) == card(expected[pk], True) for pk in whole)


def test_a_card_reads_only_its_columns_and_the_comparison_whole_rows(
    catalogue, django_assert_num_queries
):
    ids = list(Measure.objects.order_by("pk").values_list("pk", flat=True)[:PAGE_SIZE])
    revision = catalogue_revision()
    list_cards(ids, revision=revision)  # the topics and types read once for the revision
    with django_assert_num_queries(2):  # the measures, and their links to topics and types
        found = list_cards(ids, revision=revision)
        for measure in found.values():
            card(measure)  # every column a card shows is loaded
    for measure in found.values():
        assert set(measure.get_deferred_fields()) >= {"handling", "contacts", "amounts_yuan"}
    for measure in list_cards(ids, revision=revision, whole=True).values():
        assert not measure.get_deferred_fields()


def test_a_renamed_topic_shows_on_the_next_revisions_cards(catalogue):
    measure = Measure.objects.filter(~Q(topics=None)).first()
    topic = measure.topics.first()
    before = catalogue_revision()
    assert topic.name in [
        t.name for t in list_cards([measure.pk], revision=before)[measure.pk].topic_list
    ]
    topic.name = "改过的主题"
    topic.save()
    after = catalogue_revision()
    assert after != before
    cards = list_cards([measure.pk], revision=after)
    assert "改过的主题" in [t.name for t in cards[measure.pk].topic_list]
    assert Topic.objects.get(pk=topic.pk).name == "改过的主题"


def test_a_retired_measure_has_no_card(catalogue):
    first, second = Measure.objects.order_by("pk")[:2]
    Measure.all_objects.filter(pk=first.pk).update(retired_at=timezone.now())
    assert list(list_cards([first.pk, second.pk])) == [second.pk]


def test_an_id_no_measure_has_is_left_out(catalogue):
    last = Measure.all_objects.order_by("-pk").first().pk
    assert list_cards([last + 1000]) == {}
    assert list_cards([]) == {}

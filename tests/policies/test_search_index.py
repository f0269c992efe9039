"""The gram index stays current: rebuilt by reindex_measures, and on every save of a measure."""

import pytest
from django.urls import reverse

from policies.models import Measure, MeasureGram
from policies.search import deferred_indexing, grams, reindex_measures, search_measures

from .helpers import admin_post_data
from .synthetic import add_document


@pytest.fixture
def document(db):
    return add_document()


def add(document, title, text, position=1):
    return Measure.objects.create(
        document=document, path=[position], path_key=str(position), position=position,
        title=title, text=text,
    )  # fmt: skip


def index_of(measure):
    return {
        row.gram: (row.count, row.in_title) for row in MeasureGram.objects.filter(measure=measure)
    }


def found(document, query):
    return set(search_measures(Measure.objects.filter(document=document), query))


def test_it_indexes_a_new_measure_on_save(document):
    measure = add(document, "消费补贴", "发放消费补贴。")
    expected = grams("消费补贴") + grams("发放消费补贴。")
    assert index_of(measure) == {
        gram: (count, gram in grams("消费补贴")) for gram, count in expected.items()
    }
    assert found(document, "补贴") == {measure}


def test_it_reindexes_a_measure_edited_and_saved(document):
    measure = add(document, "消费补贴", "发放消费补贴。")
    measure.title, measure.text = "企业上市", "支持企业上市。"
    measure.save()
    assert found(document, "补贴") == set()
    assert found(document, "上市") == {measure}


def test_it_reindexes_a_measure_saved_in_the_admin(document, admin_client):
    measure = add(document, "消费补贴", "发放消费补贴。")
    url = reverse("admin:policies_measure_change", args=[measure.pk])
    data = admin_post_data(admin_client.get(url))
    data.update(title="企业上市奖励", text="对在境内外资本市场上市的企业给予奖励。")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert found(document, "补贴") == set()
    assert found(document, "上市") == {measure}
    assert index_of(measure)["上市"] == (2, True)


def test_it_skips_the_reindex_when_neither_title_nor_text_was_saved(document):
    measure = add(document, "消费补贴", "发放消费补贴。")
    Measure.objects.filter(pk=measure.pk).update(title="上市", text="支持企业上市。")  # no signal
    measure.refresh_from_db()
    measure.save(update_fields=["handling"])
    assert found(document, "补贴") == {measure}  # still the old index
    reindex_measures([measure])
    assert found(document, "补贴") == set()
    assert found(document, "上市") == {measure}


def test_it_defers_indexing_inside_deferred_indexing(document):
    with deferred_indexing():
        measure = add(document, "消费补贴", "发放消费补贴。")
    assert index_of(measure) == {}
    assert reindex_measures([measure]) == len(grams("消费补贴") + grams("发放消费补贴。"))
    assert found(document, "补贴") == {measure}


def test_it_replaces_rather_than_adds_rows_when_reindexing_again(document):
    measures = [add(document, "消费补贴", "发放消费补贴。", p) for p in (1, 2)]
    before = MeasureGram.objects.filter(measure__in=measures).count()
    reindex_measures(measures)
    reindex_measures(Measure.objects.filter(document=document))
    assert MeasureGram.objects.filter(measure__in=measures).count() == before


def test_it_drops_the_rows_of_a_deleted_measure(document):
    measure = add(document, "消费补贴", "发放消费补贴。")
    pk = measure.pk
    measure.delete()
    assert not MeasureGram.objects.filter(measure_id=pk).exists()


def test_it_caps_the_count_at_the_column_maximum(document):
    measure = add(document, "补贴", "补贴" * 40000)
    assert index_of(measure)["补贴"] == (32767, True)


def test_the_imported_catalogue_is_fully_indexed(catalogue):
    assert not Measure.objects.filter(grams=None).exists()
    measure = Measure.objects.order_by("pk").first()
    expected = grams(measure.title) + grams(measure.text)
    assert {g: c for g, (c, _) in index_of(measure).items()} == dict(expected)

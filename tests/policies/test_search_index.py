"""The index tables (pairs in MeasureGram, runs of four in MeasureQuad) stay current: rebuilt
by reindex_measures, and on every save of a measure."""

import pytest
from django.urls import reverse

from policies.models import Measure, MeasureGram, MeasureQuad
from policies.search import deferred_indexing, grams, quads, reindex_measures, search_measures

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


def index_of(measure, model=MeasureGram):
    return {row.gram: (row.count, row.in_title) for row in model.objects.filter(measure=measure)}


def found(document, query):
    return set(search_measures(Measure.objects.filter(document=document), query))


def test_it_indexes_a_new_measure_on_save(document):
    measure = add(document, "消费补贴", "发放消费补贴。")
    expected = grams("消费补贴") + grams("发放消费补贴。")
    assert index_of(measure) == {
        gram: (count, gram in grams("消费补贴")) for gram, count in expected.items()
    }
    assert found(document, "补贴") == {measure}
    assert index_of(measure, MeasureQuad) == {
        "消费补贴": (2, True), "发放消费": (1, False), "放消费补": (1, False)
    }  # fmt: skip
    assert found(document, "消费补贴") == {measure}


def test_it_reindexes_a_measure_edited_and_saved(document):
    measure = add(document, "消费补贴", "发放消费补贴。")
    measure.title, measure.text = "企业上市", "支持企业上市。"
    measure.save()
    assert found(document, "补贴") == set()
    assert found(document, "消费补贴") == set()
    assert found(document, "上市") == {measure}
    assert found(document, "支持企业") == {measure}


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
    assert index_of(measure, MeasureQuad) == {}
    written = len(grams("消费补贴") + grams("发放消费补贴。")) + len(
        quads("消费补贴") + quads("发放消费补贴。")
    )
    assert written == 9  # 6 grams, 3 quads
    assert reindex_measures([measure]) == written
    assert found(document, "补贴") == {measure}
    assert found(document, "消费补贴") == {measure}


def test_it_replaces_rather_than_adds_rows_when_reindexing_again(document):
    measures = [add(document, "消费补贴", "发放消费补贴。", p) for p in (1, 2)]
    before = [
        model.objects.filter(measure__in=measures).count() for model in (MeasureGram, MeasureQuad)
    ]
    reindex_measures(measures)
    reindex_measures(Measure.objects.filter(document=document))
    after = [
        model.objects.filter(measure__in=measures).count() for model in (MeasureGram, MeasureQuad)
    ]
    assert after == before == [12, 6]


def test_it_drops_the_rows_of_a_deleted_measure(document):
    measure = add(document, "消费补贴", "发放消费补贴。")
    pk = measure.pk
    measure.delete()
    assert not MeasureGram.objects.filter(measure_id=pk).exists()
    assert not MeasureQuad.objects.filter(measure_id=pk).exists()


def test_it_caps_the_count_at_the_column_maximum(document):
    measure = add(document, "补贴", "补贴" * 40000)
    assert index_of(measure)["补贴"] == (32767, True)


def test_the_imported_catalogue_is_fully_indexed(catalogue):
    assert not Measure.objects.filter(grams=None).exists()
    assert not Measure.objects.filter(quads=None).exists()  # every text has a run of four
    for measure in Measure.objects.order_by("pk")[:20]:
        for model, cut in ((MeasureGram, grams), (MeasureQuad, quads)):
            expected = cut(measure.title) + cut(measure.text)
            assert {g: c for g, (c, _) in index_of(measure, model).items()} == dict(expected)

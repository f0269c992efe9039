"""Migration 0012 gives an existing catalogue its four-character index: every public measure's
rows as ``policies.search.reindex_measures`` writes them, none for a retired one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from policies.search import index_rows, quads

BEFORE = [("policies", "0011_measure_facets")]
AFTER = [("policies", "0012_measure_quads")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_indexes_the_public_measures_of_an_existing_catalogue():
    apps = migrate(BEFORE)
    try:
        City = apps.get_model("policies", "City")
        PolicyDocument = apps.get_model("policies", "PolicyDocument")
        Measure = apps.get_model("policies", "Measure")
        city = City.objects.create(
            name="测试市", slug="test-city", province="测试省", code="900001"
        )
        document = PolicyDocument.objects.create(
            city=city, source="test.txt", slug="test", title="测试文件", source_text="",
            clean_text="", source_sha256="0" * 64,
        )  # fmt: skip
        texts = [
            ("专精特新企业奖励", "对新认定的专精特新中小企业给予奖励，专精特新“小巨人”再奖。"),
            ("消费补贴", "发放消费补贴。"),
            ("已撤回的措施", "专精特新企业奖励。"),
        ]
        measures = [
            Measure.objects.create(
                document=document, path=[n], path_key=str(n), position=n, title=title, text=text
            )
            for n, (title, text) in enumerate(texts, start=1)
        ]
        Measure.objects.filter(pk=measures[2].pk).update(retired_at=timezone.now())
        apps = migrate(AFTER)
        MeasureQuad = apps.get_model("policies", "MeasureQuad")
        for measure in measures[:2]:
            rows = MeasureQuad.objects.filter(measure_id=measure.pk)
            found = {(r.gram, r.in_title, r.count, r.score) for r in rows}
            assert found == set(index_rows(measure, quads))
        assert ("专精特新", True, 3, 13) in set(index_rows(measures[0], quads))  # a real check
        assert not MeasureQuad.objects.filter(measure_id=measures[2].pk).exists()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

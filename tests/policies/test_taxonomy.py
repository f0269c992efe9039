"""Topics and support types assigned by the rules in fixtures/taxonomy.toml."""

import pytest

from policies.models import Measure, SupportType, Topic
from policies.taxonomy import assign_taxonomy, load_taxonomy, topics_for

pytestmark = pytest.mark.django_db

# (source file prefix, path_key) → topics the measure must have.
GOLDEN = [
    ("000", "4", {"促消费", "文旅与体育"}),
    ("000", "5", {"外贸"}),
    ("000", "7", {"科技创新"}),
    ("000", "8", {"科技创新", "金融与上市"}),
    ("000", "14", {"人才与就业"}),
    ("000", "16", {"营商环境"}),
    ("001", "1", {"促消费"}),
    ("001", "16", {"金融与上市"}),
    ("001", "20", {"农业"}),
    ("001", "26", {"文旅与体育"}),
    ("001", "41", {"住房"}),
    ("002", "1.1", {"促消费"}),
    ("002", "6.3", {"土地与规划"}),
    ("002", "17.2", {"住房"}),
    ("003", "4", {"土地与规划"}),
    ("003", "9", {"能耗与环境"}),
    ("003", "10", {"能耗与环境"}),
    ("003", "19", {"人才与就业"}),
    ("004", "4", {"营商环境"}),
    ("004", "6", {"科技创新"}),
]


def measure(prefix, path_key):
    return Measure.objects.get(document__source__startswith=f"{prefix}_", path_key=path_key)


def test_it_gives_every_imported_measure_at_least_one_topic(catalogue):
    assert Measure.objects.count() > 100
    assert not Measure.objects.filter(topics__isnull=True).exists()


@pytest.mark.parametrize(("prefix", "path_key", "expected"), GOLDEN)
def test_it_assigns_the_expected_topics(catalogue, prefix, path_key, expected):
    names = {topic.name for topic in measure(prefix, path_key).topics.all()}
    assert expected <= names


def test_it_does_not_take_coal_consumption_for_consumer_spending(catalogue):
    names = {topic.name for topic in measure("003", "10").topics.all()}
    assert "促消费" not in names


def test_it_does_not_take_unemployment_insurance_for_finance(catalogue):
    names = {topic.name for topic in measure("002", "18.2").topics.all()}
    assert "金融与上市" not in names
    assert "人才与就业" in names


def test_it_assigns_support_types_from_the_wording(catalogue):
    assert "贷款贴息" in {s.name for s in measure("002", "11.2").support_types.all()}
    assert "奖励" in {s.name for s in measure("002", "1.3").support_types.all()}
    assert "用地" in {s.name for s in measure("003", "4").support_types.all()}


def test_it_creates_every_topic_and_support_type_of_the_fixture(catalogue):
    taxonomy = load_taxonomy()
    assert set(Topic.objects.values_list("slug", flat=True)) >= {t.slug for t in taxonomy.topics}
    assert set(SupportType.objects.values_list("slug", flat=True)) >= {
        s.slug for s in taxonomy.support_types
    }
    assert len(taxonomy.topics) >= 12


def test_it_is_idempotent(catalogue):
    measures = list(Measure.objects.all())
    before = sorted(Measure.topics.through.objects.values_list("measure_id", "topic_id"))
    topic_count = Topic.objects.count()
    assign_taxonomy(measures)
    after = sorted(Measure.topics.through.objects.values_list("measure_id", "topic_id"))
    assert after == before
    assert Topic.objects.count() == topic_count


def test_it_keeps_a_topic_name_edited_in_the_admin(catalogue):
    topic = Topic.objects.get(slug="housing")
    topic.name = "住房保障"
    topic.save()
    assign_taxonomy(Measure.objects.filter(path_key="1")[:3])
    topic.refresh_from_db()
    assert topic.name == "住房保障"


def test_it_only_touches_the_measures_it_is_given(catalogue):
    edited = measure("000", "1")
    edited.topics.set([Topic.objects.get(slug="housing")])
    assign_taxonomy([measure("000", "2")])
    assert [t.slug for t in edited.topics.all()] == ["housing"]


def test_it_matches_traditional_characters():
    taxonomy = load_taxonomy()
    assert "finance" in topics_for(taxonomy, "加大企業上市扶持力度", "對企業上市給予補貼")


def test_it_falls_back_when_nothing_matches():
    taxonomy = load_taxonomy()
    fallback = [t.slug for t in taxonomy.topics if t.fallback]
    assert fallback
    assert topics_for(taxonomy, "加强宣传", "做好工作") == fallback

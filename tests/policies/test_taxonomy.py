"""Topics and support types assigned by the rules in fixtures/taxonomy.toml."""

import pytest

from policies.models import Measure, SupportType, Topic
from policies.taxonomy import assign_taxonomy, load_taxonomy, topics_for

pytestmark = pytest.mark.django_db

# Golden table, hand-read: (source prefix, path_key) → (topics it must have, topics it must
# not have, support types it must have, support types it must not have). "What it supports"
# is the topic, "how" the support type; a reader of the measure would agree with each entry.
TAGS = [
    ("000", "1", {"科技创新"}, set(), {"服务"}, {"奖励", "补贴"}),
    ("000", "3", {"投资与项目", "土地与规划"}, set(), {"用地", "税费"}, set()),
    ("000", "4", {"促消费", "文旅与体育"}, set(), {"奖励", "补贴"}, {"税费"}),  # 低收费开放
    ("000", "5", {"外贸"}, set(), {"奖励"}, set()),
    ("000", "7", {"科技创新"}, set(), {"奖励"}, set()),
    ("000", "8", {"科技创新", "金融与上市"}, set(), {"担保费"}, set()),
    # 贴息奖补 on an insurance investment: a reward in finance, no loan, no project
    ("000", "10", {"金融与上市"}, {"投资与项目"}, {"奖励"}, {"贷款贴息"}),
    ("000", "14", {"人才与就业"}, {"金融与上市"}, {"补贴", "税费"}, set()),  # 扩岗补助, 降费率
    ("000", "16", {"营商环境"}, set(), {"服务"}, set()),
    ("001", "1", {"促消费"}, set(), {"补贴"}, set()),
    ("001", "9", {"外贸"}, set(), {"补贴"}, {"税费"}),  # 保税 is no tax
    ("001", "10", {"外贸", "金融与上市"}, set(), {"补贴"}, set()),  # 保费支持
    ("001", "12", {"营商环境"}, set(), {"税费"}, set()),
    ("001", "16", {"金融与上市"}, set(), {"补贴"}, {"贷款贴息"}),
    ("001", "17", {"金融与上市"}, set(), {"担保费", "补贴"}, set()),
    ("001", "20", {"农业"}, set(), {"补贴"}, set()),
    ("001", "21", {"农业"}, set(), {"补贴"}, set()),
    ("001", "26", {"文旅与体育"}, set(), {"奖励"}, set()),
    ("001", "34", {"营商环境"}, set(), {"税费"}, set()),  # 降低港口收费
    ("001", "41", {"住房"}, set(), {"补贴"}, set()),
    ("002", "1.1", {"促消费"}, set(), {"奖励"}, set()),
    ("002", "1.3", {"促消费"}, set(), {"奖励"}, set()),
    ("002", "4.2", {"促消费"}, set(), {"奖励"}, {"税费"}),  # 纳税凭证 is a document
    ("002", "6.3", {"土地与规划"}, set(), {"用地"}, set()),
    ("002", "8.4", {"外贸"}, set(), set(), {"税费"}),  # 保税仓
    ("002", "9", {"农业", "金融与上市"}, set(), {"贷款贴息"}, set()),
    ("002", "10.1", {"科技创新"}, set(), {"补贴", "贷款贴息"}, set()),  # 技术改造
    ("002", "11.2", {"文旅与体育"}, set(), {"贷款贴息"}, set()),
    ("002", "13.4", {"科技创新"}, set(), {"奖励"}, set()),
    ("002", "17.2", {"住房"}, set(), set(), set()),
    ("002", "18.2", {"人才与就业"}, {"金融与上市"}, {"税费"}, set()),  # 稳岗返还
    ("003", "4", {"土地与规划"}, set(), {"用地", "税费"}, set()),  # 优惠地价, 不增收地价款
    ("003", "9", {"能耗与环境"}, set(), set(), set()),
    ("003", "10", {"能耗与环境"}, {"促消费"}, set(), set()),  # 煤炭消费
    ("003", "16", {"金融与上市"}, set(), {"融资", "担保费"}, set()),
    ("003", "19", {"人才与就业"}, set(), set(), set()),
    ("003", "35", {"营商环境"}, set(), {"税费"}, set()),
    ("003", "38", {"营商环境"}, {"投资与项目"}, {"服务"}, set()),  # 诉求解决机制
    ("003", "39", {"营商环境"}, {"科技创新"}, {"服务"}, set()),  # 创新机制 is no technology
    ("004", "3", {"营商环境"}, set(), {"税费", "补贴"}, set()),
    ("004", "4", {"营商环境"}, set(), set(), set()),
    ("004", "6", {"科技创新"}, set(), {"奖励"}, set()),
]


def measure(prefix, path_key):
    return Measure.objects.get(document__source__startswith=f"{prefix}_", path_key=path_key)


def test_it_gives_every_imported_measure_at_least_one_topic(catalogue):
    assert Measure.objects.count() > 100
    assert not Measure.objects.filter(topics__isnull=True).exists()


@pytest.mark.parametrize("row", TAGS, ids=[f"{r[0]}-{r[1]}" for r in TAGS])
def test_it_tags_measures_as_a_reader_would(catalogue, row):
    prefix, path_key, topics, not_topics, supports, not_supports = row
    found = measure(prefix, path_key)
    topic_names = {topic.name for topic in found.topics.all()}
    support_names = {support.name for support in found.support_types.all()}
    assert topics <= topic_names and not (not_topics & topic_names), topic_names
    assert supports <= support_names and not (not_supports & support_names), support_names


def test_the_golden_tag_table_is_large_enough():
    assert len(TAGS) >= 30


@pytest.mark.parametrize(
    ("prefix", "path_key"),
    [("000", "10"), ("001", "16"), ("002", "9"), ("002", "3.1"), ("003", "16"), ("000", "14")],
)
def test_neighbours_share_what_a_measure_supports_and_how(client, catalogue, prefix, path_key):
    """其他城市的同类措施: the main topic and a support type in common (服务 aside)."""
    from policies.views import GENERIC_SUPPORT, similar_measures

    this = Measure.objects.prefetch_related("support_types").get(
        document__source__startswith=f"{prefix}_", path_key=path_key
    )
    main_topic = Measure.topics.through.objects.filter(measure=this).order_by("id").first().topic_id
    supports = {s.pk for s in this.support_types.all() if s.slug not in GENERIC_SUPPORT}
    related = similar_measures(this, other_city_than=this.document.city_id)
    assert related, "some other city has a like measure"
    for other in related:
        assert other.document.city_id != this.document.city_id
        assert other.topics.filter(pk=main_topic).exists()
        assert supports & set(other.support_types.values_list("pk", flat=True))


def test_an_insurance_investment_reward_has_no_grain_or_parcel_neighbours(client, catalogue):
    """鞍山 2024 第10条 once listed 粮食流通 and 快递物流 as 其他城市的同类措施."""
    page = client.get(measure("000", "10").get_absolute_url()).content.decode()
    related = page.split('id="related-heading"')[1]
    assert "粮食流通" not in related and "快递" not in related


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


def test_an_operator_retags_every_measure_after_changing_the_rules(catalogue):
    from django.core.management import call_command

    ten = measure("000", "10")
    loan = SupportType.objects.get(slug="loan-interest")
    ten.support_types.add(loan)  # as an older taxonomy.toml assigned it
    call_command("import_policies", verbosity=0)
    assert loan in ten.support_types.all()  # a plain import keeps tags
    call_command("import_policies", "--retag", verbosity=0)
    assert loan not in ten.support_types.all()

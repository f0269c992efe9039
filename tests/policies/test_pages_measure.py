"""The measure page: text, key facts, how to apply, departments, citation, related measures."""

import re

import pytest
from django.urls import reverse

from policies.models import Measure

pytestmark = pytest.mark.django_db


def get(prefix, path_key):
    return Measure.objects.get(document__source__startswith=f"{prefix}_", path_key=path_key)


def page(client, measure):
    response = client.get(measure.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_title_text_and_key_facts(client, catalogue, settings):
    settings.PORTAL_TODAY = "2023-12-01"
    measure = get("002", "1.1")
    html = page(client, measure)
    assert f'<h1 class="h3">{measure.title}</h1>' in html
    assert measure.text in html
    assert "最高 <strong>" in html and ">100 万元</data></strong>" in html
    # a draft's measure is never in force: 时效未明 although its 执行期限 has not passed
    assert 'data-status="unknown">时效未明<' in html
    assert "执行期限" in html and "2023年12月20日" in html
    for support in measure.support_types.all():
        assert support.name in html
    for topic in measure.topics.all():
        assert topic.get_absolute_url() in html


@pytest.mark.parametrize(
    ("source", "path", "today", "status", "label"),
    [
        # 营口 第14条: the year 2024's awards (curated)
        ("001", "14", "2024-06-01", "in_force", "有效"),
        ("001", "14", "2024-12-31", "ending_soon", "即将到期"),
        ("001", "14", "2025-01-01", "expired", "已到期"),
        # 鞍山 2024: 本文件自公布之日起施行 (2024-12-02)
        ("000", "1", "2024-12-01", "not_yet", "未生效"),
        ("000", "1", "2024-12-02", "in_force", "有效"),
    ],
)
def test_it_computes_the_validity_badge_against_today(
    client, catalogue, settings, source, path, today, status, label
):
    settings.PORTAL_TODAY = today
    html = page(client, get(source, path))
    assert re.search(rf'data-status="{status}">{label}<', html)


def test_it_says_plainly_what_is_known_of_a_measure_without_a_stated_period(client, catalogue):
    html = page(client, get("004", "1"))
    assert 'data-status="unknown">时效未明<' in html
    assert "2022年5月27日发布，原文未载明有效期，请向责任单位确认" in html


def test_it_shows_each_parts_own_date(client, catalogue, settings):
    settings.PORTAL_TODAY = "2026-11-30"
    html = page(client, get("000", "14"))
    assert 'data-status="in_force">有效<' in html  # the measure: 本文件自公布之日起施行
    parts = re.search(r'<ul class="small validity-parts.*?</ul>', html, re.S).group(0)
    assert parts.count('data-part-status="expired"') == 2
    assert parts.count("其中“至2025年底”：至2025年12月31日") == 2
    assert "依据（文件）：“本文件自公布之日起施行”" in html


def test_it_shows_support_amounts_and_thresholds_as_different_things(client, catalogue):
    html = page(client, get("001", "13"))
    amounts = re.search(r'<dd class="support-amounts">(.*?)</dd>', html, re.S).group(1)
    assert "最高 <strong>" in amounts and ">100 万元</data></strong>" in amounts
    thresholds = re.search(r'threshold-amounts">(.*?)</div>', amounts, re.S).group(1)
    assert ">500 万元</data>" in thresholds  # 当年网上零售额500万元以上: a threshold, not an award
    assert "文中金额" not in html


def test_it_marks_free_of_application(client, catalogue):
    measure = Measure.objects.filter(free_of_application=True).first()
    html = page(client, measure)
    assert "免申即享</span>" in html
    assert "是：符合条件的企业无需申请即可享受" in html


def test_it_shows_how_to_apply_as_steps(client, catalogue):
    measure = get("002", "1.1")
    html = page(client, measure)
    steps = re.search(r'<ol class="apply-steps">(.*?)</ol>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", steps)
    assert items == [
        "由县（市）、区政府提供本级政府会议纪要、本级商务局与第三方平台签订的合同、"
        "本级商务局向第三方平台转账凭证要件后向市商务局、财政局申请",
        "经两部门会商同意",
        "报请市政府同意后",
        "由市财政局统一向各县（市）、区政府划拨资金",
    ]


def test_it_lists_departments_with_contacts(client, catalogue):
    measure = get("002", "1.1")
    html = page(client, measure)
    for department in measure.departments.all():
        assert department.get_absolute_url() in html
    assert "零售科科长 赵春娇，5899860" in html


def test_it_cites_the_document_article_with_a_link_to_its_anchor(client, catalogue):
    measure = get("002", "1.1")
    html = page(client, measure)
    anchor = f"{measure.document.get_absolute_url()}#m-1.1"
    citation = f"《{measure.document.title}》第1条第（1）项"
    assert f'<a class="citation" href="{anchor}">{citation}</a>' in html


def test_it_warns_that_a_draft_is_not_in_force(client, catalogue):
    assert "本措施出自征求意见稿" in page(client, get("002", "1.1"))
    assert "本措施出自征求意见稿" not in page(client, get("001", "1"))


def test_it_suggests_related_measures_in_other_cities_only(client, catalogue):
    measure = get("001", "1")
    response = client.get(measure.get_absolute_url())
    related = list(response.context["related"])
    assert related
    topic_ids = {t.pk for t in measure.topics.all()}
    html = response.content.decode()
    for other in related:
        assert other.document.city_id != measure.document.city_id
        assert topic_ids & {t.pk for t in other.topics.all()}
        assert other.get_absolute_url() in html
        # each line offers to compare it with this measure
        assert f'{reverse("policies:compare")}?m={measure.pk}&amp;m={other.pk}"' in html


def test_it_offers_to_add_the_measure_to_a_comparison(client, catalogue):
    measure = get("001", "16")
    assert f"{reverse('policies:compare')}?m={measure.pk}" in page(client, measure)


def test_it_answers_404_for_an_unknown_measure(client, catalogue):
    assert client.get(reverse("policies:measure", args=[999999])).status_code == 404

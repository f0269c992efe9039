"""The self-check pages: choose a city, answer, see and revisit the result; bad input."""

import re

import pytest
from django.urls import NoReverseMatch, reverse

from policies.eligibility import views
from policies.eligibility.models import SavedCheck
from policies.models import District

from .conftest import measure
from .fixturedata import SOURCES

pytestmark = pytest.mark.django_db

RETAILER = {
    "industry": "wholesale_retail",
    "above_scale": "yes",
    "enterprise_size": "small",
    "registered_this_year": "yes",
    "first_entered_stats": "yes",
    "online_retail": "800",
    "stats_retail": "2000",
    "beats_province_growth": "yes",
}


@pytest.fixture(autouse=True)
def _in_2024(settings):
    """营口 第13条's 当年 awards are the year 2024's (the document's year): these tests run
    on a day of that year, when they may be claimed."""
    settings.PORTAL_TODAY = "2024-06-30"


def questions_url(city):
    return reverse("eligibility:questions", kwargs={"city": city.slug})


def test_it_sends_the_chosen_city_to_its_questions(client, yingkou):
    response = client.get(reverse("eligibility:start"), {"city": "yingkou"})
    assert response.status_code == 302
    assert response["Location"] == questions_url(yingkou)


def test_it_asks_again_for_an_unknown_city(client, rules):
    response = client.get(reverse("eligibility:start"), {"city": "atlantis"})
    assert response.status_code == 200
    assert "请从列表中选择城市。" in response.content.decode()


def test_it_asks_only_what_the_live_measures_of_the_city_need(client, yingkou, anshan):
    yingkou_page = client.get(questions_url(yingkou)).content.decode()
    anshan_page = client.get(questions_url(anshan)).content.decode()
    assert 'name="online_retail"' in yingkou_page
    assert 'name="online_retail"' not in anshan_page
    # used only by 鞍山 2023 3（1）, which expired on 2023-12-31
    assert 'name="retail_increment_2023"' not in anshan_page
    # 鞍山 2023 10（1） is 持续推进
    assert 'name="tech_upgrade_project"' in anshan_page
    for page in (yingkou_page, anshan_page):
        assert 'name="industry"' in page  # required of everyone


def test_it_asks_in_order_where_what_recognitions_events_figures(client, yingkou):
    page = client.get(questions_url(yingkou)).content.decode()
    legends = re.findall(
        r"<fieldset[^>]*check-section[^>]*>\s*<legend[^>]*>\s*(.*?)\s*</legend>", page
    )
    assert legends == ["所在地", "企业类型", "资质认定", "经营事项", "经营数据"]


def test_it_offers_the_districts_of_the_city_and_stores_the_chosen_one(client, yingkou):
    district = District.objects.create(city=yingkou, name="自测试验区", kind="zone")
    page = client.get(questions_url(yingkou)).content.decode()
    assert f'<option value="{district.pk}">自测试验区</option>' in page
    response = client.post(questions_url(yingkou), RETAILER | {"district": district.pk})
    check = SavedCheck.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert check.district == district


def test_it_works_without_districts(client, yingkou):
    District.objects.filter(city=yingkou).delete()
    page = client.get(questions_url(yingkou)).content.decode()
    assert 'name="district"' not in page
    assert "本市暂未收录县（市）区名单" in page


def test_it_saves_the_answers_under_an_unguessable_token(client, yingkou):
    response = client.post(questions_url(yingkou), RETAILER)
    assert response.status_code == 302
    check = SavedCheck.objects.latest("created_at")
    assert response["Location"] == check.get_absolute_url()
    assert len(check.token) >= 20
    assert check.answers == {
        "industry": "wholesale_retail",
        "above_scale": True,
        "enterprise_size": "small",
        "registered_this_year": True,
        "first_entered_stats": True,
        "online_retail": 800,
        "stats_retail": 2000,
        "beats_province_growth": True,
    }


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("online_retail", "八百万", "请输入数字（单位：万元），不要填写文字或符号。"),
        ("stats_retail", "-5", "不能为负数，请填写 0 或正数。"),
        ("stats_retail", "99999999999", "数值过大，请核对单位（单位：万元）。"),
        ("village_stations", "3.5", "请输入整数，不要填写文字或符号。"),
        ("enterprise_size", "", "请选择一项。"),
        ("above_scale", "", "请选择“是”或“否”。"),
    ],
)
def test_it_explains_bad_input_next_to_the_field_and_keeps_what_was_typed(
    client, yingkou, field, typed, message
):
    data = RETAILER | {field: typed}
    before = SavedCheck.objects.count()
    response = client.post(questions_url(yingkou), data)
    assert response.status_code == 200
    page = response.content.decode()
    error = re.search(rf'id="error_1_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', page)
    assert error and error.group(1) == message
    assert "有些回答需要修改" in page
    # the other answers are still there
    assert 'name="stats_retail" value="2000"' in page or field == "stats_retail"
    assert 'name="online_retail" value="800"' in page or field == "online_retail"
    if typed:
        assert f'value="{typed}"' in page
    assert SavedCheck.objects.count() == before


def test_it_shows_the_groups_the_total_and_the_computation(client, yingkou):
    response = client.post(questions_url(yingkou), RETAILER)
    page = client.get(response["Location"]).content.decode()
    # 3% of 2000万 and up to 10万 for registering in 2024; the 次年 award is 2025's
    assert re.search(r'id="total">\s*60万元–70万元\s*<', page)
    eligible = page.split('id="group-eligible"')[1].split('id="group-maybe"')[0]
    assert "纳统零售额 2000万元 × 3% = 60万元" in eligible
    assert "次年增速超过全省平均再奖励：未生效（2025年1月1日至2025年12月31日），不计入" in eligible
    retail_13 = measure(SOURCES["营口"], "13")
    assert retail_13.get_absolute_url() in eligible
    for heading in ("符合", "可能符合", "不符合", "可咨询", "时效未明"):
        assert f">{heading} <span" in page


def test_it_links_missing_answers_back_to_their_questions(client, yingkou):
    response = client.post(questions_url(yingkou), RETAILER)
    check = SavedCheck.objects.latest("created_at")
    page = client.get(response["Location"]).content.decode()
    maybe = page.split('id="group-maybe"')[1].split('id="group-ineligible"')[0]
    link = f"{questions_url(yingkou)}?from={check.token}#id_monthly_retail_growth"
    assert link in maybe


def test_it_prefills_the_questions_from_a_saved_check(client, yingkou):
    client.post(questions_url(yingkou), RETAILER)
    check = SavedCheck.objects.latest("created_at")
    page = client.get(questions_url(yingkou), {"from": check.token}).content.decode()
    assert 'name="online_retail" value="800"' in page
    assert re.search(r'name="above_scale" value="yes"[^>]*checked', page)


def test_it_answers_404_for_an_unknown_token(client, rules):
    response = client.get(reverse("eligibility:result", kwargs={"token": "no-such-token"}))
    assert response.status_code == 404


def test_it_lists_expired_measures_apart_and_never_counts_them(client, anshan):
    answers = {
        "industry": "wholesale_retail",
        "above_scale": True,
        "enterprise_size": "small",
        "retail_increment_2023": 23000,
    }
    check = SavedCheck.objects.create(city=anshan, answers=answers)
    page = client.get(check.get_absolute_url()).content.decode()
    expired = page.split('id="group-expired"')[1]
    assert "2.3亿元 → 2亿元（含）至5亿元（不含）档 → 50万元" in expired
    eligible = page.split('id="group-eligible"')[1].split('id="group-maybe"')[0]
    assert measure(SOURCES["鞍山2023"], "3.1").get_absolute_url() not in eligible
    assert re.search(r'id="total">\s*0元\s*<', page)


def test_it_offers_to_apply_only_when_applications_exist(client, yingkou, monkeypatch):
    client.post(questions_url(yingkou), RETAILER)
    check = SavedCheck.objects.latest("created_at")
    retail_13 = measure(SOURCES["营口"], "13")
    try:
        start = reverse("applications:start", args=[retail_13.pk])
    except NoReverseMatch:
        start = None
    page = client.get(check.get_absolute_url()).content.decode()
    if start:
        assert f'href="{start}?check={check.token}"' in page
    else:
        assert ">在线申报</a>" not in page
    monkeypatch.setattr(views, "_apply_base", lambda: None)
    assert ">在线申报</a>" not in client.get(check.get_absolute_url()).content.decode()


def test_it_measures_as_of_a_chosen_day_and_keeps_it_in_the_saved_link(client, yingkou):
    response = client.post(questions_url(yingkou), RETAILER | {"as_of": "2024-09-30"})
    check = SavedCheck.objects.latest("created_at")
    assert check.as_of.isoformat() == "2024-09-30"
    page = client.get(response["Location"]).content.decode()
    assert "按 2024年9月30日 有效的政策测算" in page
    assert f"?from={check.token}&amp;as_of=2024-09-30" in page  # 修改回答 keeps the day


def test_it_lists_the_measures_it_excluded_and_why_on_a_later_day(client, yingkou):
    client.post(questions_url(yingkou), RETAILER)
    check = SavedCheck.objects.latest("created_at")
    page = client.get(check.get_absolute_url(), {"as_of": "2026-11-30"}).content.decode()
    assert re.search(r'id="total">\s*0元\s*<', page)
    assert "按 2026年11月30日 有效的政策测算" in page
    assert re.search(r"另有 \d+ 条措施在该日不处于有效期", page)
    expired = page.split('id="group-expired"')[1].split("</section>")[0]
    retail_13 = measure(SOURCES["营口"], "13")
    assert retail_13.get_absolute_url() in expired
    assert "本条已于2025年12月31日到期，不计入预计金额。" in expired
    eligible = page.split('id="group-eligible"')[1].split('id="group-maybe"')[0]
    assert retail_13.get_absolute_url() not in eligible


def test_it_refuses_a_bad_day_with_a_message_and_keeps_the_answers(client, yingkou):
    response = client.post(questions_url(yingkou), RETAILER | {"as_of": "2024-13-45"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "请按 年-月-日 填写日期，如 2025-12-31。" in page
    assert 'name="online_retail" value="800"' in page


@pytest.mark.parametrize(
    ("today", "group", "total"),
    [("2025-12-31", "eligible", "1.5万元"), ("2026-01-01", "expired", "0元")],
)
def test_the_verdict_flips_when_a_rule_ends(client, anshan, settings, today, group, total):
    """鞍山 2024 第14条: 一次性扩岗补助 每人1500元, 延续实施至2025年底."""
    settings.PORTAL_TODAY = today
    check = SavedCheck.objects.create(city=anshan, answers={"graduates_hired": 10})
    page = client.get(check.get_absolute_url()).content.decode()
    section = page.split(f'id="group-{group}"')[1].split("</section>")[0]
    assert measure(SOURCES["鞍山2024"], "14").get_absolute_url() in section
    assert re.search(rf'id="total">\s*{total}\s*<', page)

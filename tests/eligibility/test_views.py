"""The self-check in steps: profile, then only what a still-possible measure depends on, a
summary where any answer can be changed, the result; bad input; GET never writes; 一企一档."""

import re

import pytest
from django.urls import reverse

from policies.eligibility.models import SavedCheck
from policies.models import District

from .conftest import measure
from .fixturedata import SOURCES

pytestmark = pytest.mark.django_db

RETAILER_PROFILE = {
    "industry": "F",
    "registered_on": "2019-03-01",
    "employees": "30",
    "revenue_last_year": "800",
    "above_scale": "yes",
}


def questions_url(city):
    return reverse("eligibility:questions", kwargs={"city": city.slug})


def fields(html):
    """The names of the questions a page asks (its form fields, site chrome aside; not the
    disabled ones kept for JavaScript to reveal)."""
    form = html.split('class="check-step"', 1)[1].split("</form>", 1)[0]
    names = [
        name
        for tag, name in re.findall(r'(<[^>]*\bname="([a-z_0-9]+)"[^>]*>)', form)
        if 'disabled="disabled"' not in tag
    ]
    return list(dict.fromkeys(n for n in names if n not in ("csrfmiddlewaretoken", "edit")))


def walk(client, city, profile, answers=None, *, blank="", limit=40):
    """Answer the profile, then every step with ``answers`` (blank for the rest) until the
    summary; return (check, [(section, [field names])])."""
    answers = answers or {}
    response = client.post(questions_url(city), profile)
    assert response.status_code == 302, response.content.decode()[:2000]
    location, steps = response["Location"], []
    for _ in range(limit):
        response = client.get(location)
        if response.status_code == 302:
            location = response["Location"]
            if "/summary/" in location:
                break
            continue
        html = response.content.decode()
        names = fields(html)
        checkboxes = set(re.findall(r'<input[^>]*type="checkbox"[^>]*name="([a-z_0-9]+)"', html))
        steps.append((location.rstrip("/").rsplit("/", 1)[1], names))
        data = {}
        for name in names:
            if name in answers:
                data[name] = answers[name]
            elif name not in checkboxes:
                data[name] = blank
        response = client.post(location, data)
        assert response.status_code == 302, (
            data,
            re.findall(
                r'id="error_1_id_(\w+)"[^>]*>\s*<strong>(.*?)</strong>', response.content.decode()
            ),
        )
        location = response["Location"]
    token = location.split("/")[2]
    return SavedCheck.objects.get(token=token), steps


def test_it_sends_the_chosen_city_to_its_first_step(client, yingkou):
    response = client.get(reverse("eligibility:start"), {"city": "yingkou"})
    assert response.status_code == 302
    assert response["Location"] == questions_url(yingkou)


def test_it_asks_again_for_an_unknown_city(client, rules):
    response = client.get(reverse("eligibility:start"), {"city": "atlantis"})
    assert response.status_code == 200
    assert "请从列表中选择城市。" in response.content.decode()


def test_the_first_step_is_the_profile_and_creates_nothing(client, yingkou):
    page = client.get(questions_url(yingkou)).content.decode()
    names = fields(page)
    for key in ("district", "industry", "registered_on", "employees", "revenue_last_year"):
        assert key in names
    assert "above_scale" in names and "as_of" in names
    # asked only once the industry says it matters (no JavaScript needed)
    assert "industry_detail" not in names and "total_assets" not in names
    assert "enterprise_size" not in names  # derived, never asked
    assert "第 1 步" in page
    assert not SavedCheck.objects.exists()


def test_it_asks_a_retailer_the_detail_of_its_line_with_only_the_choices_of_its_industry(
    client, yingkou
):
    response = client.post(questions_url(yingkou), RETAILER_PROFILE)
    follow = client.get(client.get(response["Location"])["Location"])
    html = follow.content.decode()
    assert fields(html) == ["industry_detail"]
    assert "零售业" in html and "批发业" in html
    assert "仓储业" not in html and "物业管理" not in html


def test_with_javascript_the_detail_is_asked_in_the_same_step(client, yingkou):
    """check.js reveals and enables the 具体行业 once 批发和零售业 is chosen; posted with
    the profile, it is saved at once and not asked again."""
    page = client.get(questions_url(yingkou)).content.decode()
    assert re.search(r'class="ask-if"\s+hidden="hidden"', page)
    assert re.search(r'<select name="industry_detail" disabled="disabled" data-ask-if=', page)
    response = client.post(questions_url(yingkou), RETAILER_PROFILE | {"industry_detail": "retail"})
    check = SavedCheck.objects.get()
    assert check.answers["industry_detail"] == "retail"
    follow = client.get(response["Location"])
    assert not follow["Location"].endswith("/step/profile/")


def test_a_revealed_question_that_does_not_apply_is_dropped(client, yingkou):
    client.post(questions_url(yingkou), RETAILER_PROFILE | {"industry": "C", "total_assets": "9"})
    check = SavedCheck.objects.get()
    assert "total_assets" not in check.answers and "total_assets" not in check.skipped


def test_it_derives_the_size_and_never_asks_it(client, yingkou):
    check, steps = walk(client, yingkou, RETAILER_PROFILE, {"industry_detail": "retail"})
    assert all("enterprise_size" not in names for _, names in steps)
    from policies.eligibility import evaluator, services

    infos = {k: q.info() for k, q in services.all_questions().items()}
    values = evaluator.normalize(check.answers, infos)
    assert values["enterprise_size"] == "small"  # 零售业: 30人, 800万元 → 小型 (≥10人, ≥100万)
    assert values["registration_year"] == 2019


def test_a_skipped_question_is_never_asked_again(client, yingkou):
    check, steps = walk(client, yingkou, RETAILER_PROFILE)
    seen = [name for _, names in steps for name in names]
    assert len(seen) == len(set(seen))
    assert "industry_detail" in check.skipped
    assert client.get(check.next_url())["Location"] == check.summary_url()


def test_the_summary_lists_every_answer_with_a_link_to_change_it(client, yingkou):
    check, _ = walk(client, yingkou, RETAILER_PROFILE, {"industry_detail": "retail"})
    page = client.get(check.summary_url()).content.decode()
    assert "零售业" in page and "30人" in page and "800 万元" in page
    edit = reverse("eligibility:step", kwargs={"token": check.token, "section": "profile"})
    assert f"{edit}?edit=1#id_employees" in page
    # change one answer: back to the summary, the others kept
    response = client.post(edit, {**RETAILER_PROFILE, "employees": "8", "edit": "1"})
    assert response["Location"] == check.summary_url()
    check.refresh_from_db()
    assert check.answers["employees"] == 8 and check.answers["industry"] == "F"


def test_get_never_writes(client, yingkou):
    check, _ = walk(client, yingkou, RETAILER_PROFILE)
    before = (check.version, dict(check.answers), list(check.skipped))
    for url in (
        check.next_url(),
        check.summary_url(),
        check.get_absolute_url(),
        reverse("eligibility:step", kwargs={"token": check.token, "section": "profile"})
        + "?edit=1",
    ):
        client.get(url)
    check.refresh_from_db()
    assert (check.version, check.answers, check.skipped) == before


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("employees", "三十", "请输入整数，不要填写文字或符号。"),
        ("revenue_last_year", "-5", "不能为负数，请填写 0 或正数。"),
        ("revenue_last_year", "99999999999", "数值过大，请核对单位（单位：万元）。"),
        ("registered_on", "2019-13-45", "请按 年-月-日 填写日期，如 2020-05-18。"),
        ("industry", "", "请选择一项。"),
        ("as_of", "明天", "请按 年-月-日 填写日期，如 2025-12-31。"),
    ],
)
def test_it_explains_bad_input_next_to_the_field_and_keeps_what_was_typed(
    client, yingkou, field, typed, message
):
    response = client.post(questions_url(yingkou), RETAILER_PROFILE | {field: typed})
    assert response.status_code == 200
    page = response.content.decode()
    error = re.search(rf'id="error_1_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', page)
    assert error and error.group(1) == message
    assert "有些回答需要修改" in page
    if field != "employees":
        assert 'name="employees" value="30"' in page
    if typed:
        assert f'value="{typed}"' in page
    assert not SavedCheck.objects.exists()


def test_it_offers_the_districts_of_the_city_and_stores_the_chosen_one(client, yingkou):
    district = District.objects.create(city=yingkou, name="自测试验区", kind="zone")
    page = client.get(questions_url(yingkou)).content.decode()
    assert f'<option value="{district.pk}">自测试验区</option>' in page
    client.post(questions_url(yingkou), RETAILER_PROFILE | {"district": district.pk})
    assert SavedCheck.objects.get().district == district


def test_it_works_without_districts(client, yingkou):
    District.objects.filter(city=yingkou).delete()
    assert "district" not in fields(client.get(questions_url(yingkou)).content.decode())


def test_it_answers_404_for_an_unknown_token(client, rules):
    for name in ("result", "summary", "next"):
        response = client.get(reverse(f"eligibility:{name}", kwargs={"token": "no-such-token"}))
        assert response.status_code == 404


def test_the_result_leads_with_what_is_certain_and_what_more_is_possible(client, anshan, settings):
    settings.PORTAL_TODAY = "2025-06-30"
    check = SavedCheck.objects.create(
        city=anshan, answers={"industry": "C", "activities": ["hiring"], "graduates_hired": 10}
    )
    page = client.get(check.get_absolute_url()).content.decode()
    headline = re.search(r'id="headline">(.*?)<', page).group(1)
    assert headline.startswith("确定可获 1.5 万元")  # 鞍山 2024 第14条: 10 × 1,500 元
    assert (
        measure(SOURCES["鞍山2024"], "14").get_absolute_url()
        in page.split('id="group-eligible"')[1].split("</section>")[0]
    )


def test_it_lists_expired_measures_apart_and_never_counts_them(client, anshan, settings):
    settings.PORTAL_TODAY = "2026-11-30"
    check = SavedCheck.objects.create(
        city=anshan, answers={"industry": "C", "activities": ["hiring"], "graduates_hired": 10}
    )
    page = client.get(check.get_absolute_url()).content.decode()
    expired = page.split('id="group-expired"')[1].split("</section>")[0]
    assert measure(SOURCES["鞍山2024"], "14").get_absolute_url() in expired
    assert "本条已于2025年12月31日到期" in expired
    assert re.search(r'id="headline">确定可获 0 元', page)


@pytest.mark.parametrize(
    ("today", "group", "total"),
    [("2025-12-31", "eligible", "1.5 万元"), ("2026-01-01", "expired", "0 元")],
)
def test_the_verdict_flips_when_a_rule_ends(client, anshan, settings, today, group, total):
    """鞍山 2024 第14条: 一次性扩岗补助 每人1500元, 延续实施至2025年底."""
    settings.PORTAL_TODAY = today
    check = SavedCheck.objects.create(
        city=anshan, answers={"industry": "C", "activities": ["hiring"], "graduates_hired": 10}
    )
    page = client.get(check.get_absolute_url()).content.decode()
    section = page.split(f'id="group-{group}"')[1].split("</section>")[0]
    assert measure(SOURCES["鞍山2024"], "14").get_absolute_url() in section
    assert re.search(rf'id="total">\s*{total}\s*<', page)


def test_it_measures_as_of_a_chosen_day_and_keeps_it_in_the_saved_link(client, yingkou):
    response = client.post(questions_url(yingkou), RETAILER_PROFILE | {"as_of": "2024-09-30"})
    check = SavedCheck.objects.get()
    assert check.as_of.isoformat() == "2024-09-30"
    assert response["Location"] == check.next_url()
    page = client.get(check.get_absolute_url()).content.decode()
    assert "按 2024年9月30日 有效的政策测算" in page
    page = client.get(check.get_absolute_url(), {"as_of": "2026-11-30"}).content.decode()
    assert "按 2026年11月30日 有效的政策测算" in page


def test_a_maybe_names_the_question_that_decides_it_and_links_back(client, anshan, settings):
    settings.PORTAL_TODAY = "2025-06-30"
    check = SavedCheck.objects.create(city=anshan, answers={"industry": "C"})
    page = client.get(check.get_absolute_url()).content.decode()
    maybe = page.split('id="group-maybe"')[1].split("</section>")[0]
    links = re.findall(r'<a href="([^"]+)" class="missing-link">', maybe)
    assert links
    step = reverse("eligibility:step", kwargs={"token": check.token, "section": "x"})[:-2]
    assert all(link.startswith(step) and "?edit=1#id_" in link for link in links)


def test_an_ineligible_threshold_says_how_far_it_is(client, anshan, settings):
    """鞍山 2023 3（1）: 限上零售额增量 5000万元 is the lowest tier."""
    settings.PORTAL_TODAY = "2023-10-16"
    answers = {
        "industry": "F",
        "industry_detail": "retail",
        "above_scale": True,
        "activities": [],
        "retail_increment_2023": 4500,
    }
    check = SavedCheck.objects.create(city=anshan, answers=answers)
    page = client.get(check.get_absolute_url()).content.decode()
    card = page.split(f'id="measure-{measure(SOURCES["鞍山2023"], "3.1").pk}"')[1].split(
        "</article>"
    )[0]
    assert "您填写的是4,500 万元，还差500 万元" in card


def test_a_signed_in_enterprise_keeps_its_answers_and_finds_them_next_time(
    client, anshan, django_user_model
):
    from applications.models import Enterprise, EnterpriseAnswer, EnterpriseMembership
    from applications.uscc import check_character

    user = django_user_model.objects.create_user("qiye", password="x")
    district = District.objects.filter(city=anshan).first()
    code = "91210300MA0Q12345"
    enterprise = Enterprise.objects.create(
        name="档案测试有限公司",
        uscc=code + check_character(code),
        city=anshan,
        district=district,
        contact_person="张三",
        phone="0412-1234567",
        email="a@example.com",
    )
    EnterpriseMembership.objects.create(user=user, enterprise=enterprise)
    client.force_login(user)
    walk(client, anshan, {"industry": "C", "employees": "120", "revenue_last_year": "3000"})
    stored = dict(
        EnterpriseAnswer.objects.filter(enterprise=enterprise).values_list("key", "value")
    )
    assert stored["industry"] == "C" and stored["employees"] == 120
    # the next check starts prefilled, in the enterprise's district
    page = client.get(questions_url(anshan)).content.decode()
    assert "已按上次填写的内容预填" in page
    assert 'name="employees" value="120"' in page
    assert f'<option value="{district.pk}" selected>' in page

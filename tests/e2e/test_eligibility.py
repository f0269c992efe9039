"""End to end in headless Chromium: self-check results as of a 测算日期 — a 营口 retailer's
2024 awards, what leaves the total on a later day, and an interest subsidy on the LPR of the
day — and the questionnaire on a phone."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import screenshot


@pytest.fixture
def eligibility_rules(transactional_catalogue):
    from policies.eligibility.models import EligibilityRule

    if not EligibilityRule.objects.exists():
        call_command("load_eligibility", verbosity=0)


RETAILER = {
    "industry": "F",
    "industry_detail": "retail",
    "registered_on": "2024-03-01",
    "employees": 30,
    "revenue_last_year": 800,
    "above_scale": True,
    "identity": ["private"],
    "activities": ["ecommerce"],
    "first_entered_stats": True,
    "online_retail": 800,
    "stats_retail": 2000,
    "beats_province_growth": True,
}


def test_a_2024_retailer_sees_its_awards_and_what_a_later_day_leaves_out(
    page, eligibility_rules, settings
):
    from policies.eligibility.models import SavedCheck
    from policies.models import City, Measure

    # 营口 第13条's 当年 awards are the year 2024's: the retailer checks on a day of 2024
    settings.PORTAL_TODAY = "2024-06-30"
    retail_13 = Measure.objects.get(document__source="001_c6539826c75744cc.txt", path_key="13")
    check = SavedCheck.objects.create(city=City.objects.get(slug="yingkou"), answers=RETAILER)

    page.goto(check.get_absolute_url())
    card = page.locator(f"#eligible #measure-{retail_13.pk}")
    expect(card).to_contain_text("纳统零售额 2,000 万元 × 3% = 60 万元")
    expect(card).to_contain_text("60 万元–70 万元")
    # the 次年 award is the year 2025's: shown, not counted
    expect(card.locator(".excluded-parts")).to_contain_text("次年增速超过全省平均再奖励")
    expect(page.locator("#headline")).to_contain_text("确定可获")
    screenshot(page, "eligibility-yingkou-retailer")

    # the same answers measured on 2026-11-30: everything of 2024–2025 is listed apart
    page.fill("#id_result_as_of", "2026-11-30")
    page.get_by_role("button", name="按此日期重新测算").click()
    expect(page.locator("#as-of")).to_contain_text("按 2026年11月30日 有效的政策测算")
    expired = page.locator("#expired")
    expired.locator("summary").click()
    expect(expired.locator(f"#measure-{retail_13.pk}")).to_contain_text(
        "本条已于2025年12月31日到期，不计入预计金额。"
    )
    screenshot(page, "eligibility-yingkou-retailer-2026")

    # the citation opens the measure
    page.goto(check.get_absolute_url())
    page.locator(f"#measure-{retail_13.pk} a.citation-link").click()
    expect(page).to_have_url(re.compile(rf"/policies/measures/{retail_13.pk}/$"))


def test_it_lists_expired_parts_apart_and_cites_the_lpr(page, eligibility_rules, settings):
    """鞍山 on 2026-11-30: 2024 第14条's 扩岗补助 ended with 2025; 2023 10（1）'s interest
    subsidy (a draft's 持续推进 item: 时效未明) is computed on the LPR of the day, cited."""
    from policies.eligibility.models import SavedCheck
    from policies.models import City, Measure

    settings.PORTAL_TODAY = "2026-11-30"
    anshan_14 = Measure.objects.get(document__source__startswith="000_", path_key="14")
    upgrade = Measure.objects.get(document__source__startswith="002_", path_key="10.1")
    answers = {
        "industry": "C",
        "employees": 120,
        "revenue_last_year": 8000,
        "identity": ["private"],
        "activities": ["tech_upgrade", "hiring"],
        "graduates_hired": 4,
        "tech_upgrade_project": True,
        "tech_upgrade_investment": 0,
        "tech_upgrade_loan": 1000,
    }
    check = SavedCheck.objects.create(city=City.objects.get(slug="anshan"), answers=answers)
    page.goto(check.get_absolute_url())

    expect(page.locator("#as-of")).to_contain_text("按 2026年11月30日 有效的政策测算")
    expired = page.locator("#expired")
    expired.locator("summary").click()
    expect(expired.locator(f"#measure-{anshan_14.pk}")).to_contain_text(
        "本条已于2025年12月31日到期"
    )
    unknown = page.locator("#unknown")
    unknown.locator("summary").click()
    card = unknown.locator(f"#measure-{upgrade.pk}")
    expect(card).to_contain_text("按 2025年5月20日起执行的一年期 LPR 3.00%")
    expect(card).to_contain_text("30 万元")
    expect(card).to_contain_text("征求意见稿")
    expect(page.locator("#eligible")).not_to_contain_text(upgrade.title)
    screenshot(page, "eligibility-anshan-apart")


def test_it_fits_a_phone_screen(phone_page, eligibility_rules):
    phone_page.goto("/check/city/yingkou/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone_page, "eligibility-questions-phone")

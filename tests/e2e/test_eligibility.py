"""End to end in headless Chromium: an 营口 retailer takes the self-check."""

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


def answer_yes(page, key):
    page.locator(f"input[name='{key}'][value='yes']").check()


def test_it_shows_an_yingkou_retailer_its_measures_totals_and_citations(
    page, eligibility_rules, settings
):
    from policies.models import Measure

    # 营口 第13条's 当年 awards are the year 2024's: the retailer checks on a day of 2024
    settings.PORTAL_TODAY = "2024-06-30"
    retail_13 = Measure.objects.get(document__source="001_c6539826c75744cc.txt", path_key="13")

    page.goto("/check/")
    page.select_option("#id_city", label="营口市")
    page.get_by_role("button", name="开始自测").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("营口市政策自测")

    page.select_option("#id_industry", "wholesale_retail")
    answer_yes(page, "above_scale")
    page.select_option("#id_enterprise_size", "small")
    answer_yes(page, "registered_this_year")
    answer_yes(page, "first_entered_stats")
    page.fill("#id_online_retail", "800")
    page.fill("#id_stats_retail", "-2000")  # a typing slip first
    answer_yes(page, "beats_province_growth")
    page.get_by_role("button", name="查看自测结果").click()

    # refused next to the field, nothing typed lost
    expect(page.locator("#error_1_id_stats_retail")).to_contain_text("不能为负数")
    expect(page.locator("#id_online_retail")).to_have_value("800")
    page.fill("#id_stats_retail", "2000")
    page.get_by_role("button", name="查看自测结果").click()

    expect(page).to_have_url(re.compile(r"/check/result/[\w-]{20,}/$"))
    expect(page.locator("#total")).to_have_text("60万元–70万元")
    eligible = page.locator("#eligible")
    card = eligible.locator(f"#measure-{retail_13.pk}")
    expect(card).to_contain_text("纳统零售额 2000万元 × 3% = 60万元")
    expect(card).to_contain_text("60万元–70万元")
    # the 次年 award is the year 2025's: shown, not counted
    expect(card.locator(".excluded-parts")).to_contain_text("次年增速超过全省平均再奖励")
    expect(page.locator("#maybe")).to_contain_text("还需回答")
    screenshot(page, "eligibility-yingkou-retailer")

    # the saved link shows the same result
    saved = page.url
    page.goto(saved)
    expect(page.locator("#total")).to_have_text("60万元–70万元")

    # the same answers measured on 2026-11-30: everything of 2024–2025 is listed apart
    page.fill("#id_result_as_of", "2026-11-30")
    page.get_by_role("button", name="按此日期重新测算").click()
    expect(page.locator("#as-of")).to_contain_text("按 2026年11月30日 有效的政策测算")
    expect(page.locator("#total")).to_have_text("0元")
    expired = page.locator("#expired")
    expired.locator("summary").click()
    expect(expired.locator(f"#measure-{retail_13.pk}")).to_contain_text(
        "本条已于2025年12月31日到期，不计入预计金额。"
    )
    screenshot(page, "eligibility-yingkou-retailer-2026")
    page.goto(saved)

    # open the citation
    card = page.locator(f"#measure-{retail_13.pk}")
    card.locator("a.citation-link").click()
    expect(page).to_have_url(re.compile(rf"/policies/measures/{retail_13.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(retail_13.title)


def test_it_fits_a_phone_screen(phone_page, eligibility_rules):
    phone_page.goto("/check/city/yingkou/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone_page, "eligibility-questions-phone")


def test_it_lists_expired_parts_apart_and_cites_the_lpr(page, eligibility_rules, settings):
    """鞍山 on 2026-11-30: 2024 第14条's 扩岗补助 ended with 2025; 2023 10（1）'s interest
    subsidy (a draft's 持续推进 item: 时效未明) is computed on the LPR of the day, cited."""
    from policies.models import Measure

    settings.PORTAL_TODAY = "2026-11-30"
    anshan_14 = Measure.objects.get(document__source__startswith="000_", path_key="14")
    upgrade = Measure.objects.get(document__source__startswith="002_", path_key="10.1")

    page.goto("/check/city/anshan/")
    page.select_option("#id_industry", "industry")
    page.select_option("#id_enterprise_size", "medium")
    answer_yes(page, "above_scale")
    answer_yes(page, "tech_upgrade_project")
    page.fill("#id_tech_upgrade_investment", "0")
    page.fill("#id_tech_upgrade_loan", "1000")
    page.get_by_role("button", name="查看自测结果").click()

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
    expect(card).to_contain_text("30万元")
    expect(card).to_contain_text("征求意见稿")
    expect(page.locator("#eligible")).not_to_contain_text(upgrade.title)
    screenshot(page, "eligibility-anshan-apart")

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


def test_it_shows_an_yingkou_retailer_its_measures_totals_and_citations(page, eligibility_rules):
    from policies.models import Measure

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
    expect(page.locator("#total")).to_have_text("60万元–80万元")
    eligible = page.locator("#eligible")
    card = eligible.locator(f"#measure-{retail_13.pk}")
    expect(card).to_contain_text("纳统零售额 2000万元 × 3% = 60万元")
    expect(card).to_contain_text("60万元–80万元")
    expect(page.locator("#maybe")).to_contain_text("还需回答")
    screenshot(page, "eligibility-yingkou-retailer")

    # the saved link shows the same result
    saved = page.url
    page.goto(saved)
    expect(page.locator("#total")).to_have_text("60万元–80万元")

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

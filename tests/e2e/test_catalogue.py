"""The catalogue in a real headless Chromium: search, filter, measure, citation, source text."""

import re

import pytest

from tests.e2e.conftest import SCREENSHOTS, screenshot

pytestmark = pytest.mark.e2e


def test_it_finds_a_measure_and_follows_its_citation_to_the_source(page):
    page.goto("/")
    page.get_by_label("搜索政策措施").fill("補貼")  # traditional characters find 补贴
    page.get_by_role("button", name="搜索", exact=True).last.click()
    page.wait_for_url(re.compile(r"/policies/measures/\?q="))
    heading = page.get_by_role("heading", level=1)
    assert "補貼" in heading.inner_text()
    assert page.locator(".measure-card mark").first.inner_text() == "补贴"
    total = int(re.search(r"\d+", page.locator("#results-heading").inner_text()).group())
    assert total > 0

    # Filter: 营口市, with a money amount; the filters stay in the URL.
    page.get_by_label("城市").select_option(label="营口市")
    page.get_by_label("有明确支持金额").check()
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"city=yingkou"))
    assert "has_amount=on" in page.url
    filtered = int(re.search(r"\d+", page.locator("#results-heading").inner_text()).group())
    assert 0 < filtered < total
    cities = page.locator(".measure-card p.small").all_inner_texts()
    assert cities and all(text.startswith("营口市") for text in cities)
    screenshot(page, "catalogue-list-desktop")

    # Open the first measure.
    first = page.locator(".measure-card h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/policies/measures/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert page.locator("#facts-heading").is_visible()
    screenshot(page, "catalogue-measure-desktop")

    # Follow the citation to the measure's anchor in the document.
    citation = page.locator("a.citation").first
    href = citation.get_attribute("href")
    anchor = href.split("#", 1)[1]
    citation.click()
    page.wait_for_url(re.compile(rf"/policies/documents/\d+/#{re.escape(anchor)}$"))
    target = page.locator(f"[id='{anchor}']")
    assert target.is_visible()
    assert title in target.locator("h3, h4").inner_text()
    assert page.evaluate("document.querySelector(':target').id") == anchor
    screenshot(page, "catalogue-document-desktop")

    # Switch to the verbatim source text.
    page.get_by_role("link", name="原文（照录）").click()
    page.wait_for_url(re.compile(r"\?view=source$"))
    source = page.locator(".source-text").inner_text()
    assert "營口市" in source  # as published, in traditional characters
    assert page.locator(".measure-block").count() == 0


def test_it_compares_two_measures_without_javascript(browser, live_server, transactional_catalogue):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/policies/measures/?q=专精特新")
        boxes = page.locator("input[name='m'][form='compare-form']")
        assert boxes.count() >= 2
        boxes.nth(0).check()
        boxes.nth(1).check()
        page.get_by_role("button", name=re.compile("对比所选")).click()
        page.wait_for_url(re.compile(r"/policies/compare/\?m=\d+&m=\d+"))
        assert page.locator("thead th[scope='col']").count() == 3
        page.goto("/")
        page.get_by_role("button", name="大字模式").click()
        assert page.evaluate("document.documentElement.className") == "text-large"
    finally:
        context.close()


def test_it_reads_well_on_a_phone(phone_page):
    page = phone_page
    page.goto("/")
    assert page.evaluate("(d => d.scrollWidth <= d.clientWidth)(document.documentElement)")
    screenshot(page, "catalogue-home-phone")
    page.goto("/policies/measures/?q=上市")
    assert page.evaluate("(d => d.scrollWidth <= d.clientWidth)(document.documentElement)")
    screenshot(page, "catalogue-list-phone")
    page.locator(".measure-card h3 a").first.click()
    page.wait_for_url(re.compile(r"/policies/measures/\d+/$"))
    assert page.evaluate("(d => d.scrollWidth <= d.clientWidth)(document.documentElement)")
    screenshot(page, "catalogue-measure-phone")
    page.locator("a.citation").first.click()
    page.wait_for_url(re.compile(r"#m-"))
    assert page.evaluate("(d => d.scrollWidth <= d.clientWidth)(document.documentElement)")
    screenshot(page, "catalogue-document-phone")


def test_it_prints_a_measure_without_the_site_chrome(page):
    page.goto("/policies/measures/?q=上市")
    page.locator(".measure-card h3 a").first.click()
    page.wait_for_url(re.compile(r"/policies/measures/\d+/$"))
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".breadcrumb-nav").is_visible()
    assert not page.get_by_role("link", name="加入对比").is_visible()
    assert page.locator("#facts-heading").is_visible()
    assert page.locator(".policy-text").is_visible()
    page.pdf(path=str(SCREENSHOTS / "catalogue-measure-print.pdf"))

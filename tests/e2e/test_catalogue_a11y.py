"""axe-core (bundled offline by axe-playwright-python) finds no serious or critical
accessibility violation on the catalogue's main pages, in normal and large text."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from policies.models import Measure, PolicyDocument
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

SEVERE = {"serious", "critical"}


def pages():
    draft = PolicyDocument.objects.get(source__startswith="002_")
    measure = Measure.objects.get(document=draft, path_key="1.1")
    return {
        "home": "/",
        "list": "/policies/measures/?q=补贴",
        "measure": measure.get_absolute_url(),
        "document": draft.get_absolute_url(),
        "document-source": draft.get_absolute_url() + "?view=source",
        "city": "/policies/cities/yingkou/",
        "compare": "/policies/compare/?m={}&m={}".format(
            *Measure.objects.values_list("pk", flat=True)[:2]
        ),
    }


def severe_violations(page):
    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"
    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]][:3])
        for violation in results.response["violations"]
        if violation["impact"] in SEVERE
    ]


@pytest.mark.parametrize(
    "name", ["home", "list", "measure", "document", "document-source", "city", "compare"]
)
def test_it_has_no_serious_accessibility_violations(page, name):
    page.goto(pages()[name])
    assert severe_violations(page) == []
    screenshot(page, f"a11y-{name}-desktop")


def test_it_has_no_serious_violations_on_a_phone_in_large_text(phone_page):
    page = phone_page
    page.goto("/")
    page.locator(".site-menu > summary").click()  # the menu (a <details>): 菜单
    page.get_by_role("button", name="大字模式").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.className") == "text-large"
    for name in ("home", "list", "measure"):
        page.goto(pages()[name])
        assert severe_violations(page) == []
        assert page.evaluate("(d => d.scrollWidth <= d.clientWidth)(document.documentElement)")
        screenshot(page, f"a11y-{name}-phone-large")


def test_it_shows_where_the_keyboard_focus_is(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "跳到正文"
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"

"""End to end in headless Chromium, with JavaScript and without: three enterprises take the
self-check step by step and reach a result. The number of questions each had to see is
counted (a 营口 retailer: at most 12), and axe finds no serious or critical violation on any
step, the summary or the result."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_catalogue_a11y import severe_violations

pytestmark = pytest.mark.e2e

# the questions a page shows: enabled, visible form fields (a radio group or a set of
# checkboxes is one question); the 测算日期 is a setting, not a question about the enterprise
VISIBLE_FIELDS = """form => Array.from(form.elements)
  .filter(e => e.name && !e.disabled && e.type !== 'hidden' && e.type !== 'submit'
               && e.name !== 'csrfmiddlewaretoken' && e.name !== 'as_of'
               && e.getClientRects().length > 0)
  .map(e => e.name)"""

PERSONAS = {
    "yingkou-retailer": {
        "city": "营口市",
        "answers": {
            "industry": "F",
            "industry_detail": "retail",
            "registered_on": "2019-03-01",
            "employees": "30",
            "revenue_last_year": "800",
            "above_scale": "yes",
            "identity": ["private"],
            "activities": ["ecommerce"],
        },
        "most": 12,
    },
    "anshan-manufacturer": {
        "city": "鞍山市",
        "answers": {
            "industry": "C",
            "registered_on": "2012-05-18",
            "employees": "120",
            "revenue_last_year": "8000",
            "above_scale": "yes",
            "identity": ["private", "high_tech"],
            "activities": ["rnd", "financing", "tech_upgrade", "hiring"],
            "graduates_hired": "6",
        },
        "most": 18,
    },
    "liaocheng-logistics": {
        "city": "聊城市",
        "answers": {
            "industry": "G",
            "industry_detail": "transport",
            "registered_on": "2017-09-01",
            "employees": "60",
            "revenue_last_year": "2000",
            "above_scale": "no",
            "identity": ["private"],
            "activities": ["logistics"],
        },
        "most": 12,
    },
}


def visible_fields(page):
    return list(dict.fromkeys(page.eval_on_selector("form.check-step", VISIBLE_FIELDS)))


def fill(page, name, value):
    field = page.locator(f"form.check-step [name='{name}']").first
    kind = field.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
    if kind == "select":
        page.select_option(f"form.check-step select[name='{name}']", value)
    elif kind == "radio":
        page.locator(f"form.check-step input[name='{name}'][value='{value}']").check()
    elif kind == "checkbox":
        for item in value:
            page.locator(f"form.check-step input[name='{name}'][value='{item}']").check()
    else:
        field.fill(value)


def answer_step(page, answers, seen):
    """Fill what the step shows with the persona's answers; a yes/no question the persona
    has no answer for is answered 否 (it knows it is no ski resort), anything else is left
    blank (skipped). JavaScript may reveal a follow-up once its question is answered, so
    look again."""
    filled = set()
    for _round in range(3):
        names = [n for n in visible_fields(page) if n not in filled]
        if not names:
            break
        for name in names:
            seen.append(name)
            filled.add(name)
            if name in answers:
                fill(page, name, answers[name])
            elif page.locator(f"form.check-step input[name='{name}'][value='no']").count():
                fill(page, name, "no")


def audit(page):
    """axe on the page; axe-core needs JavaScript, so a page without it is audited by loading
    the same address in a tab that has it (every step is a plain GET of the check's token)."""
    if page.javascript:
        return severe_violations(page)
    page.auditor.goto(page.url)
    return severe_violations(page.auditor)


def walk(page, persona, *, name):
    page.goto("/check/")
    page.select_option("#id_city", label=persona["city"])
    page.get_by_role("button", name="开始自测").click()
    seen, steps = [], 0
    for _step in range(25):
        page.wait_for_load_state()
        if page.get_by_role("heading", level=1).inner_text() == "核对回答":
            break
        steps += 1
        assert audit(page) == [], (name, steps)
        if steps == 1:
            screenshot(page, f"check-{name}-profile")
        answer_step(page, persona["answers"], seen)
        page.get_by_role("button", name="下一步").click()
    else:
        pytest.fail("the questionnaire did not end")
    assert audit(page) == []
    screenshot(page, f"check-{name}-summary")
    page.get_by_role("link", name="查看自测结果").click()
    expect(page.locator("#headline")).to_contain_text("确定可获")
    assert audit(page) == []
    screenshot(page, f"check-{name}-result")
    return seen, steps


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def any_page(request, browser, live_server, transactional_catalogue, eligibility_rules):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        java_script_enabled=request.param,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.javascript = request.param
    auditor = None
    if not request.param:
        auditor = browser.new_context(base_url=live_server.url, locale="zh-CN")
        page.auditor = auditor.new_page()
    yield page
    context.close()
    if auditor is not None:
        auditor.close()


@pytest.fixture
def eligibility_rules(transactional_catalogue):
    from django.core.management import call_command

    from policies.eligibility.models import EligibilityRule

    if not EligibilityRule.objects.exists():
        call_command("load_eligibility", verbosity=0)


@pytest.mark.parametrize("name", PERSONAS)
def test_each_enterprise_reaches_a_result_asked_little(any_page, name, settings):
    settings.PORTAL_TODAY = "2026-11-30"
    persona = PERSONAS[name]
    suffix = "js" if any_page.javascript else "no-js"
    seen, steps = walk(any_page, persona, name=f"{name}-{suffix}")
    assert len(seen) == len(set(seen)), "a question was asked twice"
    assert len(seen) <= persona["most"], (name, len(seen), seen)
    assert steps >= 2
    # the enterprise's size is derived, never asked; nothing of other trades is asked
    assert "enterprise_size" not in seen
    if name == "yingkou-retailer":
        for unrelated in ("ski_resort_new", "dairy_cows", "sports_club_rank", "boat_renewal"):
            assert unrelated not in seen

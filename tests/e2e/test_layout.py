"""Layout that never breaks (issue 12): every page type at 320, 390, 768, 1024 and 1366 px,
in normal and large text, with JavaScript and without.

At every combination (``test_every_page_fits_every_window``): no horizontal overflow (the
page never wider than the window: measured against the viewport as set, see ``OVERFLOW``), no
item of the header broken inside a word (首/页, 大字模/式), every destination of the header
reachable (on a phone: the menu opens on a tap, without JavaScript too, and each link is
visible, uncovered and points where it should), the current section marked (aria-current
and a style of its own), and a screenshot under var/screens/ (``page-width-text-js.png``:
with JavaScript the page's top 1600 px, without it the first screen) to look through.

At 390 and 1366 px, in both text sizes, with JavaScript (``test_focus_is_visible_and_axe_
finds_nothing_serious``): a Tab walk from the top of each page through the header and the
page's content, then every other focusable element of both focused in turn, each showing a
clearly visible focus ring (an outline of at least 2 px, or the browser's own: Bootstrap's
outline 0 and faint shadow fails); axe-core with no serious or critical violation; on a
phone the menu closing on Escape and on a click outside; and a measure printed to PDF.

The combinations run on a few threads, each with its own Chromium (Playwright's sync API
belongs to the thread that started it). The admin pages (the staff desk, the queue, an
application) are Django's, which do not read the large-text cookie: normal text only.
"""

import io
import queue
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.test import Client

from applications import services
from applications.apps import create_reviewer_group
from applications.models import EnterpriseMembership
from applications.workflow import district_department
from policies.eligibility.models import SavedCheck
from policies.models import City, District, Topic
from tests.applications.conftest import (
    TODAY_IN_TERM,
    make_enterprise,
    make_staff,
    make_user,
    measure_at,
)

from .conftest import CHROMIUM, CHROMIUM_ARGS, WatchedBrowser
from .test_catalogue_a11y import SEVERE

pytestmark = pytest.mark.e2e

SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"
WIDTHS = (320, 390, 768, 1024, 1366)
TEXTS = ("normal", "large")
DEEP_WIDTHS = (390, 1366)  # the focus walk and axe
DESKTOP = 992  # from here the menu's content is always shown (portal.css, .site-menu)
SHOT_HEIGHT = 1600  # with JavaScript a screenshot is the page's top 1600 px; without, the
# first screen (the pages differ only in the header, and a taller one costs time)
TAB_STOPS = 30  # the Tab walk's stops in the content; the rest are focused by script
WORKERS = 3

# where each destination of the header leads (templates/partials/header.html)
NAVIGATION = {
    "首页": "/",
    "政策措施": "/policies/measures/",
    "政策自测": "/check/",
    "我的申报": "/applications/",
}

# the link each page marks as current, and how: "page" on the very page, "true" below it
CURRENT = {
    "home": ("首页", "page"),
    "measures": ("政策措施", "page"),
    "search": ("政策措施", "page"),  # the search answers with the measure list
    "measure": ("政策措施", "true"),
    "document": ("政策措施", "true"),
    "city": ("政策措施", "true"),
    "department": ("政策措施", "true"),
    "topic": ("政策措施", "true"),
    "compare": ("政策措施", "true"),
    "check-start": ("政策自测", "page"),
    "check-step": ("政策自测", "true"),
    "check-result": ("政策自测", "true"),
    "login": ("登录", "page"),
    "register": None,
    "not-found": ("政策措施", "true"),  # /policies/measures/99999999/: in that section
    "my-applications": ("我的申报", "page"),
    "application": ("我的申报", "true"),
    "application-start": ("我的申报", "true"),
    "application-edit": ("我的申报", "true"),
    "profile": ("我的申报", "true"),
    "document-version": ("政策措施", "true"),
    "measure-revised": ("政策措施", "true"),
    "statistics": None,  # linked from the footer, not the menu
}

# The header's items broken inside a word: between two characters on two lines with no
# space or punctuation between them (a break at "·" or a space is a break between words).
BROKEN_ITEMS = """root => {
  const hidden = n => n.parentElement.closest('.visually-hidden, .visually-hidden-focusable:not(:focus)');
  const between = /[\\s·、，。：；！？（）()\\/|]/;
  const broken = [];
  for (const item of root.querySelectorAll('a, button, summary')) {
    if (!item.checkVisibility()) continue;
    let previous = null;
    const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (hidden(node)) continue;
      for (let i = 0; i < node.data.length; i++) {
        if (between.test(node.data[i])) { previous = null; continue; }
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = Array.from(range.getClientRects()).find(r => r.width > 0 && r.height > 0);
        if (!rect) continue;
        if (previous && rect.top >= previous.bottom - 2) {
          broken.push(item.textContent.replace(/\\s+/g, ' ').trim());
          break;
        }
        previous = rect;
      }
    }
  }
  return [...new Set(broken)];
}"""

# The window's width is the viewport's as set, not window.innerWidth: on a phone (is_mobile)
# Chromium zooms out to show a page that is too wide, and innerWidth grows with it (the
# compare page at 749 px on a 390 px phone had innerWidth 749: a check against it passes).
OVERFLOW = """width => {
  if (document.documentElement.scrollWidth <= width) return null;
  // the culprits: the outermost elements reaching past the window's right edge that no
  // scroll container holds (one holds an absolutely placed box only if it is positioned)
  const held = el => {
    const absolute = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX !== 'visible' && (!absolute || style.position !== 'static')) return true;
    }
    return false;
  };
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1 && !culprits.some(c => c.contains(el)) && !held(el)) culprits.push(el);
  }
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  return {scrollWidth: document.documentElement.scrollWidth,
          culprits: culprits.slice(0, 5).map(el => name(el) + ' → ' + Math.round(el.getBoundingClientRect().right))};
}"""

# Each destination of the header: visible, inside the window, not covered by anything (the
# element at its centre is itself or inside it); its href, aria-current and look.
REACHABLE = """width => {
  const out = {};
  const header = document.querySelector('.site-header');
  for (const el of header.querySelectorAll('.site-nav a, .site-tools a, .site-tools button, .site-search input, .site-search button')) {
    el.scrollIntoView({block: 'nearest', inline: 'nearest', behavior: 'instant'});  // autofocus may have scrolled
    const r = el.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const style = getComputedStyle(el);
    out[(el.textContent || el.placeholder).replace(/\\s+/g, ' ').trim()] = {
      href: el.getAttribute('href'),
      visible: el.checkVisibility(),
      inside: r.width > 0 && r.left >= 0 && r.right <= width + 0.5,
      uncovered: !!top && (top === el || el.contains(top)),
      current: el.getAttribute('aria-current'),
      nav: !!el.closest('.site-nav'),
      look: [style.borderLeftColor, style.borderBottomColor, style.backgroundColor, style.fontWeight].join(' '),
    };
  }
  return out;
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const region = el.closest('footer, #footer') ? 'footer'
    : el.closest('header, #header') ? 'header' : el.closest('main, #content') ? 'main' : 'other';
  const r = el.getBoundingClientRect();
  return {
    key: [el.tagName, el.id, el.getAttribute('href') || el.name, Math.round(r.top + scrollY), Math.round(r.left)].join('|'),
    label: (el.innerText || el.value || el.getAttribute('aria-label') || el.name || el.tagName).replace(/\\s+/g, ' ').trim().slice(0, 40),
    region,
    ring: el.matches(':focus-visible') && (style.outlineStyle === 'auto'
      || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)),
    outline: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor,
    menu: el.matches('.site-menu > summary') && !el.parentElement.open,
  };
}"""

# After Tab (the keyboard's modality), focus every other focusable element of the header and
# the content by script: Chromium keeps :focus-visible, so each shows the ring it would show.
SWEEP = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const missing = [];
  for (const root of document.querySelectorAll('header, #header, main, #content')) {
    for (const el of root.querySelectorAll(selector)) {
      if (el.tabIndex < 0 || el.disabled || !el.checkVisibility({visibilityProperty: true})) continue;
      el.focus();
      if (document.activeElement !== el) continue;
      const style = getComputedStyle(el);
      if (!(el.matches(':focus-visible') && (style.outlineStyle === 'auto'
            || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2))))
        missing.push((el.innerText || el.value || el.name || el.tagName).replace(/\\s+/g, ' ').trim().slice(0, 40)
          + ' (' + style.outlineStyle + ' ' + style.outlineWidth + ')');
    }
  }
  return [...new Set(missing)];
}"""


MENU = """() => {
  const summary = document.querySelector('.site-menu > summary');
  if (!summary) return null;
  return {shown: summary.checkVisibility(), open: summary.parentElement.open,
          navShown: document.querySelector('.site-nav').checkVisibility()};
}"""

# all of the above about a page in one evaluation (each costs a round trip)
STATE = (
    "({header, reach, width}) => ({overflow: ("
    + OVERFLOW
    + ")(width), menu: ("
    + MENU
    + ")(), broken: ("
    + BROKEN_ITEMS
    + ")(document.querySelector(header)), reachable: reach ? ("
    + REACHABLE
    + ")(width) : null})"
)


def severe_violations(page):
    """axe-core's serious and critical violations, as in test_catalogue_a11y, but without
    its preload of the style sheets: for an @import (the admin's) it inserts a <style>, which
    the Content-Security-Policy refuses (and the test would fail on that)."""
    results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    assert results.response["testEngine"]["name"] == "axe-core"
    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]][:3])
        for violation in results.response["violations"]
        if violation["impact"] in SEVERE
    ]


@dataclass
class Portal:
    """The pages to visit, by name: (persona, url); a session cookie per persona."""

    pages: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)
    url: str = ""


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def revise_one_measure(city):
    """A revision of the city's first document changing one amount: a version page and a
    measure page with its 修订记录 (the diff)."""
    import datetime

    from policies import publishing
    from policies.models import MeasureRevision, PolicyDocument

    document = PolicyDocument.objects.filter(city=city).order_by("pk").first()
    text = document.clean_text
    amount = next(m for m in ("100万元", "50万元", "10万元") if m in text)
    draft = publishing.create_draft(
        city=city,
        issuer=document.issuer or city.name,
        issued_on=datetime.date(2025, 6, 1),
        text=text.replace(amount, amount.replace("万", "0万"), 1),
        supersedes=document,
    )
    publishing.publish(draft)
    return MeasureRevision.objects.get(document=document, kind="changed").measure


@pytest.fixture
def portal(browser, live_server, transactional_catalogue, settings, tmp_path):
    """Every page type, with the data it needs: an enterprise with a submitted application
    and a draft, the district staff member on its route, a self-check begun and one done."""
    settings.PORTAL_TODAY = TODAY_IN_TERM
    settings.MEDIA_ROOT = tmp_path
    create_reviewer_group(None)  # the live server's database was flushed
    city = City.objects.get(name="鞍山市")
    tiedong = District.objects.get(city=city, name="铁东区")
    firm = make_enterprise("鞍山版式测试商贸有限公司", "91210302MA0LAYRT1", city, tiedong)
    owner = make_user("layout_firm")
    EnterpriseMembership.objects.create(user=owner, enterprise=firm)
    staff = make_staff("layout_staff", district_department(tiedong, "商务局"))
    measure = measure_at("3.1")
    submitted = services.submit(
        services.create_draft(owner, measure, requested_amount_yuan=300000), owner
    )
    draft = services.create_draft(owner, measure_at("3.2"), requested_amount_yuan=50000)
    yingkou = City.objects.get(slug="yingkou")
    done = SavedCheck.objects.create(
        city=yingkou,
        answers={
            "industry": "F",
            "industry_detail": "retail",
            "above_scale": True,
            "employees": 30,
            "revenue_last_year": 800,
            "identity": ["private"],
            "activities": ["ecommerce"],
        },
    )
    begun = SavedCheck.objects.create(city=yingkou, answers={})
    compared = measure.document.measures.order_by("pk").values_list("pk", flat=True)[:3]
    revised = revise_one_measure(City.objects.get(slug="yingkou"))
    public = {
        "home": "/",
        "measures": "/policies/measures/?city=anshan&has_amount=on&sort=amount",
        "measure": measure.get_absolute_url(),
        "document": measure.document.get_absolute_url(),
        "city": city.get_absolute_url(),
        "department": measure.departments.order_by("pk").first().get_absolute_url(),
        "topic": Topic.objects.order_by("pk").first().get_absolute_url(),
        "compare": "/policies/compare/?" + "&".join(f"m={pk}" for pk in compared),
        "search": "/search/?q=补贴",
        "check-start": "/check/",
        "check-step": f"/check/{begun.token}/step/profile/",
        "check-result": done.get_absolute_url(),
        "login": "/accounts/login/",
        "register": "/accounts/register/",
        "not-found": "/policies/measures/99999999/",
        "document-version": f"{revised.document.get_absolute_url()}versions/1/",
        "measure-revised": revised.get_absolute_url(),
        "statistics": "/statistics/",
    }
    enterprise = {
        "my-applications": "/applications/",
        "application": submitted.get_absolute_url(),
        "application-start": f"/applications/start/{measure.pk}/",
        "application-edit": f"/applications/{draft.pk}/edit/",
        "profile": "/applications/profile/",
    }
    admin = {
        "staff-desk": "/admin/",
        "queue": "/admin/applications/application/",
        "application-admin": f"/admin/applications/application/{submitted.pk}/change/",
        "staff-statistics": "/admin/applications/application/statistics/",
    }
    result = Portal(url=live_server.url)
    result.pages.update({name: (None, url) for name, url in public.items()})
    result.pages.update({name: ("enterprise", url) for name, url in enterprise.items()})
    result.pages.update({name: ("staff", url) for name, url in admin.items()})
    result.sessions = {"enterprise": signed_in(owner), "staff": signed_in(staff)}
    return result


def in_parallel(jobs, work):
    """``work(browser, job)`` → problems, for every job, on WORKERS threads."""
    waiting = queue.SimpleQueue()
    for job in jobs:
        waiting.put(job)

    def worker():
        from playwright.sync_api import sync_playwright

        found = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                while True:
                    try:
                        job = waiting.get_nowait()
                    except queue.Empty:
                        return found
                    found.extend(work(WatchedBrowser(browser), job))
            finally:
                browser.close()

    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [pool.submit(worker) for _ in range(WORKERS)]
        return [problem for future in futures for problem in future.result()]


def new_page(browser, portal, persona, width, text, script):
    context = browser.new_context(
        base_url=portal.url,
        locale="zh-CN",
        viewport={"width": width, "height": 900},
        java_script_enabled=script,
        is_mobile=width < 768,
        has_touch=width < 768,
    )
    context.set_default_timeout(15_000)
    cookies = []
    if text == "large":
        cookies.append({"name": "text_size", "value": "large", "url": portal.url})
    if persona:
        name = django_settings.SESSION_COOKIE_NAME
        cookies.append({"name": name, "value": portal.sessions[persona], "url": portal.url})
    context.add_cookies(cookies)
    return context.new_page()


def visits(portal, text):
    """(name, persona, url) of the pages to visit in ``text``; the admin in normal text only."""
    return [
        (name, persona, url)
        for name, (persona, url) in portal.pages.items()
        if not (persona == "staff" and text == "large")
    ]


def shoot(page, name, script):
    path = str(SCREENS / f"{name}.png")
    if not script:
        _screenshot(page, path=path, animations="disabled")
        return
    height = min(page.evaluate("document.documentElement.scrollHeight"), SHOT_HEIGHT)
    _screenshot(
        page,
        path=path,
        full_page=True,
        clip={"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height},
        animations="disabled",
    )


def _screenshot(page, **options):
    """A screenshot (for people to look at, not checked), taken once more when Chromium
    answers "Unable to capture screenshot": seen once in six sweeps on 2026-11-30, the same
    page captured at once on a re-run."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        page.screenshot(**options)
    except PlaywrightError as error:
        if "Unable to capture screenshot" not in str(error):
            raise
        page.wait_for_timeout(250)
        page.screenshot(**options)


def check_navigation(found, name, persona, text, where):
    """The header's destinations (``REACHABLE``): where they lead, that each can be reached,
    and the current section marked, in a style of its own."""
    problems = []
    expected = dict(NAVIGATION)
    if persona is None:
        expected["登录"] = "/accounts/login/"
    for label, href in expected.items():
        item = found.get(label)
        if item is None or item["href"] != href:
            problems.append(f"{where}: {label} → {item and item['href']}, not {href}")
        elif not (item["visible"] and item["inside"] and item["uncovered"]):
            problems.append(f"{where}: {label} cannot be reached: {item}")
    for label in ("标准字号" if text == "large" else "大字模式", "搜索"):
        item = found.get(label)
        if not (item and item["visible"] and item["inside"] and item["uncovered"]):
            problems.append(f"{where}: {label} cannot be reached: {item}")
    marked = {label: item["current"] for label, item in found.items() if item["current"]}
    expected_mark = CURRENT[name]
    if marked != (dict([expected_mark]) if expected_mark else {}):
        problems.append(f"{where}: aria-current on {marked}, not {expected_mark}")
    elif expected_mark and found[expected_mark[0]]["nav"]:
        current = found[expected_mark[0]]["look"]
        alike = [
            label
            for label, item in found.items()
            if item["nav"] and not item["current"] and item["look"] == current
        ]
        if alike:
            problems.append(f"{where}: the current {expected_mark[0]} looks like {alike}")
    return problems


def look(page, name, persona, url, text, script, where):
    """Overflow, words broken in the header, its destinations (on a phone: after a click on
    the menu button, where a person would tap); a screenshot. Two evaluations at most."""
    problems = []
    response = page.goto(url)
    status = 404 if name == "not-found" else 200
    if response.status != status:
        return [f"{where}: {url} answered {response.status}"]
    staff = persona == "staff"  # Django's admin, with a header of its own
    width = page.viewport_size["width"]
    phone = width < DESKTOP
    state = page.evaluate(
        STATE,
        {
            "header": "#header" if staff else ".site-header",
            "reach": not (staff or phone),
            "width": width,
        },
    )
    if state["overflow"]:
        problems.append(f"{where}: wider than the window: {state['overflow']}")
    shoot(page, where.replace(" ", "-"), script)
    if not staff:
        menu = state["menu"] or {"shown": False, "navShown": False}  # no .site-menu at all
        if phone and not menu["shown"]:
            return problems + [f"{where}: no menu button"]
        if phone and menu["navShown"]:
            problems.append(f"{where}: the menu is open before it is asked for")
        if not phone and menu["shown"]:
            problems.append(f"{where}: a menu button on a wide screen")
        if phone:
            # as a person taps it: Playwright waits until nothing covers it (an autofocused
            # field may scroll the page after it loaded)
            page.locator(".site-menu > summary").click(timeout=5_000)
            state = page.evaluate(STATE, {"header": ".site-header", "reach": True, "width": width})
            if not state["menu"]["open"]:
                return problems + [f"{where}: the menu button does not open the menu"]
            if state["overflow"]:
                problems.append(f"{where}, menu open: wider than the window: {state['overflow']}")
        problems += check_navigation(state["reachable"], name, persona, text, where)
    if state["broken"]:
        problems.append(f"{where}: header items broken inside a word: {state['broken']}")
    return problems


def test_every_page_fits_every_window(portal):
    SCREENS.mkdir(parents=True, exist_ok=True)
    for old in SCREENS.glob("*.png"):
        old.unlink()

    def work(browser, combination):
        width, text, script = combination
        pages, problems = {}, []
        for name, persona, url in visits(portal, text):
            if persona not in pages:
                pages[persona] = new_page(browser, portal, persona, width, text, script)
            where = f"{name} {width} {text} {'js' if script else 'nojs'}"
            problems += look(pages[persona], name, persona, url, text, script, where)
        for page in pages.values():
            page.context.close()
        return problems

    started = time.monotonic()
    combinations = [(w, t, s) for w in WIDTHS for t in TEXTS for s in (True, False)]
    problems = in_parallel(combinations, work)
    shots = len(list(SCREENS.glob("*.png")))
    print(f"\n{shots} pages looked at in {time.monotonic() - started:.0f} s")
    assert problems == [], "\n".join(problems)
    assert shots == sum(len(visits(portal, t)) for _w, t, _s in combinations)


def walk(page, where):
    """Tab from the top through the header and TAB_STOPS stops of the content, opening the
    menu from the keyboard where it is closed; then focus the rest by script."""
    problems, seen, in_main = [], set(), 0
    for _ in range(TAB_STOPS + 30):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or focused["key"] in seen or focused["region"] == "footer":
            break
        seen.add(focused["key"])
        if focused["region"] in ("header", "main") and not focused["ring"]:
            problems.append(f"{where}: no focus ring on {focused['label']}: {focused['outline']}")
        if focused["menu"]:
            page.keyboard.press("Enter")
            if not page.locator(".site-menu").evaluate("e => e.open"):
                problems.append(f"{where}: Enter on the menu button does not open it")
        in_main += focused["region"] == "main"
        if in_main >= TAB_STOPS:
            break
    if len(seen) < 3:
        problems.append(f"{where}: Tab reaches only {len(seen)} elements")
    missing = page.evaluate(SWEEP)
    if missing:
        problems.append(f"{where}: no focus ring on {missing}")
    return problems


def closes_with_javascript(page, where):
    """On a phone with JavaScript the open menu closes on Escape (the focus back on its
    button) and on a click outside it."""
    problems = []
    page.goto("/")
    menu = page.locator(".site-menu")
    page.locator(".site-menu > summary").focus()
    page.keyboard.press("Enter")
    if not (
        menu.evaluate("e => e.open") and page.get_by_role("link", name="政策措施").is_visible()
    ):
        return [f"{where}: Enter does not open the menu"]
    page.keyboard.press("Escape")
    if menu.evaluate("e => e.open"):
        problems.append(f"{where}: Escape does not close the menu")
    if not page.evaluate("document.activeElement.matches('.site-menu > summary')"):
        problems.append(f"{where}: after Escape the focus is not on the menu button")
    page.locator(".site-menu > summary").click()
    page.locator("main h1").first.click()
    if menu.evaluate("e => e.open"):
        problems.append(f"{where}: a click outside does not close the menu")
    return problems


def prints_well(page, url, where):
    """A measure on paper (Chromium's own PDF): the portal's name, the page's address and the
    day at the top; no header, no online-application panel (whose 需以企业账户登录 note would
    print without its button); one sheet, or a last sheet that is more than 政策出处 alone."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    problems = []
    page.goto(url)
    sheets = [
        "".join(item.get_text() for item in sheet if isinstance(item, LTTextContainer))
        for sheet in extract_pages(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    ]
    paper = re.sub(r"\s+", "", "".join(sheets))
    top = re.sub(r"\s+", "", sheets[0])[:300]
    for expected in (str(django_settings.PORTAL_IDENTITY.name), page.url, "2023年10月16日"):
        if expected not in top:
            problems.append(f"{where}: {expected} not at the top of the paper: {top}")
    for unexpected in ("需以企业账户登录", "办理流程与在线申报", "大字模式", "跳到正文"):
        if unexpected in paper:
            problems.append(f"{where}: {unexpected} on paper")
    if len(sheets) > 1 and re.sub(r"\s+", "", sheets[-1]).startswith("政策出处"):
        problems.append(f"{where}: the last sheet holds only 政策出处")
    return problems


def test_focus_is_visible_and_axe_finds_nothing_serious(portal):
    def work(browser, combination):
        width, text = combination
        pages, problems = {}, []
        for name, persona, url in visits(portal, text):
            if persona not in pages:
                pages[persona] = new_page(browser, portal, persona, width, text, True)
            page = pages[persona]
            where = f"{name} {width} {text}"
            page.goto(url)
            violations = severe_violations(page)
            if violations:
                problems.append(f"{where}: axe: {violations}")
            problems += walk(page, where)
        if width < DESKTOP:
            problems += closes_with_javascript(pages[None], f"menu {width} {text}")
        elif text == "normal":
            problems += prints_well(pages[None], portal.pages["measure"][1], "measure on paper")
        for page in pages.values():
            page.context.close()
        return problems

    started = time.monotonic()
    problems = in_parallel([(w, t) for w in DEEP_WIDTHS for t in TEXTS], work)
    print(f"\nfocus walks and axe in {time.monotonic() - started:.0f} s")
    assert problems == [], "\n".join(problems)

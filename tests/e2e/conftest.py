"""Real headless Chromium (Debian's ``chromium``) driven by Playwright's Python package.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium`` (or
``PORTAL_CHROMIUM``). Without it these tests are skipped locally, and fail when
``PORTAL_REQUIRE_E2E=1`` (as ``.ci/run`` sets), so CI cannot pass by skipping them.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls that tests
# make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


CSP_VIOLATIONS: list[str] = []


def _watch(page):
    """Collect the Content-Security-Policy violations the browser reports on ``page``."""

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            CSP_VIOLATIONS.append(f"{page.url}: {text}")

    page.on("console", on_console)


class WatchedBrowser:
    """The browser, with every page of every context watched for CSP violations."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.on("page", _watch)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def _no_csp_violation():
    """Every browser test fails on a CSP violation reported in the console."""
    CSP_VIOLATIONS.clear()
    yield
    assert CSP_VIOLATIONS == [], CSP_VIOLATIONS


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("PORTAL_REQUIRE_E2E"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield WatchedBrowser(browser)
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_catalogue):
    """A fresh browser tab on the live server; ``page.goto('/')`` is relative to it."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server, transactional_catalogue):
    """A tab the size of a phone screen."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name):
    """Save a screenshot under var/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

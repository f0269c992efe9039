"""The header in HTML (templates/partials/header.html) and the print block of base.html: a
menu that opens without JavaScript, the current section marked, the text-size button saying
what it does, the site's identity, and on paper the portal's name, the page's address and
the day. How it all looks at each width is tests/e2e/test_layout.py."""

import dataclasses
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

NAVIGATION = [
    ("首页", "/"),
    ("政策措施", "/policies/measures/"),
    ("政策自测", "/check/"),
    ("我的申报", "/applications/"),
]


def part(html, pattern):
    match = re.search(pattern, html, re.S)
    assert match, f"nothing matches {pattern}"
    return match.group(0)


def header(html):
    return part(html, r'<header class="site-header.*?</header>')


def menu(html):
    """The <details> of the menu and what it holds."""
    return part(header(html), r'<details class="site-menu".*?</details>')


def current(html):
    """{label: aria-current} of the header's links that carry it."""
    return {
        label: value
        for value, label in re.findall(
            r'<a [^>]*aria-current="(\w+)"[^>]*>([^<]+)</a>', header(html)
        )
    }


def test_the_menu_is_a_disclosure_that_needs_no_javascript(client, catalogue):
    html = client.get(reverse("home")).content.decode()
    held = menu(html)
    assert re.search(
        r'<details class="site-menu"[^>]*>\s*<summary[^>]*>.*?菜单</summary>', held, re.S
    )
    assert '<details class="site-menu" data-site-menu>' in held  # closed: no open attribute
    for label, href in NAVIGATION:
        assert re.search(rf'<a href="{href}"[^>]*>{label}</a>', held), label
    # the search, the text size and the login are in the menu too
    assert (
        'role="search"' in held
        and 'action="/text-size/"' in held
        and 'href="/accounts/login/"' in held
    )
    # nothing of Bootstrap's collapse, which needs its script
    assert "data-bs-toggle" not in header(html) and "navbar-collapse" not in header(html)


@pytest.mark.parametrize(
    "url, marked",
    [
        ("/", {"首页": "page"}),
        ("/policies/measures/", {"政策措施": "page"}),
        ("/policies/measures/?q=补贴", {"政策措施": "page"}),
        ("/policies/cities/anshan/", {"政策措施": "true"}),
        ("/check/", {"政策自测": "page"}),
        ("/accounts/login/", {"登录": "page"}),
        ("/accounts/register/", {}),
    ],
)
def test_the_current_section_is_marked(client, catalogue, url, marked):
    assert current(client.get(url).content.decode()) == marked


def test_a_measure_is_in_the_measures_section(client, catalogue, measure):
    html = client.get(measure.get_absolute_url()).content.decode()
    assert current(html) == {"政策措施": "true"}


def test_my_applications_is_marked_for_an_enterprise(client, personas):
    client.force_login(personas.enterprise_a)
    html = client.get(reverse("applications:my_applications")).content.decode()
    assert current(html) == {"我的申报": "page"}
    assert current(client.get(reverse("applications:profile")).content.decode()) == {
        "我的申报": "true"
    }
    assert "退出" in header(html) and 'href="/accounts/login/"' not in header(html)


def test_the_text_size_button_says_what_pressing_it_does(client, catalogue):
    button = r'<button type="submit" name="size" value="(\w+)"[^>]*>([^<]+)</button>'
    assert re.findall(button, header(client.get("/").content.decode())) == [("large", "大字模式")]
    client.cookies["text_size"] = "large"
    html = client.get("/").content.decode()
    assert 'class="text-large"' in html
    assert re.findall(button, header(html)) == [("normal", "标准字号")]
    # a label that changes says the state; aria-pressed would contradict it
    assert "aria-pressed" not in header(html)


def test_the_search_box_shows_the_words_searched_and_is_empty_elsewhere(client, catalogue):
    box = r'<input class="form-control" type="search" id="site-search" name="q" value="([^"]*)"'
    html = client.get("/policies/measures/", {"q": "补贴 <b>"}).content.decode()
    assert re.findall(box, header(html)) == ["补贴 &lt;b&gt;"]
    assert re.findall(box, header(client.get("/").content.decode())) == [""]


def test_the_header_reads_no_missing_key_through_djangos_slow_lookup(
    client, catalogue, monkeypatch
):
    """A template's ``request.GET.q`` or ``request.COOKIES.text_size`` with the key missing
    falls back to ``dir()`` of the dictionary (portal.context_processors.site): the header
    of every page read them so."""
    from django.template import base

    looked_up = []
    real_dir = dir
    monkeypatch.setattr(
        base, "dir", lambda obj: looked_up.append(type(obj)) or real_dir(obj), raising=False
    )
    client.get("/")
    client.get("/policies/measures/")
    assert looked_up == []


def test_the_header_shows_the_site_name_and_its_emblem_when_there_is_one(
    client, catalogue, settings
):
    html = client.get("/").content.decode()
    brand = part(header(html), r'<a class="site-brand".*?</a>')
    assert str(settings.PORTAL_IDENTITY.name) in brand and "<img" not in brand
    settings.PORTAL_IDENTITY = dataclasses.replace(
        settings.PORTAL_IDENTITY, name="营口市惠企服务平台", emblem="img/emblem.svg"
    )
    brand = part(header(client.get("/").content.decode()), r'<a class="site-brand".*?</a>')
    assert "营口市惠企服务平台" in brand
    # decorative beside the name it stands for: an empty alt, a size without style=""
    assert re.search(
        r'<img class="site-emblem" src="/static/img/emblem.svg" alt="" width="40" height="40">',
        brand,
    )


def test_a_printed_page_carries_the_portal_its_address_and_the_day(
    client, catalogue, measure, settings
):
    settings.PORTAL_TODAY = "2026-11-30"
    html = client.get(measure.get_absolute_url()).content.decode()
    printed = part(html, r'<div class="print-identity">.*?</div>')
    site = settings.PORTAL_IDENTITY
    assert str(site.name) in printed and site.sponsor in printed
    assert f"http://testserver{measure.get_absolute_url()}" in printed
    assert "2026年11月30日" in printed
    # the same on another page, with its own address
    printed = part(
        client.get("/policies/measures/", {"q": "补贴"}).content.decode(),
        r'<div class="print-identity">.*?</div>',
    )
    assert "http://testserver/policies/measures/?q=%E8%A1%A5%E8%B4%B4" in printed


def test_print_styles_keep_the_block_off_screen_and_the_apply_panel_off_paper():
    """The rules the print block and the apply panel depend on (static/css/portal.css): the
    block hidden on screen and shown in print; the online application panel, whose 需以企业账户
    登录 note would print without its button, hidden in print."""
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/portal.css"), encoding="utf-8").read()
    screen, _, printed = css.partition("@media print")
    assert re.search(r"\.print-identity \{ display: none; \}", screen)
    assert re.search(r"\.print-identity \{ display: block;", printed)
    assert re.search(r"\.apply-panel \{ display: none !important; \}", printed)


def test_the_footer_is_rendered_once_per_identity_and_shows_a_changed_one(
    client, catalogue, measure, settings, monkeypatch
):
    from django.template import loader

    footer = r'<footer class="site-footer.*?</footer>'
    site = settings.PORTAL_IDENTITY
    first = part(client.get("/").content.decode(), footer)
    assert str(site.name) in first and site.sponsor in first
    rendered = []
    original = loader.render_to_string

    def counting(name, *args, **kwargs):
        rendered.append(name)
        return original(name, *args, **kwargs)

    from portal.templatetags import pagecache as tags

    monkeypatch.setattr(tags, "render_to_string", counting)
    # other pages: the same footer, not rendered again
    assert part(client.get(measure.get_absolute_url()).content.decode(), footer) == first
    assert part(client.get("/policies/measures/?q=补贴").content.decode(), footer) == first
    assert "partials/footer.html" not in rendered
    settings.PORTAL_IDENTITY = dataclasses.replace(
        site, sponsor="营口市人民政府办公室", phone="0417-1234567"
    )
    changed = part(client.get("/").content.decode(), footer)
    assert rendered.count("partials/footer.html") == 1
    assert "营口市人民政府办公室" in changed and "0417-1234567" in changed
    assert site.sponsor not in changed


def test_the_login_page_names_the_portal_not_the_domain(client, catalogue, settings):
    html = client.get("/accounts/login/").content.decode()
    name = str(settings.PORTAL_IDENTITY.name)
    brand = part(header(html), r'<a class="site-brand".*?</a>')
    assert name in brand and "testserver</span>" not in brand
    assert name in part(html, r'<footer class="site-footer.*?</footer>')

"""The site's identity (portal/identity.py) where people see it: the footer of every page, the
error pages (the 500 page too, which Django renders without the context processors), and the
favicon."""

import dataclasses
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import Client
from django.urls import reverse

from portal import identity, views

pytestmark = pytest.mark.django_db

ANOTHER = {
    "name": "营口市惠企服务平台",
    "sponsor": "营口市人民政府",
    "operator": "营口市大数据中心",
    "address": "辽宁省营口市站前区渤海大街西 1 号",
    "phone": "0417-2345678 转 1",
    "hours": "周一至周五 9:00—17:00",
    "email": "help@yingkou.example.gov.cn",
    "icp": "辽ICP备20230001号-1",
    "police_record": "辽公网安备 21080202000123号",
}


@pytest.fixture
def another(settings):
    """Another site's identity in every field, as its PORTAL_SITE_* variables would give it."""
    settings.PORTAL_IDENTITY = dataclasses.replace(settings.PORTAL_IDENTITY, **ANOTHER)
    return settings.PORTAL_IDENTITY


def footer(html):
    match = re.search(r'<footer class="site-footer.*?</footer>', html, re.S)
    assert match, "no site footer"
    return match.group(0)


def address(html):
    match = re.search(r"<address.*?</address>", footer(html), re.S)
    assert match, "no <address> in the footer"
    return match.group(0)


def test_the_footer_shows_the_default_identity(client, catalogue, settings):
    site = settings.PORTAL_IDENTITY
    html = footer(client.get(reverse("home")).content.decode())
    for label, value in [
        ("主办单位", site.sponsor),
        ("承办单位", site.operator),
        ("地址", site.address),
        ("电话", site.phone),
        ("服务时间", site.hours),
    ]:
        assert value and f"{label}：" in html and value in html, label
    assert site.icp in html and f'href="{identity.ICP_RECORD_URL}"' in html
    # no e-mail and no 公安备案号 are set by default: neither label shows, empty
    assert not site.email and "电子邮箱" not in html and "mailto:" not in html
    assert not site.police_record and "公网安备" not in html
    # the notes about sources stay
    assert "以原文为准" in html and "编者校注" in html


def test_the_footer_changes_with_the_identity(client, catalogue, another):
    html = client.get(reverse("policies:measure_list")).content.decode()
    footer_html, contact = footer(html), address(html)
    for field in ("name", "sponsor", "operator", "icp", "police_record"):
        assert ANOTHER[field] in footer_html, field
    for field in ("address", "phone", "hours", "email"):
        assert ANOTHER[field] in contact, field
    assert "鞍山" not in footer_html  # nothing of the default identity is left
    assert 'href="tel:0417-2345678"' in contact
    assert 'href="mailto:help@yingkou.example.gov.cn"' in contact
    assert f'href="{identity.POLICE_RECORD_URL}?code=21080202000123"' in footer_html
    assert "<title>政策措施 · 营口市惠企服务平台</title>" in html


def test_the_footer_leaves_out_what_is_not_set(client, catalogue, settings):
    settings.PORTAL_IDENTITY = dataclasses.replace(
        settings.PORTAL_IDENTITY, address="", phone="", hours="", email="", icp=""
    )
    html = footer(client.get(reverse("home")).content.decode())
    assert "<address" not in html and "联系我们" not in html
    assert "ICP" not in html and identity.ICP_RECORD_URL not in html
    assert settings.PORTAL_IDENTITY.sponsor in html


def test_it_reads_the_identity_from_the_environment(monkeypatch):
    for field, value in ANOTHER.items():
        monkeypatch.setenv(f"PORTAL_SITE_{field.upper()}", f"  {value} ")
    monkeypatch.setenv("PORTAL_SITE_EMBLEM", "img/emblem.svg")
    site = identity.load()
    assert dataclasses.asdict(site) == {**ANOTHER, "emblem": "img/emblem.svg"}
    monkeypatch.setenv("PORTAL_SITE_NAME", " ")
    assert str(identity.load().name) == "惠企政策服务门户"  # a blank name is the default one


@pytest.mark.parametrize(
    ("phone", "uri"),
    [
        ("0412-12345（示例）", "tel:0412-12345"),
        ("12345", "tel:12345"),
        ("+86 412 2345678", "tel:+864122345678"),
        ("0417-2345678 转 1，0417-3456789", "tel:0417-2345678"),
        ("请在工作时间来电", ""),
        ("", ""),
    ],
)
def test_the_phone_link_calls_the_first_number(phone, uri):
    assert dataclasses.replace(identity.load(), phone=phone).phone_uri == uri


# --- the error pages ------------------------------------------------------------------------


def assert_identity_in_chinese(html, site):
    assert 'lang="zh-hans"' in html
    assert site.name in html and site.sponsor in html and site.icp in html
    assert site.phone in address(html)


def test_the_404_page_shows_the_identity(client, catalogue, another):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert_identity_in_chinese(html, another)
    assert f"如需帮助，请联系{another.operator}" in html


def failing(monkeypatch, settings, error):
    """A client of the home page raising ``error``, as a bug would, with DEBUG off and the
    client answered as a browser would be (no exception re-raised in the test)."""
    settings.DEBUG = False

    def broken(today):
        raise error

    monkeypatch.setattr(views, "catalogue_counts", broken)
    return Client(raise_request_exception=False)


def test_the_500_page_shows_the_identity(catalogue, another, monkeypatch, settings):
    client = failing(monkeypatch, settings, RuntimeError("a bug"))
    response = client.get(reverse("home"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务暂时出错" in html and "错误代码 500" in html
    assert_identity_in_chinese(html, another)
    assert 'href="tel:0417-2345678"' in html
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_500_page_answers_in_plain_text_when_it_cannot_render(catalogue, monkeypatch, settings):
    client = failing(monkeypatch, settings, RuntimeError("a bug"))

    def missing(name):
        raise LookupError(name)

    monkeypatch.setattr(views.loader, "get_template", missing)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "服务暂时出错，请稍后重试。"


@pytest.mark.parametrize(
    ("error", "status", "words"),
    [
        (PermissionDenied(), 403, "没有权限"),
        (SuspiciousOperation(), 400, "请求无效"),
        (Http404(), 404, "页面不存在"),
    ],
)
def test_the_other_error_pages_show_the_identity(
    catalogue, another, monkeypatch, settings, error, status, words
):
    response = failing(monkeypatch, settings, error).get(reverse("home"))
    assert response.status_code == status
    html = response.content.decode()
    assert words in html and f"错误代码 {status}" in html
    assert_identity_in_chinese(html, another)


def test_the_400_page_of_hostile_input_shows_the_identity(client, catalogue, another):
    response = client.get("/policies/measures/?city=%00")  # refused before any view
    assert response.status_code == 400
    assert_identity_in_chinese(response.content.decode(), another)


# --- the favicon ----------------------------------------------------------------------------


def test_the_favicon_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/x-icon"
    assert "max-age=86400" in response.headers["Cache-Control"]
    icon = response.content
    with open(finders.find("favicon.ico"), "rb") as file:
        assert icon == file.read()
    # an icon directory (reserved 0, type 1) of PNG images, the first 16 × 16
    assert icon[:4] == b"\x00\x00\x01\x00" and icon[4] >= 1 and icon[6] == 16
    offset = int.from_bytes(icon[18:22], "little")
    assert icon[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


def test_every_page_links_the_favicon(client, catalogue):
    for url in (reverse("home"), reverse("policies:measure_list"), "/no-such-page/"):
        html = client.get(url).content.decode()
        assert '<link rel="icon" href="/static/favicon.ico"' in html, url

"""Production headers on every kind of page: the Content-Security-Policy, private pages never
cached, Chinese error pages in the site's layout, and a deployment check that passes with
the production variables set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from applications import services
from tests.applications.conftest import submitted
from tests.applications.helpers import attach

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pages(client, personas, measure, settings, tmp_path):
    """One address of each kind of page, with the persona that opens it."""
    settings.PORTAL_TODAY = "2023-10-16"
    settings.MEDIA_ROOT = tmp_path
    client.force_login(personas.enterprise_a)
    draft = services.create_draft(personas.enterprise_a, measure)
    attach(client, draft)
    sent = submitted(personas.enterprise_a, measure)
    client.logout()
    document = measure.document
    return {
        "home": (None, "/"),
        "measure list": (None, reverse("policies:measure_list")),
        "measure": (None, measure.get_absolute_url()),
        "document": (None, document.get_absolute_url()),
        "search": (None, reverse("search") + "?q=补贴"),
        "self-check": (None, reverse("eligibility:start")),
        "login": (None, reverse("login")),
        "register": (None, reverse("register")),
        "404": (None, "/no-such-page/"),
        "400": (None, "/policies/measures/?city=%00"),
        "my applications": (personas.enterprise_a, reverse("applications:my_applications")),
        "application": (personas.enterprise_a, reverse("applications:detail", args=[draft.pk])),
        "download": (personas.enterprise_a, draft.attachments.get().get_absolute_url()),
        "profile": (personas.enterprise_a, reverse("applications:profile")),
        "staff desk": (personas.district_staff_a, reverse("admin:index")),
        "staff queue": (
            personas.district_staff_a,
            reverse("admin:applications_application_changelist"),
        ),
        "staff application": (
            personas.district_staff_a,
            reverse("admin:applications_application_change", args=[sent.pk]),
        ),
        "staff export": (
            personas.district_staff_a,
            reverse("admin:applications_application_export", args=["csv"]),
        ),
    }


def fetch(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_every_page_carries_the_content_security_policy(client, pages):
    for name, (user, url) in pages.items():
        response = fetch(client, user, url)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, name
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, name
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, name


PRIVATE = {
    "my applications",
    "application",
    "download",
    "profile",
    "staff desk",
    "staff queue",
    "staff application",
    "staff export",
    "login",
    "register",
}


def test_enterprise_and_staff_pages_are_never_stored(client, pages):
    for name, (user, url) in pages.items():
        response = fetch(client, user, url)
        control = response.headers.get("Cache-Control", "")
        if name in PRIVATE:
            assert "private" in control and "no-store" in control, (name, control)
        else:
            assert "no-store" not in control, (name, control)  # public pages may be cached


def test_a_public_page_seen_signed_in_is_private_too(client, personas, measure):
    client.force_login(personas.enterprise_a)
    response = client.get(measure.get_absolute_url())  # shows the user's name in the header
    assert "private" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/no-such-page/", 404, "页面不存在"),
        ("/policies/measures/?city=%00", 400, "请求无效"),
    ],
)
def test_error_pages_are_chinese_in_the_sites_layout(client, catalogue, url, status, words):
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert words in html and "惠企政策服务门户" in html and 'lang="zh-hans"' in html


def test_the_500_and_403_pages_render_without_a_request_context():
    from django.template.loader import render_to_string

    for code, words in [(500, "服务暂时出错"), (403, "没有权限"), (400, "请求无效")]:
        html = render_to_string(f"{code}.html")
        assert words in html and "返回首页" in html


def test_the_text_size_cookie_is_secure_over_https(client, catalogue):
    response = client.post(reverse("text_size"), {"size": "large", "next": "/"}, secure=True)
    assert response.cookies["text_size"]["secure"]
    assert response.cookies["text_size"]["httponly"]


def test_forwarded_proto_is_believed_only_behind_our_proxy(client, catalogue, settings):
    settings.SECURE_SSL_REDIRECT = True
    # no trusted proxy: a client claiming HTTPS is still redirected to HTTPS
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301


def test_check_deploy_passes_with_the_production_variables(tmp_path):
    # the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process: not in production
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_DEBUG": "0",
        "DJANGO_TESTING": "0",
        "DJANGO_SECRET_KEY": "x" * 20 + "production-only-secret-key-9f8e7d6c5b4a",
        "DJANGO_ALLOWED_HOSTS": "policy.example.gov.cn",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://policy.example.gov.cn",
        "DJANGO_SECURE_SSL_REDIRECT": "1",
        "DJANGO_SECURE_HSTS_SECONDS": "31536000",
        "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "DJANGO_SECURE_HSTS_PRELOAD": "1",
        "DJANGO_SECURE_COOKIES": "1",
        "PORTAL_PROXY_COUNT": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_form_sent_without_its_csrf_token_is_a_chinese_page(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page
    assert 'lang="zh-hans"' in page
    assert "CSRF verification failed" not in page

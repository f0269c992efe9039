"""Each request the issue 11 probe found answering 500, answered now as a user should see it.

The fuzz tests (``test_fuzz``) look for any 500; these pin down what each of the reported
requests answers instead: a redirect, a Chinese message on the page, or the 400 page.
"""

import pytest
from django.test import Client

from applications.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=True)


@pytest.mark.parametrize("target", ["0", "zzz", "", "home", "https://evil.example/", "//evil"])
def test_text_size_next_that_is_no_path_goes_home(anonymous, target):
    response = anonymous.post("/text-size/", {"size": "large", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_text_size_next_that_is_a_path_is_kept(anonymous):
    response = anonymous.post("/text-size/", {"size": "large", "next": "/policies/measures/"})
    assert response["Location"] == "/policies/measures/"


@pytest.mark.parametrize("value", ["²", "①", "٣", "１２", "99999999999999999999999999", "-1"])
def test_compare_with_an_id_that_is_no_id_says_so(anonymous, world, value):
    good = world.measure.pk
    response = anonymous.get("/policies/compare/", {"m": [value, good]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "链接中有无效的措施编号，已忽略。" in page
    assert world.measure.title in page  # the good id is still compared


@pytest.mark.parametrize("value", ["²", "①", "99999999999999999999999999"])
@pytest.mark.parametrize("name", ["department", "document", "city", "topic", "page"])
def test_measure_list_with_a_hostile_filter_answers_the_page(anonymous, name, value):
    response = anonymous.get("/policies/measures/", {name: value})
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert "<html" in response.content.decode()


@pytest.mark.parametrize("value", ["²", "①", "99999999999999999999999999"])
def test_admin_queue_with_a_hostile_filter_is_the_admins_error_page(world, value):
    client = world.client("district_staff")
    response = client.get("/admin/applications/application/", {"stage": value})
    # the admin answers a filter it cannot use with a redirect to its "?e=1" page
    assert response.status_code in (200, 302)
    response = client.get("/admin/applications/application/", {"measure__id__exact": value})
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "path",
    [
        "/policies/measures/?city=%00",
        "/check/city/anshan/?from=%00",
        "/check/result/%00/",
        "/policies/measures/?q=%ff%fe",
        "/policies/measures/%00/",
    ],
)
def test_nul_and_bytes_that_are_not_utf8_are_the_400_page(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求无效" in page
    assert 'lang="zh-hans"' in page  # the site's layout, not Django's bare page


def test_nul_in_the_start_page_of_an_enterprise_is_the_400_page(world):
    client = world.client("enterprise")
    response = client.get(f"/applications/start/{world.measure.pk}/", {"check": "\x00"})
    assert response.status_code == 400


def test_nul_in_a_form_field_is_a_message_next_to_the_field(anonymous, world):
    enterprises = Enterprise.objects.count()
    response = anonymous.post(
        "/accounts/register/",
        {"username": "new\x00firm", "enterprise_name": "鞍山\x00丙商贸有限公司"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("invalid-feedback") >= 2
    assert "空字符" in page
    assert Enterprise.objects.count() == enterprises  # nothing written


def test_a_hostile_check_token_in_a_form_body_is_ignored(world):
    """Multipart (the test client's default): the form is shown again, the token ignored;
    on PostgreSQL a NUL reaching the query was a 500."""
    client = world.client("enterprise")
    for token in ["\x00", "x" * 100_000, "²", world.token + "\x00"]:
        response = client.post(
            f"/applications/start/{world.measure.pk}/", {"check": token, "description": "说明"}
        )
        assert response.status_code in (200, 302), token[:10]


def test_nul_in_a_urlencoded_form_body_is_the_400_page(world):
    client = world.client("enterprise")
    response = client.post(
        f"/applications/start/{world.measure.pk}/",
        "check=%00&description=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "请求无效" in response.content.decode()


def test_an_empty_to_field_on_an_admin_page_is_the_400_page(world):
    """Django's admin looks up a field named "" on its delete page (a 500 found by the fuzz
    test on django-axes' access log, and on every model)."""
    client = world.client("superuser")
    pk = world.measure.pk
    for path in [
        f"/admin/policies/measure/{pk}/delete/",
        f"/admin/policies/measure/{pk}/change/",
        "/admin/policies/measure/",
    ]:
        assert client.get(path, {"_to_field": ""}).status_code == 400
    assert client.get(f"/admin/policies/measure/{pk}/delete/").status_code == 200


def test_an_admin_search_longer_than_any_lookup_is_the_400_page(world):
    """SQLite refuses a LIKE pattern over 50,000 bytes: the admin's enterprise list searched
    for 60,000 letters answered 500 (found by the fuzz test). Up to the bound it searches."""
    from portal.middleware import ADMIN_SEARCH_MAX_CHARS

    client = world.client("superuser")
    for path in ["/admin/applications/enterprise/", "/admin/policies/measure/"]:
        assert client.get(path, {"q": "x" * 60_000}).status_code == 400
        assert client.get(path, {"q": "x" * (ADMIN_SEARCH_MAX_CHARS + 1)}).status_code == 400
        assert client.get(path, {"q": "鞍" * ADMIN_SEARCH_MAX_CHARS}).status_code == 200
    # the public list has its own bound: a message next to its search box, not a 400
    assert client.get("/policies/measures/", {"q": "x" * 300}).status_code == 200


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_username_longer_than_any_column_is_a_failed_login(anonymous, path):
    """Found by the PostgreSQL fuzz run: axes stored the typed username in a 255-character
    column, which PostgreSQL enforces (SQLite does not), and the login answered 500."""
    from axes.models import AccessAttempt

    username = "firm_a" * 20_000
    response = anonymous.post(path, {"username": username, "password": "x" * 12})
    assert response.status_code == 200
    attempt = AccessAttempt.objects.get()
    assert attempt.username == username[:150]


@pytest.mark.parametrize(
    "changelist, field",
    [("/admin/applications/calendarday/", "date"), ("/admin/portal/auditevent/", "at")],
)
@pytest.mark.parametrize(
    "lookup",
    [
        "{f}__year=9999",  # Django: year 10000 is out of range (ValueError)
        "{f}__year=9999&{f}__month=12",  # date value out of range (OverflowError)
        "{f}__year=9999&{f}__month=12&{f}__day=31",
        "{f}__year=1&{f}__month=1",  # before year 1 in UTC (the adapter's OverflowError)
        "{f}__year=1&{f}__month=1&{f}__day=1",
        "{f}__year=0",
        "{f}__year=99999",
        "{f}__year=２０２４",
    ],
)
def test_a_date_hierarchy_beyond_the_calendar_is_a_bad_lookup(
    admin_client, changelist, field, lookup
):
    """Every admin changelist with a date hierarchy (the calendar, the audit trail) answers
    a year it cannot represent as a bad lookup, never a 500 (found by the URL fuzz)."""
    response = admin_client.get(f"{changelist}?{lookup.format(f=field)}")
    assert response.status_code == 302 and "e=1" in response["Location"]
    assert admin_client.get(f"{changelist}?{field}__year=2024&{field}__month=5").status_code == 200


def routes(patterns=None, prefix=""):
    """Every route of the URLconf, included ones too."""
    from django.urls import get_resolver

    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if hasattr(pattern, "url_patterns"):
            yield from routes(pattern.url_patterns, route)
        else:
            yield route


def test_every_id_in_a_path_is_the_id_converter():
    assert [route for route in routes() if "<int:" in route] == []
    assert len([route for route in routes() if "<id:" in route]) >= 25


@pytest.mark.parametrize("value", [str(2**63), "9" * 30, "0"])
def test_an_id_beyond_any_column_is_a_404_on_every_route(world, value):
    """``/policies/documents/9223372036854775808/versions/0/`` was an OverflowError on SQLite
    (a 500, found by the URL fuzz in CI): no id route lets such a number reach the database."""
    import re

    client = world.client("superuser")
    paths = []
    for route in sorted(route for route in routes() if re.search(r"<(?:id|int):", route)):
        route = re.sub(r"<(?:str|slug|path):\w+>", "x", route)
        ids = len(re.findall(r"<(?:id|int):\w+>", route))
        for hostile in range(ids):  # one id hostile, the others 0 (the case CI found)
            parts = re.split(r"<(?:id|int):\w+>", route)
            numbers = [value if n == hostile else "0" for n in range(ids)] + [""]
            paths.append(
                "/" + "".join(part + number for part, number in zip(parts, numbers, strict=True))
            )
    for path in paths:
        response = client.get(path)
        if path.startswith("/admin/") and response.status_code == 302:
            # the admin's catch-all sends an unknown path to its change page, which says the
            # object does not exist (a message on the admin's index)
            response = client.get(path, follow=True)
            assert response.status_code in (200, 404), path
        else:
            assert response.status_code == 404, path

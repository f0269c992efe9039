"""The page cache (``portal.pagecache``): one stored page for everybody, each visitor's own
header, messages and CSRF token filled in, a new key whenever the catalogue changes."""

import re

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.test import Client

from applications.models import Intake
from policies.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(catalogue):
    return Measure.objects.get(document__source__startswith="002_", path_key="3.1")


@pytest.fixture
def staff_user(catalogue):
    return get_user_model().objects.create_user(
        "cache_staff", "s@example.com", "pw-cache-1234", is_staff=True
    )


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_a_signed_in_visitor_gets_the_stored_page_with_their_own_header(
    client, measure, staff_user
):
    url = measure.get_absolute_url()
    client.force_login(staff_user)
    mine = get(client, url)
    assert mine["X-Page-Cache"] == "miss"
    page = mine.content.decode()
    assert "cache_staff" in page and "/admin/" in page  # 退出（cache_staff）, 管理后台

    anonymous = get(Client(), url)
    assert anonymous["X-Page-Cache"] == "hit"  # the page the signed-in render stored
    page = anonymous.content.decode()
    assert "cache_staff" not in page
    assert 'href="/admin/"' not in page
    assert "登录" in page

    again = get(client, url)
    assert again["X-Page-Cache"] == "hit" and "cache_staff" in again.content.decode()


def test_a_form_on_a_stored_page_carries_the_visitors_own_csrf_token(measure, staff_user):
    url = measure.get_absolute_url()
    get(Client(), url)  # stored
    visitor = Client(enforce_csrf_checks=True)
    visitor.force_login(staff_user)
    page = get(visitor, url)
    assert page["X-Page-Cache"] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    assert "personal" not in token
    answer = visitor.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert answer.status_code == 302  # not 403: the token matches this visitor's cookie
    assert "_auth_user_id" not in visitor.session


def test_the_text_size_form_needs_no_token_and_its_pages_are_stored_apart(measure):
    url = measure.get_absolute_url()
    visitor = Client(enforce_csrf_checks=True)
    page = get(visitor, url).content.decode()
    assert "csrfmiddlewaretoken" not in page  # nothing of the visitor's own in it
    assert "csrftoken" not in visitor.cookies
    answer = visitor.post("/text-size/", {"size": "large", "next": url})
    assert answer.status_code == 302
    large = get(visitor, url)
    assert 'class="text-large"' in large.content.decode()
    assert large["X-Page-Cache"] == "miss"  # the large-text page is stored apart


def test_messages_are_each_visitors_own(rf, measure, client):
    url = measure.get_absolute_url()
    get(Client(), url)  # stored without any message
    session = client.session
    session.save()
    # a message waiting for this visitor (as after a redirect)
    from django.contrib.messages.storage.cookie import CookieStorage

    request = rf.get("/")
    storage = CookieStorage(request)
    storage.add(messages.SUCCESS, "已保存测试消息")
    response = get(client, "/")  # any response to carry the cookie
    storage.update(response)
    client.cookies.update(response.cookies)
    page = get(client, url)
    assert page["X-Page-Cache"] == "hit"
    assert "已保存测试消息" in page.content.decode()
    assert "已保存测试消息" not in get(Client(), url).content.decode()


def test_a_change_of_intake_in_the_admin_shows_at_once(client, measure):
    url = measure.get_absolute_url()
    assert "不受理在线申报" not in get(client, url).content.decode()
    intake = Intake.objects.get(measure=measure)
    assert intake.accepts
    intake.accepts = False  # staff stop taking applications online
    intake.save()
    page = get(client, url)
    assert page["X-Page-Cache"] == "miss"
    assert "不受理在线申报" in page.content.decode()


def test_the_next_day_renders_afresh(client, measure, settings):
    settings.PORTAL_TODAY = "2023-10-16"
    url = measure.get_absolute_url()
    assert get(client, url)["X-Page-Cache"] == "miss"
    assert get(client, url)["X-Page-Cache"] == "hit"
    settings.PORTAL_TODAY = "2023-10-17"
    assert get(client, url)["X-Page-Cache"] == "miss"


def test_not_found_and_posts_are_never_stored(client, catalogue):
    assert client.get("/policies/measures/99999999/").status_code == 404
    response = client.get("/policies/measures/99999999/")
    assert response.status_code == 404 and not response.has_header("X-Page-Cache")


@pytest.mark.parametrize(
    "url",
    ["/", "/policies/measures/", "/policies/measures/?q=补贴", "/policies/cities/anshan/"],
)
def test_the_catalogue_pages_are_stored(client, catalogue, url):
    assert get(client, url)["X-Page-Cache"] == "miss"
    assert get(client, url)["X-Page-Cache"] == "hit"


# --- the catalogue's revision read as the request's connection check ---------------------------


def request_started_on_a_kept_connection():
    """What Django does when a request starts on a connection kept from an earlier one (the
    test client leaves it out): the connection is to be checked before its first query."""
    from django.db import connection

    connection.ensure_connection()
    connection.health_check_enabled = True
    connection.health_check_done = False
    return connection


@pytest.mark.django_db(transaction=True)
def test_the_revision_read_is_the_connection_check_no_select_1_first(monkeypatch):
    """With CONN_HEALTH_CHECKS, Django sends "SELECT 1" before a request's first query: on a
    page served from the cache that doubled its round trips to PostgreSQL."""
    from portal.pagecache import catalogue_revision

    connection = request_started_on_a_kept_connection()
    checks = []
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or True)
    before = connection.connection
    catalogue_revision()
    assert checks == []
    assert connection.health_check_done
    assert connection.connection is before  # the same connection, kept


@pytest.mark.django_db(transaction=True)
def test_a_connection_broken_between_requests_is_replaced_and_the_revision_read(settings):
    """The database restarted between two requests: the kept connection is dead. The read
    fails, the connection is found unusable, closed, and the read made on a new one."""
    from django.db import connection

    from portal.pagecache import catalogue_revision

    expected = catalogue_revision()
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no connection to lose (Django's check is a no-op there)")
    request_started_on_a_kept_connection()
    dead = connection.connection
    dead.close()  # as a restart of the server leaves it
    assert catalogue_revision() == expected
    assert connection.connection is not dead and not connection.connection.closed


# --- the pages a process keeps in front of the shared cache -----------------------------------


def test_a_page_asked_again_is_served_from_the_process_without_the_shared_cache(
    client, measure, monkeypatch
):
    from portal import pagecache

    url = measure.get_absolute_url()
    first = get(client, url)
    assert first["X-Page-Cache"] == "miss"
    reads = []
    real_get = pagecache.cache.get
    monkeypatch.setattr(
        pagecache.cache, "get", lambda *a, **k: reads.append(a) or real_get(*a, **k)
    )
    again = get(client, url)
    assert again["X-Page-Cache"] == "hit" and again.content == first.content
    assert reads == []  # not even a look at the shared cache


def test_a_page_from_another_process_is_kept_after_its_first_read(client, measure):
    """Another node stored the page in the shared cache: read from there once, then kept."""
    from portal import pagecache

    url = measure.get_absolute_url()
    get(client, url)
    pagecache.local_pages.clear()  # as in a process that never served it
    assert get(client, url)["X-Page-Cache"] == "hit"  # from the shared cache
    assert len(pagecache.local_pages.pages) == 1


def test_an_edit_is_served_at_once_though_the_old_page_is_kept(client, measure):
    url = measure.get_absolute_url()
    assert "新的标题" not in get(client, url).text
    measure.title = "新的标题"
    measure.save()  # bumps the catalogue's revision: a new key
    page = get(client, url)
    assert page["X-Page-Cache"] == "miss" and "新的标题" in page.text


def test_the_kept_pages_stay_within_their_budget_least_recently_served_first(settings):
    from portal.pagecache import LocalPages

    settings.PAGE_CACHE_LOCAL_CHARS = 6400  # 64 pages of 100 characters
    pages = LocalPages()
    for n in range(65):
        pages.put(n, (("x" * 60, "y" * 40), {}))
    assert list(pages.pages) == list(range(1, 65)) and pages.size == 6400
    pages.get(1)  # served: now the most recent
    pages.put(65, (("z" * 100,), {}))
    assert 2 not in pages.pages and list(pages.pages)[-2:] == [1, 65]
    # larger than a 64th of the budget: left to the shared cache (a sitemap's page of 5,000
    # addresses would otherwise push out dozens of measure pages)
    pages.put("large", (("x" * 101,), {}))
    assert "large" not in pages.pages and pages.size == 6400
    settings.PAGE_CACHE_LOCAL_CHARS = 0  # off
    pages.clear()
    pages.put("a", (("a",), {}))
    assert not pages.pages


def test_a_link_shared_in_wechat_is_the_page_stored_not_a_rendering_of_its_own(client, measure):
    """WeChat adds ``from=groupmessage&isappinstalled=0`` (and campaign tags come with other
    channels) to every link passed round: the page asked for that way is the stored one, and
    nothing of the sharing parameters is written into it."""
    url = measure.get_absolute_url()
    plain = get(client, url)
    assert plain["X-Page-Cache"] == "miss"
    for tail in (
        "?from=groupmessage&isappinstalled=0",
        "?from=singlemessage",
        "?utm_source=wechat&utm_medium=share&spm=a2c4g.11186623",
    ):
        shared = get(Client(), url + tail)
        assert shared["X-Page-Cache"] == "hit", tail
        assert shared.content == plain.content


def test_a_shared_search_keeps_its_own_words_and_drops_only_the_sharing_ones(client, catalogue):
    from urllib.parse import urlencode

    base = "/policies/measures/?"
    first = get(Client(), base + urlencode({"q": "补贴", "from": "timeline", "utm_source": "x"}))
    assert first["X-Page-Cache"] == "miss"
    page = first.content.decode()
    assert "timeline" not in page and "utm_source" not in page  # not in links, not in next=
    assert first.context["query"] == "补贴"
    assert get(client, base + urlencode({"q": "补贴"}))["X-Page-Cache"] == "hit"
    # the page's own parameters still make pages of their own, and so does any other one
    # (the bench's "first asked" pages rely on that)
    assert get(client, base + urlencode({"q": "上市"}))["X-Page-Cache"] == "miss"
    assert get(client, base + urlencode({"q": "补贴", "first": "1"}))["X-Page-Cache"] == "miss"


def test_no_parameter_a_catalogue_page_reads_is_taken_for_a_sharing_one():
    from policies.filters import MeasureFilter
    from portal.pagecache import is_sharing_parameter

    read = set(MeasureFilter.base_filters) | {"q", "page", "view"}
    assert not {name for name in read if is_sharing_parameter(name)}
    assert is_sharing_parameter("from") and is_sharing_parameter("utm_campaign")


def test_local_copies_read_the_shared_cache_once_and_keep_the_last_used():
    from django.core.cache import cache

    from portal.pagecache import LocalCopies, forget_process_memory

    copies = LocalCopies(2)
    computed = []

    def compute(value):
        def make():
            computed.append(value)
            return value

        return make

    assert copies.get_or_set("k:1", compute("one"), 60) == "one"
    assert cache.get("k:1") == "one"  # stored in the shared cache too
    cache.delete("k:1")
    assert copies.get_or_set("k:1", compute("again"), 60) == "one"  # this process's copy
    cache.set("k:2", "two from the shared cache")
    assert copies.get_or_set("k:2", compute("two"), 60) == "two from the shared cache"
    assert computed == ["one"]
    copies.get_or_set("k:1", compute("unused"), 60)  # k:1 used last: k:2 goes first
    copies.get_or_set("k:3", compute("three"), 60)
    assert list(copies.values) == ["k:1", "k:3"]
    forget_process_memory(LocalCopies)
    cache.clear()
    assert copies.get_or_set("k:1", compute("after clearing"), 60) == "after clearing"


def test_per_revision_values_are_read_once_per_revision_and_forgotten_by_kind():
    from portal.pagecache import LocalCopies, PerRevision, forget_process_memory

    loads = []

    def load():
        loads.append(len(loads))
        return loads[-1]

    memo = PerRevision(load)
    assert memo("r1") == 0 and memo("r1") == 0  # read once for the revision
    assert memo("r2") == 1  # a new revision: read again
    assert memo() == 2 and memo("r2") == 1  # no revision: read now, not kept
    forget_process_memory(LocalCopies)  # another kind: kept
    assert memo("r2") == 1
    forget_process_memory()
    assert memo("r2") == 3
    assert len(loads) == 4

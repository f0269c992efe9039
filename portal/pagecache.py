"""The page cache: catalogue pages stored whole, shared by every worker and node.

A catalogue page (a measure, a document, a city, a list…) is the same for every visitor,
except for a few *personal parts*: the header's account tools (登录, or 退出 with the user's
name and the admin link), the messages, and the CSRF tokens of forms. So:

- a view decorated with ``@cached_page`` is rendered once per **key** and stored, split at
  its personal parts, in the cache (Redis when ``REDIS_URL`` is set: every node shares it),
  and each process keeps the pages it served last in front of it (``LocalPages``);
- personal parts are holes: rendered through ``{% personal "template.html" %}``, stored as
  a marker and filled in for each request (``fill``: a join); a CSRF token is a hole too. A
  signed-in user gets the page everybody gets, with their own header; an anonymous reader
  with no message waiting gets parts rendered once per process;
- the key holds everything a page depends on besides the personal parts, so a stored page
  is never stale: the release (the templates: a page stored before a deployment is not
  served after it), the catalogue's revision (``policies.models.CatalogueRevision``: every
  save or delete of what a page shows bumps it, in the writer's transaction, on whatever
  node or command wrote it — signals on the models, explicit bumps after bulk writes), the
  portal's today (validity statuses change at midnight), the language, the text size, the
  site's identity, the host and the path with its query. Entries of old keys are never
  read again and expire (``PAGE_SECONDS``);
- parameters that sharing adds to a link and no page reads (``SHARING_PARAMETERS``: WeChat's
  ``from=groupmessage&isappinstalled=0``, campaign tags) are dropped from the request before
  the page is keyed or rendered: a page passed round a WeChat group is the page stored, not a
  fresh rendering (10 to 40 times the cost, by the bench's ratios) under a key of its own for
  every way it was shared.

Only complete, successful answers to GET and HEAD are stored (a 200 that sets no cookie and
no Cache-Control of its own); anything else is served as rendered.
"""

import functools
import hashlib
import re
import threading
import weakref
from collections import OrderedDict
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.translation import get_language

from portal.dates import today as portal_today

PAGE_SECONDS = 24 * 3600  # the key changes with every catalogue change and every day
TEXT_SIZE_COOKIE = "text_size"  # the larger-text mode's cookie (portal.views.text_size)

# What a stored page holds instead of a personal part or a CSRF token.
_HOLE = "<!--personal:{}-->"
_HOLES = re.compile(r"<!--personal:([\w/.-]+\.html)-->")
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF = "csrf.html"  # the name of a CSRF token's hole (not a template)
_STORED_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")


def catalogue_revision(request=None) -> int:
    """The catalogue's revision: one row read by its primary key (plain SQL: on a page
    served from the cache, building an ORM query cost more than the rest of the answer).
    Given the request, read once for it (the page's key and what the page caches agree)."""
    if request is not None:
        if not hasattr(request, "_catalogue_revision"):
            request._catalogue_revision = catalogue_revision()
        return request._catalogue_revision
    from django.db import Error, connection

    from policies.models import CatalogueRevision

    table = connection.ops.quote_name(CatalogueRevision._meta.db_table)

    def read():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else 0

    if (
        connection.health_check_enabled  # CONN_HEALTH_CHECKS
        and not connection.health_check_done
        and connection.connection is not None
        and not connection.in_atomic_block
    ):
        # The request's first query on a kept connection: Django would send a "SELECT 1"
        # first to check the connection (one more round trip to the database for every page
        # served from the cache). This read is the check instead: if the connection broke
        # since the last request (the database restarted), it is closed and the read is made
        # once more on a new one, as Django's check would have done.
        connection.health_check_done = True
        try:
            return read()
        except Error:
            if connection.is_usable():
                raise  # the query failed, not the connection
            connection.close()
    return read()


def _release() -> str:
    """What this deployment renders with: its templates and static files' names. A page
    stored by an earlier release (the cache outlives a restart in Redis) is not served."""
    digest = hashlib.sha256()
    for directory in [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]:
        for path in sorted(directory.rglob("*.html")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RELEASE = _release()


# Added to links by whoever shares them, read by no page of the portal: WeChat (分享到会话、
# 群聊、朋友圈 add ``from`` and ``isappinstalled``; its article links carry ``scene`` and the
# rest), Alipay/Taobao's ``spm``, and the usual campaign and click tags. A catalogue page's own
# parameters (the list's filters, ``page``, ``view``) are none of these
# (``tests/portal/test_pagecache.py`` checks the list's against them).
SHARING_PARAMETERS = frozenset(
    {
        "from",
        "isappinstalled",
        "scene",
        "subscene",
        "clicktime",
        "enterid",
        "sharer_shareid",
        "sharer_sharetime",
        "spm",
        "fbclid",
        "gclid",
    }
)
SHARING_PREFIXES = ("utm_",)


def is_sharing_parameter(name: str) -> bool:
    return name in SHARING_PARAMETERS or name.startswith(SHARING_PREFIXES)


def drop_sharing_parameters(request) -> None:
    """Take sharing parameters out of the request's query — ``request.GET`` and the query
    string its full path is made of — so that the page is rendered, keyed and stored as the
    link without them would be."""
    query = request.GET
    if not any(is_sharing_parameter(name) for name in query):
        return
    kept = urlencode(
        [
            (name, value)
            for name, values in query.lists()
            if not is_sharing_parameter(name)
            for value in values
        ]
    )
    request.META["QUERY_STRING"] = kept
    request.GET = QueryDict(kept, encoding=request.encoding)


def text_large(request) -> bool:
    """Whether the visitor chose the larger text (适老化): pages are rendered, and stored, apart."""
    return request.COOKIES.get(TEXT_SIZE_COOKIE) == "large"


def page_key(request, revision: int | None = None) -> str:
    revision = catalogue_revision(request) if revision is None else revision
    size = "large" if text_large(request) else "normal"
    # the host too (the printed page shows its own address), and the site's identity
    where = f"{request.get_host()}{request.get_full_path()}{settings.PORTAL_IDENTITY.digest}"
    path = hashlib.sha256(where.encode()).hexdigest()[:32]
    day = portal_today().isoformat()
    return f"page:{RELEASE}:{revision}:{day}:{get_language()}:{size}:{path}"


def rendering_for_cache(request) -> bool:
    """Whether the page being rendered is the one stored for everybody (personal parts are
    then left as holes)."""
    return getattr(request, "_page_cache_render", False)


def hole(template_name: str) -> str:
    return _HOLE.format(template_name)


def split(body: str) -> tuple:
    """A page to store, cut at its personal parts and CSRF tokens: (text, name, text, name,
    …, text), a name being a template or ``CSRF``; filling it in is then a join."""
    body = _CSRF_INPUT.sub(lambda m: m.group(1) + hole(CSRF) + m.group(2), body)
    return tuple(_HOLES.split(body))


def fill(request, parts: tuple) -> str:
    """A stored page with this request's personal parts and CSRF token."""
    out = list(parts)
    rendered = {}
    for index in range(1, len(out), 2):
        name = out[index]
        if name not in rendered:
            rendered[name] = get_token(request) if name == CSRF else personal_part(request, name)
        out[index] = rendered[name]
    return "".join(out)


_ANONYMOUS_PARTS: dict = {}


def personal_part(request, name: str) -> str:
    """A personal part for this request. A visitor with neither a session nor a message
    waiting (most visitors: anonymous, just reading) gets the same part as every other such
    visitor, rendered once per process and language."""
    if anonymous_without_messages(request):
        key = (name, get_language())
        if key not in _ANONYMOUS_PARTS:
            _ANONYMOUS_PARTS[key] = render_to_string(name, request=request)
        return _ANONYMOUS_PARTS[key]
    return render_to_string(name, request=request)


def anonymous_without_messages(request) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not getattr(response, "streaming", False)
        and not response.cookies
        and not response.has_header("Cache-Control")
    )


LARGEST_SHARE = 64


class ProcessMemory:
    """What this process keeps in its memory in front of the shared cache or the database:
    the pages it served last (``LocalPages``), values read from the shared cache
    (``LocalCopies``) and values read once per catalogue revision (``PerRevision``). Each is
    as fresh as its key or revision, so nothing in production clears them; tests do, between
    catalogues and caches, with ``forget_process_memory``. Every instance registers itself
    here (weakly: one a test makes goes with it)."""

    kept = weakref.WeakSet()

    def __init__(self):
        ProcessMemory.kept.add(self)

    def clear(self):
        raise NotImplementedError


def forget_process_memory(*kinds) -> None:
    """Clear what this process keeps: of the given ``ProcessMemory`` classes, or all."""
    for memory in list(ProcessMemory.kept):
        if not kinds or isinstance(memory, kinds):
            memory.clear()


class LocalPages(ProcessMemory):
    """The pages this process served last, kept in its memory in front of the shared cache.

    A page's key changes with anything the page depends on, so a copy kept here is exactly as
    fresh as the shared cache's: a page asked for again is served without a round trip to
    Redis and without unpickling it. Least recently served pages go first, within a budget of
    characters (``settings.PAGE_CACHE_LOCAL_CHARS``, ``PORTAL_PAGE_LOCAL_CHARS``; 0 turns it
    off). The default, 16 million (about 32 MB: Python keeps these pages at 2 bytes a
    character), holds some 1,600 measure pages of 10,000 characters. Sized below the pages in
    demand it is worse than none: served in turn, each page is dropped just before it is
    asked for again (4 million, 400 pages, under the bench's 500: cached detail on
    PostgreSQL fell from 0.58× to 0.50× of the trivial view). A page larger than a
    ``LARGEST_SHARE``th of the budget (250,000 characters of the default: a sitemap's page of
    5,000 addresses is 440,000) is left to the shared cache: kept here, each would push out
    dozens of the pages readers ask for."""

    def __init__(self):
        super().__init__()
        self.pages = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.pages.get(key)
            if entry is None:
                return None
            self.pages.move_to_end(key)
            return entry[0]

    def put(self, key, stored):
        budget = settings.PAGE_CACHE_LOCAL_CHARS
        size = sum(len(part) for part in stored[0])
        if size > budget // LARGEST_SHARE:
            return
        with self.lock:
            if key in self.pages:
                return
            self.pages[key] = (stored, size)
            self.size += size
            while self.size > budget:
                _key, (_stored, dropped) = self.pages.popitem(last=False)
                self.size -= dropped

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.size = 0


local_pages = LocalPages()


class LocalCopies(ProcessMemory):
    """Values this process read last from the shared cache, kept in its memory in front of
    it, as ``local_pages`` keeps pages: for values stored under keys that change with what
    they depend on (the catalogue's revision), so that a copy here is exactly as fresh as the
    shared cache's — read without a round trip to Redis and without unpickling. The requests
    share a copy: only values no one changes (strings, tuples, dictionaries of them). The
    least recently read go first beyond ``limit`` entries."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit
        self.values = OrderedDict()
        self.lock = threading.Lock()

    def get_or_set(self, key: str, compute, seconds: int):
        """The value under ``key``: this process's copy, else the shared cache's, else
        ``compute()``d and stored in both."""
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
                return value
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, seconds)
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.limit:
                self.values.popitem(last=False)
        return value

    def clear(self):
        with self.lock:
            self.values.clear()


class PerRevision(ProcessMemory):
    """A value read from the catalogue once per catalogue revision and process
    (``load()``), shared read-only by the requests of that revision; called without a
    revision, read now and not kept. Like the pages this process keeps (``LocalPages``), it
    is as fresh as the revision: every change to what it holds bumps it."""

    def __init__(self, load):
        super().__init__()
        self.load = load
        self.value = (None, None)

    def __call__(self, revision=None):
        kept, value = self.value
        if revision is None or kept != revision:
            value = self.load()
            if revision is not None:
                self.value = (revision, value)
        return value

    def clear(self):
        self.value = (None, None)


def stored_page(key):
    """(parts, headers) of the page stored under ``key``, or None."""
    stored = local_pages.get(key)
    if stored is None:
        stored = cache.get(key)
        if stored is not None:
            local_pages.put(key, stored)
    return stored


def store_page(key, stored) -> None:
    cache.set(key, stored, PAGE_SECONDS)
    local_pages.put(key, stored)


def cached_page(view):
    """Serve ``view``'s page from the page cache; render and store it on a miss."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not getattr(settings, "PAGE_CACHE", True):
            return view(request, *args, **kwargs)
        drop_sharing_parameters(request)
        key = page_key(request)
        stored = stored_page(key)
        if stored is None:
            request._page_cache_render = True
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
            finally:
                request._page_cache_render = False
            if not _storable(response):
                return response
            headers = {
                name: response[name] for name in _STORED_HEADERS if response.has_header(name)
            }
            parts = split(response.content.decode(response.charset))
            store_page(key, (parts, headers))
            # the rendered response itself (its context stays readable), holes filled in
            response.content = fill(request, parts)
            response["X-Page-Cache"] = "miss"
            return response
        parts, headers = stored
        response = HttpResponse(fill(request, parts), headers=headers)
        response["X-Page-Cache"] = "hit"
        return response

    return wrapper

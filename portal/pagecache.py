"""The page cache: catalogue pages stored whole, shared by every worker and node.

A catalogue page (a measure, a document, a city, a list…) is the same for every visitor,
except for a few *personal parts*: the header's account tools (登录, or 退出 with the user's
name and the admin link), the messages, and the CSRF tokens of its forms. So:

- a view decorated with ``@cached_page`` is rendered once per **key** — the catalogue's
  revision, the portal's today, the language, the text size, the host and the full path
  with its query — and the response body is stored in the cache (Redis when ``REDIS_URL`` is set, so
  every node shares it);
- personal parts are holes: rendered through ``{% personal "template.html" %}``, they are
  stored as a marker and filled in for each request (``fill``), and CSRF tokens are stored
  as a placeholder and replaced by the request's own. A signed-in user gets the same stored
  page as everybody, with their own header;
- the key changes, so a page is never stale, when the catalogue does
  (``policies.models.CatalogueRevision``: every save or delete of what a page shows bumps
  it, in the writer's transaction, whatever node or command wrote it) and at midnight
  (today is part of the key: validity statuses change then). Old entries are never read
  again and expire (``PAGE_SECONDS``).

Only complete, successful answers to GET and HEAD are stored (a 200 with no cookie of its
own); anything else is served as rendered.
"""

import functools
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.translation import get_language

from portal.dates import today as portal_today

PAGE_SECONDS = 24 * 3600  # the key changes with every catalogue change and every day
TEXT_SIZE_COOKIE = "text_size"

# What a stored page holds instead of a personal part or a CSRF token.
_HOLE = "<!--personal:{}-->"
_HOLES = re.compile(r"<!--personal:([\w/.-]+\.html)-->")
_CSRF_PLACEHOLDER = "__csrf_token__"
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_STORED_HEADERS = ("Content-Type", "Content-Language")


def catalogue_revision() -> int:
    """The catalogue's revision (one indexed read of one row)."""
    from policies.models import CatalogueRevision

    return CatalogueRevision.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def page_key(request, revision: int | None = None) -> str:
    revision = catalogue_revision() if revision is None else revision
    size = "large" if request.COOKIES.get(TEXT_SIZE_COOKIE) == "large" else "normal"
    # the host too: the printed page shows its own address
    where = f"{request.get_host()}{request.get_full_path()}"
    path = hashlib.sha256(where.encode()).hexdigest()[:32]
    return f"page:{revision}:{portal_today().isoformat()}:{get_language()}:{size}:{path}"


def rendering_for_cache(request) -> bool:
    """Whether the page being rendered is the one stored for everybody (personal parts are
    then left as holes)."""
    return getattr(request, "_page_cache_render", False)


def hole(template_name: str) -> str:
    return _HOLE.format(template_name)


def fill(request, body: str) -> str:
    """A stored page with this request's personal parts and CSRF token."""
    if _CSRF_PLACEHOLDER in body:
        body = body.replace(_CSRF_PLACEHOLDER, get_token(request))
    if "<!--personal:" in body:
        rendered = {}

        def personal(match):
            name = match.group(1)
            if name not in rendered:
                rendered[name] = render_to_string(name, request=request)
            return rendered[name]

        body = _HOLES.sub(personal, body)
    return body


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not getattr(response, "streaming", False)
        and not response.cookies
        and not response.has_header("Cache-Control")
    )


def cached_page(view):
    """Serve ``view``'s page from the page cache; render and store it on a miss."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not getattr(settings, "PAGE_CACHE", True):
            return view(request, *args, **kwargs)
        key = page_key(request)
        stored = cache.get(key)
        state = "hit"
        if stored is None:
            state = "miss"
            request._page_cache_render = True
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
            finally:
                request._page_cache_render = False
            if not _storable(request, response):
                return response
            body = _CSRF_INPUT.sub(
                rf"\g<1>{_CSRF_PLACEHOLDER}\g<2>", response.content.decode(response.charset)
            )
            headers = {
                name: response[name] for name in _STORED_HEADERS if response.has_header(name)
            }
            stored = (body, headers)
            cache.set(key, stored, PAGE_SECONDS)
        body, headers = stored
        response = HttpResponse(fill(request, body), headers=headers)
        response["X-Page-Cache"] = state
        return response

    return wrapper

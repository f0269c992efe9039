"""The portal's own middleware: hostile input refused early, private pages never cached."""

from urllib.parse import unquote_to_bytes

from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.views.main import SEARCH_VAR
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import patch_cache_control

PRIVATE_PREFIXES = ("/applications/", "/admin/", "/accounts/")
# An admin list's search words (``?q=``): longer than any name or number a desk looks up.
# SQLite refuses a LIKE pattern over 50,000 bytes ("LIKE or GLOB pattern too complex"), a 500
# found by tests/security/test_fuzz.py; the public list's form caps its words at 100.
ADMIN_SEARCH_MAX_CHARS = 200


class RejectHostileInputMiddleware:
    """A NUL byte or bytes that are not UTF-8 in the path, the query string or a form body
    (``application/x-www-form-urlencoded``): 400.

    No page of the portal means anything by them, and PostgreSQL refuses NUL in text
    ("A string literal cannot contain NUL"), which would otherwise surface as a 500 in
    whichever view passed the value on to a query. So is an admin list's search of more than
    ``ADMIN_SEARCH_MAX_CHARS`` characters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = [request.path_info.encode("utf-8", "surrogateescape")]
        raw.append(unquote_to_bytes(request.META.get("QUERY_STRING", "")))
        if request.content_type == "application/x-www-form-urlencoded":
            # a form body, already limited in size (portal.limits): its fields, decoded
            raw.append(unquote_to_bytes(request.body.replace(b"+", b" ")))
        for value in raw:
            if b"\x00" in value or not _is_utf8(value):
                return bad_request(request)
        if request.GET.get(TO_FIELD_VAR, None) == "":
            # Django's admin (5.2) skips its check of an empty ``_to_field`` and then fails
            # looking up a field named "" on its change and delete pages: a 500
            return bad_request(request)
        if (
            request.path_info.startswith("/admin/")
            and len(request.GET.get(SEARCH_VAR, "")) > ADMIN_SEARCH_MAX_CHARS
        ):
            return bad_request(request)
        return self.get_response(request)


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def bad_request(request):
    try:
        return render(request, "400.html", status=400)
    except Exception:  # noqa: BLE001 — the plain answer when the page itself cannot render
        return HttpResponseBadRequest("请求无效。")


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every page of an enterprise or staff member
    (anything shown to a signed-in user, the accounts pages, the admin, applications and
    their downloads): no shared cache keeps them, no browser stores them on disk."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path_info.startswith(PRIVATE_PREFIXES):
            patch_cache_control(response, private=True, no_store=True, no_cache=True)
            response.headers.pop("Expires", None)
        return response

"""Request bodies over the limit are refused from the request head, before a byte is read.

The body of every request here is a stream that fails the test if anything reads it: a 413
(or 411) that arrived after reading 50 GB would be no defence at all.
"""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from portal.limits import OVERHEAD_BYTES, BodySizeLimitMiddleware, body_limit, form_limit

UPLOAD_URL = "/applications/1/upload/"
FIFTY_GB = 50_000_000_000
MULTIPART = "multipart/form-data; boundary=----huiqi"


class UnreadableInput:
    """A ``wsgi.input`` that must not be read."""

    def __init__(self):
        self.reads = 0

    def _fail(self, *args, **kwargs):
        self.reads += 1
        raise AssertionError("the request body was read")

    read = readline = readlines = __iter__ = _fail


def head_only(method="POST", path=UPLOAD_URL, content_type=MULTIPART, **meta):
    """WSGI environ items for a request whose body is an ``UnreadableInput``."""
    body = UnreadableInput()
    environ = {"wsgi.input": body, "REQUEST_METHOD": method}
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    environ.update(meta)
    return body, environ


def run_middleware(environ, path=UPLOAD_URL):
    calls = []

    def view(request):
        calls.append(request)
        return HttpResponse("reached the view")

    request = RequestFactory().generic(environ.pop("REQUEST_METHOD"), path, **environ)
    return BodySizeLimitMiddleware(view)(request), calls


def test_the_declared_limit_is_the_upload_limit_plus_room_for_the_form(settings):
    assert body_limit() == settings.UPLOAD_MAX_BYTES + OVERHEAD_BYTES == 10 * 1024 * 1024 + 65536
    assert form_limit() == settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_fifty_gigabyte_upload_is_refused_through_the_whole_stack_without_reading(client):
    body, environ = head_only(CONTENT_LENGTH=str(FIFTY_GB))
    environ.pop("REQUEST_METHOD")
    response = client.generic("POST", UPLOAD_URL, **environ)
    assert response.status_code == 413  # not the login redirect: no view ran
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "上传内容过大：单个文件不得超过 10 MB。"
    assert response["Connection"] == "close"
    assert response["Content-Length"] == str(len(response.content))
    assert body.reads == 0


def test_the_view_is_not_called_and_the_body_not_read():
    body, environ = head_only(CONTENT_LENGTH=str(FIFTY_GB))
    response, calls = run_middleware(environ)
    assert response.status_code == 413
    assert "上传内容过大" in response.content.decode()
    assert calls == [] and body.reads == 0


def test_an_upload_at_the_limit_reaches_the_view():
    body, environ = head_only(CONTENT_LENGTH=str(body_limit()))
    response, calls = run_middleware(environ)
    assert response.content == b"reached the view" and len(calls) == 1


def test_one_byte_over_the_limit_is_refused():
    body, environ = head_only(CONTENT_LENGTH=str(body_limit() + 1))
    response, calls = run_middleware(environ)
    assert response.status_code == 413 and calls == []


def test_the_message_follows_the_configured_limit(settings):
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    body, environ = head_only(CONTENT_LENGTH=str(3 * 1024 * 1024))
    response, _ = run_middleware(environ)
    assert response.content.decode() == "上传内容过大：单个文件不得超过 2 MB。"


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "application/json", None]
)
def test_other_bodies_are_capped_at_djangos_in_memory_limit(content_type, settings):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body, environ = head_only(content_type=content_type, CONTENT_LENGTH=str(limit + 1))
    response, calls = run_middleware(environ, path="/accounts/login/")
    assert response.status_code == 413
    assert response.content.decode() == "提交的内容过大，请删减后重新提交。"
    assert calls == [] and body.reads == 0

    body, environ = head_only(content_type=content_type, CONTENT_LENGTH=str(limit))
    response, calls = run_middleware(environ, path="/accounts/login/")
    assert len(calls) == 1


def test_a_chunked_body_without_a_length_is_refused_with_411():
    body, environ = head_only(HTTP_TRANSFER_ENCODING="chunked")
    environ.pop("CONTENT_LENGTH", None)
    response, calls = run_middleware(environ)
    assert response.status_code == 411
    assert "Content-Length" in response.content.decode()
    assert response["Connection"] == "close"
    assert calls == [] and body.reads == 0


@pytest.mark.parametrize("value", ["abc", "-1", "1e9"])
def test_a_malformed_length_is_refused(value):
    body, environ = head_only(CONTENT_LENGTH=value)
    response, calls = run_middleware(environ)
    assert response.status_code == 400 and calls == [] and body.reads == 0


def test_requests_without_a_body_pass():
    response, calls = run_middleware({"REQUEST_METHOD": "GET"}, path="/healthz")
    assert len(calls) == 1 and response.status_code == 200

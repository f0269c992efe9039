"""Request bodies over the limit are refused before they are read.

Django reads (and spools to disk) a whole multipart body before any view could look at the
size of a file in it; a client declaring a 50 GB body would keep a worker busy for as long
as it cares to send. This middleware answers from the request head alone:

* a multipart body (the upload form) may be ``UPLOAD_MAX_BYTES`` plus room for the other
  form fields and the boundaries; any other body (forms, JSON) no more than Django's own
  ``DATA_UPLOAD_MAX_MEMORY_SIZE``, which Django would enforce anyway, but only after the view
  asked for ``request.POST`` and with a 400. Over the limit: 413 and a message in Chinese.
* a body without ``Content-Length`` (``Transfer-Encoding: chunked``): 411. Django ignores such
  a body (it reads ``Content-Length`` bytes, i.e. none), and gunicorn would drain it, on the
  request thread, before reading the next request on the same connection.

Both answers ask for the connection to be closed (``Connection: close``). gunicorn (27, gthread)
drops that header as hop-by-hop and keeps the connection alive, draining the unread body on
the request thread for up to 5 s and then lingering 2 s in the worker's main loop: a refused
request no longer costs a thread for as long as the client cares to send, but a crowd of
stalled ones still slows a node reached directly (tests/deploy/test_nginx_loopback.py has the
numbers). In production nginx (``deploy/nginx/``) refuses oversized bodies before gunicorn
sees them and buffers slow ones, so that no gunicorn thread waits on a client; this
middleware is the second line.
"""

from django.conf import settings
from django.http import HttpResponse

# Room for the form fields and multipart boundaries around one file at the limit.
OVERHEAD_BYTES = 64 * 1024


def body_limit() -> int:
    """The largest multipart (upload) body accepted, in bytes."""
    return settings.UPLOAD_MAX_BYTES + OVERHEAD_BYTES


def form_limit() -> int:
    """The largest body of any other kind: Django's own limit for bodies read into memory."""
    limit = getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None)
    return body_limit() if limit is None else limit


def limit_for(content_type: str) -> int:
    if content_type.strip().lower().startswith("multipart/"):
        return body_limit()
    return form_limit()


def _size(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    return f"{n / 1024:.0f} KB"


def _refusal(status: int, message: str) -> HttpResponse:
    response = HttpResponse(
        message.encode(), status=status, content_type="text/plain; charset=utf-8"
    )
    # The body stays unread: the connection must not be reused for another request
    # (honoured by servers that let the application close; gunicorn drains instead).
    response["Connection"] = "close"
    # (CommonMiddleware, which would set it, comes later and never sees this response)
    response["Content-Length"] = str(len(response.content))
    return response


class BodySizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        raw_length = (meta.get("CONTENT_LENGTH") or "").strip()
        if not raw_length:
            if "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower():
                return _refusal(411, "请求须声明内容长度（Content-Length），请重新提交。")
            return self.get_response(request)
        try:
            declared = int(raw_length)
        except ValueError:
            declared = -1
        if declared < 0:
            return _refusal(400, "请求的内容长度（Content-Length）无效。")
        if declared > limit_for(meta.get("CONTENT_TYPE", "")):
            if meta.get("CONTENT_TYPE", "").strip().lower().startswith("multipart/"):
                message = f"上传内容过大：单个文件不得超过 {_size(settings.UPLOAD_MAX_BYTES)}。"
            else:
                message = "提交的内容过大，请删减后重新提交。"
            return _refusal(413, message)
        return self.get_response(request)

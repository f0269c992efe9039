"""Request bodies over the upload limit are refused before they are read.

Django reads (and spools to disk) a whole multipart body before any view could look at the
size of a file in it; a client declaring a 50 GB body would keep a worker busy for as long
as it cares to send. This middleware answers 413 from the declared ``Content-Length`` alone.
In production nginx (``deploy/nginx/``) refuses such bodies even earlier and buffers slow
ones, so that no gunicorn thread waits on a slow client.
"""

from django.conf import settings
from django.http import HttpResponse

# Room for the form fields and multipart boundaries around one file at the limit.
OVERHEAD_BYTES = 64 * 1024


def body_limit() -> int:
    return settings.UPLOAD_MAX_BYTES + OVERHEAD_BYTES


class BodySizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > body_limit():
            limit_mb = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
            response = HttpResponse(
                f"上传内容过大：单个文件不得超过 {limit_mb} MB。".encode(),
                status=413,
                content_type="text/plain; charset=utf-8",
            )
            response["Connection"] = "close"
            return response
        return self.get_response(request)

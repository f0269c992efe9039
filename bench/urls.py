"""The benchmark's baseline: a trivial Django view, served only with DEBUG or PORTAL_BENCH=1.

It goes through the whole middleware stack and touches no database, so the ratio of a page's
numbers to this view's shows what the page itself costs.
"""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET


@require_GET
def trivial(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("trivial", trivial, name="bench_trivial")]

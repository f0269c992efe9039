from urllib.parse import urlencode

from django.db import connection
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from policies.models import City, PolicyDocument


@require_GET
def home(request):
    cities = City.objects.prefetch_related(
        Prefetch("documents", queryset=PolicyDocument.objects.order_by("-issued_on", "source"))
    )
    return render(request, "portal/home.html", {"cities": cities})


@require_GET
def search(request):
    """The search box's target: the measure list, keeping the query."""
    url = reverse("policies:measure_list")
    query = request.GET.get("q", "").strip()
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@never_cache
@require_GET
def health(request):
    """For load balancers: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure makes the node unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})

import functools
import logging
from urllib.parse import urlencode

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST, require_safe

from policies import validity
from policies.models import City, Measure, PolicyDocument, Topic
from policies.views import COUNTS_SECONDS
from portal.context_processors import site_context
from portal.dates import today as portal_today
from portal.middleware import PRIVATE_PREFIXES
from portal.pagecache import TEXT_SIZE_COOKIE, cached_page, catalogue_revision

logger = logging.getLogger(__name__)

DEADLINE_WINDOW_DAYS = validity.ENDING_SOON_DAYS
HOME_DEADLINES = 8
HOME_DOCUMENTS = 6
TEXT_SIZES = {"large", "normal"}


def catalogue_counts(today):
    """Measures in force per city and per topic, for the home page.

    Counting them means reading the whole catalogue, so the counts are cached for a few
    minutes, keyed by the day and the catalogue's size and last import (a new import shows
    at once; an edit in the admin within ``COUNTS_SECONDS``)."""
    key = f"home-counts:{today.isoformat()}:{catalogue_revision()}"

    def count():
        in_force = Measure.objects.in_force(today)
        per_document = in_force.values_list("document_id").annotate(n=Count("pk")).order_by()
        city_of = dict(PolicyDocument.objects.order_by().values_list("pk", "city_id"))
        cities = {}
        for document_id, n in per_document:
            cities[city_of[document_id]] = cities.get(city_of[document_id], 0) + n
        topics = dict(
            Measure.topics.through.objects.filter(measure__in=in_force)
            .values_list("topic_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {"cities": cities, "topics": topics}

    return cache.get_or_set(key, count, COUNTS_SECONDS)


@require_GET
@cached_page
def home(request):
    today = portal_today()
    counts = catalogue_counts(today)
    cities = list(City.objects.all())
    for city in cities:
        city.in_force_count = counts["cities"].get(city.pk, 0)
    topics = list(Topic.objects.all())
    for topic in topics:
        topic.in_force_count = counts["topics"].get(topic.pk, 0)
    deadlines = (
        Measure.objects.with_status(validity.Status.ENDING_SOON, today)
        .select_related("document__city")
        .defer("document__source_text", "document__clean_text")
        .order_by("valid_until", "document_id", "position")[:HOME_DEADLINES]
    )
    documents = (
        PolicyDocument.objects.select_related("city")
        .defer("source_text", "clean_text")
        .order_by(F("issued_on").desc(nulls_last=True), "source")[:HOME_DOCUMENTS]
    )
    measures = reverse("policies:measure_list")
    return render(
        request,
        "portal/home.html",
        {
            "cities": cities,
            "topics": topics,
            "deadlines": deadlines,
            "deadline_window": DEADLINE_WINDOW_DAYS,
            # the full lists, through the measure list's own status filter
            "deadlines_url": f"{measures}?{urlencode({'status': validity.Status.ENDING_SOON.value})}",
            "in_force_url": f"{measures}?{urlencode({'status': validity.Status.IN_FORCE.value})}",
            "documents": documents,
            "today": today,
        },
    )


@require_GET
def search(request):
    """The search box's target: the measure list, keeping the query."""
    url = reverse("policies:measure_list")
    query = request.GET.get("q", "").strip()
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@csrf_exempt
@require_POST
def text_size(request):
    """The larger-text mode (适老化): a cookie that base.html reads; works without JavaScript.

    Exempt from CSRF: it sets a display preference in the visitor's own browser and nothing
    else — a forged request can only change the text size. Without a token its form needs no
    CSRF cookie, so a catalogue page from the page cache costs an anonymous reader no token."""
    size = request.POST.get("size")
    target = request.POST.get("next", "")
    # Only a path of this site: ``redirect("0")`` would look "0" up as a view name.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = HttpResponseRedirect(target)
    if size == "large":
        response.set_cookie(
            TEXT_SIZE_COOKIE,
            "large",
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    elif size in TEXT_SIZES:
        response.delete_cookie(TEXT_SIZE_COOKIE, samesite="Lax")
    return response


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


def server_error(request, template_name="500.html"):
    """``handler500``: the 500 page in the site's layout, with its identity.

    Django renders it without the request's context processors (they may be what failed), so
    ``site`` would be missing; it is given here explicitly, and nothing else that could fail
    again (no user, no session, no database). When even that page cannot be rendered, a line
    of plain text answers: this view never raises."""
    try:
        html = loader.get_template(template_name).render(site_context())
    except Exception:  # noqa: BLE001 - the error page must answer whatever went wrong
        logger.exception("The 500 page could not be rendered; answering in plain text.")
        return HttpResponseServerError(
            _("服务暂时出错，请稍后重试。"), content_type="text/plain; charset=utf-8"
        )
    return HttpResponseServerError(html)


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: Django's own page is in English and outside the layout."""
    return render(request, "403_csrf.html", status=403)


FAVICON = "favicon.ico"  # under static/


@functools.cache
def favicon_bytes() -> bytes:
    path = finders.find(FAVICON)
    if path is None:
        raise Http404
    with open(path, "rb") as file:
        return file.read()


@require_safe
@cache_control(public=True, max_age=24 * 3600)
def favicon(request):
    """``/favicon.ico``, which browsers and crawlers ask for whatever the page links to."""
    return HttpResponse(favicon_bytes(), content_type="image/x-icon")


# Paths no crawler should walk: the private parts (portal.middleware.PRIVATE_PREFIXES), the
# API (data for programs, not pages), a self-check's answers and results (each under its
# visitor's own token, below its start page), the search box's redirect and the health check.
# And any URL with a query: the measure list's filter and search combinations are endless,
# and every one of them is a page rendered afresh; the sitemaps list every page worth indexing
# instead. Named URLs, so that the rules follow the URL configuration.
ROBOTS_DISALLOWED_URLS = ("api:index", "eligibility:start", "search", "health")


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    """``/robots.txt``: what crawlers may walk, and where the sitemaps are."""
    allowed = [reverse("eligibility:start") + "$", reverse("sitemap").removesuffix(".xml")]
    disallowed = [*PRIVATE_PREFIXES, *(reverse(name) for name in ROBOTS_DISALLOWED_URLS), "/*?"]
    lines = ["User-agent: *"]
    lines += [f"Allow: {path}" for path in allowed]
    lines += [f"Disallow: {path}" for path in disallowed]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")

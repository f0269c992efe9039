"""The read-only JSON API under /api/v1/: documents and measures, for other government systems.

Plain ``JsonResponse`` views. Lists take the same filters as the measure list page
(``policies.filters``) and are paginated: ``?page=2&page_size=50`` (at most 100), answering
``{"count", "next", "previous", "results"}``. Bad parameters answer 400 with the errors.
"""

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.dates import today as portal_today
from portal.params import positive_int

from .export import document_as_dict, measure_as_dict
from .filters import DocumentFilter, MeasureFilter
from .models import Measure, PolicyDocument
from .views import DOCUMENT_TEXTS, MEASURE_DOCUMENT_TEXTS, PUBLIC_MEASURES, department_links

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
JSON_OPTIONS = {"ensure_ascii": False}


def json(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params=JSON_OPTIONS)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error(status, detail, errors=None):
    body = {"detail": detail}
    if errors:
        body["errors"] = errors
    return json(body, status=status)


def gone(request, row, noun):
    """404 for an id that never existed; 410 Gone for a retired document or measure (the
    importer no longer finds it in its source), with the reason and its page's URL."""
    if row is None:
        return error(404, f"没有这{'个' if noun == '文件' else '条'}{noun}。")
    body = {
        "detail": f"该{noun}已撤回：{row.retired_reason}",
        "id": row.pk,
        "retired": True,
        "retired_at": row.retired_at.isoformat(),
        "retired_reason": row.retired_reason,
        "url": request.build_absolute_uri(row.get_absolute_url()),
    }
    return json(body, status=410)


def document_data(document, request, today):
    return {
        "id": document.pk,
        **document_as_dict(document, today),
        "city_slug": document.city.slug,
        "measure_count": getattr(document, "measure_count", None),
        "url": request.build_absolute_uri(document.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:document", args=[document.pk])),
    }


def measure_data(measure, request, today):
    data = measure_as_dict(measure, today)
    return {
        "id": measure.pk,
        "document": measure.document.source,
        "document_id": measure.document_id,
        "document_title": measure.document.title,
        "city": measure.document.city.name,
        "province": measure.document.city.province,
        "path_key": measure.path_key,
        **data,
        "max_amount_yuan": measure.max_amount_yuan,
        "topics": [topic.name for topic in measure.topics.all()],
        "support_types": [support.name for support in measure.support_types.all()],
        "url": request.build_absolute_uri(measure.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:measure", args=[measure.pk])),
    }


def measures_for_api(queryset):
    return (
        queryset.select_related("document__city", "chapter", "eligibility_rule")
        .defer(*MEASURE_DOCUMENT_TEXTS)
        .prefetch_related("topics", "support_types", department_links())
    )


def _positive_int(value, default):
    if value in (None, ""):
        return default
    number = positive_int(value)
    if number is None:
        raise ValueError(value)
    return number


def paginated(request, queryset, serialize):
    """The page the request asks for, or an error response."""
    try:
        page_number = _positive_int(request.GET.get("page"), 1)
        page_size = _positive_int(request.GET.get("page_size"), DEFAULT_PAGE_SIZE)
    except ValueError:
        return error(400, "page 与 page_size 须为正整数。")
    if page_size > MAX_PAGE_SIZE:
        return error(400, f"page_size 不能超过 {MAX_PAGE_SIZE}。")
    paginator = Paginator(queryset, page_size)
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        return error(404, "没有这一页。")

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return json(
        {
            "count": paginator.count,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": [serialize(item) for item in page.object_list],
        }
    )


@require_GET
def document_list(request):
    filterset = DocumentFilter(
        request.GET,
        queryset=PolicyDocument.objects.select_related("city")
        .defer(*DOCUMENT_TEXTS)
        .annotate(measure_count=Count("measures", filter=PUBLIC_MEASURES))
        .order_by("city__code", "city__name", "-issued_on", "source"),
    )
    if not filterset.is_valid():
        return error(400, "筛选参数有误。", filterset.errors.get_json_data())
    today = portal_today()
    return paginated(request, filterset.qs, lambda d: document_data(d, request, today))


@require_GET
def document_detail(request, pk):
    document = (
        PolicyDocument.objects.select_related("city")
        .annotate(measure_count=Count("measures", filter=PUBLIC_MEASURES))
        .filter(pk=pk)
        .first()
    )
    if document is None:
        return gone(request, PolicyDocument.all_objects.filter(pk=pk).first(), "文件")
    today = portal_today()
    data = document_data(document, request, today)
    data["captured_on"] = document.captured_on.isoformat() if document.captured_on else None
    data["editorial_notes"] = [
        {"garbled": n.garbled, "correction": n.correction, "reason": n.reason}
        for n in document.editorial_notes.all()
    ]
    measures = measures_for_api(document.measures.public().order_by("position"))
    data["measures"] = [measure_data(m, request, today) for m in measures]
    data["as_of"] = today.isoformat()
    return json(data)


@require_GET
def measure_list(request):
    today = portal_today()
    filterset = MeasureFilter(request.GET, queryset=Measure.objects.all(), today=today)
    if not filterset.is_valid():
        return error(400, "筛选参数有误。", filterset.errors.get_json_data())
    return paginated(
        request, measures_for_api(filterset.qs), lambda m: measure_data(m, request, today)
    )


@require_GET
def measure_detail(request, pk):
    measure = measures_for_api(Measure.objects.filter(pk=pk)).first()
    if measure is None:
        return gone(request, Measure.all_objects.filter(pk=pk).first(), "措施")
    return json(measure_data(measure, request, portal_today()))

"""The read-only JSON API under /api/v1/: cities, documents and measures, for other government
systems. ``/api/v1/`` lists the endpoints (``ENDPOINTS``).

Plain ``JsonResponse`` views. Lists take the same filters as the measure list page
(``policies.filters``) and are paginated: ``?page=2&page_size=50`` (at most 100), answering
``{"count", "next", "previous", "results"}``. Bad parameters answer 400 with the errors;
anything not found answers 404 as JSON, a retired document or measure 410.

Public identifiers are stable: a city's slug ("anshan"), a document's slug ("anshan-2023",
``PolicyDocument.slug``), a measure's document slug and path ("anshan-2023/3.1",
``Measure.identifier``). The numeric ids work too. No answer names the source files.
"""

import django_filters
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, Q
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.dates import today as portal_today
from portal.params import positive_int

from .export import document_as_dict, measure_as_dict
from .filters import DocumentFilter, MeasureFilter
from .models import City, Measure, PolicyDocument
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


def document_api_url(request, document) -> str:
    return request.build_absolute_uri(reverse("api:document_by_slug", args=[document.slug]))


def measure_api_url(request, measure) -> str:
    return request.build_absolute_uri(
        reverse("api:measure_by_identifier", args=[measure.document.slug, measure.path_key])
    )


def document_data(document, request, today):
    return {
        "id": document.pk,
        **document_as_dict(document, today),
        "city_slug": document.city.slug,
        "measure_count": getattr(document, "measure_count", None),
        "url": request.build_absolute_uri(document.get_absolute_url()),
        "api_url": document_api_url(request, document),
    }


def measure_data(measure, request, today):
    data = measure_as_dict(measure, today)
    return {
        "id": measure.pk,
        "identifier": measure.identifier,
        "document": measure.document.slug,
        "document_id": measure.document_id,
        "document_title": measure.document.title,
        "city": measure.document.city.name,
        "city_slug": measure.document.city.slug,
        "province": measure.document.city.province,
        "path_key": measure.path_key,
        **data,
        "max_amount_yuan": measure.max_amount_yuan,
        "topics": [topic.name for topic in measure.topics.all()],
        "support_types": [support.name for support in measure.support_types.all()],
        "url": request.build_absolute_uri(measure.get_absolute_url()),
        "api_url": measure_api_url(request, measure),
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
    return document_answer(request, Q(pk=pk))


@require_GET
def document_by_slug(request, slug):
    return document_answer(request, Q(slug=slug))


def document_answer(request, which: Q):
    document = (
        PolicyDocument.objects.select_related("city")
        .annotate(measure_count=Count("measures", filter=PUBLIC_MEASURES))
        .filter(which)
        .first()
    )
    if document is None:
        return gone(request, PolicyDocument.all_objects.filter(which).first(), "文件")
    today = portal_today()
    data = document_data(document, request, today)
    data["captured_on"] = document.captured_on.isoformat() if document.captured_on else None
    data["editorial_notes"] = [
        {
            "measure": f"{document.slug}/{n.measure.path_key}" if n.measure else None,
            "kind": n.kind,
            "garbled": n.garbled,
            "correction": n.correction if n.kind != n.Kind.KEEP else None,
            "change": n.change,
            "reason": n.reason,
        }
        for n in document.editorial_notes.select_related("measure").order_by("pk")
    ]
    measures = list(measures_for_api(document.measures.public().order_by("position")))
    for measure in measures:
        measure.document = document
    data["measures"] = [measure_data(m, request, today) for m in measures]
    data["as_of"] = today.isoformat()
    return json(data)


@require_GET
def measure_list(request):
    today = portal_today()
    query = request.GET
    document = query.get("document", "").strip()
    if document and positive_int(document) is None:  # a document's slug: its id for the filter
        found = PolicyDocument.objects.filter(slug=document).values_list("pk", flat=True).first()
        if found is None:
            return error(400, "筛选参数有误。", {"document": [{"message": _("没有这个文件。")}]})
        query = query.copy()
        query["document"] = str(found)
    filterset = MeasureFilter(query, queryset=Measure.objects.all(), today=today)
    if not filterset.is_valid():
        return error(400, "筛选参数有误。", filterset.errors.get_json_data())
    return paginated(
        request, measures_for_api(filterset.qs), lambda m: measure_data(m, request, today)
    )


@require_GET
def measure_detail(request, pk):
    return measure_answer(request, Q(pk=pk))


@require_GET
def measure_by_identifier(request, slug, path_key):
    """A measure by its identifier, "anshan-2023/3.1": its document's slug and its path."""
    return measure_answer(request, Q(document__slug=slug, path_key=path_key))


def measure_answer(request, which: Q):
    measure = measures_for_api(Measure.objects.filter(which)).first()
    if measure is None:
        return gone(request, Measure.all_objects.filter(which).first(), "措施")
    return json(measure_data(measure, request, portal_today()))


def city_data(city, request):
    return {
        "slug": city.slug,
        "name": city.name,
        "province": city.province,
        "code": city.code,
        "document_count": getattr(city, "document_count", None),
        "url": request.build_absolute_uri(city.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:city", args=[city.slug])),
    }


def cities_with_counts():
    return City.objects.annotate(
        document_count=Count("documents", filter=Q(documents__retired_at__isnull=True))
    )


@require_GET
def city_list(request):
    return paginated(
        request, cities_with_counts().order_by("code", "name"), lambda c: city_data(c, request)
    )


@require_GET
def city_detail(request, slug):
    city = cities_with_counts().filter(slug=slug).first()
    if city is None:
        return error(404, _("没有这个城市。"))
    today = portal_today()
    documents = (
        PolicyDocument.objects.filter(city=city)
        .defer(*DOCUMENT_TEXTS)
        .annotate(measure_count=Count("measures", filter=PUBLIC_MEASURES))
        .order_by("-issued_on", "slug")
    )
    data = city_data(city, request)
    data["documents"] = []
    for document in documents:
        document.city = city
        data["documents"].append(document_data(document, request, today))
    return json(data)


def not_found(request, rest=""):
    """Any other URL under /api/v1/: 404 as JSON, pointing to the index (a URL that only
    lacks its final slash is redirected, as ``APPEND_SLASH`` does for pages)."""
    if not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    index_url = request.build_absolute_uri(reverse("api:index"))
    return error(404, _("没有这个接口或对象。可用的接口见 %(url)s") % {"url": index_url})


def paging() -> dict:
    return {
        "page": _("页码，从 1 开始"),
        "page_size": _("每页条数，默认 %(default)s，最多 %(most)s")
        % {"default": DEFAULT_PAGE_SIZE, "most": MAX_PAGE_SIZE},
    }


def filter_parameters(filterset_class) -> dict:
    """{parameter: its label, with its values where they are a fixed list} of a filter set."""
    parameters = {}
    for name, field in filterset_class.base_filters.items():
        label = str(field.label or name)
        choices = field.extra.get("choices")
        if choices and not callable(choices):
            label += "：" + "、".join(f"{value}（{text}）" for value, text in choices)
        elif "queryset" in field.extra:  # a row: by its slug, or its id
            label += _("（标识）") if field.extra.get("to_field_name") == "slug" else _("（编号）")
        elif isinstance(field, django_filters.BooleanFilter):
            label += _("：on")
        parameters[name] = label
    return parameters


def endpoints(example: dict) -> list[dict]:
    """The endpoints /api/v1/ lists: URL name, URL pattern, description, parameters, and the
    arguments and query of a working example (``example``: identifiers from the catalogue)."""
    paging_parameters = paging()
    measure_filters = {
        **filter_parameters(MeasureFilter),
        "document": _("政策文件：文件标识（如 anshan-2023）或数字编号"),
        **paging_parameters,
    }
    return [
        {
            "name": "cities",
            "path": "/api/v1/cities/",
            "description": _("城市列表（分页）：标识、名称、省份、行政区划代码、文件数。"),
            "parameters": paging_parameters,
            "args": [],
        },
        {
            "name": "city",
            "path": "/api/v1/cities/{city}/",
            "description": _("一个城市及其政策文件。"),
            "args": [example.get("city")],
        },
        {
            "name": "documents",
            "path": "/api/v1/documents/",
            "description": _("政策文件列表（分页），可按城市、发布状态、标题筛选。"),
            "parameters": {**filter_parameters(DocumentFilter), **paging_parameters},
            "args": [],
            "query": f"?city={example.get('city')}",
        },
        {
            "name": "document_by_slug",
            "path": "/api/v1/documents/{document}/",
            "description": _("一个政策文件（按文件标识）：元数据、时效、编者校注和全部措施。"),
            "args": [example.get("document")],
        },
        {
            "name": "document",
            "path": "/api/v1/documents/{id}/",
            "description": _("同上，按数字编号。"),
            "args": [example.get("document_id")],
        },
        {
            "name": "measures",
            "path": "/api/v1/measures/",
            "description": _("政策措施列表（分页），筛选条件与网站的措施列表相同。"),
            "parameters": measure_filters,
            "args": [],
            "query": f"?city={example.get('city')}&status=in_force&page_size=50",
        },
        {
            "name": "measure_by_identifier",
            "path": "/api/v1/measures/{document}/{path}/",
            "description": _("一条政策措施（按措施标识：文件标识/条目编号）。"),
            "args": [example.get("document"), example.get("path")],
        },
        {
            "name": "measure",
            "path": "/api/v1/measures/{id}/",
            "description": _("同上，按数字编号。"),
            "args": [example.get("measure_id")],
        },
    ]


@require_GET
def index(request):
    """What the API offers: each endpoint with its description, URL pattern, parameters and a
    working example (identifiers of the catalogue's first measure)."""
    measure = (
        Measure.objects.select_related("document__city")
        .defer(*MEASURE_DOCUMENT_TEXTS)
        .order_by("document__slug", "position")
        .first()
    )
    example = {}
    if measure is not None:
        example = {
            "city": measure.document.city.slug,
            "document": measure.document.slug,
            "document_id": measure.document_id,
            "path": measure.path_key,
            "measure_id": measure.pk,
        }
    listed = []
    for endpoint in endpoints(example):
        args, query = endpoint.pop("args"), endpoint.pop("query", "")
        endpoint.setdefault("parameters", {})
        endpoint["example"] = (
            request.build_absolute_uri(reverse(f"api:{endpoint['name']}", args=args) + query)
            if example or not args
            else None
        )
        listed.append(endpoint)
    return json(
        {
            "name": _("惠企政策服务门户 API"),
            "version": "v1",
            "description": _(
                "只读 JSON 接口：城市、政策文件和政策措施，数据与网站页面相同。列表分页"
                "（page、page_size），返回 count、next、previous、results；参数有误返回 400，"
                "不存在返回 404，已撤回的文件或措施返回 410（附撤回原因）。"
            ),
            "identifiers": {
                "city": _("城市标识，如 anshan"),
                "document": _(
                    "文件标识：城市标识-发布年份，如 anshan-2023；同一城市同一年的第二个文件"
                    "加序号（anshan-2023-2），年份不明的为“城市标识-undated”；一经设定不再改变"
                ),
                "measure": _("措施标识：文件标识/条目编号（条目编号以点分级），如 anshan-2023/3.1"),
            },
            "endpoints": listed,
        }
    )

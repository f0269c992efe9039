"""The statistics pages: the public one (``/statistics/``) and the staff one in the admin.

Both read ``applications.statistics`` (one computation, one definition of every figure);
the public page shows the disclosed tables only. Neither goes through the page cache, whose
key (the catalogue's revision, the day) does not follow the applications. The public
page's *tables* are cached instead (``public_tables``) under a key that changes with every
application event — every move of an application, and every amount with it, writes one — and
with the catalogue's revision (titles, departments, the holiday calendar); so a computation
over all applications runs once per change, not once per visitor, and a figure is never
stale. Either way the page costs a fixed number of queries (``tests/applications/``
``test_statistics.py`` and ``test_query_counts.py``).
"""

from django import forms
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from policies.formatting import format_yuan
from policies.models import City
from portal.dates import today as portal_today
from portal.pagecache import catalogue_revision

from . import statistics
from .charts import bar_chart
from .desk import queue_csv, xlsx
from .models import ApplicationEvent

TABLES_SECONDS = 24 * 3600  # the key changes with every event: this only bounds the memory


class FilterForm(forms.Form):
    city = forms.ChoiceField(label=gettext_lazy("城市"), required=False)
    year = forms.TypedChoiceField(
        label=gettext_lazy("受理年份"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data, cities, years):
        super().__init__(data)
        self.cities = {city.slug: city for city in cities}
        self.fields["city"].choices = [("", _("全部城市"))] + [
            (city.slug, city.name) for city in cities
        ]
        self.fields["year"].choices = [("", _("全部年份"))] + [
            (str(year), _("%(year)s年") % {"year": year}) for year in years
        ]

    def chosen(self):
        """(city or None, year or None): what is valid of the input; the rest is ignored
        (its error shows next to its field)."""
        if not self.is_bound:
            return None, None
        self.is_valid()
        data = self.cleaned_data
        return self.cities.get(data.get("city") or ""), data.get("year")


def _filters(request, years):
    cities = list(City.objects.filter(documents__isnull=False).distinct().order_by("name"))
    form = FilterForm(request.GET if request.GET else None, cities, years)
    return (form, *form.chosen())


def _charts(table):
    rows = table.chart_rows
    return [
        bar_chart(
            f"chart-{table.grouping}-received",
            _("%(title)s受理件数") % {"title": table.title},
            _("横条长度表示受理件数，数字见条形右侧和下表。"),
            [(row.label, row.received, str(row.received)) for row in rows],
        ),
        bar_chart(
            f"chart-{table.grouping}-paid",
            _("%(title)s拨付金额") % {"title": table.title},
            _("横条长度表示拨付金额，金额见条形右侧和下表。"),
            [(row.label, row.paid_yuan, format_yuan(row.paid_yuan)) for row in rows],
        ),
    ]


EXPORTS = ("csv", "xlsx")  # ?format=…&table=…: the table as a file
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# column widths of the Excel file: the row's name, then the eleven figures
XLSX_WIDTHS = (36, 8, 9, 9, 10, 16, 9, 16, 14, 14, 12, 12)


def _export_response(table, stem, kind):
    """The table as CSV (UTF-8 with a BOM) or as an Excel workbook: the same rows
    (``statistics.table_rows``), amounts as numbers to the fen."""
    stamp = portal_today().strftime("%Y%m%d")
    rows = statistics.table_rows(table)
    if kind == "xlsx":
        formats = dict.fromkeys(statistics.AMOUNT_COLUMNS, "#,##0.00")
        body = xlsx(rows, str(table.title), widths=XLSX_WIDTHS, number_formats=formats)
        response = HttpResponse(body, content_type=XLSX_TYPE)
    else:
        response = HttpResponse(queue_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{stem}-{table.grouping}-{stamp}.{kind}"'
    )
    return response


def _context(tables, request):
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    sections = []
    for table in tables.values():
        files = {}
        for kind in EXPORTS:
            file_query = query.copy()
            file_query["format"] = kind
            file_query["table"] = table.grouping
            files[kind] = file_query.urlencode()
        sections.append({"table": table, "charts": _charts(table), "files": files})
    return {
        "sections": sections,
        "overdue_definition": statistics.OVERDUE_DEFINITION,
        "suppressed_text": statistics.SUPPRESSED,
    }


def _table_or_404(tables, request):
    table = tables.get(request.GET.get("table", ""))
    if table is None:
        raise Http404
    return table


def public_tables(city, year):
    """``statistics.public_tables`` for the filters, from the cache when nothing changed."""
    events = ApplicationEvent.objects.aggregate(last=Max("pk"), count=Count("pk"))
    key = ":".join(
        str(part)
        for part in (
            "statistics-v1",
            events["last"],
            events["count"],
            catalogue_revision(),
            city.pk if city else "",
            year or "",
            statistics.min_enterprises(),
            statistics.dominance_percent(),
            get_language(),
        )
    )
    found = cache.get(key)
    if found is None:
        found = statistics.public_tables(year=year, city=city)
        cache.set(key, found, TABLES_SECONDS)
    return found


@require_safe
def public(request):
    """公开统计: aggregates only, small and dominated cells left out (``statistics.disclosed``)."""
    form, city, year = _filters(request, statistics.years_with_applications())
    tables, left_out = public_tables(city, year)
    if request.GET.get("format") in EXPORTS:
        return _export_response(_table_or_404(tables, request), "statistics", request.GET["format"])
    context = {
        "form": form,
        "left_out": left_out,
        "k": statistics.min_enterprises(),
        "p": statistics.dominance_percent(),
        **_context(tables, request),
    }
    return render(request, "applications/statistics.html", context)


def staff(model_admin, request):
    """The staff page in the admin: full figures for the user's department (all: superuser)."""
    from .services import staff_department

    if not model_admin.has_view_permission(request):
        raise Http404
    scope = model_admin.model.objects.visible_to_staff(request.user)
    form, city, year = _filters(request, statistics.years_with_applications(scope))
    tables = statistics.staff_tables(request.user, year=year, city=city)
    if request.GET.get("format") in EXPORTS:
        return _export_response(
            _table_or_404(tables, request), "statistics-staff", request.GET["format"]
        )
    department = staff_department(request.user)
    title = (
        _("%(department)s · 申报统计") % {"department": department}
        if department and not request.user.is_superuser
        else _("申报统计（全部部门）")
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "form": form,
        "department": department,
        **_context(tables, request),
    }
    return TemplateResponse(request, "admin/applications/application/statistics.html", context)

"""The public side of 公示: the notices (current and past, per city), a notice with its
entries and the objection form, and the thanks page. No login; objections are counted per
address (``portal.throttle``); an objector's contact details are never shown."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from policies.models import City
from policies.views import home_crumb
from portal import throttle
from portal.dates import today as portal_today
from portal.net import client_ip

from . import notices
from .models import Objection, PublicNotice
from .notice_forms import ObjectionForm

PAGE_SIZE = 20
SESSION_KEY = "notice_objections"  # the objections this browser raised (pks), for the thanks page
TOO_MANY = gettext_lazy("来自您所在网络的异议提交过于频繁，请一小时后再试。您填写的内容已保留。")


def _notices():
    return PublicNotice.objects.select_related(
        "measure__document__city", "department__city", "department__district"
    )


def list_crumb():
    return (_("资金公示"), reverse("notices:list"))


@require_GET
def notice_list(request):
    today = portal_today()
    cities = list(City.objects.all())
    slug = request.GET.get("city", "")
    city = next((c for c in cities if c.slug == slug), None)
    queryset = _notices().annotate(entry_count=Count("entries")).order_by("-starts_on", "-pk")
    if city is not None:
        queryset = queryset.filter(measure__document__city=city)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    for notice in page:
        notice.open_now = notice.is_open(today)
    return render(
        request,
        "notices/list.html",
        {
            "page": page,
            "cities": cities,
            "city": city,
            "today": today,
            "crumbs": [home_crumb(), (_("资金公示"), None)],
        },
    )


def _detail(request, notice, form, status=200, problem=None):
    today = portal_today()
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "entries": form.entries.values(),
            "form": form,
            "open": notice.is_open(today),
            "problem": problem,
            "answer_days": notices.OBJECTION_ANSWER_DAYS,
            "today": today,
            "crumbs": [home_crumb(), list_crumb(), (notice.title, None)],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def notice_detail(request, pk):
    notice = get_object_or_404(_notices(), pk=pk)
    entries = list(notice.entries.all())
    if request.method != "POST":
        return _detail(request, notice, ObjectionForm(notice=notice, entries=entries))
    form = ObjectionForm(request.POST, notice=notice, entries=entries)
    if not notice.is_open(portal_today()):
        return _detail(request, notice, form, 400, _("公示期已结束，不再受理异议。"))
    if not form.is_valid():
        return _detail(request, notice, form, 400)
    limit = settings.PORTAL_OBJECTION_PER_HOUR
    if not throttle.allow("objection", client_ip(request), limit):
        return _detail(request, notice, form, 429, TOO_MANY)
    try:
        objection = notices.raise_objection(
            notice,
            entry=form.entry_object(),
            name=form.cleaned_data["name"],
            contact=form.cleaned_data["contact"],
            text=form.cleaned_data["text"],
        )
    except notices.NoticeError as error:
        return _detail(request, notice, form, 400, str(error))
    raised = [int(p) for p in request.session.get(SESSION_KEY, []) if isinstance(p, int)][-9:]
    request.session[SESSION_KEY] = [*raised, objection.pk]
    return redirect("notices:objection_sent", pk=notice.pk)


@require_GET
def objection_sent(request, pk):
    """谢谢: when the department answers, for the objection this browser just raised."""
    notice = get_object_or_404(_notices(), pk=pk)
    mine = [int(p) for p in request.session.get(SESSION_KEY, []) if isinstance(p, int)]
    objection = (
        Objection.objects.filter(notice=notice, pk__in=mine).order_by("-pk").first()
        if mine
        else None
    )
    return render(
        request,
        "notices/objection_sent.html",
        {
            "notice": notice,
            "objection": objection,
            "answer_days": notices.OBJECTION_ANSWER_DAYS,
            "crumbs": [
                home_crumb(),
                list_crumb(),
                (notice.title, notice.get_absolute_url()),
                (_("异议已提交"), None),
            ],
        },
    )

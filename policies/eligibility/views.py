"""政策自测: choose a city, answer its questions, see (and keep) the result."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from policies.models import City, District
from portal.dates import today

from . import evaluator, services
from .forms import CityForm, QuestionnaireForm, as_of_from
from .models import SavedCheck


@require_GET
def start(request):
    form = CityForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("eligibility:questions", city=form.cleaned_data["city"].slug)
    return render(
        request,
        "eligibility/start.html",
        {"form": form, "crumbs": [(_("首页"), reverse("home")), (_("政策自测"), None)]},
    )


def _districts(city):
    return District.objects.filter(city=city).order_by("code", "name")


@require_http_methods(["GET", "POST"])
def questions(request, city):
    city = get_object_or_404(City, slug=city)
    data = request.POST if request.method == "POST" else request.GET
    chosen_day = as_of_from(data)
    day = chosen_day or today()
    measures = services.city_measures(city)
    asked = services.questions_for(measures, services.all_questions(), day)
    districts = _districts(city)
    if request.method == "POST":
        form = QuestionnaireForm(request.POST, questions=asked, districts=districts)
        if form.is_valid():
            check = services.save_check(
                city, form.cleaned_data.get("district"), form.answers(), form.cleaned_data["as_of"]
            )
            return redirect(check)
    else:
        initial = {"as_of": chosen_day}
        previous = request.GET.get("from")
        if previous:
            check = SavedCheck.objects.filter(token=previous, city=city).first()
            if check is not None:
                initial = QuestionnaireForm.initial_from(check.answers, asked)
                initial["as_of"] = chosen_day or check.as_of
                if check.district_id:
                    initial["district"] = str(check.district_id)
        form = QuestionnaireForm(initial=initial, questions=asked, districts=districts)
    return render(
        request,
        "eligibility/questions.html",
        {
            "city": city,
            "form": form,
            "question_count": len(asked),
            "measure_count": len(measures),
            "as_of": day,
            "crumbs": [
                (_("首页"), reverse("home")),
                (_("政策自测"), reverse("eligibility:start")),
                (city.name, None),
            ],
        },
    )


def _apply_base():
    """The applications app's start URL pattern, or None while it does not exist."""
    try:
        reverse("applications:start", args=[0])
    except NoReverseMatch:
        return None
    return True


def answer_text(question, value):
    if isinstance(value, bool):
        return "是" if value else "否"
    if question.type == question.Type.CHOICE:
        return dict(question.choices).get(value, value)
    if question.type == question.Type.MONEY_WAN:
        return f"{value}万元"
    return f"{value}{question.unit}"


@require_GET
def result(request, token):
    check = SavedCheck.objects.select_related("city", "district").filter(token=token).first()
    if check is None:
        raise Http404("no such check")
    chosen_day = as_of_from(request.GET)
    day = chosen_day or check.as_of or today()
    questions = services.all_questions()
    outcome = services.run_check(check.city, check.answers, day, questions=questions)
    edit_url = reverse("eligibility:questions", kwargs={"city": check.city.slug})
    edit_query = {"from": check.token}
    if chosen_day or check.as_of:
        edit_query["as_of"] = day.isoformat()
    edit_url = f"{edit_url}?{urlencode(edit_query)}"
    can_apply = _apply_base() is not None
    for entries in outcome.groups.values():
        for entry in entries:
            entry.missing_links = [
                (questions[key].label if key in questions else key, f"{edit_url}#id_{key}")
                for key in entry.result.missing
            ]
            if (
                can_apply
                and entry.result.group == evaluator.ELIGIBLE
                and not entry.measure.free_of_application
            ):
                url = reverse("applications:start", args=[entry.measure.pk])
                entry.apply_url = f"{url}?{urlencode({'check': check.token})}"
    answered = [
        (question, answer_text(question, check.answers[key]))
        for key, question in questions.items()
        if key in check.answers
    ]
    return render(
        request,
        "eligibility/result.html",
        {
            "check": check,
            "outcome": outcome,
            "summary": outcome.summary,
            "edit_url": edit_url,
            "answered": answered,
            "as_of": day,
            "as_of_chosen": bool(chosen_day or check.as_of),
            "share_url": request.build_absolute_uri(check.get_absolute_url()),
            "crumbs": [
                (_("首页"), reverse("home")),
                (_("政策自测"), reverse("eligibility:start")),
                (_("自测结果"), None),
            ],
        },
    )

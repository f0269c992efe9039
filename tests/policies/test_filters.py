"""The measure filters (policies.filters.MeasureFilter), as the list page and the API use them."""

import datetime
import html
import re

import pytest
from django.http import QueryDict

from policies.filters import MeasureFilter
from policies.models import Department, Measure
from policies.validity import FILTER_CHOICES as STATUSES
from tests.policies.synthetic import add_city, add_measures

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 1)


def synthetic():
    """Only the rows of these tests (the imported catalogue is in the database too)."""
    return Measure.objects.filter(document__source__startswith="synthetic_")


def run(query, today=TODAY):
    filterset = MeasureFilter(QueryDict(query), queryset=synthetic(), today=today)
    return filterset, list(filterset.qs)


@pytest.fixture
def rows():
    city_a, city_b = add_city(), add_city()
    valid = add_measures(3, city_a, deadline=datetime.date(2024, 12, 31))
    expired = add_measures(2, city_a, deadline=datetime.date(2024, 1, 31))
    continuing = add_measures(2, city_b, continuing=True)
    unknown = add_measures(2, city_b)
    draft = add_measures(1, city_b, status="draft", continuing=True)
    soon = add_measures(1, city_b, deadline=datetime.date(2024, 7, 15))
    later = add_measures(1, city_b, start=datetime.date(2024, 9, 1), continuing=True)
    return {
        "a": city_a,
        "b": city_b,
        "valid": valid,
        "expired": expired,
        "continuing": continuing,
        "unknown": unknown,
        "draft": draft,
        "soon": soon,
        "later": later,
    }


def pks(*documents):
    return {m.pk for d in documents for m in d.measures.all()}


def test_it_filters_by_city_slug(rows):
    _, found = run(f"city={rows['a'].slug}")
    assert {m.pk for m in found} == pks(rows["valid"], rows["expired"])


def test_it_filters_by_document(rows):
    _, found = run(f"document={rows['expired'].pk}")
    assert {m.pk for m in found} == pks(rows["expired"])


def test_it_filters_by_status_against_today(rows):
    found = {status: {m.pk for m in run(f"status={status}")[1]} for status, _ in STATUSES}
    # 有效 counts 即将到期 too, never 时效未明 or a draft's measures
    assert found["in_force"] == pks(rows["valid"], rows["continuing"], rows["soon"])
    assert found["ending_soon"] == pks(rows["soon"])
    assert found["expired"] == pks(rows["expired"])
    assert found["not_yet"] == pks(rows["later"])
    assert found["unknown"] == pks(rows["unknown"], rows["draft"])


def test_it_moves_a_measure_to_expired_when_today_passes_its_deadline(rows):
    _, later = run("status=expired", today=datetime.date(2025, 1, 1))
    assert {m.pk for m in later} == pks(rows["valid"], rows["expired"], rows["soon"])
    _, started = run("status=in_force", today=datetime.date(2024, 9, 1))
    assert pks(rows["later"]) <= {m.pk for m in started}


def test_it_filters_by_topic_support_type_and_department(rows):
    measure = rows["valid"].measures.first()
    topic = measure.topics.first()
    support = measure.support_types.first()
    department = measure.departments.first()
    for query, expected in [
        (f"topic={topic.slug}", set(synthetic().filter(topics=topic).values_list("pk", flat=True))),
        (
            f"support_type={support.slug}",
            set(synthetic().filter(support_types=support).values_list("pk", flat=True)),
        ),
        (
            f"department={department.pk}",
            set(synthetic().filter(departments=department).values_list("pk", flat=True)),
        ),
    ]:
        _, found = run(query)
        assert measure.pk in {m.pk for m in found}
        assert {m.pk for m in found} == expected
        assert len(found) == len(expected)  # no duplicates from the joins


def test_it_filters_measures_with_a_money_amount(rows):
    _, found = run("has_amount=on")
    assert found
    assert all(m.max_amount_yuan for m in found)
    assert len(found) == synthetic().exclude(max_amount_yuan=None).count()


def test_it_filters_free_of_application(rows):
    _, found = run("free_of_application=on")
    assert found
    assert all(m.free_of_application for m in found)
    _, unticked = run("free_of_application=")
    assert len(unticked) == synthetic().count()


def test_it_sorts_by_amount_highest_first_with_unknown_amounts_last(rows):
    Measure.objects.filter(pk=rows["unknown"].measures.first().pk).update(max_amount_yuan=5_000_000)
    _, found = run("sort=amount")
    amounts = [m.max_amount_yuan for m in found]
    known = [a for a in amounts if a is not None]
    assert amounts[0] == 5_000_000
    assert known == sorted(known, reverse=True)
    assert amounts[len(known) :] == [None] * (len(amounts) - len(known))


def test_it_sorts_by_document_date_newest_first(rows):
    _, found = run("sort=date")
    dates = [m.document.issued_on for m in found]
    assert dates == sorted(dates, reverse=True)


def test_it_ranks_search_results_by_relevance(rows):
    _, found = run("q=补贴")
    assert found
    ranks = [m.search_rank for m in found]
    assert ranks == sorted(ranks, reverse=True)
    assert all("补贴" in m.title + m.text for m in found)


def test_it_finds_the_same_measures_for_traditional_characters(rows):
    _, simplified = run("q=补贴")
    _, traditional = run("q=補貼")
    assert [m.pk for m in traditional] == [m.pk for m in simplified]


def test_it_combines_search_with_filters(rows):
    _, found = run(f"q=奖励&city={rows['a'].slug}&status=in_force")
    assert found
    assert {m.pk for m in found} <= pks(rows["valid"])


def test_it_reports_an_unknown_choice_in_chinese_and_ignores_it(rows):
    filterset, found = run("city=atlantis&status=in_force")
    assert "city" in filterset.errors
    assert "选择" in str(filterset.errors["city"])
    _, in_force = run("status=in_force")
    assert [m.pk for m in found] == [m.pk for m in in_force]


def offered(filterset, name) -> list[str]:
    """The values a list page's drop-down offers, as its HTML gives them."""
    widget = filterset.form.fields[name].widget
    return [html.unescape(v) for v in re.findall(r'<option value="([^"]*)"', widget.options_html)]


def test_it_offers_departments_and_documents_of_the_chosen_city(rows):
    filterset, _ = run(f"city={rows['a'].slug}")
    filterset.limit_long_choices()
    departments = offered(filterset, "department")
    city_departments = set(rows["valid"].measures.first().departments.values_list("pk", flat=True))
    assert {str(pk) for pk in city_departments} <= set(departments)
    assert all(
        d.city_id == rows["a"].pk
        for d in Department.objects.filter(pk__in=[int(k) for k in departments if k])
    )
    documents = {k for k in offered(filterset, "document") if k}
    assert documents == {str(rows["valid"].pk), str(rows["expired"].pk)}


def test_it_asks_for_a_city_first_when_there_are_too_many_choices(rows, monkeypatch):
    monkeypatch.setattr("policies.filters.CHOICE_LIMIT", 3)
    department = rows["valid"].measures.first().departments.first()
    filterset, found = run(f"department={department.pk}")
    filterset.limit_long_choices()
    assert offered(filterset, "department") == ["", str(department.pk)]
    assert "请先选择城市" in filterset.form.fields["department"].help_text
    assert found  # the filter still applies
    assert all(department in m.departments.all() for m in found)


# The city, topic and support type chosen, from the rows kept with the drop-downs' options.


def page_filterset(query):
    """A filter set as the list page makes one: its long choices limited, then validated."""
    filterset = MeasureFilter(QueryDict(query), queryset=synthetic(), today=TODAY)
    filterset.limit_long_choices()
    return filterset


def fields_of(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_the_chosen_city_topic_and_type_are_the_databases_rows_read_with_the_options(
    rows, django_assert_num_queries
):
    from policies.models import City, SupportType, Topic

    topic, support = Topic.objects.order_by("pk").last(), SupportType.objects.order_by("pk").last()
    query = f"city={rows['a'].slug}&topic={topic.slug}&support_type={support.slug}"
    page_filterset(query)  # the options and rows are now in the cache
    filterset = page_filterset(query)
    with django_assert_num_queries(0):
        assert filterset.is_valid()
    data = filterset.form.cleaned_data
    for name, model, expected in (
        ("city", City, rows["a"]),
        ("topic", Topic, topic),
        ("support_type", SupportType, support),
    ):
        assert type(data[name]) is model and not data[name].get_deferred_fields()
        assert fields_of(data[name]) == fields_of(model.objects.get(pk=expected.pk))
    # the filters then select as they did when the rows came from the database
    _, from_database = run(query)
    assert list(filterset.qs) == from_database


def test_a_value_not_among_the_rows_is_asked_of_the_database_and_refused_as_before(rows):
    from policies.models import Topic

    filterset = page_filterset("city=no-such-city&topic=no-such-topic")
    assert not filterset.is_valid()
    assert set(filterset.errors) == {"city", "topic"}
    assert "选择" in str(filterset.errors["city"]) and "选择" in str(filterset.errors["topic"])
    # a topic added since the rows were read: the catalogue's revision moved, so new rows
    new = Topic.objects.create(slug="t-new-topic", name="新主题", order=99)
    filterset = page_filterset(f"topic={new.slug}")
    assert filterset.is_valid() and filterset.form.cleaned_data["topic"] == new


def test_without_the_options_read_the_choice_is_read_from_the_database(
    rows, django_assert_num_queries
):
    """The JSON API renders no form: its filter set asks the database, one query a choice."""
    from policies.models import Topic

    topic = Topic.objects.order_by("pk").first()
    filterset = MeasureFilter(QueryDict(f"topic={topic.slug}"), queryset=synthetic(), today=TODAY)
    with django_assert_num_queries(1):
        assert filterset.is_valid()
    assert filterset.form.cleaned_data["topic"] == topic


def test_each_filter_set_has_filters_and_fields_of_its_own():
    """The form class is made once (``MeasureFilter.get_form_class``) and the filters are
    copied shallowly (``FilterCopies``): what one request sets on its filters, fields and
    widgets is never seen by another, and each method filter calls its own filter set."""
    one = MeasureFilter(QueryDict("q=补贴&city=anshan"), queryset=Measure.objects.all())
    two = MeasureFilter(QueryDict("q=贴息"), queryset=Measure.objects.all())
    assert one.get_form_class() is two.get_form_class()
    for name in MeasureFilter.base_filters:
        assert one.filters[name] is not two.filters[name]
        assert one.filters[name] is not MeasureFilter.base_filters[name]
        assert one.filters[name].parent is one and two.filters[name].parent is two
        assert one.form.fields[name] is not two.form.fields[name]
        assert one.form.fields[name].widget is not two.form.fields[name].widget
    # a method filter resolves its method on its own filter set
    assert one.filters["q"].filter.f is one.filters["q"]
    assert one.filters["q"].filter.method.__self__ is one
    assert two.filters["city"].filter.method.__self__ is two
    one.form.fields["city"].widget.options_html = "<option>x</option>"
    one.form.fields["document"].help_text = "仅此一处"
    assert two.form.fields["city"].widget.options_html is None
    assert two.form.fields["document"].help_text == ""
    assert one.form["q"].value() == "补贴" and two.form["q"].value() == "贴息"
    # the class's fields come styled, as every form's do
    assert 'type="search"' in str(two.form["q"]) and 'class="form-select"' in str(two.form["city"])

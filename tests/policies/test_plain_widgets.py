"""The list filter's widgets rendered in Python (policies/filters.py) print what Django's
template-rendered widgets print: the same tag, attributes and values, escaped the same way."""

import re
from html.parser import HTMLParser

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from policies.filters import (
    MeasureFilter,
    PlainCheckboxInput,
    PlainSelect,
    PlainTextInput,
    plain,
)

DJANGO_AND_PLAIN = [
    (forms.TextInput, PlainTextInput),
    (forms.CheckboxInput, PlainCheckboxInput),
]


def attributes(html: str) -> tuple[str, dict]:
    """The tag name and its attributes (order aside: Django's order is the dict's)."""
    match = re.fullmatch(r"<(\w+)((?:\s+[\w-]+(?:=\"[^\"]*\")?)*)\s*/?>", html.strip())
    assert match, html
    found = dict(re.findall(r"([\w-]+)(?:=\"([^\"]*)\")?", match.group(2)))
    return match.group(1), found


def both(django_class, plain_class, name, value, attrs):
    django_widget, plain_widget = django_class(attrs=dict(attrs)), plain_class(attrs=dict(attrs))
    return (
        django_widget.render(name, value, {"id": f"id_{name}"}),
        plain_widget.render(name, value, {"id": f"id_{name}"}),
    )


VALUES = [None, "", "补贴", 'a "quoted" <b>&amp; text', True, False, "on", 0, 42]
ATTRS = [
    {},
    {"class": "form-control", "maxlength": "100"},
    {"class": "form-check-input", "required": True, "aria-describedby": "x-help"},
    {"disabled": False, "data-x": '"<&>"'},
]


@pytest.mark.parametrize(("django_class", "plain_class"), DJANGO_AND_PLAIN)
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("attrs", ATTRS)
def test_a_plain_input_prints_what_djangos_prints(django_class, plain_class, value, attrs):
    django_html, plain_html = both(django_class, plain_class, "q", value, attrs)
    assert attributes(plain_html) == attributes(django_html)


@given(value=st.one_of(st.none(), st.text(max_size=30), st.booleans(), st.integers()))
def test_any_value_is_printed_as_django_prints_it(value):
    for django_class, plain_class in DJANGO_AND_PLAIN:
        django_html, plain_html = both(django_class, plain_class, "q", value, {"class": "c"})
        assert attributes(plain_html) == attributes(django_html)


def test_a_search_box_keeps_its_type():
    widget = forms.TextInput(attrs={"class": "form-control"})
    widget.input_type = "search"
    twin = plain(widget)
    assert type(twin) is PlainTextInput
    assert attributes(twin.render("q", "补贴"))[1]["type"] == "search"


@pytest.mark.django_db
def test_the_list_filter_renders_every_field_as_django_would():
    """The bound list form, errors and all: each field's widget printed by Python is the
    tag Django's own widget prints for it."""
    data = {"q": "补贴", "has_amount": "on", "status": "in_force", "city": "nowhere"}
    form = MeasureFilter(data).form
    assert form.errors  # an unknown city: the field carries aria-invalid
    rendered = 0
    for bound in form:
        twin = bound.field.widget
        if not isinstance(twin, PlainTextInput | PlainCheckboxInput):
            continue
        original = twin.__class__.__mro__[2](attrs=twin.attrs)
        if isinstance(twin, PlainTextInput):
            original.input_type = twin.input_type
        assert attributes(str(bound)) == attributes(bound.as_widget(widget=original))
        rendered += 1
    assert rendered == 3  # q, has_amount, free_of_application


class Elements(HTMLParser):
    """The elements of a fragment as (tag, attributes, text)."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append([tag, dict(attrs), ""])

    def handle_data(self, data):
        if self.found and data.strip():
            self.found[-1][2] += data.strip()


SELECT_CHOICES = [("", "全部城市"), ("anshan", "鞍山"), (3, 'A "quoted" <b> & name'), ("x&y", "x")]


@pytest.mark.parametrize("value", [None, "", "anshan", "3", 3, "x&y", "nowhere"])
@pytest.mark.parametrize("cached", [False, True])
def test_a_plain_drop_down_prints_what_djangos_prints(value, cached):
    django_select = forms.Select(attrs={"class": "form-select"}, choices=SELECT_CHOICES)
    select = PlainSelect(attrs={"class": "form-select"})
    if cached:  # the options from the list page's cache, none selected
        select.options_html = PlainSelect.render_options(SELECT_CHOICES)
    else:
        select.choices = SELECT_CHOICES
    django_html = django_select.render("city", value, {"id": "id_city"})
    plain_html = select.render("city", value, {"id": "id_city"})
    assert Elements(plain_html).found == Elements(django_html).found
    assert plain_html.count(" selected") == (value != "nowhere")


# A field of the filter form as a whole: label, widget, help text, errors (filters.field_html).


def flat(html) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


@pytest.mark.django_db
def test_a_field_with_its_label_help_and_error_as_written_by_hand(catalogue, monkeypatch):
    from django.http import QueryDict

    from policies.filters import MeasureFilter, field_html
    from policies.models import Measure

    monkeypatch.setattr("policies.filters.CHOICE_LIMIT", 1)  # the documents' help text shows
    filterset = MeasureFilter(
        QueryDict("q=" + "长" * 101 + "&has_amount=on&document=0"), queryset=Measure.objects.all()
    )
    filterset.limit_long_choices()
    assert not filterset.is_valid()
    form = filterset.form

    assert flat(field_html(form["q"])) == (
        '<div class="mb-3"><label class="form-label" for="id_q">关键词</label>'
        f'<input type="search" name="q" value="{"长" * 101}" maxlength="100" class="form-control" '
        'aria-invalid="true" aria-describedby="id_q_error" id="id_q">'
        '<div class="invalid-feedback d-block" id="id_q_error">'
        "确保该变量包含不超过 100 字符 (目前字符数 101)。</div></div>"
    )
    assert flat(field_html(form["has_amount"])) == (
        '<div class="form-check mb-2">'
        '<input type="checkbox" name="has_amount" class="form-check-input" id="id_has_amount" '
        "checked>"
        '<label class="form-check-label" for="id_has_amount">有明确支持金额</label></div>'
    )
    document = flat(field_html(form["document"]))
    assert document.startswith(
        '<div class="mb-3"><label class="form-label" for="id_document">政策文件</label><select '
    )
    assert document.endswith(
        '</select><div class="form-text" id="id_document_helptext">'
        "选项较多，请先选择城市并查询，再选择此项。</div>"
        '<div class="invalid-feedback d-block" id="id_document_error">'
        "选择一个有效的选项： 该选择不在可用的选项中。</div></div>"
    )
    # the drop-down names both for screen readers, by the ids they carry
    assert 'aria-describedby="id_document_helptext id_document_error"' in document

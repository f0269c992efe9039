"""The measure and document filters shared by the list pages and the JSON API.

Every filter is a GET parameter, so a result list can be bookmarked and shared:
``?q=补贴&city=anshan&topic=finance&status=in_force&has_amount=on&sort=amount&page=2``.
"""

import copy
import hashlib

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.dates import today as portal_today
from portal.pagecache import LocalCopies
from portal.params import positive_int

from . import validity
from .models import (
    City,
    Department,
    Measure,
    MeasureDepartment,
    MeasureFacet,
    PolicyDocument,
    SupportType,
    Topic,
)

CHOICE_LIMIT = 150  # at most this many departments or documents in a drop-down
# the lists of the filter form, per revision, city and selection (limit_long_choices)
_kept_choices = LocalCopies(256)


class Sort:
    RELEVANCE = "relevance"
    DATE = "date"
    AMOUNT = "amount"
    CHOICES = [
        (RELEVANCE, _("相关度")),
        (DATE, _("发布日期（新→旧）")),
        (AMOUNT, _("支持金额（高→低）")),
    ]


def documents_where(**conditions):
    """The ids of the documents meeting ``conditions``, as a subquery. Filtering measures
    through a join on the documents instead lets SQLite choose to scan that table, whose
    rows carry the full texts: 100 ms at 100,000 measures instead of a few."""
    return PolicyDocument.objects.filter(**conditions).values("id")


def search(queryset, query):
    """Filter to matches of ``query``, annotated with ``search_rank`` (higher is better)."""
    from policies.search import search_measures

    return search_measures(queryset, query)


class PlainSelect(forms.Select):
    """A drop-down rendered in Python: the template-per-option rendering of Django's widgets
    costs tens of milliseconds for the few hundred cities a national catalogue offers, and
    ``format_html`` per option still several (measured at 300 cities).

    ``options_html``, when set, is the options already rendered (``render_options``), none
    selected: the list page keeps them in the cache with its choices, and only marks the
    selected one: for the 300 cities of the bench's 100,000 measures, 18 µs instead of 580 µs
    (in-process, 2026-12-02)."""

    options_html = None

    @staticmethod
    def render_options(choices) -> str:
        return "".join(
            f'<option value="{escape(str(key))}">{conditional_escape(label)}</option>'
            for key, label in choices
        )

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        options = self.options_html
        if options is None:
            options = self.render_options(self.choices)
        # The values are distinct (ids, slugs, the empty choice), so this marks one option.
        mark = f'<option value="{escape("" if value is None else str(value))}">'
        options = options.replace(mark, f"{mark[:-1]} selected>", 1)
        attributes = " ".join(
            f'{escape(key)}="{conditional_escape(value)}"' for key, value in sorted(attrs.items())
        )
        return mark_safe(f'<select name="{escape(name)}" {attributes}>{options}</select>')


class PlainInputMixin:
    """An ``<input>`` rendered in Python: the attributes Django's widget works out
    (``get_context``: the value, ``checked``, ``required``, ``maxlength``, the ARIA links), put in
    a tag as ``django/forms/widgets/input.html`` and ``attrs.html`` put them. Through those
    templates the search box took 71 µs to render and a checkbox 64 µs; here 11 and 9 µs
    (in-process, 2026-12-02)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        tag = [
            f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(name)}"'
        ]
        if widget["value"] is not None:
            tag.append(f' value="{conditional_escape(str(widget["value"]))}"')
        for key, item in widget["attrs"].items():
            if item is True:
                tag.append(f" {conditional_escape(key)}")
            elif item is not False:
                tag.append(f' {conditional_escape(key)}="{conditional_escape(str(item))}"')
        return mark_safe("".join(tag) + ">")


class PlainTextInput(PlainInputMixin, forms.TextInput):
    pass


class PlainCheckboxInput(PlainInputMixin, forms.CheckboxInput):
    pass


def plain(widget):
    """``widget`` as its Python-rendered twin (same attributes, choices and test), if it has
    one: any drop-down, a plain text or search box, a plain checkbox."""
    if isinstance(widget, forms.Select):
        twin = PlainSelect(attrs=widget.attrs)
        twin.choices = widget.choices
        return twin
    if type(widget) is forms.CheckboxInput:
        return PlainCheckboxInput(attrs=widget.attrs, check_test=widget.check_test)
    if type(widget) is forms.TextInput:
        twin = PlainTextInput(attrs=widget.attrs)
        twin.input_type = widget.input_type
        return twin
    return widget


def field_html(field) -> str:
    """A field of the list's filter form (a ``BoundField``): a checkbox beside its label, any
    other widget under it; the help text and errors carry the ids the widget names in its
    ``aria-describedby`` (``id_q_helptext``, ``id_q_error``: the errors in one element, so the
    id is given once). Written here rather than in a template included once per field: the
    form's ten fields took 0.59 ms through ``partials/field.html``, here 0.39 ms (in-process,
    a first-asked list of the bench's 10,000 measures, 2026-12-03)."""
    widget = str(field)
    label = conditional_escape(field.label)
    target = conditional_escape(field.id_for_label)
    auto_id = conditional_escape(field.auto_id)
    errors = field.errors
    error = (
        f'\n  <div class="invalid-feedback d-block" id="{auto_id}_error">'
        f"{' '.join(conditional_escape(message) for message in errors)}</div>"
        if errors
        else ""
    )
    if getattr(field.field.widget, "input_type", None) == "checkbox":
        return mark_safe(
            f'<div class="form-check mb-2">\n  {widget}\n'
            f'  <label class="form-check-label" for="{target}">{label}</label>{error}\n</div>\n'
        )
    help_text = (
        f'\n  <div class="form-text" id="{auto_id}_helptext">'
        f"{conditional_escape(field.help_text)}</div>"
        if field.help_text
        else ""
    )
    return mark_safe(
        f'<div class="mb-3">\n  <label class="form-label" for="{target}">{label}</label>\n'
        f"  {widget}{help_text}{error}\n</div>\n"
    )


def style_form(form):
    """Bootstrap classes on the widgets, so templates can render ``{{ field }}`` as is."""
    for field in form.fields.values():
        widget = field.widget = plain(field.widget)
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = css
    form.fields["q"].widget.input_type = "search"
    form._styled = True


class VocabularyChoiceField(django_filters.fields.ModelChoiceField):
    """A drop-down of one of the catalogue's short lists (cities, topics, support types) that
    takes the chosen row from ``rows`` when it is there: ``{value: the row's field values}``,
    read with the list's options and kept in the cache with them
    (``MeasureFilter.limit_long_choices``). Otherwise, or with no ``rows`` (the JSON API),
    it asks the database, as Django's field does; so a value not in ``rows`` is refused as
    Django refuses it. Each such ``get()`` was a query of its own on every list page: without
    them a first-asked list took 10.62–11.11 ms instead of 10.95–11.73 (in-process, three
    alternating rounds of 300 pages, 2026-12-02)."""

    rows = None

    def to_python(self, value):
        if self.rows is not None and type(value) is str and value in self.rows:
            model = self.queryset.model
            return model.from_db(self.queryset.db, concrete_names(model), self.rows[value])
        return super().to_python(value)


class VocabularyChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = VocabularyChoiceField


def concrete_names(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


class CheckboxFilter(django_filters.BooleanFilter):
    """A box that narrows the list when ticked and does nothing when not."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return super().filter(qs, True)


def facet_rows(shape, values):
    """The ``MeasureFacet`` rows of a filtered list (``MeasureFilter.listing``), from its
    ``listing_shape()``: ``values`` holds the chosen ids (topic, support_type, city, document,
    department) and, with a status, ``today``."""
    _names, status, has_amount, free_of_application, by_amount = shape
    topic, support = values.get("topic"), values.get("support_type")
    if topic is not None:
        rows = MeasureFacet.objects.filter(kind=MeasureFacet.TOPIC, value=topic)
    elif support is not None:
        rows = MeasureFacet.objects.filter(kind=MeasureFacet.SUPPORT_TYPE, value=support)
    else:
        rows = MeasureFacet.objects.filter(kind=MeasureFacet.ALL, value=0)
    if topic is not None and support is not None:
        rows = rows.filter(
            Exists(
                Measure.support_types.through.objects.filter(
                    measure_id=OuterRef("measure_id"), supporttype_id=support
                )
            )
        )
    if "city" in values:
        rows = rows.filter(document_id__in=documents_where(city_id=values["city"]))
    if "document" in values:
        rows = rows.filter(document_id=values["document"])
    if "department" in values:
        rows = rows.filter(
            Exists(
                MeasureDepartment.objects.filter(
                    measure_id=OuterRef("measure_id"), department_id=values["department"]
                )
            )
        )
    if status:
        rows = rows.filter(validity.filter_q(status, values["today"]))
    if has_amount:
        rows = rows.filter(max_amount_yuan__isnull=False)
    if free_of_application:
        rows = rows.filter(free_of_application=True)
    if by_amount:
        return rows.order_by(
            F("max_amount_yuan").desc(nulls_last=True), "document_id", "position", "measure_id"
        )
    return rows.order_by("document_id", "position", "measure_id")


class FilterCopies(dict):
    """A filter set's ``base_filters``, whose copy for each new filter set (django-filter
    deep-copies them, querysets and all) is a shallow copy of each filter, with its own
    ``FilterMethod`` bound to it: a filter set only sets ``model`` and ``parent`` on its
    filters, and reads the rest."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, base in self.items():
            copied = copy.copy(base)
            if base.method is not None:
                copied.method = base.method  # a FilterMethod of its own, not the base's
            copies[name] = copied
        return copies


class MeasureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_query", max_length=100)
    city = VocabularyChoiceFilter(
        label=_("城市"),
        method="filter_city",
        to_field_name="slug",
        queryset=City.objects.all(),
        empty_label=_("全部城市"),
    )
    document = django_filters.ModelChoiceFilter(
        label=_("政策文件"),
        queryset=PolicyDocument.objects.select_related("city").defer("source_text", "clean_text"),
        empty_label=_("全部文件"),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("责任单位"),
        field_name="departments",
        queryset=Department.objects.select_related("city", "district__city"),
        empty_label=_("全部单位"),
    )
    topic = VocabularyChoiceFilter(
        label=_("主题"),
        field_name="topics",
        to_field_name="slug",
        queryset=Topic.objects.all(),
        empty_label=_("全部主题"),
    )
    support_type = VocabularyChoiceFilter(
        label=_("支持方式"),
        field_name="support_types",
        to_field_name="slug",
        queryset=SupportType.objects.all(),
        empty_label=_("全部方式"),
    )
    status = django_filters.ChoiceFilter(
        label=_("时效"),
        choices=validity.FILTER_CHOICES,
        method="filter_status",
        empty_label=_("全部状态"),
    )
    has_amount = CheckboxFilter(
        label=_("有明确支持金额"), field_name="max_amount_yuan", lookup_expr="isnull", exclude=True
    )
    free_of_application = CheckboxFilter(label=_("免申即享"), field_name="free_of_application")
    sort = django_filters.ChoiceFilter(
        label=_("排序"), choices=Sort.CHOICES, method="filter_sort", empty_label=_("默认顺序")
    )

    class Meta:
        model = Measure
        fields = []

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or portal_today()

    @property
    def query(self):
        """The search words, once the form is validated ("" when there are none)."""
        if not self.is_bound:
            return ""
        self.errors  # noqa: B018 - validates the form, filling cleaned_data
        return (self.form.cleaned_data.get("q") or "").strip()

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            style_form(form)
        return form

    _form_classes: dict = {}

    def get_form_class(self):
        """The form class, made once per process and language (django-filter makes one, with
        ten new fields, for every filter set), its widgets already styled (``style_form``):
        each form then only copies its fields, as every Django form does. With
        ``FilterCopies`` below, making a list's filter set and form took 0.37 ms instead of
        0.77 (in-process, medians of 1,000, 2026-12-03)."""
        key = (type(self), get_language())
        form_class = self._form_classes.get(key)
        if form_class is None:
            form_class = super().get_form_class()
            styled = form_class()
            style_form(styled)
            form_class.base_fields = styled.fields
            form_class._styled = True
            self._form_classes[key] = form_class
        return form_class

    def limit_long_choices(self):
        """The departments and documents a page's form offers (the API renders no form).

        Those of the chosen city, or all of them while there are few. A catalogue of every
        city in China has tens of thousands: then, until a city is chosen, only the selected
        one is listed. Validation still accepts any of them, so bookmarked and linked URLs
        keep working. Whether there are too many is asked first, of the ids alone: loading
        the first ``CHOICE_LIMIT`` rows to throw them away cost 15 ms a page.

        The lists are the same for every page asking with the same city (and selection) until
        the catalogue changes: they are kept in the cache under the catalogue's revision,
        rendered as options (``PlainSelect.options_html``), with the rows the city, topic
        and support type chosen are validated against (``VocabularyChoiceField``); and in
        this process's memory in front of it (``portal.pagecache.LocalCopies``), as pages
        are: a list page then makes no round trip to Redis for them. (With the local-memory
        cache of the bench, reading them cost 20–25 µs: 4–6 KB pickled, 10,000 measures.)"""
        from portal.pagecache import catalogue_revision

        form = self.form
        bound = self.is_bound
        slug = (self.data.get("city") or "").strip() if bound else ""
        selected = {
            name: (self.data.get(name) or "").strip() if bound else ""
            for name in ("department", "document")
        }
        key = (
            "list-choices:rows:"
            + hashlib.sha256(
                repr((catalogue_revision(self.request), slug, selected, get_language())).encode()
            ).hexdigest()
        )
        choices = _kept_choices.get_or_set(key, lambda: self._long_choices(slug, selected), 3600)
        for name, (options_html, too_many, rows) in choices.items():
            field = form.fields[name]
            field.widget.options_html = options_html
            if rows is not None:
                field.rows = rows
            if too_many:
                field.help_text = _("选项较多，请先选择城市并查询，再选择此项。")

    def _long_choices(self, slug, selected) -> dict:
        form = self.form
        choices = {}
        departments = Department.objects.select_related("city", "district__city")
        documents = PolicyDocument.objects.select_related("city").only("pk", "title", "city")
        if slug:
            departments = departments.filter(Q(city__slug=slug) | Q(district__city__slug=slug))
            documents = documents.filter(city__slug=slug)
        for name, queryset in (("department", departments), ("document", documents)):
            field = form.fields[name]
            too_many = queryset.order_by().values("pk")[CHOICE_LIMIT : CHOICE_LIMIT + 1].exists()
            if too_many:
                pk = positive_int(selected[name])
                rows = list(queryset.filter(pk=pk)) if pk is not None else []
            else:
                rows = list(queryset)
            options = [("", str(field.empty_label))] + [(row.pk, str(row)) for row in rows]
            choices[name] = (PlainSelect.render_options(options), too_many, None)
        # The short lists as (value, name) rows: model instances for 300 cities cost 3 ms.
        # With them the rows a choice is validated against (``VocabularyChoiceField``): every
        # topic and support type (a few dozen), and the city of the key, if there is one.
        for name in ("city", "topic", "support_type"):
            field = form.fields[name]
            names = concrete_names(field.queryset.model)
            value_at, name_at = names.index(field.to_field_name), names.index("name")
            if name == "city":
                options = list(field.queryset.values_list(field.to_field_name, "name"))
                chosen = field.queryset.filter(slug=slug) if slug else field.queryset.none()
                rows = list(chosen.values_list(*names))
            else:  # a few dozen: the rows give the options too
                rows = list(field.queryset.values_list(*names))
                options = [(row[value_at], row[name_at]) for row in rows]
            choices[name] = (
                PlainSelect.render_options([("", str(field.empty_label)), *options]),
                False,
                {row[value_at]: row for row in rows},
            )
        # and the fixed lists, whose labels are translated: the same in every such page
        for name in ("status", "sort"):
            widget = form.fields[name].widget
            choices[name] = (PlainSelect.render_options(widget.choices), False, None)
        return choices

    def filter_query(self, queryset, name, value):
        value = value.strip()
        return search(queryset, value) if value else queryset

    def filter_city(self, queryset, name, value):
        return queryset.filter(document_id__in=documents_where(city=value))

    def filter_status(self, queryset, name, value):
        return queryset.filter(validity.filter_q(value, self.today)) if value else queryset

    def filter_sort(self, queryset, name, value):
        # The sort is applied last, in ``filter_queryset``: it needs the search annotation.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort")
        searching = bool((self.form.cleaned_data.get("q") or "").strip())
        if sort == Sort.DATE:
            return queryset.order_by(
                F("document__issued_on").desc(nulls_last=True), "document_id", "position"
            )
        if sort == Sort.AMOUNT:
            return queryset.order_by(
                F("max_amount_yuan").desc(nulls_last=True), "document_id", "position"
            )
        if searching:
            from policies.search import order_by_rank

            return order_by_rank(queryset, self.form.cleaned_data.get("q"))
        return queryset.order_by("document_id", "position")

    def listing(self):
        """The filtered list as ``MeasureFacet`` rows, ordered as ``qs`` is (ties by measure
        id): ``values_list("measure_id")`` of them is a page's ids, and ``count()`` counts in
        the (kind, value, document, position, …) index alone. ``None`` when there are search
        words or the date sort (those go through ``qs``). Unfiltered (an unbound filter set, the
        list's first visit) it is every public measure in that same order.

        The rows read are those of the chosen topic, else of the chosen support type, else
        every public measure's (kind ``ALL``); the other filters are conditions on the copied
        columns (the period through ``validity.filter_q``, as on ``Measure``), a subquery on
        the city's documents, or an ``EXISTS`` on a link table for a second facet."""
        found = self.listing_shape()
        return None if found is None else facet_rows(*found)

    def listing_ids(self):
        """``listing().values_list("measure_id")`` as the list page reads it: its SQL
        compiled once per shape of the filters (``portal.compiled.CompiledList``), the
        chosen ids and today's date put in. Building and compiling the queries cost more
        than running them: a first-asked list page spent 1.4 ms on its ids and count through
        the ORM, 0.4 ms compiled (in-process, the bench's 10,000 measures, medians of 300
        pages, 2026-12-03, with the documents' status index of that day)."""
        from portal.compiled import CompiledList

        found = self.listing_shape()
        if found is None:
            return None
        shape, values = found
        return CompiledList(
            ("measure-listing", shape),
            lambda given: facet_rows(shape, given).values_list("measure_id"),
            values,
            MeasureFacet,
        )

    def listing_shape(self):
        """(shape, values) of ``listing()``: which filters and order (what decides the SQL),
        and the ids and the date the filters compare with. None as for ``listing()``."""
        if self.is_bound and self.errors:
            return None
        data = self.form.cleaned_data if self.is_bound else {}  # unbound: no filters
        if (data.get("q") or "").strip() or data.get("sort") == Sort.DATE:
            return None
        values = {}
        for name in ("topic", "support_type", "city", "document", "department"):
            if data.get(name) is not None:
                values[name] = data[name].pk
        if data.get("status"):
            values["today"] = self.today
        shape = (
            tuple(sorted(values)),
            data.get("status") or "",
            bool(data.get("has_amount")),
            bool(data.get("free_of_application")),
            data.get("sort") == Sort.AMOUNT,
        )
        return shape, values

    def searches_only(self):
        """Whether the search words are the only filter (sorting and paging aside): then the
        whole catalogue is searched, and ``policies.search.count_in_index`` can count."""
        if not self.is_bound or self.errors:
            return False
        data = self.form.cleaned_data
        return not any(data.get(name) for name in self.filters if name not in ("q", "sort"))

    def search_ids(self):
        """For a search of the whole catalogue by words the index tables answer (two or four
        characters), best first: (its (id, rank) rows, its matches' ids) as
        ``portal.compiled.CompiledList`` — the page's rows and the count — compiled once per
        shape (how many words, of which lengths), the words put in. ``None`` for any other
        search (``qs`` then): another filter, another order, a word of other length.
        A first-asked search page spent about 1.1 ms on its rows and count through the ORM,
        0.15 ms compiled (in-process, the bench's 10,000 measures, medians of 300 pages,
        2026-12-03)."""
        from policies.search import (
            indexed,
            matches_in_index,
            order_by_terms,
            query_terms,
            search_terms,
        )
        from portal.compiled import CompiledList

        if not self.searches_only() or self.form.cleaned_data.get("sort") not in (
            "",
            None,
            Sort.RELEVANCE,
        ):
            return None
        terms = query_terms(self.query)
        if not terms or not all(indexed(term) for term in terms):
            return None
        shape = tuple(len(term) for term in terms)
        values = {f"t{n}": term for n, term in enumerate(terms)}

        def given_terms(given):
            return [given[f"t{n}"] for n in range(len(shape))]

        def ranked(given):
            chosen = given_terms(given)
            found = search_terms(Measure.objects.all(), chosen)
            return order_by_terms(found, chosen).values_list("pk", "search_rank")

        return (
            CompiledList(("measure-search", shape), ranked, values, Measure),
            CompiledList(
                ("measure-search-count", shape),
                lambda given: matches_in_index(given_terms(given)),
                values,
                Measure,
            ),
        )


MeasureFilter.base_filters = FilterCopies(MeasureFilter.base_filters)


class DocumentFilter(django_filters.FilterSet):
    city = django_filters.ModelChoiceFilter(
        label=_("城市"),
        field_name="city",
        to_field_name="slug",
        queryset=City.objects.all(),
        empty_label=_("全部城市"),
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=PolicyDocument.Status.choices, empty_label=_("全部")
    )
    q = django_filters.CharFilter(label=_("标题"), method="filter_title", max_length=100)

    class Meta:
        model = PolicyDocument
        fields = []

    def filter_title(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        from policies.search import normalize_query

        value = normalize_query(value)
        return queryset.filter(Q(title__icontains=value) | Q(issuer__icontains=value))

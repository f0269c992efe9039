"""Public catalogue pages: measures (list, detail, compare), documents, cities, departments, topics.

Every page runs a constant number of queries however large the catalogue: lists are
paginated and their related rows come from ``select_related``/``prefetch_related``.
"""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.compiled import compiled
from portal.dates import today as portal_today
from portal.pagecache import PerRevision, cached_page, catalogue_revision
from portal.params import positive_int

from . import diffs
from .filters import MeasureFilter
from .formatting import excerpt
from .models import (
    PERIOD_FIELDS,
    City,
    Department,
    DepartmentContact,
    DocumentVersion,
    EditorialNote,
    Measure,
    MeasureDepartment,
    MeasureFacet,
    MeasureRevision,
    PolicyDocument,
    SupportType,
    Topic,
)

PAGE_SIZE = 20
COMPARE_MAX = 4
RELATED_MAX = 6
SNIPPET = 110  # characters of a measure's text shown in a result list
# Counting a document's or department's measures through the relation: the public ones only
# (``Measure.objects`` leaves retired measures out; a join or a relation does not).
PUBLIC_MEASURES = Q(measures__retired_at__isnull=True)


def department_links():
    """Prefetch a measure's responsible departments, in the document's order."""
    return Prefetch(
        "measuredepartment_set",
        queryset=MeasureDepartment.objects.select_related(
            "department__city", "department__district__city"
        ).order_by("position"),
        to_attr="department_links",
    )


# A document's full texts are large: pages showing its measures never load them.
DOCUMENT_TEXTS = ("source_text", "clean_text")
MEASURE_DOCUMENT_TEXTS = tuple(f"document__{field}" for field in DOCUMENT_TEXTS)


def similar_measures(
    measure,
    *,
    topic_id=None,
    support_types=None,
    other_city_than=None,
    excluding=(),
    limit=RELATED_MAX,
):
    """Up to ``limit`` measures like ``measure``: sharing its main topic (what it supports:
    the best-scoring one, linked first by ``taxonomy.assign_taxonomy``) and one of its
    support types (how), the generic 服务 aside unless it is its only one; optionally of
    other cities than the given one. The measure's main topic is ``topic_id`` (when the
    caller knows it), or else read with the rest; its support types are ``support_types``,
    or else its prefetched ``support_types``."""
    if support_types is None:
        support_types = measure.support_types.all()
    supports = [s.pk for s in support_types if s.slug not in GENERIC_SUPPORT]
    if not supports:
        supports = [s.pk for s in support_types]
    return sharing_topic(
        topic_id=topic_id,
        of_measure=measure.pk if topic_id is None else None,
        supports=supports,
        other_city_than=other_city_than,
        excluding=[measure.pk, *excluding],
        limit=limit,
    )


# The support type every measure that offers nothing else gets (taxonomy.toml's fallback).
GENERIC_SUPPORT = frozenset({"service"})


def sharing_topic(
    *,
    topic_id=None,
    of_measure=None,
    supports=None,
    other_city_than=None,
    excluding=(),
    limit=RELATED_MAX,
):
    """Up to ``limit`` public measures with the topic ``topic_id`` — or with the main topic
    (its first topic link) of the measure ``of_measure``: one of the two — and, when
    ``supports`` are given, one of those support types, optionally of other cities than the
    given one; by document (its id: the order documents were loaded in), then position in
    it, each with its document and city loaded (title, city name and slug: what a line shows).

    Read from the facet rows (``MeasureFacet``: one per public measure and topic, in that
    order in the index ``measurefacet_list``): the topic's rows are walked in order and each
    checked on its own (an EXISTS on the (measure, type) index, the city's few documents)
    until ``limit`` are found, so the cost stays flat however many measures share the topic;
    the lines' measures, documents and cities are then read by primary key for those few.
    One SQL statement, written out: building its predecessor (over the topic links joined to
    the measures) through the ORM cost ten times running it (8.3 against 0.8 ms in-process on
    the 10,000-measure bench catalogue). Over those links, PostgreSQL spent more
    planning than running it: 1.0–1.1 ms planning and 0.2 ms running, against 0.4 and
    0.15 ms for this one (EXPLAIN ANALYZE of a prepared statement, custom plans, warm
    session, the bench's 10,000 measures, 2026-12-03). The limit is written into the SQL, not
    passed as a parameter: with ``LIMIT $n`` PostgreSQL's generic plan assumed a tenth of the
    topic's rows, so it planned every execution afresh (custom plans, 0.45–0.52 ms each); with
    the number in the text it keeps the generic plan after five runs — the same plan, planned
    once (psql, PREPARE/EXECUTE at 100,000 measures, 2026-12-03: 0.8–1.7 ms an execution
    before, 0.21–0.23 ms after).
    ``tests/policies/test_related_measures.py`` checks it against a plain scan of the
    catalogue in Python."""
    if (topic_id is None) == (of_measure is None):
        raise TypeError("sharing_topic() takes topic_id or of_measure, one of the two")
    facets = MeasureFacet._meta.db_table
    links = Measure.topics.through._meta.db_table
    kinds = Measure.support_types.through._meta.db_table
    measures = Measure._meta.db_table
    documents = PolicyDocument._meta.db_table
    cities = City._meta.db_table
    where, params = [f"f.kind = {MeasureFacet.TOPIC}"], []
    if of_measure is not None:
        where.append(
            f"f.value = (SELECT t.topic_id FROM {links} t WHERE t.measure_id = %s "
            "ORDER BY t.id LIMIT 1)"
        )
        params.append(of_measure)
    else:
        where.append("f.value = %s")
        params.append(topic_id)
    excluding = list(excluding)
    if excluding:
        where.append(f"f.measure_id NOT IN ({', '.join(['%s'] * len(excluding))})")
        params += excluding
    if supports:
        supports = list(supports)
        where.append(
            f"EXISTS (SELECT 1 FROM {kinds} k WHERE k.measure_id = f.measure_id "
            f"AND k.supporttype_id IN ({', '.join(['%s'] * len(supports))}))"
        )
        params += supports
    if other_city_than is not None:
        # the city's few documents, not a join on the documents table
        where.append(
            f"f.document_id NOT IN (SELECT cd.id FROM {documents} cd WHERE cd.city_id = %s)"
        )
        params.append(other_city_than)
    sql = (
        "SELECT m.id, m.title, d.id, d.title, c.id, c.name, c.slug FROM "
        f"(SELECT f.measure_id, f.document_id, f.position FROM {facets} f "
        f"WHERE {' AND '.join(where)} "
        f"ORDER BY f.document_id, f.position, f.measure_id LIMIT {int(limit)}) r "
        f"JOIN {measures} m ON m.id = r.measure_id JOIN {documents} d ON d.id = r.document_id "
        f"JOIN {cities} c ON c.id = d.city_id ORDER BY r.document_id, r.position, r.measure_id"
    )
    alias = router.db_for_read(Measure)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for pk, title, document_id, document_title, city_id, city_name, city_slug in rows:
        # as .only() would load them: the other columns load on first use
        measure = Measure.from_db(alias, ["id", "document_id", "title"], [pk, document_id, title])
        document = PolicyDocument.from_db(
            alias, ["id", "city_id", "title"], [document_id, city_id, document_title]
        )
        document.city = City.from_db(alias, ["id", "name", "slug"], [city_id, city_name, city_slug])
        measure.document = document
        found.append(measure)
    return found


def paginate(request, queryset, per_page=PAGE_SIZE, count=None):
    """The requested page; ``count``, when the caller knows it more cheaply than a COUNT
    over ``queryset``, spares that query."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    return paginator.get_page(request.GET.get("page"))


COUNTS_SECONDS = 300


def topic_city_counts(topic) -> dict[int, int]:
    """city id → measures with the topic. Counted per document over the topic's links and
    summed per city here: grouping cities through a join on the documents would read that
    table, full texts and all."""
    per_document = dict(
        Measure.topics.through.objects.filter(topic=topic, measure__retired_at__isnull=True)
        .values_list("measure__document_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_city = {}
    documents = PolicyDocument.objects.filter(pk__in=list(per_document)).order_by()
    for document_id, city_id in documents.values_list("pk", "city_id"):
        per_city[city_id] = per_city.get(city_id, 0) + per_document[document_id]
    return per_city


def home_crumb():
    return (_("首页"), reverse("home"))


def measures_crumb():
    return (_("政策措施"), reverse("policies:measure_list"))


# What a result card shows (``policies.cards``) and a search's snippet reads, of a measure, its
# document and city. Read alone, the card's columns of twenty measures took 0.47 ms instead of
# the whole rows' 0.77 ms (in-process, twenty random ids of the bench's 10,000 measures,
# medians of 400 rounds, 2026-12-03): the rest holds four JSON columns decoded on every row.
CARD_FIELDS = (
    "title",
    "text",
    "path",
    "max_amount_yuan",
    "free_of_application",
    *PERIOD_FIELDS,
    "document__title",
    "document__status",
    "document__city__name",
    "document__city__slug",
)


def measures_with_city(ids):
    return Measure.objects.filter(pk__in=ids).select_related("document__city").order_by()


@compiled
def page_cards(*ids):
    return measures_with_city(ids).only(*CARD_FIELDS)


@compiled
def page_compared(*ids):
    # the comparison shows more of each measure than its card: whole rows but the texts
    return measures_with_city(ids).defer(*MEASURE_DOCUMENT_TEXTS)


def card_links(ids) -> list[tuple[int, int, int]]:
    """(measure id, topic or support type id, 0 for a topic or 1 for a support type) of the
    measures ``ids``: both link tables in one statement (one round trip to the database
    fewer on every page of cards), written out, as the tables' two indexes on (measure, …)
    answer it."""
    if not ids:
        return []
    topics = Measure.topics.through._meta
    supports = Measure.support_types.through._meta
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT measure_id, topic_id, 0 FROM {topics.db_table} WHERE measure_id IN ({marks}) "
        f"UNION ALL SELECT measure_id, supporttype_id, 1 FROM {supports.db_table} "
        f"WHERE measure_id IN ({marks})"
    )
    with connections[router.db_for_read(topics.model)].cursor() as cursor:
        cursor.execute(sql, [*ids, *ids])
        return cursor.fetchall()


# Every topic and every support type by id, in their own order (a few dozen rows): the cards
# of a page and a measure's page share them, read-only, instead of each loading its own
# copies (seventy instances a page of twenty cards).
vocabulary = PerRevision(
    lambda: (
        {topic.pk: topic for topic in Topic.objects.all()},
        {support.pk: support for support in SupportType.objects.all()},
    )
)

# Every department by id, with its city, or its district and the district's city (what its
# name and address are made of): the 责任单位 of a measure's page.
departments = PerRevision(
    lambda: {
        department.pk: department
        for department in Department.objects.select_related("city", "district__city")
    }
)


def list_cards(ids, *, revision=None, whole=False) -> dict:
    """The public measures among ``ids`` (a page's), by id, with what a result card shows
    (``policies.cards.card_html``): the document and city (joined, without the documents'
    full texts), and the topics and support types as plain lists, ``topic_list`` and
    ``support_list``, in the topics' and types' own order — the one way every page with cards
    reads them (lists, searches, topics, departments, the comparison). The topics and types
    are those of the catalogue's ``revision`` (``vocabulary``); only the links are read.

    Two queries: the measures', compiled once per process (``portal.compiled``) for a page of
    ``PAGE_SIZE`` ids, a shorter page padded with 0 (no measure's id), and their links
    (``card_links``): built through the ORM and the prefetch machinery on every page they
    cost 3.1 ms, compiled 1.2 ms (in-process, twenty random ids of the bench's 10,000
    measures, medians of six rounds, 2026-12-02).
    Unordered: the caller puts the cards in the page's order. A card reads only its columns
    (``CARD_FIELDS``); ``whole`` reads whole rows (the comparison's)."""
    cards = page_compared if whole else page_cards
    topics, support_types = vocabulary(revision)
    topic_order = {pk: n for n, pk in enumerate(topics)}
    support_order = {pk: n for n, pk in enumerate(support_types)}
    found = {}
    for start in range(0, len(ids), PAGE_SIZE):
        chunk = [int(pk) for pk in ids[start : start + PAGE_SIZE]]
        chunk += [0] * (PAGE_SIZE - len(chunk))
        measures = {measure.pk: measure for measure in cards(*chunk)}
        links = {pk: ([], []) for pk in measures}
        known = (topics, support_types)
        for measure_id, linked, kind in card_links(list(measures)):
            if measure_id in links and linked in known[kind]:
                links[measure_id][kind].append(linked)
        for pk, measure in measures.items():
            topic_ids, support_ids = links[pk]
            measure.topic_list = [topics[t] for t in sorted(topic_ids, key=topic_order.get)]
            measure.support_list = [
                support_types[t] for t in sorted(support_ids, key=support_order.get)
            ]
        found.update(measures)
    return found


def plain_rows(queryset) -> list[tuple]:
    """Every row of a ``values_list`` of integers (ids, ranks) as the database cursor gives
    them, without Django's per-value converters (of an integer: ``int()`` again).

    For a search with a longer term, whose every match's (id, rank) is read to count and
    sort them (专精特新 at the bench's 100,000 measures: 6,330 rows), the converters cost
    more than the rest of reading them: the page 26.7 → 25.1 ms (in-process, medians of
    eight alternating rounds, 2026-12-02).
    ``tests/policies/test_search_results.py`` compares these rows with the ORM's."""
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def card_page(request, ids, count=None):
    """The requested page of a list of cards, from a queryset of the measures' ids in the
    list's order (rows of one column): the page's ids read first, then their cards
    (``list_cards``), in that order."""
    page = paginate(request, ids, count=count)
    chosen = [row[0] for row in page.object_list]
    found = list_cards(chosen, revision=catalogue_revision(request))
    page.object_list = [found[pk] for pk in chosen if pk in found]
    return page


def result_page(request, filterset):
    """The requested page of a filtered list: the ids (and search ranks) of its measures first,
    in order, then those measures with what their cards show.

    Sorting and ranking thus handle ids and numbers, never whole rows. The count comes from
    the index tables when the search words are the only filter; a search with a term they
    do not hold (``policies.search.indexed``) ranks every match anyway, so its ids are all
    read at once and counted in Python rather than matched a second time by a COUNT."""
    from policies.search import count_in_index, indexed, query_terms

    query = filterset.query
    listing = filterset.listing_ids()
    if listing is not None:  # no search words: the facet rows' index, a page and a count
        page = card_page(request, listing)
        for measure in page.object_list:
            measure.search_rank = 0
        return page
    searched = filterset.search_ids() if query else None
    if searched is not None:  # words of the index tables only: compiled, a page and a count
        rows, matches = searched
        count = matches.count()
    else:
        queryset = filterset.qs
        rows = queryset.values_list("pk", "search_rank") if query else queryset.values_list("pk")
        count = None
        if query and filterset.searches_only():
            count = count_in_index(query)
        if count is None and query and not all(indexed(term) for term in query_terms(query)):
            rows = plain_rows(rows)
            count = len(rows)
    page = paginate(request, rows, count=count)
    ranks = {row[0]: row[1] if query else 0 for row in page.object_list}
    found = list_cards(list(ranks), revision=catalogue_revision(request))
    page.object_list = [found[pk] for pk in ranks if pk in found]
    for measure in page.object_list:
        measure.search_rank = ranks[measure.pk]
    return page


@require_GET
def measure_list(request):
    today = portal_today()
    filterset = MeasureFilter(
        request.GET or None, queryset=Measure.objects.all(), today=today, request=request
    )
    filterset.limit_long_choices()
    query = filterset.query
    page = result_page(request, filterset)
    from policies.search import highlight, normalize_query

    terms = normalize_query(query).split()
    results = [
        {
            "measure": measure,
            "title": highlight(measure.title, query),
            "snippet": highlight(excerpt(measure.text, terms, SNIPPET), query),
        }
        for measure in page
    ]
    return render(
        request,
        "policies/measure_list.html",
        {
            "filter": filterset,
            "page": page,
            "results": results,
            "query": query,
            "active_filters": sum(
                1 for name, value in request.GET.items() if value and name not in ("q", "page")
            ),
            "today": today,
            "crumbs": [home_crumb(), (_("政策措施"), None)],
        },
    )


@compiled
def page_measure(pk):
    # every measure, retired ones too: its URL keeps answering, saying so (已撤回); with its
    # intake (applications.Intake, one-to-one), which the page's 申报 panel shows
    # (applications.workflow.takes_applications): a join instead of a query of its own
    return (
        Measure.all_objects.select_related("document__city", "chapter", "intake")
        .defer(*MEASURE_DOCUMENT_TEXTS)
        .filter(pk=pk)
    )


def measure_links(pk) -> list[tuple[int, int, int, int]]:
    """What a measure's page shows of the rows linked to the measure ``pk``, in one
    statement (written out: one round trip to the database instead of four, each costing
    PostgreSQL and the worker more than the row it reads): (0, topic id, link id, 0) for
    each topic, (1, support type id, link id, 0) for each support type, (2, department id,
    link id, position) for each responsible department, and (3, note id, note id, 0) for
    each editorial note."""
    topics = Measure.topics.through._meta.db_table
    supports = Measure.support_types.through._meta.db_table
    sql = (
        f"SELECT 0, topic_id, id, 0 FROM {topics} WHERE measure_id = %s "
        f"UNION ALL SELECT 1, supporttype_id, id, 0 FROM {supports} WHERE measure_id = %s "
        f"UNION ALL SELECT 2, department_id, id, position FROM "
        f"{MeasureDepartment._meta.db_table} WHERE measure_id = %s "
        f"UNION ALL SELECT 3, id, id, 0 FROM {EditorialNote._meta.db_table} "
        "WHERE measure_id = %s"
    )
    with connections[router.db_for_read(Measure)].cursor() as cursor:
        cursor.execute(sql, [pk] * 4)
        return cursor.fetchall()


@compiled
def measure_notes(pk):
    return EditorialNote.objects.filter(measure=pk).order_by("pk")


def measure_page_data(pk, revision=None) -> dict:
    """What a measure's page shows: the measure with its document, chapter; its topics,
    support types, departments and notes; related measures of other cities; the crumbs.

    Three statements on the measure's id rather than a ``prefetch_related`` of the measure
    (on a page about one measure the prefetch machinery cost more than the queries it ran):
    the measure (compiled once, ``portal.compiled``), its links (``measure_links``) and its
    related measures (``similar_measures``); the topics, support types and departments
    themselves are the catalogue ``revision``'s, shared by the process (``vocabulary``,
    ``departments``), and the notes are read only for a measure that has some."""
    found = page_measure(pk)
    if not found:
        raise Http404
    measure = found[0]
    topic_rows, support_rows = vocabulary(revision)
    topic_links, support_links, department_rows, has_notes = {}, {}, [], False
    for kind, ref, link, position in measure_links(pk):
        if kind == 0:
            topic_links[ref] = link
        elif kind == 1:
            support_links[ref] = link
        elif kind == 2:
            department_rows.append((position, link, ref))
        else:
            has_notes = True
    topics = [topic for topic_id, topic in topic_rows.items() if topic_id in topic_links]
    support_types = [
        support for support_id, support in support_rows.items() if support_id in support_links
    ]
    known = departments(revision) if department_rows else {}
    if any(department_id not in known for _, _, department_id in department_rows):
        known = departments()  # added since the revision was read: read them now
    measure.department_links = []
    for position, link, department_id in sorted(department_rows):
        department_link = MeasureDepartment(
            id=link, measure_id=pk, department_id=department_id, position=position
        )
        department_link.department = known[department_id]
        measure.department_links.append(department_link)
    notes = measure_notes(pk) if has_notes else []
    try:
        intake = measure.intake  # joined: no query
    except Measure.intake.RelatedObjectDoesNotExist:
        intake = None
    document = measure.document
    revisions = []
    if document.version > 1:  # only a revised document's measures have revisions to read
        revisions = list(MeasureRevision.objects.filter(measure=measure).order_by("-version"))
    for version in revisions:
        version.changes = diffs.changes(version.before, version.after)
    related = []
    if topics:
        # its main topic: linked first (``taxonomy.assign_taxonomy`` links the best first)
        related = similar_measures(
            measure,
            topic_id=min(topic_links, key=topic_links.get),
            support_types=support_types,
            other_city_than=document.city_id,
        )
    return {
        "measure": measure,
        "document": document,
        "topics": topics,
        "support_types": support_types,
        "notes": notes,
        "intake": intake,
        "revisions": revisions,
        "related": related,
        "crumbs": [
            home_crumb(),
            (document.city.name, document.city.get_absolute_url()),
            (document.title, document.get_absolute_url()),
            (f"{measure.path_label}. {measure.title}", None),
        ],
    }


@require_GET
@cached_page
def measure_detail(request, pk):
    """A measure's page (stored whole by the page cache, ``portal.pagecache``)."""
    return render(
        request,
        "policies/measure_detail.html",
        {**measure_page_data(pk, catalogue_revision(request)), "today": portal_today()},
    )


def preamble(document, measures) -> str:
    """The cleaned text before the first chapter or measure: the notice and the preface."""
    if not measures:
        return ""
    first = measures[0]
    marker = first.chapter.title if first.chapter_id else first.title
    found = document.clean_text.find(marker) if marker else -1
    if found <= 0:
        return ""
    line_start = document.clean_text.rfind("\n", 0, found)
    return document.clean_text[: max(line_start, 0)].strip()


def note_marker(number: int):
    """The mark at the place a note corrects, linking to the note (which links back)."""
    return format_html(
        '<sup class="note-ref" id="note-ref-{}"><a href="#note-{}" role="doc-noteref">{}</a></sup>',
        number,
        number,
        _("校注%(n)s") % {"n": number},
    )


def note_markers(numbers) -> str:
    return mark_safe("".join(str(note_marker(number)) for number in numbers))


def marked_text(text: str, marks: list[tuple[str, int]]):
    """``text``, escaped, with each (anchor, note number) of ``marks`` marked right after
    the first occurrence of its anchor; returns it and the marks whose anchor it lacks."""
    text = text or ""
    placed, missing = [], []
    for anchor, number in marks:
        found = text.find(anchor) if anchor else -1
        if found < 0:
            missing.append((anchor, number))
        else:
            placed.append((found + len(anchor), number))
    parts, start = [], 0
    for at, number in sorted(placed):
        parts += [escape(text[start:at]), str(note_marker(number))]
        start = at
    parts.append(escape(text[start:]))
    return mark_safe("".join(parts)), missing


def place_notes(notes, measures, blocks: dict) -> None:
    """Number the notes in the order of the text and mark each at its place: in its
    measure's text, 办理方式 or 责任单位 line (``measure.text_html``, ``handling_html``,
    ``department_marks``), or, without a measure, in the text before or after the measures
    (``blocks``: "preamble" and "closing", replaced by their marked HTML). A note whose
    anchor is not found is marked at the end of its measure's (or the preamble's) text."""
    by_measure: dict[int | None, list] = {}
    for number, note in enumerate(notes, start=1):
        note.number = number
        by_measure.setdefault(note.measure_id, []).append((note.anchor, number))
    shown = {measure.pk for measure in measures}
    for note in notes:
        note.placed = note.measure_id is None or note.measure_id in shown
    for measure in measures:
        marks = by_measure.get(measure.pk, [])
        measure.text_html, marks = marked_text(measure.text, marks)
        measure.handling_html, marks = marked_text(measure.handling, marks)
        if measure.department_links:
            measure.department_marks = note_markers(number for _, number in marks)
        elif marks:
            measure.text_html += note_markers(number for _, number in marks)
    marks = by_measure.get(None, [])
    blocks["preamble"], marks = marked_text(blocks["preamble"], marks)
    blocks["closing"], marks = marked_text(blocks["closing"], marks)
    if marks:
        key = "preamble" if blocks["preamble"] else "closing"
        blocks[key] += note_markers(number for _, number in marks)


def table_of_contents(measures) -> list[dict]:
    """The document's chapters in order, each with its measures (one group with no chapter
    for a document without chapters)."""
    groups: list[dict] = []
    for measure in measures:
        if not groups or groups[-1]["chapter_id"] != measure.chapter_id:
            groups.append(
                {"chapter_id": measure.chapter_id, "chapter": measure.chapter, "measures": []}
            )
        groups[-1]["measures"].append(measure)
    return groups


@require_GET
@cached_page
def document_detail(request, pk):
    # a retired document's page keeps answering, saying so; it lists its public measures
    document = get_object_or_404(
        PolicyDocument.all_objects.select_related("city", "published_by"), pk=pk
    )
    today = portal_today()
    view = "source" if request.GET.get("view") == "source" else "clean"
    versions = []
    if document.version > 1:  # a document never revised has no earlier versions to list
        versions = list(
            document.versions.order_by("-number").only(
                "document_id", "number", "title", "issued_on", "superseded_at"
            )
        )
    if view == "clean":
        measures = list(
            document.measures.public()
            .select_related("chapter")
            .prefetch_related(department_links())
            .order_by("position")
        )
        for measure in measures:
            measure.document = document
        measure_count = len(measures)
    else:
        measures = []
        measure_count = document.measures.public().count()
    notes = list(EditorialNote.objects.filter(document=document).order_by("pk"))
    blocks = {"preamble": preamble(document, measures), "closing": document.closing_text}
    if view == "clean":
        place_notes(notes, measures, blocks)
    else:
        for number, note in enumerate(notes, start=1):
            note.number, note.placed = number, False
    by_pk = {measure.pk: measure for measure in measures}
    for note in notes:
        note.shown_measure = by_pk.get(note.measure_id)
    return render(
        request,
        "policies/document_detail.html",
        {
            "document": document,
            "measures": measures,
            "toc": table_of_contents(measures),
            "measure_count": measure_count,
            "has_chapters": any(measure.chapter_id for measure in measures),
            "preamble": blocks["preamble"],
            "closing": blocks["closing"],
            "notes": notes,
            "view": view,
            "versions": versions,
            "today": today,
            "document_status": document.validity_status(today),
            "crumbs": [
                home_crumb(),
                (document.city.name, document.city.get_absolute_url()),
                (document.title, None),
            ],
        },
    )


@require_GET
@cached_page
def document_version(request, pk, number):
    """An earlier version of a document, as it was: its text and measures, and what replaced it."""
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document__city"), document_id=pk, number=number
    )
    document = version.document
    return render(
        request,
        "policies/document_version.html",
        {
            "version": version,
            "document": document,
            "crumbs": [
                home_crumb(),
                (document.city.name, document.city.get_absolute_url()),
                (document.title, document.get_absolute_url()),
                (_("第%(n)s版") % {"n": version.number}, None),
            ],
        },
    )


@require_GET
def document_source_file(request, pk):
    """The file a department published, as uploaded (provenance); 404 when there is none."""
    document = get_object_or_404(PolicyDocument.all_objects, pk=pk)
    if not document.source_file:
        raise Http404
    try:
        handle = document.source_file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=document.source_filename or None)


@require_GET
@cached_page
def city_detail(request, slug):
    city = get_object_or_404(City, slug=slug)
    today = portal_today()
    documents = list(
        city.documents.public()
        .defer(*DOCUMENT_TEXTS)
        .annotate(measure_count=Count("measures", filter=PUBLIC_MEASURES))
        .prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.select_related("chapter")
                .only("pk", "document_id", "chapter", "path", "path_key", "position", "title")
                .order_by("position"),
            )
        )
    )
    for document in documents:
        document.toc = table_of_contents(document.measures.all())
    departments = (
        Department.objects.filter(city=city)
        .select_related("district")
        .annotate(measure_count=Count("measures", filter=PUBLIC_MEASURES))
        .filter(measure_count__gt=0)
        .order_by("-measure_count", "name")
    )
    return render(
        request,
        "policies/city_detail.html",
        {
            "city": city,
            "documents": documents,
            "departments": departments,
            "in_force_count": Measure.objects.in_force(today).filter(document__city=city).count(),
            "today": today,
            "crumbs": [home_crumb(), (city.name, None)],
        },
    )


def tel_href(number: str, area_code: str = "") -> str:
    """A ``tel:`` URI (RFC 3966) for a number as the documents write it: a mobile number
    (13804121007) or one with its area code (0412-5899860) as is, a local one (5899860)
    with the city's area code, all with +86."""
    digits = re.sub(r"\D", "", number)
    if re.fullmatch(r"1\d{10}", digits):
        return f"tel:+86-{digits}"
    area = re.match(r"0(\d{2,3})-(\d{7,8})$", number.strip())
    if area:
        return f"tel:+86-{area.group(1)}-{area.group(2)}"
    if area_code and len(digits) in (7, 8):
        return f"tel:+86-{area_code.lstrip('0')}-{digits}"
    return f"tel:{digits}"


def phone_links(text: str, area_code: str = ""):
    """``text`` (numbers as the documents or staff write them), escaped, each number a
    ``tel:`` link."""
    from .importer.fields import PHONE

    parts, start = [], 0
    for match in PHONE.finditer(text or ""):
        parts.append(escape(text[start : match.start()]))
        parts.append(
            str(
                format_html(
                    '<a href="{}">{}</a>', tel_href(match.group(0), area_code), match.group(0)
                )
            )
        )
        start = match.end()
    parts.append(escape((text or "")[start:]))
    return mark_safe("".join(parts))


def contacts_by_office(department) -> list[dict]:
    """The department's contact persons named by public measures, grouped by office in order
    of first mention, each with its phones linked and its measures (``public_measures``).
    One query: the links between contacts and measures, with both (a contact no public
    measure names any more has no link to show, and is left out)."""
    area_code = department.city.phone_area_code if department.city_id else ""
    links = (
        DepartmentContact.measures.through.objects.filter(
            departmentcontact__department=department, measure__retired_at__isnull=True
        )
        .select_related("departmentcontact", "measure__document")
        .defer(*(f"measure__{field}" for field in MEASURE_DOCUMENT_TEXTS))
        .order_by("departmentcontact__position", "measure__document__source", "measure__position")
    )
    contacts: dict[int, DepartmentContact] = {}
    for link in links:
        contact = contacts.setdefault(link.departmentcontact_id, link.departmentcontact)
        if not hasattr(contact, "public_measures"):
            contact.public_measures = []
            contact.phone_links = [
                (phone, tel_href(phone, area_code)) for phone in contact.phones or []
            ]
        contact.public_measures.append(link.measure)
    offices: dict[str, dict] = {}
    for contact in contacts.values():
        group = offices.setdefault(contact.office, {"office": contact.office, "contacts": []})
        group["contacts"].append(contact)
    return list(offices.values())


@require_GET
@cached_page
def department_detail(request, pk):
    department = get_object_or_404(
        Department.objects.select_related("city", "district__city"), pk=pk
    )
    measures = Measure.objects.filter(departments=department).order_by("document_id", "position")
    crumbs = [home_crumb()]
    if department.city_id:
        crumbs.append((department.city.name, department.city.get_absolute_url()))
    crumbs.append((str(department), None))
    area_code = department.city.phone_area_code if department.city_id else ""
    return render(
        request,
        "policies/department_detail.html",
        {
            "department": department,
            "phone_html": phone_links(department.phone, area_code),
            "offices": contacts_by_office(department),
            "page": card_page(request, measures.values_list("pk")),
            "today": portal_today(),
            "crumbs": crumbs,
        },
    )


@require_GET
@cached_page
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    today = portal_today()
    measures = topic.measures.public().order_by("document_id", "position")
    page = card_page(
        request,
        measures.values_list("pk"),
        count=Measure.topics.through.objects.filter(
            topic=topic, measure__retired_at__isnull=True
        ).count(),
    )
    per_city = cache.get_or_set(
        f"topic-cities:{topic.pk}:{catalogue_revision()}",
        lambda: topic_city_counts(topic),
        COUNTS_SECONDS,
    )
    cities = list(City.objects.filter(pk__in=list(per_city)))
    for city in cities:
        city.measure_count = per_city[city.pk]
    cities.sort(key=lambda city: (-city.measure_count, city.code, city.name))
    return render(
        request,
        "policies/topic_detail.html",
        {
            "topic": topic,
            "cities": cities,
            "page": page,
            "today": today,
            "crumbs": [home_crumb(), (_("主题"), None), (topic.name, None)],
        },
    )


def compare_ids(values) -> list[int]:
    """The measure ids of ``?m=…``: integers, each once, in the order given, at most four.
    Anything that is not an id (``portal.params.positive_int``) is left out."""
    ids = []
    for value in values:
        pk = positive_int(value)
        if pk is not None and pk not in ids:
            ids.append(pk)
    return ids[:COMPARE_MAX]


def compare_url(ids) -> str:
    url = reverse("policies:compare")
    return f"{url}?{urlencode([('m', pk) for pk in ids])}" if ids else url


@require_GET
def compare(request):
    given = request.GET.getlist("m")
    ids = compare_ids(given)
    if any(value.strip() and positive_int(value) is None for value in given):
        messages.warning(request, _("链接中有无效的措施编号，已忽略。"))
    # the columns follow the order of the link
    found = list_cards(ids, revision=catalogue_revision(request), whole=True)
    measures = [found[pk] for pk in ids if pk in found]
    prefetch_related_objects(measures, department_links())
    chosen = [measure.pk for measure in measures]
    for measure in measures:
        measure.remove_url = compare_url([pk for pk in chosen if pk != measure.pk])
    suggestions = []
    if measures and len(measures) < COMPARE_MAX:
        suggestions = similar_measures(measures[0], excluding=chosen)
        for suggestion in suggestions:
            suggestion.add_url = compare_url([*chosen, suggestion.pk])
    return render(
        request,
        "policies/compare.html",
        {
            "measures": measures,
            "chosen": chosen,
            "suggestions": suggestions,
            "can_add": len(measures) < COMPARE_MAX,
            "compare_max": COMPARE_MAX,
            "today": portal_today(),
            "crumbs": [home_crumb(), measures_crumb(), (_("措施对比"), None)],
        },
    )

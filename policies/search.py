"""Chinese full-text search over measure titles and texts, the same on SQLite and PostgreSQL.

Neither database's own full-text search copes with Chinese two-character words (SQLite's
FTS5 trigram finds nothing for them, pg_trgm scans), so measures are indexed in two tables,
``MeasureGram`` (grams of one or two characters) and ``MeasureQuad`` (of four): one row per
distinct *gram* of a measure's title and text, with how often it occurs (``count``), whether
it occurs in the title (``in_title``), and its rank as a search term (``score`` = ``count``,
plus ``TITLE_WEIGHT`` when in the title). Besides the unique (gram, measure) index each has
a (gram, score descending, measure) index: it lists a gram's measures best first.

What is indexed
    The title and the text are lower-cased and cut into *runs* of letters and digits (CJK
    characters are letters; punctuation, spaces and ``_`` separate runs). Every run gives
    its overlapping character pairs (``补贴资金`` → 补贴, 贴资, 资金) and, as a one-character
    gram, its last character (金). So every occurrence of a character is counted exactly once
    among the grams that *start* with it: as the first half of a pair, or as a run's end.
    Every run of four characters or more also gives its overlapping runs of four
    (``补贴资金奖励`` → 补贴资金, 贴资金奖, 资金奖励), kept apart in ``MeasureQuad``: policy terms
    longer than two characters are most often four (专精特新, 融资担保, 技术改造, 以旧换新).

How a query is answered (``search_measures``)
    The query is normalised (traditional → simplified, full-width → half-width) and split into
    terms, each a run of letters and digits (``补贴 上市`` → two terms; every term must occur).
    * a two- or four-character term (``indexed``) is one gram: an inner join on its index
      table's rows; nothing else to check, and the joined row has the term's rank (``score``);
    * a term of three, or of five characters and more: the measures having up to
      ``MAX_GRAMS_PER_TERM`` of its pairs (non-overlapping, plus the last one) — an
      ``INTERSECT`` of index ranges, which measured twice as fast as a join per pair on
      100,000 measures — then checked for the term as a contiguous substring of the title or
      text (``icontains``, or ``contains`` for a term without cased letters). On PostgreSQL
      the candidates are an array computed first (``id = ANY(ARRAY(… INTERSECT …))``): with
      ``IN`` the planner read every measure;
    * a one-character term matches the measures having a gram that starts with it, looked up
      per candidate measure (``EXISTS``) through the ``measure`` index.
    Every term is a join or a ``WHERE`` condition on the queryset given, so the search composes
    with any filters applied before or after it, and runs as one query.

Ranking (``search_rank``, higher is better; ``order_by_rank``)
    For every term, its occurrences (two or four characters: the gram's ``count``, title and
    text, overlapping occurrences each counted; one character: the sum of the counts of the
    grams starting with it; others: counted in the text with ``REPLACE``) plus
    ``TITLE_WEIGHT`` when the title contains the term. Summed over the terms. For an indexed
    term that is the gram's stored ``score``. Equal ranks are ordered by measure id (the
    import's order of documents and items).

What it costs at 100,000 measures (bench/run.py's catalogue, SQLite)
    * one indexed term over the whole catalogue: the page is read off the (gram, score,
      measure) index in rank order and stops after it (``order_by_rank``), and the count is
      taken in the index alone (``count_in_index``) — under a millisecond of SQL for 补贴
      (10,000 matches), where joining and sorting the matches took 20;
    * another term reads every candidate measure's row to check the substring and count its
      occurrences: about 2 µs a candidate (专精特新, before it had its own index: 6,330
      candidates, 13.7 ms of SQL). The list page therefore reads all matches' (id, rank) once and
      counts them in Python, not twice;
    * filters combined with a search join the gram rows to the filtered measures as usual.
Physical order
    ``reindex_measures`` writes rows in (gram, measure) order, so after a full rebuild (the
    importer's) each gram's rows are stored together and ranking reads them sequentially.

Keeping the index current
    The importer calls ``reindex_measures`` after writing; a ``post_save`` signal (connected in
    ``PoliciesConfig.ready``) reindexes a measure saved in the admin. ``QuerySet.update()`` and
    ``bulk_update`` bypass signals: call ``reindex_measures`` after them.

Texts in the database are expected in simplified characters (the importer converts them);
highlighting looks for the normalised terms in the stored text as it is.
"""

import contextlib
import contextvars
import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Lookup,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, Replace
from django.utils.safestring import SafeString, mark_safe

from .chinese import to_simplified
from .models import Measure, MeasureGram, MeasureQuad

INDEX_FORMAT = 3  # bump when what is indexed changes (bench/run.py rebuilds its copy)
TITLE_WEIGHT = 10  # a title containing the term counts as ten more occurrences
MAX_TERMS = 8  # terms beyond these are ignored (each costs a join)
MAX_GRAMS_PER_TERM = 4  # a long term is narrowed by this many pairs, then checked by substring
MAX_COUNT = 32767  # the index tables' count is a small integer
PAIR_ALIAS = "_search_"  # the joined index rows of indexed terms: _search_0, _search_1…
DELETE_BATCH = 500
INSERT_BATCH = 2000

# Runs of letters and digits: \w without the underscore. CJK ideographs are letters.
_RUN = re.compile(r"[^\W_]+")
# Full-width ASCII (！ to ～) → half-width, and the ideographic space → a space.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize_query(q: str | None) -> str:
    """The query as searched: half-width, simplified, single-spaced, stripped.

    >>> normalize_query("  補貼　ＲＥＩＴｓ ")
    '补贴 REITs'
    """
    q = (q or "").translate(_HALF_WIDTH)
    q = " ".join(q.split())
    return to_simplified(q) if q else ""


def query_terms(query: str | None) -> list[str]:
    """The distinct lower-cased terms of a query, in order, at most ``MAX_TERMS``."""
    return list(_query_terms(query or ""))


@lru_cache(maxsize=1024)
def _query_terms(query: str) -> tuple[str, ...]:
    # asked again for every highlighted title and snippet of a page: worked out once
    terms = []
    for term in _RUN.findall(normalize_query(query).lower()):
        if term not in terms:
            terms.append(term)
    return tuple(terms[:MAX_TERMS])


def grams(text: str | None) -> Counter:
    """The grams of a text with their counts: overlapping pairs of every run, and its last
    character.

    >>> sorted(grams("补贴资金，补贴").items())
    [('补贴', 2), ('贴', 1), ('贴资', 1), ('资金', 1), ('金', 1)]
    """
    counter = Counter()
    for run in _RUN.findall((text or "").lower()):
        counter.update(run[i : i + 2] for i in range(len(run) - 1))
        counter[run[-1]] += 1
    return counter


def quads(text: str | None) -> Counter:
    """The overlapping runs of four characters of a text's runs, with their counts.

    >>> sorted(quads("专精特新，专精特新企业").items())
    [('专精特新', 2), ('特新企业', 1), ('精特新企', 1)]
    """
    counter = Counter()
    for run in _RUN.findall((text or "").lower()):
        counter.update(run[i : i + 4] for i in range(len(run) - 3))
    return counter


def index_rows(measure: Measure, cut=grams) -> Iterator[tuple[str, bool, int, int]]:
    """``(gram, in_title, count, score)`` for every gram of a measure's title and text as
    ``cut`` (``grams`` or ``quads``) gives them; the score is the gram's rank as a search term
    (see ``search_measures``)."""
    title_grams = cut(measure.title)
    for gram, count in (title_grams + cut(measure.text)).items():
        in_title = gram in title_grams
        count = min(count, MAX_COUNT)
        yield gram, in_title, count, count + (TITLE_WEIGHT if in_title else 0)


class IndexTable(NamedTuple):
    """An index table: its model, its relation from ``Measure``, how a text is cut for it."""

    model: type
    relation: str
    cut: Callable[[str | None], Counter]


# The indexed term lengths and their tables.
INDEXES = {
    2: IndexTable(MeasureGram, "grams", grams),
    4: IndexTable(MeasureQuad, "quads", quads),
}


def indexed(term: str) -> bool:
    """Whether a term is answered by an index table alone (two or four characters)."""
    return len(term) in INDEXES


def _batched(iterable: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def reindex_measures(measures: Iterable[Measure]) -> int:
    """Rebuild the index rows (``MeasureGram``, ``MeasureQuad``) of the given (saved)
    measures; returns rows written.

    Only public measures are indexed: a retired one (``Measure.retired_at``) loses its rows,
    so that no search, and no count taken in the index alone, finds it; it is indexed again
    when the importer restores it."""
    measures = [measure for measure in measures if measure.pk is not None]
    written = 0
    with transaction.atomic():
        for table in INDEXES.values():
            for ids in _batched((measure.pk for measure in measures), DELETE_BATCH):
                table.model.objects.filter(measure_id__in=ids).delete()
        measures = [measure for measure in measures if measure.retired_at is None]
        for model, _, cut in INDEXES.values():
            # Written in (gram, measure) order: a full rebuild stores each gram's rows
            # together, so ranking reads them sequentially rather than one page per row.
            rows = sorted(
                (gram, measure.pk, in_title, count, score)
                for measure in measures
                for gram, in_title, count, score in index_rows(measure, cut)
            )
            objects = (
                model(measure_id=measure_id, gram=gram, in_title=in_title, count=count, score=score)
                for gram, measure_id, in_title, count, score in rows
            )
            for batch in _batched(objects, INSERT_BATCH):
                model.objects.bulk_create(batch)
                written += len(batch)
    return written


_deferred = contextvars.ContextVar("search_indexing_deferred", default=False)


@contextlib.contextmanager
def deferred_indexing():
    """Within this block saving a measure does not reindex it: for bulk writers (the importer)
    that call ``reindex_measures`` themselves afterwards."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def measure_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """``post_save`` receiver: reindex a measure whose title or text may have changed."""
    if raw or _deferred.get():  # loaddata brings its own rows; bulk writers reindex after
        return
    if update_fields is not None and not {"title", "text"} & set(update_fields):
        return
    reindex_measures([instance])


def _term_pairs(term: str) -> list[str]:
    """The pairs that narrow a term down: non-overlapping from the start, plus the last."""
    pairs = [term[i : i + 2] for i in range(0, len(term) - 1, 2)]
    if len(term) % 2:
        pairs.append(term[-2:])
    if len(pairs) > MAX_GRAMS_PER_TERM:
        pairs = pairs[: MAX_GRAMS_PER_TERM - 1] + [pairs[-1]]
    return list(dict.fromkeys(pairs))


def _starts_with(char: str) -> Q:
    """Grams starting with ``char``. SQLite compares text by code point, so a range on the
    (gram, measure) index finds them; elsewhere LIKE 'c%' is right whatever the collation."""
    if connection.vendor == "sqlite":
        return Q(gram__gte=char, gram__lt=chr(ord(char) + 1))
    return Q(gram__startswith=char)


def search_measures(queryset: QuerySet, query: str | None) -> QuerySet:
    """The measures of ``queryset`` containing every term of ``query``, annotated with
    ``search_rank`` (higher is better). An empty query returns the queryset, ranked 0.
    Order the result with ``order_by_rank``."""
    return search_terms(queryset, query_terms(query))


def search_terms(queryset: QuerySet, terms: list[str]) -> QuerySet:
    """``search_measures`` of the query's ``terms`` (``query_terms``)."""
    if not terms:
        return queryset.annotate(search_rank=Value(0, output_field=IntegerField()))
    rank = None
    for t, term in enumerate(terms):
        if indexed(term):
            queryset, term_rank = _indexed(queryset, term, alias=f"{PAIR_ALIAS}{t}")
        else:
            if len(term) == 1:
                queryset, occurrences = _character(queryset, term)
            else:
                queryset, occurrences = _long_term(queryset, term)
            term_rank = occurrences + Case(
                When(**{f"title__{_contains(term)}": term}, then=Value(TITLE_WEIGHT)),
                default=Value(0),
                output_field=IntegerField(),
            )
        rank = term_rank if rank is None else rank + term_rank
    return queryset.annotate(search_rank=rank)


def order_by_rank(queryset: QuerySet, query: str | None) -> QuerySet:
    """A search result best first, ties in the order of the measures' ids.

    With one indexed term (two or four characters) this is the order of its (gram, score,
    measure) index, so the database reads a page's rows off the index and stops: no sort,
    however many match."""
    return order_by_terms(queryset, query_terms(query))


def order_by_terms(queryset: QuerySet, terms: list[str]) -> QuerySet:
    """``order_by_rank`` of the query's ``terms``."""
    if len(terms) == 1 and indexed(terms[0]):
        alias = f"{PAIR_ALIAS}0"
        return queryset.order_by(F(f"{alias}__score").desc(), F(f"{alias}__measure_id").asc())
    return queryset.order_by(F("search_rank").desc(), "pk")


def count_in_index(query: str | None) -> int | None:
    """How many measures of the whole catalogue match a query of indexed terms (two or four
    characters), counted in the index tables alone (the measures' rows are not read);
    ``None`` for other queries."""
    terms = query_terms(query)
    if not terms or not all(indexed(term) for term in terms):
        return None
    return matches_in_index(terms).count()


def matches_in_index(terms: list[str]) -> QuerySet:
    """The ids of the measures having every one of ``terms`` (all indexed), from the index
    tables alone."""
    having = [
        INDEXES[len(term)].model.objects.filter(gram=term).values_list("measure_id")
        for term in terms
    ]
    if len(having) == 1:
        return having[0]
    return having[0].intersection(*having[1:])


def _indexed(queryset, term, alias):
    """A two- or four-character term is one row of its index table: an inner join on
    (gram, measure), whose row has the term's rank (``score``: occurrences, plus
    ``TITLE_WEIGHT`` when in the title)."""
    relation = INDEXES[len(term)].relation
    queryset = queryset.alias(
        **{alias: FilteredRelation(relation, condition=Q(**{f"{relation}__gram": term}))}
    ).filter(**{f"{alias}__gram": term})  # repeated here, so that the join is an inner one
    return queryset, F(f"{alias}__score")


def _contains(term: str) -> str:
    """The lookup that finds ``term`` (lower-cased) whatever the case of the text: ``contains``
    when no character of it has a case (Chinese, digits), which on PostgreSQL spares
    upper-casing every candidate's text (``icontains``). SQLite runs the same ``LIKE`` for
    both."""
    return "icontains" if term.upper() != term else "contains"


# PostgreSQL: the candidates as an array, computed once (an InitPlan), and the measures
# looked up by id. Given ``id IN (… INTERSECT …)`` the planner misjudged how few rows the
# substring check keeps and read every measure's title and text instead (技术改造 at 100,000
# measures: 175 ms against 22–26 ms, best of five).
_ARRAY = "ARRAY(%(subquery)s)"


class _AnyOf(Lookup):
    """``lhs = ANY(rhs)``, rhs an array (PostgreSQL); used as an expression, not registered."""

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


class OctetLength(Func):
    """A text's length in bytes (UTF-8): each occurrence of a term the text loses takes the
    term's bytes with it, as it takes its characters. Counting bytes is cheaper: PostgreSQL's
    ``OCTET_LENGTH`` and SQLite's ``LENGTH`` of the text as a BLOB know the size without
    walking the characters, as ``LENGTH`` of a text must (专精特新 at 100,000 measures: the
    query 20.8 → 17.2 ms on SQLite, median of nine, 2026-12-02)."""

    function = "OCTET_LENGTH"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="LENGTH(CAST(%(expressions)s AS BLOB))", **extra_context
        )


def _long_term(queryset, term):
    """Measures having all the term's pairs (an INTERSECT of index ranges, cheaper than a join
    per pair), then the term itself as a substring; occurrences counted in the text."""
    having = [
        MeasureGram.objects.filter(gram=pair).values("measure_id") for pair in _term_pairs(term)
    ]
    candidates = having[0].intersection(*having[1:]) if len(having) > 1 else having[0]
    if connection.vendor == "postgresql":
        queryset = queryset.filter(_AnyOf(F("pk"), Subquery(candidates, template=_ARRAY)))
    else:
        queryset = queryset.filter(pk__in=candidates)
    contains = _contains(term)
    queryset = queryset.filter(Q(**{f"title__{contains}": term}) | Q(**{f"text__{contains}": term}))
    # Lower-casing the text costs time, and only matters for terms with cased letters.
    text = Lower("text") if contains == "icontains" else F("text")
    removed = OctetLength(Replace(text, Value(term), Value("")))
    return queryset, (OctetLength(text) - removed) / len(term.encode())


def _character(queryset, char):
    """A one-character term: a gram starting with it, looked up per candidate measure;
    occurrences are the sum of those grams' counts."""
    of_measure = MeasureGram.objects.filter(_starts_with(char), measure=OuterRef("pk"))
    occurrences = Coalesce(
        Subquery(
            of_measure.order_by()
            .values("measure")
            .annotate(total=Sum("count"))
            .values("total")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    return queryset.filter(Exists(of_measure)), occurrences


def _match_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` spans of every (case-insensitive, overlapping) occurrence."""
    marked = [False] * len(text)
    for term in terms:
        for found in re.finditer(f"(?={re.escape(term)})", text, re.IGNORECASE):
            for i in range(found.start(), found.start() + len(term)):
                marked[i] = True
    spans = []
    for i, on in enumerate(marked):
        if on and (not spans or spans[-1][1] != i):
            spans.append((i, i + 1))
        elif on:
            spans[-1] = (spans[-1][0], i + 1)
    return spans


def highlight(text: str | None, query: str | None, *, max_length: int | None = None) -> SafeString:
    """``text`` HTML-escaped with every occurrence of a query term wrapped in ``<mark>``.

    With ``max_length``, only a snippet of about that many characters is kept, around the
    first match (or from the start), with ``…`` where text was cut.
    """
    text = text or ""
    terms = query_terms(query)
    spans = _match_spans(text, terms) if terms else []
    start, end = 0, len(text)
    if max_length is not None and len(text) > max_length:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - max_length // 4, len(text) - max_length))
        end = start + max_length
    parts = ["…"] if start > 0 else []
    position = start
    escape = html.escape  # what django.utils.html.escape writes, without its lazy check
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        parts.append(escape(text[position:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))

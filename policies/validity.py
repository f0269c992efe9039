"""Validity (时效): when a document, a measure or a benefit part applies — defined once.

Every page, filter, count, the API, the export and the self-check take their status from
here:

* ``Status`` — the one vocabulary: 有效 / 即将到期 / 已到期 / 未生效 / 时效未明;
* ``status_of(period, today, draft=...)`` — the status of a period on a day;
* ``measure_q(status, today)`` — the same decision as a database filter over ``Measure``
  (a property test holds the two to agreement);
* ``read_document``, ``read_clauses``, ``read_deadline`` — periods read mechanically from the
  words of a text. What cannot be read mechanically is curated in ``fixtures/validity.toml``
  (applied by the importer, see ``policies.importer.validity``).

A ``Period`` is ``start`` (None: no start stated, or already started when the text was
issued), ``end`` (None: no end), ``kind`` (``dated``: an end date is known; ``open``: in
force until changed, e.g. 持续开展 or 自公布之日起施行; ``unknown``: the text does not say),
the quoted ``words`` it was read from, where they come from (``basis``) and a ``note``
(e.g. how a relative 当年 was understood).

时效未明 and 征求意见稿 are never 现行有效: ``COUNTED`` — the statuses that count as in force in
totals, counts and the 有效 filter — holds only 有效 and 即将到期.
"""

import calendar
import datetime
import re
from dataclasses import asdict, dataclass, field, replace

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ENDING_SOON_DAYS = 60


class Status(models.TextChoices):
    IN_FORCE = "in_force", _("有效")
    ENDING_SOON = "ending_soon", _("即将到期")
    EXPIRED = "expired", _("已到期")
    NOT_YET = "not_yet", _("未生效")
    UNKNOWN = "unknown", _("时效未明")


# The statuses counted as 现行有效 (in force): the 有效 filter, the counts, self-check totals.
COUNTED = frozenset({Status.IN_FORCE, Status.ENDING_SOON})

BADGE_CSS = {
    Status.IN_FORCE: "text-bg-success",
    Status.ENDING_SOON: "text-bg-warning",
    Status.EXPIRED: "text-bg-secondary",
    Status.NOT_YET: "text-bg-info",
    Status.UNKNOWN: "text-bg-light border",
}


class Kind(models.TextChoices):
    DATED = "dated", _("有截止日期")
    OPEN = "open", _("长期有效")
    UNKNOWN = "unknown", _("未载明")


class Basis(models.TextChoices):
    DOCUMENT = "document", _("文件")
    DEADLINE = "deadline", _("执行期限")
    CLAUSE = "clause", _("条款")
    CURATED = "curated", _("编者校订")
    RULE = "rule", _("自测规则")


@dataclass(frozen=True)
class Period:
    start: datetime.date | None = None
    end: datetime.date | None = None
    kind: str = Kind.UNKNOWN
    words: str = ""
    basis: str = Basis.DOCUMENT
    note: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["start"] = self.start.isoformat() if self.start else None
        data["end"] = self.end.isoformat() if self.end else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Period":
        return cls(
            start=_iso(data.get("start")),
            end=_iso(data.get("end")),
            kind=data.get("kind") or Kind.UNKNOWN,
            words=data.get("words", ""),
            basis=data.get("basis") or Basis.DOCUMENT,
            note=data.get("note", ""),
        )

    @property
    def known(self) -> bool:
        return self.kind != Kind.UNKNOWN


UNKNOWN_PERIOD = Period()


def _iso(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def status_of(period: Period, today: datetime.date, *, draft: bool = False) -> str:
    """The status of ``period`` on ``today``; a draft's period is never in force."""
    if period.start is not None and period.start > today:
        return Status.NOT_YET
    if period.end is not None and period.end < today:
        return Status.EXPIRED
    if draft or period.kind == Kind.UNKNOWN:
        return Status.UNKNOWN
    if period.end is not None and (period.end - today).days <= ENDING_SOON_DAYS:
        return Status.ENDING_SOON
    return Status.IN_FORCE


def counted(period: Period, today: datetime.date, *, draft: bool = False) -> bool:
    return status_of(period, today, draft=draft) in COUNTED


# The status filter of lists and the API: 有效 there means counted as in force, so that it
# agrees with the counts on the home and city pages.
FILTER_CHOICES = [
    (Status.IN_FORCE.value, _("有效（含即将到期）")),
    (Status.ENDING_SOON.value, _("即将到期（60天内）")),
    (Status.EXPIRED.value, _("已到期")),
    (Status.NOT_YET.value, _("未生效")),
    (Status.UNKNOWN.value, _("时效未明")),
]


def filter_q(value: str, today: datetime.date) -> Q:
    return measure_q("counted" if value == Status.IN_FORCE else value, today)


# -- the same decision in the database ---------------------------------------------------


def _draft_documents():
    from policies.models import PolicyDocument

    return PolicyDocument.objects.filter(status=PolicyDocument.Status.DRAFT).values("id")


def measure_q(status: str, today: datetime.date) -> Q:
    """``Measure`` rows whose status on ``today`` is ``status`` (or, for ``"counted"``, any
    status counted as in force). Mirrors ``status_of`` field by field: the measure's
    ``valid_from``, ``valid_until``, ``validity_kind`` and its document being a draft (asked
    through a subquery on the few draft documents, never a join on the documents table)."""
    started = Q(valid_from__isnull=True) | Q(valid_from__lte=today)
    not_ended = Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    uncertain = Q(validity_kind=Kind.UNKNOWN) | Q(document_id__in=_draft_documents())
    soon = Q(valid_until__isnull=False) & Q(
        valid_until__lte=today + datetime.timedelta(days=ENDING_SOON_DAYS)
    )
    live = started & not_ended & ~uncertain
    if status == "counted":
        return live
    if status == Status.NOT_YET:
        return Q(valid_from__gt=today)
    if status == Status.EXPIRED:
        return started & Q(valid_until__lt=today)
    if status == Status.UNKNOWN:
        return started & not_ended & uncertain
    if status == Status.ENDING_SOON:
        return live & soon
    if status == Status.IN_FORCE:
        return live & ~soon
    raise ValueError(f"unknown status {status!r}")


# -- reading periods from words ------------------------------------------------------------


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _date(year, month, day) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


_CN_NUMBER = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
_D = r"(\d{4})年(\d{1,2})月(\d{1,2})日"

# Document level: sentences that state when the whole text applies.
_DOC_FROM_TO = re.compile(rf"自{_D}起(?:至|到){_D}止")
_DOC_FROM_DATE = re.compile(rf"自{_D}起(?:施行|实施|执行|生效)")
_DOC_FROM_ISSUE = re.compile(r"自(?:公布|印发|发布|下发)之日起(?:施行|实施|执行|生效)")
_DOC_YEARS = re.compile(r"有效期(?:为)?(\d{1,2}|[一二两三四五六七八])年")
_DOC_UNTIL = re.compile(rf"有效期(?:至|到){_D}|(?:执行|实施|施行)(?:至|到){_D}(?:止)?")


def _sentence_of(text: str, match: re.Match) -> str:
    start = max(text.rfind(char, 0, match.start()) for char in "。；\n") + 1
    ends = [text.find(char, match.end()) for char in "。；\n"]
    end = min([e for e in ends if e != -1], default=len(text))
    return text[start:end].strip()


def read_document(text: str, issued_on: datetime.date | None) -> Period:
    """The whole document's period from its own words, or an unknown period.

    本文件自公布之日起施行 → from the issue date, open-ended; 有效期3年 → three years from the
    start; 有效期至2026年12月31日 / 自2024年1月1日起至2025年12月31日止 → dated."""
    start = end = None
    words: list[str] = []
    note = ""
    match = _DOC_FROM_TO.search(text)
    if match:
        start, end = _date(*match.groups()[:3]), _date(*match.groups()[3:])
        words.append(_sentence_of(text, match))
    else:
        match = _DOC_FROM_DATE.search(text)
        if match:
            start = _date(*match.groups())
            words.append(_sentence_of(text, match))
        else:
            match = _DOC_FROM_ISSUE.search(text)
            if match:
                start = issued_on
                words.append(_sentence_of(text, match))
                if issued_on is None:
                    note = "原文未载明印发日期"
        until = _DOC_UNTIL.search(text)
        if until:
            parts = [part for part in until.groups() if part is not None]
            end = _date(*parts)
            sentence = _sentence_of(text, until)
            if sentence not in words:
                words.append(sentence)
        years = _DOC_YEARS.search(text)
        if years and end is None and (start or issued_on):
            raw = years.group(1)
            count = int(raw) if raw.isdigit() else _CN_NUMBER[raw]
            start = start or issued_on
            end = _add_years(start, count) - datetime.timedelta(days=1)
            sentence = _sentence_of(text, years)
            if sentence not in words:
                words.append(sentence)
    if not words:
        return Period(kind=Kind.UNKNOWN, basis=Basis.DOCUMENT, start=issued_on)
    return Period(
        start=start,
        end=end,
        kind=Kind.DATED if end else Kind.OPEN,
        words="；".join(words),
        basis=Basis.DOCUMENT,
        note=note,
    )


def read_deadline(text: str) -> Period | None:
    """A 执行期限 line (鞍山 2023): a date, 持续开展/持续推进, or words that name no date.
    None when there is no such line."""
    text = (text or "").strip().rstrip("。")
    if not text:
        return None
    match = re.search(_D, text)
    if re.match(r"^(?:持续|长期)", text):
        return Period(kind=Kind.OPEN, words=text, basis=Basis.DEADLINE)
    if match:
        return Period(end=_date(*match.groups()), kind=Kind.DATED, words=text, basis=Basis.DEADLINE)
    return Period(kind=Kind.UNKNOWN, words=text, basis=Basis.DEADLINE)


# Clause level. Years inside titles of other documents (《…（2024-2025年）》, 〔2024〕60号) or
# naming events (2023农民丰收节) are not periods: titles are blanked before reading.
_TITLES = re.compile(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]")
_CLAUSE_PATTERNS = [
    # 2024年1月1日到2024年12月31日
    ("range", re.compile(rf"{_D}\s*(?:到|至|—|－|-|~|～)\s*{_D}")),
    # 自2024年1月1日起
    ("from_date", re.compile(rf"自?{_D}起")),
    # 至2024年6月30日, 2024年6月30日前
    ("until_date", re.compile(rf"(?:至|到|截至)\s*{_D}(?:前|止)?|{_D}(?:前|止|截止)")),
    # 2022年起到2023年6月
    ("years_to_month", re.compile(r"(\d{4})年起(?:到|至)(\d{4})年(\d{1,2})月(?:底)?")),
    # 2023年7月至11月
    ("month_range", re.compile(r"(\d{4})年(\d{1,2})月(?:到|至|—|－|-)(\d{1,2})月")),
    # 至2023年4月底, 到2024年6月
    ("until_month", re.compile(r"(?:至|到)(\d{4})年(\d{1,2})月(?:底|末)?(?:前)?")),
    # 至2025年底, 到2024年底前, 到2025年
    ("until_year", re.compile(r"(?:至|到)(\d{4})年(?:底|末)?(?:前|止)?")),
    # 2024年起, 自2022年起
    ("from_year", re.compile(r"(\d{4})年起")),
    # 2024年各月度, 2024年新评定, 2022年度, 力争2022年
    ("year", re.compile(r"(?<!\d)(\d{4})年(?!\d{1,2}月)")),
]
# 当年/今年 and 次年/明年 are read relative to the document's year (and say so). 本年度 and
# 上年度 name the enterprise's own accounting year in a formula, not a period of the measure.
_RELATIVE = re.compile(r"(当年|今年|次年|明年)")
_RELATIVE_OFFSET = {"当年": 0, "今年": 0, "次年": 1, "明年": 1}
_SENTENCE = re.compile(r"[^。；]*[。；]?")


@dataclass
class ClausePeriod:
    sentence: str
    period: Period
    phrases: list[str] = field(default_factory=list)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text or "") if s.strip()]


def _phrase_periods(sentence: str, document_year: int | None):
    """(words, start, end, note) for each period phrase of one sentence."""
    blanked = _TITLES.sub(lambda m: "□" * len(m.group(0)), sentence)
    taken = [False] * len(blanked)
    found = []
    for name, pattern in _CLAUSE_PATTERNS:
        for match in pattern.finditer(blanked):
            if any(taken[match.start() : match.end()]):
                continue
            groups = match.groups()
            start = end = None
            if name == "range":
                start, end = _date(*groups[:3]), _date(*groups[3:])
            elif name == "from_date":
                start = _date(*groups)
            elif name == "until_date":
                end = _date(*[part for part in groups if part is not None])
            elif name == "years_to_month":
                start = datetime.date(int(groups[0]), 1, 1)
                end = _last_day(int(groups[1]), int(groups[2]))
            elif name == "month_range":
                year = int(groups[0])
                start = datetime.date(year, int(groups[1]), 1)
                end = _last_day(year, int(groups[2]))
            elif name == "until_month":
                end = _last_day(int(groups[0]), int(groups[1]))
            elif name == "until_year":
                end = datetime.date(int(groups[0]), 12, 31)
            elif name == "from_year":
                start = datetime.date(int(groups[0]), 1, 1)
            else:
                year = int(groups[0])
                start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            if (start is None and end is None) or (start and end and start > end):
                continue
            for index in range(match.start(), match.end()):
                taken[index] = True
            found.append((match.start(), sentence[match.start() : match.end()], start, end, ""))
    if document_year is not None:
        for match in _RELATIVE.finditer(blanked):
            if any(taken[match.start() : match.end()]):
                continue
            year = document_year + _RELATIVE_OFFSET[match.group(1)]
            note = f"“{match.group(1)}”按文件发布年份（{document_year}年）理解为{year}年"
            found.append(
                (
                    match.start(),
                    match.group(1),
                    datetime.date(year, 1, 1),
                    datetime.date(year, 12, 31),
                    note,
                )
            )
    found.sort(key=lambda item: item[0])
    return [item[1:] for item in found]


def read_sentence(sentence: str, document_year: int | None) -> ClausePeriod | None:
    """The period one sentence states for itself, or None when it names none.

    Several phrases in one sentence give one period: from the earliest start (none if a
    phrase has none, like 延续实施…至2025年底) to the latest end stated (open only when no
    phrase states an end: 自2022年起实施…实施期为2022年起到2023年6月 ends in June 2023)."""
    phrases = _phrase_periods(sentence, document_year)
    if not phrases:
        return None
    starts = [start for _, start, _, _ in phrases]
    ends = [end for _, _, end, _ in phrases if end is not None]
    start = None if None in starts else min(starts)
    end = max(ends) if ends else None
    notes = [note for *_, note in phrases if note]
    period = Period(
        start=start,
        end=end,
        kind=Kind.DATED if end else Kind.OPEN,
        words="、".join(dict.fromkeys(words for words, *_ in phrases)),
        basis=Basis.CLAUSE,
        note="；".join(dict.fromkeys(notes)),
    )
    return ClausePeriod(sentence=sentence, period=period, phrases=[p[0] for p in phrases])


def read_clauses(text: str, document_year: int | None) -> list[ClausePeriod]:
    """Every sentence of ``text`` that states its own period, in order."""
    found = []
    for sentence in split_sentences(text):
        clause = read_sentence(sentence, document_year)
        if clause is not None:
            found.append(clause)
    return found


def union(periods: list[Period], *, words: str, basis: str, note: str = "") -> Period:
    """One period covering all of ``periods`` (all known)."""
    starts = [p.start for p in periods]
    ends = [p.end for p in periods]
    start = None if None in starts else min(starts)
    end = None if (None in ends or any(p.kind == Kind.OPEN for p in periods)) else max(ends)
    return Period(
        start=start,
        end=end,
        kind=Kind.DATED if end else Kind.OPEN,
        words=words,
        basis=basis,
        note=note,
    )


def clause_period(clause: str, measure_text: str, parts: list[dict], fallback: Period) -> Period:
    """The period of a benefit part quoting ``clause`` (one or more sentences of a measure).

    When every sentence of the clause states (or was curated with) its own period, the part
    runs over their union; when any sentence states none, the part follows ``fallback`` (the
    measure's period), since that sentence is governed by it."""
    sentences = [_bare(s) for s in split_sentences(clause)]
    if not sentences:
        return fallback
    stated = [(_bare(part["sentence"]), Period.from_dict(part["period"])) for part in parts]
    found = []
    for sentence in sentences:
        period = next((p for text, p in stated if sentence in text or text in sentence), None)
        if period is None or not period.known:
            return fallback
        found.append(period)
    notes = "；".join(dict.fromkeys(p.note for p in found if p.note))
    words = "、".join(dict.fromkeys(w for p in found for w in p.words.split("、")))
    basis = Basis.CURATED if any(p.basis == Basis.CURATED for p in found) else Basis.CLAUSE
    return union(found, words=words, basis=basis, note=notes)


def _bare(sentence: str) -> str:
    return sentence.strip().rstrip("。；，")


# -- words for people ------------------------------------------------------------------------


def date_text(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def describe(period: Period, *, issued_on=None) -> str:
    """What is known, in one sentence: "2024年12月2日起施行，未载明截止日期"."""
    if period.kind == Kind.UNKNOWN:
        issued = f"{date_text(issued_on)}发布，" if issued_on else ""
        return f"{issued}原文未载明有效期，请向责任单位确认"
    parts = []
    if period.start and period.end:
        parts.append(f"{date_text(period.start)}至{date_text(period.end)}")
    elif period.end:
        parts.append(f"至{date_text(period.end)}")
    elif period.start:
        parts.append(f"{date_text(period.start)}起施行，未载明截止日期")
    else:
        parts.append("长期有效，未载明截止日期")
    if period.note:
        parts.append(period.note)
    return "，".join(parts)


def with_basis(period: Period, basis: str, **changes) -> Period:
    return replace(period, basis=basis, **changes)

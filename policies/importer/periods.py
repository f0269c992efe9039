"""Validity for imported documents and measures: read from the text, corrected by a curated file.

``fixtures/validity.toml`` holds what cannot be read mechanically (like the errata): entries
keyed by source file and, for a measure, its path; an entry with ``clause`` applies to the
sentences of the measure containing those words. Each entry quotes the ``words`` its period
rests on — they must occur in the text, or the import stops, so a changed source never keeps a
stale period — and gives its ``reason``; pages show both.

Order of precedence for a measure: a curated entry for the measure, its 执行期限 line, the
document's period. Sentences that state their own period are kept beside it as *parts*
(``Measure.validity_parts``); curated clause entries override or add parts.
"""

import datetime
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from policies import validity
from policies.validity import Basis, Kind, Period

from . import SourceError

VALIDITY_FILE = Path(settings.BASE_DIR) / "fixtures" / "validity.toml"


@dataclass(frozen=True)
class Entry:
    source: str
    path: str | None  # None: the whole document
    clause: str | None
    period: Period
    index: int


@dataclass
class Curated:
    entries: list[Entry] = field(default_factory=list)

    def document(self, source: str) -> Entry | None:
        return next((e for e in self.entries if e.source == source and e.path is None), None)

    def measure(self, source: str, path: str) -> Entry | None:
        return next(
            (e for e in self.entries if e.source == source and e.path == path and e.clause is None),
            None,
        )

    def clauses(self, source: str, path: str) -> list[Entry]:
        return [
            e
            for e in self.entries
            if e.source == source and e.path == path and e.clause is not None
        ]

    def sources(self) -> set[str]:
        return {e.source for e in self.entries}


def _date(value, where):
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value
    raise SourceError(str(VALIDITY_FILE.name), None, f"{where}：日期应写作 2024-12-31")


def load(path: Path = VALIDITY_FILE) -> Curated:
    if not path.exists():
        return Curated()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = []
    for index, raw in enumerate(data.get("validity", []), start=1):
        where = f"第 {index} 条时效校订"
        for key in ("source", "words", "reason"):
            if not raw.get(key):
                raise SourceError(path.name, None, f"{where}缺少 {key}")
        start = _date(raw.get("start"), where)
        end = _date(raw.get("end"), where)
        unknown = bool(raw.get("unknown", False))
        if start and end and start > end:
            raise SourceError(path.name, None, f"{where}：开始日期晚于截止日期")
        kind = Kind.UNKNOWN if unknown else (Kind.DATED if end else Kind.OPEN)
        entries.append(
            Entry(
                source=raw["source"],
                path=str(raw["path"]) if raw.get("path") is not None else None,
                clause=raw.get("clause"),
                period=Period(
                    start=start,
                    end=end,
                    kind=kind,
                    words=raw["words"],
                    basis=Basis.CURATED,
                    note=raw["reason"],
                ),
                index=index,
            )
        )
    return Curated(entries)


def document_period(source: str, clean_text: str, issued_on, curated: Curated) -> Period:
    entry = curated.document(source)
    if entry is not None:
        if entry.period.words not in clean_text:
            raise SourceError(
                source,
                None,
                f"时效校订第 {entry.index} 条引用的原文“{entry.period.words}”已不在文件中",
            )
        return entry.period
    return validity.read_document(clean_text, issued_on)


def measure_periods(
    source: str,
    path_key: str,
    text: str,
    deadline_text: str,
    document_period: Period,
    document_year: int | None,
    curated: Curated,
) -> tuple[Period, list[dict]]:
    """(the measure's period, its parts as stored in ``Measure.validity_parts``)."""
    parts = {
        clause.sentence: clause.period for clause in validity.read_clauses(text, document_year)
    }
    for entry in curated.clauses(source, path_key):
        _check_words(source, path_key, entry, text)
        sentences = [s for s in validity.split_sentences(text) if entry.clause in s]
        if not sentences:
            raise SourceError(
                source, None, f"时效校订第 {entry.index} 条：第{path_key}条中找不到“{entry.clause}”"
            )
        for sentence in sentences:
            parts[sentence] = entry.period
    entry = curated.measure(source, path_key)
    if entry is not None:
        _check_words(source, path_key, entry, f"{text}\n{deadline_text}")
        period = entry.period
    else:
        period = validity.read_deadline(deadline_text) or validity.with_basis(
            document_period, Basis.DOCUMENT
        )
    stored = [{"sentence": sentence, "period": part.as_dict()} for sentence, part in parts.items()]
    return period, stored


def _check_words(source, path_key, entry, text):
    if entry.period.words not in text:
        raise SourceError(
            source,
            None,
            f"时效校订第 {entry.index} 条引用的原文“{entry.period.words}”已不在第{path_key}条中",
        )

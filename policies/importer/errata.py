"""The curated corrections in ``fixtures/errata.toml``.

Each ``[[erratum]]`` names a source file, the garbled run exactly as it appears on one line of
the verbatim text (surrounding whitespace stripped), the correction, and the reason. ``count``
(default 1) is how often the run occurs; an erratum that no longer matches exactly that often
stops the import, so a changed source never gets a stale correction. ``at_line_end`` restricts
the match to the end of a line. An erratum without ``correction`` changes nothing and only adds
a note for readers (for damage that cannot be repaired).

Each ``[[document]]`` corrects what the text cannot say about itself (``complete = false`` for
a truncated source; ``year`` for an undated draft, used only for its public identifier, the
slug), with its reason.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import SourceError
from .cleaning import Line


@dataclass(frozen=True)
class Erratum:
    source: str
    garbled: str
    reason: str
    correction: str | None = None
    count: int = 1
    at_line_end: bool = False


@dataclass(frozen=True)
class DocumentErratum:
    source: str
    reason: str
    complete: bool | None = None
    year: int | None = None  # the year of an undated document, for its slug only


@dataclass(frozen=True)
class Errata:
    errata: tuple[Erratum, ...]
    documents: tuple[DocumentErratum, ...]

    def for_source(self, source: str) -> list[Erratum]:
        return [erratum for erratum in self.errata if erratum.source == source]

    def document(self, source: str) -> DocumentErratum | None:
        return next((entry for entry in self.documents if entry.source == source), None)


def load(path: Path) -> Errata:
    if not path.exists():
        return Errata((), ())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise SourceError(path.name, None, f"勘误文件格式错误：{error}") from error
    errata = []
    for index, entry in enumerate(data.get("erratum", []), start=1):
        missing = {"source", "garbled", "reason"} - entry.keys()
        if missing:
            raise SourceError(path.name, None, f"第 {index} 条勘误缺少字段：{sorted(missing)}")
        unknown = entry.keys() - Erratum.__dataclass_fields__.keys()
        if unknown:
            raise SourceError(path.name, None, f"第 {index} 条勘误有未知字段：{sorted(unknown)}")
        errata.append(Erratum(**entry))
    documents = [DocumentErratum(**entry) for entry in data.get("document", [])]
    return Errata(tuple(errata), tuple(documents))


@dataclass(frozen=True)
class AppliedErratum:
    erratum: Erratum
    line: int  # source line number of the (first) occurrence
    lines: tuple[int, ...] = ()  # every line it occurs on, in order, each once


def apply(source: str, lines: list[Line], errata: list[Erratum]) -> list[AppliedErratum]:
    """Apply the errata of one source to its lines, in place; return where each applied."""
    applied = []
    for erratum in errata:
        hits = []
        for line in lines:
            if erratum.at_line_end:
                if line.text.endswith(erratum.garbled):
                    hits.append(line)
            else:
                hits.extend([line] * line.text.count(erratum.garbled))
        if len(hits) != erratum.count:
            raise SourceError(
                source,
                hits[0].number if hits else None,
                f"勘误“{erratum.garbled}”应出现 {erratum.count} 次，实际 {len(hits)} 次",
            )
        if erratum.correction is not None:
            for target in {id(hit): hit for hit in hits}.values():
                if erratum.at_line_end:
                    cut = len(target.text) - len(erratum.garbled)
                    target.text = target.text[:cut] + erratum.correction
                else:
                    target.text = target.text.replace(erratum.garbled, erratum.correction)
        numbers = tuple(sorted({hit.number for hit in hits}))
        applied.append(AppliedErratum(erratum, hits[0].number, numbers))
    return applied

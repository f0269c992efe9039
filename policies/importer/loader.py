"""Parsed documents → database rows.

Idempotent: rows are found by stable keys (City.name, PolicyDocument.source, Chapter number,
Measure path), and a row whose imported values did not change is not written. Staff edits
survive: each document and measure remembers a fingerprint of the values the importer last
wrote; when the row in the database no longer matches it, staff changed it in the admin, and
the importer reports the row and keeps it unless ``overwrite`` is set.

Each document gets its public identifier (``PolicyDocument.slug``, "anshan-2023") when it is
created, never after. Department contact persons (``DepartmentContact``) are derived from the
measures' contacts after every import (``write_department_contacts``); a department's own
contact details are staff's, and the importer never writes them.

Nothing is deleted. A source that lost items the last import had (a truncated or damaged
file), or shrank by more than ``SHRINK_LIMIT``, or a source file that is gone, stops the
import (``ShrinkError``) before anything is written, unless the operator allows it
(``allow_shrink``): then the missing measures (and a gone file's document) are *retired* —
no longer public, kept with their ids, links, intake, workflow and self-check rules — and
an item that comes back un-retires the same row. Chapters no longer in a source are kept.
"""

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone

from policies import search, taxonomy
from policies.formatting import quote_title
from policies.models import (
    PERIOD_FIELDS,
    CatalogueRevision,
    Chapter,
    City,
    Department,
    DepartmentContact,
    EditorialNote,
    Measure,
    MeasureDepartment,
    PolicyDocument,
    period_values,
)
from portal.dates import now as portal_now
from portal.fingerprint import Verdict, fingerprint, reimport_verdict

from . import SourceError, periods
from . import contacts as contacts_module
from . import errata as errata_module
from .cleaning import clean_line, decode
from .parsing import ParsedDocument, ParsedMeasure, parse

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SOURCES = FIXTURES / "sources"

# A source whose text (characters other than white space) is shorter than at the last import
# by more than this share stops the import, even when no item is missing: a truncation that
# took the closing part and the end of the last item.
SHRINK_LIMIT = 0.10
MISSING_LISTED = 8  # missing items named in the message; the others are counted

DOCUMENT_FIELDS = (
    "title",
    "issuer",
    "issued_on",
    "captured_on",
    "status",
    "complete",
    "city_id",
    *PERIOD_FIELDS,
)
MEASURE_FIELDS = (
    "chapter_id",
    "path",
    "position",
    "title",
    "text",
    "handling",
    "deadline_text",
    *PERIOD_FIELDS,
    "validity_parts",
    "contacts",
    "amounts_yuan",
    "support_amounts_yuan",
    "max_amount_yuan",
    "free_of_application",
)


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # staff edits kept
    retired: list[str] = field(default_factory=list)  # no longer in the source: not deleted
    restored: list[str] = field(default_factory=list)  # back in the source: the same rows
    superseded: list[str] = field(default_factory=list)  # revised or repealed by staff: skipped

    def lines(self) -> list[str]:
        out = [
            f"新建 {len(self.created)}，更新 {len(self.updated)}，未变 {self.unchanged}，"
            f"撤回 {len(self.retired)}，恢复 {len(self.restored)}，"
            f"保留人工修改 {len(self.kept)}"
        ]
        out += [f"  保留人工修改（未覆盖，可用 --overwrite）：{name}" for name in self.kept]
        out += [
            f"  撤回（来源中已无此条；保留编号、链接和办理设置，未删除）：{name}"
            for name in self.retired
        ]
        out += [f"  恢复（来源中重新出现，编号不变）：{name}" for name in self.restored]
        out += [
            f"  跳过（已由部门发布新版本或已废止，不再按来源文件导入）：{name}"
            for name in self.superseded
        ]
        return out


class ShrinkError(SourceError):
    """Sources that lost what the last import had: refused unless ``allow_shrink``.

    ``problems`` are ``SourceError``s, one per source file, each naming the file and line."""

    def __init__(self, problems: list[SourceError]):
        self.problems = problems
        first = problems[0]
        super().__init__(first.source, first.line, first.message)

    def __str__(self):
        return "\n".join(Exception.__str__(problem) for problem in self.problems)


def load_cities(path: Path = FIXTURES / "cities.toml") -> list[dict]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["city"]


def load_department_aliases(path: Path = FIXTURES / "departments.toml") -> dict:
    """{city name: {spelling: canonical name}}"""
    aliases: dict[str, dict[str, str]] = {}
    for entry in tomllib.loads(path.read_text(encoding="utf-8")).get("department", []):
        names = aliases.setdefault(entry["city"], {})
        for spelling in [entry["name"], *entry.get("aliases", [])]:
            names[clean_line(spelling)] = entry["name"]
    return aliases


def parse_sources(
    directory: Path = SOURCES, *, errata_path: Path | None = None
) -> list[ParsedDocument]:
    """Parse every ``*.txt`` source; raise ``SourceError`` on the first that does not parse."""
    errata = _fixture(errata_path or FIXTURES / "errata.toml", errata_module.load)
    city_names = [city["name"] for city in _fixture(FIXTURES / "cities.toml", load_cities)]
    if not directory.is_dir():
        raise SourceError(str(directory), None, "来源目录不存在或不是目录")
    paths = sorted(directory.glob("*.txt"))
    if not paths:
        raise SourceError(str(directory), None, "目录中没有任何 .txt 来源文件")
    parsed = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise SourceError(
                path.name, None, f"无法读取文件：{error.strerror or error}"
            ) from error
        document_erratum = errata.document(path.name)
        try:
            parsed.append(
                parse(
                    path.name,
                    decode(path.name, data),
                    errata=errata.for_source(path.name),
                    city_names=city_names,
                    complete=document_erratum.complete if document_erratum else None,
                )
            )
            parsed[-1].year = document_erratum.year if document_erratum else None
        except SourceError:
            raise
        except Exception as error:  # a parser bug still names the file, never a traceback
            raise SourceError(
                path.name, None, f"解析失败（{type(error).__name__}：{error}）"
            ) from error
    return parsed


def _fixture(path: Path, load):
    """``load(path)``, a curated file's failure named as a ``SourceError``."""
    try:
        return load(path)
    except SourceError:
        raise
    except OSError as error:
        raise SourceError(path.name, None, f"无法读取文件：{error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise SourceError(
            path.name, getattr(error, "lineno", None), f"TOML 格式错误：{error}"
        ) from error
    except (KeyError, TypeError, ValueError) as error:
        raise SourceError(path.name, None, f"内容不完整或格式不对：{error!r}") from error


def import_sources(
    directory: Path = SOURCES,
    *,
    overwrite: bool = False,
    errata_path: Path | None = None,
    allow_shrink: bool = False,
) -> Report:
    """Import every source of ``directory`` in one transaction; nothing is deleted.

    Raises ``SourceError`` (naming the file and, when known, the line) and writes nothing
    when a source does not parse, when a curated file does not match, when a source lost
    items or shrank (``ShrinkError``, unless ``allow_shrink``: then the missing rows are
    retired), or when a row cannot be written."""
    parsed = parse_sources(directory, errata_path=errata_path)  # nothing written before this
    # A seed that staff revised (修订: a newer version was published over it) or repealed
    # is theirs now: the seed file no longer speaks for it.
    superseded = dict(
        PolicyDocument.all_objects.filter(
            Q(version__gt=1) | Q(repealed_on__isnull=False)
        ).values_list("source", "title")
    )
    parsed = [document for document in parsed if document.source not in superseded]
    report = Report(
        superseded=[f"{source}{quote_title(title)}" for source, title in superseded.items()]
    )
    curated = _fixture(periods.VALIDITY_FILE, periods.load)
    for document in parsed:  # validity is read (and its curated entries checked) before writing
        _named(document.source, None, lambda document=document: _read_periods(document, curated))
    aliases = _fixture(FIXTURES / "departments.toml", load_department_aliases)
    # each measure is indexed once, after all are written, not on every save
    with transaction.atomic(), search.deferred_indexing():
        losses = _named(
            str(directory), None, lambda: find_losses(parsed, directory, errata_path=errata_path)
        )
        if losses and not allow_shrink:
            raise ShrinkError([loss.error() for loss in losses])
        cities = _named("cities.toml", None, _write_cities)
        touched: list[Measure] = []
        for document in parsed:
            touched += _named(
                document.source,
                None,
                lambda document=document: _write_document(
                    document, cities, aliases, overwrite, report
                ),
            )
        retired = []
        for loss in losses:
            retired += _named(loss.source, None, lambda loss=loss: _retire(loss, report))
        _named(str(directory), None, lambda: _after_write(touched, retired))
        _named(str(directory), None, lambda: write_department_contacts(cities.values(), aliases))
    return report


def _read_periods(document: ParsedDocument, curated) -> None:
    document.period = periods.document_period(
        document.source, document.clean_text, document.issued_on, curated
    )
    year = document.issued_on.year if document.issued_on else None
    for measure in document.measures:
        measure.period, measure.parts = periods.measure_periods(
            document.source,
            measure.path_key,
            measure.text,
            measure.deadline_text,
            document.period,
            year,
            curated,
        )


def _named(source: str, line: int | None, write):
    """``write()``; a database refusal (a protected row, a constraint, a value too long), or
    any other failure, becomes a ``SourceError`` naming the source (and the line when
    known). Inside the import's transaction, which it thus rolls back."""
    try:
        return write()
    except SourceError:
        raise
    except (ProtectedError, RestrictedError) as error:
        protected = getattr(error, "protected_objects", None) or getattr(
            error, "restricted_objects", ()
        )
        rows = sorted({f"{row._meta.verbose_name}“{row}”" for row in protected})[:3]
        raise SourceError(
            source, line, f"写入时遇到仍被引用、不能删除的数据（{'、'.join(rows)}等）"
        ) from error
    except DatabaseError as error:
        raise SourceError(source, line, f"写入数据库失败：{error}") from error
    except Exception as error:  # a bug still names the source, never a bare traceback
        raise SourceError(source, line, f"导入时出错（{type(error).__name__}：{error}）") from error


# -- lost items: refused, or retired --------------------------------------------------------


@dataclass
class Loss:
    """What a source lost since the last import: measures no longer in it (or the whole file)."""

    source: str
    document: PolicyDocument
    missing: list[Measure]  # public imported measures, in the document's order
    parsed: ParsedDocument | None  # None: the file is gone
    directory: Path
    previous_lines: dict[str, int] = field(default_factory=dict)
    shrink: tuple[int, int] | None = None  # (characters before, after) past SHRINK_LIMIT

    def line(self) -> int | None:
        """Where the loss shows in the new file: the next item still there after the first
        missing one, else the file's last line."""
        if self.parsed is None:
            return None
        if self.missing:
            first = self.missing[0]
            lines = {m.path_key: m.line for m in self.parsed.measures}
            later = self.document.measures.public().filter(position__gt=first.position)
            for key in later.order_by("position").values_list("path_key", flat=True):
                if key in lines:
                    return lines[key]
        return len(self.parsed.source_text.splitlines()) or None

    def error(self) -> SourceError:
        allow = "核对无误后可加 --allow-shrink 重新导入"
        if self.parsed is None:
            return SourceError(
                self.source,
                None,
                f"来源文件已不在目录 {self.directory} 中：上次导入的{quote_title(self.document.title)}"
                f"有 {len(self.missing)} 条措施。{allow}：该文件及其措施将标记为“已撤回”"
                "（不再公开，保留编号、链接和办理设置），不会删除。",
            )
        parts = []
        if self.missing:
            first = self.missing[0]
            where = self.previous_lines.get(first.path_key)
            where = f"，上次导入时在第 {where} 行" if where else ""
            keys = [m.path_key for m in self.missing]
            named = "、".join(keys[:MISSING_LISTED]) + (
                " 条等" if len(keys) > MISSING_LISTED else " 条"
            )
            before = len(self.missing) + len(self.parsed.measures)
            parts.append(
                f"缺少上次导入的 {len(keys)} 条措施（第 {named}；首条第 {first.path_key} 条"
                f"“{first.title}”{where}），措施由 {before} 条减至 {len(self.parsed.measures)} 条"
            )
        if self.shrink:
            old, new = self.shrink
            parts.append(
                f"正文比上次导入短了 {(old - new) / old:.0%}（{old} 字 → {new} 字，"
                f"超过 {SHRINK_LIMIT:.0%} 的限度）"
            )
        then = (
            "：缺少的措施将标记为“已撤回”（不再公开，保留编号、链接和办理设置），不会删除。"
            if self.missing
            else "。"
        )
        return SourceError(
            self.source,
            self.line(),
            "；".join(parts) + f"。文件可能被截断或损坏，导入已停止。{allow}{then}",
        )


def _size(text: str) -> int:
    return sum(1 for char in text if not char.isspace())


def find_losses(parsed: list[ParsedDocument], directory: Path, *, errata_path=None) -> list[Loss]:
    """Compare each parsed source with what the catalogue has for it (reads only)."""
    losses = []
    sources = {document.source for document in parsed}
    for document in parsed:
        row = PolicyDocument.all_objects.filter(source=document.source).first()
        if row is None:
            continue
        keys = {measure.path_key for measure in document.measures}
        missing = [m for m in _imported_measures(row) if m.path_key not in keys]
        old, new = _size(row.source_text), _size(document.source_text)
        shrink = (old, new) if old and (old - new) / old > SHRINK_LIMIT else None
        if missing or shrink:
            losses.append(Loss(document.source, row, missing, document, directory, shrink=shrink))
    gone = (  # a seed file that is gone (a published document has no file in the directory)
        PolicyDocument.objects.filter(
            origin=PolicyDocument.Origin.SEED, version=1, repealed_on__isnull=True
        )
        .exclude(import_fingerprint="")
        .exclude(source__in=sources)
    )
    for row in gone.order_by("source"):  # all its measures go with it: none stays public
        measures = list(row.measures.public().order_by("position"))
        losses.append(Loss(row.source, row, measures, None, directory))
    for loss in losses:
        if loss.missing and loss.parsed is not None:
            loss.previous_lines = _previous_lines(loss.document, errata_path)
    return losses


def _imported_measures(document: PolicyDocument) -> list[Measure]:
    """The public measures the importer wrote (staff never add any; if they did, the
    import would leave them alone)."""
    return list(document.measures.public().exclude(import_fingerprint="").order_by("position"))


def _previous_lines(document: PolicyDocument, errata_path) -> dict[str, int]:
    """{path key: source line} of the last import, read again from the stored source text
    (empty when it no longer parses with today's errata)."""
    try:
        errata = errata_module.load(errata_path or FIXTURES / "errata.toml")
        previous = parse(
            document.source,
            document.source_text,
            errata=errata.for_source(document.source),
            city_names=[city["name"] for city in load_cities()],
        )
    except Exception:  # only a hint for the message: never a reason to fail
        return {}
    return {measure.path_key: measure.line for measure in previous.measures}


def _retire(loss: Loss, report: Report) -> list[Measure]:
    """Retire what the source lost: its missing measures (and the document of a gone file).
    The rows and all that hangs on them stay; only ``retired_at`` and the reason change."""
    now = portal_now()
    day = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    when = f"{day.year}年{day.month}月{day.day}日"
    if loss.parsed is None:
        reason = f"{when}导入时已无此文件的来源文本"
        loss.document.retired_at, loss.document.retired_reason = now, reason
        loss.document.save(update_fields=["retired_at", "retired_reason"])
        report.retired.append(f"{loss.source}{quote_title(loss.document.title)}（整个文件）")
    else:
        reason = f"{when}导入的来源文件中已无此条"
    for measure in loss.missing:
        measure.retired_at, measure.retired_reason = now, reason
        measure.save(update_fields=["retired_at", "retired_reason"])
        report.retired.append(f"{loss.source} 第{measure.path_key}条 {measure.title}")
    return loss.missing


def _write_cities() -> dict[str, City]:
    cities = {}
    for entry in load_cities():
        city, _ = City.objects.update_or_create(
            name=entry["name"],
            defaults={
                "slug": entry["slug"],
                "province": entry["province"],
                "code": entry["code"],
                "phone_area_code": entry.get("phone_area_code", ""),
            },
        )
        cities[city.name] = city
    return cities


def _document_values(parsed: ParsedDocument, city: City) -> dict:
    return {
        "title": parsed.title,
        "issuer": parsed.issuer,
        "issued_on": parsed.issued_on,
        "captured_on": parsed.captured_on,
        "status": PolicyDocument.Status.DRAFT if parsed.draft else PolicyDocument.Status.PUBLISHED,
        "complete": parsed.complete,
        "city_id": city.pk,
        **period_values(parsed.period),
    }


def document_year(parsed: ParsedDocument) -> int | None:
    """The year in a new document's identifier (``PolicyDocument.new_slug``): of its date,
    else the curated year of an undated draft (errata.toml), else of its capture."""
    for year in (
        parsed.issued_on.year if parsed.issued_on else None,
        parsed.year,
        parsed.captured_on.year if parsed.captured_on else None,
    ):
        if year:
            return year
    return None


def _write_document(parsed, cities, aliases, overwrite, report) -> list[Measure]:
    city = cities[parsed.city_name]
    values = _document_values(parsed, city)
    always = {
        "source_text": parsed.source_text,
        "clean_text": parsed.clean_text,
        "closing_text": "\n".join(parsed.closing),
        "source_sha256": hashlib.sha256(parsed.source_text.encode("utf-8")).hexdigest(),
    }
    document = PolicyDocument.all_objects.filter(source=parsed.source).first()
    label = f"{parsed.source}{quote_title(parsed.title)}"
    if document is not None and document.is_retired:  # the file is back: the same row
        document.retired_at, document.retired_reason = None, ""
        document.save(update_fields=["retired_at", "retired_reason"])
        report.restored.append(f"{label}（整个文件）")
    if document is None:
        document = PolicyDocument(
            source=parsed.source,
            import_fingerprint=fingerprint(values),
            imported_at=timezone.now(),
            **values,
            **always,
        )
        document.city = city
        document.slug = document.new_slug(document_year(parsed))
        document.save()
        report.created.append(label)
    else:
        _update(document, values, always, DOCUMENT_FIELDS, overwrite, report, label)

    chapters = _write_chapters(document, parsed)
    departments = _departments(parsed, city, aliases)
    touched = []
    for position, measure in enumerate(parsed.measures, start=1):
        row = _named(
            parsed.source,
            measure.line,
            lambda measure=measure, position=position: _write_measure(
                document, measure, position, chapters, departments, overwrite, report
            ),
        )
        if row is not None:
            touched.append(row)
    # Measures no longer in the source are not deleted: ``find_losses`` refused the import,
    # or (``allow_shrink``) ``_retire`` retires them.
    _write_notes(document, parsed)
    return touched


def _update(row, values, always, fields, overwrite, report, label) -> bool:
    """Write ``values`` to ``row`` unless staff changed it; return whether anything changed."""
    current = fingerprint({name: getattr(row, name) for name in fields})
    new_fingerprint = fingerprint(values)
    verdict = reimport_verdict(
        row.import_fingerprint, current, new_fingerprint, overwrite=overwrite
    )
    changed = False
    if verdict is Verdict.KEEP:
        report.kept.append(label)
    if verdict is Verdict.WRITE:
        for name, value in values.items():
            setattr(row, name, value)
    # EDIT_AGREES: the row keeps the fingerprint of the import before staff changed it
    if verdict in (Verdict.WRITE, Verdict.RESTAMP):
        row.import_fingerprint = new_fingerprint
        changed = True
    for name, value in always.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.save()
        report.updated.append(label)
    else:
        report.unchanged += 1
    return changed


def _write_chapters(document: PolicyDocument, parsed: ParsedDocument) -> dict[int, Chapter]:
    existing = {chapter.number: chapter for chapter in document.chapters.all()}
    for parsed_chapter in parsed.chapters:
        chapter = existing.get(parsed_chapter.number)
        if chapter is None:
            existing[parsed_chapter.number] = Chapter.objects.create(
                document=document, number=parsed_chapter.number, title=parsed_chapter.title
            )
        elif chapter.title != parsed_chapter.title:
            chapter.title = parsed_chapter.title
            chapter.save(update_fields=["title"])
    # A chapter no longer in the source is kept (never deleted): retired measures still
    # belong to it, and it is the same row when the source has it again.
    return existing


def canonical_department(name: str, city_name: str, aliases: dict) -> str:
    return aliases.get(city_name, {}).get(name, name)


def _departments(parsed: ParsedDocument, city: City, aliases: dict) -> dict[str, Department]:
    """{spelling in this document: Department row}, creating rows for new names."""
    spellings = {name for measure in parsed.measures for name in measure.departments}
    canonical = {name: canonical_department(name, city.name, aliases) for name in spellings}
    rows = {
        row.name: row
        for row in Department.objects.filter(
            city=city, district=None, name__in=set(canonical.values())
        )
    }
    result = {}
    for spelling, name in sorted(canonical.items()):
        row = rows.get(name)
        if row is None:
            row = rows[name] = Department.objects.create(
                name=name, city=city, province=city.province, level=Department.Level.CITY
            )
        if spelling != name and spelling not in row.aliases:
            row.aliases = sorted([*row.aliases, spelling])
            row.save(update_fields=["aliases"])
        result[spelling] = row
    return result


def _measure_values(measure: ParsedMeasure, position: int, chapters: dict) -> dict:
    support = measure.support_amounts_yuan
    chapter = chapters.get(measure.chapter) if measure.chapter else None
    return {
        "chapter_id": chapter.pk if chapter else None,
        "path": measure.path,
        "position": position,
        "title": measure.title,
        "text": measure.text,
        "handling": measure.handling_text,
        "deadline_text": measure.deadline_text.strip().rstrip("。"),
        **period_values(measure.period),
        "validity_parts": measure.parts,
        "contacts": measure.contacts,
        "amounts_yuan": measure.amounts_yuan,
        "support_amounts_yuan": support,
        "max_amount_yuan": max(support) if support else None,
        "free_of_application": measure.free_of_application,
    }


def _measure_fingerprint(values: dict, department_ids: list[int]) -> str:
    return fingerprint({**values, "departments": department_ids})


def _write_measure(document, measure, position, chapters, departments, overwrite, report):
    values = _measure_values(measure, position, chapters)
    department_ids = list(dict.fromkeys(departments[name].pk for name in measure.departments))
    new_fingerprint = _measure_fingerprint(values, department_ids)
    label = f"{document.source} 第{measure.path_key}条 {measure.title}"
    row = Measure.all_objects.filter(document=document, path_key=measure.path_key).first()
    if row is not None and row.is_retired:  # back in the source: the same row, and all on it
        row.retired_at, row.retired_reason = None, ""
        row.save(update_fields=["retired_at", "retired_reason"])
        report.restored.append(label)
    if row is None:
        row = Measure.all_objects.create(
            document=document,
            path_key=measure.path_key,
            import_fingerprint=new_fingerprint,
            **values,
        )
        _set_departments(row, department_ids)
        report.created.append(label)
        return row
    current_departments = list(
        MeasureDepartment.objects.filter(measure=row).values_list("department_id", flat=True)
    )
    current = _measure_fingerprint(
        {name: getattr(row, name) for name in MEASURE_FIELDS}, current_departments
    )
    verdict = reimport_verdict(
        row.import_fingerprint, current, new_fingerprint, overwrite=overwrite
    )
    if verdict is Verdict.KEEP:
        report.kept.append(label)  # staff changed it since the last import
        return None
    if verdict is not Verdict.WRITE:  # the row holds the new values
        if verdict is not Verdict.UNCHANGED:
            row.import_fingerprint = new_fingerprint
            row.save(update_fields=["import_fingerprint"])
        report.unchanged += 1
        return None  # a restored row has no search index: ``_after_write`` rebuilds it
    for name, value in values.items():
        setattr(row, name, value)
    row.import_fingerprint = new_fingerprint
    row.save()
    _set_departments(row, department_ids)
    report.updated.append(label)
    return row


def _set_departments(measure: Measure, department_ids: list[int]) -> None:
    MeasureDepartment.objects.filter(measure=measure).delete()
    MeasureDepartment.objects.bulk_create(
        MeasureDepartment(measure=measure, department_id=pk, position=index)
        for index, pk in enumerate(department_ids)
    )


def note_change(garbled: str, correction: str | None) -> tuple[str, str]:
    """What an erratum does, for its note's wording: (kind, the text deleted or added).

    No correction: 照录 (the damage is only noted). A correction that is the run without its
    end or start: 删去 that part; the run with more at its end or start: 补 that part; any
    other: 校正为."""
    kind = EditorialNote.Kind
    if correction is None:
        return kind.KEEP, ""
    if correction == "":
        return kind.DELETE, garbled
    if garbled.startswith(correction):
        return kind.DELETE, garbled[len(correction) :]
    if garbled.endswith(correction):
        return kind.DELETE, garbled[: -len(correction)]
    if correction.startswith(garbled):
        return kind.INSERT, correction[len(garbled) :]
    if correction.endswith(garbled):
        return kind.INSERT, correction[: len(correction) - len(garbled)]
    return kind.REPLACE, ""


def _note_places(parsed: ParsedDocument, lines: tuple[int, ...], anchor: str) -> list:
    """The parsed measures (None: the text before or after the measures) an erratum's lines
    fall in, in order, each once. A line belongs to the last measure starting at or before
    it; before the first, to the preamble; in the closing lines, to none."""
    closing = "\n".join(parsed.closing)
    places = []
    for number in lines:
        measure = None
        for candidate in parsed.measures:
            if candidate.line <= number:
                measure = candidate
            else:
                break
        if measure is not None and anchor and anchor in closing and anchor not in measure.text:
            measure = None
        if not any(place is measure for place in places):
            places.append(measure)
    return places


def _write_notes(document: PolicyDocument, parsed: ParsedDocument) -> None:
    """Editorial notes mirror the errata, one note for each place an erratum corrects, in
    the order of the text; rewritten whenever they differ (derived rows, like the text)."""
    measures = {m.path_key: m for m in document.measures.all()}
    order = {None: -1} | {m.path_key: m.position for m in measures.values()}
    wanted = []
    for index, applied in enumerate(parsed.errata):
        erratum = applied.erratum
        correction = clean_line(erratum.correction) if erratum.correction is not None else ""
        anchor = clean_line(
            erratum.correction if erratum.correction is not None else erratum.garbled
        )
        kind, change = note_change(erratum.garbled, erratum.correction)
        for place in _note_places(parsed, applied.lines or (applied.line,), anchor):
            key = place.path_key if place is not None else None
            measure = measures.get(key)
            wanted.append(
                (
                    (order.get(key, -1), index),
                    (
                        measure.pk if measure else None,
                        erratum.garbled,
                        correction,
                        str(kind),
                        change[:100],
                        anchor[:200],
                        erratum.reason,
                    ),
                )
            )
    wanted = [values for _, values in sorted(wanted, key=lambda item: item[0])]
    existing = [
        (
            note.measure_id,
            note.garbled,
            note.correction,
            note.kind,
            note.change,
            note.anchor,
            note.reason,
        )
        for note in document.editorial_notes.order_by("pk")
    ]
    if existing != wanted:
        document.editorial_notes.all().delete()
        EditorialNote.objects.bulk_create(
            EditorialNote(
                document=document,
                measure_id=measure_id,
                garbled=garbled,
                correction=correction,
                kind=kind,
                change=change,
                anchor=anchor,
                reason=reason,
            )
            for measure_id, garbled, correction, kind, change, anchor, reason in wanted
        )


def write_department_contacts(cities, aliases: dict) -> None:
    """Derive each department's contact persons from its city's public measures (see
    ``policies.importer.contacts``) and write them: new ones created, changed phones and
    measures refreshed, none deleted (one no measure names any more keeps its row, without
    measures, and is not shown). Writes nothing when nothing changed."""
    for city in cities:
        departments = list(Department.objects.filter(city=city, district=None))
        spellings: dict[str, int] = {}
        by_name = {department.name: department.pk for department in departments}
        for department in departments:
            for spelling in [department.name, *department.aliases]:
                spellings.setdefault(clean_line(spelling), department.pk)
        for spelling, name in aliases.get(city.name, {}).items():
            if name in by_name:
                spellings.setdefault(spelling, by_name[name])
        documents = PolicyDocument.objects.filter(city=city).values("id")  # no join: see views
        measures = list(
            Measure.objects.filter(document_id__in=documents)
            .order_by("document_id", "position")
            .values_list("pk", "contacts")
        )
        links: dict[int, list[int]] = {}
        for measure_id, department_id in (
            MeasureDepartment.objects.filter(measure_id__in=[pk for pk, _ in measures])
            .order_by("measure_id", "position")
            .values_list("measure_id", "department_id")
        ):
            links.setdefault(measure_id, []).append(department_id)
        entries = contacts_module.match_entries(
            [(pk, contacts, links.get(pk, [])) for pk, contacts in measures if contacts],
            spellings,
        )
        derived = contacts_module.department_contacts(entries)
        rows = {
            (row.department_id, row.office, row.title, row.name): row
            for row in DepartmentContact.objects.filter(department__city=city).prefetch_related(
                "measures"
            )
        }
        for position, contact in enumerate(derived):
            row = rows.pop(contact.key, None)
            if row is None:
                row = DepartmentContact.objects.create(
                    department_id=contact.department_id,
                    office=contact.office,
                    title=contact.title,
                    name=contact.name,
                    phones=contact.phones,
                    position=position,
                )
            elif (row.phones, row.position) != (contact.phones, position):
                row.phones, row.position = contact.phones, position
                row.save(update_fields=["phones", "position"])
            if sorted(m.pk for m in row.measures.all()) != sorted(contact.measure_ids):
                row.measures.set(contact.measure_ids)
        for row in rows.values():  # no longer named: kept, without measures
            if row.measures.all():
                row.measures.clear()


def _after_write(measures: list[Measure], retired: list[Measure] = ()) -> None:
    """Topics, the search index and the self-check rules' periods for measures whose imported
    content changed (or that lack topics or an index: a restored measure gets its index
    back). Retired measures leave the search index (``search.reindex_measures`` indexes
    public measures only) and keep their topics and rules as they are."""
    from policies.eligibility.loader import refresh_periods
    from policies.eligibility.models import EligibilityRule

    if retired:
        search.reindex_measures(retired)

    refresh_periods(
        EligibilityRule.objects.filter(measure__in=[m.pk for m in measures]).select_related(
            "measure__document"
        )
    )
    needing = {m.pk: m for m in [*measures, *Measure.objects.filter(topics=None)]}
    if needing:
        taxonomy.assign_taxonomy(list(needing.values()))
    needing = {m.pk: m for m in [*measures, *Measure.objects.filter(grams=None)]}
    if needing:
        search.reindex_measures(list(needing.values()))
    CatalogueRevision.bump()  # bulk writes (links, notes, the index) send no signals

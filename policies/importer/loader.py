"""Parsed documents → database rows.

Idempotent: rows are found by stable keys (City.name, PolicyDocument.source, Chapter number,
Measure path), and a row whose imported values did not change is not written. Staff edits
survive: each document and measure remembers a fingerprint of the values the importer last
wrote; when the row in the database no longer matches it, staff changed it in the admin, and
the importer reports the row and keeps it unless ``overwrite`` is set.
"""

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from policies import search, taxonomy
from policies.models import (
    PERIOD_FIELDS,
    Chapter,
    City,
    Department,
    EditorialNote,
    Measure,
    MeasureDepartment,
    PolicyDocument,
    period_values,
)
from portal.fingerprint import fingerprint

from . import SourceError, periods
from . import errata as errata_module
from .cleaning import clean_line, decode
from .parsing import ParsedDocument, ParsedMeasure, parse

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SOURCES = FIXTURES / "sources"

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
    deleted: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"新建 {len(self.created)}，更新 {len(self.updated)}，未变 {self.unchanged}，"
            f"删除 {len(self.deleted)}，保留人工修改 {len(self.kept)}"
        ]
        out += [f"  保留人工修改（未覆盖，可用 --overwrite）：{name}" for name in self.kept]
        out += [f"  删除（原文已无此条）：{name}" for name in self.deleted]
        return out


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
    errata = errata_module.load(errata_path or FIXTURES / "errata.toml")
    city_names = [city["name"] for city in load_cities()]
    paths = sorted(directory.glob("*.txt"))
    if not paths:
        raise SourceError(str(directory), None, "目录中没有任何 .txt 来源文件")
    parsed = []
    for path in paths:
        text = decode(path.name, path.read_bytes())
        document_erratum = errata.document(path.name)
        parsed.append(
            parse(
                path.name,
                text,
                errata=errata.for_source(path.name),
                city_names=city_names,
                complete=document_erratum.complete if document_erratum else None,
            )
        )
    return parsed


def import_sources(
    directory: Path = SOURCES, *, overwrite: bool = False, errata_path: Path | None = None
) -> Report:
    parsed = parse_sources(directory, errata_path=errata_path)  # nothing written before this
    curated = periods.load()
    for document in parsed:  # validity is read (and its curated entries checked) before writing
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
    aliases = load_department_aliases()
    report = Report()
    # each measure is indexed once, after all are written, not on every save
    with transaction.atomic(), search.deferred_indexing():
        cities = _write_cities()
        touched: list[Measure] = []
        for document in parsed:
            touched += _write_document(document, cities, aliases, overwrite, report)
        _after_write(touched)
    return report


def _write_cities() -> dict[str, City]:
    cities = {}
    for entry in load_cities():
        city, _ = City.objects.update_or_create(
            name=entry["name"],
            defaults={"slug": entry["slug"], "province": entry["province"], "code": entry["code"]},
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


def _write_document(parsed, cities, aliases, overwrite, report) -> list[Measure]:
    city = cities[parsed.city_name]
    values = _document_values(parsed, city)
    always = {
        "source_text": parsed.source_text,
        "clean_text": parsed.clean_text,
        "source_sha256": hashlib.sha256(parsed.source_text.encode("utf-8")).hexdigest(),
    }
    document = PolicyDocument.objects.filter(source=parsed.source).first()
    label = f"{parsed.source}《{parsed.title}》"
    if document is None:
        document = PolicyDocument.objects.create(
            source=parsed.source,
            import_fingerprint=fingerprint(values),
            imported_at=timezone.now(),
            **values,
            **always,
        )
        report.created.append(label)
    else:
        _update(document, values, always, DOCUMENT_FIELDS, overwrite, report, label)

    chapters = _write_chapters(document, parsed)
    departments = _departments(parsed, city, aliases)
    touched = []
    seen_keys = set()
    for position, measure in enumerate(parsed.measures, start=1):
        seen_keys.add(measure.path_key)
        row = _write_measure(document, measure, position, chapters, departments, overwrite, report)
        if row is not None:
            touched.append(row)
    stale = document.measures.exclude(path_key__in=seen_keys)
    for row in stale:
        report.deleted.append(f"{parsed.source} 第{row.path_key}条 {row.title}")
    stale.delete()
    _write_notes(document, parsed)
    return touched


def _update(row, values, always, fields, overwrite, report, label) -> bool:
    """Write ``values`` to ``row`` unless staff changed it; return whether anything changed."""
    current = {name: getattr(row, name) for name in fields}
    staff_edited = row.import_fingerprint and fingerprint(current) != row.import_fingerprint
    changed = False
    if staff_edited and not overwrite:
        if fingerprint(values) != fingerprint(current):
            report.kept.append(label)
    elif fingerprint(current) != fingerprint(values):
        for name, value in values.items():
            setattr(row, name, value)
        changed = True
    for name, value in always.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    new_fingerprint = (
        row.import_fingerprint if staff_edited and not overwrite else fingerprint(values)
    )
    if new_fingerprint != row.import_fingerprint:
        row.import_fingerprint = new_fingerprint
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
    wanted = {parsed_chapter.number for parsed_chapter in parsed.chapters}
    for number in set(existing) - wanted:
        existing.pop(number).delete()
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
    row = Measure.objects.filter(document=document, path_key=measure.path_key).first()
    if row is None:
        row = Measure.objects.create(
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
    if current == new_fingerprint:
        if row.import_fingerprint != new_fingerprint:
            row.import_fingerprint = new_fingerprint
            row.save(update_fields=["import_fingerprint"])
        report.unchanged += 1
        return None
    if row.import_fingerprint and current != row.import_fingerprint and not overwrite:
        report.kept.append(label)  # staff changed it since the last import
        return None
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


def _write_notes(document: PolicyDocument, parsed: ParsedDocument) -> None:
    """Editorial notes mirror the errata: rewritten whenever they differ."""
    measures = list(document.measures.all())
    wanted = []
    for applied in parsed.errata:
        erratum = applied.erratum
        correction = clean_line(erratum.correction) if erratum.correction is not None else ""
        anchor = clean_line(
            erratum.correction if erratum.correction is not None else erratum.garbled
        )
        measure = next((m for m in measures if anchor and anchor in m.text), None)
        wanted.append(
            (measure.pk if measure else None, erratum.garbled, correction, erratum.reason)
        )
    existing = [
        (note.measure_id, note.garbled, note.correction, note.reason)
        for note in document.editorial_notes.order_by("pk")
    ]
    if existing != wanted:
        document.editorial_notes.all().delete()
        EditorialNote.objects.bulk_create(
            EditorialNote(
                document=document, measure_id=measure_id, garbled=g, correction=c, reason=r
            )
            for measure_id, g, c, r in wanted
        )


def _after_write(measures: list[Measure]) -> None:
    """Topics, the search index and the self-check rules' periods for measures whose imported
    content changed (or that lack topics or an index)."""
    from policies.eligibility.loader import refresh_periods
    from policies.eligibility.models import EligibilityRule

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

"""Publishing policy documents: staff put a document in, see it as it will appear, publish it.

The same pipeline as the seed import (``policies.importer``: cleaning, parsing, fields,
validity, the loader's writes), for documents departments publish every month:

``create_draft``  a file (.docx, text-layer .pdf, .txt) or pasted text → a ``DocumentDraft``
                  (the upload kept verbatim with its hash); nothing is public
``preview``       the draft parsed afresh (reads only): chapters, measures, every field, and
                  the warnings (lines it could not place, numbering gaps, measures without a
                  department, amounts it could not read, suspicious characters); for a
                  revision, which measure of the current version each one continues
``publish``       a guarded write: the draft goes from 待发布 to 已发布 once (a conditional
                  UPDATE on its state and version), and the document is written — a new
                  document, or a new version of the one it supersedes (修订): the old version
                  is kept as a ``DocumentVersion``, measures keep their rows (ids, URLs,
                  intake, workflow, rule, applications), each changed, added or removed one
                  records a ``MeasureRevision``, removed ones are retired, the self-check
                  rules of changed ones are flagged 需复核, and a new measure with money gets
                  a rule suggestion that is never used until staff accept it
``repeal``        废止: the document and its measures leave the public lists; their pages say
                  "已废止（日期，依据）"

Nothing here deletes a row. A draft whose preview has a blocking warning (a line it could
not place, no measure, no title) cannot be published: never half-parsed.
"""

import dataclasses
import datetime
import difflib
import hashlib
import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import CharField, F, Prefetch, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from policies import diffs
from policies.formatting import format_yuan, quote_title
from policies.importer import SourceError, loader, periods
from policies.importer.parsing import ParsedDocument, ParsedMeasure, parse
from policies.models import (
    CatalogueRevision,
    City,
    DocumentDraft,
    DocumentVersion,
    Measure,
    MeasureDepartment,
    MeasureRevision,
    PolicyDocument,
)
from portal.dates import now as portal_now

# A measure of the new version continues one of the current version when their texts are
# this alike (difflib's ratio), or when their titles are the same.
SAME_MEASURE = 0.55
# The fields whose change a revision records, shows and flags for the self-check rule.
COMPARED = tuple(diffs.LABELS.items())


class PublishError(Exception):
    """The draft cannot be published (already published, changed meanwhile, or its preview
    has blocking warnings): ``message`` says why, in Chinese."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# -- drafts -----------------------------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def create_draft(
    *,
    city: City,
    issuer: str,
    issued_on: datetime.date,
    user=None,
    filename: str = "",
    data: bytes | None = None,
    text: str = "",
    title: str = "",
    source_url: str = "",
    supersedes: PolicyDocument | None = None,
) -> DocumentDraft:
    """A draft from an uploaded file (``filename`` and ``data``, kept verbatim) or pasted
    ``text``. Raises ``SourceError`` (a Chinese message) when the file cannot be read — a
    scanned PDF without a text layer among them."""
    from policies.importer.extract import extract_text

    if data is not None:
        text = extract_text(filename, data)
        original = data
    else:
        if not text.strip():
            raise SourceError(filename or "粘贴的正文", None, "正文为空")
        original = text.encode("utf-8")
    draft = DocumentDraft(
        city=city,
        issuer=issuer.strip(),
        issued_on=issued_on,
        title=title.strip(),
        source_url=source_url.strip(),
        supersedes=supersedes,
        text=text,
        source_filename=filename,
        source_sha256=sha256(original),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if data is not None:
        draft.source_file.save(_safe_name(filename), ContentFile(data), save=False)
    draft.save()
    return draft


def _safe_name(filename: str) -> str:
    stem, dot, extension = filename.rpartition(".")
    extension = re.sub(r"[^A-Za-z0-9]", "", extension)[:8].lower() if dot else "txt"
    return f"source.{extension or 'txt'}"


def _claim(draft: DocumentDraft, expected_version: int, refused: str, **values) -> None:
    """The one guarded write of a draft: a conditional UPDATE on its state (待发布) and
    version, which bumps the version, inside the caller's transaction; ``PublishError``
    (``refused``) when another request published, discarded or edited it first."""
    updated = DocumentDraft.objects.filter(
        pk=draft.pk, state=DocumentDraft.State.EDITING, lock_version=expected_version
    ).update(lock_version=F("lock_version") + 1, **values)
    if not updated:
        raise PublishError(refused)
    draft.refresh_from_db()


def update_draft(draft: DocumentDraft, expected_version: int, **values) -> DocumentDraft:
    """Staff's corrections of a draft (its text, title, issuer…): guarded (``_claim``), so
    that an edit never lands on a draft someone published meanwhile or overwrites another's
    edit. Raises ``PublishError`` when it lost the race."""
    allowed = {"text", "title", "issuer", "issued_on", "source_url", "city", "supersedes"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not a draft field: {sorted(unknown)}")
    with transaction.atomic():
        _claim(
            draft,
            expected_version,
            "该文件已发布、已放弃或刚被他人修改，请重新打开后再改。",
            updated_at=timezone.now(),
            **values,
        )
    return draft


def discard_draft(draft: DocumentDraft, expected_version: int) -> None:
    with transaction.atomic():
        _claim(
            draft,
            expected_version,
            "该文件已发布、已放弃或刚被他人修改。",
            state=DocumentDraft.State.DISCARDED,
        )


# -- preview (reads only) -----------------------------------------------------------------


@dataclasses.dataclass
class Continuation:
    """A measure of the new version and the current one it continues (None: new)."""

    parsed: ParsedMeasure
    measure: Measure | None
    changes: list[str]  # the labels of the fields that change ("正文", "最高金额"…)


@dataclasses.dataclass
class Preview:
    parsed: ParsedDocument | None
    error: SourceError | None = None  # the text could not be read at all
    continuations: list[Continuation] = dataclasses.field(default_factory=list)
    removed: list[Measure] = dataclasses.field(default_factory=list)

    @property
    def warnings(self):
        return self.parsed.warnings if self.parsed is not None else []

    @property
    def blocking(self):
        return [warning for warning in self.warnings if warning.blocking]

    @property
    def publishable(self) -> bool:
        return self.error is None and self.parsed is not None and not self.blocking


def _parse_draft(draft: DocumentDraft) -> ParsedDocument:
    # the errata correct the seeds' verbatim files; a published text is corrected by editing it
    source = draft.supersedes.source if draft.supersedes_id else f"draft-{draft.pk or 0}"
    parsed = parse(
        source,
        draft.text,
        errata=[],
        city_names=[draft.city.name],
        city=draft.city.name,
        issuer=draft.issuer,
        issued_on=draft.issued_on,
        title=draft.title or None,
        lenient=True,
    )
    curated = periods.load()
    loader._read_periods(parsed, curated)
    return parsed


def preview(draft: DocumentDraft) -> Preview:
    """The draft as it would be published, with its warnings; reads only."""
    try:
        parsed = _parse_draft(draft)
    except SourceError as error:
        return Preview(parsed=None, error=error)
    result = Preview(parsed=parsed)
    if draft.supersedes_id:
        current = list(_with_departments(draft.supersedes.measures.public()).order_by("position"))
        aliases = loader.load_department_aliases()

        def canonical(name):
            return loader.canonical_department(name, draft.city.name, aliases)

        pairs = match_measures(current, parsed.measures)
        used = set()
        for index, new in enumerate(parsed.measures):
            old = pairs.get(index)
            if old is not None:
                used.add(old.pk)
            changes = changed_fields(snapshot(old), parsed_snapshot(new, canonical)) if old else []
            result.continuations.append(Continuation(new, old, changes))
        result.removed = [measure for measure in current if measure.pk not in used]
    else:
        result.continuations = [Continuation(new, None, []) for new in parsed.measures]
    return result


# -- matching a new version's measures to the current ones ------------------------------------


def _similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SAME_MEASURE or matcher.quick_ratio() < SAME_MEASURE:
        return 0.0
    return matcher.ratio()


def match_measures(current: list, new: list[ParsedMeasure]) -> dict[int, object]:
    """{index in ``new``: the current measure it continues}. Pairs are taken best first: the
    same title, else alike texts (``SAME_MEASURE``); the same number only breaks ties, so
    that a measure removed in the middle does not shift its followers onto each other."""
    scored = []
    for i, parsed in enumerate(new):
        for j, old in enumerate(current):
            ratio = _similarity(old.text, parsed.text)
            same_title = bool(parsed.title) and old.title == parsed.title
            if ratio < SAME_MEASURE and not same_title:
                continue
            score = (
                ratio
                + (0.5 if same_title else 0)
                + (0.01 if old.path_key == parsed.path_key else 0)
            )
            scored.append((score, i, j))
    pairs: dict[int, object] = {}
    taken: set[int] = set()
    for _score, i, j in sorted(scored, key=lambda item: (-item[0], item[1], item[2])):
        if i in pairs or j in taken:
            continue
        pairs[i] = current[j]
        taken.add(j)
    return pairs


def _with_departments(measures):
    """Measures with their departments in the document's order, as ``snapshot`` reads them."""
    return measures.prefetch_related(
        Prefetch(
            "measuredepartment_set",
            queryset=MeasureDepartment.objects.select_related("department").order_by("position"),
        )
    )


def snapshot(measure) -> dict:
    """A measure's compared values as plain data (stored in revisions and versions)."""
    if measure is None:
        return {}
    return {
        "id": measure.pk,
        "path_key": measure.path_key,
        "title": measure.title,
        "text": measure.text,
        "handling": measure.handling,
        "deadline_text": measure.deadline_text,
        "departments": [link.department.name for link in measure.measuredepartment_set.all()],
        "max_amount_yuan": measure.max_amount_yuan,
        "valid_until": measure.valid_until.isoformat() if measure.valid_until else None,
    }


def parsed_snapshot(measure: ParsedMeasure, canonical=lambda name: name) -> dict:
    support = measure.support_amounts_yuan
    period = measure.period
    end = getattr(period, "end", None)
    return {
        "path_key": measure.path_key,
        "title": measure.title,
        "text": measure.text,
        "handling": measure.handling_text,
        "deadline_text": measure.deadline_text.strip().rstrip("。"),
        "departments": list(dict.fromkeys(canonical(name) for name in measure.departments)),
        "max_amount_yuan": max(support) if support else None,
        "valid_until": end.isoformat() if end else None,
    }


def changed_fields(before: dict, after: dict) -> list[str]:
    return [label for name, label in COMPARED if before.get(name) != after.get(name)]


# -- publishing (the guarded write) ---------------------------------------------------------


def publish(draft: DocumentDraft, *, user=None, expected_version: int | None = None):
    """Publish the draft: once, and only whole. Returns the ``PolicyDocument``.

    Raises ``PublishError`` when the draft is no longer 待发布 or changed since
    ``expected_version`` (another request published or edited it), or when its preview has
    a blocking warning; nothing is written then."""
    version = draft.lock_version if expected_version is None else expected_version
    with transaction.atomic():
        _claim(
            draft,
            version,
            "该文件已发布、已放弃或刚被他人修改，未重复发布。",
            state=DocumentDraft.State.PUBLISHED,
        )
        result = preview(draft)
        if not result.publishable:
            problems = (
                [result.error.message] if result.error else [w.message for w in result.blocking]
            )
            raise PublishError("预览中有无法处理的问题，未发布：" + "；".join(problems[:5]))
        if draft.supersedes_id:
            document = _write_revision(draft, result, user)
        else:
            document = _write_new(draft, result, user)
        DocumentDraft.objects.filter(pk=draft.pk).update(document=document)
        draft.document = document
    return document


def _now_and_day():
    now = portal_now()
    day = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    return now, day


def _write(parsed: ParsedDocument, city: City, overwrite: bool):
    """The loader's writes (document, chapters, departments, measures, notes), then topics,
    search index and department contacts; returns (document, touched measures)."""
    aliases = loader.load_department_aliases()
    report = loader.Report()
    touched = loader._write_document(parsed, {parsed.city_name: city}, aliases, overwrite, report)
    document = PolicyDocument.all_objects.get(source=parsed.source)
    return document, touched, aliases


def _provenance(document: PolicyDocument, draft: DocumentDraft, user, now) -> None:
    document.origin = PolicyDocument.Origin.PUBLISHED
    document.source_filename = draft.source_filename
    document.source_sha256 = draft.source_sha256
    document.source_url = draft.source_url
    document.published_by = user if getattr(user, "is_authenticated", False) else None
    document.published_at = now
    if draft.source_file:
        with draft.source_file.open("rb") as handle:
            data = handle.read()
        document.source_file.save(_safe_name(draft.source_filename), ContentFile(data), save=False)
    else:
        document.source_file = ""


def _write_new(draft: DocumentDraft, result: Preview, user) -> PolicyDocument:
    parsed = result.parsed
    now, _day = _now_and_day()
    parsed.source = f"published/{draft.source_sha256[:16]}-{draft.pk}"
    document, touched, aliases = _write(parsed, draft.city, overwrite=True)
    _provenance(document, draft, user, now)
    document.save()
    loader._after_write(touched)
    loader.write_department_contacts([draft.city], aliases)
    suggest_rules(touched)
    return document


def _write_revision(draft: DocumentDraft, result: Preview, user) -> PolicyDocument:
    document = draft.supersedes
    current_version = document.version
    # the document's own guard: two revisions of it never both land on the same version
    bumped = PolicyDocument.all_objects.filter(pk=document.pk, version=current_version).update(
        version=F("version") + 1
    )
    if not bumped:
        raise PublishError("该文件刚被另一次修订更新，请重新预览后再发布。")
    now, day = _now_and_day()
    parsed = result.parsed
    current = list(_with_departments(document.measures.all()).order_by("position"))
    DocumentVersion.objects.create(
        document=document,
        number=current_version,
        title=document.title,
        issuer=document.issuer,
        issued_on=document.issued_on,
        source_text=document.source_text,
        clean_text=document.clean_text,
        source_sha256=document.source_sha256,
        source_file=document.source_file.name if document.source_file else "",
        source_filename=document.source_filename,
        source_url=document.source_url,
        published_at=document.published_at or document.imported_at,
        published_by_name=document.published_by.get_username() if document.published_by else "",
        measures=[snapshot(measure) for measure in current if not measure.is_retired],
        superseded_at=now,
        superseded_by_title=parsed.title,
    )
    before = {c.measure.pk: snapshot(c.measure) for c in result.continuations if c.measure}
    # The measures it continues take the new numbers; every other keeps its number where the
    # new version does not use it (two steps: numbers are unique within a document).
    continued = {c.measure.pk: c.parsed.path_key for c in result.continuations if c.measure}
    taken = {c.parsed.path_key for c in result.continuations}
    Measure.all_objects.filter(document=document).update(
        path_key=Concat(Value("~"), Cast("pk", output_field=CharField()))
    )
    for measure in current:
        if measure.pk in continued:
            key = continued[measure.pk]
        elif measure.path_key not in taken:
            key = measure.path_key
        else:
            key = f"v{current_version}-{measure.path_key}"[:16]
        Measure.all_objects.filter(pk=measure.pk).update(path_key=key)
    removed = [m for m in current if m.pk not in continued and not m.is_retired]

    document, touched, aliases = _write(parsed, document.city, overwrite=True)
    document.refresh_from_db()
    _provenance(document, draft, user, now)
    document.save()

    version = document.version
    title = quote_title(parsed.title)
    when = f"{day.year}年{day.month}月{day.day}日"
    rows = {m.pk: m for m in _with_departments(Measure.all_objects.filter(document=document))}
    revisions = []
    flagged: dict[int, str] = {}
    added = []
    for continuation in result.continuations:
        if continuation.measure is None:
            row = Measure.all_objects.get(document=document, path_key=continuation.parsed.path_key)
            revisions.append(
                MeasureRevision(
                    measure=row,
                    document=document,
                    version=version,
                    kind=MeasureRevision.Kind.ADDED,
                    before={},
                    after=snapshot(row),
                    at=now,
                )
            )
            added.append(row)
            continue
        row = rows[continuation.measure.pk]
        after = snapshot(row)
        changes = changed_fields(before[row.pk], after)
        if changes:
            revisions.append(
                MeasureRevision(
                    measure=row,
                    document=document,
                    version=version,
                    kind=MeasureRevision.Kind.CHANGED,
                    before=before[row.pk],
                    after=after,
                    at=now,
                )
            )
            flagged[row.pk] = (
                f"{when}{title}（第{version}版）修订了本条：{'、'.join(changes)}有变化。"
            )
    retired = []
    for measure in removed:
        Measure.all_objects.filter(pk=measure.pk).update(
            retired_at=now, retired_reason=f"{when}{title}（第{version}版）修订时删去此条"
        )
        retired.append(measure)
        revisions.append(
            MeasureRevision(
                measure=measure,
                document=document,
                version=version,
                kind=MeasureRevision.Kind.REMOVED,
                before=snapshot(measure),
                after={},
                at=now,
            )
        )
        flagged[measure.pk] = f"{when}{title}（第{version}版）修订时删去了本条。"
    MeasureRevision.objects.bulk_create(revisions)
    flag_rules(flagged)
    CatalogueRevision.bump()  # the renumbering and retiring above were plain UPDATEs
    loader._after_write(touched, retired)
    loader.write_department_contacts([document.city], aliases)
    suggest_rules(added)
    return document


# -- self-check rules follow the catalogue -----------------------------------------------------


def flag_rules(reasons: dict[int, str]) -> int:
    """Flag the rules of these measures 需复核 ({measure id: why}); returns how many."""
    from policies.eligibility.models import EligibilityRule

    count = 0
    for rule in EligibilityRule.objects.filter(measure_id__in=list(reasons)):
        count += EligibilityRule.objects.filter(pk=rule.pk).update(
            needs_review=True,
            review_reason=reasons[rule.measure_id],
            reviewed_at=None,
            reviewed_by=None,
        )
    return count


def mark_reviewed(rule, user) -> bool:
    """Staff reviewed a flagged rule (and changed it if the clause needed it)."""
    from policies.eligibility.models import EligibilityRule

    return bool(
        EligibilityRule.objects.filter(pk=rule.pk, needs_review=True).update(
            needs_review=False, reviewed_at=portal_now(), reviewed_by=user
        )
    )


_ABOVE_SCALE = re.compile(r"规模以上|规上|限额以上|限上|四上")
_REVENUE = re.compile(
    r"(?:营业收入|主营业务收入|营收)[^，。；]{0,8}?(?:达到|超过|突破|首次突破|首次达到)(\d+(?:\.\d+)?)(亿|万)元"
)
_UNITS = {"亿": 10**8, "万": 10**4}


def suggested_rule(measure) -> dict | None:
    """A draft rule read from a measure's text: the most it grants, and the conditions the
    text states in the words the questionnaire knows (规上; a revenue threshold). None when
    the measure names no support amount."""
    if not measure.max_amount_yuan:
        return None
    conditions = []
    if _ABOVE_SCALE.search(measure.text):
        conditions.append({"is_true": "above_scale"})
    revenue = _REVENUE.search(measure.text)
    if revenue:
        amount = round(float(revenue.group(1)) * _UNITS[revenue.group(2)])
        conditions.append({"ge": ["revenue_last_year", amount]})
    read = [f"最高{format_yuan(measure.max_amount_yuan)}"]
    if conditions:
        read.append(f"{len(conditions)} 个条件")
    return {
        "conditions": {"all": conditions},
        "benefit": {"kind": "up_to", "amount": measure.max_amount_yuan},
        "clause": measure.text,
        "note": (
            "系统根据条文草拟（" + "，".join(read) + "），未经采纳不会用于自测。"
            "请核对条件和金额后“采纳”；条文中其他条件须人工补充。"
        ),
    }


def suggest_rules(measures) -> int:
    """A suggestion (status 建议草稿) for each of these measures with money and no rule."""
    from policies.eligibility.models import EligibilityRule

    have = set(
        EligibilityRule.objects.filter(measure__in=[m.pk for m in measures]).values_list(
            "measure_id", flat=True
        )
    )
    count = 0
    for measure in measures:
        if measure.pk in have:
            continue
        measure.refresh_from_db()
        values = suggested_rule(measure)
        if values is None:
            continue
        EligibilityRule.objects.create(
            measure=measure, status=EligibilityRule.Status.SUGGESTED, **values
        )
        count += 1
    return count


def accept_suggestion(rule, user=None) -> list[str]:
    """Staff accept a suggested rule: it becomes 已编码 when its conditions and formula are
    well formed; otherwise the messages say what to fix (and nothing changes)."""
    from policies.eligibility import schema
    from policies.eligibility.models import EligibilityRule

    problems = schema.validate_conditions(rule.conditions) + schema.validate_benefit(rule.benefit)
    if problems:
        return problems
    rule.status = EligibilityRule.Status.ENCODED
    rule.save()
    return []


# -- repeal ---------------------------------------------------------------------------------


def repeal(document: PolicyDocument, *, on: datetime.date, basis: str, user=None) -> bool:
    """废止: the document (and its public measures) leave every public list; their pages keep
    answering with "已废止（日期，依据）". Returns False when it was already repealed."""
    now, _day = _now_and_day()
    when = f"{on.year}年{on.month}月{on.day}日"
    reason = f"已废止（{when}，{basis}）"[:300]
    with transaction.atomic():
        updated = PolicyDocument.all_objects.filter(pk=document.pk, repealed_on=None).update(
            repealed_on=on, repeal_basis=basis[:300], retired_at=now, retired_reason=reason
        )
        if not updated:
            return False
        CatalogueRevision.bump()
        measures = list(document.measures.public())
        Measure.all_objects.filter(pk__in=[m.pk for m in measures]).update(
            retired_at=now, retired_reason=reason
        )
        flag_rules({m.pk: f"所属文件{reason}。" for m in measures})
        from policies import search

        search.reindex_measures(measures)
    document.refresh_from_db()
    return True

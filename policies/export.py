"""The catalogue as plain data: what ``export_catalogue`` prints."""

from django.db.models import Prefetch

from . import validity
from .models import Measure, MeasureDepartment, PolicyDocument


def validity_as_dict(period: validity.Period, status: str, *, issued_on=None) -> dict:
    """A period with its status on the day of the export: from, until, kind, status, the
    words it was read from, where they come from, and the sentence a reader is shown."""
    return {
        "from": period.start.isoformat() if period.start else None,
        "until": period.end.isoformat() if period.end else None,
        "kind": str(period.kind),
        "status": str(status),
        "status_label": str(validity.Status(status).label),
        "words": period.words,
        "basis": str(period.basis),
        "note": period.note,
        "text": validity.describe(period, issued_on=issued_on),
    }


def measure_validity(measure: Measure, today) -> dict:
    draft = measure.document.is_draft
    data = validity_as_dict(
        measure.period, measure.validity_status(today), issued_on=measure.document.issued_on
    )
    data["parts"] = [
        {
            "sentence": part.sentence,
            **validity_as_dict(part.period, validity.status_of(part.period, today, draft=draft)),
        }
        for part in measure.parts
    ]
    return data


def rule_as_dict(measure: Measure, today) -> dict | None:
    """The self-check rule of a measure: whether it is encoded, and its period."""
    from policies.eligibility.models import EligibilityRule

    try:
        rule = measure.eligibility_rule
    except EligibilityRule.DoesNotExist:
        return None
    if rule.status == EligibilityRule.Status.SUGGESTED:  # staff's draft, not a rule yet
        return None
    draft = measure.document.is_draft
    return {
        "status": rule.status,
        "needs_review": rule.needs_review,
        "clause": rule.clause,
        "validity": validity_as_dict(
            rule.period, validity.status_of(rule.period, today, draft=draft)
        ),
    }


def measure_as_dict(measure: Measure, today) -> dict:
    """A measure as ``export_catalogue`` prints it (its validity as of ``today``); the JSON API
    adds to it.

    Departments come from a ``department_links`` prefetch where the caller made one."""
    links = getattr(measure, "department_links", None)
    if links is None:
        links = measure.measuredepartment_set.all()
    return {
        "path": measure.path,
        "chapter": measure.chapter.title if measure.chapter else None,
        "title": measure.title,
        "text": measure.text,
        "departments": [link.department.name for link in links],
        "handling": measure.handling,
        "deadline_text": measure.deadline_text,
        "validity": measure_validity(measure, today),
        "rule": rule_as_dict(measure, today),
        "contacts": measure.contacts,
        "amounts_yuan": measure.amounts_yuan,
        "support_amounts_yuan": measure.support_amounts_yuan,
        "threshold_amounts_yuan": measure.threshold_amounts_yuan,
        "free_of_application": measure.free_of_application,
    }


def provenance_as_dict(document: PolicyDocument) -> dict:
    """Where a document's text came from (来源): how it came in, the original's hash, the
    original file's name, the address it was published at, and when it went online here."""
    return {
        "origin": document.origin,
        "source_sha256": document.source_sha256,
        "source_filename": document.source_filename or None,
        "source_url": document.source_url or None,
        "published_at": document.published_at.isoformat() if document.published_at else None,
    }


def document_as_dict(document: PolicyDocument, today, measures=None) -> dict:
    """A document as ``export_catalogue`` prints it; the JSON API adds to it. Named by its
    public identifier (``slug``), never by its source file's name."""
    data = {
        "slug": document.slug,
        "city": document.city.name,
        "province": document.city.province,
        "title": document.title,
        "issuer": document.issuer,
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "status": document.status,
        "complete": document.complete,
        "version": document.version,
        "provenance": provenance_as_dict(document),
        "validity": validity_as_dict(
            document.period, document.validity_status(today), issued_on=document.issued_on
        ),
    }
    if measures is not None:
        for measure in measures:
            measure.document = document
        data["measures"] = [measure_as_dict(measure, today) for measure in measures]
    return data


def measures_queryset():
    return Measure.objects.select_related("chapter", "eligibility_rule").prefetch_related(
        Prefetch(
            "measuredepartment_set",
            queryset=MeasureDepartment.objects.select_related("department").order_by("position"),
        )
    )


def catalogue_as_dict(today=None) -> dict:
    from portal.dates import today as portal_today

    today = today or portal_today()
    documents = PolicyDocument.objects.select_related("city").prefetch_related(
        Prefetch("measures", queryset=measures_queryset().order_by("position"))
    )
    return {
        "as_of": today.isoformat(),
        "documents": [
            document_as_dict(document, today, document.measures.all())
            for document in documents.order_by("source")
        ],
    }

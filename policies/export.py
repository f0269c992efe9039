"""The catalogue as plain data: what ``export_catalogue`` prints."""

from django.db.models import Prefetch

from .models import Measure, MeasureDepartment, PolicyDocument


def measure_as_dict(measure: Measure) -> dict:
    """A measure as ``export_catalogue`` prints it; the JSON API adds to it.

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
        "deadline": {
            "text": measure.deadline_text,
            "date": measure.deadline_date.isoformat() if measure.deadline_date else None,
            "continuing": measure.deadline_continuing,
        },
        "contacts": measure.contacts,
        "amounts_yuan": measure.amounts_yuan,
        "free_of_application": measure.free_of_application,
    }


def document_as_dict(document: PolicyDocument, measures=None) -> dict:
    """A document as ``export_catalogue`` prints it; the JSON API adds to it."""
    data = {
        "source": document.source,
        "city": document.city.name,
        "province": document.city.province,
        "title": document.title,
        "issuer": document.issuer,
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "status": document.status,
        "complete": document.complete,
    }
    if measures is not None:
        data["measures"] = [measure_as_dict(measure) for measure in measures]
    return data


def measures_queryset():
    return Measure.objects.select_related("chapter").prefetch_related(
        Prefetch(
            "measuredepartment_set",
            queryset=MeasureDepartment.objects.select_related("department").order_by("position"),
        )
    )


def catalogue_as_dict() -> dict:
    documents = PolicyDocument.objects.select_related("city").prefetch_related(
        Prefetch("measures", queryset=measures_queryset().order_by("position"))
    )
    return {
        "documents": [
            document_as_dict(document, document.measures.all())
            for document in documents.order_by("source")
        ]
    }

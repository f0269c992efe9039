"""Helpers for importer tests: a snapshot of every catalogue row, and a copy of the sources."""

import shutil
from pathlib import Path

from django.conf import settings

from policies.models import (
    Chapter,
    City,
    Department,
    DepartmentContact,
    EditorialNote,
    Measure,
    MeasureDepartment,
    PolicyDocument,
)

SOURCES = Path(settings.BASE_DIR) / "fixtures" / "sources"
MODELS = (
    City,
    Department,
    PolicyDocument,
    Chapter,
    Measure,
    MeasureDepartment,
    EditorialNote,
    DepartmentContact,
    DepartmentContact.measures.through,
)


def snapshot() -> dict:
    """Every row of every catalogue table, by primary key, with every field's value."""
    return {
        model.__name__: {
            row["pk"]: row
            for row in model.objects.values("pk", *[f.attname for f in model._meta.concrete_fields])
        }
        for model in MODELS
    }


def copy_sources(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for path in SOURCES.glob("*.txt"):
        shutil.copy(path, directory / path.name)
    return directory


def admin_post_data(response) -> dict:
    """An admin change form as the browser would submit it unchanged: the form and every
    inline formset with its management form."""
    data = {}

    def add_form(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add_form(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add_form(inline.formset.management_form)
        for form in inline.formset.forms:
            add_form(form)
    return data

"""Helpers for importer tests: a snapshot of every catalogue row, and a copy of the sources."""

import shutil
from pathlib import Path

from django.conf import settings

from policies.models import (
    Chapter,
    City,
    Department,
    EditorialNote,
    Measure,
    MeasureDepartment,
    PolicyDocument,
)

SOURCES = Path(settings.BASE_DIR) / "fixtures" / "sources"
MODELS = (City, Department, PolicyDocument, Chapter, Measure, MeasureDepartment, EditorialNote)


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

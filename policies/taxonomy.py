"""The small taxonomy of topics and support types, assigned to measures by keyword rules.

The rules live in ``fixtures/taxonomy.toml`` (see its header). The importer calls
``assign_taxonomy(measures)`` for measures whose imported content changed or that have no
topics yet, so assignments that staff corrected in the admin survive a re-import.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .chinese import to_simplified
from .models import CatalogueRevision, Measure, SupportType, Topic

TAXONOMY_FILE = Path(settings.BASE_DIR) / "fixtures" / "taxonomy.toml"


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    order: int
    keywords: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    strong: tuple[str, ...] = ()
    description: str = ""
    fallback: bool = False


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Category, ...]
    support_types: tuple[Category, ...]
    title_weight: int
    threshold: int
    max_topics: int
    max_support_types: int


def _categories(entries) -> tuple[Category, ...]:
    categories = tuple(
        Category(
            slug=entry["slug"],
            name=entry["name"],
            order=int(entry.get("order", 0)),
            keywords=tuple(entry.get("keywords", ())),
            exclude=tuple(entry.get("exclude", ())),
            strong=tuple(entry.get("strong", ())),
            description=entry.get("description", ""),
            fallback=bool(entry.get("fallback", False)),
        )
        for entry in entries
    )
    if sum(category.fallback for category in categories) > 1:
        raise ValueError("taxonomy.toml: at most one fallback per kind")
    return categories


def load_taxonomy(path: Path = TAXONOMY_FILE) -> Taxonomy:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    rules = data.get("rules", {})
    return Taxonomy(
        topics=_categories(data["topic"]),
        support_types=_categories(data.get("support_type", [])),
        title_weight=int(rules.get("title_weight", 3)),
        threshold=int(rules.get("threshold", 3)),
        max_topics=int(rules.get("max_topics", 3)),
        max_support_types=int(rules.get("max_support_types", 4)),
    )


def simplified(text: str) -> str:
    return to_simplified(text or "")


def score(category: Category, title: str, text: str, title_weight: int) -> int:
    for phrase in category.exclude:
        title, text = title.replace(phrase, "|"), text.replace(phrase, "|")
    return sum(
        (title_weight if keyword in title else 0) + text.count(keyword)
        for keyword in category.keywords
    ) + sum(title_weight * text.count(keyword) for keyword in category.strong)


def classify(
    categories, title: str, text: str, *, title_weight: int, threshold: int, limit: int
) -> list[str]:
    """Slugs of the categories a measure's title and text call for, best first."""
    title, text = simplified(title), simplified(text)
    scored = [(score(c, title, text, title_weight), c.order, c.slug) for c in categories]
    scored.sort(key=lambda item: (-item[0], item[1]))
    chosen = [slug for points, _, slug in scored if points >= threshold][:limit]
    if chosen:
        return chosen
    if scored and scored[0][0] > 0:
        return [scored[0][2]]
    return [c.slug for c in categories if c.fallback]


def topics_for(taxonomy: Taxonomy, title: str, text: str) -> list[str]:
    return classify(
        taxonomy.topics,
        title,
        text,
        title_weight=taxonomy.title_weight,
        threshold=taxonomy.threshold,
        limit=taxonomy.max_topics,
    )


def support_types_for(taxonomy: Taxonomy, title: str, text: str) -> list[str]:
    return classify(
        taxonomy.support_types,
        title,
        text,
        title_weight=taxonomy.title_weight,
        threshold=1,
        limit=taxonomy.max_support_types,
    )


def ensure_rows(model, categories) -> dict[str, int]:
    """Create missing rows by slug (existing ones keep their admin-edited names); slug → pk."""
    existing = dict(model.objects.values_list("slug", "pk"))
    for category in categories:
        if category.slug in existing:
            continue
        fields = {"name": category.name, "order": category.order}
        if model is Topic:
            fields["description"] = category.description
        existing[category.slug] = model.objects.create(slug=category.slug, **fields).pk
    return existing


def _replace_links(through, owner_field, target_field, assignments):
    through.objects.filter(**{f"{owner_field}__in": list(assignments)}).delete()
    through.objects.bulk_create(
        through(**{f"{owner_field}_id": owner, f"{target_field}_id": target})
        for owner, targets in assignments.items()
        for target in targets
    )


@transaction.atomic
def assign_taxonomy(measures, taxonomy: Taxonomy | None = None) -> dict[str, int]:
    """Set the topics and support types of ``measures`` from the rules; returns counts."""
    taxonomy = taxonomy or load_taxonomy()
    topic_pks = ensure_rows(Topic, taxonomy.topics)
    support_pks = ensure_rows(SupportType, taxonomy.support_types)
    topic_links, support_links = {}, {}
    for measure in measures:
        title, text = measure.title, f"{measure.text}\n{measure.handling}"
        topic_links[measure.pk] = [topic_pks[s] for s in topics_for(taxonomy, title, text)]
        support_links[measure.pk] = [
            support_pks[s] for s in support_types_for(taxonomy, title, text)
        ]
    _replace_links(Measure.topics.through, "measure", "topic", topic_links)
    _replace_links(Measure.support_types.through, "measure", "supporttype", support_links)
    CatalogueRevision.bump()  # the links are bulk-created: no signal tells the page cache
    return {
        "measures": len(topic_links),
        "topics": sum(map(len, topic_links.values())),
        "support_types": sum(map(len, support_links.values())),
    }

"""A real /api/v1/ (issue 12, part 4): an index of the endpoints, stable public identifiers
(cities by slug, documents by slug, measures by "slug/path"), and no source file names."""

import re

import pytest
from django.apps import apps
from django.urls import reverse

from policies.importer.loader import import_sources
from policies.models import City, Measure, PolicyDocument

pytestmark = pytest.mark.django_db

SLUGS = {
    "000_6bda17272921f9c3.txt": "anshan-2024",
    "001_c6539826c75744cc.txt": "yingkou-2024",
    "002_14e9fef579fde56b.txt": "anshan-2023",  # undated draft: the curated year (errata.toml)
    "003_76bc870404a33f18.txt": "liaocheng-undated",
    "004_e14e5c0ebb4c74ab.txt": "sanmenxia-2022",
}


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"] == "application/json", url
    return response.json()


def test_the_index_lists_the_endpoints_with_working_examples(client, catalogue):
    data = get(client, reverse("api:index"))
    names = {endpoint["name"] for endpoint in data["endpoints"]}
    assert {
        "cities",
        "city",
        "documents",
        "document",
        "document_by_slug",
        "measures",
        "measure",
        "measure_by_identifier",
    } <= names
    for endpoint in data["endpoints"]:
        assert endpoint["description"] and endpoint["path"].startswith("/api/v1/")
        example = endpoint["example"].replace("http://testserver", "")
        get(client, example)  # each example answers
    measures = next(e for e in data["endpoints"] if e["name"] == "measures")
    assert {"q", "city", "document", "status", "page", "page_size"} <= set(measures["parameters"])
    assert set(data["identifiers"]) == {"city", "document", "measure"}


def test_documents_have_stable_unique_slugs(catalogue):
    assert dict(PolicyDocument.all_objects.values_list("source", "slug")) == SLUGS


def test_a_reimport_changes_no_slug(catalogue):
    before = dict(PolicyDocument.all_objects.values_list("pk", "slug"))
    # a staff correction of the date does not move the identifier either
    PolicyDocument.objects.filter(slug="anshan-2024").update(issued_on="2025-01-02")
    import_sources()
    import_sources()
    assert dict(PolicyDocument.all_objects.values_list("pk", "slug")) == before


def test_a_second_document_of_a_city_and_year_gets_a_suffix(catalogue):
    existing = PolicyDocument.objects.get(slug="anshan-2024")
    twin = PolicyDocument.objects.create(
        source="zz_twin.txt",
        city=existing.city,
        title="另一件文件",
        issued_on=existing.issued_on,
        source_text="",
        clean_text="",
        source_sha256="",
    )
    assert twin.slug == "anshan-2024-2"
    undated = PolicyDocument.objects.create(
        source="zz_undated.txt",
        city=City.objects.get(slug="liaocheng"),
        title="未署日期的文件",
        source_text="",
        clean_text="",
        source_sha256="",
    )
    assert undated.slug == "liaocheng-undated-2"


def test_the_migration_gives_the_existing_documents_the_same_slugs(catalogue):
    migration = __import__(
        "policies.migrations.0009_document_slug_department_contacts", fromlist=["give_slugs"]
    )
    for document in PolicyDocument.all_objects.all():
        PolicyDocument.all_objects.filter(pk=document.pk).update(slug=f"tmp-{document.pk}")
    migration.give_slugs(apps, None)
    assert dict(PolicyDocument.all_objects.values_list("source", "slug")) == SLUGS


def test_a_document_by_slug_is_the_document_by_id(client, catalogue):
    document = PolicyDocument.objects.get(slug="anshan-2023")
    by_slug = get(client, reverse("api:document_by_slug", args=["anshan-2023"]))
    by_id = get(client, reverse("api:document", args=[document.pk]))
    assert by_slug == by_id
    assert by_slug["slug"] == "anshan-2023" and by_slug["id"] == document.pk
    assert by_slug["api_url"] == "http://testserver/api/v1/documents/anshan-2023/"
    assert by_slug["measures"][0]["identifier"] == "anshan-2023/1.1"


def test_a_measure_by_identifier_is_the_measure_by_id(client, catalogue):
    measure = Measure.objects.get(document__slug="anshan-2023", path_key="3.1")
    data = get(client, "/api/v1/measures/anshan-2023/3.1/")
    assert data == get(client, reverse("api:measure", args=[measure.pk]))
    assert (data["id"], data["identifier"], data["document"], data["path"]) == (
        measure.pk,
        "anshan-2023/3.1",
        "anshan-2023",
        [3, 1],
    )
    assert data["api_url"] == "http://testserver/api/v1/measures/anshan-2023/3.1/"
    assert get(client, "/api/v1/measures/yingkou-2024/16/")["path"] == [16]


def test_measures_filter_by_document_slug(client, catalogue):
    data = get(client, "/api/v1/measures/?document=anshan-2023&page_size=100")
    assert data["count"] == 49
    assert {m["document"] for m in data["results"]} == {"anshan-2023"}
    assert (
        "document" in get(client, "/api/v1/measures/?document=nowhere-1999", status=400)["errors"]
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/documents/nowhere-1999/",
        "/api/v1/documents/999999/",
        "/api/v1/measures/anshan-2023/99.9/",
        "/api/v1/measures/anshan-2023/abc/",
        "/api/v1/measures/nowhere-1999/1/",
        "/api/v1/measures/999999/",
        "/api/v1/cities/atlantis/",
        "/api/v1/no-such-endpoint/",
        "/api/v1/measures/anshan-2023/3.1/extra/",
    ],
)
def test_unknown_identifiers_answer_404_as_json(client, catalogue, url):
    assert get(client, url, status=404)["detail"]


def test_a_url_without_its_final_slash_is_redirected(client, catalogue):
    response = client.get("/api/v1/documents/anshan-2023")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/documents/anshan-2023/"


def test_a_retired_document_answers_410_by_slug_too(client, catalogue):
    document = PolicyDocument.objects.get(slug="liaocheng-undated")
    PolicyDocument.all_objects.filter(pk=document.pk).update(
        retired_at="2026-01-01T00:00:00Z", retired_reason="测试撤回"
    )
    data = get(client, "/api/v1/documents/liaocheng-undated/", status=410)
    assert data["retired"] is True and "测试撤回" in data["detail"]


def test_cities_by_slug_list_their_documents(client, catalogue):
    cities = get(client, reverse("api:cities"))
    assert [c["slug"] for c in cities["results"]] == ["anshan", "yingkou", "liaocheng", "sanmenxia"]
    anshan = get(client, reverse("api:city", args=["anshan"]))
    assert anshan["name"] == "鞍山市" and anshan["document_count"] == 2
    assert sorted(d["slug"] for d in anshan["documents"]) == ["anshan-2023", "anshan-2024"]


def api_urls(client):
    """Every answer the API gives for the catalogue: the index, lists, every document and
    measure by identifier and by id."""
    yield reverse("api:index")
    yield reverse("api:cities")
    yield reverse("api:documents")
    yield "/api/v1/measures/?page_size=100"
    yield "/api/v1/measures/?page_size=100&page=2"
    for city in City.objects.all():
        yield reverse("api:city", args=[city.slug])
    for document in PolicyDocument.objects.all():
        yield reverse("api:document_by_slug", args=[document.slug])
        yield reverse("api:document", args=[document.pk])
    for measure in Measure.objects.select_related("document"):
        yield reverse("api:measure_by_identifier", args=[measure.document.slug, measure.path_key])


def test_no_api_answer_names_a_source_file(client, catalogue):
    for url in api_urls(client):
        body = client.get(url).content.decode()
        assert ".txt" not in body, url
        assert not re.search(r"\b00\d_[0-9a-f]{16}", body), url
        assert not re.search(r"[（(]\s*00\d\s*[）)]", body), url

"""The read-only JSON API under /api/v1/."""

import pytest
from django.urls import reverse

from policies.models import Measure, PolicyDocument

pytestmark = pytest.mark.django_db


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_it_lists_documents_with_their_fields(client, catalogue):
    data = get(client, reverse("api:documents"))
    assert data["count"] == PolicyDocument.objects.count() == len(data["results"])
    assert data["next"] is None and data["previous"] is None
    draft = next(d for d in data["results"] if d["slug"] == "anshan-2023")
    assert draft["status"] == "draft"
    assert draft["city"] == "鞍山市"
    assert draft["province"] == "辽宁省"
    assert draft["complete"] is True
    assert draft["measure_count"] == Measure.objects.filter(document__slug=draft["slug"]).count()
    assert draft["url"].endswith(f"/policies/documents/{draft['id']}/")
    incomplete = next(d for d in data["results"] if d["slug"] == "sanmenxia-2022")
    assert incomplete["complete"] is False
    assert incomplete["issued_on"] == "2022-05-27"


def test_it_filters_documents(client, catalogue):
    data = get(client, reverse("api:documents") + "?city=anshan&status=draft")
    assert [d["slug"] for d in data["results"]] == ["anshan-2023"]


def test_it_shows_a_document_with_its_measures_and_notes(client, catalogue):
    document = PolicyDocument.objects.get(source__startswith="001_")
    data = get(client, reverse("api:document", args=[document.pk]))
    assert data["title"] == document.title
    assert [m["path_key"] for m in data["measures"]] == list(
        document.measures.order_by("position").values_list("path_key", flat=True)
    )
    assert len(data["editorial_notes"]) == document.editorial_notes.count()


def test_it_shows_a_measure_with_its_fields(client, catalogue, settings):
    settings.PORTAL_TODAY = "2023-12-01"
    measure = Measure.objects.get(document__source__startswith="002_", path_key="1.1")
    data = get(client, reverse("api:measure", args=[measure.pk]))
    assert data["path"] == [1, 1]
    assert data["chapter"] == measure.chapter.title
    assert data["title"] == measure.title
    assert data["text"] == measure.text
    assert data["handling"] == measure.handling
    assert data["deadline_text"] == "2023年12月20日"
    assert data["validity"]["until"] == "2023-12-20"
    # the draft's measure is 时效未明 before its 执行期限, never 有效
    assert (data["validity"]["status"], data["validity"]["status_label"]) == ("unknown", "时效未明")
    assert data["validity"]["words"] == "2023年12月20日"
    assert data["validity"]["parts"][0]["words"] == "2023年7月至11月"
    assert data["contacts"] == measure.contacts
    assert data["amounts_yuan"] == [1_000_000]
    assert data["free_of_application"] is False
    # the same names as export_catalogue: the city is in "city"
    assert data["departments"] == ["市商务局"]
    assert set(data["topics"]) == {t.name for t in measure.topics.all()}
    assert set(data["support_types"]) == {s.name for s in measure.support_types.all()}
    assert data["url"] == f"http://testserver{measure.get_absolute_url()}"


def test_it_lists_measures_with_the_same_filters_as_the_pages(client, catalogue):
    data = get(client, reverse("api:measures") + "?q=補貼&city=yingkou&page_size=100")
    expected = Measure.objects.filter(document__city__slug="yingkou")
    assert data["count"] > 0
    assert data["count"] <= expected.count()
    for result in data["results"]:
        assert result["city"] == "营口市"
        assert "补贴" in result["title"] + result["text"]


def test_it_paginates_with_next_and_previous(client, catalogue):
    total = Measure.objects.count()
    first = get(client, reverse("api:measures") + "?page_size=20&topic=innovation")
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/v1/measures/?")
    assert "topic=innovation" in first["next"] and "page=2" in first["next"]
    second = get(client, first["next"].replace("http://testserver", ""))
    assert second["previous"] is not None
    ids = {m["id"] for m in first["results"]} | {m["id"] for m in second["results"]}
    assert len(ids) == len(first["results"]) + len(second["results"])
    everything = get(client, reverse("api:measures") + "?page_size=100&page=2")
    assert everything["count"] == total
    assert len(everything["results"]) == min(100, total - 100)


@pytest.mark.parametrize("query", ["page_size=101", "page_size=0", "page=abc", "page=-1"])
def test_it_refuses_bad_paging(client, catalogue, query):
    data = get(client, reverse("api:measures") + "?" + query, status=400)
    assert data["detail"]


def test_it_answers_404_past_the_last_page(client, catalogue):
    get(client, reverse("api:measures") + "?page=999", status=404)


def test_it_refuses_an_unknown_filter_value_with_the_errors(client, catalogue):
    data = get(client, reverse("api:measures") + "?status=sometimes", status=400)
    assert "status" in data["errors"]


def test_it_answers_404_as_json_for_unknown_objects(client, catalogue):
    get(client, reverse("api:measure", args=[999999]), status=404)
    get(client, reverse("api:document", args=[999999]), status=404)


def test_it_is_read_only(client, catalogue):
    assert client.post(reverse("api:measures")).status_code == 405


def test_it_carries_the_validity_of_a_measure_and_of_its_rule(client, catalogue, settings):
    settings.PORTAL_TODAY = "2026-11-30"
    measure = Measure.objects.get(document__source__startswith="000_", path_key="14")
    data = get(client, reverse("api:measure", args=[measure.pk]))
    assert (data["validity"]["from"], data["validity"]["until"]) == ("2024-12-02", None)
    assert (data["validity"]["status"], data["validity"]["words"]) == (
        "in_force",
        "本文件自公布之日起施行",
    )
    assert [p["status"] for p in data["validity"]["parts"]] == ["expired", "expired"]
    rule = data["rule"]["validity"]
    assert (rule["until"], rule["status"], rule["words"]) == ("2025-12-31", "expired", "至2025年底")


@pytest.mark.parametrize(
    ("today", "count"),
    [("2025-12-31", 0), ("2026-01-01", 5)],  # 鞍山 2023 11（1）–（3）、14、16（2）end 2025-12-31
)
def test_its_status_filter_follows_today(client, catalogue, settings, today, count):
    settings.PORTAL_TODAY = today
    data = get(client, reverse("api:measures") + "?city=anshan&status=expired&page_size=100")
    ended_2025 = [m for m in data["results"] if m["validity"]["until"] == "2025-12-31"]
    assert len(ended_2025) == count

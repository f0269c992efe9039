"""export_catalogue prints the whole catalogue as JSON in the documented shape."""

import json

from django.core.management import call_command

from policies.models import Measure, PolicyDocument


def export(capsys):
    call_command("export_catalogue")
    return json.loads(capsys.readouterr().out)


def test_it_exports_every_document_and_measure(catalogue, capsys):
    data = export(capsys)
    # in the order of the source files, named by their public identifiers, never by file name
    assert [d["slug"] for d in data["documents"]] == [
        "anshan-2024",
        "yingkou-2024",
        "anshan-2023",
        "liaocheng-undated",
        "sanmenxia-2022",
    ]
    assert sum(len(d["measures"]) for d in data["documents"]) == Measure.objects.count() == 161
    for document in data["documents"]:
        assert set(document) == {
            "slug",
            "city",
            "province",
            "title",
            "issuer",
            "issued_on",
            "status",
            "complete",
            "version",
            "provenance",
            "validity",
            "measures",
        }
        assert document["status"] in ("published", "draft")
        # seeds: imported from the verbatim file, whose hash is its provenance
        assert document["provenance"] == {
            "origin": "seed",
            "source_sha256": PolicyDocument.objects.get(slug=document["slug"]).source_sha256,
            "source_filename": None,
            "source_url": None,
            "published_at": None,
        }
        assert document["version"] == 1
        assert set(document["validity"]) == VALIDITY_KEYS
        for measure in document["measures"]:
            assert set(measure) == {
                "path",
                "chapter",
                "title",
                "text",
                "departments",
                "handling",
                "deadline_text",
                "validity",
                "rule",
                "contacts",
                "amounts_yuan",
                "support_amounts_yuan",
                "threshold_amounts_yuan",
                "free_of_application",
            }
            assert set(measure["validity"]) == VALIDITY_KEYS | {"parts"}
            if measure["rule"] is not None:
                assert set(measure["rule"]["validity"]) == VALIDITY_KEYS


VALIDITY_KEYS = {
    "from",
    "until",
    "kind",
    "status",
    "status_label",
    "words",
    "basis",
    "note",
    "text",
}


def test_it_exports_the_fields_of_a_measure(catalogue, capsys, settings):
    settings.PORTAL_TODAY = "2026-11-30"
    data = export(capsys)
    draft = next(d for d in data["documents"] if d["slug"] == "anshan-2023")
    assert (draft["city"], draft["province"], draft["issued_on"], draft["status"]) == (
        "鞍山市",
        "辽宁省",
        None,
        "draft",
    )
    tiers = next(m for m in draft["measures"] if m["path"] == [3, 1])
    assert tiers["chapter"] == "支持批发零售企业发展壮大"
    assert tiers["departments"] == ["市商务局"]
    assert tiers["deadline_text"] == "2023年12月31日"
    assert tiers["validity"] == {
        "from": None,
        "until": "2023-12-31",
        "kind": "dated",
        "status": "expired",
        "status_label": "已到期",
        "words": "2023年12月31日",
        "basis": "deadline",
        "note": "",
        "text": "至2023年12月31日",
        "parts": [
            {
                "sentence": tiers["validity"]["parts"][0]["sentence"],
                "from": "2023-09-01",
                "until": "2023-11-30",
                "kind": "dated",
                "status": "expired",
                "status_label": "已到期",
                "words": "2023年9月至11月",
                "basis": "clause",
                "note": "",
                "text": "2023年9月1日至2023年11月30日",
            }
        ],
    }
    assert tiers["rule"]["status"] == "encoded"
    assert (tiers["rule"]["validity"]["until"], tiers["rule"]["validity"]["status"]) == (
        "2023-12-31",
        "expired",
    )
    assert tiers["contacts"] == [
        {"name": "马龙飞", "role": "市场运行科科长", "phones": ["5899822"]}
    ]
    assert tiers["amounts_yuan"][:2] == [500000000, 1000000]
    sanmenxia = next(d for d in data["documents"] if d["slug"] == "sanmenxia-2022")
    assert sanmenxia["complete"] is False
    assert sanmenxia["issued_on"] == "2022-05-27"
    assert sanmenxia["measures"][12]["path"] == [13]

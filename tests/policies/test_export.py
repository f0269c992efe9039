"""export_catalogue prints the whole catalogue as JSON in the documented shape."""

import json

from django.core.management import call_command

from policies.models import Measure


def export(capsys):
    call_command("export_catalogue")
    return json.loads(capsys.readouterr().out)


def test_it_exports_every_document_and_measure(catalogue, capsys):
    data = export(capsys)
    assert [d["source"] for d in data["documents"]] == [
        "000_6bda17272921f9c3.txt",
        "001_c6539826c75744cc.txt",
        "002_14e9fef579fde56b.txt",
        "003_76bc870404a33f18.txt",
        "004_e14e5c0ebb4c74ab.txt",
    ]
    assert sum(len(d["measures"]) for d in data["documents"]) == Measure.objects.count() == 161
    for document in data["documents"]:
        assert set(document) == {
            "source",
            "city",
            "province",
            "title",
            "issuer",
            "issued_on",
            "status",
            "complete",
            "measures",
        }
        assert document["status"] in ("in_force", "draft")
        for measure in document["measures"]:
            assert set(measure) == {
                "path",
                "chapter",
                "title",
                "text",
                "departments",
                "handling",
                "deadline",
                "contacts",
                "amounts_yuan",
                "free_of_application",
            }
            assert set(measure["deadline"]) == {"text", "date", "continuing"}


def test_it_exports_the_fields_of_a_measure(catalogue, capsys):
    data = export(capsys)
    draft = next(d for d in data["documents"] if d["source"].startswith("002_"))
    assert (draft["city"], draft["province"], draft["issued_on"], draft["status"]) == (
        "鞍山市",
        "辽宁省",
        None,
        "draft",
    )
    tiers = next(m for m in draft["measures"] if m["path"] == [3, 1])
    assert tiers["chapter"] == "支持批发零售企业发展壮大"
    assert tiers["departments"] == ["市商务局"]
    assert tiers["deadline"] == {
        "text": "2023年12月31日",
        "date": "2023-12-31",
        "continuing": False,
    }
    assert tiers["contacts"] == [
        {"name": "马龙飞", "role": "市场运行科科长", "phones": ["5899822"]}
    ]
    assert tiers["amounts_yuan"][:2] == [500000000, 1000000]
    sanmenxia = next(d for d in data["documents"] if d["source"].startswith("004_"))
    assert sanmenxia["complete"] is False
    assert sanmenxia["issued_on"] == "2022-05-27"
    assert sanmenxia["measures"][12]["path"] == [13]

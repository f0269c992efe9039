"""Importing twice leaves the same rows: stable identifiers, no duplicates, nothing rewritten."""

from django.core.management import call_command

from policies.models import Department, Measure, PolicyDocument

from .helpers import snapshot


def test_it_changes_nothing_when_run_again(catalogue):
    before = snapshot()
    call_command("import_policies", verbosity=0)
    call_command("import_policies", verbosity=0)
    assert snapshot() == before


def test_it_reports_nothing_new_on_a_second_run(catalogue, capsys):
    call_command("import_policies")
    out = capsys.readouterr().out
    assert "新建 0，更新 0" in out
    assert "保留人工修改 0" in out


def test_it_creates_each_row_once(catalogue):
    assert PolicyDocument.objects.count() == 5
    assert Measure.objects.count() == 16 + 43 + 49 + 40 + 13
    # one department for each name a city uses, whatever the spelling
    names = list(Department.objects.filter(district=None).values_list("city__name", "name"))
    assert len(names) == len(set(names))


def test_it_merges_abbreviated_department_names(catalogue):
    industry = Department.objects.get(city__name="鞍山市", name="市工业和信息化局")
    assert "市工信局" in industry.aliases
    assert not Department.objects.filter(name="市工信局").exists()
    # used by both 鞍山 documents: the 2024 rules spell it out, the 2023 draft abbreviates
    sources = set(industry.measures.values_list("document__source", flat=True))
    assert sources == {"000_6bda17272921f9c3.txt", "002_14e9fef579fde56b.txt"}
    cities = Department.objects.filter(name="市工业和信息化局", district=None)
    assert sorted(cities.values_list("city__name", flat=True)) == [
        "三门峡市",
        "聊城市",
        "营口市",
        "鞍山市",
    ]


def test_it_rebuilds_a_deleted_measure_with_the_same_identity(catalogue):
    measure = Measure.objects.get(document__source__startswith="001_", path_key="16")
    values = (measure.title, measure.text, measure.amounts_yuan)
    measure.delete()
    call_command("import_policies", verbosity=0)
    again = Measure.objects.get(document__source__startswith="001_", path_key="16")
    assert (again.title, again.text, again.amounts_yuan) == values

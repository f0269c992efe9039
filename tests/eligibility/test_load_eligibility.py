"""`manage.py load_eligibility`: idempotent, keeps staff edits, refuses broken fixtures."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from policies.eligibility.loader import FIXTURES, read_fixtures
from policies.eligibility.models import EligibilityRule, Question
from policies.models import Measure

from .conftest import measure
from .fixturedata import SOURCES

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("load_eligibility", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return sorted(
        EligibilityRule.objects.values_list(
            "measure_id", "status", "conditions", "benefit", "clause", "reason", "note"
        )
    ), sorted(Question.objects.values_list("key", "wording", "type", "order"))


def test_it_gives_every_measure_a_rule_and_counts_the_encoded_ones(rules):
    _questions, entries, _docs = read_fixtures()
    encoded = [e for e in entries if e["status"] == "encoded"]
    assert EligibilityRule.objects.count() == Measure.objects.count()
    assert EligibilityRule.objects.encoded().count() == len(encoded)


def test_it_changes_nothing_when_loaded_twice(rules):
    before = snapshot()
    output = run()
    assert "新增 0，更新 0" in output
    assert snapshot() == before


def test_it_keeps_a_rule_that_staff_changed_unless_told_to_overwrite(rules):
    rule = measure(SOURCES["营口"], "5").eligibility_rule
    rule.note = "人工修改：另需提供评选文件"
    rule.save()
    output = run()
    assert "保留了管理后台中的修改" in output and "001_c6539826c75744cc.txt 5" in output
    rule.refresh_from_db()
    assert rule.note == "人工修改：另需提供评选文件"

    run("--overwrite")
    rule.refresh_from_db()
    assert rule.note == ""


def test_it_keeps_a_question_that_staff_reworded(rules):
    question = Question.objects.get(key="online_retail")
    question.wording = "贵企业今年网上零售额？"
    question.save()
    run()
    question.refresh_from_db()
    assert question.wording == "贵企业今年网上零售额？"


def copy_fixtures(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "eligibility")
    return tmp_path / "eligibility"


def test_it_stops_on_a_broken_rule_and_leaves_the_database_as_it_was(rules, tmp_path):
    directory = copy_fixtures(tmp_path)
    path = directory / "rules" / "001.toml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace('"amount": 300000', '"amount": -1', 1)
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    before = snapshot()
    from policies.eligibility import loader

    with pytest.raises(loader.FixtureError) as error:
        loader.load(directory=directory)
    assert "rules/001.toml" in str(error.value)
    assert "amount 必须是不小于 0 的整数" in str(error.value)
    assert snapshot() == before


def test_the_command_reports_a_broken_fixture_as_an_error(rules, tmp_path):
    directory = copy_fixtures(tmp_path)
    with open(directory / "rules" / "zz_broken.toml", "w", encoding="utf-8") as handle:
        handle.write(
            'source = "001_c6539826c75744cc.txt"\n[[rule]]\npath = "11"\nstatus = "encoded"\n'
            "clause = \"x\"\nconditions = '''{\"is_true\": \"nope\"}'''\n"
            "benefit = '''{\"kind\": \"fixed\", \"amount\": 1}'''\n"
        )
    with pytest.raises(CommandError, match="问题“nope”不存在"):
        call_command("load_eligibility", "--directory", str(directory), verbosity=0)


def test_it_refuses_a_consult_without_an_allowed_audience(rules, tmp_path):
    directory = copy_fixtures(tmp_path)
    with open(directory / "rules" / "zz_broken.toml", "w", encoding="utf-8") as handle:
        handle.write(
            'source = "001_c6539826c75744cc.txt"\n[[rule]]\npath = "11"\n'
            'status = "not_encodable"\nreason = "不便编码"\n'
        )
    from policies.eligibility import loader

    with pytest.raises(loader.FixtureError, match="可咨询的措施须注明 audience"):
        loader.load(directory=directory)


def test_it_refuses_two_questions_with_one_key(rules, tmp_path):
    directory = copy_fixtures(tmp_path)
    shutil.copy(directory / "questions" / "profile.toml", directory / "questions" / "zz_copy.toml")
    from policies.eligibility import loader

    with pytest.raises(loader.FixtureError, match="问题键与 profile.toml 重复"):
        loader.load(directory=directory)

"""The rules as a whole: every clause quoted from its measure, every 可咨询 justified by one of
the three allowed reasons, and the coverage docs/eligibility.md states."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from policies.eligibility.models import EligibilityRule
from policies.eligibility.validity_words import bare
from policies.models import Measure, PolicyDocument

pytestmark = pytest.mark.django_db


def test_every_clause_is_quoted_from_its_measure(rules):
    for rule in EligibilityRule.objects.encoded().select_related("measure__document"):
        text = bare(rule.measure.text)
        for sentence in re.split(r"(?<=[。；])", rule.clause):
            sentence = bare(sentence).rstrip("。；，")
            if sentence:
                assert sentence in text, (
                    rule.measure.document.source,
                    rule.measure.path_key,
                    sentence,
                )


def test_every_measure_has_a_rule_and_every_consult_a_reason_and_audience(rules):
    assert not Measure.objects.filter(eligibility_rule=None).exists()
    for rule in EligibilityRule.objects.exclude(status=EligibilityRule.Status.ENCODED):
        assert rule.reason.strip(), rule
        assert rule.audience in EligibilityRule.Audience.values, rule


def test_at_least_120_measures_are_encoded(rules):
    assert EligibilityRule.objects.encoded().count() >= 120


def test_the_counts_in_the_documentation_are_true(rules):
    doc = (Path(settings.BASE_DIR) / "docs" / "eligibility.md").read_text(encoding="utf-8")
    for document in PolicyDocument.objects.all():
        code = document.source[:3]
        rules_of = EligibilityRule.objects.filter(measure__document=document)
        row = re.search(
            rf"^\|[^|\n]*（{code}）\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|", doc, re.M
        )
        assert row, f"docs/eligibility.md has no row for {code}"
        assert [int(n) for n in row.groups()] == [
            rules_of.count(),
            rules_of.encoded().count(),
            rules_of.exclude(status=EligibilityRule.Status.ENCODED).count(),
        ], code


def test_every_question_is_used_by_a_rule_or_the_profile(rules):
    """No dead question: each is asked of everyone (profile, situation) or some rule (or
    another question's ask_if) needs it."""
    from policies.eligibility import schema
    from policies.eligibility.loader import read_fixtures
    from policies.eligibility.models import Question

    used = set()
    for rule in EligibilityRule.objects.encoded():
        used.update(rule.question_keys)
    for question in Question.objects.exclude(ask_if=None):
        used.update(schema.condition_keys(question.ask_if))
    entries, _rules, _docs = read_fixtures()
    for entry in entries:
        if entry["section"] not in ("profile", "situation"):
            assert entry["key"] in used, entry["key"]

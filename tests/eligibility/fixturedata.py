"""The curated rules and questions of fixtures/eligibility/, read without a database."""

import json
from functools import cache

from policies.eligibility.evaluator import QuestionInfo, RuleInput
from policies.eligibility.loader import read_fixtures

SOURCES = {
    "鞍山2024": "000_6bda17272921f9c3.txt",
    "营口": "001_c6539826c75744cc.txt",
    "鞍山2023": "002_14e9fef579fde56b.txt",
    "聊城": "003_76bc870404a33f18.txt",
    "三门峡": "004_e14e5c0ebb4c74ab.txt",
}


@cache
def questions():
    entries, _rules, _documents = read_fixtures()
    return {
        entry["key"]: QuestionInfo(
            key=entry["key"],
            label=entry["label"],
            type=entry["type"],
            choices={value: label for value, label in entry.get("choices", [])},
            unit=entry.get("unit", ""),
        )
        for entry in entries
    }


@cache
def question_entries():
    entries, _rules, _documents = read_fixtures()
    return {entry["key"]: entry for entry in entries}


@cache
def rules():
    """(source, path) → RuleInput for every rule in the fixture."""
    _questions, entries, _documents = read_fixtures()
    result = {}
    for entry in entries:
        encoded = entry["status"] == "encoded"
        result[(entry["source"], str(entry["path"]))] = RuleInput(
            measure_id=(entry["source"], str(entry["path"])),
            status=entry["status"],
            conditions=json.loads(entry["conditions"]) if encoded else {"all": []},
            benefit=json.loads(entry["benefit"]) if encoded else None,
            reason=entry.get("reason", ""),
            clause=entry.get("clause", ""),
        )
    return result


def encoded_rules():
    return {key: rule for key, rule in rules().items() if rule.status == "encoded"}

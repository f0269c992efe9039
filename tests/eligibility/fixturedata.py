"""The curated rules and questions of fixtures/eligibility/, read without a database."""

import datetime
import json
from decimal import Decimal
from functools import cache

from policies.eligibility.evaluator import ParameterSeries, QuestionInfo, RuleInput, evaluate
from policies.eligibility.loader import read_fixtures, read_parameters

SOURCES = {
    "鞍山2024": "000_6bda17272921f9c3.txt",
    "营口": "001_c6539826c75744cc.txt",
    "鞍山2023": "002_14e9fef579fde56b.txt",
    "聊城": "003_76bc870404a33f18.txt",
    "三门峡": "004_e14e5c0ebb4c74ab.txt",
}


# A day inside each document's terms, on which the golden rows are evaluated (a part of a
# formula with its own period counts only within it; the one-year LPR of that day applies).
AS_OF = {
    SOURCES["鞍山2024"]: datetime.date(2025, 6, 30),
    SOURCES["营口"]: datetime.date(2024, 6, 30),
    SOURCES["鞍山2023"]: datetime.date(2023, 10, 16),
    SOURCES["聊城"]: datetime.date(2025, 6, 30),
    SOURCES["三门峡"]: datetime.date(2022, 6, 30),
}


@cache
def parameters():
    """Parameter key → ParameterSeries, from fixtures/eligibility/parameters.toml."""
    return {
        entry["key"]: ParameterSeries(
            key=entry["key"],
            name=entry["name"],
            values=tuple(
                (value["effective_from"], Decimal(str(value["value"])))
                for value in entry.get("value", [])
            ),
        )
        for entry in read_parameters()
    }


def evaluate_on(answers, rules, as_of):
    return evaluate(answers, rules, questions(), as_of, parameters())


@cache
def questions():
    entries, _rules, _documents = read_fixtures()
    return {
        entry["key"]: QuestionInfo(
            key=entry["key"],
            label=entry["label"],
            type=entry["type"],
            choices={choice[0]: choice[1] for choice in entry.get("choices", [])},
            unit=entry.get("unit", ""),
            statement=entry.get("statement", ""),
            negation=entry.get("negation", ""),
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


def answer_strategy(key):
    """Hypothesis: answers of the right type for a question of the fixtures."""
    from hypothesis import strategies as st

    entry = question_entries()[key]
    kind = entry["type"]
    if kind == "yes_no":
        return st.booleans()
    if kind == "choice":
        return st.sampled_from([choice[0] for choice in entry["choices"]])
    if kind == "multi":
        values = [choice[0] for choice in entry["choices"]]
        return st.lists(st.sampled_from(values), unique=True, max_size=len(values))
    if kind == "date":
        return st.dates(
            min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2026, 12, 31)
        ).map(lambda day: day.isoformat())
    if kind == "count":
        return st.integers(min_value=0, max_value=int(entry.get("max_value", 10**6)))
    return st.one_of(
        st.integers(min_value=0, max_value=int(entry.get("max_value", 10**7))),
        st.decimals(min_value=0, max_value=10**7, places=2).map(float),
    )


def asked_keys():
    return sorted(key for key, entry in question_entries().items() if entry["type"] != "derived")

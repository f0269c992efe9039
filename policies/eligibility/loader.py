"""Load questions, rules, dated parameters and stacking rules from ``fixtures/eligibility/``.

Layout: ``questions/*.toml`` (every file a list of ``[[question]]``), ``rules/*.toml`` (one
file per source document: ``source``, ``default_reason`` and ``default_audience`` for the
measures it does not list, and ``[[rule]]`` entries keyed by ``path``), ``parameters.toml``
and ``stacking.toml``.

Idempotent: loading twice changes nothing. A row that staff changed in the admin (its
content no longer matches the fingerprint of what was last loaded) is kept and reported,
unless ``overwrite`` is set. A fixture that does not validate stops the load with a message
naming the rule, and nothing is written.
"""

import json
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from policies import validity
from policies.models import Measure, period_values
from portal.fingerprint import Verdict, fingerprint, reimport_verdict

from . import schema
from .models import EligibilityRule, Parameter, ParameterValue, Question, StackingRule

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "eligibility"


class FixtureError(Exception):
    pass


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list = field(default_factory=list)  # rows edited by staff, left as they are
    unknown_measures: list = field(default_factory=list)

    def lines(self):
        yield (
            f"自测规则与问题：新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}，"
            f"保留人工修改 {len(self.kept)}"
        )
        for name in self.kept:
            yield f"  保留了管理后台中的修改（使用 --overwrite 覆盖）：{name}"
        for source, path in self.unknown_measures:
            yield f"  目录中没有这条措施，已跳过：{source} {path}"


def _toml(path):
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise FixtureError(f"{path.name}：TOML 格式有误（{error}）") from None


def read_fixtures(directory=FIXTURES):
    """(questions, rules, documents): rules carry their file's ``source``; documents are
    the files' defaults (source, default_reason, default_audience)."""
    questions = []
    for path in sorted((directory / "questions").glob("*.toml")):
        for entry in _toml(path).get("question", []):
            questions.append({**entry, "_file": path.name})
    rules, documents = [], []
    for path in sorted((directory / "rules").glob("*.toml")):
        data = _toml(path)
        source = data.get("source")
        if not source:
            raise FixtureError(f"{path.name}：缺少 source（来源文件名）")
        for entry in data.get("rule", []):
            rules.append({**entry, "source": source, "_file": path.name})
        if data.get("default_reason"):
            documents.append(
                {
                    "source": source,
                    "default_reason": data["default_reason"],
                    "default_audience": data.get("default_audience", ""),
                }
            )
    return questions, rules, documents


def read_stacking(directory=FIXTURES):
    path = directory / "stacking.toml"
    return _toml(path).get("exclusive", []) if path.exists() else []


def read_parameters(directory=FIXTURES):
    path = directory / "parameters.toml"
    if not path.exists():
        return []
    with open(path, "rb") as handle:
        return tomllib.load(handle).get("parameter", [])


def load_parameters(entries, overwrite, report):
    """Parameters and their dated values: missing ones are created; a value staff changed
    is kept (and reported) unless ``overwrite``."""
    for entry in entries:
        where = f"parameters.toml 参数 {entry.get('key', '?')}"
        try:
            fields = {name: entry[name] for name in ("name", "unit", "publisher", "note")}
        except KeyError as error:
            raise FixtureError(f"{where}：缺少字段 {error}") from None
        parameter, created = Parameter.objects.get_or_create(key=entry["key"], defaults=fields)
        report.created += created
        existing = {v.effective_from: v for v in parameter.values.all()}
        for raw in entry.get("value", []):
            try:
                start, value = raw["effective_from"], Decimal(str(raw["value"]))
            except (KeyError, ArithmeticError) as error:
                raise FixtureError(f"{where}：取值格式有误（{error}）") from None
            row = existing.get(start)
            if row is None:
                ParameterValue.objects.create(
                    parameter=parameter, effective_from=start, value=value, source=raw["source"]
                )
                report.created += 1
            elif row.value != value:
                if overwrite:
                    row.value = value
                    row.save(update_fields=["value"])
                    report.updated += 1
                else:
                    report.kept.append(f"参数 {parameter.key} {start}")
            else:
                report.unchanged += 1


def _json_or_none(value, where):
    if value in (None, ""):
        return None
    if isinstance(value, dict):
        return value
    try:
        return json.loads(value)
    except (TypeError, json.JSONDecodeError) as error:
        raise FixtureError(f"{where}：不是有效的 JSON（{error}）") from None


def _question_content(entry, where):
    max_value = entry.get("max_value")
    choices = [
        [*choice[:2], _json_or_none(choice[2], f"{where} 选项“{choice[1]}”的条件")]
        if len(choice) == 3
        else list(choice)
        for choice in entry.get("choices", [])
    ]
    return {
        "label": entry["label"],
        "wording": entry["wording"],
        "help_text": entry.get("help_text", ""),
        "type": entry["type"],
        "section": entry["section"],
        "order": entry.get("order", 0),
        "choices": choices,
        "unit": entry.get("unit", ""),
        "max_value": None if max_value is None else str(Decimal(str(max_value)).normalize()),
        "required": entry.get("required", False),
        "statement": entry.get("statement", ""),
        "negation": entry.get("negation", ""),
        "ask_if": _json_or_none(entry.get("ask_if"), f"{where} 的 ask_if"),
    }


def _rule_content(entry, where):
    status = entry.get("status")
    if status not in EligibilityRule.Status.values:
        raise FixtureError(f"{where}：status 应为 encoded 或 not_encodable")
    content = {
        "audience": entry.get("audience", "") if status != EligibilityRule.Status.ENCODED else "",
        "status": status,
        "conditions": None,
        "benefit": None,
        "clause": entry.get("clause", "").strip(),
        "reason": entry.get("reason", "").strip(),
        "note": entry.get("note", "").strip(),
        "validity": _rule_validity(entry, where),
    }
    if status != EligibilityRule.Status.ENCODED and (
        content["audience"] not in EligibilityRule.Audience.values
    ):
        raise FixtureError(
            f"{where}：可咨询的措施须注明 audience（government 面向政府、individual 面向个人、"
            "unconditional 无任何条件）"
        )
    if status == EligibilityRule.Status.ENCODED:
        try:
            content["conditions"] = json.loads(entry["conditions"])
            content["benefit"] = json.loads(entry["benefit"])
        except (KeyError, json.JSONDecodeError) as error:
            raise FixtureError(f"{where}：conditions/benefit 不是有效的 JSON（{error}）") from None
        if not content["clause"]:
            raise FixtureError(f"{where}：缺少所依据的条款原文 clause")
    elif not content["reason"]:
        raise FixtureError(f"{where}：不可编码的规则需要 reason")
    return content


def _rule_validity(entry, where):
    """A period set on the rule itself (valid_from, valid_until, valid_words, valid_reason),
    as the content dict stores it, or None when the rule follows its clause and measure."""
    if not any(key in entry for key in ("valid_from", "valid_until", "valid_words")):
        return None
    if not entry.get("valid_words") or not entry.get("valid_reason"):
        raise FixtureError(f"{where}：规则自带时效时需要 valid_words（原文）和 valid_reason")
    start, end = entry.get("valid_from"), entry.get("valid_until")
    if start and end and start > end:
        raise FixtureError(f"{where}：valid_from 晚于 valid_until")
    return validity.Period(
        start=start,
        end=end,
        kind=validity.Kind.DATED if end else validity.Kind.OPEN,
        words=entry["valid_words"],
        basis=validity.Basis.RULE,
        note=entry["valid_reason"],
    ).as_dict()


def rule_values(content):
    """The model field values of a rule's fixture content."""
    values = {key: content[key] for key in ("audience", "status", "clause", "reason", "note")}
    values["conditions"] = (
        content["conditions"] if content["conditions"] is not None else {"all": []}
    )
    values["benefit"] = content["benefit"]
    explicit = content.get("validity")
    period = (
        validity.Period.from_dict(explicit)
        if explicit
        else validity.Period(basis=validity.Basis.DOCUMENT)  # re-derived on save
    )
    values.update(period_values(period))
    return values


def _apply(instance, content, overwrite, report, name, fields, values=None):
    """Create/update ``instance`` from ``content`` unless staff changed it since the last load."""
    values = content if values is None else values
    new_print = fingerprint(content)
    if instance.pk is None:
        for key in fields:
            setattr(instance, key, values[key])
        instance.fixture_fingerprint = new_print
        instance.save()
        report.created += 1
        return
    current = fingerprint(instance.content())
    verdict = reimport_verdict(
        instance.fixture_fingerprint, current, new_print, overwrite=overwrite
    )
    if verdict is Verdict.KEEP:
        report.kept.append(name)
        return
    if verdict is not Verdict.WRITE:  # the row holds the new content
        if verdict is not Verdict.UNCHANGED:
            instance.fixture_fingerprint = new_print
            instance.save(update_fields=["fixture_fingerprint"])
        report.unchanged += 1
        return
    for key in fields:
        setattr(instance, key, values[key])
    instance.fixture_fingerprint = new_print
    instance.save()
    report.updated += 1


QUESTION_FIELDS = [
    "label",
    "wording",
    "help_text",
    "type",
    "section",
    "order",
    "choices",
    "unit",
    "max_value",
    "required",
    "statement",
    "negation",
    "ask_if",
]
RULE_FIELDS = [
    "audience",
    "status",
    "conditions",
    "benefit",
    "clause",
    "reason",
    "note",
    "valid_from",
    "valid_until",
    "validity_kind",
    "validity_words",
    "validity_basis",
    "validity_note",
]


@transaction.atomic
def load(overwrite=False, directory=FIXTURES):
    question_entries, rule_entries, documents = read_fixtures(directory)
    report = Report()
    load_parameters(read_parameters(directory), overwrite, report)
    parameters = set(Parameter.objects.values_list("key", flat=True))

    seen = {}
    for index, entry in enumerate(question_entries):
        where = f"{entry['_file']} 第 {index + 1} 个问题（{entry.get('key', '?')}）"
        if entry.get("key") in seen:
            raise FixtureError(f"{where}：问题键与 {seen[entry['key']]} 重复")
        seen[entry.get("key")] = entry["_file"]
        try:
            content = _question_content(entry, where)
        except KeyError as error:
            raise FixtureError(f"{where}：缺少字段 {error}") from None
        question = Question.objects.filter(key=entry["key"]).first() or Question(key=entry["key"])
        probe = Question(key=entry["key"], **{k: content[k] for k in QUESTION_FIELDS})
        try:
            probe.clean()
        except ValidationError as error:
            raise FixtureError(f"{where}：{'；'.join(error.messages)}") from None
        _apply(question, content, overwrite, report, f"问题 {entry['key']}", QUESTION_FIELDS)
    keys = {question.key: question.info() for question in Question.objects.all()}
    for question in Question.objects.exclude(ask_if=None):
        errors = schema.validate_conditions(question.ask_if, "提问条件", known_keys=keys)
        if errors:
            raise FixtureError(f"问题 {question.key}：" + "；".join(errors))

    measures = {
        (m.document.source, m.path_key): m
        for m in Measure.objects.select_related("document", "eligibility_rule")
    }
    covered = set()
    for entry in rule_entries:
        source, path = entry.get("source"), str(entry.get("path"))
        where = f"rules/{entry['_file']} 规则 {path}"
        content = _rule_content(entry, where)
        if content["status"] == EligibilityRule.Status.ENCODED:
            errors = schema.validate_conditions(content["conditions"], known_keys=keys)
            errors += schema.validate_benefit(
                content["benefit"], known_keys=keys, known_parameters=parameters
            )
            if errors:
                raise FixtureError(f"{where}：" + "；".join(errors))
        covered.add((source, path))
        measure = measures.get((source, path))
        if measure is None:
            report.unknown_measures.append((source, path))
            continue
        _save_rule(measure, content, overwrite, report)

    for document in documents:
        reason = document["default_reason"].strip()
        for (source, path), measure in measures.items():
            if source == document["source"] and (source, path) not in covered:
                content = {
                    "audience": document["default_audience"],
                    "status": EligibilityRule.Status.NOT_ENCODABLE,
                    "conditions": None,
                    "benefit": None,
                    "clause": "",
                    "reason": reason,
                    "note": "",
                    "validity": None,
                }
                _save_rule(measure, content, overwrite, report)
    load_stacking(read_stacking(directory), measures, overwrite, report)
    refresh_periods(EligibilityRule.objects.select_related("measure__document"))
    return report


def load_stacking(entries, measures, overwrite, report):
    """不重复享受 rules: created or updated by name, kept when staff changed them."""
    for entry in entries:
        where = f"stacking.toml {entry.get('name', '?')}"
        try:
            cited = measures[(entry["source"], str(entry["path"]))]
            members = [measures[(source, str(path))] for source, path in entry["measures"]]
        except KeyError as error:
            raise FixtureError(f"{where}：目录中没有措施 {error}") from None
        if entry["clause"] not in cited.text:
            raise FixtureError(f"{where}：条款原文不在第{cited.path_key}条正文中")
        content = {
            "clause": entry["clause"],
            "cited": cited.pk,
            "measures": sorted(m.pk for m in members),
        }
        rule = StackingRule.objects.filter(name=entry["name"]).first()
        if rule is not None:
            current = {
                "clause": rule.clause,
                "cited": rule.cited_measure_id,
                "measures": sorted(rule.measures.values_list("pk", flat=True)),
            }
            verdict = reimport_verdict(
                rule.fixture_fingerprint,
                fingerprint(current),
                fingerprint(content),
                overwrite=overwrite,
            )
            if verdict is Verdict.KEEP:
                report.kept.append(f"不重复享受规则 {entry['name']}")
                continue
            if verdict is not Verdict.WRITE:  # holds the content; its fingerprint stays as is
                report.unchanged += 1
                continue
        rule = rule or StackingRule(name=entry["name"])
        rule.clause, rule.cited_measure = entry["clause"], cited
        rule.fixture_fingerprint = fingerprint(content)
        rule.save()
        rule.measures.set(members)
        report.created += 1


def refresh_periods(rules) -> int:
    """Re-derive the periods of ``rules`` from their measures (after an import changed them);
    returns how many changed."""
    return sum(rule.refresh_period() for rule in rules)


def _save_rule(measure, content, overwrite, report):
    try:
        rule = measure.eligibility_rule
    except EligibilityRule.DoesNotExist:
        rule = EligibilityRule(measure=measure)
    name = f"规则 {measure.document.source} {measure.path_key}"
    _apply(rule, content, overwrite, report, name, RULE_FIELDS, rule_values(content))

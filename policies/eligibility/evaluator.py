"""Evaluate an enterprise's answers against eligibility rules — pure Python, no database.

``evaluate(answers, rules, questions, as_of, parameters)`` takes

* ``answers``: question key → the value as answered (money in 万元, as typed; a multiple
  choice as the list of ticked values);
* ``rules``: ``RuleInput`` objects (one per measure; built from the database by
  ``policies.eligibility.services``, or by hand in tests and benchmarks);
* ``questions``: question key → ``QuestionInfo`` (type, label, the words of a yes/no
  question's statement and its negation, choices, unit);
* ``as_of``: the 测算日期 — each rule counts only within its own period, each part of a
  formula with a ``period`` only within that, and dated parameters (the one-year LPR) take
  the value in force on that day;
* ``parameters``: parameter key → ``ParameterSeries`` (dated values);

and returns one ``Result`` per rule. The rule language and its words are in ``kinds`` (one
class per kind). Conditions use three-valued logic: a condition on an unanswered question is
*unknown*, never false, so a missing answer can only make a verdict 可能符合, never 不符合.
Amounts are whole yuan, computed with exact fractions and never above the caps the formula
states. Facts the enterprise is not asked (its size under the national 划型标准, the year it
was registered) are derived from its profile (``profile``).

A rule whose period is not in force on the 测算日期 (已到期, 未生效, 时效未明 — see
``policies.validity``) is still evaluated, so that the page can say what it would have
given, but its group is its validity status and it never counts in a total.
"""

import datetime
import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from policies import validity

from . import compiled as compiled_rules
from . import kinds, profile
from .compiled import CompiledRule
from .kinds import (  # noqa: F401 - the evaluator's public words
    CHOICE,
    COUNT,
    DATE,
    DERIVED,
    MONEY_WAN,
    MULTI,
    NUMBER,
    YES_NO,
    amount_range_text,
    describe,
    format_value,
    format_yuan,
    render,
)

ELIGIBLE = "eligible"
MAYBE = "maybe"
INELIGIBLE = "ineligible"
CONSULT = "consult"
# Groups of rules not in force on the 测算日期: the validity statuses themselves.
EXPIRED = validity.Status.EXPIRED.value
NOT_YET = validity.Status.NOT_YET.value
UNKNOWN_VALIDITY = validity.Status.UNKNOWN.value
APART = (EXPIRED, NOT_YET, UNKNOWN_VALIDITY)

# Larger answers are typing errors (the form refuses them); they count as not answered.
MAX_ANSWER = Decimal(10**12)


@dataclass(frozen=True)
class QuestionInfo:
    key: str
    label: str
    type: str = YES_NO
    choices: dict = field(default_factory=dict)  # value → label
    unit: str = ""
    statement: str = ""  # yes/no: the fact in words, "首次纳入统计部门调查单位库"
    negation: str = ""  # yes/no: its negation, "非当年注册成立"


@dataclass(frozen=True)
class ParameterSeries:
    """A value that changes over time (the one-year LPR): ``values`` are (effective from,
    value in percent as a ``Decimal``), any order."""

    key: str
    name: str
    values: tuple = ()
    publisher: str = ""

    def on(self, day: datetime.date):
        """(effective from, percent) in force on ``day``, or None before the first value."""
        found = None
        for start, value in self.values:
            if start <= day and (found is None or start > found[0]):
                found = (start, value)
        return found


@dataclass
class RuleInput:
    measure_id: object
    status: str = "encoded"  # or "not_encodable"
    conditions: dict = field(default_factory=lambda: {"all": []})
    benefit: dict | None = None
    reason: str = ""
    clause: str = ""
    note: str = ""
    period: validity.Period = field(
        default_factory=lambda: validity.Period(kind=validity.Kind.OPEN)
    )
    draft: bool = False
    # Identifies this rule's conditions and formula: a hashable value that changes whenever
    # they do (``services.rule_input``: the rule's pk and ``updated_at``). A rule with a
    # version is compiled once (``compiled``); None: it is interpreted on every evaluation.
    version: object = None


@dataclass
class Env:
    """What a formula is evaluated against: normalized answers, the 测算日期, parameters; and
    the non-money benefits found (certain, and those that depend on an unanswered
    question)."""

    values: dict
    as_of: datetime.date
    parameters: dict = field(default_factory=dict)
    benefits: list = field(default_factory=list)
    possible_benefits: list = field(default_factory=list)


@dataclass(slots=True)
class Result:
    measure_id: object
    group: str  # eligible / maybe / ineligible / consult, or a validity status (see APART)
    verdict: str  # the verdict on the answers (for a rule not in force: what it would give)
    amount_min: int = 0
    amount_max: int | None = 0  # None: the amount depends on figures not given
    missing: list = field(default_factory=list)  # every unanswered key it needs
    deciding: list = field(default_factory=list)  # those that decide whether it applies
    benefits: list = field(default_factory=list)  # 可享受 (non-money), certain
    possible_benefits: list = field(default_factory=list)  # 可享受 if a condition holds
    clause: str = ""
    reason: str = ""
    note: str = ""
    period: validity.Period | None = None
    excluded_parts: list = field(default_factory=list)  # (label, period, status)
    _steps: list = field(default_factory=list, repr=False)
    _failed: list = field(default_factory=list, repr=False)
    _questions: dict = field(default_factory=dict, repr=False)

    @property
    def computation(self):
        """The computation in words, e.g. ["增量 2.3亿元 → 2亿元（含）至5亿元（不含）档 → 50万元"]."""
        return [render(step, self._questions) for step in self._steps]

    @property
    def failed(self):
        """Which conditions the answers do not meet, in words, with how far for a threshold."""
        return [kinds.failed_words(node, value, self._questions) for node, value in self._failed]

    @property
    def amount_text(self):
        return amount_range_text(self.amount_min, self.amount_max)

    @property
    def gives_money(self):
        return bool(self.amount_max) or self.amount_max is None

    @property
    def counts_as_eligible(self):
        return self.group == ELIGIBLE


# ---------------------------------------------------------------------------- answers


def _to_decimal(value):
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return number


def normalize(answers, questions, as_of=None):
    """Answers as the evaluator compares them: money in yuan (int), yes/no as bool, a
    multiple choice as a frozenset, plus the facts derived from the profile.

    Unusable values (text in a number, an unknown key, an unknown choice) are dropped, so
    they count as not answered."""
    values = {}
    if not isinstance(answers, dict):
        return values
    for key, raw in answers.items():
        question = questions.get(key)
        if question is None or raw is None or raw == "":
            continue
        kind = question.type
        if kind == YES_NO:
            if isinstance(raw, bool):
                values[key] = raw
            elif raw in ("yes", "true", "1", 1, "是"):
                values[key] = True
            elif raw in ("no", "false", "0", 0, "否"):
                values[key] = False
        elif kind == CHOICE:
            if isinstance(raw, str) and (not question.choices or raw in question.choices):
                values[key] = raw
        elif kind == MULTI:
            if isinstance(raw, (list, tuple)) and all(isinstance(v, str) for v in raw):
                values[key] = frozenset(
                    v for v in raw if not question.choices or v in question.choices
                )
        elif kind == DATE:
            if isinstance(raw, str) and len(raw) == 10:
                try:
                    datetime.date.fromisoformat(raw)
                except ValueError:
                    continue
                values[key] = raw
        elif kind == DERIVED:
            continue  # never answered: derived below
        else:
            number = _to_decimal(raw)
            if number is None or number < 0 or number > MAX_ANSWER:
                continue
            if kind == MONEY_WAN:
                values[key] = int((number * 10000).to_integral_value())
            elif kind == COUNT:
                values[key] = int(number.to_integral_value(rounding="ROUND_FLOOR"))
            else:
                values[key] = Fraction(number)
    values.update(profile.derived(values, as_of))
    return values


# ---------------------------------------------------------------------------- evaluation


def validity_group(rule, as_of):
    """None when the rule is in force on ``as_of``, else its validity status."""
    status = validity.status_of(rule.period, as_of, draft=rule.draft)
    return None if status in validity.COUNTED else status


def evaluate_rule(env, rule, questions):
    """One rule against an ``Env`` (normalized values, 测算日期, parameters)."""
    apart = validity_group(rule, env.as_of)
    if rule.status != "encoded" or rule.benefit is None:
        return Result(
            measure_id=rule.measure_id,
            group=apart or CONSULT,
            verdict=CONSULT,
            amount_min=0,
            amount_max=0,
            clause=rule.clause,
            reason=rule.reason,
            note=rule.note,
            period=rule.period,
            _questions=questions,
        )
    env.benefits, env.possible_benefits = [], []
    deciding, failed, steps, excluded = [], [], [], []
    outcome = kinds.check(rule.conditions, env.values, deciding, failed)
    benefits = possible = []
    if outcome is False:
        verdict, low, high, missing, deciding = INELIGIBLE, 0, 0, [], []
    else:
        benefit_missing = []
        low, high = kinds.amount_of(rule.benefit, env, benefit_missing, steps, excluded)
        benefits, possible = list(env.benefits), list(env.possible_benefits)
        if outcome is True:
            verdict = ELIGIBLE
            missing, deciding = benefit_missing, []
        else:
            verdict = MAYBE
            low = 0
            missing = deciding + benefit_missing
            possible, benefits = benefits + possible, []
        failed = []
    return Result(
        measure_id=rule.measure_id,
        group=apart or verdict,
        verdict=verdict,
        amount_min=low,
        amount_max=high,
        missing=list(dict.fromkeys(missing)),
        deciding=list(dict.fromkeys(deciding)),
        benefits=benefits,
        possible_benefits=possible,
        clause=rule.clause,
        reason=rule.reason,
        note=rule.note,
        period=rule.period,
        excluded_parts=excluded,
        _steps=steps,
        _failed=failed,
        _questions=questions,
    )


@contextmanager
def _without_cyclic_gc():
    """Evaluation allocates many small acyclic objects; the cyclic collector, triggered by
    them, then walks the whole heap of a web process again and again. Measured by
    ``make bench`` (10,000 rules): median 118–140 ms with it, 58–63 ms without. Reference
    counting still frees everything; the collector resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # What the evaluation allocated (the results: acyclic, freed by reference
            # counting) would otherwise be walked by the very next young collection, and
            # again by each older one it survives into. Moving the young generations to the
            # oldest in one step (freeze, then unfreeze: two list splices, no traversal)
            # spares those walks; a full collection still visits them, as it visits every
            # long-lived object.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def evaluate(answers, rules, questions, as_of, parameters=None, *, compiled=True):
    """Every rule against the answers on the 测算日期 ``as_of``; one ``Result`` per rule, in
    the rules' order. Rules with a ``version`` are compiled once and run compiled
    (``compiled``); ``compiled=False`` interprets every rule (the reference: both give the
    same results)."""
    env = Env(values=normalize(answers, questions, as_of), as_of=as_of, parameters=parameters or {})
    with _without_cyclic_gc():
        if not compiled:
            return [evaluate_rule(env, rule, questions) for rule in rules]
        return _evaluate_compiled(env, rules, questions)


_IN_FORCE = validity.Status.IN_FORCE
_ENDING_SOON = validity.Status.ENDING_SOON
_status_of = validity.status_of
_UNKNOWN_STATUS = validity.Status.UNKNOWN
_UNKNOWN_KIND = validity.Kind.UNKNOWN


class _Empty(list):
    """The empty list that compiled results share for what they leave empty (most of a
    result's lists): equal to ``[]``, and refusing to change, so that no reader can change
    it for every other result. Fewer objects per result is most of what makes compiled
    evaluation faster: each one allocated is walked once more by the cyclic collector."""

    __slots__ = ()

    def _refuse(self, *args, **kwargs):
        raise TypeError("a result's empty list is shared: copy it to change it")

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse


EMPTY = _Empty()


def _evaluate_compiled(env, rules, questions):
    """``evaluate_rule`` for every rule, with the compiled conditions and formula of those
    that have them (see ``compiled``): the same results, built with fewer objects — the
    compiled code appends to lists reused from rule to rule, copied into a result only
    when not empty."""
    results = []
    append = results.append
    values, as_of = env.values, env.as_of
    compiled_of, cached = compiled_rules.compiled, compiled_rules.cached
    deciding, failed, steps, excluded, benefit_missing = [], [], [], [], []
    env.benefits, env.possible_benefits = benefits, possible = [], []
    for rule in rules:
        if rule.status != "encoded" or rule.benefit is None:
            append(evaluate_rule(env, rule, questions))
            env.benefits, env.possible_benefits = benefits, possible
            continue
        rule_code = cached(rule.version)
        if rule_code.__class__ is not CompiledRule:
            rule_code = compiled_of(rule)
            if rule_code is None:
                append(evaluate_rule(env, rule, questions))
                env.benefits, env.possible_benefits = benefits, possible
                continue
        period = rule.period
        if period.start is None and period.end is None and not rule.draft:
            # ``validity.status_of`` of a period without dates, without calling it
            apart = _UNKNOWN_STATUS if period.kind == _UNKNOWN_KIND else None
        else:
            status = _status_of(period, as_of, draft=rule.draft)
            apart = None if status is _IN_FORCE or status is _ENDING_SOON else status
        outcome = rule_code.check(values, deciding, failed)
        if outcome is False:
            append(
                Result(
                    rule.measure_id,
                    apart or INELIGIBLE,
                    INELIGIBLE,
                    0,
                    0,
                    EMPTY,
                    EMPTY,
                    EMPTY,
                    EMPTY,
                    rule.clause,
                    rule.reason,
                    rule.note,
                    rule.period,
                    EMPTY,
                    EMPTY,
                    failed[:],
                    questions,
                )
            )
            failed.clear()
            if deciding:
                deciding.clear()
            continue
        if failed:
            failed.clear()
        low, high = rule_code.amount(env, benefit_missing, steps, excluded)
        if outcome is True:
            verdict = ELIGIBLE
            missing = list(dict.fromkeys(benefit_missing)) if benefit_missing else EMPTY
            deciding_keys = EMPTY
            certain = benefits[:] if benefits else EMPTY
            maybe = possible[:] if possible else EMPTY
        else:
            verdict = MAYBE
            low = 0
            missing = list(dict.fromkeys(deciding + benefit_missing))
            deciding_keys = list(dict.fromkeys(deciding))
            certain = EMPTY
            maybe = benefits + possible if benefits or possible else EMPTY
            deciding.clear()
        append(
            Result(
                rule.measure_id,
                apart or verdict,
                verdict,
                low,
                high,
                missing,
                deciding_keys,
                certain,
                maybe,
                rule.clause,
                rule.reason,
                rule.note,
                rule.period,
                excluded[:] if excluded else EMPTY,
                steps[:] if steps else EMPTY,
                EMPTY,
                questions,
            )
        )
        steps.clear()
        if benefit_missing:
            benefit_missing.clear()
        if excluded:
            excluded.clear()
        if benefits:
            benefits.clear()
        if possible:
            possible.clear()
    return results


# ---------------------------------------------------------------------------- totals


@dataclass(frozen=True)
class Exclusive:
    """Measures a clause forbids combining (不重复享受): of those an enterprise meets, only
    the most generous counts in a total."""

    measure_ids: frozenset
    clause: str
    source: str = ""


@dataclass
class Summary:
    eligible_min: int  # 确定可获: the least the 符合 measures give
    eligible_max: int | None  # the most they give (None: depends on figures not given)
    eligible_count: int
    maybe_max: int | None  # the most the 可能符合 measures could add
    maybe_count: int
    benefit_count: int = 0  # 符合 measures that give something other than money
    set_aside: list = field(default_factory=list)  # (result, Exclusive) not counted

    @property
    def eligible_text(self):
        return amount_range_text(self.eligible_min, self.eligible_max)

    @property
    def more_possible(self):
        """How much more the answers still to give could add, or None when unbounded."""
        if self.eligible_max is None or self.maybe_max is None:
            return None
        return self.eligible_max - self.eligible_min + self.maybe_max

    @property
    def headline(self):
        """ "确定可获 X；如补充信息，最高还可能 Y"."""
        certain = f"确定可获 {format_yuan(self.eligible_min)}"
        more = self.more_possible
        if more is None:
            return f"{certain}；如补充信息，还可能获得更多（部分金额需按实际数据计算）"
        if more > 0:
            return f"{certain}；如补充信息，最高还可能 {format_yuan(more)}"
        return certain


def _apply_exclusive(results, exclusive):
    """The results that count, and those set aside by a 不重复享受 clause."""
    counted, set_aside = list(results), []
    for group in exclusive:
        members = [r for r in counted if r.measure_id in group.measure_ids]
        if len(members) < 2:
            continue
        best = max(
            members,
            key=lambda r: (r.amount_max is None, r.amount_max or 0, r.amount_min),
        )
        for result in members:
            if result is not best:
                counted.remove(result)
                set_aside.append((result, group))
    return counted, set_aside


def _total_max(results):
    """The sum of the maxima, or None when one of them is unbounded."""
    total = 0
    for result in results:
        if result.amount_max is None:
            return None
        total += result.amount_max
    return total


def summarize(results, exclusive=()):
    """Totals over 符合 and, apart, 可能符合, never adding up measures a 不重复享受 clause
    (``exclusive``) forbids combining. Rules not in force on the 测算日期 are in groups of
    their own (``APART``) and never count."""
    eligible, maybe, benefit_count = [], [], 0
    for result in results:  # one pass: a city's results are many
        group = result.group
        if group == ELIGIBLE:
            eligible.append(result)
            if result.benefits:
                benefit_count += 1
        elif group == MAYBE:
            maybe.append(result)
    eligible_count, maybe_count = len(eligible), len(maybe)
    eligible, set_aside = _apply_exclusive(eligible, exclusive)
    maybe, maybe_aside = _apply_exclusive(maybe, exclusive)
    return Summary(
        eligible_min=sum(r.amount_min for r in eligible),
        eligible_max=_total_max(eligible),
        eligible_count=eligible_count,
        maybe_max=_total_max(maybe),
        maybe_count=maybe_count,
        benefit_count=benefit_count,
        set_aside=set_aside + maybe_aside,
    )

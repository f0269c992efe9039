"""Rules compiled once: conditions and formulas as Python closures, validated when compiled.

``kinds`` interprets a rule's JSON on every evaluation: each node is dispatched by name,
unpacked and re-read for every enterprise. Here a rule is turned once into closures that do
only what the node says (``compile_rule``); ``evaluator.evaluate`` uses them for every rule
that carries a ``version`` and the interpreter for the others. The results are the same,
step for step (``tests/eligibility/test_compiled.py`` compares both on random answers over
the curated rules and the benchmark's): the closures append the same keys in the same order
to ``missing``, the same (node, value) pairs to ``failed`` and the same renderable steps, so
explanations are still built only when a result's words are read.

A rule is compiled once per ``RuleInput.version``: a hashable value that changes whenever
the rule's conditions or formula change — ``services.rule_input`` gives (the rule's pk, its
``updated_at``), which every ``save()`` of the rule changes (in the admin, the loader or a
service), so the next evaluation in every process compiles the edited rule afresh; nothing
writes ``conditions`` or ``benefit`` with ``QuerySet.update()``. The cache is bounded
(``MAX_CACHED``); a rule that does not validate (``kinds.validate_condition`` /
``validate_formula``) is never compiled: it is interpreted, as before.
"""

import operator as operator_module
from fractions import Fraction

from policies import validity

from . import kinds
from .kinds import UNKNOWN

MAX_CACHED = 50_000

IN_FORCE = validity.Status.IN_FORCE
ENDING_SOON = validity.Status.ENDING_SOON


class CompiledRule:
    """A rule's conditions (``check(values, missing, failed)``, appending to the lists it is
    given) and formula (``amount(env, missing, steps, excluded)``)."""

    __slots__ = ("check", "amount")

    def __init__(self, check, amount):
        self.check = check
        self.amount = amount


_cache: dict = {}  # version → CompiledRule, or _INVALID (never rebound: see ``cached``)
_INVALID = object()  # cached for a rule that does not validate: interpret it
cached = _cache.get  # the evaluator's quick look-up; ``compiled`` when it misses


def compiled(rule):
    """The rule compiled (from the cache when its ``version`` was compiled before), or None
    when it has no version or does not validate (then it is interpreted)."""
    version = rule.version
    if version is None:
        return None
    found = _cache.get(version)
    if found is None:
        found = compile_rule(rule.conditions, rule.benefit) or _INVALID
        if len(_cache) >= MAX_CACHED:
            _evict()
        _cache[version] = found
    return None if found is _INVALID else found


def _evict():
    """Forget the oldest tenth of the cache (a dict keeps insertion order)."""
    for version in list(_cache)[: max(1, MAX_CACHED // 10)]:
        _cache.pop(version, None)


def clear():
    _cache.clear()


def compile_rule(conditions, benefit):
    """A ``CompiledRule``, or None when the rule does not validate."""
    if benefit is None:
        return None
    if kinds.validate_condition(conditions) or kinds.validate_formula(benefit):
        return None
    return CompiledRule(_root_condition(conditions), _formula(benefit))


# ---------------------------------------------------------------------------- conditions
#
# Every node returns True / False / None (unknown) as ``kinds.check`` does; a node that
# returns True appends nothing, one that returns False appends only to ``failed``, one that
# returns None only to ``missing``. The root of a rule's conditions (and of a formula's
# ``when``) may append straight to the lists it is given, since its caller keeps ``missing``
# only when it is unknown and ``failed`` only when it is false; nested groups keep their
# children's lists apart, as ``kinds`` does.


def _root_condition(node):
    ((operator, operand),) = node.items()
    if operator != "all":
        return _condition(node)
    children = [_condition(child) for child in operand]
    if not children:
        return _always_true
    if len(children) == 1:
        return children[0]

    def check_all(values, missing, failed):
        outcome = True
        for child in children:
            result = child(values, missing, failed)
            if result is False:
                outcome = False
            elif result is UNKNOWN and outcome is True:
                outcome = UNKNOWN
        return outcome

    return check_all


def _always_true(values, missing, failed):
    return True


def _condition(node):
    ((operator, operand),) = node.items()
    return _COMPILERS[operator](operator, operand, node)


def _all(operator, operand, node):
    children = [_condition(child) for child in operand]

    def check_all(values, missing, failed):
        outcome = True
        local_missing, local_failed = [], []
        for child in children:
            result = child(values, local_missing, local_failed)
            if result is False:
                outcome = False
            elif result is UNKNOWN and outcome is True:
                outcome = UNKNOWN
        if outcome is False:
            failed.extend(local_failed)
        elif outcome is UNKNOWN:
            missing.extend(local_missing)
        return outcome

    return check_all


def _any(operator, operand, node):
    children = [_condition(child) for child in operand]
    failing = {"any": operand}

    def check_any(values, missing, failed):
        outcome = False
        local_missing, local_failed = [], []
        for child in children:
            result = child(values, local_missing, local_failed)
            if result is True:
                return True
            if result is UNKNOWN:
                outcome = UNKNOWN
        if outcome is False:
            failed.append((failing, None))
        else:
            missing.extend(local_missing)
        return outcome

    return check_any


def _not(operator, operand, node):
    inner = _condition(operand)
    failing = {"not": operand}

    def check_not(values, missing, failed):
        inner_missing = []
        result = inner(values, inner_missing, [])
        if result is UNKNOWN:
            missing.extend(inner_missing)
            return UNKNOWN
        if result is True:
            failed.append((failing, None))
            return False
        return True

    return check_not


def _is_true(operator, key, node):
    def check_is_true(values, missing, failed):
        if key not in values:
            missing.append(key)
            return UNKNOWN
        value = values[key]
        if value is True:
            return True
        failed.append((node, value))
        return False

    return check_is_true


def _leaf(test):
    """A condition on one answer: ``test(operand)`` gives ``compare(value)``, True / False /
    None (not comparable), as the kind's ``test``."""

    def compile_leaf(operator, operand, node):
        key = operand[0]
        compare = test(operand)

        def check_leaf(values, missing, failed):
            if key not in values:
                missing.append(key)
                return UNKNOWN
            value = values[key]
            result = compare(value)
            if result is UNKNOWN:
                missing.append(key)
                return UNKNOWN
            if not result:
                failed.append((node, value))
                return False
            return True

        return check_leaf

    return compile_leaf


def _ge(operator, operand, node):
    """``ge``, the most frequent comparison, in one function (as ``_leaf(_compare("ge"))``)."""
    key, right = operand

    def check_ge(values, missing, failed):
        if key not in values:
            missing.append(key)
            return UNKNOWN
        value = values[key]
        try:
            result = value >= right
        except TypeError:
            missing.append(key)
            return UNKNOWN
        if not result:
            failed.append((node, value))
            return False
        return True

    return check_ge


def _compare(operator):
    """The test of one comparison, as ``kinds.Compare.test`` (a TypeError: unknown)."""
    compare = {
        "eq": operator_module.eq,
        "ne": operator_module.ne,
        "gt": operator_module.gt,
        "ge": operator_module.ge,
        "lt": operator_module.lt,
        "le": operator_module.le,
    }[operator]

    def test(operand):
        right = operand[1]

        def test_value(value):
            try:
                return compare(value, right)
            except TypeError:
                return UNKNOWN

        return test_value

    return test


def _in_test(operand):
    options = operand[1]
    return lambda value: value in options


def _between_test(operand):
    low, high = operand[1], operand[2]

    def compare(value):
        try:
            return low <= value <= high
        except TypeError:
            return UNKNOWN

    return compare


def _has_test(operand):
    wanted = operand[1]

    def compare(value):
        if not isinstance(value, (list, tuple, set, frozenset)):
            return UNKNOWN
        return wanted in value

    return compare


_COMPILERS = {
    "all": _all,
    "any": _any,
    "not": _not,
    "is_true": _is_true,
    "in": _leaf(_in_test),
    "between": _leaf(_between_test),
    "has": _leaf(_has_test),
    **{operator: _leaf(_compare(operator)) for operator in kinds.COMPARE_WORDS},
    "ge": _ge,
}
assert set(_COMPILERS) == set(kinds.CONDITIONS), "a condition kind has no compiler"


# ---------------------------------------------------------------------------- formulas
#
# ``_formula(formula)`` is ``kinds.amount_of`` for that formula (its ``period`` and
# ``when``); the kind's own computation is ``_KINDS[kind](formula)``, as the kind's
# ``compute``, appending the same steps (the kind's bound ``say`` methods and their
# arguments) so that ``Result.computation`` renders the same words.


def _formula(formula):
    compute = _KINDS[formula["kind"]](formula)
    period = kinds.part_period(formula)
    when = formula.get("when")
    applies = _root_condition(when) if when is not None else None
    if period is None and applies is None:
        return compute
    name = kinds.name_of(formula, "本项")
    say_excluded, say_if = kinds.say_part_excluded, kinds.say_if

    def amount(env, missing, steps, excluded):
        if period is not None:
            status = validity.status_of(period, env.as_of)
            if status is not IN_FORCE and status is not ENDING_SOON:
                if excluded is not None:
                    excluded.append((name, period, status))
                steps.append((say_excluded, formula, period, status))
                return 0, 0
        if applies is not None:
            when_missing = []
            outcome = applies(env.values, when_missing, [])
            if outcome is False:
                return 0, 0
            if outcome is UNKNOWN:
                inner_steps = []
                benefits = env.benefits
                before = len(benefits)
                low, high = compute(env, missing, inner_steps, excluded)
                conditional = benefits[before:]
                del benefits[before:]
                env.possible_benefits.extend(conditional)
                missing.extend(when_missing)
                steps.append((say_if, formula, inner_steps))
                return 0, high
        return compute(env, missing, steps, excluded)

    return amount


def _fixed(formula):
    step = (kinds.FORMULAS["fixed"].say, formula)  # the same words every time: one tuple
    amount = formula["amount"]

    def compute(env, missing, steps, excluded):
        steps.append(step)
        return amount, amount

    return compute


def _up_to(formula):
    step = (kinds.FORMULAS["up_to"].say, formula)
    amount = formula["amount"]

    def compute(env, missing, steps, excluded):
        steps.append(step)
        return 0, amount

    return compute


def _figure(key):
    """``kinds._figure`` for one key: the figure, or None (the key appended to missing)."""

    def figure(values, missing):
        if key in values:
            value = values[key]
            if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
                missing.append(key)
                return None
            return max(value, 0)
        missing.append(key)
        return None

    return figure


def _percent_of(formula):
    say = kinds.FORMULAS["percent_of"].say
    figure = _figure(formula.get("of"))
    cap = formula.get("cap")
    at_most = formula.get("at_most")
    percent = kinds.exact(formula["percent"])
    numerator, denominator = percent.numerator, percent.denominator * 100
    floor_div = kinds._floor_div

    def compute(env, missing, steps, excluded):
        value = figure(env.values, missing)
        if value is None:
            return 0, cap
        raw = floor_div(value * numerator, denominator)
        amount = raw if cap is None or raw <= cap else cap  # kinds._cap
        steps.append((say, formula, value, raw, amount))
        return (0 if at_most else amount), amount

    return compute


def _tiers(formula):
    kind = kinds.FORMULAS["tiers"]
    say, say_below = kind.say, kind.say_below
    figure = _figure(formula.get("of"))
    ceiling = kind.ceiling(formula)
    at_most = formula.get("at_most")
    # each tier's bounds read once (``Tiers.contains``)
    tiers = [
        (
            tier.get("min"),
            tier.get("min_inclusive", True),
            tier.get("max"),
            tier.get("max_inclusive", False),
            tier,
            tier["amount"],
        )
        for tier in formula["tiers"]
    ]

    def compute(env, missing, steps, excluded):
        value = figure(env.values, missing)
        if value is None:
            return 0, ceiling
        for low, low_inclusive, high, high_inclusive, tier, amount in tiers:
            if low is not None and (value < low or (value == low and not low_inclusive)):
                continue
            if high is not None and (value > high or (value == high and not high_inclusive)):
                continue
            steps.append((say, formula, value, tier))
            return (0 if at_most else amount), amount
        steps.append((say_below, formula, value))
        return 0, 0

    return compute


def _stages(formula):
    kind = kinds.FORMULAS["stages"]
    say, say_none = kind.say, kind.say_none
    key = formula["of"]
    ceiling = kind.ceiling(formula)
    single = formula.get("mode", "cumulative") == "single"
    stages = formula["stages"]

    def compute(env, missing, steps, excluded):
        values = env.values
        if key not in values:
            missing.append(key)
            return 0, ceiling
        value = values[key]
        reached = []
        for stage in stages:
            reached.append(stage)
            if stage["value"] == value:
                break
        else:
            steps.append((say_none, formula, value))
            return 0, 0
        if single:
            reached = reached[-1:]
        amount = sum(stage["amount"] for stage in reached)
        steps.append((say, formula, reached, amount))
        return amount, amount

    return compute


def _per_unit(formula):
    say = kinds.FORMULAS["per_unit"].say
    figure = _figure(formula.get("of"))
    cap = formula.get("cap")
    at_most = formula.get("at_most")
    per = formula.get("per", 1)
    unit_amount = formula["unit_amount"]
    floor_div, capped = kinds._floor_div, kinds._cap

    def compute(env, missing, steps, excluded):
        value = figure(env.values, missing)
        if value is None:
            return 0, cap
        units = floor_div(value, per)
        raw = units * unit_amount
        amount = capped(raw, cap)
        steps.append((say, formula, value, units, raw, amount))
        return (0 if at_most else amount), amount

    return compute


def _rate_capped(formula):
    kind = kinds.FORMULAS["rate_capped"]
    say, say_no_reference = kind.say, kind.say_no_reference
    figure = _figure(formula.get("of"))
    cap = formula.get("cap")
    at_most = formula.get("at_most")
    reference_key = formula["reference"]
    share = formula.get("reference_share_percent", 100)
    cap_bp = formula.get("rate_cap_bp")
    years = formula.get("years", 1)
    floor_div, capped, rate_bp = kinds._floor_div, kinds._cap, kinds.rate_bp
    rates = {}  # reference percent → rate in basis points (a handful of published values)

    def compute(env, missing, steps, excluded):
        value = figure(env.values, missing)
        if value is None:
            return 0, cap
        series = env.parameters.get(reference_key)
        reference = series.on(env.as_of) if series is not None else None
        if reference is None:
            steps.append((say_no_reference, formula, series, env.as_of))
            return 0, cap
        since, percent = reference
        rate = rates.get(percent)
        if rate is None:
            rate = rates[percent] = rate_bp(Fraction(percent) * 100, share, cap_bp)
        raw = floor_div(value * rate.numerator * years, rate.denominator * 10000)
        amount = capped(raw, cap)
        steps.append((say, formula, value, rate, raw, amount, series, since, percent))
        return (0 if at_most else amount), amount

    return compute


def _combined(formula):
    kind = kinds.FORMULAS[formula["kind"]]
    say, combine = kind.say, kind.combine
    parts = [_formula(part) for part in formula["parts"]]
    cap = formula.get("cap")
    capped = kinds._cap

    def compute(env, missing, steps, excluded):
        lows, highs, part_steps = [], [], []
        for part in parts:
            low, high = part(env, missing, part_steps, excluded)
            lows.append(low)
            highs.append(high)
        low = combine(lows)
        high = None if None in highs else combine(highs)
        capped_low, capped_high = capped(low, cap), capped(high, cap)
        steps.append((say, formula, part_steps, low, high, capped_high))
        return capped_low, capped_high

    return compute


def _benefit(formula):
    step = (kinds.FORMULAS["benefit"].say, formula)
    text = formula["text"]

    def compute(env, missing, steps, excluded):
        steps.append(step)
        env.benefits.append(text)
        return 0, 0

    return compute


_KINDS = {
    "fixed": _fixed,
    "up_to": _up_to,
    "percent_of": _percent_of,
    "tiers": _tiers,
    "stages": _stages,
    "per_unit": _per_unit,
    "rate_capped": _rate_capped,
    "max_of": _combined,
    "sum_of": _combined,
    "benefit": _benefit,
}
assert set(_KINDS) == set(kinds.FORMULAS), "a formula kind has no compiler"

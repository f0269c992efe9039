"""Rules compiled once: conditions and formulas as Python closures (a rule's root ``all`` as
generated code), validated when compiled.

``kinds`` interprets a rule's JSON on every evaluation: each node is dispatched by name,
unpacked and re-read for every enterprise. Compiled, a rule is a tree of closures that do
only what each node says, made once by each kind's own ``compile`` (the kind's class in
``kinds`` validates, evaluates, explains and compiles it: one place per kind); this module
walks a rule (``compile_rule``, ``condition``, ``formula``) and keeps the compiled rules.
``evaluator.evaluate`` uses them for every rule that carries a ``version`` and the
interpreter for the others. The results are the same,
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
    return CompiledRule(_root_condition(conditions), formula(benefit))


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
    if operator == "all":
        return _generated_all(operand) if operand else _always_true
    if kinds.CONDITIONS[operator].inline(operand) is not None:
        return _generated_all([node])  # one leaf (a formula's ``when``): as an ``all`` of one
    return condition(node)


def _always_true(values, missing, failed):
    return True


# The root ``all`` of a rule is the condition every evaluation runs for every rule, so it is
# generated code (and so is a root of one leaf, a formula's usual ``when``, as an ``all`` of
# one): one function whose leaves' tests are written inline (a leaf kind gives its test as a
# Python expression: ``kinds.Condition.inline``), any other child (a group, ``has``) called as
# its compiled function. One function is generated from source per shape (the
# sequence of the children's expressions) once per process, and each rule binds its own keys,
# operands and nodes to it as arguments — nothing of a rule is ever written into the source,
# which holds only the kinds' expressions and generated names. At 10,000 rules: one call per
# rule instead of one per condition and one for the group. The shapes are few (operators in
# sequence), so the generated functions are kept for the life of the process. It appends the
# same keys and (node, value) pairs in the same order as ``kinds.All``
# (tests/eligibility/test_compiled.py compares it with the interpreter on random conditions
# and values, of the wrong type too).

_factories: dict = {}  # shape → ``bind``, the generated function that takes a rule's constants


def _generated_all(children):
    shape, arguments = [], []
    for child in children:
        ((operator, operand),) = child.items()
        kind = kinds.CONDITIONS[operator]
        inline = kind.inline(operand)
        if inline is None:
            shape.append(None)
            arguments.append(condition(child))
            continue
        expression, constants, catches = inline
        shape.append((expression, tuple(constants), catches))
        arguments += [kind.key(operand), child, *constants.values()]
    shape = tuple(shape)
    bind = _factories.get(shape)
    if bind is None:
        bind = _factories[shape] = _generate(shape)
    return bind(*arguments)


def _generate(shape):
    """``bind(constants…)`` → ``check_all(values, missing, failed)`` for this shape."""
    parameters, body = [], []

    def add(indent, *lines):
        body.extend(" " * indent + line for line in lines)

    for index, part in enumerate(shape):
        if part is None:
            child = f"child_{index}"
            parameters.append(child)
            add(4, f"result = {child}(values, missing, failed)", "if result is False:")
            add(8, "outcome = False")
            add(4, "elif result is UNKNOWN and outcome is True:")
            add(8, "outcome = UNKNOWN")
            continue
        expression, names, catches = part
        key, node = f"key_{index}", f"node_{index}"
        renamed = {name: f"{name}_{index}" for name in names}
        parameters += [key, node, *renamed.values()]
        unknown = [f"missing.append({key})", "if outcome is True:", "    outcome = UNKNOWN"]
        fails = [f"    failed.append(({node}, value))", "    outcome = False"]
        add(4, f"if {key} in values:")
        add(8, f"value = values[{key}]")
        if catches:  # a TypeError (a comparison with an answer of another type): unknown
            add(8, "try:")
            add(12, f"passed = {expression.format(**renamed)}")
            add(8, "except TypeError:")
            add(12, *unknown)
            add(8, "else:")
            add(12, "if not passed:", *fails)
        else:
            add(8, f"if not ({expression.format(**renamed)}):", *fails)
        add(4, "else:")
        add(8, *unknown)
    source = "\n".join(
        [
            f"def bind({', '.join(parameters)}):",
            "  def check_all(values, missing, failed):",
            "    outcome = True",
            *body,
            "    return outcome",
            "  return check_all",
        ]
    )
    namespace = {"UNKNOWN": UNKNOWN}
    exec(compile(source, f"<root all of {len(shape)}>", "exec"), namespace)  # noqa: S102
    return namespace["bind"]


def condition(node):
    """A (valid) condition compiled by its kind (``kinds.Condition.compile``)."""
    ((operator, operand),) = node.items()
    return kinds.CONDITIONS[operator].compile(operand, node)


# ---------------------------------------------------------------------------- formulas


def formula(formula):
    """A (valid) formula compiled: ``kinds.amount_of`` for it — its ``period`` and ``when``
    here, the kind's own computation compiled by the kind (``kinds.Formula.compile``)."""
    compute = kinds.FORMULAS[formula["kind"]].compile(formula)
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

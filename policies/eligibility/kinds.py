"""The rule language of the self-check: one class per kind, in two registries.

Each condition operator (``CONDITIONS``) and each formula kind (``FORMULAS``) is one class
that knows how to **validate** a rule written in it (messages in Chinese for staff), how to
**evaluate** it against an enterprise's answers, and how to **explain** it in words a
shopkeeper understands — and how to **compile** it once into a Python function that evaluates
it the same way (``compile``; ``compiled`` keeps the compiled rules). ``schema``, ``evaluator``
and ``compiled`` only dispatch to these classes; adding a kind is adding a class here.

Rules are plain JSON data, never code:

conditions
    ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": cond}``, ``{"is_true": key}``,
    ``{"eq"|"ne"|"gt"|"ge"|"lt"|"le": [key, value]}``, ``{"in": [key, [values]]}``,
    ``{"between": [key, low, high]}`` (inclusive), ``{"has": [key, value]}`` (a choice ticked
    in a multiple-choice question). Money is compared in yuan.

formulas (amounts in yuan)
    ``fixed``, ``up_to``, ``percent_of``, ``tiers``, ``stages``, ``per_unit``,
    ``rate_capped`` (a dated reference rate, e.g. the one-year LPR), ``max_of`` (either/or:
    分别给予、就高、不重复享受 — the larger), ``sum_of`` (parts that add up), and ``benefit``
    (something other than money: ``{"kind": "benefit", "text": "应急转贷服务"}``). Every
    formula may carry ``when`` (a condition), ``label`` and ``period`` (see ``evaluator``).

Three-valued logic: a condition on an unanswered question is *unknown* (None), never false.
"""

import datetime
import math
import operator as operator_module
from collections.abc import Callable
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import lru_cache
from numbers import Real
from typing import NamedTuple

from policies import validity
from policies.formatting import format_yuan  # the one money format (re-exported here)

MAX_DEPTH = 12
MAX_AMOUNT = 10**12  # one trillion yuan: anything above is a typing error

YES_NO = "yes_no"
CHOICE = "choice"
MULTI = "multi"
NUMBER = "number"
MONEY_WAN = "money_wan"
DATE = "date"
COUNT = "count"
DERIVED = "derived"


# ---------------------------------------------------------------------------- helpers


def is_number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def is_amount(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_AMOUNT


def is_key(value):
    return isinstance(value, str) and value.isidentifier()


def is_scalar(value):
    return isinstance(value, (str, bool, int, float)) and value is not None


def amount_range_text(low, high):
    if high is None:
        return f"不低于{format_yuan(low)}（部分金额待定）" if low else "金额待定"
    if low == high:
        return format_yuan(high)
    if low == 0:
        return f"最高{format_yuan(high)}"
    return f"{format_yuan(low)}–{format_yuan(high)}"


def percent_text(bp: Fraction) -> str:
    with localcontext(prec=60):
        percent = Decimal(bp.numerator) / Decimal(bp.denominator) / 100
        return format(percent.quantize(Decimal("0.0001")).normalize(), "f") + "%"


def published_percent(percent) -> str:
    """A published rate as it is published, with at least two decimals: 3.00%, 3.45%."""
    value = Decimal(str(percent)).normalize()
    if value.as_tuple().exponent > -2:
        value = value.quantize(Decimal("0.01"))
    return f"{value}%"


def question_of(questions, key):
    return questions.get(key)


def label_of(questions, key):
    question = questions.get(key)
    return question.label if question else key


def format_value(questions, key, value):
    """An answer or a rule's value as a reader writes it: 500万元, 是, 批发和零售业, 12人."""
    question = questions.get(key)
    kind = question.type if question else NUMBER
    if kind == MONEY_WAN:
        return format_yuan(value)
    if kind == YES_NO:
        return "是" if value is True else "否"
    if kind in (CHOICE, MULTI) or (kind == DERIVED and question.choices):
        return question.choices.get(value, str(value))
    if isinstance(value, Fraction):
        value = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
        value = value.rstrip("0").rstrip(".") if "." in value else value
    return f"{value}{question.unit if question else ''}"


def _floor_div(numerator, denominator):
    """Floor of a non-negative quotient: integer arithmetic for integers, exact otherwise."""
    if isinstance(numerator, int):
        return numerator // denominator
    return math.floor(numerator / denominator)


@lru_cache(maxsize=1024)
def exact(number):
    """An exact fraction for a number written in a rule (0.5 → 1/2, not binary 0.5…)."""
    return Fraction(str(number))


@lru_cache(maxsize=1024)
def rate_bp(reference_bp: Fraction, share_percent, cap_bp):
    """min(reference × share, cap) in basis points, exactly."""
    rate = Fraction(reference_bp) * exact(share_percent) / 100
    return min(rate, Fraction(cap_bp)) if cap_bp is not None else rate


def _cap(amount, cap):
    if cap is None or amount is None:
        return amount if cap is None else cap
    return min(amount, cap)


def _capped_words(raw, amount):
    return f"，超过上限，按上限{format_yuan(amount)}" if amount is not None and raw > amount else ""


class Context:
    """What validation checks names against: the question keys (and their types) and the
    dated parameters that exist. ``None`` skips that check (the fixture loader checks
    keys and parameters separately)."""

    def __init__(self, questions=None, parameters=None):
        self.questions = questions  # key → QuestionInfo, or a set of keys, or None
        self.parameters = parameters

    def key_error(self, key, here):
        if not is_key(key):
            return [f"{here}：问题键“{key}”不是有效的标识（字母、数字、下划线）"]
        if self.questions is not None and key not in self.questions:
            return [f"{here}：问题“{key}”不存在"]
        return []

    def type_of(self, key):
        if isinstance(self.questions, dict):
            question = self.questions.get(key)
            return question.type if question is not None else None
        return None

    def choices_of(self, key):
        if isinstance(self.questions, dict):
            question = self.questions.get(key)
            return question.choices if question is not None else None
        return None


# ---------------------------------------------------------------------------- conditions

UNKNOWN = None


class Condition:
    operator = ""

    def validate(self, operand, here, ctx, depth) -> list[str]:
        raise NotImplementedError

    def check(self, operand, values, missing, failed):
        """True / False / None (unknown). Adds unanswered keys to ``missing`` and, when
        false, the failing leaves to ``failed`` as (node, value) pairs."""
        raise NotImplementedError

    def describe(self, operand, questions) -> str:
        raise NotImplementedError

    def keys(self, operand) -> list[str]:
        return []

    def compile(self, operand, node):
        """This condition as a function ``check(values, missing, failed)`` that does what
        ``check`` does, the operand read once (a rule compiled once: ``compiled``); ``node``
        is the condition itself, reported in ``failed``."""
        raise NotImplementedError

    def inline(self, operand):
        """A leaf's test as a Python expression, for the generated code of a rule's root ``all``
        (``compiled``): (the expression of ``value`` and of ``{names}`` of the operand's
        parts, {name: part}, whether a ``TypeError`` makes it unknown) — or None, and the
        kind's ``compile`` is called instead."""
        return None


def validate_condition(node, where="条件", depth=0, ctx=None) -> list[str]:
    ctx = ctx or Context()
    if depth > MAX_DEPTH:
        return [f"{where}：嵌套过深（最多 {MAX_DEPTH} 层）"]
    if not isinstance(node, dict) or len(node) != 1:
        return [f'{where}：每个条件必须是只含一个运算符的对象，如 {{"is_true": "key"}}']
    ((operator, operand),) = node.items()
    kind = CONDITIONS.get(operator)
    if kind is None:
        return [f"{where}：未知的运算符“{operator}”，可用：{'、'.join(CONDITIONS)}"]
    return kind.validate(operand, f"{where}.{operator}", ctx, depth)


def check(node, values, missing, failed):
    if not isinstance(node, dict) or len(node) != 1:
        return UNKNOWN
    ((operator, operand),) = node.items()
    kind = CONDITIONS.get(operator)
    if kind is None:
        return UNKNOWN
    return kind.check(operand, values, missing, failed)


def describe(node, questions) -> str:
    """A condition in words a shopkeeper reads: "网上零售额达到500万元"."""
    if not isinstance(node, dict) or len(node) != 1:
        return "（条件格式有误）"
    ((operator, operand),) = node.items()
    kind = CONDITIONS.get(operator)
    return kind.describe(operand, questions) if kind else "（条件格式有误）"


def condition_keys(node) -> list[str]:
    if not isinstance(node, dict) or len(node) != 1:
        return []
    ((operator, operand),) = node.items()
    kind = CONDITIONS.get(operator)
    return kind.keys(operand) if kind else []


class Group(Condition):
    """all / any: a list of conditions."""

    joiner = ""

    def validate(self, operand, here, ctx, depth):
        if not isinstance(operand, list):
            return [f"{here}：应为条件列表"]
        errors = []
        for index, child in enumerate(operand):
            errors += validate_condition(child, f"{here}[{index}]", depth + 1, ctx)
        return errors

    def keys(self, operand):
        return [key for child in operand for key in condition_keys(child)]


class All(Group):
    operator = "all"

    def check(self, operand, values, missing, failed):
        outcome = True
        local_missing, local_failed = [], []
        for child in operand:
            result = check(child, values, local_missing, local_failed)
            if result is False:
                outcome = False
            elif result is UNKNOWN and outcome is True:
                outcome = UNKNOWN
        if outcome is False:
            failed.extend(local_failed)
        elif outcome is UNKNOWN:
            missing.extend(local_missing)
        return outcome

    def compile(self, operand, node):
        from .compiled import condition

        children = [condition(child) for child in operand]

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

    def describe(self, operand, questions):
        parts = [describe(child, questions) for child in operand]
        if not parts:
            return "无条件"
        return "；".join(parts) if len(parts) > 1 else parts[0]


class Any(Group):
    operator = "any"

    def check(self, operand, values, missing, failed):
        outcome = False
        local_missing, local_failed = [], []
        for child in operand:
            result = check(child, values, local_missing, local_failed)
            if result is True:
                return True
            if result is UNKNOWN:
                outcome = UNKNOWN
        if outcome is False:
            failed.append(({"any": operand}, None))
        else:
            missing.extend(local_missing)
        return outcome

    def compile(self, operand, node):
        from .compiled import condition

        children = [condition(child) for child in operand]
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

    def describe(self, operand, questions):
        parts = [self._alternative(child, questions) for child in operand]
        if len(parts) == 1:
            return parts[0]
        return "以下情形之一：" + "；或".join(parts)

    @staticmethod
    def _alternative(child, questions):
        """One alternative; several conditions that must hold together are bracketed so
        that it is clear where an alternative ends: "（A，且B）"."""
        if isinstance(child, dict) and list(child) == ["all"] and len(child["all"]) > 1:
            return "（" + "，且".join(describe(c, questions) for c in child["all"]) + "）"
        return describe(child, questions)


class Not(Condition):
    operator = "not"

    def validate(self, operand, here, ctx, depth):
        return validate_condition(operand, here, depth + 1, ctx)

    def check(self, operand, values, missing, failed):
        inner_missing = []
        result = check(operand, values, inner_missing, [])
        if result is UNKNOWN:
            missing.extend(inner_missing)
            return UNKNOWN
        if result is True:
            failed.append(({"not": operand}, None))
            return False
        return True

    def compile(self, operand, node):
        from .compiled import condition

        inner = condition(operand)
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

    def describe(self, operand, questions):
        return negated(operand, questions)

    def keys(self, operand):
        return condition_keys(operand)


def negated(node, questions) -> str:
    """The words of "not ``node``", as natural as the node allows."""
    if isinstance(node, dict) and len(node) == 1:
        ((operator, operand),) = node.items()
        if operator == "is_true":
            return _yes_no_words(questions, operand, False)
        if operator == "has":
            return f"不属于“{format_value(questions, operand[0], operand[1])}”的情况"
        if operator == "in":
            options = "或".join(format_value(questions, operand[0], v) for v in operand[1])
            return f"{label_of(questions, operand[0])}不是{options}"
    return f"不属于：{describe(node, questions)}"


def _yes_no_words(questions, key, value):
    question = questions.get(key)
    statement = getattr(question, "statement", "") or label_of(questions, key)
    if value:
        return statement
    negation = getattr(question, "negation", "")
    return negation or f"并非{statement}"


class Leaf(Condition):
    """A condition on one question's answer."""

    def key(self, operand):
        return operand[0]

    def keys(self, operand):
        key = operand if isinstance(operand, str) else (operand[0] if operand else None)
        return [key] if isinstance(key, str) else []

    def check(self, operand, values, missing, failed):
        key = self.key(operand)
        if key not in values:
            missing.append(key)
            return UNKNOWN
        value = values[key]
        result = self.test(operand, value)
        if result is UNKNOWN:
            missing.append(key)
            return UNKNOWN
        if not result:
            failed.append(({self.operator: operand}, value))
        return bool(result)

    def compile(self, operand, node):
        key = self.key(operand)
        compare = self.compiled_test(operand)

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

    def compiled_test(self, operand):
        """``test`` with the operand read once: a function of the answer."""
        raise NotImplementedError

    def test(self, operand, value):
        raise NotImplementedError


class IsTrue(Leaf):
    operator = "is_true"

    def key(self, operand):
        return operand

    def validate(self, operand, here, ctx, depth):
        return ctx.key_error(operand, here)

    def test(self, operand, value):
        return value is True

    def inline(self, operand):
        return "value is True", {}, False

    def compiled_test(self, operand):
        return lambda value: value is True

    def describe(self, operand, questions):
        return _yes_no_words(questions, operand, True)


class Comparison(NamedTuple):
    """One comparison operator, said once: its words in a sentence ("达到"), its function
    (the compiled closures and the interpreter) and its Python symbol (generated code)."""

    words: str
    function: Callable
    symbol: str


COMPARISONS = {
    "eq": Comparison("为", operator_module.eq, "=="),
    "ne": Comparison("不是", operator_module.ne, "!="),
    "gt": Comparison("超过", operator_module.gt, ">"),
    "ge": Comparison("达到", operator_module.ge, ">="),
    "lt": Comparison("低于", operator_module.lt, "<"),
    "le": Comparison("不超过", operator_module.le, "<="),
}


class Compare(Leaf):
    def validate(self, operand, here, ctx, depth):
        if not isinstance(operand, list) or not operand:
            return [f"{here}：应为 [问题键, 值] 形式的列表"]
        errors = []
        if len(operand) != 2 or not is_scalar(operand[1]):
            errors.append(f"{here}：应为 [问题键, 值]，值为数字、文字或是/否")
        elif self.operator not in ("eq", "ne") and not (
            is_number(operand[1]) or isinstance(operand[1], str)
        ):
            errors.append(f"{here}：大小比较的值必须是数字或日期")
        return errors + ctx.key_error(operand[0], here)

    def test(self, operand, value):
        try:
            return COMPARISONS[self.operator].function(value, operand[1])
        except TypeError:
            return UNKNOWN

    def inline(self, operand):
        return f"value {COMPARISONS[self.operator].symbol} {{right}}", {"right": operand[1]}, True

    def compiled_test(self, operand):
        compare, right = COMPARISONS[self.operator].function, operand[1]

        def test_value(value):
            try:
                return compare(value, right)
            except TypeError:
                return UNKNOWN

        return test_value

    def describe(self, operand, questions):
        key, value = operand
        question = questions.get(key)
        if question is not None and question.type == YES_NO and isinstance(value, bool):
            return _yes_no_words(questions, key, value is (self.operator == "eq"))
        return f"{label_of(questions, key)}{COMPARISONS[self.operator].words}{format_value(questions, key, value)}"

    def gap(self, operand, value, questions):
        """How far an answer is from a threshold it misses: "还差50万元", or ""."""
        key, right = operand
        if self.operator not in ("ge", "gt") or not is_number(value) or not is_number(right):
            return ""
        short = right - value
        if short <= 0:
            return ""
        return f"还差{format_value(questions, key, short)}"


class In(Leaf):
    operator = "in"

    def validate(self, operand, here, ctx, depth):
        if not isinstance(operand, list) or not operand:
            return [f"{here}：应为 [问题键, [取值1, 取值2, …]]"]
        errors = []
        if (
            len(operand) != 2
            or not isinstance(operand[1], list)
            or not operand[1]
            or not all(is_scalar(v) for v in operand[1])
        ):
            errors.append(f"{here}：应为 [问题键, [取值1, 取值2, …]]")
        else:
            choices = ctx.choices_of(operand[0])
            unknown = [v for v in operand[1] if choices and v not in choices]
            if unknown:
                errors.append(f"{here}：选项“{'、'.join(map(str, unknown))}”不在问题的选项中")
        return errors + ctx.key_error(operand[0], here)

    def test(self, operand, value):
        return value in operand[1]

    def compiled_test(self, operand):
        options = operand[1]
        return lambda value: value in options

    def inline(self, operand):
        return "value in {options}", {"options": operand[1]}, False

    def describe(self, operand, questions):
        key, options = operand
        names = "或".join(format_value(questions, key, v) for v in options)
        return f"{label_of(questions, key)}为{names}"


class Between(Leaf):
    operator = "between"

    def validate(self, operand, here, ctx, depth):
        if not isinstance(operand, list) or not operand:
            return [f"{here}：应为 [问题键, 下限, 上限]"]
        errors = []
        if len(operand) != 3 or not all(is_number(v) for v in operand[1:]):
            errors.append(f"{here}：应为 [问题键, 下限, 上限]，上下限为数字")
        elif operand[1] > operand[2]:
            errors.append(f"{here}：下限 {operand[1]} 大于上限 {operand[2]}")
        return errors + ctx.key_error(operand[0], here)

    def test(self, operand, value):
        try:
            return operand[1] <= value <= operand[2]
        except TypeError:
            return UNKNOWN

    def inline(self, operand):
        return "{low} <= value <= {high}", {"low": operand[1], "high": operand[2]}, True

    def compiled_test(self, operand):
        low, high = operand[1], operand[2]

        def compare(value):
            try:
                return low <= value <= high
            except TypeError:
                return UNKNOWN

        return compare

    def describe(self, operand, questions):
        key, low, high = operand
        return (
            f"{label_of(questions, key)}在{format_value(questions, key, low)}至"
            f"{format_value(questions, key, high)}之间"
        )


class Has(Leaf):
    """A choice ticked in a multiple-choice question (answered: the list of ticked values;
    a value not ticked in an answered question is false, never unknown)."""

    operator = "has"

    def validate(self, operand, here, ctx, depth):
        if not isinstance(operand, list) or len(operand) != 2 or not isinstance(operand[1], str):
            return [f"{here}：应为 [多选问题键, 选项值]"]
        errors = ctx.key_error(operand[0], here)
        if not errors:
            kind = ctx.type_of(operand[0])
            if kind is not None and kind != MULTI:
                errors.append(f"{here}：“{operand[0]}”不是多选题，请用 eq/in/is_true")
            choices = ctx.choices_of(operand[0])
            if choices and operand[1] not in choices:
                errors.append(f"{here}：选项“{operand[1]}”不在问题“{operand[0]}”的选项中")
        return errors

    def test(self, operand, value):
        if not isinstance(value, (list, tuple, set, frozenset)):
            return UNKNOWN
        return operand[1] in value

    def compiled_test(self, operand):
        wanted = operand[1]

        def compare(value):
            if not isinstance(value, (list, tuple, set, frozenset)):
                return UNKNOWN
            return wanted in value

        return compare

    def describe(self, operand, questions):
        return format_value(questions, operand[0], operand[1])


CONDITIONS = {
    kind.operator: kind
    for kind in (
        All(),
        Any(),
        Not(),
        IsTrue(),
        In(),
        Between(),
        Has(),
        *(type(f"Compare_{op}", (Compare,), {"operator": op})() for op in COMPARISONS),
    )
}


def failed_words(node, value, questions) -> str:
    """A failing leaf in words, with the answer and, for a threshold, how far it is:
    "要求网上零售额达到500万元，您填写的是450万元，还差50万元"."""
    ((operator, operand),) = node.items()
    if operator == "any":
        return "以下情形均不满足：" + "；".join(describe(child, questions) for child in operand)
    if operator == "not":
        return f"属于不适用的情形：{describe(operand, questions)}"
    kind = CONDITIONS[operator]
    key = kind.key(operand)
    wanted = describe(node, questions)
    question = questions.get(key)
    if operator == "has" or (question is not None and question.type in (YES_NO, MULTI)):
        return f"要求{wanted}"
    answer = format_value(questions, key, value)
    if question is not None and question.type in (CHOICE, DERIVED) and question.choices:
        return f"要求{wanted}，您的情况是“{answer}”"
    gap = kind.gap(operand, value, questions) if isinstance(kind, Compare) else ""
    return f"要求{wanted}，您填写的是{answer}" + (f"，{gap}" if gap else "")


# ---------------------------------------------------------------------------- formulas


def part_period(formula) -> validity.Period | None:
    """The period a formula part carries (``"period": {"from", "until", "words"}``), if any."""
    raw = formula.get("period")
    if not raw:
        return None
    until = raw.get("until")
    return validity.Period(
        start=validity._iso(raw.get("from")),
        end=validity._iso(until),
        kind=validity.Kind.DATED if until else validity.Kind.OPEN,
        words=raw.get("words", ""),
        basis=validity.Basis.RULE,
    )


def validate_formula(formula, where="金额公式", depth=0, ctx=None) -> list[str]:
    ctx = ctx or Context()
    if depth > MAX_DEPTH:
        return [f"{where}：嵌套过深（最多 {MAX_DEPTH} 层）"]
    if not isinstance(formula, dict):
        return [f'{where}：公式必须是对象，如 {{"kind": "fixed", "amount": 100000}}']
    kind_name = formula.get("kind")
    kind = FORMULAS.get(kind_name)
    here = f"{where}（{kind_name}）"
    if kind is None:
        return [f"{where}：未知的公式类型“{kind_name}”，可用：{'、'.join(FORMULAS)}"]
    errors = []
    if "when" in formula:
        errors += validate_condition(formula["when"], f"{here}.when", depth + 1, ctx)
    if "label" in formula and not isinstance(formula["label"], str):
        errors.append(f"{here}：label 必须是文字")
    if "at_most" in formula and not isinstance(formula["at_most"], bool):
        errors.append(f"{here}：at_most 必须是 true 或 false")
    if "period" in formula:
        errors += _validate_period(formula["period"], f"{here}.period")
    cap = formula.get("cap")
    if cap is not None and not is_amount(cap):
        errors.append(f"{here}：上限 cap 必须是不小于 0 的整数（元）")
    return errors + kind.validate(formula, here, ctx, depth)


def _validate_period(period, here):
    if not isinstance(period, dict) or not period.keys() <= {"from", "until", "words"}:
        return [f'{here}：应为 {{"from": "2024-01-01", "until": "2024-12-31", "words": "原文"}}']
    dates = {}
    for name in ("from", "until"):
        value = period.get(name)
        if value is None:
            continue
        try:
            dates[name] = datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            return [f"{here}：{name} 应为 年-月-日 格式的日期"]
    if not dates:
        return [f"{here}：至少需要 from 或 until 之一"]
    if len(dates) == 2 and dates["from"] > dates["until"]:
        return [f"{here}：from 晚于 until"]
    if not isinstance(period.get("words", ""), str) or not period.get("words"):
        return [f"{here}：请引用期限所依据的原文 words"]
    return []


def formula_keys(formula) -> list[str]:
    if not isinstance(formula, dict):
        return []
    kind = FORMULAS.get(formula.get("kind"))
    keys = condition_keys(formula["when"]) if "when" in formula else []
    return keys + (kind.keys(formula) if kind else [])


def formula_ceiling(formula):
    """The most a (well-formed) formula can ever grant in yuan, or None when unbounded."""
    kind = FORMULAS[formula["kind"]]
    return kind.ceiling(formula)


def name_of(formula, fallback=""):
    return formula.get("label") or fallback


def _prefix(formula):
    return f"{formula['label']}：" if formula.get("label") else ""


def compiled_figure(key):
    """``_figure`` for one key, for compiled formulas: the figure, or None (the key appended
    to ``missing``)."""

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


class Formula:
    kind = ""

    def validate(self, formula, here, ctx, depth) -> list[str]:
        return []

    def compile(self, formula):
        """This kind's computation as a function ``compute(env, missing, steps, excluded)``
        doing what ``compute`` does, the formula read once (``compiled``): the same steps
        (this kind's bound ``say`` and its arguments), so the words are the same."""
        raise NotImplementedError

    def compute(self, formula, env, missing, steps, excluded):
        """(minimum, maximum) in yuan; the maximum None when it depends on figures not
        given. Appends renderable steps (callable, *args) to ``steps``."""
        raise NotImplementedError

    def ceiling(self, formula):
        return formula.get("cap")

    def keys(self, formula) -> list[str]:
        return []


def _of_error(formula, here, ctx):
    key = formula.get("of")
    if not is_key(key):
        return [f"{here}：缺少计算依据 of（问题键）"]
    return ctx.key_error(key, here)


def _figure(formula, values, missing):
    key = formula.get("of")
    if key in values:
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
            missing.append(key)
            return None
        return max(value, 0)
    missing.append(key)
    return None


class Fixed(Formula):
    kind = "fixed"

    def validate(self, formula, here, ctx, depth):
        if not is_amount(formula.get("amount")):
            return [f"{here}：amount 必须是不小于 0 的整数（元）"]
        return []

    def compile(self, formula):
        step = (self.say, formula)  # the same words every time: one tuple
        amount = formula["amount"]

        def compute(env, missing, steps, excluded):
            steps.append(step)
            return amount, amount

        return compute

    def compute(self, formula, env, missing, steps, excluded):
        steps.append((self.say, formula))
        return formula["amount"], formula["amount"]

    def ceiling(self, formula):
        return formula["amount"]

    def say(self, questions, formula):
        return f"{name_of(formula, '定额支持')}：{format_yuan(formula['amount'])}"


class UpTo(Fixed):
    kind = "up_to"

    def compile(self, formula):
        step = (self.say, formula)
        amount = formula["amount"]

        def compute(env, missing, steps, excluded):
            steps.append(step)
            return 0, amount

        return compute

    def compute(self, formula, env, missing, steps, excluded):
        steps.append((self.say, formula))
        return 0, formula["amount"]

    def say(self, questions, formula):
        return (
            f"{name_of(formula, '支持')}：最高{format_yuan(formula['amount'])}，具体金额由审核确定"
        )


class PercentOf(Formula):
    kind = "percent_of"

    def validate(self, formula, here, ctx, depth):
        errors = _of_error(formula, here, ctx)
        percent = formula.get("percent")
        if not is_number(percent) or not 0 < percent <= 100:
            errors.append(f"{here}：percent 必须是 0 到 100 之间的数字")
        return errors

    def keys(self, formula):
        return [formula["of"]] if isinstance(formula.get("of"), str) else []

    def compile(self, formula):
        say, figure = self.say, compiled_figure(formula.get("of"))
        cap = formula.get("cap")
        at_most = formula.get("at_most")
        percent = exact(formula["percent"])
        numerator, denominator = percent.numerator, percent.denominator * 100

        def compute(env, missing, steps, excluded):
            value = figure(env.values, missing)
            if value is None:
                return 0, cap
            raw = _floor_div(value * numerator, denominator)
            amount = raw if cap is None or raw <= cap else cap  # _cap
            steps.append((say, formula, value, raw, amount))
            return (0 if at_most else amount), amount

        return compute

    def compute(self, formula, env, missing, steps, excluded):
        value = _figure(formula, env.values, missing)
        cap = formula.get("cap")
        if value is None:
            return 0, cap
        percent = exact(formula["percent"])
        raw = _floor_div(value * percent.numerator, percent.denominator * 100)
        amount = _cap(raw, cap)
        steps.append((self.say, formula, value, raw, amount))
        return (0 if formula.get("at_most") else amount), amount

    def say(self, questions, formula, value, raw, amount):
        key = formula["of"]
        most = "最高" if formula.get("at_most") else ""
        return (
            f"{_prefix(formula)}{label_of(questions, key)} {format_value(questions, key, value)}"
            f" × {most}{formula['percent']}% = {format_yuan(raw)}{_capped_words(raw, amount)}"
        )


class Tiers(Formula):
    kind = "tiers"

    def validate(self, formula, here, ctx, depth):
        errors = _of_error(formula, here, ctx)
        tiers = formula.get("tiers")
        if not isinstance(tiers, list) or not tiers:
            return errors + [f"{here}：tiers 必须是非空的档位列表"]
        for index, tier in enumerate(tiers):
            errors += self._validate_tier(tier, f"{here}.tiers[{index}]")
        return errors

    @staticmethod
    def _validate_tier(tier, here):
        if not isinstance(tier, dict):
            return [f"{here}：档位必须是对象"]
        errors = []
        low, high = tier.get("min"), tier.get("max")
        if low is None and high is None:
            errors.append(f"{here}：档位至少需要 min 或 max 之一")
        for name, bound in (("min", low), ("max", high)):
            if bound is not None and not is_number(bound):
                errors.append(f"{here}：{name} 必须是数字")
        if is_number(low) and is_number(high) and low > high:
            errors.append(f"{here}：min {low} 大于 max {high}")
        for name in ("min_inclusive", "max_inclusive"):
            if name in tier and not isinstance(tier[name], bool):
                errors.append(f"{here}：{name} 必须是 true 或 false")
        if not is_amount(tier.get("amount")):
            errors.append(f"{here}：amount 必须是不小于 0 的整数（元）")
        return errors

    def keys(self, formula):
        return [formula["of"]] if isinstance(formula.get("of"), str) else []

    def ceiling(self, formula):
        return max(tier["amount"] for tier in formula["tiers"])

    @staticmethod
    def contains(value, tier):
        low, high = tier.get("min"), tier.get("max")
        if low is not None:
            if value < low or (value == low and not tier.get("min_inclusive", True)):
                return False
        if high is not None:
            if value > high or (value == high and not tier.get("max_inclusive", False)):
                return False
        return True

    def compile(self, formula):
        say, say_below = self.say, self.say_below
        figure = compiled_figure(formula.get("of"))
        ceiling = self.ceiling(formula)
        at_most = formula.get("at_most")
        # each tier's bounds read once (``contains``)
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

    def compute(self, formula, env, missing, steps, excluded):
        value = _figure(formula, env.values, missing)
        if value is None:
            return 0, self.ceiling(formula)
        for tier in formula["tiers"]:
            if self.contains(value, tier):
                steps.append((self.say, formula, value, tier))
                amount = tier["amount"]
                return (0 if formula.get("at_most") else amount), amount
        steps.append((self.say_below, formula, value))
        return 0, 0

    @staticmethod
    def tier_text(questions, key, tier):
        if tier.get("label"):
            return tier["label"]
        low, high = tier.get("min"), tier.get("max")
        parts = []
        if low is not None:
            inclusive = "（含）" if tier.get("min_inclusive", True) else "（不含）"
            parts.append(f"{format_value(questions, key, low)}{inclusive}")
        if high is not None:
            inclusive = "（含）" if tier.get("max_inclusive", False) else "（不含）"
            parts.append(f"{format_value(questions, key, high)}{inclusive}")
        if low is not None and high is not None:
            return f"{parts[0]}至{parts[1]}档"
        if low is not None:
            return f"{parts[0]}以上档"
        return f"{parts[0]}以下档"

    def say(self, questions, formula, value, tier):
        key = formula["of"]
        return (
            f"{_prefix(formula)}{label_of(questions, key)} {format_value(questions, key, value)}"
            f" → {self.tier_text(questions, key, tier)} → {format_yuan(tier['amount'])}"
        )

    def say_below(self, questions, formula, value):
        key = formula["of"]
        return (
            f"{label_of(questions, key)} {format_value(questions, key, value)}，"
            "未达到最低档，无奖励"
        )


class Stages(Formula):
    kind = "stages"
    MODES = ("cumulative", "single")

    def validate(self, formula, here, ctx, depth):
        errors = _of_error(formula, here, ctx)
        if formula.get("mode", "cumulative") not in self.MODES:
            errors.append(f"{here}：mode 只能是 cumulative 或 single")
        stages = formula.get("stages")
        if not isinstance(stages, list) or not stages:
            return errors + [f"{here}：stages 必须是非空的阶段列表"]
        for index, stage in enumerate(stages):
            if (
                not isinstance(stage, dict)
                or not is_scalar(stage.get("value"))
                or not is_amount(stage.get("amount"))
            ):
                errors.append(
                    f"{here}.stages[{index}]：每个阶段需要 value（选项值）和 amount（整数元）"
                )
        return errors

    def keys(self, formula):
        return [formula["of"]] if isinstance(formula.get("of"), str) else []

    def ceiling(self, formula):
        amounts = [stage["amount"] for stage in formula["stages"]]
        return sum(amounts) if formula.get("mode", "cumulative") == "cumulative" else max(amounts)

    def compile(self, formula):
        say, say_none = self.say, self.say_none
        key = formula["of"]
        ceiling = self.ceiling(formula)
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

    def compute(self, formula, env, missing, steps, excluded):
        key = formula["of"]
        if key not in env.values:
            missing.append(key)
            return 0, self.ceiling(formula)
        value = env.values[key]
        reached = []
        for stage in formula["stages"]:
            reached.append(stage)
            if stage["value"] == value:
                break
        else:
            steps.append((self.say_none, formula, value))
            return 0, 0
        if formula.get("mode", "cumulative") == "single":
            reached = reached[-1:]
        amount = sum(stage["amount"] for stage in reached)
        steps.append((self.say, formula, reached, amount))
        return amount, amount

    def say(self, questions, formula, reached, amount):
        parts = " + ".join(
            f"{stage.get('label', stage['value'])} {format_yuan(stage['amount'])}"
            for stage in reached
        )
        return f"{_prefix(formula)}已完成的阶段：{parts} = {format_yuan(amount)}"

    def say_none(self, questions, formula, value):
        key = formula["of"]
        return (
            f"{label_of(questions, key)}：{format_value(questions, key, value)}，尚无可获支持的阶段"
        )


class PerUnit(Formula):
    kind = "per_unit"

    def validate(self, formula, here, ctx, depth):
        errors = _of_error(formula, here, ctx)
        if not is_amount(formula.get("unit_amount")):
            errors.append(f"{here}：unit_amount 必须是不小于 0 的整数（元）")
        per = formula.get("per", 1)
        if not isinstance(per, int) or isinstance(per, bool) or per < 1:
            errors.append(f"{here}：per 必须是正整数")
        return errors

    def keys(self, formula):
        return [formula["of"]] if isinstance(formula.get("of"), str) else []

    def compile(self, formula):
        say, figure = self.say, compiled_figure(formula.get("of"))
        cap = formula.get("cap")
        at_most = formula.get("at_most")
        per = formula.get("per", 1)
        unit_amount = formula["unit_amount"]

        def compute(env, missing, steps, excluded):
            value = figure(env.values, missing)
            if value is None:
                return 0, cap
            units = _floor_div(value, per)
            raw = units * unit_amount
            amount = _cap(raw, cap)
            steps.append((say, formula, value, units, raw, amount))
            return (0 if at_most else amount), amount

        return compute

    def compute(self, formula, env, missing, steps, excluded):
        value = _figure(formula, env.values, missing)
        cap = formula.get("cap")
        if value is None:
            return 0, cap
        per = formula.get("per", 1)
        units = _floor_div(value, per)
        raw = units * formula["unit_amount"]
        amount = _cap(raw, cap)
        steps.append((self.say, formula, value, units, raw, amount))
        return (0 if formula.get("at_most") else amount), amount

    def say(self, questions, formula, value, units, raw, amount):
        key = formula["of"]
        per = formula.get("per", 1)
        if per == 1:
            head = f"{label_of(questions, key)} {format_value(questions, key, value)}"
        else:
            head = (
                f"{label_of(questions, key)} {format_value(questions, key, value)}，"
                f"每满{format_value(questions, key, per)}计1份，共{units}份"
            )
        most = "最高" if formula.get("at_most") else ""
        return (
            f"{_prefix(formula)}{head} × {most}{format_yuan(formula['unit_amount'])} = "
            f"{format_yuan(raw)}{_capped_words(raw, amount)}"
        )


class RateCapped(Formula):
    """Interest subsidy: a loan × min(share × a dated reference rate, a cap) × years."""

    kind = "rate_capped"

    def validate(self, formula, here, ctx, depth):
        errors = _of_error(formula, here, ctx)
        reference = formula.get("reference")
        if not is_key(reference):
            errors.append(
                f"{here}：reference 应为参考利率参数的键（如 lpr_1y），不能在规则中写死利率"
            )
        elif ctx.parameters is not None and reference not in ctx.parameters:
            errors.append(f"{here}：参数“{reference}”不存在")
        share = formula.get("reference_share_percent", 100)
        if not is_number(share) or not 0 < share <= 100:
            errors.append(f"{here}：reference_share_percent 必须是 0 到 100 之间的数字")
        cap_bp = formula.get("rate_cap_bp")
        if cap_bp is not None and (
            not isinstance(cap_bp, int) or isinstance(cap_bp, bool) or cap_bp <= 0
        ):
            errors.append(f"{here}：rate_cap_bp 必须是正整数（基点）")
        years = formula.get("years", 1)
        if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 30:
            errors.append(f"{here}：years 必须是 1 到 30 的整数")
        return errors

    def keys(self, formula):
        return [formula["of"]] if isinstance(formula.get("of"), str) else []

    def compile(self, formula):
        say, say_no_reference = self.say, self.say_no_reference
        figure = compiled_figure(formula.get("of"))
        cap = formula.get("cap")
        at_most = formula.get("at_most")
        reference_key = formula["reference"]
        share = formula.get("reference_share_percent", 100)
        cap_bp = formula.get("rate_cap_bp")
        years = formula.get("years", 1)
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
            raw = _floor_div(value * rate.numerator * years, rate.denominator * 10000)
            amount = _cap(raw, cap)
            steps.append((say, formula, value, rate, raw, amount, series, since, percent))
            return (0 if at_most else amount), amount

        return compute

    def compute(self, formula, env, missing, steps, excluded):
        value = _figure(formula, env.values, missing)
        cap = formula.get("cap")
        if value is None:
            return 0, cap
        series = env.parameters.get(formula["reference"])
        reference = series.on(env.as_of) if series is not None else None
        if reference is None:
            steps.append((self.say_no_reference, formula, series, env.as_of))
            return 0, cap
        since, percent = reference
        rate = rate_bp(
            Fraction(percent) * 100,
            formula.get("reference_share_percent", 100),
            formula.get("rate_cap_bp"),
        )
        raw = _floor_div(value * rate.numerator * formula.get("years", 1), rate.denominator * 10000)
        amount = _cap(raw, cap)
        steps.append((self.say, formula, value, rate, raw, amount, series, since, percent))
        return (0 if formula.get("at_most") else amount), amount

    def say(self, questions, formula, value, rate, raw, amount, series, since, percent):
        key = formula["of"]
        reference = published_percent(percent)
        name = series.name
        cited = f"按 {validity.date_text(since)}起执行的{name} {reference}"
        share = formula.get("reference_share_percent", 100)
        words = f"{share}% × {name} {reference}" if share != 100 else f"{name} {reference}"
        if formula.get("rate_cap_bp") is not None:
            words = f"min（{words}，{percent_text(Fraction(formula['rate_cap_bp']))}）"
        years = formula.get("years", 1)
        per_years = f" × {years}年" if years != 1 else ""
        return (
            f"{_prefix(formula)}{cited}：贴息率 {words} = {percent_text(rate)}；"
            f"{label_of(questions, key)} {format_value(questions, key, value)} × "
            f"{percent_text(rate)}{per_years} = {format_yuan(raw)}{_capped_words(raw, amount)}"
        )

    def say_no_reference(self, questions, formula, series, as_of):
        name = series.name if series is not None else formula.get("reference", "基准利率")
        return f"{validity.date_text(as_of)}尚无{name}数据，贴息金额无法测算"


class Combined(Formula):
    """max_of / sum_of: parts that are alternatives, or that add up."""

    def validate(self, formula, here, ctx, depth):
        parts = formula.get("parts")
        if not isinstance(parts, list) or not parts:
            return [f"{here}：parts 必须是非空的公式列表"]
        errors = []
        for index, part in enumerate(parts):
            errors += validate_formula(part, f"{here}.parts[{index}]", depth + 1, ctx)
        return errors

    def keys(self, formula):
        return [key for part in formula.get("parts") or [] for key in formula_keys(part)]

    def ceiling(self, formula):
        ceilings = [formula_ceiling(part) for part in formula["parts"]]
        cap = formula.get("cap")
        if None in ceilings:
            return cap
        total = self.combine(ceilings)
        return total if cap is None else min(total, cap)

    def compile(self, formula):
        from .compiled import formula as compiled_formula

        say, combine = self.say, self.combine
        parts = [compiled_formula(part) for part in formula["parts"]]
        cap = formula.get("cap")

        def compute(env, missing, steps, excluded):
            lows, highs, part_steps = [], [], []
            for part in parts:
                low, high = part(env, missing, part_steps, excluded)
                lows.append(low)
                highs.append(high)
            low = combine(lows)
            high = None if None in highs else combine(highs)
            capped_low, capped_high = _cap(low, cap), _cap(high, cap)
            steps.append((say, formula, part_steps, low, high, capped_high))
            return capped_low, capped_high

        return compute

    def compute(self, formula, env, missing, steps, excluded):
        lows, highs, part_steps = [], [], []
        for part in formula["parts"]:
            low, high = amount_of(part, env, missing, part_steps, excluded)
            lows.append(low)
            highs.append(high)
        low = self.combine(lows)
        high = None if None in highs else self.combine(highs)
        cap = formula.get("cap")
        capped_low, capped_high = _cap(low, cap), _cap(high, cap)
        steps.append((self.say, formula, part_steps, low, high, capped_high))
        return capped_low, capped_high

    def say(self, questions, formula, part_steps, low, high, capped_high):
        lines = [render(step, questions) for step in part_steps]
        tail = f"{self.how}：{amount_range_text(low, high)}"
        if capped_high is not None and high is not None and capped_high < high:
            tail += f"，超过上限，按上限{format_yuan(capped_high)}"
        text = "；".join(lines)
        return f"{_prefix(formula)}{text}；{tail}" if text else f"{_prefix(formula)}{tail}"


class MaxOf(Combined):
    kind = "max_of"
    how = "择一，取最高"

    @staticmethod
    def combine(amounts):
        return max(amounts)


class SumOf(Combined):
    kind = "sum_of"
    how = "合计"

    @staticmethod
    def combine(amounts):
        return sum(amounts)


class Benefit(Formula):
    """Something other than money: 可享受 a service, a rate, a fast lane, land at a price."""

    kind = "benefit"

    def validate(self, formula, here, ctx, depth):
        text = formula.get("text")
        if not isinstance(text, str) or not text.strip():
            return [f"{here}：text 必须写明可享受的内容（如“应急转贷服务”）"]
        if len(text) > 200:
            return [f"{here}：text 请控制在 200 字以内"]
        return []

    def ceiling(self, formula):
        return 0

    def compile(self, formula):
        step = (self.say, formula)
        text = formula["text"]

        def compute(env, missing, steps, excluded):
            steps.append(step)
            env.benefits.append(text)
            return 0, 0

        return compute

    def compute(self, formula, env, missing, steps, excluded):
        steps.append((self.say, formula))
        env.benefits.append(formula["text"])
        return 0, 0

    def say(self, questions, formula):
        return f"可享受：{formula['text']}"


FORMULAS = {
    kind.kind: kind
    for kind in (
        Fixed(),
        UpTo(),
        PercentOf(),
        Tiers(),
        Stages(),
        PerUnit(),
        RateCapped(),
        MaxOf(),
        SumOf(),
        Benefit(),
    )
}


def amount_of(formula, env, missing, steps, excluded=None):
    """(minimum, maximum) in yuan of a formula with its ``period`` and ``when``.

    A part whose own period does not cover the 测算日期 gives nothing and is recorded in
    ``excluded`` (label, period, status); a part whose ``when`` is unknown may give
    nothing (its minimum is 0) and is explained as "如果…"."""
    period = part_period(formula)
    if period is not None:
        status = validity.status_of(period, env.as_of)
        if status not in validity.COUNTED:
            if excluded is not None:
                excluded.append((name_of(formula, "本项"), period, status))
            steps.append((say_part_excluded, formula, period, status))
            return 0, 0
    kind = FORMULAS[formula["kind"]]
    when = formula.get("when")
    if when is not None:
        when_missing = []
        applies = check(when, env.values, when_missing, [])
        if applies is False:
            return 0, 0
        if applies is UNKNOWN:
            inner_steps = []
            benefits_before = len(env.benefits)
            low, high = kind.compute(formula, env, missing, inner_steps, excluded)
            conditional = env.benefits[benefits_before:]
            del env.benefits[benefits_before:]
            env.possible_benefits.extend(conditional)
            missing.extend(when_missing)
            steps.append((say_if, formula, inner_steps))
            return 0, high
    return kind.compute(formula, env, missing, steps, excluded)


def say_if(questions, formula, inner_steps):
    inner = "；".join(render(step, questions) for step in inner_steps) or name_of(formula, "本项")
    return f"如果{describe(formula['when'], questions)}：{inner}"


def say_part_excluded(questions, formula, period, status):
    label = validity.Status(status).label
    return f"{name_of(formula, '本项')}：{label}（{validity.describe(period)}），不计入"


def render(step, questions):
    function, *args = step
    return function(questions, *args)

"""The shape of an eligibility rule, checked by a small recursive validator.

A rule has two JSON parts, both plain data (never evaluated as code):

``conditions``
    ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": cond}``,
    ``{"eq"|"ne"|"gt"|"ge"|"lt"|"le": [key, value]}``, ``{"in": [key, [values]]}``,
    ``{"between": [key, low, high]}`` (both ends inclusive), ``{"is_true": key}``.
    Money questions are compared in yuan (integers): ``{"ge": ["online_retail", 5000000]}``.

``benefit``
    A formula; every formula may carry ``"when": cond`` (it only counts when the condition
    holds), ``"label"`` (a short name shown in the computation) and ``"period": {"from":
    "2024-01-01", "until": "2024-12-31", "words": "2024年参加"}`` (the part counts only within
    it; either date may be left out). Amounts are yuan.

    ``{"kind": "fixed", "amount": 300000}``
    ``{"kind": "up_to", "amount": 2000000}`` — "最高 200万元", the exact sum is decided case by case
    ``{"kind": "percent_of", "of": key, "percent": 3, "cap": 1000000, "at_most": false}``
    ``{"kind": "tiers", "of": key, "tiers": [{"min": 500000000, "min_inclusive": true,
       "max": null, "max_inclusive": false, "amount": 1000000}, ...]}``
    ``{"kind": "stages", "of": key, "mode": "cumulative"|"single",
       "stages": [{"value": "reform", "label": "股改", "amount": 500000}, ...]}``
    ``{"kind": "per_unit", "of": key, "unit_amount": 1500, "per": 1, "cap": null}``
    ``{"kind": "rate_capped", "of": key, "reference": "lpr_1y", "reference_share_percent": 70,
       "rate_cap_bp": 200, "years": 1, "cap": 2000000}`` — ``reference`` names a dated
       parameter (``Parameter``, e.g. the one-year LPR): the value in force on the 测算日期 is
       used and cited, never a rate written into the rule
    ``{"kind": "max_of"|"sum_of", "parts": [formula, ...], "cap": null}``

``validate_conditions`` and ``validate_benefit`` return a list of messages in Chinese (empty
when the rule is well formed); ``question_keys`` lists the question keys a rule uses.
"""

from numbers import Real

COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")
CONDITION_OPERATORS = ("all", "any", "not", "in", "between", "is_true", *COMPARISONS)
FORMULA_KINDS = (
    "fixed",
    "up_to",
    "percent_of",
    "tiers",
    "stages",
    "per_unit",
    "rate_capped",
    "max_of",
    "sum_of",
)
STAGE_MODES = ("cumulative", "single")
MAX_DEPTH = 12
MAX_AMOUNT = 10**12  # one trillion yuan: anything above is a typing error


def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _is_amount(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_AMOUNT


def _is_key(value):
    return isinstance(value, str) and value.isidentifier()


def _is_scalar(value):
    return isinstance(value, (str, bool, int, float)) and value is not None


def validate_conditions(node, where="条件", depth=0, known_keys=None):
    """Messages for a malformed condition tree (empty list: well formed)."""
    errors = []
    if depth > MAX_DEPTH:
        return [f"{where}：嵌套过深（最多 {MAX_DEPTH} 层）"]
    if not isinstance(node, dict) or len(node) != 1:
        return [f'{where}：每个条件必须是只含一个运算符的对象，如 {{"is_true": "key"}}']
    ((operator, operand),) = node.items()
    here = f"{where}.{operator}"
    if operator not in CONDITION_OPERATORS:
        return [f"{where}：未知的运算符“{operator}”，可用：{'、'.join(CONDITION_OPERATORS)}"]
    if operator in ("all", "any"):
        if not isinstance(operand, list):
            return [f"{here}：应为条件列表"]
        for index, child in enumerate(operand):
            errors += validate_conditions(child, f"{here}[{index}]", depth + 1, known_keys)
        return errors
    if operator == "not":
        return validate_conditions(operand, here, depth + 1, known_keys)
    if operator == "is_true":
        key = operand
    else:
        if not isinstance(operand, list) or not operand:
            return [f"{here}：应为 [问题键, 值] 形式的列表"]
        key = operand[0]
        if operator in COMPARISONS:
            if len(operand) != 2 or not _is_scalar(operand[1]):
                errors.append(f"{here}：应为 [问题键, 值]，值为数字、文字或是/否")
            elif operator not in ("eq", "ne") and not (
                _is_number(operand[1]) or isinstance(operand[1], str)
            ):
                errors.append(f"{here}：大小比较的值必须是数字或日期")
        elif operator == "in":
            if (
                len(operand) != 2
                or not isinstance(operand[1], list)
                or not operand[1]
                or not all(_is_scalar(v) for v in operand[1])
            ):
                errors.append(f"{here}：应为 [问题键, [取值1, 取值2, …]]")
        elif operator == "between":
            if len(operand) != 3 or not all(_is_number(v) for v in operand[1:]):
                errors.append(f"{here}：应为 [问题键, 下限, 上限]，上下限为数字")
            elif operand[1] > operand[2]:
                errors.append(f"{here}：下限 {operand[1]} 大于上限 {operand[2]}")
    if not _is_key(key):
        errors.append(f"{here}：问题键“{key}”不是有效的标识（字母、数字、下划线）")
    elif known_keys is not None and key not in known_keys:
        errors.append(f"{here}：问题“{key}”不存在")
    return errors


def _check_cap(formula, here, errors):
    cap = formula.get("cap")
    if cap is not None and not _is_amount(cap):
        errors.append(f"{here}：上限 cap 必须是不小于 0 的整数（元）")


def _check_of(formula, here, errors, known_keys):
    key = formula.get("of")
    if not _is_key(key):
        errors.append(f"{here}：缺少计算依据 of（问题键）")
    elif known_keys is not None and key not in known_keys:
        errors.append(f"{here}：问题“{key}”不存在")


def validate_benefit(formula, where="金额公式", depth=0, known_keys=None, known_parameters=None):
    """Messages for a malformed benefit formula (empty list: well formed)."""
    if depth > MAX_DEPTH:
        return [f"{where}：嵌套过深（最多 {MAX_DEPTH} 层）"]
    if not isinstance(formula, dict):
        return [f'{where}：金额公式必须是对象，如 {{"kind": "fixed", "amount": 100000}}']
    kind = formula.get("kind")
    here = f"{where}（{kind}）"
    if kind not in FORMULA_KINDS:
        return [f"{where}：未知的公式类型“{kind}”，可用：{'、'.join(FORMULA_KINDS)}"]
    errors = []
    if "when" in formula:
        errors += validate_conditions(formula["when"], f"{here}.when", depth + 1, known_keys)
    if "label" in formula and not isinstance(formula["label"], str):
        errors.append(f"{here}：label 必须是文字")
    if kind in ("fixed", "up_to"):
        if not _is_amount(formula.get("amount")):
            errors.append(f"{here}：amount 必须是不小于 0 的整数（元）")
    elif kind == "percent_of":
        _check_of(formula, here, errors, known_keys)
        percent = formula.get("percent")
        if not _is_number(percent) or not 0 < percent <= 100:
            errors.append(f"{here}：percent 必须是 0 到 100 之间的数字")
        _check_cap(formula, here, errors)
    elif kind == "tiers":
        _check_of(formula, here, errors, known_keys)
        tiers = formula.get("tiers")
        if not isinstance(tiers, list) or not tiers:
            errors.append(f"{here}：tiers 必须是非空的档位列表")
        else:
            for index, tier in enumerate(tiers):
                errors += _validate_tier(tier, f"{here}.tiers[{index}]")
    elif kind == "stages":
        _check_of(formula, here, errors, known_keys)
        if formula.get("mode", "cumulative") not in STAGE_MODES:
            errors.append(f"{here}：mode 只能是 cumulative 或 single")
        stages = formula.get("stages")
        if not isinstance(stages, list) or not stages:
            errors.append(f"{here}：stages 必须是非空的阶段列表")
        else:
            for index, stage in enumerate(stages):
                if (
                    not isinstance(stage, dict)
                    or not _is_scalar(stage.get("value"))
                    or not _is_amount(stage.get("amount"))
                ):
                    errors.append(
                        f"{here}.stages[{index}]：每个阶段需要 value（选项值）和 amount（整数元）"
                    )
    elif kind == "per_unit":
        _check_of(formula, here, errors, known_keys)
        if not _is_amount(formula.get("unit_amount")):
            errors.append(f"{here}：unit_amount 必须是不小于 0 的整数（元）")
        per = formula.get("per", 1)
        if not isinstance(per, int) or isinstance(per, bool) or per < 1:
            errors.append(f"{here}：per 必须是正整数")
        _check_cap(formula, here, errors)
    elif kind == "rate_capped":
        _check_of(formula, here, errors, known_keys)
        reference = formula.get("reference")
        if not _is_key(reference):
            errors.append(
                f"{here}：reference 应为参考利率参数的键（如 lpr_1y），不能在规则中写死利率"
            )
        elif known_parameters is not None and reference not in known_parameters:
            errors.append(f"{here}：参数“{reference}”不存在")
        share = formula.get("reference_share_percent", 100)
        if not _is_number(share) or not 0 < share <= 100:
            errors.append(f"{here}：reference_share_percent 必须是 0 到 100 之间的数字")
        rate_cap = formula.get("rate_cap_bp")
        if rate_cap is not None and (
            not isinstance(rate_cap, int) or isinstance(rate_cap, bool) or rate_cap <= 0
        ):
            errors.append(f"{here}：rate_cap_bp 必须是正整数（基点）")
        years = formula.get("years", 1)
        if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 30:
            errors.append(f"{here}：years 必须是 1 到 30 的整数")
        _check_cap(formula, here, errors)
    elif kind in ("max_of", "sum_of"):
        parts = formula.get("parts")
        if not isinstance(parts, list) or not parts:
            errors.append(f"{here}：parts 必须是非空的公式列表")
        else:
            for index, part in enumerate(parts):
                errors += validate_benefit(
                    part, f"{here}.parts[{index}]", depth + 1, known_keys, known_parameters
                )
        _check_cap(formula, here, errors)
    if "at_most" in formula and not isinstance(formula["at_most"], bool):
        errors.append(f"{here}：at_most 必须是 true 或 false")
    if "period" in formula:
        errors += _validate_period(formula["period"], f"{here}.period")
    return errors


def _validate_period(period, here):
    import datetime

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


def _validate_tier(tier, here):
    if not isinstance(tier, dict):
        return [f"{here}：档位必须是对象"]
    errors = []
    low, high = tier.get("min"), tier.get("max")
    if low is None and high is None:
        errors.append(f"{here}：档位至少需要 min 或 max 之一")
    for name, bound in (("min", low), ("max", high)):
        if bound is not None and not _is_number(bound):
            errors.append(f"{here}：{name} 必须是数字")
    if _is_number(low) and _is_number(high) and low > high:
        errors.append(f"{here}：min {low} 大于 max {high}")
    for name in ("min_inclusive", "max_inclusive"):
        if name in tier and not isinstance(tier[name], bool):
            errors.append(f"{here}：{name} 必须是 true 或 false")
    if not _is_amount(tier.get("amount")):
        errors.append(f"{here}：amount 必须是不小于 0 的整数（元）")
    return errors


def condition_keys(node):
    """The question keys a (well-formed) condition tree refers to, in order of appearance."""
    keys = []
    if not isinstance(node, dict):
        return keys
    for operator, operand in node.items():
        if operator in ("all", "any") and isinstance(operand, list):
            for child in operand:
                keys += condition_keys(child)
        elif operator == "not":
            keys += condition_keys(operand)
        elif operator == "is_true" and isinstance(operand, str):
            keys.append(operand)
        elif isinstance(operand, list) and operand and isinstance(operand[0], str):
            keys.append(operand[0])
    return keys


def benefit_keys(formula):
    keys = []
    if not isinstance(formula, dict):
        return keys
    if "when" in formula:
        keys += condition_keys(formula["when"])
    if isinstance(formula.get("of"), str):
        keys.append(formula["of"])
    for part in formula.get("parts") or []:
        keys += benefit_keys(part)
    return keys


def question_keys(conditions, benefit):
    """Every question key a rule uses, without duplicates, conditions first."""
    return list(dict.fromkeys(condition_keys(conditions) + benefit_keys(benefit)))


def formula_ceiling(formula):
    """The most a (well-formed) formula can ever grant in yuan, or None when unbounded."""
    kind = formula.get("kind")
    cap = formula.get("cap")
    if kind in ("fixed", "up_to"):
        return formula["amount"]
    if kind == "tiers":
        return max(tier["amount"] for tier in formula["tiers"])
    if kind == "stages":
        amounts = [stage["amount"] for stage in formula["stages"]]
        return sum(amounts) if formula.get("mode", "cumulative") == "cumulative" else max(amounts)
    if kind in ("percent_of", "per_unit", "rate_capped"):
        return cap
    if kind in ("max_of", "sum_of"):
        ceilings = [formula_ceiling(part) for part in formula["parts"]]
        if None in ceilings:
            return cap
        total = max(ceilings) if kind == "max_of" else sum(ceilings)
        return total if cap is None else min(total, cap)
    return None

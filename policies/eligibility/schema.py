"""Validating rules (and questions' ``ask_if``) — a facade over the kinds of ``kinds``.

A rule has two JSON parts, both plain data (never evaluated as code): ``conditions`` and
``benefit`` (a formula). The language is documented in ``policies.eligibility.kinds``, one
class per condition operator and formula kind; each validates its own part.

``validate_conditions`` and ``validate_benefit`` return a list of messages in Chinese (empty
when the rule is well formed); ``question_keys`` lists the question keys a rule uses.
"""

from . import kinds
from .kinds import CONDITIONS, FORMULAS, MAX_AMOUNT, MAX_DEPTH  # noqa: F401

CONDITION_OPERATORS = tuple(CONDITIONS)
FORMULA_KINDS = tuple(FORMULAS)


def _context(known_keys, known_parameters):
    return kinds.Context(questions=known_keys, parameters=known_parameters)


def validate_conditions(node, where="条件", depth=0, known_keys=None):
    """Messages for a malformed condition tree (empty list: well formed). ``known_keys``: a
    set of question keys, or key → ``QuestionInfo`` (then types and choices are checked)."""
    return kinds.validate_condition(node, where, depth, _context(known_keys, None))


def validate_benefit(formula, where="金额公式", depth=0, known_keys=None, known_parameters=None):
    """Messages for a malformed formula (empty list: well formed)."""
    return kinds.validate_formula(formula, where, depth, _context(known_keys, known_parameters))


def condition_keys(node):
    """The question keys a (well-formed) condition tree refers to, in order of appearance."""
    return kinds.condition_keys(node)


def benefit_keys(formula):
    return kinds.formula_keys(formula)


def question_keys(conditions, benefit):
    """Every question key a rule uses, without duplicates, conditions first."""
    return list(dict.fromkeys(condition_keys(conditions) + benefit_keys(benefit)))


def formula_ceiling(formula):
    """The most a (well-formed) formula can ever grant in yuan, or None when unbounded."""
    return kinds.formula_ceiling(formula)

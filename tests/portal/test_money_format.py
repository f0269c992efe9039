"""One money format and one date format, everywhere (issue 12).

Money: below 1 万 in 元 with thousands separators, from 1 万 in 万元, from 1 亿 in 亿元,
trailing zeros dropped, the exact yuan on hover and in print. Dates: 2026年11月30日.
The expected strings below are written by hand, not computed.
"""

import datetime
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import engines
from django.utils import timezone

from policies import formatting
from policies.formatting import date_text, format_yuan
from policies.templatetags.catalogue import cn_date, money

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "0 元"),
        (1, "1 元"),
        (999, "999 元"),
        (1500, "1,500 元"),
        (Decimal("2500.5"), "2,500.50 元"),
        (Decimal("9999.99"), "9,999.99 元"),
        (10_000, "1 万元"),
        (12_345, "1.2345 万元"),
        (Decimal("50000.00"), "5 万元"),
        (500_000, "50 万元"),
        (Decimal("123456.78"), "12.345678 万元"),
        (20_000_000, "2,000 万元"),
        (99_999_999, "9,999.9999 万元"),
        (100_000_000, "1 亿元"),
        (120_000_000, "1.2 亿元"),
        (1_500_000_000, "15 亿元"),
        (1_234_500_000_000, "12,345 亿元"),
        ("50000", "5 万元"),
        (Fraction(3, 2), "1.50 元"),
        (None, ""),
        ("", ""),
    ],
)
def test_the_one_money_format(amount, text):
    assert format_yuan(amount) == text


@pytest.mark.parametrize(
    ("amount", "html"),
    [
        (
            1500,
            '<data class="money" value="1500" title="1,500.00 元">1,500 元</data>',
        ),
        (
            Decimal("2500.50"),
            '<data class="money" value="2500.5" title="2,500.50 元">2,500.50 元</data>',
        ),
        (
            500_000,
            '<data class="money" value="500000" title="500,000.00 元"'
            ' data-exact="500,000.00 元">50 万元</data>',
        ),
        (
            120_000_000,
            '<data class="money" value="120000000" title="120,000,000.00 元"'
            ' data-exact="120,000,000.00 元">1.2 亿元</data>',
        ),
        (None, ""),
    ],
)
def test_the_money_filter_keeps_the_exact_amount_for_hover_and_print(amount, html):
    assert money(amount) == html
    assert money(amount) == html  # the second time from the process's copy


def test_the_money_filter_keeps_amounts_of_different_types_apart():
    # True == 1 and hash(True) == hash(1): a copy kept by value alone would give one the other's
    assert money(1) == '<data class="money" value="1" title="1.00 元">1 元</data>'
    assert money(True) == ""
    assert money(1) != ""
    assert money(Decimal("0.5")) == money(0.5) == money(Fraction(1, 2))


def test_the_print_stylesheet_prints_the_exact_amount():
    css = (ROOT / "static/css/portal.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert re.search(r"\.money\[data-exact\]::after\s*\{[^}]*attr\(data-exact\)", print_rules)


def test_there_is_one_money_function_and_one_money_filter():
    from applications import services
    from policies.eligibility import kinds

    sources = [
        path
        for folder in ("applications", "policies", "portal", "bench")
        for path in (ROOT / folder).rglob("*.py")
    ]
    defining = sorted(
        str(path.relative_to(ROOT))
        for path in sources
        if re.search(r"^\s*def (format_yuan|money_text|yuan)\(", path.read_text(), re.M)
    )
    assert defining == ["policies/formatting.py"]
    assert kinds.format_yuan is formatting.format_yuan
    assert not hasattr(services, "money_text")

    money_filters = [
        (name, key)
        for name, library in engines["django"].engine.template_libraries.items()
        for key in library.filters
        if key in ("money", "yuan", "money_text", "format_yuan", "amount")
    ]
    assert money_filters == [("catalogue", "money")]


UNIT_AFTER_A_PLACEHOLDER = re.compile(r"(?:%\(\w+\)[sd]|%[sd]|\})\s*(?:万元|亿元|元)")


def test_no_python_code_writes_a_unit_after_a_number_of_its_own():
    """``f"{amount:,}元"`` or ``_("%(cap)s 元")``: a number formatted apart from the one
    function. Only policies/formatting.py writes units after numbers."""
    assert UNIT_AFTER_A_PLACEHOLDER.search('_("最高金额 %(cap)s 元。")')
    assert UNIT_AFTER_A_PLACEHOLDER.search('f"{amount:,.2f}元"')
    assert not UNIT_AFTER_A_PLACEHOLDER.search('_("最高金额 %(cap)s。")')
    found = sorted(
        str(path.relative_to(ROOT))
        for folder in ("applications", "policies", "portal", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and UNIT_AFTER_A_PLACEHOLDER.search(path.read_text())
    )
    assert found == ["policies/formatting.py"]


def test_the_admin_writes_money_and_dates_in_the_one_format():
    from applications.admin import ApplicationAdmin
    from applications.states import State

    application = SimpleNamespace(
        requested_amount_yuan=Decimal("50000.00"),
        approved_amount_yuan=Decimal("1234.50"),
        disbursed_amount_yuan=Decimal("300000.00"),
        disbursed_on=datetime.date(2023, 10, 24),
        voucher_number="AS-CZ-2023-0815",
        state=State.DISBURSED,
    )
    assert ApplicationAdmin.requested_text(None, application) == "5 万元"
    assert ApplicationAdmin.approved_text(None, application) == "1,234.50 元"
    assert (
        ApplicationAdmin.disbursement_text(None, application)
        == "30 万元，2023年10月24日，凭证号 AS-CZ-2023-0815"
    )


# --- the templates ---------------------------------------------------------------------------

TEMPLATE_DIRS = [ROOT / "templates", ROOT / "applications/templates"]
EXPRESSION = re.compile(r"\{\{(.*?)\}\}|\{%\s*(?:blocktranslate|blocktrans)\b(.*?)%\}", re.S)
AMOUNT = re.compile(r"[\w.]*amounts?_yuan\b(?!\|money)")
ALIAS_OF_AMOUNTS = re.compile(r"\{%\s*with (\w+)=[\w.]*amounts_yuan\s*%\}")


def money_problems(source: str) -> list[str]:
    """What in a template writes money other than through ``|money``."""
    problems = []
    for match in EXPRESSION.finditer(source):
        expression = match.group(1) or match.group(2)
        problems += [f"raw amount: {a}" for a in AMOUNT.findall(expression)]
    lists = [r"[\w.]*amounts_yuan", *ALIAS_OF_AMOUNTS.findall(source)]
    loops = re.findall(r"\{%\s*for (\w+) in (?:" + "|".join(lists) + r")\s*%\}", source)
    for variable in loops:
        raw = re.findall(r"\{\{\s*" + variable + r"\s*(?:\}\}|\|(?!money))", source)
        problems += [f"loop amount printed raw: {variable}"] * len(raw)
    problems += [
        f"number formatting: {m}" for m in re.findall(r"\|(?:floatformat|intcomma)\b", source)
    ]
    problems += [f"unit after a value: {m}" for m in re.findall(r"\}\}\s*(?:万元|亿元|元)", source)]
    problems += [f"unit help text: {m}" for m in re.findall(r"单位[：:]\s*元", source)]
    return problems


def date_problems(source: str) -> list[str]:
    """Dates a reader sees must go through ``|cn_date``; ``|date`` only for machine values
    in attributes (``value="{{ day|date:'Y-m-d' }}"``, ``datetime="…"``)."""
    problems = []
    for match in re.finditer(r"\|date:(['\"])(.*?)\1", source):
        before = source[: match.start()]
        in_attribute = re.search(r"""\b(?:value|datetime)=["']\{\{[^}]*$""", before)
        if match.group(2) != "Y-m-d" or not in_attribute:
            problems.append(match.group(0))
    return problems


def templates():
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


def test_the_checks_would_catch_the_old_formats():
    """The template checks have teeth: each old way of writing money or dates is caught."""
    assert money_problems("{{ measure.max_amount_yuan }}")
    assert money_problems("{{ application.requested_amount_yuan|floatformat:2 }} 元")
    assert money_problems("{% blocktranslate with a=application.disbursed_amount_yuan %}")
    assert money_problems("{% for amount in m.support_amounts_yuan %}{{ amount }}{% endfor %}")
    assert money_problems(
        "{% with t=m.threshold_amounts_yuan %}{% for a in t %}{{ a }}{% endfor %}{% endwith %}"
    )
    assert money_problems("{{ requested_text }}元")
    assert money_problems('<div class="form-text">单位：元</div>')
    assert not money_problems(
        "{% if m.max_amount_yuan %}{{ m.max_amount_yuan|money }}{% endif %}"
        "{% for amount in m.support_amounts_yuan %}{{ amount|money }}{% endfor %}"
    )
    assert date_problems('{{ day|date:"Y年n月j日" }}')
    assert date_problems('{{ event.at|date:"Y-m-d H:i" }}')
    assert date_problems("<td>{{ day|date:'Y-m-d' }}</td>")
    assert not date_problems("<input value=\"{{ day|date:'Y-m-d' }}\">")


def test_every_template_writes_money_through_the_one_filter():
    found = {str(path.relative_to(ROOT)): money_problems(path.read_text()) for path in templates()}
    assert {path: problems for path, problems in found.items() if problems} == {}
    assert any("|money" in path.read_text() for path in templates())


def test_every_template_writes_dates_for_readers_through_the_one_filter():
    found = {str(path.relative_to(ROOT)): date_problems(path.read_text()) for path in templates()}
    assert {path: problems for path, problems in found.items() if problems} == {}


# --- dates ---------------------------------------------------------------------------------


def test_the_one_date_format():
    assert date_text(datetime.date(2026, 11, 30)) == "2026年11月30日"
    assert date_text(datetime.date(2026, 1, 5)) == "2026年1月5日"
    assert date_text(None) == ""
    # a moment in local time (Asia/Shanghai): 22:05 UTC is the next morning
    moment = datetime.datetime(2026, 11, 29, 22, 5, tzinfo=datetime.UTC)
    assert date_text(moment) == "2026年11月30日 06:05"
    assert cn_date(moment) == "2026年11月30日 06:05"
    assert cn_date(moment, "day") == "2026年11月30日"
    assert cn_date(datetime.date(2026, 11, 30)) == "2026年11月30日"
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"

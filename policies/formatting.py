"""How catalogue facts are shown to readers: money and dates, 办理方式 as steps, citations."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import timezone
from django.utils.translation import gettext as _

from . import validity

WAN = 10_000
YI = 100_000_000
FEN = Decimal("0.01")


def yuan_value(amount) -> Decimal | None:
    """An amount of money (int, Decimal, Fraction, float or its text) in yuan, to the fen."""
    if amount is None or amount == "" or isinstance(amount, bool):
        return None
    if isinstance(amount, Fraction):
        value = Decimal(amount.numerator) / Decimal(amount.denominator)
    elif isinstance(amount, float):
        value = Decimal(str(amount))
    else:
        value = Decimal(amount)
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def _grouped(value: Decimal, fen: bool = False) -> str:
    """Thousands separators; decimals dropped when zero, else all of them (``fen``: two)."""
    text = f"{value:,.2f}" if fen else f"{value:,f}"
    if "." in text and not (fen and value != value.to_integral_value()):
        text = text.rstrip("0").rstrip(".")
    return text


def format_yuan(amount) -> str:
    """The one way money is written: by size, the exact value in the unit shown.

    Below 1 万 in 元 with thousands separators (2,500 元; fen as two decimals: 2,500.50 元);
    from 1 万 in 万元 (50 万元, 1.2345 万元, 9,999 万元); from 1 亿 in 亿元 (1.5 亿元); trailing
    zeros dropped. Nothing (None, "") is written as "".
    """
    value = yuan_value(amount)
    if value is None:
        return ""
    if abs(value) >= YI:
        return _("%(n)s 亿元") % {"n": _grouped((value / YI).normalize())}
    if abs(value) >= WAN:
        return _("%(n)s 万元") % {"n": _grouped((value / WAN).normalize())}
    return _("%(n)s 元") % {"n": _grouped(value, fen=True)}


def exact_yuan(amount) -> str:
    """The exact amount to the fen, for hover and print: "50,000.00 元"."""
    value = yuan_value(amount)
    return "" if value is None else _("%(n)s 元") % {"n": f"{value:,.2f}"}


def yuan_data_value(amount) -> str:
    """The machine-readable amount (``<data value>``): "50000", "2500.5"."""
    value = yuan_value(amount)
    if value is None:
        return ""
    return _grouped(value).replace(",", "")


def date_text(moment, time: bool = True) -> str:
    """The one date format: 2026年11月30日; a moment (in local time) adds its time unless
    ``time`` is false: 2026年11月30日 14:05."""
    if not moment:
        return ""
    if isinstance(moment, datetime.datetime):
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        day = validity.date_text(moment.date())
        return f"{day} {moment:%H:%M}" if time else day
    return validity.date_text(moment)


def department_name(department) -> str:
    """A department by the name it goes by: 铁东区财政局 (a district's), 鞍山市商务局 (市商务局 of
    鞍山市), 人民银行营口市分行 (a name of its own). Reads ``district`` and ``city``: load them."""
    name = department.name
    if department.district_id:
        return f"{department.district.name}{name}"
    if department.city_id and name.startswith("市"):
        return f"{department.city.name}{name[1:]}"
    if department.province and name.startswith("省"):
        return f"{department.province}{name[1:]}"
    return name


# A step starts at "1." / "1、" / "（1）" / "(1)" / "①" / "一是" / "第一步" when the text numbers
# its steps; otherwise each line and sentence (。；) is a step, and a long sentence is cut
# where the next clause moves the file on: "…申请，经…审核，报…同意后，由…拨付".
_NUMBERED = re.compile(
    r"[①②③④⑤⑥⑦⑧⑨⑩]|(?:(?<=^)|(?<=[。；;：:\s]))"
    r"(?:\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]|[一二三四五六七八九十]是|第[一二三四五六七八九十]步)"
)
_SENTENCE = re.compile(r"(?<=[。；;])")
_NEXT_CLAUSE = re.compile(
    r"[，,](?=经|由|报|提报|再|然后|最后|到|审核通过后|审议通过后|通过后)|(?<=后)[，,]"
)
MIN_STEP = 6  # a clause shorter than this stays with the one before it
_TRIM = " ；;，,"


def _numbered_steps(line: str) -> list[str]:
    starts = [m.start() for m in _NUMBERED.finditer(line)]
    if len(starts) < 2:
        return []
    steps = [line[: starts[0]]] if starts[0] > 0 else []
    steps += [
        _NUMBERED.sub("", line[a:b], count=1)
        for a, b in zip(starts, starts[1:] + [len(line)], strict=True)
    ]
    return steps


def _clauses(sentence: str) -> list[str]:
    clauses = []
    for clause in _NEXT_CLAUSE.split(sentence):
        if clauses and len(clause.strip(_TRIM + "。")) < MIN_STEP:
            clauses[-1] += "，" + clause
        else:
            clauses.append(clause)
    return clauses


def handling_steps(text: str) -> list[str]:
    """Split a measure's 办理方式 into the steps an applicant follows."""
    steps = []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        steps += _numbered_steps(line) or [
            clause for sentence in _SENTENCE.split(line) for clause in _clauses(sentence)
        ]
    return [step.strip(_TRIM + "。") for step in steps if step.strip(_TRIM + "。")]


def article_label(path) -> str:
    """[16] → "第16条", [3, 1] → "第3条第（1）项"."""
    if not path:
        return ""
    head, *rest = path
    label = _("第%(n)s条") % {"n": head}
    for number in rest:
        label += _("第（%(n)s）项") % {"n": number}
    return label


def quote_title(title) -> str:
    """The one way a document's title is quoted: 《…》, the titles it quotes in 〈…〉 as the
    national punctuation standard (GB/T 15834) nests them:
    鞍山市贯彻落实《辽宁省…若干措施》实施细则 → 《鞍山市贯彻落实〈辽宁省…若干措施〉实施细则》."""
    title = str(title or "").strip()
    if not title:
        return ""
    return f"《{title.replace('《', '〈').replace('》', '〉')}》"


def citation(measure) -> str:
    """《document title》第N条 — the way a reader cites the measure."""
    return f"{quote_title(measure.document.title)}{article_label(measure.path)}"


def excerpt(text: str, terms, width: int = 110) -> str:
    """About ``width`` characters of ``text`` (whitespace collapsed) from a little before the
    first of ``terms`` it contains, with "…" where it was cut; the start when none occurs."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    lowered = text.lower()
    found = [p for p in (lowered.find(term.lower()) for term in terms if term) if p >= 0]
    start = max(0, min(found) - width // 4) if found else 0
    start = min(start, len(text) - width)
    end = start + width
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")

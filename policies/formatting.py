"""How catalogue facts are shown to readers: amounts in 万元/亿元, 办理方式 as steps, citations."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

WAN = 10_000
YI = 100_000_000


def _trim(value: Decimal) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def format_yuan(amount) -> str:
    """1000000 → "100万元", 150000000 → "1.5亿元", 2500 → "2500元"."""
    if amount is None or amount == "":
        return ""
    value = Decimal(int(amount))
    if abs(value) >= YI:
        return _("%(n)s亿元") % {"n": _trim(value / YI)}
    if abs(value) >= WAN:
        return _("%(n)s万元") % {"n": _trim(value / WAN)}
    return _("%(n)s元") % {"n": _trim(value)}


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


def citation(measure) -> str:
    """《document title》第N条 — the way a reader cites the measure."""
    return f"《{measure.document.title}》{article_label(measure.path)}"


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

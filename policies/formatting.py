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
# its steps; otherwise each sentence (。；) is a step.
_NUMBERED = re.compile(
    r"(?:(?<=^)|(?<=[。；;：:\s]))"
    r"(?:\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]|[①②③④⑤⑥⑦⑧⑨⑩]|[一二三四五六七八九十]是|第[一二三四五六七八九十]步)"
)
_SENTENCE = re.compile(r"(?<=[。；;])")


def handling_steps(text: str) -> list[str]:
    """Split a measure's 办理方式 into the steps an applicant follows."""
    text = " ".join((text or "").split())
    if not text:
        return []
    starts = [m.start() for m in _NUMBERED.finditer(text)]
    if len(starts) >= 2:
        pieces = []
        if starts[0] > 0:
            pieces.append(text[: starts[0]])
        pieces += [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)], strict=True)]
        steps = [
            _NUMBERED.sub("", piece, count=1) if i or starts[0] == 0 else piece
            for i, piece in enumerate(pieces)
        ]
    else:
        steps = _SENTENCE.split(text)
    return [step.strip(" ；;") for step in steps if step.strip(" 。；;")]


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

"""What a revision changed in a measure, readable: each changed field before and after, and
for its text a character diff (<del>/<ins>), as the measure's page and the admin show it."""

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .formatting import format_yuan

LABELS = {
    "title": "标题",
    "text": "正文",
    "handling": "办理方式",
    "deadline_text": "执行期限",
    "departments": "责任单位",
    "max_amount_yuan": "最高金额",
    "valid_until": "截止日期",
}
TEXT_FIELDS = ("title", "text", "handling", "deadline_text")


def text_diff(before: str, after: str) -> SafeString:
    """``after`` with what it added in <ins> and what ``before`` had in its place in <del>."""
    matcher = difflib.SequenceMatcher(None, before or "", after or "", autojunk=False)
    parts = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(after[b1:b2]))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(before[a1:a2])}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(after[b1:b2])}</ins>")
    return mark_safe("".join(parts))


def _shown(name: str, value) -> str:
    if value in (None, "", []):
        return "（无）"
    if name == "departments":
        return "、".join(value)
    if name == "max_amount_yuan":
        return format_yuan(value)
    if name == "valid_until":
        year, month, day = (int(part) for part in str(value).split("-"))
        return f"{year}年{month}月{day}日"
    return str(value)


@dataclass
class Change:
    name: str
    label: str
    before: str
    after: str
    diff: SafeString | None  # text fields: the inline diff


def changes(before: dict, after: dict) -> list[Change]:
    """The fields that differ between two snapshots (``publishing.snapshot``)."""
    out = []
    for name, label in LABELS.items():
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        diff = text_diff(old or "", new or "") if name in TEXT_FIELDS else None
        out.append(Change(name, label, _shown(name, old), _shown(name, new), diff))
    return out

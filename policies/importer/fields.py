"""Parsers for the fields of a measure. Each is a pure function of cleaned (simplified) text."""

import datetime
import re

CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十三 → 13, 二十一 → 21 (the numbers that number chapters and items)."""
    if not text or any(char not in CN_DIGITS and char != "十" for char in text):
        raise ValueError(f"not a Chinese number: {text!r}")
    if "十" not in text:
        return int("".join(str(CN_DIGITS[char]) for char in text))
    tens, _, units = text.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)


# -- money ---------------------------------------------------------------------------------

_NUMBER = r"(\d+(?:,\d{3})*(?:\.\d+)?)"
# 50万元, 1.5亿元, 1500元; and 100万 / 1000万 without 元 where money follows (100万奖补,
# 1000万专项资金). 0.8959万亩, 3万吨, 10万吨 are not money.
_AMOUNT = re.compile(
    _NUMBER + r"\s*(?:(亿元|万元|元)|(亿|万)(?=(?:元|奖补|奖励|补助|补贴|资金|专项资金|扶持资金)))"
)
_MULTIPLIER = {"亿": 10**8, "万": 10**4, "元": 1}


def _amounts(text: str):
    for match in _AMOUNT.finditer(text):
        number = match.group(1).replace(",", "")
        unit = match.group(2) or match.group(3)
        yield match, round(float(number) * _MULTIPLIER[unit[0]])


def amounts_yuan(text: str) -> list[int]:
    """Every money amount the text names, in yuan, distinct, in order of first mention."""
    seen: list[int] = []
    for _match, value in _amounts(text):
        if value not in seen:
            seen.append(value)
    return seen


# An amount is a threshold, not support, when a bound follows it (5亿元（包含）以上, 500万元及以下,
# 2亿元（包含）至5亿元（不含）, 100万元—200万元) or a comparison precedes it (增量每达100万元).
_THRESHOLD_AFTER = re.compile(
    r"^(?:（(?:包含|含|不含)）)?(?:以上|以下|及以下|以内|至|[—–\-~～]|（(?:包含|含|不含)）)"
)
_THRESHOLD_BEFORE = re.compile(r"(?:每达|达到|(?<!不)超过|突破|实现)$")
_SUPPORT_WORDS = re.compile(
    r"奖励|奖补|补助|补贴|资助|扶持|支持|贴息|给予|最高|不超过|不高于|上限|配套"
)
_CLAUSE_END = "，；。、：\n"


def support_amounts_yuan(text: str) -> list[int]:
    """The amounts the text grants (奖励100万元, 最高不超过500万元, 每人1500元补贴).

    Thresholds (增量达到5亿元以上), targets (力争实现15亿元) and budgets (每年安排30万元资金)
    are money too, but not support: an amount counts when its clause names support and no
    bound follows it.
    """
    found: list[int] = []
    for match, value in _amounts(text):
        if _THRESHOLD_AFTER.match(text[match.end() :]) or _THRESHOLD_BEFORE.search(
            text[: match.start()]
        ):
            continue
        start = max(text.rfind(char, 0, match.start()) for char in _CLAUSE_END) + 1
        ends = [text.find(char, match.end()) for char in _CLAUSE_END]
        end = min([e for e in ends if e != -1], default=len(text))
        if _SUPPORT_WORDS.search(text[start : match.start()] + text[match.end() : end]):
            if value not in found:
                found.append(value)
    return found


# -- dates ---------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def parse_date(text: str) -> datetime.date | None:
    match = _DATE.search(text) or re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    return datetime.date(*(int(part) for part in match.groups())) if match else None


# -- departments ---------------------------------------------------------------------------

_DEPARTMENT_SEPARATORS = "、，,；;"
# 营口's first measure adds a note to its list: "…等，以下均需各县（市）区政府…落实，不再列出".
_LIST_NOTE = re.compile(r"[，,]?以下均需.*$")


def split_departments(text: str) -> list[str]:
    """The names in a 责任单位 list, in order, without 等 and without duplicates."""
    text = _LIST_NOTE.sub("", text.strip().rstrip("。"))
    names: list[str] = []
    for part in _split_outside_brackets(text, _DEPARTMENT_SEPARATORS):
        name = re.sub(r"\s+", "", part)
        name = re.sub(r"等$", "", name)
        if name and name not in names:
            names.append(name)
    return names


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split at separators that are not inside brackets: 各县（市、区）人民政府 stays whole."""
    parts, current, depth = [], [], 0
    for char in text:
        if char in "（(〔【":
            depth += 1
        elif char in "）)〕】":
            depth = max(depth - 1, 0)
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


# -- contacts ------------------------------------------------------------------------------

# A phone number as the documents write it; staff-entered numbers are linked by it too.
PHONE = re.compile(r"(?<!\d)(1\d{10}|\d{7,8}|0\d{2,3}-\d{7,8})(?!\d)")
_PERSON_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")
_ROLE_ENDINGS = ("长", "人", "局", "委", "室", "部", "处", "心", "办", "行", "关", "组")


def _is_person(token: str) -> bool:
    return bool(_PERSON_NAME.match(token)) and not token.endswith(_ROLE_ENDINGS)


def contacts(people: str, phones: str) -> list[dict]:
    """责任人 and 联系方式 → [{"name", "role", "phones"}].

    People are "role name" pairs separated by spaces ("零售科科长 赵春娇 外经与会展科科长 熊克亮");
    phones are paired with people in order; one phone for several people is shared by all.
    """
    entries: list[dict] = []
    role_parts: list[str] = []
    for token in people.split():
        if _is_person(token):
            entries.append({"name": token, "role": "".join(role_parts), "phones": []})
            role_parts = []
        else:
            role_parts.append(token)
    if role_parts:  # a role without a name ("能源交通科" alone) still names who to call
        entries.append({"name": "", "role": "".join(role_parts), "phones": []})
    numbers = PHONE.findall(phones)
    if not entries and numbers:
        entries.append({"name": "", "role": "", "phones": []})
    if len(numbers) == 1:
        for entry in entries:
            entry["phones"] = list(numbers)
    else:
        for entry, number in zip(entries, numbers, strict=False):
            entry["phones"] = [number]
        if len(numbers) > len(entries) and entries:
            entries[-1]["phones"].extend(numbers[len(entries) :])
    return entries


# -- titles and application --------------------------------------------------------------

TITLE_MAX = 40


def short_title(text: str) -> str:
    """The heading phrase: the first sentence, or its first clause when the sentence is long."""
    first = re.split(r"[。；]", text, maxsplit=1)[0].strip()
    if len(first) > 30:
        first = re.split(r"[，：]", first, maxsplit=1)[0]
    if len(first) > TITLE_MAX:
        first = first[: TITLE_MAX - 1] + "…"
    return first


def free_of_application(handling: str) -> bool:
    """免申即享: the handling says so, and offers no application route beside it."""
    return "免申即享" in handling and not re.search(r"相结合|自主申请|可以到.*申请", handling)

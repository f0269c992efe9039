"""From verbatim bytes to clean, simplified lines, each remembering its source line number."""

import re
from dataclasses import dataclass

from policies.chinese import to_simplified

from . import SourceError


@dataclass
class Line:
    number: int  # 1-based line number in the verbatim source (of the first joined line)
    text: str


# A pinyin annotation the damaged 营口 source puts after simplified-only characters:
# 區(qū), 經(jīng). Only lowercase syllables with a tone mark count, so (REITs), (市) or
# (3) are never taken for one.
TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_ANNOTATION = re.compile(
    rf"\((?=[a-zü{TONE_VOWELS}]*[{TONE_VOWELS}])[a-zü{TONE_VOWELS}]{{1,7}}\)"
)

CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
# Web-page residue: lines that belong to the page, not to the document.
CHROME_LINE = re.compile(
    r"^(当前位置|當前位置)[:：]|^\d{4}年\d{2}月\d{2}日\s*星期[一二三四五六日天]$|"
    r"^(目录导读|目錄導讀|返回顶部|打印本页|关闭窗口|【打印】|【关闭】)$|"
    # buttons and counters of government web pages, simplified or traditional:
    # 【打印】【关闭】, 【字号：大 中 小】, 浏览次数：123
    r"^(【(打印|关闭|關閉|收藏|分享|打印本页|打印本頁|关闭窗口|關閉窗口|字号|字號|大|中|小)"
    r"[^】]{0,12}】\s*)+$|^(浏览次数|瀏覽次數|访问量|訪問量|阅读次数|閱讀次數)[:：]"
)
WEB_META_LINE = re.compile(r"^(发布日期|發布日期|来源|來源)[:：]\s*(.+)$")

TERMINAL = "。；！？：;!?:"
OPENERS = {"《": "》", "“": "”", "（": "）", "(": ")", "〔": "〕", "【": "】"}
WRAPPED_LINE_MIN = 45  # a hard-wrapped body line is long; headings and names are short


def decode(source: str, data: bytes) -> str:
    if not data.strip():
        raise SourceError(source, 1, "文件为空（empty file）")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(source, line, "不是 UTF-8 编码的文本（not UTF-8）") from error


def split_lines(text: str) -> list[Line]:
    """Non-empty lines with surrounding whitespace (incl. no-break spaces) removed."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.replace("\xa0", " ").replace("\u3000", " ").strip()
        if stripped:
            lines.append(Line(number, stripped))
    return lines


def remove_pinyin(text: str) -> str:
    return PINYIN_ANNOTATION.sub("", text)


_ASCII_PUNCT = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}
_PUNCT_NEAR_CJK = re.compile(rf"(?<=[{CJK}）（，。、”“])[,:;?!]|[,:;?!](?=[{CJK}（“])")
_PARENS_AROUND = re.compile(r"\(([^()\n]{0,300})\)")


def normalize_punctuation(text: str) -> str:
    """ASCII punctuation inside Chinese text becomes full-width; URLs and numbers stay."""
    text = _PUNCT_NEAR_CJK.sub(lambda m: _ASCII_PUNCT[m.group(0)], text)

    def parens(match):
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if re.search(f"[{CJK}]", before + match.group(1) + after):
            return f"（{match.group(1)}）"
        return match.group(0)

    text = _PARENS_AROUND.sub(parens, text)
    return re.sub(r"[ \t]{2,}", " ", text)


def is_balanced(text: str) -> bool:
    depth = {opener: 0 for opener in OPENERS}
    closers = {closer: opener for opener, closer in OPENERS.items()}
    for char in text:
        if char in OPENERS:
            depth[char] += 1
        elif char in closers and depth[closers[char]] > 0:
            depth[closers[char]] -= 1
    return not any(depth.values())


def join_wrapped(
    lines: list[Line], is_structural, min_length: int = WRAPPED_LINE_MIN
) -> list[Line]:
    """Join hard line breaks that split a sentence or a word.

    A break is joined when the next line starts nothing new (``is_structural`` says no) and
    the line before it is unfinished: it has an unclosed bracket or quote, or it is a long
    body line (``min_length`` characters or more) that does not end a sentence.
    """
    joined: list[Line] = []
    for line in lines:
        if joined and not is_structural(line.text):
            previous = joined[-1].text
            unfinished = previous[-1] not in TERMINAL and len(previous) >= min_length
            if not is_balanced(previous) or unfinished:
                joined[-1] = Line(joined[-1].number, previous + line.text)
                continue
        joined.append(Line(line.number, line.text))
    return joined


def clean_line(text: str) -> str:
    return normalize_punctuation(to_simplified(remove_pinyin(text)))


def wrap_width(lines: list[Line]) -> int | None:
    """The width a document was hard-wrapped at, when most of its unfinished lines share one
    length (a text copied from a PDF or a fixed-width page: every ~38 characters); else None."""
    lengths = [
        len(line.text)
        for line in lines
        if len(line.text) >= 28
        and line.text[-1] not in TERMINAL
        and "：" not in line.text[:8]  # a labelled field (责任人：…) is not a wrapped line
    ]
    if len(lengths) < 5:
        return None

    def near(width: int) -> int:
        return sum(1 for length in lengths if width - 2 <= length <= width)

    best = max(sorted(set(lengths)), key=near)
    return best if near(best) >= max(5, len(lengths) * 0.6) else None

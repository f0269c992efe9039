"""Cleaned lines → a structured document.

Two layouts occur and are told apart by their content, not by file name:

* numbered items (鞍山 2024, 营口, 聊城, 三门峡): optional chapters ``一、…``, items ``1.…`` or
  ``（一）…`` numbered consecutively through the document, the responsible units in a trailing
  parenthesis ``（责任单位：…）`` or on a line of their own;
* a handbook (鞍山 2023): topics ``1.…`` with sub-items ``（1）…`` (or a single paragraph), each
  followed by labelled fields 办理方式, 执行期限, 责任单位, 责任人, 联系方式.

Anything else stops the import with the file and line.
"""

import datetime
import re
from dataclasses import dataclass, field

from . import SourceError
from . import fields as f
from .cleaning import (
    CHROME_LINE,
    WEB_META_LINE,
    Line,
    clean_line,
    join_wrapped,
    split_lines,
)
from .errata import AppliedErratum, Erratum, apply

CHAPTER = re.compile(r"^([一二三四五六七八九十]{1,3})、(.{1,40})$")
ITEM_NUMBERED = re.compile(r"^(\d{1,3})[.．、]\s*(\S.*)$")
ITEM_CHINESE = re.compile(r"^（([一二三四五六七八九十]{1,3})）\s*(\S.*)$")
SUB_ITEM = re.compile(r"^（(\d{1,2})）\s*(\S.*)$")
FIELD = re.compile(
    r"^(办理方式|执行期限|责任单位|责任部门|牵头单位|责\s*任\s*人|联系方式|联系电话|办理地点|政策内容|政策措施)：\s*(.*)$"
)
TRAILING_RESPONSIBILITY = re.compile(r"[（〔]\s*(?:责任单位|责任部门)：\s*(.+?)[）〕]\s*$")
DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
PUBLISH_NOTE = re.compile(r"^（此件公开发布）$")
DRAFT_NOTE = re.compile(r"^（?征求意见稿）?$")
SALUTATION = re.compile(r"^各.{2,120}：$")
CLOSING = re.compile(r"^(本文件|本措施|本政策|本通知|以上措施|以上政策).{0,30}(施行|实施)")
ORGAN_SUFFIX = re.compile(r"(人民政府|办公室|办公厅|管委会|委员会|局|厅)$")


def is_structural(text: str) -> bool:
    return bool(
        CHAPTER.match(text)
        or ITEM_NUMBERED.match(text)
        or ITEM_CHINESE.match(text)
        or SUB_ITEM.match(text)
        or FIELD.match(text)
        or DATE_LINE.match(text)
        or PUBLISH_NOTE.match(text)
        or DRAFT_NOTE.match(text)
        or SALUTATION.match(text)
        or CLOSING.match(text)
    )


@dataclass
class ParsedChapter:
    number: int
    title: str


@dataclass
class ParsedMeasure:
    path: list[int]
    line: int
    chapter: int | None
    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    handling: list[str] = field(default_factory=list)
    deadline_text: str = ""
    people: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    period: object = None  # a validity.Period, set by the loader
    parts: list = field(default_factory=list)  # Measure.validity_parts

    @property
    def path_key(self) -> str:
        return ".".join(str(part) for part in self.path)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def handling_text(self) -> str:
        return "\n".join(self.handling)

    @property
    def contacts(self) -> list[dict]:
        return f.contacts(" ".join(self.people), " ".join(self.phones))

    @property
    def amounts_yuan(self) -> list[int]:
        return f.amounts_yuan(self.text)

    @property
    def support_amounts_yuan(self) -> list[int]:
        return f.support_amounts_yuan(self.text)

    @property
    def free_of_application(self) -> bool:
        return f.free_of_application(self.handling_text)


@dataclass
class ParsedDocument:
    source: str
    source_text: str
    title: str
    issuer: str
    issued_on: datetime.date | None
    captured_on: datetime.date | None
    draft: bool
    complete: bool
    city_name: str
    layout: str
    front: list[str]
    chapters: list[ParsedChapter]
    measures: list[ParsedMeasure]
    closing: list[str]
    errata: list[AppliedErratum]
    clean_lines: list[Line] = field(default_factory=list)
    period: object = None  # a validity.Period, set by the loader
    year: int | None = None  # an undated document's year (errata.toml), for its slug only

    @property
    def clean_text(self) -> str:
        return "\n".join(line.text for line in self.clean_lines)


def parse(
    source: str,
    text: str,
    *,
    errata: list[Erratum],
    city_names: list[str],
    complete: bool | None = None,
) -> ParsedDocument:
    lines = split_lines(text)
    lines, web = _strip_web_chrome(lines)
    applied = apply(source, lines, errata)
    for line in lines:
        line.text = clean_line(line.text)
    lines = join_wrapped(lines, is_structural)

    body_start = next(
        (
            index
            for index, line in enumerate(lines)
            if CHAPTER.match(line.text)
            or ITEM_NUMBERED.match(line.text)
            or ITEM_CHINESE.match(line.text)
        ),
        None,
    )
    if body_start is None:
        raise SourceError(
            source, lines[0].number, "无法识别文件结构：未找到编号条目（unknown layout）"
        )
    front = lines[:body_start]
    body = lines[body_start:]

    meta = _front_matter(source, front, web)
    city = _find_city(
        source, [meta["issuer"], meta["title"]] + [line.text for line in lines], city_names
    )

    handbook = any(
        FIELD.match(line.text) and FIELD.match(line.text).group(1) in ("办理方式", "执行期限")
        for line in body
    )
    if handbook:
        chapters, measures, closing = _parse_handbook(source, body)
    else:
        chapters, measures, closing = _parse_items(source, body)
    if not measures:
        raise SourceError(
            source, body[0].number, "无法识别文件结构：未找到任何措施（unknown layout）"
        )
    for measure in measures:
        if not measure.paragraphs:
            raise SourceError(source, measure.line, f"第 {measure.path_key} 条没有正文")
        if not measure.title:
            measure.title = f.short_title(measure.paragraphs[0])

    return ParsedDocument(
        source=source,
        source_text=text,
        title=meta["title"],
        issuer=meta["issuer"],
        issued_on=meta["issued_on"],
        captured_on=meta["captured_on"],
        draft=meta["draft"],
        complete=True if complete is None else complete,
        city_name=city,
        layout="handbook" if handbook else "items",
        front=[line.text for line in front],
        chapters=chapters,
        measures=measures,
        closing=closing,
        errata=applied,
        clean_lines=lines,
    )


def _strip_web_chrome(lines: list[Line]) -> tuple[list[Line], dict]:
    """Drop the lines a web page wraps around a document; keep what they say in ``web``."""
    web: dict = {}
    kept: list[Line] = []
    for line in lines:
        if CHROME_LINE.match(line.text):
            date = f.parse_date(line.text)
            if date and "captured_on" not in web:
                web["captured_on"] = date
            continue
        meta = WEB_META_LINE.match(line.text)
        if meta:
            label, value = meta.groups()
            if label in ("发布日期", "發布日期"):
                web["issued_on"] = f.parse_date(value)
                # the page repeats the title above its metadata; the document has it too
                if kept and any(
                    other.text == kept[-1].text for other in lines[lines.index(line) :]
                ):
                    kept.pop()
            else:
                web["issuer"] = value.strip()
            continue
        kept.append(line)
    return kept, web


def _front_matter(source: str, front: list[Line], web: dict) -> dict:
    texts = [line.text for line in front]
    draft = any(DRAFT_NOTE.match(text) for text in texts)
    issued_on = web.get("issued_on")
    issuer = web.get("issuer", "")
    issuer_indexes = set()
    for index, text in enumerate(texts):
        if DATE_LINE.match(text):
            issued_on = issued_on or f.parse_date(text)
            if index and _is_heading_like(texts[index - 1]):
                issuer = issuer or texts[index - 1]
                issuer_indexes.add(index - 1)

    # The title: the last run of heading-like lines in the front matter (drafts' and
    # publication notes are transparent); leading lines of the run that name an organ
    # are its issuer (聊城: the office's name stands above the title).
    runs: list[list[int]] = []
    current: list[int] = []
    for index, text in enumerate(texts):
        if DRAFT_NOTE.match(text) or PUBLISH_NOTE.match(text):
            continue
        if _is_heading_like(text) and index not in issuer_indexes and not DATE_LINE.match(text):
            current.append(index)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    if not runs:
        line = front[0].number if front else None
        raise SourceError(source, line, "未找到文件标题")
    run = runs[-1]
    while len(run) > 1 and ORGAN_SUFFIX.search(texts[run[0]]):
        issuer = issuer or texts[run[0]]
        run = run[1:]
    title = "".join(texts[index] for index in run)
    return {
        "title": title,
        "issuer": issuer,
        "issued_on": issued_on,
        "captured_on": web.get("captured_on"),
        "draft": draft,
    }


def _is_heading_like(text: str) -> bool:
    return (
        len(text) <= 60
        and text[-1] not in "。；：，"
        and not SALUTATION.match(text)
        and not text.startswith("为")
    )


def _find_city(source: str, texts: list[str], city_names: list[str]) -> str:
    for text in texts:
        for name in city_names:
            if name in text:
                return name
    raise SourceError(source, None, f"无法确定所属城市（已知城市：{'、'.join(city_names)}）")


def _split_trailing_responsibility(text: str) -> tuple[str, list[str]]:
    match = TRAILING_RESPONSIBILITY.search(text)
    if not match:
        return text, []
    return text[: match.start()].rstrip(), f.split_departments(match.group(1))


def _parse_items(source: str, body: list[Line]):
    chapters: list[ParsedChapter] = []
    measures: list[ParsedMeasure] = []
    closing: list[str] = []
    for line in body:
        text = line.text
        if closing or CLOSING.match(text):
            closing.append(text)
            continue
        chapter = CHAPTER.match(text)
        if chapter:
            number = f.chinese_number(chapter.group(1))
            _expect(source, line, "章节", number, chapters[-1].number + 1 if chapters else 1)
            chapters.append(ParsedChapter(number, chapter.group(2).strip()))
            continue
        item = ITEM_NUMBERED.match(text) or ITEM_CHINESE.match(text)
        if item:
            raw_number, rest = item.groups()
            number = int(raw_number) if raw_number.isdigit() else f.chinese_number(raw_number)
            _expect(source, line, "条目", number, measures[-1].path[0] + 1 if measures else 1)
            measure = ParsedMeasure(
                path=[number], line=line.number, chapter=chapters[-1].number if chapters else None
            )
            rest, departments = _split_trailing_responsibility(rest)
            measure.paragraphs.append(rest)
            measure.departments.extend(departments)
            measure.title = f.short_title(rest)
            measures.append(measure)
            continue
        field_match = FIELD.match(text)
        if field_match and measures and field_match.group(1) in ("责任单位", "责任部门"):
            measures[-1].departments.extend(f.split_departments(field_match.group(2)))
            continue
        if not measures:
            raise SourceError(source, line.number, f"条目之前出现无法识别的内容：{text[:30]}")
        rest, departments = _split_trailing_responsibility(text)
        measures[-1].paragraphs.append(rest)
        measures[-1].departments.extend(departments)
    return chapters, measures, closing


def _parse_handbook(source: str, body: list[Line]):
    chapters: list[ParsedChapter] = []
    measures: list[ParsedMeasure] = []
    current: ParsedMeasure | None = None
    current_field: str | None = None
    for line in body:
        text = line.text
        topic = ITEM_NUMBERED.match(text)
        if topic:
            number = int(topic.group(1))
            _expect(source, line, "专题", number, chapters[-1].number + 1 if chapters else 1)
            chapters.append(ParsedChapter(number, topic.group(2).strip()))
            current, current_field = None, None
            continue
        if not chapters:
            raise SourceError(source, line.number, f"专题之前出现无法识别的内容：{text[:30]}")
        topic_number = chapters[-1].number
        sub = SUB_ITEM.match(text)
        if sub:
            number = int(sub.group(1))
            previous = [
                m.path[1] for m in measures if m.path[0] == topic_number and len(m.path) > 1
            ]
            _expect(source, line, "子项", number, previous[-1] + 1 if previous else 1)
            current = ParsedMeasure(
                path=[topic_number, number], line=line.number, chapter=topic_number
            )
            current.paragraphs.append(sub.group(2).strip())
            measures.append(current)
            current_field = None
            continue
        if current is None:
            # a topic without sub-items is one measure: the topic itself
            current = ParsedMeasure(
                path=[topic_number],
                line=line.number,
                chapter=topic_number,
                title=chapters[-1].title,
            )
            measures.append(current)
        field_match = FIELD.match(text)
        if field_match:
            label = re.sub(r"\s+", "", field_match.group(1))
            value = field_match.group(2).strip()
            current_field = label
            if label in ("政策内容", "政策措施"):
                current.paragraphs.append(value)
                current_field = None
            elif label == "办理方式":
                current.handling.append(value)
            elif label == "办理地点":
                current.handling.append(f"办理地点：{value}")
                current_field = "办理方式"
            elif label == "执行期限":
                current.deadline_text = value
            elif label in ("责任单位", "责任部门", "牵头单位"):
                current.departments.extend(f.split_departments(value))
            elif label == "责任人":
                current.people.append(value)
            else:  # 联系方式, 联系电话
                current.phones.append(value)
            continue
        # a line that continues the field above it, or the measure's own text
        if current_field == "办理方式":
            current.handling.append(text)
        elif current_field == "责任人":
            current.people.append(text)
        elif current_field in ("联系方式", "联系电话"):
            current.phones.append(text)
        elif current_field in ("责任单位", "责任部门", "牵头单位"):
            current.departments.extend(f.split_departments(text))
        else:
            current.paragraphs.append(text)
    return chapters, measures, []


def _expect(source: str, line: Line, what: str, number: int, expected: int) -> None:
    if number != expected:
        raise SourceError(source, line.number, f"{what}编号不连续：应为 {expected}，实为 {number}")

"""Cleaned lines → a structured document, by one general layout engine.

Chinese policy documents share a small set of numbering schemes; the parser finds which ones a
document uses and how they nest, instead of knowing files:

* headings and items: ``第一章``, ``第一节``, ``第一条``, ``一、``, ``（一）``, ``1.``, ``（1）``,
  ``①``. Their nesting order is the order in which they first appear in the body (``一、`` →
  ``（一）`` → ``1.``; ``第一章`` → ``第一条`` → ``（一）``; ``（一）`` → ``1.`` → ``（1）``), except
  that ``第X章`` always stands above ``第X节``, and both above everything else.
* **A measure is the finest numbered unit that carries body text.** A numbered line that is a
  bare heading (a short phrase without ``。``, not ending in ``：``) and has numbered children
  groups them: the children are the measures. A numbered line that carries body text — or whose
  heading is followed by a sentence ending in ``：`` — is a measure, and the numbered lines under
  it are a list inside it (they stay in its text, they are not sub-measures). A numbered line
  without children is a measure; when it is a bare heading its text is the lines below it
  (鞍山 2023's topics without sub-items).
* **Paths.** A measure's path is its own number, preceded by the numbers of those grouping
  ancestors under which the numbering restarts at 1. Items numbered through the whole document
  (营口, 聊城: ``一、`` chapters, items 1…43) have the path ``[n]``; sub-items restarting under
  each topic (鞍山 2023: ``1.`` topics, ``（1）`` sub-items) have ``[topic, n]``; three restarting
  levels give ``[2, 1, 3]``. A level whose numbering is never seen to continue across parents
  restarts (a single parent included).
* **Chapters.** When the top level groups (some top-level unit has numbered children), each
  top-level unit is a ``ParsedChapter``. Its number is in the path only when the items restart
  in each chapter; a chapter without items is then a measure of its own (``[7]``), otherwise its
  text is the chapter's introduction. Text between a chapter heading and its first item is the
  chapter's introduction too.
* **Chapters that are not measures.** Chapters titled 总则 / 附则 (a 第X条 办法's general
  articles: purpose, scope, definitions) and a notice's procedural chapters (申报条件, 申报程序,
  申报材料, 工作要求, 联系方式, 保障措施 …, see ``PROCEDURAL``) keep their text as the chapter's
  introduction; their numbers still count for numbering gaps, and their 联系人/联系电话 lines
  become the contacts of every measure that names none.
* Responsibility: a trailing ``（责任单位：…）`` / ``（牵头单位：…；配合单位：…）`` or a line of its
  own (责任单位/责任部门/牵头单位/配合单位); lead units first, then cooperating ones. Labelled
  lines 办理方式, 办理地点, 执行期限, 责任人, 联系人, 联系方式, 联系电话 belong to the measure
  above them; a plain line continues the field above it for 办理方式, 责任人 and 联系方式.
* Titles: ``【设备补贴】`` at the start of an item, else the first sentence (``fields.short_title``),
  else the bare heading itself.
* Front matter is everything before the first numbered line: title, issuer, 文号
  (``X政办发〔2025〕12号``), date, salutation ``各…：``, preamble. Closing starts at 本办法/本措施…
  施行, a 本办法由…负责解释 article, ``附件：``, a signature (an organ's name above a date), a date
  or ``（此件公开发布）``; everything from there on is closing.

``parse(..., lenient=False)`` raises ``SourceError`` on a structural problem (the seeds' import);
``lenient=True`` never does for structure: it returns the document with ``warnings`` and the
``unplaced`` lines, and ``publishable`` is False when a warning blocks (unplaced body lines, no
measures, no title, no city, duplicate paths). Non-blocking warnings (numbering gaps, measures
without a department, amounts that could not be read, suspicious characters) are collected in
both modes.
"""

import datetime
import re
from dataclasses import dataclass, field

from . import SourceError
from . import fields as f
from .cleaning import (
    CHROME_LINE,
    WEB_META_LINE,
    WRAPPED_LINE_MIN,
    Line,
    clean_line,
    join_wrapped,
    split_lines,
    wrap_width,
)
from .errata import AppliedErratum, Erratum, apply

CN_NUM = "一二三四五六七八九十百零〇两"
CHAPTER = re.compile(r"^([一二三四五六七八九十]{1,3})、(.{1,40})$")
# 1.…, not 1.5亿元… (a decimal that a hard wrap put at the start of a line)
ITEM_NUMBERED = re.compile(
    r"^(\d{1,3})[.．、](?!\d+(?:\.\d+)?\s*(?:%|倍|亿|万|元|个|年|月|日))\s*(\S.*)$"
)
ITEM_CHINESE = re.compile(r"^（([一二三四五六七八九十]{1,3})）\s*(\S.*)$")
SUB_ITEM = re.compile(r"^（(\d{1,2})）\s*(\S.*)$")
ARTICLE = re.compile(rf"^第([{CN_NUM}]{{1,5}})条\s*(.*)$")
CHAPTER_ZH = re.compile(rf"^第([{CN_NUM}]{{1,4}})章\s*(.*)$")
SECTION_ZH = re.compile(rf"^第([{CN_NUM}]{{1,4}})节\s*(.*)$")
HEADING_DUN = re.compile(r"^([一二三四五六七八九十]{1,3})、\s*(\S.*)$")
CIRCLED = re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*(\S.*)$")

# (name, pattern, rank): rank orders 第X章 above 第X节 above everything else
SCHEMES = [
    ("第一章", CHAPTER_ZH, 0),
    ("第一节", SECTION_ZH, 1),
    ("第一条", ARTICLE, 2),
    ("一、", HEADING_DUN, 2),
    ("（一）", ITEM_CHINESE, 2),
    ("1.", ITEM_NUMBERED, 2),
    ("（1）", SUB_ITEM, 2),
    ("①", CIRCLED, 2),
]

FIELD_LABELS = (
    "办理方式|执行期限|责任单位|责任部门|牵头单位|配合单位|责\\s*任\\s*人|联系人|联系方式|"
    "联系电话|办理地点|政策内容|政策措施"
)
FIELD = re.compile(rf"^({FIELD_LABELS})：\s*(.*)$")
RESPONSIBILITY_LABEL = re.compile(r"(责任单位|责任部门|牵头单位|配合单位)：")
TRAILING_RESPONSIBILITY = re.compile(r"[（〔]\s*((?:责任单位|责任部门|牵头单位)：\s*.+?)[）〕]\s*$")
DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
PUBLISH_NOTE = re.compile(r"^（此件公开发布）$")
DRAFT_NOTE = re.compile(r"^（?征求意见稿）?$")
SALUTATION = re.compile(r"^各.{2,120}：$")
DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}〔\d{4}〕\d{1,4}号$")
_THIS = r"(本文件|本措施|本政策|本通知|以上措施|以上政策|本办法|本细则|本实施细则|本方案|本规定|本意见|本举措)"
CLOSING = re.compile(rf"^{_THIS}(.{{0,30}}(施行|实施|执行|生效)|由.{{1,40}}负责解释)")
ATTACHMENT = re.compile(r"^附件\s*(\d{1,2}\s*)?[:：.．]?")
ORGAN_SUFFIX = re.compile(r"(人民政府|办公室|办公厅|管委会|委员会|局|厅)$")
BRACKET_TITLE = re.compile(r"^【([^】]{1,30})】\s*(.*)$")
PROCEDURAL = {
    "总则",
    "附则",
    "申报条件",
    "申报对象",
    "申报对象和条件",
    "申报主体",
    "申报程序",
    "申报流程",
    "申报材料",
    "申报时间",
    "申报要求",
    "工作要求",
    "有关要求",
    "其他事项",
    "其他要求",
    "联系方式",
    "保障措施",
    "组织实施",
}

SUSPICIOUS = re.compile(
    r"[\ufffd\ue000-\uf8ff]|锟斤拷|烫烫|屯屯|[ÃÂâåæçèéï][\u0080-\u00bf\u2010-\u203a€]"
)
_UNREAD_AMOUNT = re.compile(r"(万元|亿元)")


def _numbered(text: str):
    """(scheme, number, rest) of a numbered line, or None."""
    for name, pattern, _rank in SCHEMES:
        match = pattern.match(text)
        if match:
            raw, rest = match.groups()
            try:
                number = _number(raw)
            except ValueError:
                continue
            return name, number, rest.strip()
    return None


def _number(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    if raw in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳" and len(raw) == 1:
        return ord(raw) - ord("①") + 1
    raw = raw.replace("两", "二").replace("〇", "零")
    if "百" in raw:
        hundreds, _, rest = raw.partition("百")
        rest = rest.lstrip("零")
        return f.CN_DIGITS.get(hundreds, 1) * 100 + (f.chinese_number(rest) if rest else 0)
    return f.chinese_number(raw.replace("零", ""))


def is_structural(text: str) -> bool:
    return bool(
        _numbered(text)
        or FIELD.match(text)
        or DATE_LINE.match(text)
        or PUBLISH_NOTE.match(text)
        or DRAFT_NOTE.match(text)
        or SALUTATION.match(text)
        or CLOSING.match(text)
    )


@dataclass
class ParseWarning:
    line: int | None  # the line in the source as given (1-based), when one is to blame
    kind: str  # unplaced, no_measures, no_title, no_city, duplicate, numbering,
    #            no_department, amount, characters
    message: str  # in Chinese, for the preview
    blocking: bool


@dataclass
class ParsedChapter:
    number: int
    title: str
    intro: list[str] = field(default_factory=list)


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
    doc_number: str = ""  # 文号: 本政办发〔2025〕12号
    warnings: list[ParseWarning] = field(default_factory=list)
    unplaced: list[Line] = field(default_factory=list)

    @property
    def clean_text(self) -> str:
        return "\n".join(line.text for line in self.clean_lines)

    @property
    def publishable(self) -> bool:
        return not any(warning.blocking for warning in self.warnings)


# -- the tree of numbered units -------------------------------------------------------------


@dataclass(eq=False)
class _Node:
    scheme: str
    level: int
    number: int
    line: Line
    rest: str
    parent: "_Node | None" = None
    children: list["_Node"] = field(default_factory=list)
    items: list = field(default_factory=list)  # Lines and child _Nodes, in order

    @property
    def bare(self) -> bool:
        """A heading without body text: short, no full stop, not introducing a list."""
        rest = self.rest
        return (
            bool(rest)
            and len(rest) <= 40
            and "。" not in rest
            and rest[-1] not in "：；，"
            and not TRAILING_RESPONSIBILITY.search(rest)
            and not BRACKET_TITLE.match(rest)
        )

    def intro(self) -> list[Line]:
        lines = []
        for item in self.items:
            if isinstance(item, _Node):
                break
            lines.append(item)
        return lines

    @property
    def groups(self) -> bool:
        """Its numbered children are units of their own (else they are a list inside it)."""
        if not self.children or not self.bare:
            return False
        intro = self.intro()
        return not (intro and intro[-1].text.endswith("："))

    @property
    def procedural(self) -> bool:
        return re.sub(r"\s+", "", self.rest) in PROCEDURAL


class _Problems:
    """Collects warnings; in strict mode a blocking one (or a numbering gap) is raised."""

    def __init__(self, source: str, lenient: bool):
        self.source = source
        self.lenient = lenient
        self.warnings: list[ParseWarning] = []
        self.unplaced: list[Line] = []

    def add(self, line, kind, message, *, blocking, raise_strict=None):
        if not self.lenient and (blocking if raise_strict is None else raise_strict):
            raise SourceError(self.source, line, message)
        self.warnings.append(ParseWarning(line, kind, message, blocking))


def parse(
    source: str,
    text: str,
    *,
    errata: list[Erratum],
    city_names: list[str],
    complete: bool | None = None,
    city: str | None = None,
    issuer: str | None = None,
    issued_on: datetime.date | None = None,
    title: str | None = None,
    lenient: bool = False,
) -> ParsedDocument:
    """Parse a source text. ``city``, ``issuer``, ``issued_on`` and ``title`` override what
    the front matter says (staff give them when publishing a pasted text; with ``city`` given
    the text is not searched for one). ``lenient``: never raise for structure, report."""
    problems = _Problems(source, lenient)
    lines = split_lines(text)
    lines, web = _strip_web_chrome(lines)
    applied = apply(source, lines, errata)
    for line in lines:
        line.text = clean_line(line.text)
    width = wrap_width(lines)
    min_length = min(WRAPPED_LINE_MIN, width - 3) if width else WRAPPED_LINE_MIN
    lines = join_wrapped(lines, is_structural, min_length)
    if not lines:
        raise SourceError(source, 1, "文件为空（empty file）")

    body_start = next((i for i, line in enumerate(lines) if _numbered(line.text)), None)
    if body_start is None:
        problems.add(
            lines[0].number,
            "no_measures",
            "无法识别文件结构：未找到编号条目（unknown layout）",
            blocking=True,
        )
        body_start = len(lines)
    front = lines[:body_start]
    body = lines[body_start:]

    meta = _front_matter(front, web, problems, given_title=title, everything=not body)
    if body_start == len(lines):  # nothing numbered: every body-like line is unplaced
        placed = meta["placed"]
        for index, line in enumerate(front):
            if index not in placed:
                _unplaced(problems, line)
    if city:
        city_name = city
    else:
        city_name = _find_city(
            [meta["issuer"], meta["title"]] + [line.text for line in lines], city_names
        )
        if not city_name:
            problems.add(
                None,
                "no_city",
                f"无法确定所属城市（已知城市：{'、'.join(city_names)}）",
                blocking=True,
            )

    roots, closing, order = _build_tree(body, meta, problems)
    chapters, measures = _measures(source, roots, problems)
    if body and not measures:
        problems.add(
            body[0].number,
            "no_measures",
            "无法识别文件结构：未找到任何措施（unknown layout）",
            blocking=True,
        )
    seen: dict[str, ParsedMeasure] = {}
    for measure in measures:
        if measure.path_key in seen:
            problems.add(
                measure.line,
                "duplicate",
                f"编号 {measure.path_key} 与第 {seen[measure.path_key].line} 行重复，无法区分两条措施",
                blocking=True,
            )
        seen[measure.path_key] = measure
        if len(measure.path_key) > 16:
            problems.add(measure.line, "numbering", "编号层级过深", blocking=True)
    _check_measures(measures, problems)
    _check_characters(lines, problems)

    handbook = any(
        FIELD.match(line.text) and FIELD.match(line.text).group(1) in ("办理方式", "执行期限")
        for line in body
    )
    return ParsedDocument(
        source=source,
        source_text=text,
        title=title or meta["title"],
        issuer=issuer if issuer is not None else meta["issuer"],
        issued_on=issued_on or meta["issued_on"],
        captured_on=meta["captured_on"],
        draft=meta["draft"],
        complete=True if complete is None else complete,
        city_name=city_name,
        layout="handbook" if handbook else (" > ".join(order) or "unknown"),
        front=[line.text for line in front],
        chapters=chapters,
        measures=measures,
        closing=closing,
        errata=applied,
        clean_lines=lines,
        doc_number=meta["doc_number"],
        warnings=problems.warnings,
        unplaced=problems.unplaced,
    )


def _unplaced(problems: _Problems, line: Line) -> None:
    problems.unplaced.append(line)
    problems.add(
        line.number,
        "unplaced",
        f"未能归入任何措施：{_excerpt(line.text)}",
        blocking=True,
        raise_strict=False,  # strict mode has already raised for the missing structure
    )


def _excerpt(text: str, length: int = 30) -> str:
    return text if len(text) <= length else text[:length] + "……"


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


def _front_matter(front: list[Line], web: dict, problems, *, given_title, everything) -> dict:
    texts = [line.text for line in front]
    draft = any(DRAFT_NOTE.match(text) for text in texts)
    issued_on = web.get("issued_on")
    issuer = web.get("issuer", "")
    issuer_indexes = set()
    placed = set()
    doc_number = ""
    for index, text in enumerate(texts):
        if DATE_LINE.match(text):
            placed.add(index)
            issued_on = issued_on or f.parse_date(text)
            if index and _is_heading_like(texts[index - 1]):
                issuer = issuer or texts[index - 1]
                issuer_indexes.add(index - 1)
        elif DOC_NUMBER.match(text):
            placed.add(index)
            doc_number = doc_number or text
        elif SALUTATION.match(text) or DRAFT_NOTE.match(text) or PUBLISH_NOTE.match(text):
            placed.add(index)
    placed |= issuer_indexes

    # The title: the last run of heading-like lines in the front matter (drafts' and
    # publication notes are transparent); leading lines of the run that name an organ
    # are its issuer (聊城: the office's name stands above the title). With nothing numbered
    # (the whole text is "front"), the first run.
    runs: list[list[int]] = []
    current: list[int] = []
    for index, text in enumerate(texts):
        if DRAFT_NOTE.match(text) or PUBLISH_NOTE.match(text):
            continue
        if (
            _is_heading_like(text)
            and index not in issuer_indexes
            and not DATE_LINE.match(text)
            and not DOC_NUMBER.match(text)
        ):
            current.append(index)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    title = ""
    if runs:
        run = runs[0] if everything else runs[-1]
        while len(run) > 1 and ORGAN_SUFFIX.search(texts[run[0]]):
            issuer = issuer or texts[run[0]]
            placed.add(run[0])
            run = run[1:]
        placed |= set(run)
        title = "".join(texts[index] for index in run)
    elif not given_title:
        line = front[0].number if front else None
        problems.add(line, "no_title", "未找到文件标题", blocking=True)
    return {
        "title": title,
        "issuer": issuer,
        "issued_on": issued_on,
        "captured_on": web.get("captured_on"),
        "draft": draft,
        "doc_number": doc_number,
        "placed": placed,
    }


def _is_heading_like(text: str) -> bool:
    return (
        len(text) <= 60
        and "\t" not in text  # a table's row
        and text[-1] not in "。；：，"
        and not SALUTATION.match(text)
        and not text.startswith("为")
    )


def _find_city(texts: list[str], city_names: list[str]) -> str:
    for text in texts:
        for name in city_names:
            if name in text:
                return name
    return ""


# -- building the tree ----------------------------------------------------------------------


def _starts_closing(lines: list[Line], index: int, numbered) -> bool:
    text = lines[index].text
    rest = numbered[2] if numbered else text
    if CLOSING.match(rest):
        return True
    if numbered:
        return False
    if ATTACHMENT.match(text) or PUBLISH_NOTE.match(text) or DATE_LINE.match(text):
        return True
    # a signature: an organ's name (or several names) right above a date
    following = index
    while following < len(lines) and (
        ORGAN_SUFFIX.search(lines[following].text) and len(lines[following].text) <= 40
    ):
        following += 1
    return (
        following > index
        and following < len(lines)
        and bool(DATE_LINE.match(lines[following].text))
    )


def _build_tree(body: list[Line], meta, problems):
    found = []  # scheme names in order of first appearance, before the closing
    numbered_lines = []
    for index, line in enumerate(body):
        numbered = _numbered(line.text)
        if _starts_closing(body, index, numbered):
            break
        numbered_lines.append(numbered)
        if numbered and numbered[0] not in found:
            found.append(numbered[0])
    rank = {name: r for name, _pattern, r in SCHEMES}
    order = sorted(found, key=lambda name: (rank[name], found.index(name)))
    level_of = {name: level for level, name in enumerate(order)}

    roots: list[_Node] = []
    stack: list[_Node] = []
    closing: list[str] = []
    for index, line in enumerate(body):
        if index >= len(numbered_lines):
            # a chapter heading right above the closing (第四章 附则) belongs to it
            if (
                stack
                and stack[-1].parent is None
                and stack[-1].bare
                and not stack[-1].items
                and not closing
            ):
                node = stack.pop()
                roots.remove(node)
                closing.append(node.line.text)
            closing.append(line.text)
            continue
        numbered = numbered_lines[index]
        if numbered:
            scheme, number, rest = numbered
            level = level_of[scheme]
            while stack and stack[-1].level >= level:
                stack.pop()
            parent = stack[-1] if stack else None
            node = _Node(scheme, level, number, line, rest, parent)
            if parent:
                parent.children.append(node)
                parent.items.append(node)
            else:
                roots.append(node)
            stack.append(node)
        else:
            stack[-1].items.append(line)
    return roots, closing, order


# -- from the tree to chapters and measures --------------------------------------------------


def _measures(source, roots: list[_Node], problems):
    chaptered = any(root.groups for root in roots)
    # the units that stand for themselves: groupings and measures, not lists inside measures
    units: list[_Node] = []  # (node, inside a procedural chapter)
    procedural_units: set[int] = set()
    measure_nodes: list[_Node] = []

    def walk(node: _Node, procedural: bool):
        units.append(node)
        if procedural and node.parent is not None:
            procedural_units.add(id(node))
        if node.groups:
            for child in node.children:
                walk(child, procedural)
        elif not procedural:
            measure_nodes.append(node)

    for root in roots:
        walk(root, chaptered and root.procedural)

    restarts = _restarting_levels([u for u in units if id(u) not in procedural_units])
    _check_numbering(units, procedural_units, chaptered, restarts, problems)
    # a level seen under one parent only restarts when its numbers would collide otherwise
    settled = {level: bool(value) for level, value in restarts.items()}
    undecided = [level for level, value in restarts.items() if value is None]
    keys = [".".join(map(str, _path(node, settled)[0])) for node in measure_nodes]
    if undecided and len(set(keys)) < len(keys):
        settled.update({level: True for level in undecided})

    chapters: list[ParsedChapter] = []
    by_root: dict[int, ParsedChapter] = {}
    if chaptered:
        for root in roots:
            chapter = ParsedChapter(root.number, root.rest)
            chapter.intro = [line.text for line in root.intro()] if root.groups else []
            chapters.append(chapter)
            by_root[id(root)] = chapter
    chapter_in_path = chaptered and any(
        settled.get(node.level)
        for node in units
        if node.parent is not None
        and node.parent.parent is None
        and id(node) not in procedural_units
    )

    measures: list[ParsedMeasure] = []
    for node in measure_nodes:
        if chaptered and node.parent is None and not chapter_in_path:
            # a chapter without items, when chapters are not part of the path: its text
            # introduces the chapter
            by_root[id(node)].intro = [line.text for line in _flat_lines(node)]
            continue
        path, chapter = _path(node, settled)
        measures.append(_measure(node, path, chapter if chaptered else None))

    people: list[str] = []
    phones: list[str] = []
    for root in roots:
        if chaptered and root.procedural:
            more_people, more_phones = _procedural(root, by_root[id(root)])
            people += more_people
            phones += more_phones
    if people or phones:
        for measure in measures:
            if not measure.people and not measure.phones:
                measure.people = list(people)
                measure.phones = list(phones)
    return chapters, measures


def _restarting_levels(units: list[_Node]) -> dict[int, bool | None]:
    """{level: True when its numbering restarts under each parent, False when it continues
    across parents, None when only one parent was seen}."""
    restarts: dict[int, bool | None] = {}
    previous: dict[int, _Node] = {}
    for node in units:
        if node.parent is None:
            continue
        before = previous.get(node.level)
        if before is not None and before.parent is not node.parent:
            if node.number == 1 and restarts.get(node.level) is not False:
                restarts[node.level] = True
            elif node.number != 1:
                restarts[node.level] = False
        else:
            restarts.setdefault(node.level, None)
        previous[node.level] = node
    return restarts


def _check_numbering(units, procedural_units, chaptered, restarts, problems):
    last_global: dict[int, int] = {}
    last_sibling: dict[int, int] = {}  # id(parent) → last number
    for node in units:
        level = 0 if node.parent is None else node.level
        by_sibling = last_sibling.get(id(node.parent), 0) + 1
        by_document = last_global.get(level, 0) + 1
        last_sibling[id(node.parent)] = node.number
        if node.parent is None or not restarts.get(level):
            expected = by_document
        else:
            expected = by_sibling
        if id(node) in procedural_units:
            # a notice's procedural chapters number their points on their own
            if node.number == by_document:
                last_global[level] = node.number
            if node.number in (by_document, by_sibling):
                continue
        elif expected == by_document:
            last_global[level] = node.number
        if node.number != expected:
            what = "章节" if chaptered and node.parent is None else "条目"
            problems.add(
                node.line.number,
                "numbering",
                f"{what}编号不连续：应为 {expected}，实为 {node.number}",
                blocking=False,
                raise_strict=True,
            )


def _path(node: _Node, restarts: dict[int, bool]) -> tuple[list[int], int]:
    """(path, the number of its top-level unit)."""
    chain = []
    current = node
    while current is not None:
        chain.append(current)
        current = current.parent
    chain.reverse()
    path = [
        ancestor.number
        for ancestor, child in zip(chain, chain[1:], strict=False)
        if restarts.get(child.level, False)
    ]
    path.append(node.number)
    return path, chain[0].number


def _flat_lines(node: _Node) -> list[Line]:
    """A unit's lines below its own, its list items included (with their numbers)."""
    lines = []
    for item in node.items:
        if isinstance(item, _Node):
            lines.append(item.line)
            lines.extend(_flat_lines(item))
        else:
            lines.append(item)
    return lines


def _measure(node: _Node, path: list[int], chapter: int | None) -> ParsedMeasure:
    measure = ParsedMeasure(path=path, line=node.line.number, chapter=chapter)
    lead: list[str] = []
    cooperating: list[str] = []
    rest = node.rest
    bracket = BRACKET_TITLE.match(rest)
    if bracket:
        measure.title, rest = bracket.group(1).strip(), bracket.group(2).strip()
    content = _flat_lines(node)
    if node.bare and (content or node.children):
        measure.title = rest
        if content and node.parent is None:
            # a chapter that is a measure: it starts below its heading (鞍山 2023's topics)
            measure.line = content[0].number
    elif rest:
        text, (leads, others) = _split_trailing_responsibility(rest)
        measure.paragraphs.append(text)
        lead += leads
        cooperating += others
    current_field = None
    for line in content:
        text = line.text
        match = FIELD.match(text)
        if match:
            label = re.sub(r"\s+", "", match.group(1))
            value = match.group(2).strip()
            current_field = None
            if label in ("政策内容", "政策措施"):
                measure.paragraphs.append(value)
            elif label == "办理方式":
                measure.handling.append(value)
                current_field = "办理方式"
            elif label == "办理地点":
                measure.handling.append(f"办理地点：{value}")
                current_field = "办理方式"
            elif label == "执行期限":
                measure.deadline_text = value
            elif label in ("责任单位", "责任部门", "牵头单位", "配合单位"):
                leads, others = _responsibility(f"{label}：{value}")
                lead += leads
                cooperating += others
            elif label == "责任人":
                measure.people.append(value)
                current_field = "责任人"
            elif label == "联系人":
                people, phones = _contact_line(value)
                measure.people.append(people)
                if phones:
                    measure.phones.append(phones)
                current_field = "责任人"
            else:  # 联系方式, 联系电话
                measure.phones.append(value)
                current_field = "联系方式"
            continue
        whole = TRAILING_RESPONSIBILITY.search(text)
        if whole and whole.start() == 0:  # （责任单位：…） on a line of its own ends a field
            leads, others = _responsibility(whole.group(1))
            lead += leads
            cooperating += others
            current_field = None
        elif current_field == "办理方式":
            measure.handling.append(text)
        elif current_field == "责任人":
            measure.people.append(text)
        elif current_field == "联系方式":
            measure.phones.append(text)
        else:
            text, (leads, others) = _split_trailing_responsibility(text)
            if text:  # a line that is only （责任单位：…） adds no text
                measure.paragraphs.append(text)
            lead += leads
            cooperating += others
    if not measure.paragraphs:
        measure.paragraphs.append(rest or node.rest)
    for name in lead + cooperating:
        if name not in measure.departments:
            measure.departments.append(name)
    if not measure.title:
        measure.title = f.short_title(measure.paragraphs[0]).rstrip("：:，")
    return measure


def _procedural(root: _Node, chapter: ParsedChapter) -> tuple[list[str], list[str]]:
    """A procedural chapter's text (its intro) and its contacts, for every measure."""
    people: list[str] = []
    phones: list[str] = []
    chapter.intro = []
    for line in _flat_lines(root):
        chapter.intro.append(line.text)
        match = FIELD.match(line.text)
        if not match:
            continue
        label, value = match.group(1), match.group(2).strip()
        if label == "联系人":
            person, phone = _contact_line(value)
            people.append(person)
            if phone:
                phones.append(phone)
        elif label in ("联系方式", "联系电话"):
            phones.append(value)
    return people, phones


_CONTACT_PHONE = re.compile(r"[，,；;\s]*(?:联系)?(?:电话|方式)[：:]\s*")


def _contact_line(value: str) -> tuple[str, str]:
    """联系人：张三、李四，联系电话：0415-1234567 → ("张三 李四", "0415-1234567")."""
    parts = _CONTACT_PHONE.split(value, maxsplit=1)
    people = re.sub(r"[、，,；;]+", " ", parts[0]).strip()
    return people, parts[1].strip() if len(parts) > 1 else ""


def _responsibility(text: str) -> tuple[list[str], list[str]]:
    """ "牵头单位：A、B；配合单位：C" → ([A, B], [C]); 责任单位 counts as leading."""
    lead: list[str] = []
    cooperating: list[str] = []
    labels = list(RESPONSIBILITY_LABEL.finditer(text))
    for index, match in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        value = text[match.end() : end].strip().rstrip("；;，,")
        names = f.split_departments(value)
        (cooperating if match.group(1) == "配合单位" else lead).extend(names)
    return lead, cooperating


def _split_trailing_responsibility(text: str) -> tuple[str, tuple[list[str], list[str]]]:
    match = TRAILING_RESPONSIBILITY.search(text)
    if not match:
        return text, ([], [])
    return text[: match.start()].rstrip(), _responsibility(match.group(1))


# -- warnings that never block ---------------------------------------------------------------


def _check_measures(measures: list[ParsedMeasure], problems: _Problems) -> None:
    for measure in measures:
        if not measure.departments:
            problems.add(
                measure.line,
                "no_department",
                f"措施 {measure.path_key}“{measure.title}”未写明责任单位",
                blocking=False,
            )
        text = measure.text
        read = [m.span() for m in f._AMOUNT.finditer(text)]
        for match in _UNREAD_AMOUNT.finditer(text):
            if any(start <= match.start() < end for start, end in read):
                continue
            before = text[max(0, match.start() - 2) : match.start()]
            if re.search(r"若干|[数几每多千百亿万]$|按$", before) and not re.search(
                r"[一二三四五六七八九十两零]$", before[-1:]
            ):
                continue
            context = text[max(0, match.start() - 8) : match.end() + 4]
            problems.add(
                measure.line,
                "amount",
                f"措施 {measure.path_key} 中的金额未能识别：“{context}”",
                blocking=False,
            )


def _check_characters(lines: list[Line], problems: _Problems) -> None:
    for line in lines:
        match = SUSPICIOUS.search(line.text)
        if match:
            shown = match.group(0).encode("unicode_escape").decode("ascii")
            problems.add(
                line.number,
                "characters",
                f"含有可疑字符（{shown}），可能是乱码或缺字：{_excerpt(line.text)}",
                blocking=False,
            )

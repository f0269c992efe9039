"""An uploaded file → its text: ``.txt``, ``.docx`` or a PDF with a text layer.

Every failure is a ``SourceError`` with a Chinese message (never a traceback): an unknown
extension, a corrupt file, a scanned PDF without a text layer.
"""

import io
import re
import zipfile

from . import SourceError

SCANNED = (
    "该 PDF 没有文字层（可能是扫描件），无法读取正文。请上传 Word 或文字版 PDF，或直接粘贴正文。"
)
SUPPORTED = "仅支持 .txt、.docx 和 .pdf 文件"

# page chrome a PDF carries on every page: "- 3 -", "3", "第 3 页 共 5 页", "3/5"
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页)\s*$"
)
_READABLE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z]")


def extract_text(filename: str, data: bytes) -> str:
    name = filename.lower()
    if not data:
        raise SourceError(filename, None, "文件为空")
    if name.endswith(".txt"):
        return _text(filename, data)
    if name.endswith(".docx"):
        return _docx(filename, data)
    if name.endswith(".pdf"):
        return _pdf(filename, data)
    if name.endswith(".doc"):
        raise SourceError(
            filename, None, f"不支持旧版 Word（.doc）文件，请另存为 .docx。{SUPPORTED}"
        )
    raise SourceError(filename, None, f"无法读取此类文件。{SUPPORTED}")


def _text(filename: str, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(filename, None, "无法识别文本编码（应为 UTF-8 或 GB18030）")


def _docx(filename: str, data: bytes) -> str:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as error:  # pragma: no cover - a deployment without python-docx
        raise SourceError(filename, None, "服务器未安装 Word 文件读取组件") from error
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, document).text)
            elif tag == "tbl":
                for row in Table(child, document).rows:
                    seen = []
                    for cell in row.cells:  # merged cells repeat: read each once
                        if any(cell._tc is other for other in seen):
                            continue
                        seen.append(cell._tc)
                        lines.extend(paragraph.text for paragraph in cell.paragraphs)
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise SourceError(filename, None, "Word 文件已损坏或不是 .docx 格式，无法读取") from error
    except Exception as error:  # lxml and python-docx raise many kinds for a broken file
        raise SourceError(filename, None, "Word 文件已损坏，无法读取") from error
    return "\n".join(lines)


def _pdf(filename: str, data: bytes) -> str:
    try:
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LAParams, LTTextBox, LTTextLine
    except ImportError as error:  # pragma: no cover
        raise SourceError(filename, None, "服务器未安装 PDF 读取组件") from error
    if not data.lstrip().startswith(b"%PDF"):
        raise SourceError(filename, None, "PDF 文件已损坏或不是 PDF 格式，无法读取")
    paragraphs: list[str] = []
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams()):
            lines = [
                line
                for box in page
                if isinstance(box, LTTextBox)
                for line in box
                if isinstance(line, LTTextLine)
                and line.get_text().strip()
                and not PAGE_NUMBER.match(line.get_text())
            ]
            lines.sort(key=lambda line: (-round(line.y1), line.x0))
            paragraphs.extend(_page_paragraphs(lines))
    except SourceError:
        raise
    except Exception as error:  # pdfminer raises many kinds for a broken file
        raise SourceError(filename, None, "PDF 文件已损坏，无法读取") from error
    text = "\n".join(paragraph.replace("\x0c", "") for paragraph in paragraphs)
    if len(_READABLE.findall(text)) < 20:
        raise SourceError(filename, None, SCANNED)
    return text


def _page_paragraphs(lines) -> list[str]:
    """A page's lines, the lines its width wrapped joined again: a line that reaches the
    right edge of the text continues on the next line, unless that one starts a numbered
    item or a labelled field. (A paragraph that ends exactly at the edge is joined too; the
    parser's is_structural keeps items apart.)"""
    from .parsing import is_structural

    if not lines:
        return []
    right = max(line.x1 for line in lines)
    paragraphs: list[str] = []
    previous = None
    for line in lines:
        text = line.get_text().strip()
        height = max(line.height, 1.0)
        full = previous is not None and previous.x1 >= right - 1.5 * height
        if paragraphs and full and not is_structural(text):
            paragraphs[-1] += text
        else:
            paragraphs.append(text)
        previous = line
    return paragraphs

"""Uploaded files → text: .txt in any of its encodings, .docx, PDF with a text layer; every
failure a Chinese message."""

import io
from pathlib import Path

import docx
import pytest

from policies.importer import SourceError
from policies.importer.extract import SCANNED, extract_text

DOCUMENTS = Path(__file__).parent / "documents"
TEXT = "本溪市若干措施\n1.技改补贴。给予补贴。\n"


@pytest.mark.parametrize(
    "data",
    [TEXT.encode("utf-8"), b"\xef\xbb\xbf" + TEXT.encode("utf-8"), TEXT.encode("gb18030")],
    ids=["utf-8", "utf-8-bom", "gb18030"],
)
def test_it_reads_text_in_each_encoding(data):
    assert extract_text("a.TXT", data) == TEXT


def test_it_reads_a_word_file_paragraphs_and_tables_in_order():
    document = docx.Document()
    document.add_paragraph("本溪市若干措施")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "联系人：李明"
    table.cell(0, 1).text = "联系电话：0415-1234567"
    table.cell(1, 0).text = "联系人：王芳"
    table.cell(1, 1).text = "联系电话：0415-7654321"
    document.add_paragraph("本措施自印发之日起施行。")
    buffer = io.BytesIO()
    document.save(buffer)
    assert extract_text("a.docx", buffer.getvalue()).splitlines() == [
        "本溪市若干措施",
        "联系人：李明",
        "联系电话：0415-1234567",
        "联系人：王芳",
        "联系电话：0415-7654321",
        "本措施自印发之日起施行。",
    ]


def test_the_committed_word_file_has_the_texts_lines():
    text = extract_text("benxi_banfa.docx", (DOCUMENTS / "benxi_banfa.docx").read_bytes())
    source = (DOCUMENTS / "benxi_banfa.txt").read_text(encoding="utf-8")
    assert text.splitlines() == [line for line in source.splitlines() if line.strip()]


def test_a_pdf_gives_its_paragraphs_without_page_numbers():
    text = extract_text("d.pdf", (DOCUMENTS / "dezhou_paren_levels.pdf").read_bytes())
    assert "\x0c" not in text
    assert not any(line.strip().startswith("- ") for line in text.splitlines())
    # the page width wrapped this item; it is one line again
    assert (
        "2.引进数字经济龙头企业。对新落户我市、实际到位投资额超过1亿元的数字经济项目，按实际到位"
        "投资额的2%给予奖励，最高500万元。（责任单位：市商务局、市投资促进中心）"
    ) in text.splitlines()


def test_a_scanned_pdf_is_refused():
    with pytest.raises(SourceError) as error:
        extract_text("scan.pdf", (DOCUMENTS / "scanned.pdf").read_bytes())
    assert error.value.message == SCANNED
    assert "没有文字层" in str(error.value)


@pytest.mark.parametrize(
    "name,data,words",
    [
        ("broken.docx", b"PK\x03\x04 not really a zip", "Word 文件已损坏"),
        ("broken.docx", b"plain text", "Word 文件已损坏"),
        ("broken.pdf", b"%PDF-1.4\n garbage without objects", "PDF 文件"),
        ("broken.pdf", b"not a pdf at all", "PDF 文件已损坏"),
        ("policy.xlsx", b"PK\x03\x04", "仅支持 .txt、.docx 和 .pdf 文件"),
        ("policy.doc", b"\xd0\xcf\x11\xe0", "旧版 Word"),
        ("empty.txt", b"", "文件为空"),
    ],
)
def test_unreadable_files_are_refused_in_chinese(name, data, words):
    with pytest.raises(SourceError) as error:
        extract_text(name, data)
    assert words in error.value.message
    assert error.value.source == name

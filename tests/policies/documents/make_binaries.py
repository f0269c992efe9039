"""Make the Word and PDF versions of test documents (run by hand; the outputs are committed).

    .venv/bin/python tests/policies/documents/make_binaries.py

* ``benxi_banfa.docx``, ``luoyang_notice.docx``: one paragraph per line of the ``.txt``;
* ``dezhou_paren_levels.pdf``: the ``.txt`` printed by headless Chromium (a text layer, lines
  wrapped by the page width, page numbers "- 1 -" in the footer);
* ``scanned.pdf``: a picture of text and nothing else, as a scanner makes it.
"""

import base64
import html
from pathlib import Path

import docx
from playwright.sync_api import sync_playwright

HERE = Path(__file__).parent
FOOTER = (
    '<div style="font-size:9px;width:100%;text-align:center">'
    '- <span class="pageNumber"></span> -</div>'
)
STYLE = (
    "body{font-family:'WenQuanYi Micro Hei',sans-serif;font-size:15px;line-height:1.6}"
    "p{margin:0 0 14px 0;text-indent:0}"
)


def make_docx(name: str) -> None:
    document = docx.Document()
    for line in (HERE / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            document.add_paragraph(line)
    document.save(HERE / f"{name}.docx")


def page_html(lines: list[str]) -> str:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line.strip())
    return f"<html><head><meta charset='utf-8'><style>{STYLE}</style></head><body>{paragraphs}</body></html>"


def make_pdfs() -> None:
    lines = (HERE / "dezhou_paren_levels.txt").read_text(encoding="utf-8").splitlines()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.set_content(page_html(lines))
        page.pdf(
            path=str(HERE / "dezhou_paren_levels.pdf"),
            format="A4",
            margin={"top": "25mm", "bottom": "25mm", "left": "25mm", "right": "25mm"},
            display_header_footer=True,
            header_template="<div></div>",
            footer_template=FOOTER,
        )
        # a scan: the first lines rendered as a picture, no text layer
        page.set_viewport_size({"width": 800, "height": 400})
        page.set_content(page_html(lines[:8]))
        image = base64.b64encode(page.screenshot()).decode("ascii")
        page.set_content(f"<html><body><img src='data:image/png;base64,{image}'></body></html>")
        page.pdf(path=str(HERE / "scanned.pdf"), format="A4")
        browser.close()


if __name__ == "__main__":
    make_docx("benxi_banfa")
    make_docx("luoyang_notice")
    make_pdfs()

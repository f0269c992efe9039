"""The document page as a text (issue 12, part 1): a table of contents, measures as headings,
the text, and after it the editorial notes, collapsible, each linked from the place it
corrects and back; no file numbers, no empty corrections, no nested 《《》》, no boxes."""

import re

import pytest

from policies.formatting import citation, quote_title
from policies.models import EditorialNote, Measure, PolicyDocument

pytestmark = pytest.mark.django_db


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def document(prefix):
    return PolicyDocument.objects.get(source__startswith=f"{prefix}_")


def every_page(client):
    """(url, html) of every document page (both views) and every measure page."""
    for doc in PolicyDocument.objects.all():
        for url in (doc.get_absolute_url(), doc.get_absolute_url() + "?view=source"):
            yield url, html(client, url)
    for measure in Measure.objects.select_related("document"):
        yield measure.get_absolute_url(), html(client, measure.get_absolute_url())


def nested_book_titles(page: str) -> list[str]:
    """Every 《 opened inside another 《…》 in a text node of ``page`` (attributes, such as a
    description cut at 120 characters, are left aside), with what surrounds it."""
    found = []
    for text in re.split(r"<[^>]*>", page):
        depth = 0
        for index, char in enumerate(text):
            if char == "《":
                if depth:
                    found.append(text[max(0, index - 30) : index + 10])
                depth += 1
            elif char == "》":
                depth = max(depth - 1, 0)
    return found


def measure_section(page: str, path_key: str) -> str:
    start = page.index(f'<section id="m-{path_key}" class="measure-block"')
    return page[start : page.index("</section>", start)]


def test_the_notes_come_after_the_text_and_fold(client, catalogue):
    for prefix in ("001", "004"):
        page = html(client, document(prefix).get_absolute_url())
        notes = page.index('<section id="notes"')
        last_measure = page.rindex('class="measure-block"')
        assert page.index('id="clean-heading"') < last_measure < notes
        folded = page[notes:]
        assert folded.index("<details") < folded.index('id="notes-heading"')
        assert folded.index('id="note-1"') < folded.index("</details>")


def test_each_note_is_linked_from_the_place_it_corrects_and_back(client, catalogue):
    for doc in PolicyDocument.objects.filter(editorial_notes__isnull=False).distinct():
        page = html(client, doc.get_absolute_url())
        notes = list(doc.editorial_notes.select_related("measure").order_by("pk"))
        text, listed = page.split('<section id="notes"')
        for number, note in enumerate(notes, start=1):
            marker = f'id="note-ref-{number}"><a href="#note-{number}"'
            assert text.count(marker) == 1, (doc.slug, note)
            assert f'<li id="note-{number}" class="editorial-note' in listed
            assert f'href="#note-ref-{number}"' in listed
            if note.measure is not None:  # the mark stands in the measure it corrects
                assert marker in measure_section(text, note.measure.path_key)
            else:  # before the measures, or in the text after them
                before = text.split('class="measure-block"')[0]
                after = text.split("document-closing", 1)[1] if "document-closing" in text else ""
                assert marker in before + after


def test_a_mark_follows_the_corrected_words(client, catalogue):
    page = html(client, document("001").get_absolute_url())
    assert '发展潜力大的个体工商户<sup class="note-ref" id="note-ref-2">' in page
    assert '（此件公开发布）<sup class="note-ref" id="note-ref-1">' in page
    sanmenxia = html(client, document("004").get_absolute_url())
    # a correction of the 责任单位 line is marked on that line
    line = re.search(r'measure-departments">(.*?)</p>', measure_section(sanmenxia, "5")).group(1)
    assert 'href="#note-' in line


def test_the_note_of_a_measure_twice_corrected_is_one_per_place(client, catalogue):
    notes = EditorialNote.objects.filter(document=document("004"), reason__contains="脱字")
    assert sorted(note.measure.path_key for note in notes) == ["5", "7"]


def test_notes_are_worded_by_what_they_do(client, catalogue):
    page = html(client, document("004").get_absolute_url())
    notes = page[page.index('<section id="notes"') :]
    assert "照录，未作校正" in notes  # no correction: the damage is only noted
    assert "删去“<del>)</del>”" in notes  # the stray bracket of 第（四）条
    assert "补“<ins>会</ins>”" in notes
    assert "校正为“<ins>1—2家省级产业研究院</ins>”" in notes
    assert "受损原文" in notes


def test_no_page_says_corrected_to_nothing(client, catalogue):
    for url, page in every_page(client):
        assert not re.search(r"校正为“(<ins>)?(</ins>)?”", page), url


def test_no_page_shows_a_source_file_number(client, catalogue):
    for url, page in every_page(client):
        assert not re.search(r"[（(]\s*00\d\s*[）)]", page), url
        assert ".txt" not in page, url


def test_no_page_nests_book_title_marks(client, catalogue):
    for url, page in every_page(client):
        assert nested_book_titles(page) == [], url
    for path in ("/policies/cities/anshan/", "/policies/measures/?city=anshan"):
        assert nested_book_titles(html(client, path)) == [], path


def test_a_title_is_quoted_in_one_way():
    assert quote_title("鞍山市贯彻落实《辽宁省若干措施》实施细则") == (
        "《鞍山市贯彻落实〈辽宁省若干措施〉实施细则》"
    )
    assert (
        quote_title("营口市推动经济稳中求进若干政策举措")
        == "《营口市推动经济稳中求进若干政策举措》"
    )
    assert quote_title("") == ""


def test_a_citation_quotes_the_title_the_same_way(catalogue):
    measure = Measure.objects.get(document__source__startswith="000_", path_key="14")
    assert citation(measure).startswith("《鞍山市贯彻落实〈辽宁省")
    assert nested_book_titles(citation(measure)) == []


def test_characters_that_show_as_boxes_are_shown_as_code_points(client, catalogue):
    page = html(client, document("001").get_absolute_url())
    notes = page[page.index('<section id="notes"') :]
    assert '<span class="code-point"' in notes and "U+E480" in notes and "U+E0A6" in notes
    assert "\ue480" not in page and "\ue0a6" not in page
    measure_page = html(
        client, Measure.objects.get(document=document("001"), path_key="12").get_absolute_url()
    )
    assert "校正为“<ins>发展潜力大的个体工商户</ins>”" in measure_page


def test_the_table_of_contents_lists_every_chapter_and_measure(client, catalogue):
    for doc in PolicyDocument.objects.all():
        page = html(client, doc.get_absolute_url())
        toc = re.search(r'<nav aria-labelledby="toc-heading".*?</nav>', page, re.S).group(0)
        measures = list(doc.measures.order_by("position"))
        assert re.findall(r'href="#m-([\d.]+)"', toc) == [m.path_key for m in measures]
        chapters = re.findall(r'href="#c-(\d+)">(.*?)</a>', toc)
        expected = list(doc.chapters.order_by("number").values_list("number", "title"))
        assert [(int(n), title) for n, title in chapters] == expected
        for number, _title in expected:  # each entry leads to its heading
            assert f'id="c-{number}"' in page
        for measure in measures:
            assert f'<section id="m-{measure.path_key}"' in page


def test_measures_are_headings_with_a_short_link(client, catalogue):
    doc = document("000")
    page = html(client, doc.get_absolute_url())
    measure = doc.measures.get(path_key="14")
    section = measure_section(page, "14")
    assert re.search(
        rf'<h3 id="m-14-title" class="h5 measure-title[^"]*">14\. {re.escape(measure.title)}</h3>',
        section,
    )
    link = re.search(r'<p class="[^"]*measure-more"><a href="([^"]+)">(.*?)</a>', section)
    assert link.group(1) == measure.get_absolute_url()
    assert re.sub(r"<[^>]+>.*?</[^>]+>", "", link.group(2)).strip() == "详情 ›"
    assert "的要点、办理方式和联系方式" not in page


def test_the_text_after_the_measures_is_shown(client, catalogue):
    page = html(client, document("000").get_absolute_url())
    closing = re.search(r'document-closing">(.*?)</div>', page, re.S).group(1)
    assert closing == "本文件自公布之日起施行。"
    assert page.index('class="measure-block"') < page.index("document-closing")

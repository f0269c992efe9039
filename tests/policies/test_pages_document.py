"""The document page: metadata, draft and incomplete marks, anchored text, source switch, notes."""

import re

import pytest

from policies.models import EditorialNote, PolicyDocument

pytestmark = pytest.mark.django_db


def document(prefix):
    return PolicyDocument.objects.get(source__startswith=f"{prefix}_")


def html(client, doc, query=""):
    response = client.get(doc.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_metadata(client, catalogue):
    doc = document("001")
    page = html(client, doc)
    assert f'<h1 class="h3">{doc.title}</h1>' in page
    assert doc.issuer in page
    assert "2024年5月31日" in page
    assert doc.city.get_absolute_url() in page
    assert f"{doc.measures.count()} 条" in page


def test_it_marks_a_draft_clearly(client, catalogue):
    draft = html(client, document("002"))
    assert 'data-status="draft">征求意见稿<' in draft
    assert "本文件是征求意见稿" in draft
    assert "本文件是征求意见稿" not in html(client, document("001"))


def test_it_marks_an_incomplete_source(client, catalogue):
    incomplete = document("004")
    assert not incomplete.complete
    assert 'data-complete="false"' in html(client, incomplete)
    assert 'data-complete="false"' not in html(client, document("001"))


def test_it_gives_every_measure_an_anchor_in_order(client, catalogue):
    doc = document("002")
    page = html(client, doc)
    anchors = re.findall(r'<section id="m-([\d.]+)" class="measure-block"', page)
    assert anchors == list(doc.measures.order_by("position").values_list("path_key", flat=True))
    for measure in doc.measures.all():
        assert measure.get_absolute_url() in page


def test_it_groups_measures_under_their_chapters(client, catalogue):
    doc = document("002")
    page = html(client, doc)
    chapters = re.findall(r'<h3 class="h5 chapter-title mt-4" id="c-\d+">(.*?)</h3>', page)
    assert chapters == list(doc.chapters.order_by("number").values_list("title", flat=True))


def test_it_shows_the_preamble_before_the_first_measure(client, catalogue):
    doc = document("000")
    page = html(client, doc)
    preamble = re.search(r'document-preamble">(.*?)</div>', page, re.S).group(1)
    assert "现印发给你们" in preamble
    assert "支持产业创新和集群发展" not in preamble


def test_it_switches_to_the_verbatim_source(client, catalogue):
    doc = document("000")
    clean = html(client, doc)
    source = html(client, doc, "?view=source")
    assert "鞍山市貫徹落實" in source  # traditional characters, as published
    assert "鞍山市貫徹落實" not in clean
    assert f'href="{doc.get_absolute_url()}?view=source"' in clean
    assert f'aria-current="page" href="{doc.get_absolute_url()}?view=source"' in source
    assert 'class="measure-block"' not in source


def test_it_shows_the_editorial_notes(client, catalogue):
    doc = document("001")
    notes = EditorialNote.objects.filter(document=doc)
    assert notes.exists()
    page = html(client, doc)
    for note in notes:
        assert f"校正为“<ins>{note.correction}</ins>”" in page
        if note.measure_id:
            assert f'id="m-{note.measure.path_key}"' in page


def test_it_answers_404_for_an_unknown_document(client, catalogue):
    assert client.get("/policies/documents/999999/").status_code == 404

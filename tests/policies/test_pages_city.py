"""The city page lists its documents with their measures, by chapter, in plain view (issue 12,
part 2): nothing hidden behind a collapsed directory."""

import re

import pytest

from policies.models import City, Measure

pytestmark = pytest.mark.django_db


def test_it_lists_every_measure_in_plain_view(client, catalogue):
    city = City.objects.get(slug="anshan")
    html = client.get(city.get_absolute_url()).content.decode()
    documents = html[html.index('id="documents-heading"') : html.index('id="departments-heading"')]
    assert "<details" not in documents and "展开措施目录" not in documents
    for document in city.documents.all():
        card = documents[documents.index(document.get_absolute_url() + '"') :]
        card = card[: card.index("</article>")]
        links = re.findall(r'<a href="/policies/measures/(\d+)/">', card)
        expected = document.measures.order_by("position").values_list("pk", flat=True)
        assert [int(pk) for pk in links] == list(expected)


def test_it_groups_the_measures_by_chapter(client, catalogue):
    city = City.objects.get(slug="anshan")
    html = client.get(city.get_absolute_url()).content.decode()
    draft = city.documents.get(slug="anshan-2023")
    for chapter in draft.chapters.order_by("number"):
        heading = f'{draft.get_absolute_url()}#c-{chapter.number}">{chapter.title}</a>'
        assert heading in html
        group = html[html.index(heading) :]
        group = group[: group.index("</ul>")]
        first = Measure.objects.filter(chapter=chapter).order_by("position").first()
        assert first.get_absolute_url() in group

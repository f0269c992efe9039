"""policies.cards: a measure's result card and its badges, written out by hand for two measures
(every part present; none of the optional ones), escaped, and on every page that lists
measures."""

import datetime
import re
from html import escape

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from policies import validity
from policies.cards import badges_html, card_html
from policies.models import City, Measure, PolicyDocument, SupportType, Topic
from policies.views import list_cards

TODAY = datetime.date(2025, 6, 30)


def flat(html) -> str:
    """The HTML with its layout whitespace taken out: between tags, and runs of it."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


def full_measure() -> Measure:
    """Every part a card can show: a draft document's measure, free of application, with an
    amount, two support types and two topics, a title and names that need escaping."""
    city = City(pk=3, name="鞍山&市", slug="anshan")
    document = PolicyDocument(
        pk=7,
        city=city,
        title="鞍山市贯彻落实《辽宁省若干措施》实施细则",
        status=PolicyDocument.Status.DRAFT,
    )
    measure = Measure(
        pk=1234567,
        document=document,
        title='对<研发>投入 "奖励"',
        path=[3, 1],
        max_amount_yuan=500_000,
        free_of_application=True,
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2025, 7, 31),
        validity_kind=validity.Kind.DATED,
    )
    measure.support_list = [
        SupportType(pk=1, slug="grant", name="资金补贴"),
        SupportType(pk=2, slug="loan", name="贷款<贴息>"),
    ]
    measure.topic_list = [
        Topic(pk=4, slug="innovation", name="科技创新"),
        Topic(pk=5, slug="finance", name="金融"),
    ]
    return measure


def bare_measure() -> Measure:
    """None of the optional parts: in force, not free, no amount, no topics or types."""
    city = City(pk=1, name="沈阳市", slug="shenyang")
    document = PolicyDocument(
        pk=2, city=city, title="若干措施", status=PolicyDocument.Status.PUBLISHED
    )
    measure = Measure(
        pk=9,
        document=document,
        title="首次认定奖励",
        path=[16],
        valid_from=datetime.date(2024, 1, 1),
        valid_until=None,
        validity_kind=validity.Kind.OPEN,
    )
    measure.support_list, measure.topic_list = [], []
    return measure


FULL_CARD = (
    '<article class="card measure-card mb-3"><div class="card-body">'
    '<h3 class="h5 card-title mb-1"><a href="/policies/measures/1234567/">'
    "对&lt;研发&gt;投入 &quot;奖励&quot;</a></h3>"
    '<p class="small text-body-secondary mb-2">鞍山&amp;市 · '
    "《鞍山市贯彻落实〈辽宁省若干措施〉实施细则》第3条第（1）项</p>"
    '<div class="d-flex flex-wrap gap-1 align-items-center">'
    # a draft's measure is never in force: 时效未明 until its end, 2025-07-31
    '<span class="badge text-bg-light border" data-status="unknown">时效未明</span>'
    '<span class="badge text-bg-info">免申即享</span>'
    '<span class="badge text-bg-warning">征求意见稿</span>'
    '<span class="badge text-bg-light border">最高 <data class="money" value="500000" '
    'title="500,000.00 元" data-exact="500,000.00 元">50 万元</data></span>'
    '<span class="badge rounded-pill support-badge">资金补贴</span>'
    '<span class="badge rounded-pill support-badge">贷款&lt;贴息&gt;</span>'
    '<a class="badge rounded-pill topic-badge" href="/policies/topics/innovation/">科技创新</a>'
    '<a class="badge rounded-pill topic-badge" href="/policies/topics/finance/">金融</a>'
    "</div>"
    '<div class="form-check mt-2 no-print">'
    '<input class="form-check-input" type="checkbox" name="m" value="1234567" '
    'id="compare-1234567" form="compare-form">'
    '<label class="form-check-label" for="compare-1234567">加入对比</label>'
    "</div></div></article>"
)

BARE_CARD = (
    '<article class="card measure-card mb-3"><div class="card-body">'
    '<h3 class="h5 card-title mb-1"><a href="/policies/measures/9/">首次认定奖励</a></h3>'
    '<p class="small text-body-secondary mb-2">沈阳市 · 《若干措施》第16条</p>'
    '<div class="d-flex flex-wrap gap-1 align-items-center">'
    '<span class="badge text-bg-success" data-status="in_force">有效</span>'
    "</div></div></article>"
)


def test_a_card_with_every_part_as_written_by_hand():
    html = card_html(full_measure(), TODAY, compare_form=True)
    assert isinstance(html, SafeString)
    assert flat(html) == FULL_CARD


def test_a_card_with_none_of_the_optional_parts_as_written_by_hand():
    assert flat(card_html(bare_measure(), TODAY)) == BARE_CARD


def test_the_searchs_title_and_snippet_are_kept_when_safe_and_escaped_when_not():
    marked = mark_safe("对<mark>研发</mark>投入")
    html = card_html(bare_measure(), TODAY, title_html=marked, snippet_html=marked)
    assert '<a href="/policies/measures/9/">对<mark>研发</mark>投入</a>' in html
    assert '<p class="mb-2 measure-snippet">对<mark>研发</mark>投入</p>' in html
    plain = card_html(bare_measure(), TODAY, title_html="<b>x</b>", snippet_html="<i>y</i>")
    assert "&lt;b&gt;x&lt;/b&gt;" in plain and "&lt;i&gt;y&lt;/i&gt;" in plain
    assert "<b>" not in plain and "<i>" not in plain


@pytest.mark.parametrize(
    "today, status, css",
    [
        (datetime.date(2023, 12, 31), "not_yet", "text-bg-info"),
        (datetime.date(2024, 1, 1), "in_force", "text-bg-success"),
        (datetime.date(2030, 1, 1), "in_force", "text-bg-success"),
    ],
)
def test_the_validity_badge_is_the_status_on_the_day(today, status, css):
    html = badges_html(bare_measure(), today)
    assert (
        flat(html)
        == f'<span class="badge {css}" data-status="{status}">{validity.Status(status).label}</span>'
    )


def test_an_ending_measure_reads_ending_soon_then_expired():
    measure = full_measure()
    measure.document.status = PolicyDocument.Status.PUBLISHED
    assert 'data-status="ending_soon"' in badges_html(measure, datetime.date(2025, 7, 1))
    assert 'data-status="expired"' in badges_html(measure, datetime.date(2025, 8, 1))


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_an_id_is_never_written_as_a_localised_number():
    with translation.override("en"):  # zh-hans writes no thousands separator; English does
        html = Template("{% load catalogue %}{% measure_card measure compare_form=True %}").render(
            Context({"measure": full_measure(), "today": TODAY})
        )
    assert 'value="1234567"' in html and 'id="compare-1234567"' in html
    assert "1,234,567" not in html.replace("500,000", "")


def test_the_tags_print_the_components_on_the_pages_today():
    measure = bare_measure()
    context = Context({"measure": measure, "today": datetime.date(2023, 12, 31)})
    card = Template("{% load catalogue %}{% measure_card measure %}").render(context)
    badges = Template("{% load catalogue %}{% measure_badges measure %}").render(context)
    assert card == card_html(measure, datetime.date(2023, 12, 31))
    assert badges == badges_html(measure, datetime.date(2023, 12, 31))
    assert 'data-status="not_yet"' in badges


@pytest.mark.django_db
def test_every_card_of_the_catalogue_shows_its_measures_facts(catalogue):
    """The imported catalogue's cards, read as the pages read them: each names its measure,
    links it and its topics, shows its support types, and carries its status."""
    ids = list(Measure.objects.values_list("pk", flat=True))
    found = list_cards(ids, whole=True)
    assert len(found) == len(ids) > 20
    for measure in found.values():
        html = card_html(measure, TODAY)
        assert f'href="/policies/measures/{measure.pk}/"' in html
        assert f'data-status="{measure.validity_status(TODAY)}"' in html
        for topic in measure.topic_list:
            assert f'href="/policies/topics/{topic.slug}/">{topic.name}</a>' in html
        for support in measure.support_list:
            assert f">{support.name}</span>" in html
        assert ("免申即享" in html) == measure.free_of_application
        assert ("data-exact" in html or 'class="money"' in html) == bool(measure.max_amount_yuan)


def tags(html) -> list[str]:
    return re.findall(r"<[^>]*>", str(html))


@settings(max_examples=200, deadline=None)
@given(
    title=st.text(min_size=1, max_size=40),
    city=st.text(min_size=1, max_size=10),
    document_title=st.text(min_size=1, max_size=40),
    topic=st.text(min_size=1, max_size=10),
)
def test_whatever_the_catalogue_holds_a_card_prints_it_as_text(title, city, document_title, topic):
    """Every text of a card that comes from the database is escaped: the card's tags are the
    same as with plain words, and each text is there as ``html.escape`` writes it."""
    measure = full_measure()
    measure.title, measure.document.city.name = title, city
    measure.document.title = document_title
    measure.topic_list[0].name = topic
    html = card_html(measure, TODAY, compare_form=True)
    assert tags(html) == tags(card_html(full_measure(), TODAY, compare_form=True))
    assert f'/">{escape(title)}</a></h3>' in html
    assert f'mb-2">{escape(city)} · ' in html
    assert f'/innovation/">{escape(topic)}</a>' in html


def test_a_lists_cards_in_one_tag_are_the_cards_one_by_one():
    """``{% measure_cards results %}`` (the list page) writes each result's card as
    ``{% measure_card %}`` does, search title and snippet included, in order."""
    marked = mark_safe("对<mark>研发</mark>投入")
    results = [
        {"measure": full_measure(), "title": marked, "snippet": marked},
        {"measure": bare_measure(), "title": "", "snippet": ""},
    ]
    context = Context({"results": results, "today": TODAY})
    together = Template("{% load catalogue %}{% measure_cards results compare_form=True %}").render(
        context
    )
    one_by_one = Template(
        "{% load catalogue %}{% for r in results %}{% measure_card r.measure "
        "title_html=r.title snippet_html=r.snippet compare_form=True %}{% endfor %}"
    ).render(context)
    assert together == one_by_one
    assert together.index("/policies/measures/1234567/") < together.index("/policies/measures/9/")
    assert (
        Template("{% load catalogue %}{% measure_cards results %}").render(
            Context({"results": [], "today": TODAY})
        )
        == ""
    )


def test_the_related_lines_as_written_by_hand():
    """A measure page's like measures of other cities (``related_html``): each linked, with
    its city and quoted document, and a comparison link with the page's measure — none when
    that measure is retired. Texts are escaped."""
    from django.utils import timezone

    from policies.cards import related_html

    page_measure = bare_measure()
    html = related_html(page_measure, [full_measure()], "/policies/compare/")
    assert flat(html) == (
        '<li class="mb-2"><a href="/policies/measures/1234567/">'
        "对&lt;研发&gt;投入 &quot;奖励&quot;</a>"
        '<span class="small text-body-secondary">鞍山&amp;市 · '
        "《鞍山市贯彻落实〈辽宁省若干措施〉实施细则》</span>"
        '<a class="small ms-1" href="/policies/compare/?m=9&amp;m=1234567">与本条对比</a></li>'
    )
    page_measure.retired_at = timezone.now()
    retired = related_html(page_measure, [full_measure(), bare_measure()], "/policies/compare/")
    assert "与本条对比" not in retired and retired.count("<li ") == 2
    assert related_html(page_measure, [], "/policies/compare/") == ""

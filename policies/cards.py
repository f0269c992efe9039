"""A measure's result card and its badges: the one component every list of measures shows
(the measure list and its searches, a topic's and a department's pages), written here in
Python, as Django's admin writes the cells of its change lists.

Through the template engine (``partials/measure_card.html`` with ``measure_badges.html``
included, as it was until 2026-12-02) a page of twenty cards took 4.1 ms to render; here
1.4 ms (in-process, twenty random measures of the bench's 10,000, medians of 200 rounds):
the engine's cost is per node and per variable looked up, and a card has some fifty of
them. The list is the page a visitor asks for most, under every combination of filters and
words, so most of its pages are rendered afresh rather than served from the page cache.

What a card shows, in order: the title (linked; the search's highlighted title when given),
the city and the document with the article, the search's snippet when given, the badges
(``badges_html``: validity on the day, 免申即享, 征求意见稿), the largest amount (the one
money format, ``templatetags.catalogue.money``), the support types, the topics (linked),
and on the list a box to add it to the comparison. Every text from the database is escaped
here; ``title_html`` and ``snippet_html`` must be safe already (``policies.search.highlight``
escapes the text it marks). Templates use the tags ``{% measure_card %}`` and
``{% measure_badges %}`` (``templatetags/catalogue.py``); ``tests/policies/test_cards.py``
holds a card written out by hand.
"""

import html as _html
from functools import lru_cache

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import formatting, validity


def text(value) -> str:
    """A database text as HTML: what ``django.utils.html.escape`` writes (``html.escape``
    of ``str()``), without its check for lazy arguments on every call — a card escapes a
    dozen texts."""
    return _html.escape(str(value))


@lru_cache(maxsize=16)
def labels(language) -> dict:
    """The fixed parts of a card in ``language`` (the active one: the caller's
    ``get_language()``), translated once per process: each validity badge, 免申即享, 征求意见稿,
    最高 and 加入对比. Twenty cards asked for them a hundred times a page."""
    from .templatetags.catalogue import badge

    out = {}
    for status in validity.Status:
        found = badge(status)
        out[status.value] = (
            f'<span class="badge {found["css"]}" data-status="{found["status"]}">'
            f"{text(found['label'])}</span>"
        )
    out["free"] = f'<span class="badge text-bg-info">{text(_("免申即享"))}</span>'
    out["draft"] = f'<span class="badge text-bg-warning">{text(_("征求意见稿"))}</span>'
    out["most"] = text(_("最高"))
    out["compare"] = text(_("加入对比"))
    return out


class CardWriter:
    """Writes the cards of one page on ``today``: the labels looked up once, each topic's and
    support type's badge written once however many cards show it."""

    def __init__(self, today):
        self.today = today
        self.language = get_language()
        self.labels = labels(self.language)
        self.topics = {}
        self.supports = {}

    def badges(self, measure) -> str:
        labels = self.labels
        return "\n".join(
            (
                labels[measure.validity_status(self.today)],
                labels["free"] if measure.free_of_application else "",
                labels["draft"] if measure.document.is_draft else "",
            )
        )

    def topic(self, topic) -> str:
        found = self.topics.get(topic.pk)
        if found is None:
            found = self.topics[topic.pk] = (
                f'<a class="badge rounded-pill topic-badge" href="{text(topic.get_absolute_url())}">'
                f"{text(topic.name)}</a>"
            )
        return found

    def support(self, support) -> str:
        found = self.supports.get(support.pk)
        if found is None:
            found = self.supports[support.pk] = (
                f'<span class="badge rounded-pill support-badge">{text(support.name)}</span>'
            )
        return found

    def card(self, measure, *, title_html=None, snippet_html=None, compare_form=False) -> str:
        from .templatetags.catalogue import money

        document = measure.document
        title = conditional_escape(title_html) if title_html else text(measure.title)
        html = [
            '<article class="card measure-card mb-3">\n  <div class="card-body">\n'
            f'    <h3 class="h5 card-title mb-1"><a href="{text(measure.get_absolute_url())}">'
            f"{title}</a></h3>\n"
            f'    <p class="small text-body-secondary mb-2">{text(document.city.name)} · '
            f"{text(formatting.quote_title(document.title))}"
            f"{text(formatting.article_label(measure.path))}</p>\n"
        ]
        if snippet_html:
            html.append(
                f'    <p class="mb-2 measure-snippet">{conditional_escape(snippet_html)}</p>\n'
            )
        html.append(
            '    <div class="d-flex flex-wrap gap-1 align-items-center">\n'
            f"      {self.badges(measure)}\n"
        )
        if measure.max_amount_yuan:
            html.append(
                f'      <span class="badge text-bg-light border">{self.labels["most"]} '
                f"{money(measure.max_amount_yuan)}</span>\n"
            )
        html.append("      ")
        html.extend(self.support(support) for support in measure.support_list)
        html.extend(self.topic(topic) for topic in measure.topic_list)
        html.append("\n    </div>\n")
        if compare_form:
            pk = int(measure.pk)  # an id, never a localised number ("1,234")
            html.append(
                '    <div class="form-check mt-2 no-print">\n'
                f'      <input class="form-check-input" type="checkbox" name="m" value="{pk}" '
                f'id="compare-{pk}" form="compare-form">\n'
                f'      <label class="form-check-label" for="compare-{pk}">'
                f"{self.labels['compare']}</label>\n"
                "    </div>\n"
            )
        html.append("  </div>\n</article>\n")
        return "".join(html)


def badges_html(measure, today) -> SafeString:
    """The measure's validity on ``today``, and 免申即享 and 征求意见稿 where they apply (the
    document is read: pages load it with the measure)."""
    return mark_safe(CardWriter(today).badges(measure))


def card_html(
    measure, today, *, title_html=None, snippet_html=None, compare_form=False, writer=None
) -> SafeString:
    """The card of ``measure`` (with ``document.city``, ``topic_list`` and ``support_list``
    read, as ``policies.views.list_cards`` gives them) on ``today``; ``writer``, a page's
    ``CardWriter`` for that day, shares its labels and badges between the page's cards."""
    writer = writer or CardWriter(today)
    return mark_safe(
        writer.card(
            measure, title_html=title_html, snippet_html=snippet_html, compare_form=compare_form
        )
    )


def related_html(measure, related, compare_url) -> SafeString:
    """The lines of a measure's page that name its like measures of other cities
    (``policies.views.similar_measures``: each with its document and city): the measure
    linked, its city and document, and — the page's measure not retired — a link comparing
    the two (``compare_url``, the comparison page's address). Through the template, six lines
    took 0.28 ms of an uncached measure page's 2.5 ms (in-process, 2026-12-03)."""
    compare = None
    if not measure.retired_at:
        compare = text(_("与本条对比"))
    lines = []
    for other in related:
        document = other.document
        line = (
            f'<li class="mb-2"><a href="{text(other.get_absolute_url())}">{text(other.title)}</a> '
            f'<span class="small text-body-secondary">{text(document.city.name)} · '
            f"{text(formatting.quote_title(document.title))}</span>"
        )
        if compare is not None:
            line += (
                f'\n  <a class="small ms-1" href="{text(compare_url)}?m={int(measure.pk)}'
                f'&amp;m={int(other.pk)}">{compare}</a>'
            )
        lines.append(line + "</li>\n")
    return mark_safe("".join(lines))

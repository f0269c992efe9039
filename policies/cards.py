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

from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import formatting


def badges_html(measure, today) -> SafeString:
    """The measure's validity on ``today``, and 免申即享 and 征求意见稿 where they apply (the
    document is read: pages load it with the measure)."""
    from .templatetags.catalogue import badge

    status = badge(measure.validity_status(today))
    parts = [
        f'<span class="badge {status["css"]}" data-status="{status["status"]}">'
        f"{escape(status['label'])}</span>"
    ]
    parts.append(
        f'<span class="badge text-bg-info">{escape(_("免申即享"))}</span>'
        if measure.free_of_application
        else ""
    )
    parts.append(
        f'<span class="badge text-bg-warning">{escape(_("征求意见稿"))}</span>'
        if measure.document.is_draft
        else ""
    )
    return mark_safe("\n".join(parts))


def card_html(
    measure, today, *, title_html=None, snippet_html=None, compare_form=False
) -> SafeString:
    """The card of ``measure`` (with ``document.city``, ``topic_list`` and ``support_list``
    read, as ``policies.views.list_cards`` gives them) on ``today``."""
    from .templatetags.catalogue import money

    document = measure.document
    title = conditional_escape(title_html) if title_html else escape(measure.title)
    html = [
        '<article class="card measure-card mb-3">\n  <div class="card-body">\n'
        f'    <h3 class="h5 card-title mb-1"><a href="{escape(measure.get_absolute_url())}">'
        f"{title}</a></h3>\n"
        f'    <p class="small text-body-secondary mb-2">{escape(document.city.name)} · '
        f"{escape(formatting.quote_title(document.title))}"
        f"{escape(formatting.article_label(measure.path))}</p>\n"
    ]
    if snippet_html:
        html.append(f'    <p class="mb-2 measure-snippet">{conditional_escape(snippet_html)}</p>\n')
    html.append(
        '    <div class="d-flex flex-wrap gap-1 align-items-center">\n'
        f"      {badges_html(measure, today)}\n"
    )
    if measure.max_amount_yuan:
        html.append(
            f'      <span class="badge text-bg-light border">{escape(_("最高"))} '
            f"{money(measure.max_amount_yuan)}</span>\n"
        )
    html.append("      ")
    for support in measure.support_list:
        html.append(f'<span class="badge rounded-pill support-badge">{escape(support.name)}</span>')
    for topic in measure.topic_list:
        html.append(
            f'<a class="badge rounded-pill topic-badge" href="{escape(topic.get_absolute_url())}">'
            f"{escape(topic.name)}</a>"
        )
    html.append("\n    </div>\n")
    if compare_form:
        pk = int(measure.pk)  # an id, never a localised number ("1,234")
        html.append(
            '    <div class="form-check mt-2 no-print">\n'
            f'      <input class="form-check-input" type="checkbox" name="m" value="{pk}" '
            f'id="compare-{pk}" form="compare-form">\n'
            f'      <label class="form-check-label" for="compare-{pk}">'
            f"{escape(_('加入对比'))}</label>\n"
            "    </div>\n"
        )
    html.append("  </div>\n</article>\n")
    return mark_safe("".join(html))

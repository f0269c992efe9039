"""Template filters of the public catalogue: ``{% load catalogue %}``."""

import functools

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from policies import cards, filters, formatting, validity

register = template.Library()


@register.filter
def money(amount):
    """The one money filter: ``<data class="money">50 万元</data>`` with the exact amount in
    ``value`` (machine-readable), on hover (``title``) and, when the unit is 万元 or 亿元,
    in ``data-exact`` for the print stylesheet. Nothing for no amount.

    Written once per amount (and its type) and language in a process: a catalogue's amounts
    repeat (50 万元, 100 万元…), and writing one cost 18–24 µs, seven times a list page
    (in-process, 2026-12-03)."""
    return _money(amount, get_language())


@functools.lru_cache(maxsize=4096, typed=True)
def _money(amount, language):
    text = formatting.format_yuan(amount)
    if not text:
        return ""
    exact = formatting.exact_yuan(amount)
    scaled = abs(formatting.yuan_value(amount)) >= formatting.WAN
    return format_html(
        '<data class="money" value="{}" title="{}"{}>{}</data>',
        formatting.yuan_data_value(amount),
        exact,
        format_html(' data-exact="{}"', exact) if scaled else "",
        text,
    )


@register.filter
def steps(text):
    return formatting.handling_steps(text)


@register.filter
def article(path):
    return formatting.article_label(path)


@register.filter
def citation(measure):
    return formatting.citation(measure)


@register.filter
def quoted_title(title):
    """A document's title as quoted: 《…〈…〉…》 (``formatting.quote_title``)."""
    return formatting.quote_title(title)


def badge(status) -> dict:
    status = validity.Status(status)
    return {"css": validity.BADGE_CSS[status], "label": status.label, "status": status.value}


@register.simple_tag
def validity_badge(item, today):
    """The validity status badge of a measure or document on ``today``: css, label, status."""
    return badge(item.validity_status(today))


@register.simple_tag(takes_context=True)
def measure_card(context, measure, title_html=None, snippet_html=None, compare_form=False):
    """``{% measure_card measure %}``: a measure's result card on the page's ``today``
    (``policies.cards.card_html``; the list passes its search's ``title_html`` and
    ``snippet_html`` and asks for the comparison box with ``compare_form=True``). The cards
    of one template share one ``CardWriter``."""
    today = context["today"]
    writer = context.render_context.get(cards.CardWriter)
    if writer is None or writer.today != today or writer.language != get_language():
        writer = context.render_context[cards.CardWriter] = cards.CardWriter(today)
    return cards.card_html(
        measure,
        today,
        title_html=title_html,
        snippet_html=snippet_html,
        compare_form=compare_form,
        writer=writer,
    )


@register.simple_tag(takes_context=True)
def measure_cards(context, results, compare_form=False):
    """``{% measure_cards results compare_form=True %}``: the cards of a result list, each
    ``result`` a ``measure`` with its search's ``title`` and ``snippet`` (the list view's
    ``results``), written in one go by one ``CardWriter``: a tag and a loop iteration per
    card cost the list page 0.15 ms more (in-process, 2026-12-03)."""
    writer = cards.CardWriter(context["today"])
    return mark_safe(
        "".join(
            writer.card(
                result["measure"],
                title_html=result["title"],
                snippet_html=result["snippet"],
                compare_form=compare_form,
            )
            for result in results
        )
    )


@register.simple_tag
def related_measures(measure, related, compare_url):
    """``{% related_measures measure related compare_url %}``: the lines naming a measure's
    like measures of other cities (``policies.cards.related_html``)."""
    return cards.related_html(measure, related, compare_url)


@register.simple_tag(takes_context=True)
def measure_badges(context, measure):
    """``{% measure_badges measure %}``: its validity on the page's ``today``, 免申即享 and
    征求意见稿 (``policies.cards.badges_html``)."""
    return cards.badges_html(measure, context["today"])


@register.simple_tag
def period_badge(period, today, draft=False):
    """The badge of a part's period (a ``validity.Period``)."""
    return badge(validity.status_of(period, today, draft=draft))


@register.filter
def period_text(period):
    return validity.describe(period)


@register.filter
def cn_date(day, part=""):
    """2026年11月30日 (a moment: 2026年11月30日 14:05; ``|cn_date:"day"`` its day only): the
    one date format of the portal."""
    return formatting.date_text(day, time=part != "day")


@register.filter
def contact_text(contact):
    """A contact from the importer's JSON (``{"name", "role", "phones": [...]}``) as one line."""
    if not isinstance(contact, dict):
        return str(contact)
    phones = contact.get("phones") or [contact[key] for key in ("phone", "tel") if contact.get(key)]
    who = " ".join(str(contact[key]) for key in ("role", "name") if contact.get(key))
    return "，".join(part for part in (who, "、".join(map(str, phones))) if part)


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current GET query with some parameters replaced (``None`` or "" removes them)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def pick(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def timeuntil_days(date, today):
    """Whole days from ``today`` until ``date`` (0 on the day itself)."""
    return (date - today).days


@register.simple_tag
def filter_field(field):
    """``{% filter_field filter.form.q %}``: a field of the list's filter form with its label,
    help text and errors (``policies.filters.field_html``)."""
    return filters.field_html(field)

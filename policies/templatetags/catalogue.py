"""Template filters of the public catalogue: ``{% load catalogue %}``."""

from django import template

from policies import formatting, validity

register = template.Library()


@register.filter
def yuan(amount):
    return formatting.format_yuan(amount)


@register.filter
def steps(text):
    return formatting.handling_steps(text)


@register.filter
def article(path):
    return formatting.article_label(path)


@register.filter
def citation(measure):
    return formatting.citation(measure)


def badge(status) -> dict:
    status = validity.Status(status)
    return {"css": validity.BADGE_CSS[status], "label": status.label, "status": status.value}


@register.simple_tag
def validity_badge(item, today):
    """The validity status badge of a measure or document on ``today``: css, label, status."""
    return badge(item.validity_status(today))


@register.simple_tag
def period_badge(period, today, draft=False):
    """The badge of a part's period (a ``validity.Period``)."""
    return badge(validity.status_of(period, today, draft=draft))


@register.filter
def period_text(period):
    return validity.describe(period)


@register.filter
def cn_date(day):
    """2026年11月30日: the one date format of the portal."""
    return validity.date_text(day)


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

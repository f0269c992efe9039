"""How an editorial note (编者校注) shows the damaged original: ``{% load editorial %}``."""

import unicodedata

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# Characters a browser draws as an empty box (□) or not at all: private use (the mojibake
# of 营口 has U+E480 and U+E0A6), unassigned, surrogates, controls and invisible formats.
INVISIBLE = frozenset({"Co", "Cn", "Cs", "Cc", "Cf"})


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


@register.filter
def damaged(text):
    """The damaged original as readers can see it: each character that would show as a box
    (or nothing) written as its code point, marked as such; everything else escaped."""
    parts = []
    for char in str(text or ""):
        if unicodedata.category(char) in INVISIBLE and char not in "\n\t":
            parts.append(
                str(
                    format_html(
                        '<span class="code-point" title="{}">{}</span>',
                        _("原文此处的字符无法显示，以其 Unicode 编码表示"),
                        code_point(char),
                    )
                )
            )
        else:
            parts.append(escape(char))
    return mark_safe("".join(parts))

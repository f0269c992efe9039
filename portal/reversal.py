"""``object_url``: ``reverse()`` for the URLs the catalogue's pages print by the dozen — an
object's page, named by its id or slug.

A list page of twenty measures printed some seventy such URLs, and ``reverse()`` took ~20 µs
each (in-process, the bench's 10,000-measure catalogue): about a tenth of the page. Here each
URL name is reversed once per script prefix and URLconf, with a marker in place of the
argument, and then the argument is put where the marker was. Only for arguments that
``reverse()`` would put in the URL as they are — an id as the ``id`` converter takes it, a
slug as Django's ``slug`` converter matches it; anything else (``None``, 0, a value needing
quoting) goes to ``reverse()`` itself, which answers or raises as it always does.
"""

import re
from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.urls.converters import SlugConverter

from .params import MAX_ID

_ID_MARK = 9_876_543_210_123  # a valid id no row has: its digits occur nowhere else in a URL
_SLUG_MARK = "zq-slug-mark-qz"
_SLUG = re.compile(SlugConverter.regex)


@lru_cache(maxsize=512)
def _halves(name, argument, mark, prefix, urlconf) -> tuple[str, str]:
    url = reverse(name, kwargs={argument: mark}, urlconf=urlconf)
    head, found, tail = url.partition(str(mark))
    if not found or str(mark) in tail:
        raise ValueError(f"{name}: its URL does not hold its argument once, as given")
    return head, tail


def object_url(name: str, **kwargs) -> str:
    """``reverse(name, kwargs=kwargs)`` for one argument, an id or a slug."""
    ((argument, value),) = kwargs.items()
    if type(value) is int and 1 <= value <= MAX_ID:
        mark = _ID_MARK
    elif type(value) is str and _SLUG.fullmatch(value):
        mark = _SLUG_MARK
    else:
        return reverse(name, kwargs=kwargs)
    try:
        head, tail = _halves(name, argument, mark, get_script_prefix(), get_urlconf())
    except NoReverseMatch:  # the pattern takes no such value: reverse() says so, or finds another
        return reverse(name, kwargs=kwargs)
    return f"{head}{value}{tail}"

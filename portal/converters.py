"""The one path converter for an id in a URL: ``<id:pk>``.

Django's ``<int:…>`` matches any run of digits, and a number beyond a 64-bit column reaches the
database: SQLite raises ``OverflowError`` (a 500), PostgreSQL "out of range". An id here is what
``portal.params.positive_int`` accepts: ASCII digits, 1 to ``MAX_ID``; anything else does not
match the pattern, which answers 404 like any unknown page.
"""

from django.urls import register_converter
from django.urls.converters import IntConverter

from .params import MAX_ID


class IdConverter(IntConverter):
    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)  # the resolver reads a ValueError as "no match"
        return number


register_converter(IdConverter, "id")

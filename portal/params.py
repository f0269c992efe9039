"""Numbers read from a request (an id, a page), parsed in one place.

``str.isdigit`` is true of "²" and "①", which ``int`` refuses, and of "٣" and "１２", which
``int`` reads as 3 and 12; a number of 30 digits fits no database column (SQLite raises
``OverflowError``, PostgreSQL "out of range"). Only ASCII digits, within a 64-bit column, are
a number here; anything else is None, for the caller to answer 400 or a message.
"""

MAX_ID = 2**63 - 1  # the largest BigAutoField (and SQLite INTEGER, PostgreSQL bigint)


def positive_int(value, maximum: int = MAX_ID) -> int | None:
    """``value`` (a str from ``request.GET``/``POST``, surrounding spaces allowed) as an int
    of 1 to ``maximum``, or None when it is anything else."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > len(str(maximum)) or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= maximum else None

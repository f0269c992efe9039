"""Hostile input for the fuzz tests: values, parameter lists, raw query strings and bodies.

A value is a string a browser, a script or an attacker could send: NUL bytes, digits that
``str.isdigit`` accepts and ``int`` does not (², ①) or does (٣, １２), numbers too large
for any column, 100,000 characters, dates that do not exist, markup and SQL. A parameter
list repeats keys (arrays where a view expects one value) and adds unknown ones. Encoded,
it may carry raw percent-escapes that are not UTF-8 (``%ff%fe``) or a NUL (``%00``).
"""

import datetime
from urllib.parse import quote

from hypothesis import strategies as st

LONG = 100_000

NASTY = [
    "",
    " ",
    "\t\n",
    "\x00",
    "1\x00",
    "anshan\x00",
    "\x00" * 3,
    # digits: isdigit() true, int() refuses (², ①) or accepts (٣, １２, 𝟏)
    "²",
    "①",
    "٣",
    "１２",
    "𝟏",
    "߁",
    "²³",
    " ² ",
    # numbers
    "0",
    "00",
    "-0",
    "-1",
    "+1",
    " 1 ",
    "1.0",
    "1.5",
    "1e3",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "0x1f",
    "1_000",
    "1,000",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    str(10**30),
    str(-(10**30)),
    "9" * 400,
    "0." + "0" * 50 + "1",
    "1" + "0" * 30 + ".5",
    # dates
    "2023-02-30",
    "9999-99-99",
    "0000-00-00",
    "2023-13-01",
    "10000-01-01",
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "2023/02/30",
    "2023年02月30日",
    "2023-1-1",
    # markup, SQL, paths, URLs
    "'",
    '"',
    "' OR 1=1 --",
    "'; DROP TABLE policies_measure; --",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% debug %}",
    "%s%s%s%(x)s",
    "%",
    "%ff",
    "\\",
    "../../../etc/passwd",
    "/",
    "//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "\r\nSet-Cookie: x=1",
    # odd text
    "\u202e",
    "\ufeff",
    "\u200b",
    "𠀀",
    "🙂",
    "\U0010ffff",
    "\x7f\x1b[0m",
    "補貼",
    "yes",
    "no",
    "on",
    "true",
    "null",
    "None",
    "[]",
    "{}",
    "[1, 2]",
    # very long
    "x" * LONG,
    "补" * LONG,
    "1" * LONG,
]

# Raw fragments appended to a query string or a form body, not valid UTF-8 or not valid at all.
RAW = [
    "",
    "",
    "",
    "&%ff%fe=%ff",
    "&a=%00",
    "&%",
    "&a=%zz",
    "&&&=",
    "&a=%C0%80",
    "&a=%ED%A0%80",
    ";",
]

numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
dates = st.one_of(
    st.dates(min_value=datetime.date(1, 1, 1)).map(str),
    st.tuples(st.integers(-1, 12000), st.integers(-1, 99), st.integers(-1, 99)).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"
    ),
)
hostile = st.one_of(st.sampled_from(NASTY), st.text(max_size=30), numbers, dates)


# A good value made hostile: what slips past a check that looks at the start of a value only.
MUTATIONS = [
    lambda v: v + "\x00",
    lambda v: "\x00" + v,
    lambda v: v + "²",
    lambda v: v.translate(FULL_WIDTH),
    lambda v: f" {v} ",
    lambda v: v + "'",
    lambda v: v + "\n" + v,
    lambda v: v.upper(),
    lambda v: (v or "x") * (LONG // max(len(v), 1)),
]
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


def values(good=()):
    """One value: a known good one (so that deeper code runs), a good one made hostile, or
    a hostile one."""
    good = [str(value) for value in good]
    if not good:
        return hostile
    chosen = st.sampled_from(good)
    mutated = st.builds(lambda value, mutate: mutate(value), chosen, st.sampled_from(MUTATIONS))
    return st.one_of(chosen, hostile, mutated, chosen, hostile)


key_names = st.one_of(
    st.sampled_from(["", "x", "a[]", "page", "q", "\x00", "²", "𠀀", "x" * 300]),
    st.text(min_size=1, max_size=8),
)


def params(fields, max_changes=6):
    """(key, value) pairs for ``fields`` (name → good values).

    Half the time it starts from a complete form of good values (so that hostile values
    reach the code behind a valid form), then up to ``max_changes`` changes: a field
    replaced by another value, or given a second one (an array where one value is
    expected), or dropped; and up to two unknown keys."""
    names = sorted(fields)
    good = {name: [str(value) for value in fields[name]] for name in names}
    each = {name: values(good[name]) for name in names}
    extra = st.lists(st.tuples(key_names, hostile), max_size=2)
    hows = st.sampled_from(["replace", "replace", "repeat", "drop"])

    @st.composite
    def pairs_of(draw):
        pairs = []
        if names and draw(st.booleans()):
            pairs = [(name, draw(st.sampled_from(good[name]))) for name in names if good[name]]
        if names:
            for _change in range(draw(st.integers(0, max_changes))):
                name = draw(st.sampled_from(names))
                how = draw(hows)
                if how != "repeat":
                    pairs = [pair for pair in pairs if pair[0] != name]
                if how != "drop":
                    pairs.append((name, draw(each[name])))
        return pairs + draw(extra)

    return pairs_of()


def encode(pairs, raw=""):
    """``pairs`` as ``application/x-www-form-urlencoded`` (also a query string), UTF-8, with a
    raw fragment appended. Lone surrogates (never produced here) would be replaced."""
    body = "&".join(
        f"{quote(k, safe='', errors='replace')}={quote(v, safe='', errors='replace')}"
        for k, v in pairs
    )
    return body + raw


raw_fragments = st.sampled_from(RAW)

# Path segments for each URL converter.
int_segments = st.one_of(
    st.integers(min_value=0, max_value=10**40).map(str),
    st.sampled_from(["0", "00", "9" * 400, str(2**63), str(2**63 - 1), "1" * 5000]),
)
slug_segments = st.one_of(
    st.from_regex(r"\A[-a-zA-Z0-9_]{1,40}\Z"),
    st.sampled_from(["anshan", "a" * 5000, "-", "_", "finance", "profile", "0"]),
)
str_segments = st.one_of(
    st.text(min_size=1, max_size=40)
    .filter(lambda s: "/" not in s)
    .map(lambda s: quote(s, safe="")),
    st.sampled_from(
        [
            "%00",
            "%ff%fe",
            "%C0%80",
            "²",
            quote("²"),
            quote("①"),
            "x" * 5000,
            quote("补" * 2000),
            "..",
            ".",
            "%2e%2e",
            "%252e",
            "a%2Fb",
        ]
    ),
)

"""Comparing a quoted clause with the text it quotes, whatever spaces or half-width
punctuation a copy introduced (both go through the importer's cleaning first)."""

import re


def bare(text: str) -> str:
    from policies.importer.cleaning import clean_line

    return re.sub(r"\s+", "", clean_line(text or ""))

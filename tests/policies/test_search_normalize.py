"""Queries are normalised before searching: traditional → simplified, full-width → half-width."""

import pytest

from policies.models import Measure
from policies.search import grams, normalize_query, query_terms, search_measures


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("補貼", "补贴"),
        ("  專精特新  ", "专精特新"),
        ("融資　擔保", "融资 担保"),
        ("ＲＥＩＴｓ", "REITs"),
        ("上市\t\n 科技", "上市 科技"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_normalizes_the_query(typed, searched):
    assert normalize_query(typed) == searched


def test_it_splits_terms_at_spaces_and_punctuation_lowercased_without_repeats():
    assert query_terms("補貼，上市 补贴 REITs") == ["补贴", "上市", "reits"]


def test_it_cuts_text_into_pairs_and_run_ends():
    assert grams("补贴资金，补贴") == {"补贴": 2, "贴资": 1, "资金": 1, "金": 1, "贴": 1}
    assert grams("REITs项目") == {"re": 1, "ei": 1, "it": 1, "ts": 1, "s项": 1, "项目": 1, "目": 1}
    assert grams("") == {}


def test_it_counts_every_character_once_among_the_grams_starting_with_it():
    text = "对企业的补贴，企业。业"
    for char in set(text) - set("，。"):
        starting = sum(n for gram, n in grams(text).items() if gram[0] == char)
        assert starting == text.count(char)


@pytest.mark.parametrize(("traditional", "simplified"), [("補貼", "补贴"), ("上市", "上市")])
def test_it_finds_the_same_measures_for_traditional_and_simplified(
    catalogue, traditional, simplified
):
    measures = Measure.objects.all()
    found_traditional = list(search_measures(measures, traditional).values_list("pk", flat=True))
    found_simplified = list(search_measures(measures, simplified).values_list("pk", flat=True))
    assert found_simplified
    assert sorted(found_traditional) == sorted(found_simplified)

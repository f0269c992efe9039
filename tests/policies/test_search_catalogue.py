"""Searching the real catalogue: the two-character words enterprises type find what they should.

The expected set is computed from the imported rows themselves (every measure whose title or
text contains the word), so the test holds whatever the importer's exact output is.
"""

import pytest

from policies.models import Measure
from policies.search import search_measures


def containing(word):
    return {m.pk for m in Measure.objects.all() if word in m.title or word in m.text}


@pytest.mark.parametrize("word", ["补贴", "上市", "科技", "专精特新", "融资担保", "以旧换新"])
def test_it_finds_exactly_the_measures_containing_the_word(catalogue, word):
    expected = containing(word)
    assert expected, f"the catalogue mentions {word}"
    found = set(search_measures(Measure.objects.all(), word).values_list("pk", flat=True))
    assert found == expected


def test_it_finds_a_known_measure_for_a_two_character_word(catalogue):
    # 营口市 item 1 asks counties to hand out 大宗消费补贴 (see fixtures/sources).
    measure = Measure.objects.filter(document__city__name="营口市", path_key="1").get()
    assert "补贴" in measure.text
    found = search_measures(Measure.objects.filter(document__city__name="营口市"), "补贴")
    assert measure in found


def test_it_ranks_every_result_above_zero(catalogue):
    ranks = search_measures(Measure.objects.all(), "补贴").values_list("search_rank", flat=True)
    assert ranks and min(ranks) > 0


def test_it_returns_nothing_for_a_word_absent_from_the_catalogue(catalogue):
    assert containing("量子纠缠") == set()
    assert not search_measures(Measure.objects.all(), "量子纠缠").exists()

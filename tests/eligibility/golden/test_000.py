"""Golden table of 鞍山 2024 (000): profiles → verdict and amount (yuan), read by hand
from the clause each rule quotes.

Money answers are in 万元, as the enterprise types them. ``(low, high)`` is the amount
range: equal for a fixed sum, ``(0, x)`` where the clause says "最高/不超过". A row may end
with the 测算日期 it is evaluated on (default: ``fixturedata.AS_OF`` of the document).
"""

import datetime  # noqa: F401 - rows may name a 测算日期

import pytest

from policies.eligibility.evaluator import ELIGIBLE, INELIGIBLE, MAYBE  # noqa: F401

from ..fixturedata import SOURCES
from .common import AC, WR, check_row, covered_by  # noqa: F401

A24 = SOURCES["鞍山2024"]

GOLDEN = [
    # 鞍山 2024 第7条：国家级/省级众创空间、孵化器 50万/20万
    (A24, "7", {"incubator_level": "national"}, ELIGIBLE, 500_000, 500_000),
    (A24, "7", {"incubator_level": "provincial"}, ELIGIBLE, 200_000, 200_000),
    (A24, "7", {"incubator_level": "none"}, INELIGIBLE, 0, 0),
    # 第10条：新增保险资金投资额 0.5%，最高 500万
    (A24, "10", {"insurance_investment": 20000}, ELIGIBLE, 1_000_000, 1_000_000),
    (A24, "10", {"insurance_investment": 200000}, ELIGIBLE, 5_000_000, 5_000_000),
    (A24, "10", {"insurance_investment": 0}, INELIGIBLE, 0, 0),
    # 第14条：每人 1500元
    (A24, "14", {"graduates_hired": 12}, ELIGIBLE, 18_000, 18_000),
    (A24, "14", {"graduates_hired": 1}, ELIGIBLE, 1_500, 1_500),
    (A24, "14", {"graduates_hired": 0}, INELIGIBLE, 0, 0),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[f"{c[1]}-{c[3]}-{c[5]}" for c in GOLDEN])
def test_it_gives_the_golden_verdict_and_amount(case):
    check_row(case)


def test_it_has_a_golden_row_for_every_encoded_measure():
    covered_by(GOLDEN, A24)

"""Golden table of 三门峡 (004): profiles → verdict and amount (yuan), read by hand
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

SMX = SOURCES["三门峡"]

GOLDEN = [
    # 三门峡（一）：上年度技术合同成交额最高 10%，不超过 100万
    (
        SMX,
        "1",
        {"bought_out_of_province_tech": True, "tech_contract_turnover": 500},
        ELIGIBLE,
        0,
        500_000,
    ),
    (
        SMX,
        "1",
        {"bought_out_of_province_tech": True, "tech_contract_turnover": 2000},
        ELIGIBLE,
        0,
        1_000_000,
    ),
    # 三门峡（二）：境内上市分阶段 500万；新三板 80万；中原股权交易中心 20万
    (
        SMX,
        "2",
        {"listing_stage": "listed", "neeq_listed": False, "regional_equity_listed": False},
        ELIGIBLE,
        0,
        5_000_000,
    ),
    (
        SMX,
        "2",
        {"listing_stage": "none", "neeq_listed": True, "regional_equity_listed": False},
        ELIGIBLE,
        800_000,
        800_000,
    ),
    (
        SMX,
        "2",
        {"listing_stage": "none", "neeq_listed": True, "regional_equity_listed": True},
        ELIGIBLE,
        1_000_000,
        1_000_000,
    ),
    (
        SMX,
        "2",
        {"listing_stage": "none", "neeq_listed": False, "regional_equity_listed": False},
        INELIGIBLE,
        0,
        0,
    ),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[f"{c[1]}-{c[3]}-{c[5]}" for c in GOLDEN])
def test_it_gives_the_golden_verdict_and_amount(case):
    check_row(case)


def test_it_has_a_golden_row_for_every_encoded_measure():
    covered_by(GOLDEN, SMX)

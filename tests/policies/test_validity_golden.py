"""Golden table of validity, read by hand from the five sources (every measure whose own text
dates it, and every document), and the boundaries on either side of which the portal's
statuses, counts, filters and self-check verdicts flip.

A row: (source, path) → the measure's status on 2026-11-30, its own period (start, end, kind,
basis), the sentences that state a period of their own (the words, start, end), and the
period of its self-check rule where one is encoded.
"""

import datetime

import pytest

from policies import validity
from policies.eligibility.models import EligibilityRule
from policies.models import Measure, PolicyDocument
from policies.validity import Basis, Kind, Status

D = datetime.date
A24, YK, A23, LC, SMX = (
    "000_6bda17272921f9c3.txt",
    "001_c6539826c75744cc.txt",
    "002_14e9fef579fde56b.txt",
    "003_76bc870404a33f18.txt",
    "004_e14e5c0ebb4c74ab.txt",
)
TODAY = D(2026, 11, 30)
Y2022 = (D(2022, 1, 1), D(2022, 12, 31))
Y2023 = (D(2023, 1, 1), D(2023, 12, 31))
Y2024 = (D(2024, 1, 1), D(2024, 12, 31))
ANSHAN_2023_OPEN = (None, None, Kind.OPEN, Basis.DEADLINE)  # 执行期限：持续开展/持续推进


def ended(day):
    return (None, day, Kind.DATED, Basis.DEADLINE)  # 执行期限：2023年12月31日 …


MEASURES = [
    # 鞍山 2024（本文件自公布之日起施行）第14条：扩岗补助、降费率“至2025年底”，其余持续
    (
        A24,
        "14",
        Status.IN_FORCE,
        (D(2024, 12, 2), None, Kind.OPEN, Basis.DOCUMENT),
        [("至2025年底", None, D(2025, 12, 31)), ("至2025年底", None, D(2025, 12, 31))],
        (None, D(2025, 12, 31), Kind.DATED),
    ),
    # 营口（原文未载明有效期）
    (
        YK,
        "2",
        Status.UNKNOWN,
        (D(2024, 5, 31), None, Kind.UNKNOWN, Basis.DOCUMENT),
        [("2024年", *Y2024)],
        (D(2024, 5, 31), None, Kind.UNKNOWN),  # the 2024 part is dated apart
    ),
    (
        YK,
        "3",
        Status.UNKNOWN,
        (D(2024, 5, 31), None, Kind.UNKNOWN, Basis.DOCUMENT),
        [("2024年", *Y2024)],
        (D(2024, 5, 31), None, Kind.UNKNOWN),
    ),  # 专区奖励未载明期限
    (
        YK,
        "13",
        Status.UNKNOWN,
        (D(2024, 5, 31), None, Kind.UNKNOWN, Basis.DOCUMENT),
        [
            ("当年", *Y2024),
            ("当年、次年", D(2024, 1, 1), D(2025, 12, 31)),
            ("当年、次年", D(2024, 1, 1), D(2025, 12, 31)),
        ],
        (D(2024, 1, 1), D(2025, 12, 31), Kind.DATED),
    ),
    (
        YK,
        "14",
        Status.EXPIRED,
        (*Y2024, Kind.DATED, Basis.CURATED),
        [("2024年", *Y2024), ("2024年", *Y2024)],
        (*Y2024, Kind.DATED),
    ),
    (
        YK,
        "17",
        Status.UNKNOWN,
        (D(2024, 5, 31), None, Kind.UNKNOWN, Basis.DOCUMENT),
        [("2024年", *Y2024), ("2024年起", D(2024, 1, 1), None), ("2024年", *Y2024)],
        (D(2024, 1, 1), None, Kind.OPEN),  # 2024年起…担保费补贴
    ),
    (
        YK,
        "23",
        Status.UNKNOWN,
        (D(2024, 5, 31), None, Kind.UNKNOWN, Basis.DOCUMENT),
        [("到2024年底前", None, D(2024, 12, 31))],
        (None, D(2024, 12, 31), Kind.DATED),
    ),
    (
        YK,
        "25",
        Status.UNKNOWN,
        (D(2024, 5, 31), None, Kind.UNKNOWN, Basis.DOCUMENT),
        [("2024年", *Y2024)],
        (D(2024, 5, 31), None, Kind.UNKNOWN),
    ),
    (
        YK,
        "40",
        Status.UNKNOWN,
        (D(2024, 5, 31), None, Kind.UNKNOWN, Basis.DOCUMENT),
        [("至2025年底", None, D(2025, 12, 31))],
        (D(2024, 5, 31), None, Kind.UNKNOWN),
    ),
    (
        YK,
        "41",
        Status.EXPIRED,
        (*Y2024, Kind.DATED, Basis.CURATED),
        [("2024年1月1日到2024年12月31日", *Y2024)],
        None,
    ),
    # 鞍山 2023（征求意见稿）：执行期限 lines
    (
        A23,
        "1.1",
        Status.EXPIRED,
        ended(D(2023, 12, 20)),
        [("2023年7月至11月", D(2023, 7, 1), D(2023, 11, 30))],
        None,
    ),
    (
        A23,
        "1.2",
        Status.EXPIRED,
        ended(D(2023, 12, 31)),
        [("2023年", *Y2023)],
        (None, D(2023, 12, 31), Kind.DATED),
    ),
    (A23, "1.3", Status.EXPIRED, ended(D(2023, 12, 31)), [], (None, D(2023, 12, 31), Kind.DATED)),
    (A23, "1.4", Status.EXPIRED, ended(D(2023, 12, 31)), [], (None, D(2023, 12, 31), Kind.DATED)),
    (
        A23,
        "2.1",
        Status.UNKNOWN,
        (None, None, Kind.UNKNOWN, Basis.DEADLINE),
        [],
        (None, None, Kind.UNKNOWN),
    ),  # 结果公布后6个月内
    (
        A23,
        "2.2",
        Status.EXPIRED,
        ended(D(2023, 12, 31)),
        [("2023年7月至11月", D(2023, 7, 1), D(2023, 11, 30))],
        (None, D(2023, 12, 31), Kind.DATED),
    ),
    (
        A23,
        "3.1",
        Status.EXPIRED,
        ended(D(2023, 12, 31)),
        [("2023年9月至11月", D(2023, 9, 1), D(2023, 11, 30))],
        (None, D(2023, 12, 31), Kind.DATED),
    ),
    (A23, "3.2", Status.EXPIRED, ended(D(2023, 12, 31)), [], (None, D(2023, 12, 31), Kind.DATED)),
    (
        A23,
        "4.1",
        Status.EXPIRED,
        ended(D(2023, 12, 31)),
        [("2023年9月至11月", D(2023, 9, 1), D(2023, 11, 30))],
        (None, D(2023, 12, 31), Kind.DATED),
    ),
    (A23, "4.2", Status.EXPIRED, ended(D(2023, 12, 31)), [], (None, D(2023, 12, 31), Kind.DATED)),
    (A23, "5.1", Status.UNKNOWN, ANSHAN_2023_OPEN, [("2024年", *Y2024)], (None, None, Kind.OPEN)),
    (A23, "6.1", Status.UNKNOWN, ANSHAN_2023_OPEN, [], (None, None, Kind.OPEN)),
    (A23, "8.1", Status.EXPIRED, ended(D(2023, 12, 31)), [], (None, D(2023, 12, 31), Kind.DATED)),
    (A23, "8.3", Status.EXPIRED, ended(D(2023, 12, 31)), [], (None, D(2023, 12, 31), Kind.DATED)),
    (A23, "9", Status.EXPIRED, ended(D(2023, 11, 30)), [], (None, D(2023, 11, 30), Kind.DATED)),
    (A23, "10.1", Status.UNKNOWN, ANSHAN_2023_OPEN, [], (None, None, Kind.OPEN)),
    (A23, "10.2", Status.EXPIRED, ended(D(2023, 12, 31)), [], (None, D(2023, 12, 31), Kind.DATED)),
    (A23, "11.1", Status.EXPIRED, ended(D(2025, 12, 31)), [], (None, D(2025, 12, 31), Kind.DATED)),
    (A23, "11.2", Status.EXPIRED, ended(D(2025, 12, 31)), [], (None, D(2025, 12, 31), Kind.DATED)),
    (A23, "11.3", Status.EXPIRED, ended(D(2025, 12, 31)), [], (None, D(2025, 12, 31), Kind.DATED)),
    (A23, "13.5", Status.UNKNOWN, ANSHAN_2023_OPEN, [], (None, None, Kind.OPEN)),
    (A23, "14", Status.EXPIRED, ended(D(2025, 12, 31)), [], None),
    (A23, "16.2", Status.EXPIRED, ended(D(2025, 12, 31)), [], (None, D(2025, 12, 31), Kind.DATED)),
    (
        A23,
        "18.2",
        Status.EXPIRED,
        ended(D(2023, 12, 31)),
        [("2022年", *Y2022)],
        (None, D(2023, 12, 31), Kind.DATED),
    ),  # 2022年度 is the basis year; 执行期限 governs
    # 聊城（以上措施自印发之日起实施；印发日期未载）第20条：目标“到2025年”
    (
        LC,
        "20",
        Status.IN_FORCE,
        (None, None, Kind.OPEN, Basis.DOCUMENT),
        [("到2025年", None, D(2025, 12, 31))],
        (None, None, Kind.OPEN),
    ),
    # 三门峡（2022年5月27日发布，原文未载明有效期）
    (
        SMX,
        "2",
        Status.UNKNOWN,
        (D(2022, 5, 27), None, Kind.UNKNOWN, Basis.DOCUMENT),
        [("2022年", *Y2022), ("2022年", *Y2022), ("2022年", *Y2022)],
        (D(2022, 5, 27), None, Kind.UNKNOWN),
    ),
    (
        SMX,
        "3",
        Status.UNKNOWN,
        (D(2022, 5, 27), None, Kind.UNKNOWN, Basis.DOCUMENT),
        [
            ("到2023年4月底、到2022年底", None, D(2023, 4, 30)),
            ("2022年起、2022年起到2023年6月", D(2022, 1, 1), D(2023, 6, 30)),
        ],
        (D(2022, 5, 27), None, Kind.UNKNOWN),
    ),
    (
        SMX,
        "7",
        Status.UNKNOWN,
        (D(2022, 5, 27), None, Kind.UNKNOWN, Basis.DOCUMENT),
        [("2022年", *Y2022)],
        None,
    ),
    (
        SMX,
        "9",
        Status.UNKNOWN,
        (D(2022, 5, 27), None, Kind.UNKNOWN, Basis.DOCUMENT),
        [("2022年", *Y2022)],
        (D(2022, 5, 27), None, Kind.UNKNOWN),
    ),
    (
        SMX,
        "11",
        Status.UNKNOWN,
        (D(2022, 5, 27), None, Kind.UNKNOWN, Basis.DOCUMENT),
        [("到2022年底", None, D(2022, 12, 31)), ("2022年", *Y2022)],
        (D(2022, 5, 27), None, Kind.UNKNOWN),
    ),
    (
        SMX,
        "12",
        Status.UNKNOWN,
        (D(2022, 5, 27), None, Kind.UNKNOWN, Basis.DOCUMENT),
        [("到2025年", None, D(2025, 12, 31))],
        (D(2022, 5, 27), None, Kind.UNKNOWN),
    ),
]

DOCUMENTS = [
    # source, status on 2026-11-30, (start, end, kind), words, the sentence a reader is shown
    (
        A24,
        Status.IN_FORCE,
        (D(2024, 12, 2), None, Kind.OPEN),
        "本文件自公布之日起施行",
        "2024年12月2日起施行，未载明截止日期",
    ),
    (
        YK,
        Status.UNKNOWN,
        (D(2024, 5, 31), None, Kind.UNKNOWN),
        "",
        "2024年5月31日发布，原文未载明有效期，请向责任单位确认",
    ),
    (A23, Status.UNKNOWN, (None, None, Kind.UNKNOWN), "", "原文未载明有效期，请向责任单位确认"),
    (
        LC,
        Status.IN_FORCE,
        (None, None, Kind.OPEN),
        "以上措施自印发之日起实施",
        "长期有效，未载明截止日期，原文未载明印发日期",
    ),
    (
        SMX,
        Status.UNKNOWN,
        (D(2022, 5, 27), None, Kind.UNKNOWN),
        "",
        "2022年5月27日发布，原文未载明有效期，请向责任单位确认",
    ),
]


@pytest.mark.parametrize("row", MEASURES, ids=[f"{r[0][:3]}-{r[1]}" for r in MEASURES])
def test_it_reads_each_dated_measures_validity(catalogue, row):
    source, path, status, period, parts, rule_period = row
    measure = Measure.objects.select_related("document", "eligibility_rule").get(
        document__source=source, path_key=path
    )
    assert measure.validity_status(TODAY) == status
    assert (
        measure.valid_from,
        measure.valid_until,
        measure.validity_kind,
        measure.validity_basis,
    ) == period
    assert [(p.period.words, p.period.start, p.period.end) for p in measure.parts] == parts
    if rule_period is None:
        assert not EligibilityRule.objects.encoded().filter(measure=measure).exists()
    else:
        rule = measure.eligibility_rule
        assert (rule.valid_from, rule.valid_until, rule.validity_kind) == rule_period


def test_the_golden_table_has_every_measure_whose_text_dates_it(catalogue):
    measures = list(Measure.objects.select_related("document"))
    dated = {
        (m.document.source, m.path_key)
        for m in measures
        if m.validity_parts or m.validity_basis in (Basis.CURATED, Basis.DEADLINE)
    }
    covered = {(source, path) for source, path, *_ in MEASURES}
    # 鞍山 2023's 执行期限 lines date every item: the table keeps samples of the lines that
    # repeat (持续开展, 持续推进…, 2023年12月31日) on items with no dated sentence, all others
    repeats = {
        (m.document.source, m.path_key)
        for m in measures
        if m.document.source == A23
        and not m.validity_parts
        and (m.deadline_text.startswith("持续") or m.deadline_text == "2023年12月31日")
    }
    assert dated - covered <= repeats
    assert covered <= dated
    assert len(MEASURES) >= 25


@pytest.mark.parametrize("row", DOCUMENTS, ids=[r[0][:3] for r in DOCUMENTS])
def test_it_reads_each_documents_validity(catalogue, row):
    source, status, period, words, text = row
    document = PolicyDocument.objects.get(source=source)
    assert document.validity_status(TODAY) == status
    assert (document.valid_from, document.valid_until, document.validity_kind) == period
    assert document.validity_words == words
    assert document.validity_text() == text


def test_a_draft_is_never_in_force_whatever_its_execution_period_says(catalogue):
    draft = Measure.objects.select_related("document").filter(document__status="draft")
    for day in (D(2023, 10, 16), D(2024, 6, 1), D(2025, 12, 31), TODAY):
        assert not draft.filter(validity.measure_q("counted", day)).exists()
        assert all(m.validity_status(day) not in validity.COUNTED for m in draft)


def test_measures_without_a_stated_period_are_never_counted_in_force(catalogue):
    unknown = Measure.objects.filter(validity_kind=Kind.UNKNOWN)
    assert unknown.count() > 40  # 营口 and 三门峡: no validity stated
    assert not Measure.objects.in_force(TODAY).filter(pk__in=unknown).exists()

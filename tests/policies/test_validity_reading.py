"""The validity reader (policies.validity): periods read from words, table by table."""

import datetime

import pytest

from policies import validity
from policies.validity import Kind, Period, Status

D = datetime.date


@pytest.mark.parametrize(
    ("text", "issued_on", "expected"),
    [
        # (start, end, kind, words)
        (
            "正文。\n本文件自公布之日起施行。",
            D(2024, 12, 2),
            (D(2024, 12, 2), None, Kind.OPEN, "本文件自公布之日起施行"),
        ),
        (
            "以上措施自印发之日起实施。我市以前相关规定与本文不一致的，以本文为准。",
            None,
            (None, None, Kind.OPEN, "以上措施自印发之日起实施"),
        ),
        (
            "本措施自发布之日起施行，有效期3年。",
            D(2024, 3, 1),
            (D(2024, 3, 1), D(2027, 2, 28), Kind.DATED, "本措施自发布之日起施行，有效期3年"),
        ),
        (
            "本通知自印发之日起实施，有效期两年。",
            D(2023, 5, 10),
            (D(2023, 5, 10), D(2025, 5, 9), Kind.DATED, "本通知自印发之日起实施，有效期两年"),
        ),
        (
            "本办法自2024年1月1日起施行，有效期至2025年12月31日。",
            D(2023, 12, 1),
            (
                D(2024, 1, 1),
                D(2025, 12, 31),
                Kind.DATED,
                "本办法自2024年1月1日起施行，有效期至2025年12月31日",
            ),
        ),
        (
            "本政策自2024年7月1日起至2026年6月30日止。",
            None,
            (D(2024, 7, 1), D(2026, 6, 30), Kind.DATED, "本政策自2024年7月1日起至2026年6月30日止"),
        ),
        (
            "本若干措施执行至2025年12月31日。",
            D(2024, 1, 5),
            (None, D(2025, 12, 31), Kind.DATED, "本若干措施执行至2025年12月31日"),
        ),
        # no statement: unknown, from the issue date
        ("一、总则\n1.支持企业发展。", D(2022, 5, 27), (D(2022, 5, 27), None, Kind.UNKNOWN, "")),
    ],
)
def test_it_reads_a_documents_period(text, issued_on, expected):
    period = validity.read_document(text, issued_on)
    assert (period.start, period.end, period.kind, period.words) == expected


@pytest.mark.parametrize(
    ("sentence", "year", "expected"),
    [
        # (start, end, words, note contains)
        (
            "延续实施一次性扩岗补助政策至2025年底，补贴标准为每人1500元。",
            2024,
            (None, D(2025, 12, 31), "至2025年底", ""),
        ),
        (
            "到2024年底前，再建设村级寄递物流综合服务站103个，对每个新建站点给予5000元财政补贴。",
            2024,
            (None, D(2024, 12, 31), "到2024年底前", ""),
        ),
        (
            "对在库限额以上批发和零售企业，2024年各月度零售额增速高于8%的，给予奖励。",
            2024,
            (D(2024, 1, 1), D(2024, 12, 31), "2024年", ""),
        ),
        (
            "对各县区2023年7月至11月期间发放补贴总金额的50%给予奖励。",
            None,
            (D(2023, 7, 1), D(2023, 11, 30), "2023年7月至11月", ""),
        ),
        (
            "凡在2024年1月1日到2024年12月31日期间，出售原自有住房并购买新建商品住宅的，给予购房补贴。",
            2024,
            (D(2024, 1, 1), D(2024, 12, 31), "2024年1月1日到2024年12月31日", ""),
        ),
        (
            "延续实施阶段性降低失业保险和工伤保险费率政策到2023年4月底，继续实施新能源汽车购置补贴等优惠政策到2022年底。",
            2022,
            (None, D(2023, 4, 30), "到2023年4月底、到2022年底", ""),
        ),
        (
            "自2022年起实施两项直达工具接续转换，实施期为2022年起到2023年6月。",
            2022,
            (D(2022, 1, 1), D(2023, 6, 30), "2022年起、2022年起到2023年6月", ""),
        ),
        (
            "2024年起市财政预算安排担保费补贴资金100万元，给予年化0.5%的担保费补贴。",
            2024,
            (D(2024, 1, 1), None, "2024年起", ""),
        ),
        ("申报截止时间为2025年3月31日前。", 2025, (None, D(2025, 3, 31), "2025年3月31日前", "")),
        # relative years: the document's year, said so
        (
            "对当年注册成立并达限纳统的经营主体给予奖励，次年零售额增速超过全省平均水平的，再给予奖励。",
            2024,
            (D(2024, 1, 1), D(2025, 12, 31), "当年、次年", "按文件发布年份（2024年）理解"),
        ),
        (
            "对今年新认定的企业给予奖励。",
            2025,
            (D(2025, 1, 1), D(2025, 12, 31), "今年", "“今年”按文件发布年份（2025年）理解为2025年"),
        ),
    ],
)
def test_it_reads_the_period_a_sentence_states(sentence, year, expected):
    found = validity.read_sentence(sentence, year)
    start, end, words, note = expected
    assert (found.period.start, found.period.end, found.period.words) == (start, end, words)
    assert note in found.period.note


@pytest.mark.parametrize(
    "sentence",
    [
        # years inside titles of other documents, file numbers and event names are not periods
        "制定《聊城市推动能耗双控逐步转向碳排放双控实施方案（2024-2025年）》，有序推进。",
        "执行《关于实施支持科技创新专项担保计划的通知》（财金〔2024〕60号）有关规定。",
        "积极组织参与“庆丰收促和美”2023农民丰收节及特色农产品展等活动。",
        # 本年度/上年度 name the enterprise's accounting year in a formula
        "按照该企业本年度获得新增保险资金投资额的0.5%给予一次性贴息奖补。",
        "按其上年度技术合同成交额给予最高10%不超过100万元的后补助。",
        # relative years without a document year are not read
        "对当年注册成立的企业给予奖励。",
        # no date at all
        "持续优化营商环境。",
    ],
)
def test_it_reads_no_period_where_the_words_state_none(sentence):
    year = None if "当年注册成立的企业" in sentence else 2024
    assert validity.read_sentence(sentence, year) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年12月20日", (None, D(2023, 12, 20), Kind.DATED)),
        ("持续开展", (None, None, Kind.OPEN)),
        ("持续推进，按省工信厅要求执行", (None, None, Kind.OPEN)),
        ("省级以上示范步行街及省级夜经济街区结果公布后6个月内", (None, None, Kind.UNKNOWN)),
    ],
)
def test_it_reads_a_deadline_line(text, expected):
    period = validity.read_deadline(text)
    assert (period.start, period.end, period.kind) == expected
    assert period.words == text and period.basis == validity.Basis.DEADLINE


def test_there_is_no_deadline_line_without_words():
    assert validity.read_deadline("") is None and validity.read_deadline("。") is None


@pytest.mark.parametrize(
    ("period", "today", "draft", "status"),
    [
        (Period(start=D(2024, 12, 2), kind=Kind.OPEN), D(2024, 12, 1), False, Status.NOT_YET),
        (Period(start=D(2024, 12, 2), kind=Kind.OPEN), D(2024, 12, 2), False, Status.IN_FORCE),
        (Period(end=D(2025, 12, 31), kind=Kind.DATED), D(2025, 11, 1), False, Status.ENDING_SOON),
        (
            Period(end=D(2025, 12, 31), kind=Kind.DATED),
            D(2025, 11, 1) - datetime.timedelta(days=1),
            False,
            Status.IN_FORCE,
        ),
        (Period(end=D(2025, 12, 31), kind=Kind.DATED), D(2025, 12, 31), False, Status.ENDING_SOON),
        (Period(end=D(2025, 12, 31), kind=Kind.DATED), D(2026, 1, 1), False, Status.EXPIRED),
        (Period(start=D(2022, 5, 27), kind=Kind.UNKNOWN), D(2026, 11, 30), False, Status.UNKNOWN),
        (Period(start=D(2022, 5, 27), kind=Kind.UNKNOWN), D(2022, 5, 26), False, Status.NOT_YET),
        # a draft is never in force: unknown until its dates say expired or not yet
        (Period(kind=Kind.OPEN), D(2026, 11, 30), True, Status.UNKNOWN),
        (Period(end=D(2023, 12, 31), kind=Kind.DATED), D(2023, 10, 16), True, Status.UNKNOWN),
        (Period(end=D(2023, 12, 31), kind=Kind.DATED), D(2024, 1, 1), True, Status.EXPIRED),
    ],
)
def test_it_gives_the_status_of_a_period_on_a_day(period, today, draft, status):
    assert validity.status_of(period, today, draft=draft) == status


@pytest.mark.parametrize(
    ("period", "issued_on", "text"),
    [
        (
            Period(start=D(2022, 5, 27), kind=Kind.UNKNOWN),
            D(2022, 5, 27),
            "2022年5月27日发布，原文未载明有效期，请向责任单位确认",
        ),
        (
            Period(start=D(2024, 12, 2), kind=Kind.OPEN),
            D(2024, 12, 2),
            "2024年12月2日起施行，未载明截止日期",
        ),
        (Period(end=D(2025, 12, 31), kind=Kind.DATED), None, "至2025年12月31日"),
        (
            Period(start=D(2024, 1, 1), end=D(2024, 12, 31), kind=Kind.DATED),
            None,
            "2024年1月1日至2024年12月31日",
        ),
        (
            Period(kind=Kind.OPEN, note="原文未载明印发日期"),
            None,
            "长期有效，未载明截止日期，原文未载明印发日期",
        ),
    ],
)
def test_it_says_what_is_known_in_one_sentence(period, issued_on, text):
    assert validity.describe(period, issued_on=issued_on) == text

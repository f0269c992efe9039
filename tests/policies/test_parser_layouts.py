"""The general parser on documents it has never seen: one per layout, golden tables by hand.

Each table was written from reading the document, not from the parser's output: the measures'
paths, titles, departments (lead units first) and the support amounts in yuan, the chapters,
and the document's period where it states one.
"""

import datetime
from pathlib import Path

import pytest

from policies.importer import periods
from policies.importer.extract import extract_text
from policies.importer.parsing import parse
from policies.validity import Kind

DOCUMENTS = Path(__file__).parent / "documents"
GONGXIN = "市工业和信息化局"


def M(path, title, departments, amounts):
    return (path, title, departments, amounts)


BENXI = {
    "city": "本溪市",
    "issuer": "本溪市人民政府办公室",
    "issued_on": datetime.date(2025, 4, 15),
    "title": "本溪市促进中小企业专精特新发展若干办法",
    # 第一章 总则 (第一条, 第二条) holds no measure; 第四章 附则 and its articles are closing
    "chapters": ["总则", "梯度培育", "要素保障"],
    "valid": (datetime.date(2025, 5, 1), datetime.date(2027, 12, 31)),
    "measures": [
        M("3", "入库培育", [GONGXIN], [50000]),
        M("4", "认定奖励", [GONGXIN, "市财政局"], [200000, 1000000]),
        M("5", "设备补贴", [GONGXIN, "市财政局", "市发展改革委"], [2000000]),
        M("6", "鼓励企业加大研发投入", ["市科技局"], [500000]),
        M("7", "加强融资支持", ["市金融发展局", "市财政局"], [300000]),
        M("8", "降低用地成本", ["市自然资源局"], []),
        M("9", "支持人才引进", ["市人力资源和社会保障局"], [2000, 1000]),
        M("10", "专精特新企业参加下列展会的", [GONGXIN], [100000]),
    ],
}

PANJIN = {
    "city": "盘锦市",
    "issuer": "盘锦市人民政府",
    "issued_on": datetime.date(2025, 5, 20),
    "title": "盘锦市支持民营经济高质量发展若干措施",
    "chapters": ["加大财税支持力度", "缓解融资难题", "优化发展环境"],
    # 自2025年6月1日起施行，有效期2年
    "valid": (datetime.date(2025, 6, 1), datetime.date(2027, 5, 31)),
    "measures": [
        M("1.1.1", "营收奖励", [GONGXIN, "市财政局"], [500000, 200000]),
        M("1.1.2", "技术中心奖励", ["市发展改革委"], [1000000]),
        M("1.2.1", "所得税优惠", ["市税务局"], []),
        M("1.2.2", "城镇土地使用税减免", ["市税务局", "市财政局"], []),
        M("1.2.3", "吸纳就业补贴", ["市人力资源和社会保障局"], [1000]),
        M("2.1.1", "应急转贷资金", ["市金融发展局"], []),
        M("2.1.2", "首贷奖励", ["市金融发展局", "中国人民银行盘锦市分行"], [50000]),
        M("2.2.1", "担保费补贴", ["市财政局"], []),
        M("3.1.1", "工业用地优惠", ["市自然资源局"], []),
        M("3.1.2", "节能审查告知承诺", ["市发展改革委"], []),
        M("3.2.1", "领导包联", ["市营商环境建设局"], []),
        M("3.2.2", "优秀民营企业奖励", ["市工商业联合会"], [100000]),
        M("3.2.3", "规范涉企检查", ["市司法局"], []),
    ],
}

DEZHOU = {
    "city": "德州市",
    "issuer": "德州市人民政府办公室",
    "issued_on": datetime.date(2025, 2, 10),
    "title": "德州市加快数字经济高质量发展若干政策",
    "chapters": ["推动数字产业集聚发展", "加快产业数字化转型", "强化数字基础设施和人才支撑"],
    "valid": (datetime.date(2025, 3, 1), datetime.date(2027, 2, 28)),
    "measures": [
        M("1", "支持数字经济园区建设", [GONGXIN], [1000000]),
        M("2", "引进数字经济龙头企业", ["市商务局", "市投资促进中心"], [5000000]),
        # （1）（2） under item 3 are a list inside it: its line ends with "："
        M(
            "3",
            "对软件和信息技术服务企业，按下列标准给予奖励",
            [GONGXIN, "市财政局"],
            [100000, 300000],
        ),
        # item 4 is a bare heading: its （1）（2） are measures
        M("4.1", "对企业实施智能化改造、设备投资超过200万元的项目", [GONGXIN], [3000000]),
        M("4.2", "对新认定的省级智能工厂，一次性奖励50万元", [GONGXIN], [500000, 200000]),
        M("5", "上云用云补贴", ["市大数据局"], [50000]),
        M("6", "工业互联网平台", [GONGXIN], [500000]),
        M("7", "5G基站建设", ["市通信发展管理办公室"], [2000]),
        M("8", "数据中心电价支持", ["市发展改革委", "国网德州供电公司"], []),
        M("9", "数字人才引进", ["市人才工作领导小组办公室"], [20000]),
    ],
}

XUCHANG = {
    "city": "许昌市",
    "issuer": "许昌市人民政府办公室",
    "issued_on": datetime.date(2025, 4, 8),
    "title": "许昌市促进外贸稳规模优结构若干措施",
    "chapters": ["培育外贸经营主体", "拓展国际市场", "强化外贸要素保障"],
    # 自印发之日起施行，有效期至2026年12月31日
    "valid": (datetime.date(2025, 4, 8), datetime.date(2026, 12, 31)),
    "measures": [
        M("1", "支持外贸企业扩大规模", ["市商务局", "市财政局"], [500000, 200000]),
        M("2", "培育新增外贸主体", ["市商务局"], [30000]),
        M("3", "发展跨境电商", ["市商务局", "许昌海关"], [1000000, 500000]),
        M("4", "支持企业参加境外展会", ["市商务局"], [50000, 200000]),
        M("5", "支持境外商标注册和认证", ["市市场监管局", "市商务局"], [100000]),
        M("6", "加大出口信用保险支持", ["市商务局", "中国出口信用保险公司河南分公司"], [500000]),
        M("7", "加大外贸信贷投放", ["市金融工作局", "市财政局"], [300000]),
        M("8", "提升通关便利化水平", ["许昌海关"], []),
    ],
}

JINZHOU = {
    "city": "锦州市",
    "issuer": "锦州市人民政府",
    "issued_on": datetime.date(2025, 2, 20),
    "title": "锦州市人民政府关于进一步支持农产品加工业发展的若干措施",
    "chapters": [],
    # 自2025年3月1日起施行，有效期3年
    "valid": (datetime.date(2025, 3, 1), datetime.date(2028, 2, 29)),
    "measures": [
        M("1", "支持龙头企业做大做强", ["市农业农村局"], [500000, 200000]),
        M("2", "支持加工设备更新", ["市农业农村局", "市财政局"], [1000000]),
        M("3", "支持冷链物流建设", ["市商务局", "市农业农村局"], [200]),
        M("4", "强化金融支持", ["市金融发展局"], [200000]),
        M("5", "支持品牌建设", ["市农业农村局", "市市场监督管理局"], [10000, 50000]),
        M("6", "保障加工用地", ["市自然资源局"], []),
        M("7", "减轻用电负担", ["国网锦州供电公司", "市发展改革委"], []),
        M("8", "加强人才培训", ["市农业农村局", "市人力资源和社会保障局"], []),
    ],
}

LUOYANG = {
    "city": "洛阳市",
    "issuer": "洛阳市工业和信息化局",
    "issued_on": datetime.date(2025, 5, 12),
    "title": "洛阳市工业和信息化局 洛阳市财政局关于组织申报2025年度制造业高质量发展专项资金项目的通知",
    # 申报条件, 申报程序 and 联系方式 are chapters without measures
    "chapters": ["支持方向和标准", "申报条件", "申报程序", "联系方式"],
    "valid": None,  # the notice states no period of its own
    "measures": [
        M("1", "技术改造项目", [GONGXIN], [3000000]),
        M("2", "首台（套）装备", [GONGXIN], [2000000]),
        M("3", "绿色工厂", [GONGXIN, "市生态环境局"], [500000, 200000]),
        M("4", "规上工业企业升规奖励", [GONGXIN, "市统计局"], [100000]),
        M("5", "中小企业公共服务平台", [GONGXIN], [300000]),
        M("6", "智能车间", [GONGXIN], [300000]),
        M("7", "工业设计中心", [GONGXIN], [1000000, 300000]),
        M("8", "企业上云", [GONGXIN, "市大数据管理局"], [100000]),
    ],
}

GOLDEN = {
    "benxi_banfa.txt": BENXI,
    "panjin_three_levels.txt": PANJIN,
    "dezhou_paren_levels.txt": DEZHOU,
    "xuchang_traditional_web.txt": XUCHANG,
    "jinzhou_pinyin.txt": JINZHOU,
    "luoyang_notice.txt": LUOYANG,
    # the same documents as Word files and a PDF with a text layer (make_binaries.py)
    "benxi_banfa.docx": BENXI,
    "luoyang_notice.docx": LUOYANG,
    "dezhou_paren_levels.pdf": DEZHOU,
}


def parse_document(name, **given):
    text = extract_text(name, (DOCUMENTS / name).read_bytes())
    return parse(name, text, errata=[], city_names=[], lenient=True, **given)


def given(golden):
    return {k: golden[k] for k in ("city", "issuer", "issued_on")}


@pytest.mark.parametrize("name", GOLDEN)
def test_it_structures_each_layout(name):
    golden = GOLDEN[name]
    document = parse_document(name, **given(golden))
    assert [w for w in document.warnings if w.blocking] == []
    assert document.publishable
    assert document.unplaced == []
    assert document.title == golden["title"]
    assert document.city_name == golden["city"]
    assert [c.title for c in document.chapters] == golden["chapters"]
    table = [
        (m.path_key, m.title, m.departments, m.support_amounts_yuan) for m in document.measures
    ]
    assert table == golden["measures"]
    for measure in document.measures:
        assert measure.path == [int(part) for part in measure.path_key.split(".")]
        assert measure.text and len(measure.path_key) <= 16


@pytest.mark.parametrize("name", GOLDEN)
def test_it_reads_each_documents_period(name):
    golden = GOLDEN[name]
    document = parse_document(name, **given(golden))
    period = periods.document_period(
        name, document.clean_text, document.issued_on, periods.Curated()
    )
    if golden["valid"] is None:
        assert period.kind == Kind.UNKNOWN
    else:
        assert (period.start, period.end) == golden["valid"]
        assert period.kind == Kind.DATED


def test_the_front_matter_gives_title_issuer_date_and_number_when_staff_do_not():
    document = parse_document("benxi_banfa.txt", city="本溪市")
    assert document.issuer == "本溪市人民政府办公室"
    assert document.issued_on == datetime.date(2025, 4, 15)
    assert document.doc_number == "本政办发〔2025〕18号"
    assert document.closing[0] == "第四章 附则"


def test_the_city_is_found_in_the_text_unless_given():
    text = (DOCUMENTS / "jinzhou_pinyin.txt").read_text(encoding="utf-8")
    document = parse("j.txt", text, errata=[], city_names=["本溪市", "锦州市"], lenient=True)
    assert document.city_name == "锦州市"
    given_city = parse("j.txt", text, errata=[], city_names=[], city="凌海市", lenient=True)
    assert given_city.city_name == "凌海市"


def test_staff_overrides_win_over_the_front_matter():
    document = parse_document(
        "benxi_banfa.txt",
        city="本溪市",
        issuer="本溪市工业和信息化局",
        issued_on=datetime.date(2025, 4, 16),
        title="专精特新若干办法",
    )
    assert (document.issuer, document.issued_on, document.title) == (
        "本溪市工业和信息化局",
        datetime.date(2025, 4, 16),
        "专精特新若干办法",
    )


def test_a_notice_gives_its_contacts_and_free_of_application_to_its_measures():
    document = parse_document("luoyang_notice.txt", **given(LUOYANG))
    free = [m.path_key for m in document.measures if m.free_of_application]
    assert free == ["4"]
    for measure in document.measures:
        assert measure.contacts == [
            {"name": "李明", "role": "", "phones": ["0379-63251234"]},
            {"name": "王芳", "role": "", "phones": ["0379-63251234"]},
        ]
    assert document.closing[0].startswith("附件：1.")
    assert "2.项目真实性承诺书" in document.closing


def test_a_list_inside_an_article_stays_in_its_text():
    document = parse_document("benxi_banfa.txt", **given(BENXI))
    article = document.measures[-1]
    assert article.path_key == "10"
    assert "（二）国际性行业专业展会；" in article.paragraphs


# -- what the parser cannot structure is never publishable ---------------------------------


def test_prose_without_numbering_lists_every_line_it_could_not_place():
    document = parse_document("unstructured_prose.txt", city="本溪市")
    assert not document.publishable
    assert document.measures == []
    assert [line.number for line in document.unplaced] == [3, 4, 5, 6]
    kinds = [(w.kind, w.line, w.blocking) for w in document.warnings]
    assert ("no_measures", 1, True) in kinds
    assert [w.line for w in document.warnings if w.kind == "unplaced"] == [3, 4, 5, 6]
    assert all(w.blocking for w in document.warnings if w.kind == "unplaced")
    assert document.title == "关于做好2025年度企业服务工作的意见"


def test_a_pasted_table_is_not_publishable():
    document = parse_document("unstructured_table.txt", city="本溪市")
    assert not document.publishable
    assert [line.number for line in document.unplaced] == [1, 2, 3, 4]
    assert {w.kind for w in document.warnings if w.blocking} >= {"no_measures", "no_title"}


def lenient(text, **kwargs):
    kwargs.setdefault("city", "本溪市")
    return parse("t.txt", text, errata=[], city_names=[], lenient=True, **kwargs)


def kinds(document):
    return [(w.kind, w.blocking) for w in document.warnings]


def test_a_numbering_gap_warns_without_blocking():
    document = lenient(
        "本溪市若干措施\n1.第一项。内容。（责任单位：市财政局）\n3.第三项。内容。（责任单位：市财政局）\n"
    )
    assert kinds(document) == [("numbering", False)]
    assert document.warnings[0].line == 3
    assert "应为 2，实为 3" in document.warnings[0].message
    assert document.publishable


def test_a_measure_without_department_warns():
    document = lenient("本溪市若干措施\n1.支持技改。给予补贴。\n")
    assert kinds(document) == [("no_department", False)]
    assert document.warnings[0].line == 2


def test_an_amount_it_cannot_read_warns_but_若干_does_not():
    document = lenient(
        "本溪市若干措施\n1.技改补贴。给予最高五十万元补贴。（责任单位：市工信局）\n"
        "2.研发补助。安排若干万元资金。（责任单位：市科技局）\n"
    )
    assert kinds(document) == [("amount", False)]
    assert document.warnings[0].line == 2
    assert "五十万元" in document.warnings[0].message


@pytest.mark.parametrize("bad", ["\ufffd", "\ue123", "æ–‡"])
def test_suspicious_characters_warn(bad):
    document = lenient(f"本溪市若干措施\n1.技改补贴。给予{bad}补贴。（责任单位：市工信局）\n")
    assert kinds(document) == [("characters", False)]
    assert document.warnings[0].line == 2


def test_no_title_blocks_unless_given():
    text = "1.技改补贴。给予补贴。（责任单位：市工信局）\n"
    assert ("no_title", True) in kinds(lenient(text))
    assert lenient(text, title="技改办法").publishable


def test_an_unknown_city_blocks_when_not_given():
    document = parse(
        "t.txt",
        "某县若干措施\n1.技改。补贴。（责任单位：县工信局）\n",
        errata=[],
        city_names=["本溪市"],
        lenient=True,
    )
    assert ("no_city", True) in kinds(document)


def test_strict_mode_still_raises_on_structure():
    from policies.importer import SourceError

    with pytest.raises(SourceError, match="条目编号不连续"):
        parse(
            "t.txt",
            "本溪市若干措施\n1.一。内容。\n3.三。内容。\n",
            errata=[],
            city_names=["本溪市"],
        )

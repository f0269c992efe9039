"""Facts derived from an enterprise's profile instead of asked.

``enterprise_size`` follows the national 划型标准: 《中小企业划型标准规定》（工信部联企业〔2011〕
300号）, which classifies by industry with employees (从业人员), revenue (营业收入) and, for
some industries, total assets (资产总额). ``THRESHOLDS`` is that table, transcribed: per
industry, the lower bounds of 中型, 小型 and the upper bound below which an enterprise is a
small or medium one at all. The 门类 of GB/T 4754-2017 is asked, and a finer line of business
(``industry_detail``) only where the standard tells them apart (批发/零售, 交通运输/仓储/邮政,
信息传输/软件和信息技术服务, 房地产开发/物业管理).

``registration_year`` comes from the date of registration.
"""

from dataclasses import dataclass

LARGE, MEDIUM, SMALL, MICRO = "large", "medium", "small", "micro"
SIZES = [(LARGE, "大型企业"), (MEDIUM, "中型企业"), (SMALL, "小型企业"), (MICRO, "微型企业")]

# GB/T 4754-2017 门类
INDUSTRIES = [
    ("A", "农、林、牧、渔业"),
    ("B", "采矿业"),
    ("C", "制造业"),
    ("D", "电力、热力、燃气及水生产和供应业"),
    ("E", "建筑业"),
    ("F", "批发和零售业"),
    ("G", "交通运输、仓储和邮政业"),
    ("H", "住宿和餐饮业"),
    ("I", "信息传输、软件和信息技术服务业"),
    ("J", "金融业"),
    ("K", "房地产业"),
    ("L", "租赁和商务服务业"),
    ("M", "科学研究和技术服务业"),
    ("N", "水利、环境和公共设施管理业"),
    ("O", "居民服务、修理和其他服务业"),
    ("P", "教育"),
    ("Q", "卫生和社会工作"),
    ("R", "文化、体育和娱乐业"),
    ("S", "公共管理、社会保障和社会组织"),
    ("T", "国际组织"),
]
INDUSTRIAL = ("B", "C", "D")  # 工业

# The finer lines the standard distinguishes within a 门类.
DETAILS = [
    ("wholesale", "批发业"),
    ("retail", "零售业"),
    ("transport", "交通运输业"),
    ("warehousing", "仓储业"),
    ("postal", "邮政业（含快递）"),
    ("telecom", "信息传输业"),
    ("software", "软件和信息技术服务业"),
    ("real_estate_development", "房地产开发经营"),
    ("property_management", "物业管理"),
    ("real_estate_other", "其他房地产业"),
]
DETAIL_INDUSTRY = {
    "wholesale": "F",
    "retail": "F",
    "transport": "G",
    "warehousing": "G",
    "postal": "G",
    "telecom": "I",
    "software": "I",
    "real_estate_development": "K",
    "property_management": "K",
    "real_estate_other": "K",
}
NEEDS_DETAIL = ("F", "G", "I", "K")
NEEDS_ASSETS = ("E", "K", "L")


@dataclass(frozen=True)
class Band:
    """One line of the standard. ``measures`` are the figures it uses, in order, among
    "employees" (人), "revenue" and "assets" (万元). An enterprise is small-or-medium when
    any figure is below its ``sme_below``; then medium when every figure reaches the
    ``medium`` bound, small when every figure reaches the ``small`` bound, else micro."""

    measures: tuple
    sme_below: tuple
    medium: tuple
    small: tuple


THRESHOLDS = {
    # 农、林、牧、渔业: 营业收入 2亿 / 500万 / 50万
    "A": Band(("revenue",), (20000,), (500,), (50,)),
    # 工业: 从业人员 1000 or 营业收入 4亿; 中型 ≥300人 & ≥2000万; 小型 ≥20人 & ≥300万
    "industrial": Band(("employees", "revenue"), (1000, 40000), (300, 2000), (20, 300)),
    # 建筑业: 营业收入 8亿 or 资产总额 8亿; 中型 ≥6000万 & 资产 ≥5000万; 小型 ≥300万 & ≥300万
    "E": Band(("revenue", "assets"), (80000, 80000), (6000, 5000), (300, 300)),
    "wholesale": Band(("employees", "revenue"), (200, 40000), (20, 5000), (5, 1000)),
    "retail": Band(("employees", "revenue"), (300, 20000), (50, 500), (10, 100)),
    "transport": Band(("employees", "revenue"), (1000, 30000), (300, 3000), (20, 200)),
    "warehousing": Band(("employees", "revenue"), (200, 30000), (100, 1000), (20, 100)),
    "postal": Band(("employees", "revenue"), (1000, 30000), (300, 2000), (20, 100)),
    # 住宿业, 餐饮业
    "H": Band(("employees", "revenue"), (300, 10000), (100, 2000), (10, 100)),
    "telecom": Band(("employees", "revenue"), (2000, 100000), (100, 1000), (10, 100)),
    "software": Band(("employees", "revenue"), (300, 10000), (100, 1000), (10, 50)),
    "real_estate_development": Band(
        ("revenue", "assets"), (200000, 10000), (1000, 5000), (100, 2000)
    ),
    "property_management": Band(("employees", "revenue"), (1000, 5000), (300, 1000), (100, 500)),
    # 租赁和商务服务业: 从业人员 300 or 资产总额 12亿; 中型 ≥100人 & ≥8000万; 小型 ≥10人 & ≥100万
    "L": Band(("employees", "assets"), (300, 120000), (100, 8000), (10, 100)),
    # 其他未列明行业: 从业人员 300; 中型 ≥100人; 小型 ≥10人
    "other": Band(("employees",), (300,), (100,), (10,)),
}


def band_of(industry, detail=None):
    """The line of the standard for an industry (门类) and, where it matters, its detail;
    None when the detail is needed and not given."""
    if industry in INDUSTRIAL:
        return THRESHOLDS["industrial"]
    if industry in NEEDS_DETAIL:
        if detail and DETAIL_INDUSTRY.get(detail) == industry:
            if detail == "real_estate_other":
                return THRESHOLDS["other"]
            return THRESHOLDS[detail]
        return None
    return THRESHOLDS.get(industry, THRESHOLDS["other"])


def enterprise_size(industry, detail=None, employees=None, revenue_wan=None, assets_wan=None):
    """大/中/小/微 by the 2011 standard, or None while a figure it needs is not given."""
    if not industry:
        return None
    band = band_of(industry, detail)
    if band is None:
        return None
    figures = {"employees": employees, "revenue": revenue_wan, "assets": assets_wan}
    values = [figures[name] for name in band.measures]
    if any(value is None for value in values):
        return None
    if not any(value < bound for value, bound in zip(values, band.sme_below, strict=True)):
        return LARGE
    if all(value >= bound for value, bound in zip(values, band.medium, strict=True)):
        return MEDIUM
    if all(value >= bound for value, bound in zip(values, band.small, strict=True)):
        return SMALL
    return MICRO


def _wan(value):
    """A money value as the evaluator holds it (yuan) → 万元 as the standard states it."""
    return None if value is None else value / 10000


def derived(values, as_of=None):
    """The derived facts of normalized ``values`` (only those that can be derived; a fact
    the enterprise answered itself is kept)."""
    facts = {}
    if "enterprise_size" not in values:
        size = enterprise_size(
            values.get("industry"),
            values.get("industry_detail"),
            values.get("employees"),
            _wan(values.get("revenue_last_year")),
            _wan(values.get("total_assets")),
        )
        if size is not None:
            facts["enterprise_size"] = size
    registered = values.get("registered_on")
    if isinstance(registered, str) and len(registered) >= 4 and registered[:4].isdigit():
        facts["registration_year"] = int(registered[:4])
    return facts

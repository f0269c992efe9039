"""Small synthetic catalogue rows for tests of the public pages (not a test module).

``add_measures(n)`` writes a city, a document with chapters, departments and ``n`` measures
linked to topics, support types and departments, indexed for search — enough to show that
a page's query count does not grow with the catalogue.
"""

import datetime
import itertools

from policies import validity
from policies.models import (
    Chapter,
    City,
    Department,
    Measure,
    MeasureDepartment,
    PolicyDocument,
    SupportType,
    Topic,
)

_serial = itertools.count(1)

TEXTS = [
    "对新认定的专精特新中小企业给予一次性奖励50万元，支持企业加大研发投入。",
    "对企业发放的消费补贴按50%比例给予配套补助，最高不超过100万元。",
    "对在境内外资本市场上市的企业分阶段给予奖励，合计最高300万元。",
    "对符合条件的小微企业贷款给予贴息，贴息比例不超过贷款利率的50%。",
    "优化用地审批服务，对重点项目实行容缺受理，缩短审批时间。",
]


def add_city(name=None, slug=None):
    n = next(_serial)
    return City.objects.create(
        name=name or f"测试市{n}",
        slug=slug or f"test-city-{n}",
        province="测试省",
        code=f"9{n:05d}",
    )


def add_topics():
    topics = [
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "order": i})[0]
        for i, (slug, name) in enumerate(
            [("t-innovation", "测科技"), ("t-finance", "测金融"), ("t-consumption", "测消费")]
        )
    ]
    supports = [
        SupportType.objects.get_or_create(slug=slug, defaults={"name": name, "order": i})[0]
        for i, (slug, name) in enumerate([("s-reward", "测奖励"), ("s-subsidy", "测补贴")])
    ]
    return topics, supports


def add_document(city=None, *, title="测试文件"):
    """An empty document of ``city`` (a new city by default)."""
    city = city or add_city()
    return PolicyDocument.objects.create(
        source=f"test_{next(_serial)}.txt",
        city=city,
        title=title,
        source_text="-",
        clean_text="-",
        source_sha256="0" * 64,
    )


def add_titled_measures(document, *title_and_texts):
    """Measures with the given (title, text), numbered 1, 2, …, indexed for search."""
    from policies.search import reindex_measures

    measures = [
        Measure.objects.create(
            document=document, path=[i], path_key=str(i), position=i, title=title, text=text
        )
        for i, (title, text) in enumerate(title_and_texts, start=1)
    ]
    reindex_measures(measures)
    return measures


def add_measures(n, city=None, *, deadline=None, continuing=False, start=None, status="published"):
    """A document of ``city`` (a new one by default) with ``n`` measures; returns the document.

    Their validity: until ``deadline`` (dated), open-ended when ``continuing``, else unknown;
    from ``start`` when given."""
    from policies.search import reindex_measures

    city = city or add_city()
    serial = next(_serial)
    document = PolicyDocument.objects.create(
        source=f"synthetic_{serial}.txt",
        city=city,
        title=f"{city.name}支持企业发展若干措施（{serial}）",
        issuer=f"{city.name}人民政府",
        issued_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=serial),
        status=status,
        source_text="原文" * 20,
        clean_text="正文" * 20,
        source_sha256="0" * 64,
    )
    chapters = [
        Chapter.objects.create(document=document, number=i + 1, title=f"第{i + 1}章 支持措施")
        for i in range(3)
    ]
    departments = [
        Department.objects.create(name=f"{city.name}部门{serial}-{i}", city=city) for i in range(4)
    ]
    topics, supports = add_topics()
    measures = Measure.objects.bulk_create(
        Measure(
            document=document,
            chapter=chapters[i % 3],
            path=[i + 1],
            path_key=str(i + 1),
            position=i,
            title=f"支持措施{i + 1}：{TEXTS[i % len(TEXTS)][:12]}",
            text=TEXTS[i % len(TEXTS)],
            handling="企业提出申请；县区审核；市局复核。",
            valid_from=start,
            valid_until=deadline,
            validity_kind=(
                validity.Kind.DATED
                if deadline
                else validity.Kind.OPEN
                if continuing or start
                else validity.Kind.UNKNOWN
            ),
            validity_words=(f"{deadline:%Y年%-m月%-d日}" if deadline else ""),
            validity_basis=validity.Basis.DEADLINE if deadline else validity.Basis.DOCUMENT,
            deadline_text=f"{deadline:%Y年%-m月%-d日}" if deadline else "",
            contacts=[{"name": "张三", "phone": "0412-1234567"}],
            amounts_yuan=[500000, 1000000] if i % 2 == 0 else [],
            max_amount_yuan=1000000 if i % 2 == 0 else None,
            free_of_application=i % 5 == 0,
        )
        for i in range(n)
    )
    MeasureDepartment.objects.bulk_create(
        MeasureDepartment(measure=m, department=departments[(i + k) % 4], position=k)
        for i, m in enumerate(measures)
        for k in range(2)
    )
    Measure.topics.through.objects.bulk_create(
        Measure.topics.through(measure=m, topic=topics[(i + k) % 3])
        for i, m in enumerate(measures)
        for k in range(2)
    )
    Measure.support_types.through.objects.bulk_create(
        Measure.support_types.through(measure=m, supporttype=supports[i % 2])
        for i, m in enumerate(measures)
    )
    reindex_measures(measures)
    return document

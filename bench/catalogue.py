"""Build the synthetic benchmark catalogue: 100,000 measures across 300 cities (BENCH_MEASURES).

Run as a script with DATABASE_URL pointing at the benchmark's own SQLite file (bench/run.py
does this); it refuses any other database. The text is realistic: phrase banks are cut from
the five real documents in fixtures/sources/ (converted to simplified characters, pinyin
annotations removed), and each synthetic measure recombines a real measure title with real
sentences, the city name swapped in. The gram index is built with ``policies.search``'s own
tokenizer, in bulk, with the indexes dropped during the load and recreated after.

    DATABASE_URL=sqlite:///var/bench/catalogue-v1.sqlite3 .venv/bin/python bench/catalogue.py
"""

import datetime
import json
import os
import random
import re
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# BENCH_MEASURES (bench/run.py sets it) scales the catalogue: cities, and so documents,
# in proportion (300 cities at 100,000 measures), about 56 measures per document at any size.
N_MEASURES = int(os.environ.get("BENCH_MEASURES", "100000"))
N_CITIES = max(1, round(300 * N_MEASURES / 100_000))
DOCUMENTS_PER_CITY = 6
CHAPTERS_PER_DOCUMENT = 5
DEPARTMENTS_PER_CITY = 20
SEED = 20241202

PROVINCES = [
    "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省",
    "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省",
    "云南省", "陕西省", "甘肃省", "青海省", "内蒙古自治区", "广西壮族自治区", "宁夏回族自治区",
]  # fmt: skip
# Characters seen in real city names; pairs of them make plausible new ones.
CITY_CHARS = (
    "安鞍营口聊城三门峡沈阳大连抚顺本溪丹东锦州阜新辽源通化白山松原长春吉林延边齐齐哈尔"
    "牡丹江佳木斯鸡西鹤岗双鸭伊春七台河黑河绥化济南青岛淄博枣庄东烟潍坊宁泰威日照临沂德"
    "州滨菏泽郑开封洛平顶焦作新乡许昌漯商丘信南周口驻马店石家庄唐秦皇岛邯郸邢台保定张承沧"
    "廊坊衡水太原同朔忻晋中运长治临汾吕梁徐苏无锡常熟嘉兴湖绍金华衢舟温台丽合肥芜湖蚌埠淮"
    "马铜陵宣黄亳宿滁六福厦莆田三明泉漳龙岩宁德南昌景萍乡九江余鹰潭赣吉抚上饶"
)
TITLE_PREFIXES = ["", "", "", "进一步", "加快", "大力", "积极"]
_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
_ITEM = re.compile(r"^(?:\d+[\.、．]|（\d+）|\(\d+\))\s*")
_REAL_CITIES = ["三门峡市", "鞍山市", "营口市", "聊城市", "鞍山", "营口", "聊城", "三门峡"]
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(万|亿)?元")


def phrase_banks():
    """Titles, sentences, handling lines and department names from the real documents."""
    from policies.chinese import to_simplified

    titles, sentences, handling, departments = set(), set(), set(), set()
    for path in sorted((ROOT / "fixtures" / "sources").glob("*.txt")):
        text = _PINYIN.sub("", to_simplified(path.read_text(encoding="utf-8")))
        for line in (line.strip() for line in text.splitlines()):
            if line.startswith("办理方式"):
                handling.add(line.split("：", 1)[-1].split(":", 1)[-1].strip())
                continue
            if line.startswith(("执行期限", "责任人", "联系方式")):
                continue
            for unit in re.findall(r"[（(]?责任单位[:：]([^）)]+)", line):
                for name in re.split(r"[、，,]", unit.removesuffix("等")):
                    if 3 <= len(name.strip()) <= 20:
                        departments.add(name.strip())
            line = re.sub(r"[（(]责任单位[:：][^）)]*[）)]", "", line)
            if _ITEM.match(line):
                body = _ITEM.sub("", line)
                head = re.split(r"[。；]", body, maxsplit=1)[0]
                if 4 <= len(head) <= 30:
                    titles.add(head)
            for sentence in re.findall(r"[^。；]+[。；]", _ITEM.sub("", line)):
                if 12 <= len(sentence) <= 160:
                    sentences.add(sentence)
    return sorted(titles), sorted(sentences), sorted(handling), sorted(departments)


def city_names(rng):
    names = set()
    while len(names) < N_CITIES:
        names.add(rng.choice(CITY_CHARS) + rng.choice(CITY_CHARS) + "市")
    return sorted(names)


def swap_city(text, city):
    for real in _REAL_CITIES:
        text = text.replace(real, city if real.endswith("市") else city[:-1])
    return text


def amounts(text):
    values = []
    for number, unit in _AMOUNT.findall(text):
        factor = {"万": 10_000, "亿": 100_000_000}.get(unit, 1)
        values.append(int(float(number) * factor))
    return values


def taxonomy():
    path = ROOT / "fixtures" / "taxonomy.toml"
    if path.exists():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        topics = [(t["slug"], t["name"], t.get("keywords", [])) for t in data.get("topic", [])]
        kinds = [
            (t["slug"], t["name"], t.get("keywords", [])) for t in data.get("support_type", [])
        ]
        if topics and kinds:
            return topics, kinds
    topics = [("consumption", "促消费", ["消费"]), ("innovation", "科技创新", ["科技", "创新"])]
    topics += [("finance", "金融与上市", ["上市", "融资", "贷款"]), ("other", "营商环境", [])]
    kinds = [("subsidy", "补贴", ["补贴", "补助"]), ("reward", "奖励", ["奖励"])]
    kinds += [("service", "服务", [])]
    return topics, kinds


def matching(categories, title, text, limit):
    hits = [i for i, (_, _, words) in enumerate(categories) if any(w in title for w in words)]
    hits += [i for i, (_, _, words) in enumerate(categories) if any(w in text for w in words)]
    return list(dict.fromkeys(hits))[:limit] or [len(categories) - 1]


class Loader:
    """Fast inserts through the raw sqlite3 connection; columns named as the model's fields."""

    def __init__(self, raw):
        self.raw = raw

    def insert(self, model, fields, rows):
        """Rows of ``fields``; every other column gets its field's default, so that a field
        added to a model later does not break the bench."""
        from django.db import connection

        given = [model._meta.get_field(name) for name in fields]
        rest = [
            f
            for f in model._meta.concrete_fields
            if f not in given and not f.primary_key and not f.null
        ]
        defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        columns = ", ".join(f'"{f.column}"' for f in given + rest)
        sql = (
            f'INSERT INTO "{model._meta.db_table}" ({columns}) '
            f"VALUES ({', '.join('?' * (len(given) + len(rest)))})"
        )
        self.raw.executemany(sql, (tuple(row) + defaults for row in rows))

    def insert_m2m(self, field, rows):
        through = field.remote_field.through
        own = field.m2m_column_name()
        other = field.m2m_reverse_name()
        sql = f'INSERT INTO "{through._meta.db_table}" ("{own}", "{other}") VALUES (?, ?)'
        self.raw.executemany(sql, rows)


def build():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from policies import search
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

    if connection.vendor != "sqlite" or "var/bench" not in str(connection.settings_dict["NAME"]):
        sys.exit("bench/catalogue.py builds only a SQLite file under var/bench/ (DATABASE_URL)")
    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    if Measure.objects.exists():
        print("catalogue already built", flush=True)
        return

    rng = random.Random(SEED)
    titles, sentences, handling, department_names = phrase_banks()
    topics, kinds = taxonomy()
    cities = city_names(rng)
    today = datetime.date(2025, 6, 30)

    connection.ensure_connection()
    raw = connection.connection
    raw.execute("PRAGMA journal_mode=OFF")
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("PRAGMA cache_size=-1000000")
    raw.execute("PRAGMA temp_store=MEMORY")
    load = Loader(raw)
    raw.execute("BEGIN")

    load.insert(
        Topic, ["id", "slug", "name", "order", "description"],
        [(i + 1, slug, name, (i + 1) * 10, "") for i, (slug, name, _) in enumerate(topics)],
    )  # fmt: skip
    load.insert(
        SupportType, ["id", "slug", "name", "order"],
        [(i + 1, slug, name, (i + 1) * 10) for i, (slug, name, _) in enumerate(kinds)],
    )  # fmt: skip
    load.insert(
        City, ["id", "name", "slug", "province", "code", "phone_area_code"],
        [
            (i + 1, name, f"city-{i + 1:03d}", PROVINCES[i % len(PROVINCES)], f"{210000 + i:06d}",
             "0412")
            for i, name in enumerate(cities)
        ],
    )  # fmt: skip
    department_rows = []
    for c, city in enumerate(cities):
        names = list(dict.fromkeys(swap_city(name, city) for name in department_names))
        rng.shuffle(names)
        for name in (names + [f"{city}第{n}部门" for n in range(DEPARTMENTS_PER_CITY)])[
            :DEPARTMENTS_PER_CITY
        ]:
            department_rows.append((len(department_rows) + 1, name, "city", "", c + 1, "[]"))
    load.insert(Department, ["id", "name", "level", "province", "city", "aliases"], department_rows)

    n_documents = N_CITIES * DOCUMENTS_PER_CITY
    per_document = [N_MEASURES // n_documents] * n_documents
    for i in range(N_MEASURES - sum(per_document)):
        per_document[i] += 1
    measure_rows, chapter_rows, document_rows, topic_links, kind_links, dept_links = (
        [], [], [], [], [], []
    )  # fmt: skip
    measure_id = 0
    for d in range(n_documents):
        city_index = d // DOCUMENTS_PER_CITY
        city = cities[city_index]
        document_id = d + 1
        chapter_ids = []
        for number in range(1, CHAPTERS_PER_DOCUMENT + 1):
            chapter_rows.append(
                (len(chapter_rows) + 1, document_id, number, swap_city(rng.choice(titles), city))
            )
            chapter_ids.append(len(chapter_rows))
        city_departments = range(
            city_index * DEPARTMENTS_PER_CITY + 1, (city_index + 1) * DEPARTMENTS_PER_CITY + 1
        )
        body = []
        for position in range(1, per_document[d] + 1):
            measure_id += 1
            title = rng.choice(TITLE_PREFIXES) + swap_city(rng.choice(titles), city)
            text = "".join(
                swap_city(s, city) for s in rng.sample(sentences, rng.choice((2, 2, 3, 3, 4)))
            )
            body.append(f"{position}.{title}。{text}")
            found = amounts(text)
            roll = rng.random()
            deadline_date = None
            if roll < 0.55:
                deadline_date = today + datetime.timedelta(days=rng.randint(-600, 900))
            measure_rows.append(
                (
                    measure_id, document_id,
                    chapter_ids[(position - 1) * CHAPTERS_PER_DOCUMENT // per_document[d]],
                    json.dumps([position]), str(position), position, title, text,
                    rng.choice(handling) if handling and rng.random() < 0.6 else "",
                    deadline_date.strftime("%Y年%m月%d日") if deadline_date else "",
                    deadline_date.isoformat() if deadline_date else None,
                    "dated" if deadline_date else "open" if roll < 0.8 else "unknown",
                    "deadline" if deadline_date else "document",
                    json.dumps([{"name": "联系人", "phone": f"04{rng.randint(10**8, 10**9 - 1)}"}]),
                    json.dumps(found), max(found) if found else None,
                    rng.random() < 0.05, "",
                )
            )  # fmt: skip
            for t in matching(topics, title, text, 2):
                topic_links.append((measure_id, t + 1))
            for k in matching(kinds, title, text, 2):
                kind_links.append((measure_id, k + 1))
            for p, department in enumerate(rng.sample(city_departments, rng.randint(1, 3))):
                dept_links.append((measure_id, department, p))
        clean = "\n".join(body)
        issued = datetime.date(2022, 1, 1) + datetime.timedelta(days=rng.randint(0, 1400))
        document_rows.append(
            (
                document_id, f"synthetic/{document_id:05d}.txt", f"synthetic-{document_id:05d}",
                city_index + 1,
                f"{city}关于{swap_city(rng.choice(titles), city)}的若干措施",
                f"{city}人民政府办公室", issued.isoformat(), issued.isoformat(),
                "draft" if rng.random() < 0.1 else "published", True, clean, clean,
                f"{document_id:064x}", "", None,
            )
        )  # fmt: skip
    load.insert(
        PolicyDocument,
        ["id", "source", "slug", "city", "title", "issuer", "issued_on", "captured_on", "status",
         "complete", "source_text", "clean_text", "source_sha256", "import_fingerprint",
         "imported_at"],
        document_rows,
    )  # fmt: skip
    load.insert(Chapter, ["id", "document", "number", "title"], chapter_rows)
    load.insert(
        Measure,
        ["id", "document", "chapter", "path", "path_key", "position", "title", "text",
         "handling", "deadline_text", "valid_until", "validity_kind", "validity_basis", "contacts",
         "amounts_yuan", "max_amount_yuan", "free_of_application", "import_fingerprint"],
        measure_rows,
    )  # fmt: skip
    load.insert_m2m(Measure._meta.get_field("topics"), topic_links)
    load.insert_m2m(Measure._meta.get_field("support_types"), kind_links)
    load.insert(MeasureDepartment, ["measure", "department", "position"], dept_links)
    print(f"catalogue rows written in {time.monotonic() - started:.0f} s", flush=True)

    # The index tables, as reindex_measures writes them (rows in gram order), but in bulk:
    # load a bare staging table, copy it over sorted, then create the indexes.
    class Row:  # what search.index_rows reads
        __slots__ = ("title", "text")

    for model, _, cut in search.INDEXES.values():
        table = model._meta.db_table
        indexes = raw.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type='index' AND tbl_name=? AND sql IS NOT NULL",
            (table,),
        ).fetchall()
        for name, _ in indexes:
            raw.execute(f'DROP INDEX "{name}"')
        raw.execute(
            "CREATE TEMP TABLE gram_load "
            "(gram TEXT, measure_id INT, in_title INT, count INT, score INT)"
        )

        def gram_rows(cut=cut):
            row = Row()
            for measure in measure_rows:
                row.title, row.text = measure[6], measure[7]
                for gram, in_title, count, score in search.index_rows(row, cut):
                    yield (gram, measure[0], in_title, count, score)

        raw.executemany("INSERT INTO gram_load VALUES (?, ?, ?, ?, ?)", gram_rows())
        print(f"{table} computed in {time.monotonic() - started:.0f} s", flush=True)
        raw.execute(
            f'INSERT INTO "{table}" (gram, measure_id, in_title, count, score) '
            "SELECT gram, measure_id, in_title, count, score FROM gram_load "
            "ORDER BY gram, measure_id"
        )
        raw.execute("DROP TABLE gram_load")
        for _, sql in indexes:
            raw.execute(sql)
    raw.execute("COMMIT")
    raw.execute("ANALYZE")
    print(f"catalogue built in {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    build()

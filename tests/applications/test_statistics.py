"""Open statistics (公开统计): every figure against a hand count, the disclosure control, the
staff page's scope, the CSV, and the query count.

The fixture is written row by row (applications, steps, events with explicit times), not
through the services, so every date is known. 2023 calendar (chinese-calendar): 29 Sep – 6 Oct
is the National Day holiday, Sat 7 and Sun 8 Oct are worked (调休), 14–15 Oct a weekend.
Working days from d1 to d2 count the days after d1 up to d2 (``clock.working_days_between``).

Routes (limits stated on the steps):
  M1 = 鞍山 2023 3（1）: 1. 铁东区商务局 初审 (5 working days) → 2. 鞍山市财政局 拨付 (5)
  M2 = 鞍山 2023 3（2）: 1. 鞍山市商务局 审核 (3)

Applications (E1…E5 enterprises; times 10:00 Asia/Shanghai):
  A1 E1 M1 submitted Mon 25 Sep; passed Wed 27 Sep; paid Mon 9 Oct, 100,000 (approved 100,000)
  A2 E2 M1 submitted Tue 26 Sep; passed Mon 9 Oct;  paid Tue 10 Oct, 200,000 (approved 200,000)
  A3 E3 M1 submitted Thu 28 Sep; passed Thu 12 Oct; paid Mon 16 Oct, 300,000 (approved 300,000)
  A4 E4 M1 submitted Wed 27 Sep; rejected Tue 10 Oct
  A5 E1 M1 submitted Tue 10 Oct; returned Wed 11 Oct; resubmitted Thu 12 Oct (in review)
  A6 E2 M1 submitted Wed 11 Oct; withdrawn Fri 13 Oct (by the enterprise)
  B1 E5 M2 submitted Mon 9 Oct;  passed (approved) Mon 16 Oct, approved 50,000
  a draft of E3 on M1: never received, counted nowhere.

Days to payment:
  A1 25 Sep → 9 Oct: 26, 27, 28 Sep, 7, 8, 9 Oct = 6
  A2 26 Sep → 10 Oct: 27, 28 Sep, 7, 8, 9, 10 Oct = 6
  A3 28 Sep → 16 Oct: 7, 8, 9, 10, 11, 12, 13, 16 Oct = 8
  median of [6, 6, 8] = 6; 90th percentile: the ⌈0.9 × 3⌉ = 3rd = 8.

Finished spans (due = the limit-th working day after the span's start; late if ended after):
  A1 step 1 25 Sep → 27 Sep, due 8 Oct (26, 27, 28 Sep, 7, 8 Oct): on time
  A1 step 2 27 Sep → 9 Oct, due 10 Oct (28 Sep, 7, 8, 9, 10): on time
  A2 step 1 26 Sep → 9 Oct, due 9 Oct (27, 28 Sep, 7, 8, 9): on time (on the due day)
  A2 step 2 9 Oct → 10 Oct, due 16 Oct: on time
  A3 step 1 28 Sep → 12 Oct, due 11 Oct (7, 8, 9, 10, 11): LATE
  A3 step 2 12 Oct → 16 Oct, due 19 Oct: on time
  A4 step 1 27 Sep → 10 Oct (rejected), due 10 Oct (28 Sep, 7, 8, 9, 10): on time
     (13 calendar days: a calendar-day count would call it late)
  A5 step 1 10 Oct → 11 Oct (returned), due 17 Oct: on time; its second span is open
  A6 withdrawn by the enterprise: not a department's finished step
  B1 step 1 9 Oct → 16 Oct, due 12 Oct (10, 11, 12): LATE
"""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from applications import statistics
from applications.models import Application, ApplicationEvent, ApplicationStep
from applications.workflow import city_department, district_department
from policies.models import City, District
from tests.caches import clear_caches

from .conftest import make_enterprise, make_staff, make_user, measure_at

pytestmark = pytest.mark.django_db

D = Decimal

# ---------------------------------------------------------------------------------------------
# The golden tables, counted by hand above. Columns:
# enterprises, received, approved, rejected, approved yuan, paid, paid yuan, median days,
# 90th-percentile days, finished steps, overdue %.
FULL = {
    "measure": {
        "M1": (4, 6, 3, 1, D(600000), 3, D(600000), 6, 8, 8, D("12.5")),  # 1 late of 8
        "M2": (1, 1, 1, 0, D(50000), 0, D(0), None, None, 1, D("100.0")),
        "total": (5, 7, 4, 1, D(650000), 3, D(600000), 6, 8, 9, D("22.2")),  # 2 of 9
    },
    "city": {
        "鞍山市": (5, 7, 4, 1, D(650000), 3, D(600000), 6, 8, 9, D("22.2")),
        "total": (5, 7, 4, 1, D(650000), 3, D(600000), 6, 8, 9, D("22.2")),
    },
    "document": {  # M1 and M2 are of one document
        "DOC": (5, 7, 4, 1, D(650000), 3, D(600000), 6, 8, 9, D("22.2")),
        "total": (5, 7, 4, 1, D(650000), 3, D(600000), 6, 8, 9, D("22.2")),
    },
    "department": {
        # A1–A6 reached 铁东区商务局; its spans: A1, A2, A3 (late), A4, A5 = 1 of 5
        "铁东区商务局": (4, 6, 3, 1, D(600000), 3, D(600000), 6, 8, 5, D("20.0")),
        "鞍山市财政局": (3, 3, 3, 0, D(600000), 3, D(600000), 6, 8, 3, D("0.0")),
        "鞍山市商务局": (1, 1, 1, 0, D(50000), 0, D(0), None, None, 1, D("100.0")),
        "total": (5, 7, 4, 1, D(650000), 3, D(600000), 6, 8, 9, D("22.2")),
    },
    "stage": {
        "初审": (4, 6, 3, 1, D(600000), 3, D(600000), 6, 8, 5, D("20.0")),
        "审核": (1, 1, 1, 0, D(50000), 0, D(0), None, None, 1, D("100.0")),
        "拨付": (3, 3, 3, 0, D(600000), 3, D(600000), 6, 8, 3, D("0.0")),
        "total": (5, 7, 4, 1, D(650000), 3, D(600000), 6, 8, 9, D("22.2")),
    },
}

# Public, K = 3. Cells (year, measure, departments, stages, outcome):
#   A1, A2, A3: 2023, M1, {铁东, 财政}, {初审, 拨付}, paid — E1, E2, E3: kept
#   A4: …, {铁东}, {初审}, rejected — E4 alone: left out
#   A5, A6: …, {铁东}, {初审}, other — E1, E2: 2 < 3, left out
#   B1: 2023, M2, {市商务局}, {审核}, approved — E5 alone: left out
# So every public figure is A1–A3's; M2, 鞍山市商务局 and 审核 are suppressed rows.
# A1–A3 spans: 6 finished, 1 late (A3 step 1) = 16.7 %; at 铁东 1 of 3 = 33.3 %.
KEPT = (3, 3, 3, 0, D(600000), 3, D(600000), 6, 8, 6, D("16.7"))
PUBLIC = {
    "measure": {"M1": KEPT, "M2": "suppressed", "total": KEPT},
    "city": {"鞍山市": KEPT, "total": KEPT},
    "document": {"DOC": KEPT, "total": KEPT},
    "department": {
        "铁东区商务局": (3, 3, 3, 0, D(600000), 3, D(600000), 6, 8, 3, D("33.3")),
        "鞍山市财政局": (3, 3, 3, 0, D(600000), 3, D(600000), 6, 8, 3, D("0.0")),
        "鞍山市商务局": "suppressed",
        "total": KEPT,
    },
    "stage": {
        "初审": (3, 3, 3, 0, D(600000), 3, D(600000), 6, 8, 3, D("33.3")),
        "审核": "suppressed",
        "拨付": (3, 3, 3, 0, D(600000), 3, D(600000), 6, 8, 3, D("0.0")),
        "total": KEPT,
    },
}


def at(month, day, hour=10):
    return timezone.make_aware(datetime.datetime(2023, month, day, hour))


class World:
    pass


def _application(enterprise, measure, user, route, history, **fields):
    """An application with its ``route`` [(act, limit, department)] and its ``history``
    [(action, from_state, to_state, from_position, to_position, time, department)]."""
    last = history[-1] if history else None
    application = Application.objects.create(
        enterprise=enterprise,
        measure=measure,
        created_by=user,
        state=last[2] if last else "draft",
        position=last[4] if last else 0,
        submitted_at=history[0][5] if history else None,
        **fields,
    )
    for position, (act, limit, department) in enumerate(route, start=1):
        step = ApplicationStep.objects.create(
            application=application, position=position, level="city", act=act, limit_days=limit
        )
        step.departments.set([department])
    for action, source, target, from_position, to_position, moment, department in history:
        ApplicationEvent.objects.create(
            application=application,
            at=moment,
            actor=user,
            department=department,
            action=action,
            from_state=source,
            to_state=target,
            from_position=from_position,
            to_position=to_position,
        )
    return application


def build_world(suffix=""):
    """The fixture of the module's docstring; ``suffix`` makes another copy of it."""
    w = World()
    city = City.objects.get(name="鞍山市")
    tiedong = District.objects.get(city=city, name="铁东区")
    w.m1, w.m2 = measure_at("3.1"), measure_at("3.2")
    w.dist = district_department(tiedong, "商务局")
    w.finance = city_department(city, "财政局")
    w.commerce = city_department(city, "商务局")
    user = make_user(f"clerk{suffix}")
    firms = [
        make_enterprise(f"统计企业{n}{suffix}", f"91210302MA{suffix or 'A'}{n:06d}", city, tiedong)
        for n in range(1, 6)
    ]
    e1, e2, e3, e4, e5 = firms
    r1 = [("preliminary", 5, w.dist), ("disburse", 5, w.finance)]
    r2 = [("review", 3, w.commerce)]

    def paid(firm, sent, passed, paid_on, amount):
        return _application(
            firm,
            w.m1,
            user,
            r1,
            [
                ("submit", "draft", "in_review", 0, 1, at(*sent), None),
                ("pass", "in_review", "in_review", 1, 2, at(*passed), w.dist),
                ("disburse", "in_review", "disbursed", 2, 2, at(*paid_on, 15), w.finance),
            ],
            approved_amount_yuan=amount,
            disbursed_amount_yuan=amount,
            disbursed_on=datetime.date(2023, *paid_on),
            voucher_number="V",
        )

    w.a1 = paid(e1, (9, 25), (9, 27), (10, 9), D(100000))
    w.a2 = paid(e2, (9, 26), (10, 9), (10, 10), D(200000))
    w.a3 = paid(e3, (9, 28), (10, 12), (10, 16), D(300000))
    w.a4 = _application(
        e4,
        w.m1,
        user,
        r1,
        [
            ("submit", "draft", "in_review", 0, 1, at(9, 27), None),
            ("reject", "in_review", "rejected", 1, 1, at(10, 10), w.dist),
        ],
    )
    w.a5 = _application(
        e1,
        w.m1,
        user,
        r1,
        [
            ("submit", "draft", "in_review", 0, 1, at(10, 10), None),
            ("edit", "in_review", "in_review", 1, 1, at(10, 10, 11), None),  # no move: ignored
            ("return", "in_review", "returned", 1, 1, at(10, 11), w.dist),
            ("resubmit", "returned", "in_review", 1, 1, at(10, 12), None),
        ],
    )
    w.a6 = _application(
        e2,
        w.m1,
        user,
        r1,
        [
            ("submit", "draft", "in_review", 0, 1, at(10, 11), None),
            ("withdraw", "in_review", "withdrawn", 1, 1, at(10, 13), None),
        ],
    )
    w.b1 = _application(
        e5,
        w.m2,
        user,
        r2,
        [
            ("submit", "draft", "in_review", 0, 1, at(10, 9), None),
            ("pass", "in_review", "approved", 1, 1, at(10, 16), w.commerce),
        ],
        approved_amount_yuan=D(50000),
    )
    w.draft = _application(e3, w.m1, user, [], [])
    return w


@pytest.fixture
def world(catalogue):
    return build_world()


def label(world, key):
    return {
        "M1": f"{world.m1.title}（{world.m1.path_key}）",
        "M2": f"{world.m2.title}（{world.m2.path_key}）",
        "DOC": world.m1.document.title,
    }.get(key, key)


def figures(row):
    return (
        row.enterprise_count,
        row.received,
        row.approved,
        row.rejected,
        row.approved_yuan,
        row.paid,
        row.paid_yuan,
        row.median_days,
        row.p90_days,
        row.steps_done,
        row.overdue_percent,
    )


def as_golden(table):
    got = {row.label: "suppressed" if row.suppressed else figures(row) for row in table.rows}
    got["total"] = figures(table.total)
    return got


def expected(world, golden):
    return {label(world, key): value for key, value in golden.items()}


# --- the figures ------------------------------------------------------------------------------


def test_every_figure_equals_the_hand_count(world):
    tables = statistics.build_tables(statistics.load_items(Application.objects.all()))
    for grouping, golden in FULL.items():
        assert as_golden(tables[grouping]) == expected(world, golden), grouping
    assert [row.label for row in tables["stage"].rows] == ["初审", "审核", "拨付"]


def test_the_year_filter_reads_the_year_of_entry_into_review(world):
    assert statistics.load_items(Application.objects.all(), year=2024) == []
    assert len(statistics.load_items(Application.objects.all(), year=2023)) == 7


def test_received_is_counted_from_entering_review_not_from_an_action_name(world):
    """An application that enters review by another action (免申即享's confirmation, say)
    counts as received; the submission's name is not what counts."""
    e5 = world.b1.enterprise
    item = _application(
        e5,
        world.m2,
        world.b1.created_by,
        [("review", 3, world.commerce)],
        [("confirm", "to_confirm", "in_review", 1, 1, at(10, 12), None)],
    )
    items = {i.pk: i for i in statistics.load_items(Application.objects.all())}
    assert item.pk in items and items[item.pk].outcome == statistics.OTHER


def test_an_application_waiting_at_the_payment_step_counts_as_approved(world):
    items = {i.pk: i for i in statistics.load_items(Application.objects.all())}
    assert items[world.a1.pk].outcome == statistics.PAID
    Application.objects.filter(pk=world.a1.pk).update(state="in_review", position=2)
    items = {i.pk: i for i in statistics.load_items(Application.objects.all())}
    assert items[world.a1.pk].outcome == statistics.APPROVED


# --- the public page --------------------------------------------------------------------------


def test_public_tables_leave_small_cells_out_everywhere(world):
    tables, left_out = statistics.public_tables()
    assert left_out
    for grouping, golden in PUBLIC.items():
        assert as_golden(tables[grouping]) == expected(world, golden), grouping


def test_no_subtraction_reveals_the_single_enterprise(world):
    """Total minus the shown rows is zero in every partition table, and equal across
    tables: B1's 50,000 and its days are in no public number."""
    tables, _ = statistics.public_tables()
    for grouping in ("city", "document", "measure"):
        table = tables[grouping]
        shown = [row for row in table.rows if not row.suppressed]
        assert sum(r.received for r in shown) == table.total.received
        assert sum(r.approved_yuan for r in shown) == table.total.approved_yuan
    totals = {figures(t.total) for t in tables.values()}
    assert totals == {KEPT}


def test_the_public_page_and_csv_never_show_the_single_enterprise(client, world):
    response = client.get(reverse("statistics"))
    assert response.status_code == 200
    page = response.content.decode()
    assert str(statistics.SUPPRESSED) in page
    assert world.m2.title in page  # listed, without figures
    for secret in ("5 万元", "50,000", "50000", "65 万元", "650000", "100.0%", "22.2"):
        assert secret not in page, secret
    for grouping in statistics.GROUPINGS:
        body = client.get(reverse("statistics"), {"format": "csv", "table": grouping}).content
        text = body.decode("utf-8-sig")
        for secret in ("50000", "650000", "100.0"):
            assert secret not in text, (grouping, secret)


def test_the_public_page_has_accessible_svg_charts_without_style(client, world):
    page = client.get(reverse("statistics")).content.decode()
    assert page.count('<svg class="stat-chart"') == 10  # two per grouping
    assert 'role="img"' in page and "<title id=" in page
    assert "style=" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
    assert "<script" not in page.split("<main", 1)[-1].split("</main>", 1)[0]


def test_public_csv_equals_the_public_table(client, world):
    tables, _ = statistics.public_tables()
    for grouping, table in tables.items():
        response = client.get(reverse("statistics"), {"format": "csv", "table": grouping})
        assert response["Content-Type"].startswith("text/csv")
        assert response.content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][0] == table.heading
        body = {row[0]: row[1:] for row in rows[1:]}
        golden = expected(world, PUBLIC[grouping])
        golden[str(table.total.label)] = golden.pop("total")
        assert set(body) == set(golden)
        for name, values in golden.items():
            if values == "suppressed":
                assert body[name] == [str(statistics.SUPPRESSED)] + [""] * 10
            else:
                assert body[name] == csv_text(values), (grouping, name)


def csv_text(values):
    return [
        "" if v is None else f"{v:.2f}" if isinstance(v, Decimal) and i in (4, 6) else str(v)
        for i, v in enumerate(values)
    ]


def test_the_public_filters(client, world):
    url = reverse("statistics")
    other = City.objects.exclude(name="鞍山市").filter(documents__isnull=False).first()
    empty = client.get(url, {"city": other.slug}).context
    assert not empty["form"].errors
    assert all(not s["table"].rows for s in empty["sections"])
    assert "2024" not in dict(empty["form"].fields["year"].choices)  # years with applications
    page = client.get(url, {"year": "1999", "city": "nowhere"})
    assert page.status_code == 200
    assert page.context["form"].errors.keys() == {"year", "city"}
    assert "is-invalid" in page.content.decode()
    anshan = City.objects.get(name="鞍山市")
    response = client.get(url, {"year": "2023", "city": anshan.slug})
    table = response.context["sections"][2]["table"]
    assert figures(table.total) == KEPT
    assert client.get(url, {"format": "csv", "table": "nope"}).status_code == 404


def test_the_footer_links_the_statistics(client, world):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("statistics")}"' in page


# --- the staff page ---------------------------------------------------------------------------


def staff_page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("admin:applications_application_statistics"), params)


def test_the_staff_page_shows_only_their_department(client, world):
    finance = make_staff("fin_stats", world.finance)
    response = staff_page(client, finance)
    assert response.status_code == 200
    tables = {s["table"].grouping: s["table"] for s in response.context["sections"]}
    # A1–A3 reached 鞍山市财政局; only its steps count: 3 finished, none late.
    mine = (3, 3, 3, 0, D(600000), 3, D(600000), 6, 8, 3, D("0.0"))
    assert as_golden(tables["department"]) == {"鞍山市财政局": mine, "total": mine}
    assert as_golden(tables["stage"]) == {"拨付": mine, "total": mine}
    assert as_golden(tables["measure"]) == {label(world, "M1"): mine, "total": mine}
    page = response.content.decode()
    for absent in ("铁东区商务局", "鞍山市商务局", world.m2.title):
        assert absent not in page, absent


def test_the_district_staff_page_and_its_csv(client, world):
    tiedong = make_staff("td_stats", world.dist)
    response = staff_page(client, tiedong)
    tables = {s["table"].grouping: s["table"] for s in response.context["sections"]}
    mine = FULL["department"]["铁东区商务局"]
    assert as_golden(tables["department"]) == {"铁东区商务局": mine, "total": mine}
    assert world.m2.title not in response.content.decode()
    csv_response = staff_page(client, tiedong, format="csv", table="measure")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[1] == [label(world, "M1"), *csv_text(mine)]


def test_the_superuser_sees_every_figure(client, world, django_user_model):
    admin = django_user_model.objects.create_superuser("root_stats", "r@example.com", "x")
    response = staff_page(client, admin)
    tables = {s["table"].grouping: s["table"] for s in response.context["sections"]}
    for grouping, golden in FULL.items():
        assert as_golden(tables[grouping]) == expected(world, golden), grouping
    rows = list(
        csv.reader(
            io.StringIO(
                staff_page(client, admin, format="csv", table="department").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    got = {row[0]: row[1:] for row in rows[1:]}
    golden = expected(world, FULL["department"])
    golden["合计（每件申报计一次）"] = golden.pop("total")
    assert got == {name: csv_text(values) for name, values in golden.items()}


def test_the_desk_and_the_queue_link_the_staff_page(client, world):
    tiedong = make_staff("td_links", world.dist)
    client.force_login(tiedong)
    url = reverse("admin:applications_application_statistics")
    assert url in client.get(reverse("admin:index")).content.decode()
    assert url in client.get(reverse("admin:applications_application_changelist")).content.decode()


# --- queries ----------------------------------------------------------------------------------


def count_queries(client, url, user=None):
    if user is not None:
        client.force_login(user)
    client.get(url)  # warm: sessions, content types
    clear_caches()  # the public tables computed afresh
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_applications(client, world, django_user_model):
    admin = django_user_model.objects.create_superuser("root_q", "q@example.com", "x")
    public = reverse("statistics")
    staff = reverse("admin:applications_application_statistics")
    before = count_queries(client, public), count_queries(client, staff, admin)
    build_world("B")  # as many applications again, new enterprises
    build_world("C")
    client.logout()
    after = count_queries(client, public), count_queries(client, staff, admin)
    assert after == before
    assert before[0] <= 14, before


def test_median_and_percentile_by_their_definitions():
    row = statistics.Row("x", days=[9, 6, 8, 6])
    assert (row.median_days, row.p90_days) == (7, 9)  # (6 + 8) / 2; the ⌈3.6⌉ = 4th
    row = statistics.Row("x", days=[7, 6])
    assert (row.median_days, row.p90_days) == (D("6.5"), 7)
    assert statistics.Row("x").median_days is None
    assert statistics.Row("x", steps_done=3, steps_overdue=1).overdue_percent == D("33.3")


def test_with_a_threshold_of_one_the_public_figures_are_the_full_ones(world, settings):
    settings.STATISTICS_MIN_ENTERPRISES = 1
    settings.STATISTICS_DOMINANCE_PERCENT = 0  # B1's cell is one amount: dominated otherwise
    tables, left_out = statistics.public_tables()
    assert not left_out
    for grouping, golden in FULL.items():
        assert as_golden(tables[grouping]) == expected(world, golden), grouping


def test_the_public_tables_are_cached_until_an_application_moves(client, world):
    url = reverse("statistics")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert len(queries) <= 4  # the years, the cities, the events' state, the revision
    assert figures(page.context["sections"][2]["table"].total) == KEPT
    # A fourth enterprise's application is paid like A1–A3: the cell grows, the page follows.
    e4 = world.a4.enterprise
    _application(
        e4,
        world.m1,
        world.a4.created_by,
        [("preliminary", 5, world.dist), ("disburse", 5, world.finance)],
        [
            ("submit", "draft", "in_review", 0, 1, at(9, 25), None),
            ("pass", "in_review", "in_review", 1, 2, at(9, 27), world.dist),
            ("disburse", "in_review", "disbursed", 2, 2, at(10, 9, 15), world.finance),
        ],
        approved_amount_yuan=D(1000),
        disbursed_amount_yuan=D(1000),
        disbursed_on=datetime.date(2023, 10, 9),
        voucher_number="V",
    )
    total = client.get(url).context["sections"][2]["table"].total
    assert (total.received, total.paid_yuan) == (4, D(601000))


# --- Excel ------------------------------------------------------------------------------------


def xlsx_rows(response):
    from openpyxl import load_workbook

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


def same_as_csv(xlsx_values, csv_values):
    """A row of the Excel file equals the CSV's: text as text, numbers as the same numbers."""
    assert len(xlsx_values) == len(csv_values)
    for got, text in zip(xlsx_values, csv_values, strict=True):
        if isinstance(got, int | float):
            assert Decimal(str(got)) == Decimal(text), (got, text)
        else:
            assert (got or "") == text, (got, text)


def test_public_excel_file_equals_the_public_csv(client, world):
    page = client.get(reverse("statistics")).content.decode()
    for grouping in statistics.GROUPINGS:
        assert f"format=xlsx&amp;table={grouping}" in page
        assert f"format=csv&amp;table={grouping}" in page
        response = client.get(reverse("statistics"), {"format": "xlsx", "table": grouping})
        assert re.fullmatch(
            rf'attachment; filename="statistics-{grouping}-\d{{8}}\.xlsx"',
            response["Content-Disposition"],
        )
        sheet, rows = xlsx_rows(response)
        csv_response = client.get(reverse("statistics"), {"format": "csv", "table": grouping})
        csv_rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
        assert len(rows) == len(csv_rows) > 1
        for got, expected_row in zip(rows, csv_rows, strict=True):
            same_as_csv(got, expected_row)
        assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
        # the yuan columns are numbers shown to the fen
        total = len(rows)
        assert sheet.cell(row=total, column=6).number_format == "#,##0.00"
        assert isinstance(sheet.cell(row=total, column=6).value, int | float)


def test_the_public_excel_file_never_shows_the_single_enterprise(client, world):
    for grouping in statistics.GROUPINGS:
        response = client.get(reverse("statistics"), {"format": "xlsx", "table": grouping})
        _sheet, rows = xlsx_rows(response)
        values = [value for row in rows for value in row if value not in (None, "")]
        for secret in (50000, 650000, 100.0):
            assert secret not in values, (grouping, secret)
        assert not any("50000" in str(value) or "650000" in str(value) for value in values)


def test_the_district_staff_excel_file(client, world):
    tiedong = make_staff("td_xlsx", world.dist)
    _sheet, rows = xlsx_rows(staff_page(client, tiedong, format="xlsx", table="measure"))
    same_as_csv(rows[1], [label(world, "M1"), *csv_text(FULL["department"]["铁东区商务局"])])
    assert world.m2.title not in str(rows)
    assert staff_page(client, tiedong, format="xlsx", table="nope").status_code == 404


def test_an_excel_cell_is_never_a_formula():
    from openpyxl import load_workbook

    from applications.desk import xlsx

    body = xlsx([["名称", "金额"], ["=HYPERLINK(1)", 1], ["+1", "@SUM(A1)"]], "表")
    sheet = load_workbook(io.BytesIO(body)).active
    assert [c.value for c in sheet[2]] == ["'=HYPERLINK(1)", 1]
    assert [c.value for c in sheet[3]] == ["'+1", "'@SUM(A1)"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # a sheet's name may not have []:*?/\ and has at most 31 characters
    named = load_workbook(io.BytesIO(xlsx([["a"]], "2023/24 [全部]: 统计*?" + "长" * 40))).active
    assert named.title == "202324 全部 统计" + "长" * 19


# --- dominance: the p% rule -------------------------------------------------------------------

# (amounts of one cell, one per enterprise; p) → dominated? Worked by hand: dominated when
# the amounts after the two largest add up to less than p% of the largest.
DOMINANCE = [
    ([D(1000000), D(20000), D(10000)], 10, True),  # 10,000 < 100,000
    ([D(300000), D(200000), D(100000)], 10, False),  # 100,000 ≥ 30,000 (the world's paid cell)
    ([D(100), D(50), D(10)], 10, False),  # 10 = 10 % of 100: not less
    ([D(100), D(50), D("9.99")], 10, True),
    ([D(100), D(50), D(5), D(5)], 10, False),  # the rest summed: 10
    ([D(100), D(1), D(1), D(1)], 1, False),  # 2 ≥ 1
    ([D(100), D(1), D(1), D(1)], 3, True),  # 2 < 3
    ([D(50000)], 10, True),  # one amount: the total is that amount
    ([D(50000), D(0), D(0)], 10, True),  # the same, with two zeros beside it
    ([D(0), D(0), D(0)], 10, False),  # nothing to reveal
    ([], 10, False),
    ([D(1000000), D(1), D(1)], 0, False),  # p = 0: the rule is off
]


@pytest.mark.parametrize("amounts, p, expected", DOMINANCE)
def test_dominated_by_the_p_percent_rule(amounts, p, expected):
    assert statistics.dominated(amounts, p) is expected
    assert statistics.dominated(reversed(amounts), p) is expected  # order does not matter


def _make_a3_dominant(world):
    """A3 (E3) approved and paid 10,000,000 instead of 300,000: the paid cell of A1–A3 —
    three enterprises, enough for K = 3 — is then 100,000, 200,000 and 10,000,000, and its
    total would give A3's payment away to within 3 %."""
    Application.objects.filter(pk=world.a3.pk).update(
        approved_amount_yuan=D(10000000), disbursed_amount_yuan=D(10000000)
    )


def test_a_cell_dominated_by_one_payment_is_left_out_everywhere(world):
    _make_a3_dominant(world)
    tables, left_out = statistics.public_tables()
    assert left_out
    # A1–A3's was the only cell kept: every row is now suppressed and every total empty
    for grouping, table in tables.items():
        assert all(row.suppressed for row in table.rows), grouping
        assert table.total.received == 0 and table.total.approved_yuan == 0, grouping
        assert table.total.paid_yuan == 0, grouping


def test_without_the_dominance_rule_the_dominated_cell_is_published(world, settings):
    _make_a3_dominant(world)
    settings.STATISTICS_DOMINANCE_PERCENT = 0
    tables, _ = statistics.public_tables()
    total = tables["measure"].total
    assert (total.received, total.paid, total.paid_yuan) == (3, 3, D(10300000))


def test_amounts_are_summed_per_enterprise_before_the_rule(world):
    """Several payments of one enterprise in a cell are one enterprise's amount. A3's
    10,000,000 split into four paid applications of E3 of 2,500,000: counted apart, the
    amounts after the two largest (2,500,000 × 2 + 200,000 + 100,000) would be far above 10 %
    of the largest; summed per enterprise the cell is 10,000,000, 200,000 and 100,000 —
    dominated, as with one payment."""
    _make_a3_dominant(world)
    items = statistics.load_items(Application.objects.all())
    a3 = next(item for item in items if item.pk == world.a3.pk)
    quarter = D(2500000)
    a3.approved_yuan = a3.paid_yuan = quarter
    twins = [
        statistics.Item(**{**a3.__dict__, "pk": -n, "approved_yuan": quarter, "paid_yuan": quarter})
        for n in (1, 2, 3)
    ]
    assert not statistics.dominated([quarter] * 4 + [D(200000), D(100000)], 10)
    kept, _suppressed, left_out = statistics.disclosed([*items, *twins], k=3, p=10)
    ids = {world.a3.pk, -1, -2, -3}
    assert left_out and not ids & {item.pk for item in kept}
    kept, _suppressed, _ = statistics.disclosed([*items, *twins], k=3, p=0)
    assert ids | {world.a1.pk, world.a2.pk} <= {item.pk for item in kept}


def test_the_public_page_never_shows_the_dominant_payment(client, world):
    _make_a3_dominant(world)
    page = client.get(reverse("statistics")).content.decode()
    assert "不足最大一家的 10%" in page  # the rule is stated
    for secret in ("1,030", "1030", "10,300,000", "10300000", "1,000 万", "1000 万"):
        assert secret not in page, secret
    for grouping in statistics.GROUPINGS:
        body = client.get(reverse("statistics"), {"format": "csv", "table": grouping})
        text = body.content.decode("utf-8-sig")
        assert "10300000" not in text and "10,300,000" not in text, grouping


def _items(draw_rows):
    return [
        statistics.Item(
            pk=n,
            enterprise=enterprise,
            measure=measure,
            document=1,
            city=1,
            year=2023,
            outcome=statistics.PAID,
            approved_yuan=D(amount),
            paid_yuan=D(amount),
            paid_days=None,
            departments={1},
            stages={"x"},
        )
        for n, (enterprise, measure, amount) in enumerate(draw_rows)
    ]


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 6),  # enterprise
            st.integers(1, 3),  # measure: the cell, here
            st.sampled_from([0, 1, 5, 10, 100, 1000, 100000]),
        ),
        max_size=25,
    ),
    st.sampled_from([0, 5, 10, 20]),
)
def test_what_is_published_is_never_dominated_nor_small(rows, p):
    """The module's claim, tried on random cells: every published row (a measure) and the
    total — sums over kept cells — has at least K enterprises and amounts that the p% rule
    does not call dominated, the amounts summed per enterprise over the row."""
    kept, _suppressed, _ = statistics.disclosed(_items(rows), k=3, p=p)
    groups = {"total": kept}
    for item in kept:
        groups.setdefault(item.measure, []).append(item)
    for name, items in groups.items():
        if not items:
            continue
        per_enterprise = {}
        for item in items:
            per_enterprise[item.enterprise] = (
                per_enterprise.get(item.enterprise, 0) + item.paid_yuan
            )
        assert len(per_enterprise) >= 3, name
        assert not statistics.dominated(per_enterprise.values(), p), (name, per_enterprise)

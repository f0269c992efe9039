"""公示 and 异议 in the admin: publishing with a confirmation step, answering once, the payment
refused on the desk while blocked, who sees what (URL × persona), query counts and races."""

import pytest
from django.test import Client
from django.urls import reverse

from applications import notices
from applications.models import Intake, Objection, PublicNotice
from applications.states import State
from tests.threads import race

from .conftest import make_user
from .notice_world import AFTER_WINDOW, awaiting_payment, publish, require_notice

pytestmark = pytest.mark.django_db

ANON = "anonymous"


@pytest.fixture
def scene(personas, measure):
    """A notice of A's item by 市商务局, with an objection to it."""
    application = awaiting_payment(personas, measure)
    notice = publish(personas, measure, [application])
    objection = notices.raise_objection(
        notice,
        entry=notice.entries.get(),
        name="张三",
        contact="13800000000",
        text="该企业去年已享受同类补贴，请核实。",
    )
    return {"application": application, "notice": notice, "objection": objection}


# --- publishing ------------------------------------------------------------------------------


def test_publishing_goes_through_a_confirmation(client, personas, measure):
    first = awaiting_payment(personas, measure, "a")
    second = awaiting_payment(personas, measure, "b")
    client.force_login(personas.city_commerce)
    add = reverse("admin:applications_publicnotice_add")
    choose = client.get(add)
    assert choose.status_code == 200 and measure.title in choose.content.decode()
    page = client.get(add, {"measure": measure.pk})
    html = page.content.decode()
    assert first.number in html and second.number in html
    data = {"measure": measure.pk, "items": [first.pk], "days": "5", "title": ""}
    confirm = client.post(f"{add}?measure={measure.pk}", data)
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "确认发布" in html and "2023年10月23日" in html
    assert "912103********" in html  # the masked code, as the public will read it
    assert not PublicNotice.objects.exists()  # nothing until confirmed
    done = client.post(f"{add}?measure={measure.pk}", {**data, "confirm": "yes"})
    notice = PublicNotice.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "admin:applications_publicnotice_change", args=[notice.pk]
    )
    assert [e.application for e in notice.entries.all()] == [first]
    # the same item again: no longer offered; forced, refused with a message
    again = client.post(f"{add}?measure={measure.pk}", {**data, "confirm": "yes"})
    assert again.status_code == 400 and "重新选择" in again.content.decode()
    assert PublicNotice.objects.count() == 1


def test_the_publish_form_checks_its_fields(client, personas, measure):
    awaiting_payment(personas, measure)
    client.force_login(personas.city_commerce)
    add = reverse("admin:applications_publicnotice_add")
    response = client.post(f"{add}?measure={measure.pk}", {"days": "99", "title": "t"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "请至少选择一项公示对象。" in html and "公示期不能超过 30 个工作日。" in html


def test_a_department_with_nothing_to_publish_is_told_so(client, personas, measure):
    awaiting_payment(personas, measure)
    client.force_login(personas.city_finance)
    html = client.get(reverse("admin:applications_publicnotice_add")).content.decode()
    assert "目前没有等待公示的事项" in html
    add = reverse("admin:applications_publicnotice_add")
    assert client.get(add, {"measure": measure.pk}).status_code == 404
    assert client.get(add, {"measure": "x"}).status_code == 404
    client.force_login(personas.city_commerce)
    for bad in ("²", "x", "999999"):  # a digit int() refuses, text, no such measure
        assert client.get(add, {"measure": bad}).status_code == 404


def test_the_intake_inline_edits_the_notice_settings(client, personas, measure):
    root = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(root)
    html = client.get(reverse("admin:policies_measure_change", args=[measure.pk])).content.decode()
    assert "公示后方可拨付" in html and "公示期（工作日）" in html
    assert Intake._meta.get_field("notice_days").default == 5


# --- answering and paying on the desk --------------------------------------------------------


def test_answering_once_through_the_admin(client, personas, scene):
    objection = scene["objection"]
    client.force_login(personas.city_commerce)
    change = reverse("admin:applications_objection_change", args=[objection.pk])
    html = client.get(change).content.decode()
    assert "13800000000" in html and 'id="answer-objection"' in html  # staff see the contact
    answer = reverse("admin:applications_objection_answer", args=[objection.pk])
    assert "答复提交后不能修改" in client.get(answer).content.decode()
    empty = client.post(answer, {"answer": "  "})
    assert empty.status_code == 400 and "请填写答复内容。" in empty.content.decode()
    assert client.post(answer, {"answer": "经核实，未重复享受。"}).status_code == 302
    assert client.post(answer, {"answer": "第二次"}).status_code == 302
    objection.refresh_from_db()
    assert objection.answer == "经核实，未重复享受。"
    assert 'id="answer-objection"' not in client.get(change).content.decode()


def test_the_notice_list_filters_by_status(client, personas, measure, scene, settings):
    quiet = publish(personas, measure, [awaiting_payment(personas, measure, "b")])
    client.force_login(personas.city_commerce)
    url = reverse("admin:applications_publicnotice_changelist")

    def listed(status):
        html = client.get(url, {"status": status}).content.decode()
        return {n.pk for n in (scene["notice"], quiet) if f"/publicnotice/{n.pk}/change/" in html}

    assert listed("open") == {scene["notice"].pk, quiet.pk}
    assert listed("pending") == {scene["notice"].pk}  # not the notice without objections
    assert listed("closed") == set()
    settings.PORTAL_TODAY = AFTER_WINDOW
    assert listed("closed") == {scene["notice"].pk, quiet.pk}
    html = client.get(url).content.decode()
    assert "公示期已结束，异议待答复" in html


def test_the_objection_list_flags_the_overdue(client, personas, scene, settings):
    settings.PORTAL_TODAY = AFTER_WINDOW
    client.force_login(personas.city_commerce)
    url = reverse("admin:applications_objection_changelist")
    html = client.get(url).content.decode()
    assert "已超期" in html and "张三" in html
    assert "张三" in client.get(url, {"answered": "overdue"}).content.decode()
    assert "张三" not in client.get(url, {"answered": "yes"}).content.decode()


def test_the_desk_refuses_payment_with_the_reason_while_blocked(client, personas, measure, scene):
    require_notice(measure)
    application = scene["application"]
    client.force_login(personas.city_finance)
    change = reverse("admin:applications_application_change", args=[application.pk])
    html = client.get(change).content.decode()
    assert 'id="payment-blocker"' in html and "正在公示" in html
    assert "staff-action-disburse" not in html
    act = reverse("admin:applications_application_act", args=[application.pk, "disburse"])
    page = client.get(act).content.decode()
    assert "正在公示" in page
    client.post(act, {"amount": "100000", "paid_on": "2023-10-16", "voucher": "PZ-1"})
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW


# --- who sees what -----------------------------------------------------------------------------


def urls_of(scene):
    notice, objection = scene["notice"], scene["objection"]
    return {
        "list": reverse("notices:list"),
        "notice": notice.get_absolute_url(),
        "sent": reverse("notices:objection_sent", args=[notice.pk]),
        "admin_notices": reverse("admin:applications_publicnotice_changelist"),
        "admin_notice": reverse("admin:applications_publicnotice_change", args=[notice.pk]),
        "admin_publish": reverse("admin:applications_publicnotice_add"),
        "admin_objections": reverse("admin:applications_objection_changelist"),
        "admin_objection": reverse("admin:applications_objection_change", args=[objection.pk]),
        "admin_answer": reverse("admin:applications_objection_answer", args=[objection.pk]),
    }


# 302: to the admin's login. 市商务局 published the notice; 市统计局, 市财政局 and the
# district are other departments: their staff get 404 for its notice and objection.
TABLE = """
persona                ANON    ent_a   dist_a   city_c   city_s   city_f outsider     root
list                    200      200      200      200      200      200      200      200
notice                  200      200      200      200      200      200      200      200
sent                    200      200      200      200      200      200      200      200
admin_notices           302      302      200      200      200      200      302      200
admin_notice            302      302      404      200      404      404      302      200
admin_publish           302      302      200      200      200      200      302      200
admin_objections        302      302      200      200      200      200      302      200
admin_objection         302      302      404      200      404      404      302      200
admin_answer            302      302      404      200      404      404      302      200
"""
PERSONA_NAMES = {
    "ANON": ANON,
    "ent_a": "enterprise_a",
    "dist_a": "district_staff_a",
    "city_c": "city_commerce",
    "city_s": "city_statistics",
    "city_f": "city_finance",
    "outsider": "outsider",
    "root": "root",
}


def _expected(table):
    header, *rows = [line.split() for line in table.strip().splitlines()]
    personas = [PERSONA_NAMES[name] for name in header[1:]]
    return {
        persona: {row[0]: int(row[1 + column]) for row in rows}
        for column, persona in enumerate(personas)
    }


EXPECTED = _expected(TABLE)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_every_notice_url_answers_each_persona_as_expected(client, personas, scene, persona):
    if persona == "root":
        client.force_login(make_user("root", is_staff=True, is_superuser=True))
    elif persona != ANON:
        client.force_login(getattr(personas, persona))
    urls = urls_of(scene)
    assert set(urls) == set(EXPECTED[persona])
    got = {name: client.get(url).status_code for name, url in urls.items()}
    assert got == EXPECTED[persona]


def test_another_departments_staff_cannot_answer(client, personas, scene):
    objection = scene["objection"]
    client.force_login(personas.city_statistics)
    answer = reverse("admin:applications_objection_answer", args=[objection.pk])
    assert client.post(answer, {"answer": "越权"}).status_code == 404
    objection.refresh_from_db()
    assert objection.answered_at is None
    listing = client.get(reverse("admin:applications_objection_changelist")).content.decode()
    assert "张三" not in listing
    notices_page = client.get(reverse("admin:applications_publicnotice_changelist"))
    assert scene["notice"].title not in notices_page.content.decode()


# --- query counts --------------------------------------------------------------------------


def count(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("n", [1, 4])
def test_the_pages_run_a_bounded_number_of_queries(
    client, personas, measure, django_assert_max_num_queries, n
):
    items = [awaiting_payment(personas, measure, "ab"[i % 2]) for i in range(n)]
    for item in items:  # a notice per item, and one with all of them
        notice = publish(personas, measure, [item])
        notices.raise_objection(notice, name="张三", contact="13800000000", text="请核实该企业。")
    public = [reverse("notices:list"), notice.get_absolute_url()]
    for url in public:
        count(client, url, django_assert_max_num_queries, 4)
    client.force_login(personas.city_commerce)
    admin_pages = [
        (reverse("admin:applications_publicnotice_changelist"), 10),
        (reverse("admin:applications_publicnotice_change", args=[notice.pk]), 9),
        (reverse("admin:applications_publicnotice_add"), 8),
        (reverse("admin:applications_objection_changelist"), 11),
    ]
    for url, limit in admin_pages:
        count(client, url, django_assert_max_num_queries, limit)
    client.force_login(personas.enterprise_a)
    count(
        client,
        reverse("applications:detail", args=[items[0].pk]),
        django_assert_max_num_queries,
        12,  # as tests/applications/test_query_counts.py bounds it, with the notice lines
    )


# --- races (real threads, the database the suite runs on) --------------------------------------


def _client(user):
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_two_staff_answering_one_objection_keep_one_answer(personas, measure):
    colleague = _colleague(personas)
    for _round in range(3):
        notice = publish(personas, measure, [awaiting_payment(personas, measure)])
        objection = notices.raise_objection(
            notice, name="张三", contact="13800000000", text="请核实该企业情况。"
        )
        answer = reverse("admin:applications_objection_answer", args=[objection.pk])
        clients = [_client(personas.city_commerce), _client(colleague)]
        results = race(
            *[
                (lambda c=c, i=i, url=answer: c.post(url, {"answer": f"答复{i}"}))
                for i, c in enumerate(clients)
            ]
        )
        for result in results:
            assert not isinstance(result, Exception), repr(result)
        objection.refresh_from_db()
        assert objection.answer in ("答复0", "答复1")
        assert Objection.objects.filter(pk=objection.pk, answered_at__isnull=False).count() == 1
        # the loser was told, the winner's answer kept
        winner = 0 if objection.answer == "答复0" else 1
        assert objection.answered_by_id == [personas.city_commerce.pk, colleague.pk][winner]


@pytest.mark.django_db(transaction=True)
def test_two_staff_publishing_the_same_items_publish_them_once(personas, measure):
    colleague = _colleague(personas)
    for _round in range(3):
        items = [awaiting_payment(personas, measure, "a"), awaiting_payment(personas, measure, "b")]

        def publish_as(user, items=items):
            return lambda: notices.publish_notice(user, measure, items)

        results = race(publish_as(personas.city_commerce), publish_as(colleague))
        won = [r for r in results if isinstance(r, PublicNotice)]
        lost = [r for r in results if isinstance(r, notices.NoticeError)]
        assert len(won) == 1 and len(lost) == 1, results
        for item in items:
            assert item.notice_entries.count() == 1


def _colleague(personas):
    from applications.services import staff_department

    from .conftest import make_staff

    return make_staff("city_commerce_2", staff_department(personas.city_commerce))


@pytest.mark.parametrize(
    "value",
    ["99999999999999999999", "-1", "1e5", "\x00", "٣", "0x1", "2147483648", "1" * 100_000],
)
def test_hostile_publish_values_are_refused_not_500(client, personas, measure, value):
    """An item pk no column holds (SQLite and PostgreSQL fail on it in ``IN``), a measure
    or a period that is not a number: a message or a 404, nothing published."""
    application = awaiting_payment(personas, measure)
    client.force_login(personas.city_commerce)
    add = reverse("admin:applications_publicnotice_add")
    for data in (
        {"measure": measure.pk, "items": [value], "days": "5"},
        {"measure": measure.pk, "items": [application.pk], "days": value},
        {"measure": value},
    ):
        for confirm in ("", "yes"):
            status = client.post(add, {**data, "confirm": confirm}).status_code
            assert status in (200, 302, 400, 404), (data, confirm, status)
    # only "٣" (an Arabic-Indic 3, read by int()) is a good number of days
    assert PublicNotice.objects.exists() == (value == "٣")


def test_the_desk_counts_objections_to_answer_and_open_notices(
    client, personas, measure, scene, settings
):
    awaiting_payment(personas, measure, "b")  # one more item, not yet published
    client.force_login(personas.city_commerce)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'id="notice-desk"' in html
    assert '<span class="count">1</span>待答复异议</a>' in html
    assert '<span class="count">1</span>公示中</a>' in html
    assert '<span class="count">1</span>待公示事项</a>' in html
    settings.PORTAL_TODAY = AFTER_WINDOW
    html = client.get(reverse("admin:index")).content.decode()
    assert "（已超期 1 件）" in html and '<span class="count">0</span>公示中</a>' in html
    client.force_login(personas.city_statistics)  # another department: nothing of theirs
    html = client.get(reverse("admin:index")).content.decode()
    assert '<span class="count">0</span>待答复异议</a>' in html


def test_an_item_nobody_submitted_shows_its_notice_too(client, personas, measure):
    """免申即享 items reach the payment step without a submission (submitted_at empty)."""
    from applications.models import Application

    require_notice(measure)
    application = awaiting_payment(personas, measure)
    Application.objects.filter(pk=application.pk).update(submitted_at=None)
    publish(personas, measure, [application])
    client.force_login(personas.city_finance)
    change = reverse("admin:applications_application_change", args=[application.pk])
    html = client.get(change).content.decode()
    assert "正在公示" in html and "尚未公示" not in html
    client.force_login(personas.enterprise_a)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'id="application-notices"' in html

"""公示 before payment: what may be published, the masked code, payment held during the
window and while an objection waits, the public pages and the objection form."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from applications import notices, services
from applications.models import NoticeEntry, Objection, PublicNotice
from applications.states import State
from applications.uscc import mask_uscc

from .notice_world import AFTER_WINDOW, awaiting_payment, pay, publish, require_notice

pytestmark = pytest.mark.django_db


# --- masking -------------------------------------------------------------------------------


def test_the_credit_code_keeps_its_first_6_and_last_4_characters():
    assert mask_uscc("91210302MA0AAAAA1X") == "912103********AA1X"
    assert mask_uscc(" 91210302ma0aaaaa1x ") == "912103********AA1X"  # normalised first
    assert len(mask_uscc("91210302MA0AAAAA1X")) == 18
    assert mask_uscc("ABC") == "***"  # too short to show anything of it


# --- what may be published ----------------------------------------------------------------


def test_only_items_awaiting_payment_of_the_departments_measures_are_publishable(personas, measure):
    paying = awaiting_payment(personas, measure, "a")
    at_district = services.submit(
        services.create_draft(personas.enterprise_b, measure, requested_amount_yuan=5),
        personas.enterprise_b,
    )
    draft = services.create_draft(personas.enterprise_a2, measure)
    today = datetime.date(2023, 10, 16)
    commerce = services.staff_department(personas.city_commerce)
    assert list(notices.publishable(commerce, today)) == [paying]
    # 市财政局 pays, it is not a 责任单位 of the measure: nothing of its own to publish
    finance = services.staff_department(personas.city_finance)
    assert list(notices.publishable(finance, today)) == []
    with pytest.raises(notices.NoticeError, match="责任单位不包括"):
        notices.publish_notice(personas.city_finance, measure, [paying])
    for other in (at_district, draft):
        with pytest.raises(notices.NoticeError, match="SB"):
            publish(personas, measure, [paying, other])
    assert not PublicNotice.objects.exists()  # all or nothing

    notice = publish(personas, measure, [paying])
    assert notice.starts_on == today and notice.ends_on == datetime.date(2023, 10, 23)
    entry = notice.entries.get()
    assert (entry.enterprise_name, entry.masked_uscc, entry.amount_yuan) == (
        "鞍山甲商贸有限公司",
        mask_uscc(paying.enterprise.uscc),
        100000,
    )
    assert entry.department_name == "鞍山市商务局"
    # in an open notice: not again
    assert list(notices.publishable(commerce, today)) == []
    with pytest.raises(notices.NoticeError):
        publish(personas, measure, [paying])


def test_an_item_of_a_passed_notice_is_not_published_again_but_one_with_an_open_objection_is(
    personas, measure, settings
):
    first = awaiting_payment(personas, measure, "a")
    second = awaiting_payment(personas, measure, "b")
    notice = publish(personas, measure, [first, second])
    entry_b = notice.entries.get(application=second)
    notices.raise_objection(
        notice,
        entry=entry_b,
        name="张三",
        contact="13800000000",
        text="该企业不在本区经营，请核实。",
    )
    settings.PORTAL_TODAY = AFTER_WINDOW
    commerce = services.staff_department(personas.city_commerce)
    today = datetime.date(2023, 10, 24)
    assert list(notices.publishable(commerce, today)) == [second]


def test_days_are_checked_and_the_snapshot_stays_as_published(personas, measure):
    application = awaiting_payment(personas, measure)
    with pytest.raises(notices.NoticeError, match="1 至 30"):
        publish(personas, measure, [application], days=0)
    with pytest.raises(notices.NoticeError, match="至少选择"):
        publish(personas, measure, [])
    notice = publish(personas, measure, [application], days=3)
    assert notice.ends_on == datetime.date(2023, 10, 19)
    application.enterprise.name = "改名后的公司"
    application.enterprise.save()
    assert notice.entries.get().enterprise_name == "鞍山甲商贸有限公司"


# --- payment -----------------------------------------------------------------------------------


def test_payment_waits_for_the_window_and_every_answer(personas, measure, settings, client):
    require_notice(measure)
    application = awaiting_payment(personas, measure)
    with pytest.raises(services.NotAllowed, match="尚未公示"):
        pay(application, personas)
    notice = publish(personas, measure, [application])
    with pytest.raises(services.NotAllowed, match="正在公示"):
        pay(application, personas)
    objection = notices.raise_objection(
        notice,
        entry=notice.entries.get(),
        name="李四",
        contact="lisi@example.com",
        text="该企业申报数据与实际不符，请核实。",
    )
    assert objection.due_on == datetime.date(2023, 10, 23)
    settings.PORTAL_TODAY = AFTER_WINDOW
    with pytest.raises(services.NotAllowed, match="异议尚有 1 件未答复"):
        pay(application, personas)
    # the desk's button is not offered while blocked
    assert "disburse" not in [
        t.action for t in services.available(application, personas.city_finance)
    ]
    notices.answer_objection(personas.city_commerce, objection, "经核实，数据无误。")
    assert "disburse" in [t.action for t in services.available(application, personas.city_finance)]
    paid = pay(application, personas)
    assert paid.state == State.DISBURSED
    # the notice stays a record after payment
    page = client.get(notice.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "鞍山甲商贸有限公司" in html and "公示期已结束" in html
    assert 'name="text"' not in html  # no form any more


def test_a_notice_wide_objection_holds_every_entry(personas, measure, settings):
    require_notice(measure)
    first = awaiting_payment(personas, measure, "a")
    second = awaiting_payment(personas, measure, "b")
    notice = publish(personas, measure, [first, second])
    objection = notices.raise_objection(
        notice, name="王五", contact="0412-5551234", text="名单整体评审程序不公开，请说明。"
    )
    settings.PORTAL_TODAY = AFTER_WINDOW
    for application in (first, second):
        assert "未答复" in notices.payment_blocker(application, datetime.date(2023, 10, 24))
    notices.answer_objection(personas.city_commerce, objection, "评审程序已按文件执行。")
    for application in (first, second):
        assert notices.payment_blocker(application, datetime.date(2023, 10, 24)) is None


def test_a_measure_without_notice_pays_as_before_unless_published(personas, measure):
    application = awaiting_payment(personas, measure)
    assert notices.payment_blocker(application, datetime.date(2023, 10, 16)) is None
    publish(personas, measure, [application])  # published anyway: then it waits too
    assert "正在公示" in notices.payment_blocker(application, datetime.date(2023, 10, 16))


def test_an_objection_after_the_window_is_refused(personas, measure, settings):
    notice = publish(personas, measure, [awaiting_payment(personas, measure)])
    settings.PORTAL_TODAY = AFTER_WINDOW
    with pytest.raises(notices.NoticeError, match="公示期已结束"):
        notices.raise_objection(notice, name="张三", contact="13800000000", text="x" * 20)


def test_an_objection_is_mailed_to_the_department_and_the_answer_to_the_objector(personas, measure):
    notice = publish(personas, measure, [awaiting_payment(personas, measure)])
    mail.outbox.clear()
    objection = notices.raise_objection(
        notice, name="李四", contact="lisi@example.com", text="该企业申报数据与实际不符。"
    )
    sent = [m for m in mail.outbox if "公示收到异议" in m.subject]
    assert len(sent) == 1 and sent[0].to == ["city_commerce@example.com"]
    assert "lisi@example.com" not in sent[0].body  # the department reads it in the admin
    notices.answer_objection(personas.city_commerce, objection, "经核实无误。")
    answer = [m for m in mail.outbox if "异议答复" in m.subject]
    assert len(answer) == 1 and answer[0].to == ["lisi@example.com"]
    assert "经核实无误。" in answer[0].body


def test_an_answer_is_written_once(personas, measure):
    notice = publish(personas, measure, [awaiting_payment(personas, measure)])
    objection = notices.raise_objection(
        notice, name="李四", contact="13800000000", text="该企业申报数据与实际不符。"
    )
    with pytest.raises(notices.NoticeError, match="不由您所在部门"):
        notices.answer_objection(personas.city_statistics, objection, "越权答复")
    with pytest.raises(notices.NoticeError, match="请填写"):
        notices.answer_objection(personas.city_commerce, objection, "  ")
    notices.answer_objection(personas.city_commerce, objection, "第一次")
    with pytest.raises(notices.AlreadyAnswered):
        notices.answer_objection(personas.city_commerce, objection, "第二次")
    objection.refresh_from_db()
    assert objection.answer == "第一次" and objection.answered_by == personas.city_commerce


# --- the enterprise's timeline ------------------------------------------------------------------


def test_the_enterprise_reads_that_its_application_is_being_published(
    personas, measure, client, settings
):
    application = awaiting_payment(personas, measure)
    notice = publish(personas, measure, [application])
    client.force_login(personas.enterprise_a)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "公示中" in html and "2023年10月23日" in html and notice.get_absolute_url() in html
    notices.raise_objection(notice, name="张三", contact="13800000000", text="请核实该企业情况。")
    settings.PORTAL_TODAY = AFTER_WINDOW
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "已公示" in html and "收到异议" in html
    assert "张三" not in html and "13800000000" not in html


# --- the public pages ------------------------------------------------------------------------


@pytest.fixture
def notice(personas, measure):
    return publish(personas, measure, [awaiting_payment(personas, measure)])


def objection_post(notice, **changes):
    data = {
        "entry": str(notice.entries.get().pk),
        "name": "张三",
        "contact": "13800000000",
        "text": "该企业去年已享受同类补贴，请核实。",
    }
    data.update(changes)
    return data


def test_the_list_shows_current_and_past_notices_per_city(client, notice, settings):
    page = client.get(reverse("notices:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert notice.title in html and "公示中" in html
    assert notice.title in client.get(reverse("notices:list"), {"city": "anshan"}).content.decode()
    other = client.get(reverse("notices:list"), {"city": "yingkou"}).content.decode()
    assert notice.title not in other and "营口市暂无资金公示" in other
    assert client.get(reverse("notices:list"), {"city": "nowhere", "page": "x"}).status_code == 200
    settings.PORTAL_TODAY = AFTER_WINDOW
    assert "公示期已结束" in client.get(reverse("notices:list")).content.decode()


def test_the_notice_page_shows_the_masked_code_only(client, notice):
    html = client.get(notice.get_absolute_url()).content.decode()
    entry = notice.entries.get()
    full = entry.application.enterprise.uscc
    assert entry.masked_uscc in html and full not in html
    assert "2023年10月16日 至 2023年10月23日" in html
    assert 'name="contact"' in html and "针对整个公示" in html
    from applications.notice_forms import TEXT_MAX, TEXT_MIN

    assert f"{TEXT_MIN} 至 {TEXT_MAX} 字" in html  # the help text says the form's limits


def test_an_objection_is_raised_and_thanked_with_its_deadline(client, notice):
    response = client.post(notice.get_absolute_url(), objection_post(notice))
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.entry == notice.entries.get() and objection.due_on == datetime.date(
        2023, 10, 23
    )
    thanks = client.get(response["Location"])
    assert "2023年10月23日 前答复" in thanks.content.decode()
    # nobody reads the objector's details on the public pages
    for url in (notice.get_absolute_url(), reverse("notices:list"), response["Location"]):
        html = client.get(url).content.decode()
        assert "13800000000" not in html and "去年已享受" not in html


def test_a_notice_wide_objection_from_the_form(client, notice):
    assert (
        client.post(notice.get_absolute_url(), objection_post(notice, entry="all")).status_code
        == 302
    )
    assert Objection.objects.get().entry is None


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"name": ""}, "name", "请填写您的姓名或单位名称。"),
        ({"contact": ""}, "contact", "请填写联系电话或电子邮箱"),
        ({"contact": "abc"}, "contact", "请填写有效的联系电话"),
        ({"contact": "a@b"}, "contact", "电子邮箱格式不正确"),
        ({"text": "太短"}, "text", "异议内容请不少于 10 字"),
        ({"text": "长" * 2001}, "text", "不能超过 2000 字"),
        ({"entry": ""}, "entry", "请选择异议针对的公示对象。"),
        ({"entry": "999999"}, "entry", "请从列表中选择公示对象。"),
    ],
)
def test_the_form_says_what_is_wrong_next_to_the_field_and_keeps_the_rest(
    client, notice, changes, field, message
):
    data = objection_post(notice, **changes)
    response = client.post(notice.get_absolute_url(), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    # the widget points at its message (Django names it in aria-describedby)
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error\b', html)
    for key in {"name", "contact", "text"} - {field}:
        assert data[key] in html  # nothing typed is lost
    assert not Objection.objects.exists()


def test_objections_are_throttled_per_address(client, notice, settings):
    settings.PORTAL_OBJECTION_PER_HOUR = 2
    for _ in range(2):
        assert client.post(notice.get_absolute_url(), objection_post(notice)).status_code == 302
    data = objection_post(notice, text="第三件异议，内容应当保留在表单中。")
    response = client.post(notice.get_absolute_url(), data)
    assert response.status_code == 429
    html = response.content.decode()
    assert "过于频繁" in html and data["text"] in html
    assert Objection.objects.count() == 2
    other = client.post(notice.get_absolute_url(), objection_post(notice), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302  # another address has its own count


def test_a_closed_notice_takes_no_objection(client, notice, settings):
    settings.PORTAL_TODAY = AFTER_WINDOW
    response = client.post(notice.get_absolute_url(), objection_post(notice))
    assert response.status_code == 400 and "公示期已结束，不再受理异议" in response.content.decode()
    assert not Objection.objects.exists()


def test_unknown_notices_are_404(client, notice):
    assert client.get(reverse("notices:detail", args=[999999])).status_code == 404
    assert client.get(reverse("notices:objection_sent", args=[999999])).status_code == 404


def test_the_thanks_page_without_an_objection_says_the_rule(client, notice):
    html = client.get(reverse("notices:objection_sent", args=[notice.pk])).content.decode()
    assert "5 个工作日内答复" in html


def test_the_header_links_the_notices(client, notice):
    html = client.get(notice.get_absolute_url()).content.decode()
    assert '<a href="/notices/" aria-current="true">资金公示</a>' in html


def test_entries_are_protected_records(notice):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        notice.entries.get().application.delete()
    assert NoticeEntry.objects.count() == 1

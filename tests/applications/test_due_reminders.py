"""``send_due_reminders``: one mail per staff user of the current step, once a day.

The portal's today is Monday 16 October 2023, just after the 2023 National Day holiday
(29 September – 6 October off, Saturday 7 and Sunday 8 October worked, as chinese-calendar
has it): due soon means due by Wednesday 18 October (two working days ahead).
"""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from applications import services
from applications.models import Application, Reminder

from .conftest import make_staff, submitted

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2023, 10, 16)


def set_due(application, due_on):
    Application.objects.filter(pk=application.pk).update(due_on=due_on)


def run():
    out = StringIO()
    call_command("send_due_reminders", stdout=out)
    return out.getvalue()


def mails_to(mailoutbox):
    return {tuple(mail.to): mail for mail in mailoutbox}


@pytest.fixture
def scenario(personas, measure):
    p = personas
    due_soon = submitted(p.enterprise_a, measure)  # at 铁东区商务局
    overdue = submitted(p.enterprise_a2, measure)  # at 铁东区商务局
    later = submitted(p.enterprise_a, measure)  # at 铁东区商务局, not due yet
    off_route = submitted(p.enterprise_b, measure)  # at 铁西区商务局, not due yet
    joint = submitted(p.enterprise_b, measure)
    services.approve_step(joint, p.district_staff_b)  # now at 市商务局 + 市统计局
    draft = services.create_draft(p.enterprise_a, measure)
    rejected = services.reject(submitted(p.enterprise_a, measure), p.district_staff_a, "不符合")
    set_due(due_soon, D(2023, 10, 18))
    set_due(overdue, D(2023, 10, 6))  # last day of the holiday
    set_due(later, D(2023, 10, 19))
    set_due(off_route, D(2023, 10, 30))
    set_due(joint, D(2023, 10, 13))
    set_due(draft, D(2023, 10, 1))
    set_due(rejected, D(2023, 10, 1))
    return {
        "due_soon": due_soon,
        "overdue": overdue,
        "later": later,
        "off_route": off_route,
        "joint": joint,
        "draft": draft,
        "rejected": rejected,
    }


def test_one_mail_per_staff_user_of_the_current_step(scenario, personas, mailoutbox, settings):
    settings.PORTAL_TODAY = TODAY.isoformat()
    out = run()
    mails = mails_to(mailoutbox)
    assert set(mails) == {
        ("tiedong@example.com",),
        ("city_commerce@example.com",),
        ("city_statistics@example.com",),
    }
    # Not 铁西区商务局 (the joint application has left it), not 市财政局 (not there yet).
    tiedong = mails[("tiedong@example.com",)]
    assert "1 件已超期，1 件即将到期" in tiedong.subject
    body = tiedong.body
    for key in ("due_soon", "overdue"):
        application = scenario[key]
        assert application.number in body
        assert f"/admin/applications/application/{application.pk}/change/" in body
    assert "鞍山甲商贸有限公司" in body and scenario["due_soon"].measure.title in body
    assert "办理期限 2023-10-18" in body
    # 7, 8 (调休), 9–13 and 16 October: 8 working days after the 6th.
    assert "办理期限 2023-10-06，已超期 8 个工作日" in body
    for key in ("later", "off_route", "joint", "draft", "rejected"):
        assert scenario[key].number not in body
    assert body.index("已超期") < body.index("即将到期")

    commerce = mails[("city_commerce@example.com",)].body
    assert scenario["joint"].number in commerce and "已超期 1 个工作日" in commerce
    assert scenario["due_soon"].number not in commerce

    reminders = set(Reminder.objects.values_list("user__username", "application", "kind"))
    assert reminders == {
        ("tiedong", scenario["due_soon"].pk, "due_soon"),
        ("tiedong", scenario["overdue"].pk, "overdue"),
        ("city_commerce", scenario["joint"].pk, "overdue"),
        ("city_statistics", scenario["joint"].pk, "overdue"),
    }
    assert set(Reminder.objects.values_list("sent_on", flat=True)) == {TODAY}
    assert "提醒邮件 3 封已排入发送队列" in out and "即将到期申报 1 件、已超期申报 2 件" in out


def test_a_second_run_the_same_day_sends_nothing(scenario, mailoutbox, settings):
    settings.PORTAL_TODAY = TODAY.isoformat()
    run()
    assert len(mailoutbox) == 3
    out = run()
    assert len(mailoutbox) == 3
    assert Reminder.objects.count() == 4
    assert "提醒邮件 0 封已排入发送队列" in out
    # The next day is another day: the reminders go out again.
    settings.PORTAL_TODAY = "2023-10-17"
    run()
    assert len(mailoutbox) == 6


def test_only_what_is_new_after_the_first_run(scenario, personas, mailoutbox, settings):
    settings.PORTAL_TODAY = TODAY.isoformat()
    run()
    set_due(scenario["later"], D(2023, 10, 17))  # its limit was shortened since
    mailoutbox.clear()
    run()
    assert [mail.to for mail in mailoutbox] == [["tiedong@example.com"]]
    body = mailoutbox[0].body
    assert scenario["later"].number in body and scenario["due_soon"].number not in body


def test_inactive_staff_and_staff_without_email_get_nothing(
    scenario, personas, mailoutbox, settings
):
    settings.PORTAL_TODAY = TODAY.isoformat()
    department = personas.district_staff_a.staff_membership.department
    gone = make_staff("tiedong_gone", department)
    gone.is_active = False
    gone.save()
    silent = make_staff("tiedong_silent", department)
    silent.email = ""
    silent.save()
    colleague = make_staff("tiedong_2", department)
    run()
    recipients = sorted(mail.to[0] for mail in mailoutbox)
    assert recipients == [
        "city_commerce@example.com",
        "city_statistics@example.com",
        "tiedong@example.com",
        colleague.email,
    ]


def test_nothing_due_nothing_sent(personas, measure, mailoutbox, settings):
    application = submitted(personas.enterprise_a, measure)
    set_due(application, D(2023, 10, 19))
    settings.PORTAL_TODAY = TODAY.isoformat()
    out = run()
    assert mailoutbox == [] and Reminder.objects.count() == 0
    assert "提醒邮件 0 封已排入发送队列" in out


def test_a_department_that_signed_a_joint_step_is_not_reminded(
    scenario, personas, mailoutbox, settings
):
    settings.PORTAL_TODAY = TODAY.isoformat()
    services.approve_step(scenario["joint"], personas.city_commerce)  # 市商务局 agreed
    run()
    mails = mails_to(mailoutbox)
    assert (personas.city_commerce.email,) not in mails
    assert scenario["joint"].number in mails[(personas.city_statistics.email,)].body

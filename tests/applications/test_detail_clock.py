"""What the enterprise reads on its application: the service clock of the step it waits at
and the working days each step took, with the portal's day moved forward between actions
(``PORTAL_TODAY``: timestamps follow the pinned day, ``portal.dates.now``).

Route of 鞍山 2023 3（1）: 铁东区商务局 初审 → 市商务局 + 市统计局 审核 (joint) → 市财政局 拨付;
no stage states a limit, the departments none either: 10 working days each.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application
from applications.states import State

pytestmark = pytest.mark.django_db


def on(settings, day):
    settings.PORTAL_TODAY = day


def page_text(client, application):
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_clock_counts_working_days_and_the_due_date(client, personas, measure, settings):
    on(settings, "2023-10-16")  # Monday
    application = services.submit(
        services.create_draft(personas.enterprise_a, measure), personas.enterprise_a
    )
    assert application.due_on == datetime.date(2023, 10, 30)  # 10 working days later
    client.force_login(personas.enterprise_a)
    on(settings, "2023-10-19")
    text = page_text(client, application)
    assert "已等待 3 个工作日，剩余 7 个工作日（办理时限 10 个工作日）" in text
    assert "本环节应于 2023年10月30日 前办结" in text
    on(settings, "2023-11-01")
    text = page_text(client, application)
    assert "已等待 12 个工作日，已超过办理时限（10 个工作日）2 个工作日" in text


def test_a_limit_staff_set_for_the_department_applies(personas, measure, settings):
    on(settings, "2023-10-16")
    department = personas.district_staff_a.staff_membership.department
    department.service_days = 5
    department.save()
    application = services.submit(
        services.create_draft(personas.enterprise_a, measure), personas.enterprise_a
    )
    assert application.due_on == datetime.date(2023, 10, 23)


def test_the_enterprise_sees_the_days_each_step_took(client, personas, measure, settings):
    on(settings, "2023-10-16")
    application = services.submit(
        services.create_draft(personas.enterprise_a, measure), personas.enterprise_a
    )
    on(settings, "2023-10-19")
    services.approve_step(application, personas.district_staff_a, comment="材料齐全")
    on(settings, "2023-10-20")
    services.approve_step(application, personas.city_commerce)
    client.force_login(personas.enterprise_a)
    text = page_text(client, application)
    assert "市商务局：会签同意，等待其他部门" in text
    on(settings, "2023-10-23")  # Monday
    services.approve_step(application, personas.city_statistics)
    on(settings, "2023-10-24")
    application = services.record_disbursement(
        application, personas.city_finance, Decimal("100000"), datetime.date(2023, 10, 24), "CZ-9"
    )
    assert application.state == State.DISBURSED
    text = page_text(client, application)
    days = re.findall(r"用时 (\d+) 个工作日", text)
    assert days == ["3", "2", "1"]
    assert re.search(r"已拨付 10 万元 ?（2023年10月24日，凭证号 CZ-9）", text)
    assert "已等待" not in text  # no clock once it is done


def test_time_with_the_enterprise_is_not_counted_to_the_department(
    client, personas, measure, settings
):
    on(settings, "2023-10-16")
    application = services.submit(
        services.create_draft(personas.enterprise_a, measure), personas.enterprise_a
    )
    on(settings, "2023-10-17")
    services.return_for_supplement(application, personas.district_staff_a, "请补充报表")
    on(settings, "2023-10-24")  # the enterprise took a week
    services.resubmit(application, personas.enterprise_a)
    on(settings, "2023-10-26")
    services.approve_step(application, personas.district_staff_a)
    client.force_login(personas.enterprise_a)
    text = page_text(client, application)
    assert re.findall(r"用时 (\d+) 个工作日", text)[0] == "3"  # 1 + 2, not 8


def test_a_deleted_draft_leaves_my_applications(client, personas, measure):
    draft = services.create_draft(personas.enterprise_a, measure)
    client.force_login(personas.enterprise_a)
    confirm = client.get(reverse("applications:withdraw", args=[draft.pk]))
    assert "确认删除草稿" in confirm.content.decode()
    client.post(reverse("applications:withdraw", args=[draft.pk]), {"confirm": "yes"})
    assert Application.objects.get(pk=draft.pk).state == State.WITHDRAWN
    listing = client.get(reverse("applications:my_applications")).content.decode()
    assert draft.number not in listing
    sent = services.submit(
        services.create_draft(personas.enterprise_a, measure), personas.enterprise_a
    )
    services.withdraw(sent, personas.enterprise_a)
    listing = client.get(reverse("applications:my_applications")).content.decode()
    assert sent.number in listing  # a withdrawn submission stays on record


def test_the_buttons_are_the_tables(client, personas, measure):
    draft = services.create_draft(personas.enterprise_a, measure)
    client.force_login(personas.enterprise_a)
    html = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    actions = re.search(r'class="[^"]*application-actions[^"]*">(.*?)</div>', html, re.S).group(1)
    assert "提交申报" in actions and "删除草稿" in actions and "撤回申报" not in actions
    sent = services.submit(draft, personas.enterprise_a)
    html = client.get(reverse("applications:detail", args=[sent.pk])).content.decode()
    actions = re.search(r'class="[^"]*application-actions[^"]*">(.*?)</div>', html, re.S).group(1)
    assert "撤回申报" in actions and "提交申报" not in actions and "删除草稿" not in actions
    assert "修改内容" not in html


def test_an_edit_after_submission_is_refused_and_keeps_what_was_typed(client, personas, measure):
    draft = services.create_draft(personas.enterprise_a, measure)
    client.force_login(personas.enterprise_a)
    page = client.get(reverse("applications:edit", args=[draft.pk]))
    version = page.context["form"]["version"].value()
    services.submit(draft, personas.enterprise_a2)  # another tab, another user
    response = client.post(
        reverse("applications:edit", args=[draft.pk]),
        {"requested_amount_yuan": "1", "description": "我刚打的字", "version": version},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "本次修改未保存" in html and "我刚打的字" in html
    draft.refresh_from_db()
    assert draft.state == State.IN_REVIEW and draft.description == ""

"""End to end in headless Chromium: register, apply with uploads, three departments act,
the enterprise sees the whole timeline ending in 已拨付."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from applications.apps import REVIEWER_GROUP, create_reviewer_group
from applications.models import Application, StaffMembership
from applications.uscc import check_character
from applications.workflow import city_department, district_department
from policies.models import City, District, Measure
from tests.applications.helpers import PDF

from .conftest import screenshot
from .test_catalogue_a11y import severe_violations

PASSWORD = "e2e-Passw0rd-huiqi"


@pytest.fixture
def staff(transactional_catalogue, settings):
    settings.PORTAL_TODAY = "2023-10-16"
    from django.contrib.auth import get_user_model

    create_reviewer_group(None)
    group = Group.objects.get(name=REVIEWER_GROUP)
    city = City.objects.get(name="鞍山市")
    tiedong = District.objects.get(city=city, name="铁东区")
    users = {}
    for username, department in [
        ("e2e_district", district_department(tiedong, "商务局")),
        ("e2e_commerce", city_department(city, "商务局")),
        ("e2e_statistics", city_department(city, "统计局")),
        ("e2e_finance", city_department(city, "财政局")),
    ]:
        user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(group)
        StaffMembership.objects.create(user=user, department=department)
        users[username] = user
    return users


def login(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def logout(page):
    page.context.clear_cookies()


def staff_page(browser, live_server, username):
    """A browser session of its own for a staff member (a second window, a second desk)."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#staff-desk")
    return page


def open_action(page, application, action):
    """From the desk to the application's confirmation page of ``action``."""
    page.goto("/admin/")
    page.click(f"#staff-desk a:text('{application.number}')")
    page.click(f"a.staff-action-{action}")
    page.wait_for_selector("input[type=submit].staff-action")


def confirm(page, fields=None):
    for name, value in (fields or {}).items():
        page.fill(f"#id_{name}", value)
    page.click("input[type=submit].staff-action")
    page.wait_for_selector(".messagelist .success")


def set_day(settings, day):
    """The portal's day (the live server reads the same settings): time passes between acts."""
    settings.PORTAL_TODAY = day


def test_it_carries_an_application_from_registration_to_disbursement(
    page, browser, live_server, staff, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    set_day(settings, "2023-10-16")  # a Monday within the measure's term
    measure = Measure.objects.get(document__source="002_14e9fef579fde56b.txt", path_key="3.1")
    code17 = "91210302MA0E2E0A1"

    page.goto("/accounts/register/")
    page.fill("#id_enterprise_name", "鞍山端到端商贸有限公司")
    page.fill("#id_uscc", code17 + ("0" if check_character(code17) != "0" else "1"))
    page.select_option("#id_city", label="鞍山市")
    page.select_option("#id_district", label="铁东区")  # listed under 鞍山市
    page.fill("#id_contact_person", "李经理")
    page.fill("#id_phone", "0412-5551234")
    page.fill("#id_email", "e2e@example.com")
    page.fill("#id_username", "e2e_firm")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main form button[type=submit]")
    # A wrong check character: a clear message, and nothing typed is lost.
    assert "校验位不符" in page.inner_text("main")
    assert page.input_value("#id_enterprise_name") == "鞍山端到端商贸有限公司"
    page.fill("#id_uscc", code17 + check_character(code17))
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=请查收邮件")
    # the activation link from the mail (the live server shares this process's outbox)
    link = re.search(r"/accounts/activate/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/applications/")

    page.goto(f"/applications/start/{measure.pk}/")
    page.fill("#id_requested_amount_yuan", "300000")
    page.fill("#id_figures_text", "限上零售额增量：12000 万元")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#materials-heading")
    assert severe_violations(page) == []
    for material, name in [("营业执照", "营业执照.pdf"), ("财务报表", "财务报表.pdf")]:
        page.select_option("#id_material", material)
        page.set_input_files(
            "#id_file", files=[{"name": name, "mimeType": "application/pdf", "buffer": PDF}]
        )
        page.click("form.upload-form button[type=submit]")
        page.wait_for_selector(f"text={name}")
    page.click(".application-actions button:text('提交申报')")
    page.wait_for_selector("text=已提交")
    application = Application.objects.get(enterprise__name="鞍山端到端商贸有限公司")
    assert application.attachments.count() == 2
    assert "已等待 0 个工作日，剩余 10 个工作日" in page.inner_text("#service-clock")
    assert severe_violations(page) == []
    screenshot(page, "applications-submitted")

    # Wednesday: the district bureau passes it from its desk.
    set_day(settings, "2023-10-18")
    district = staff_page(browser, live_server, "e2e_district")
    assert severe_violations(district) == []  # the staff desk
    screenshot(district, "staff-desk")
    open_action(district, application, "pass")
    assert severe_violations(district) == []  # the confirmation page
    confirm(district, {"comment": "材料齐全，同意上报"})
    district.context.close()

    # Friday: the joint city stage, signed by two departments in two browsers at once.
    set_day(settings, "2023-10-20")
    commerce = staff_page(browser, live_server, "e2e_commerce")
    statistics = staff_page(browser, live_server, "e2e_statistics")
    open_action(commerce, application, "pass")
    open_action(statistics, application, "pass")
    commerce.fill("#id_comment", "同意")
    statistics.fill("#id_comment", "零售额已核实")
    # both pressed together: neither is told the application changed under them
    commerce.evaluate("document.querySelector('input[type=submit].staff-action').click()")
    statistics.evaluate("document.querySelector('input[type=submit].staff-action').click()")
    for session in (commerce, statistics):
        session.wait_for_selector(".messagelist li")
        assert "状态已变化" not in session.inner_text(".messagelist")
        assert session.locator(".messagelist .success").count() == 1
        session.context.close()

    # The next Tuesday finance pays, the date left at its default: today.
    set_day(settings, "2023-10-24")
    finance = staff_page(browser, live_server, "e2e_finance")
    open_action(finance, application, "disburse")
    assert finance.input_value("#id_paid_on") == "2023-10-24"
    assert finance.input_value("#id_amount") in ("300000", "300000.00")
    confirm(finance, {"voucher": "AS-CZ-2023-0815"})
    finance.context.close()

    login(page, "e2e_firm")
    page.goto(f"/applications/{application.pk}/")
    assert page.inner_text("#application-state") == "已拨付"
    timeline = page.inner_text(".application-timeline")  # 办理进度: the stages
    for text in ["铁东区商务局", "鞍山市商务局", "鞍山市统计局", "鞍山市财政局"]:
        assert text in timeline, text
    record = page.inner_text(".event-log")  # 办理记录: what each department did and wrote
    for text in [
        "材料齐全，同意上报",
        "零售额已核实",
        "拨付 30 万元，日期 2023年10月24日，凭证号 AS-CZ-2023-0815",
    ]:
        assert text in record and text not in timeline, text
    assert page.locator(".timeline-done").count() == 3
    # the days each stage took: Mon→Wed, Wed→Fri, Fri→Tue
    days = [t.strip() for t in page.locator(".step-days").all_inner_texts()]
    assert [d.split("用时 ")[1].split(" 个")[0] for d in days] == ["2", "2", "2"]
    assert severe_violations(page) == []
    screenshot(page, "applications-disbursed")

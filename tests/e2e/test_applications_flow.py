"""End to end in headless Chromium: register, apply with uploads, three departments act,
the enterprise sees the whole timeline ending in 已拨付."""

import pytest
from django.contrib.auth.models import Group

from applications.apps import REVIEWER_GROUP, create_reviewer_group
from applications.models import Application, StaffMembership
from applications.uscc import check_character
from applications.workflow import city_department, district_department
from policies.models import City, District, Measure

from .conftest import screenshot

PASSWORD = "e2e-Passw0rd-huiqi"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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


def logout(page):
    page.context.clear_cookies()


def staff_act(page, username, application, action, fields=None):
    login(page, username)
    page.goto(f"/admin/applications/application/{application.pk}/change/")
    page.click(f"a.staff-action-{action}")
    for name, value in (fields or {}).items():
        page.fill(f"#id_{name}", value)
    page.click("input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    logout(page)


def test_it_carries_an_application_from_registration_to_disbursement(
    page, staff, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    measure = Measure.objects.get(document__source="002_14e9fef579fde56b.txt", path_key="3.1")
    code17 = "91210302MA0E2E0A1"

    page.goto("/accounts/register/")
    page.fill("#id_enterprise_name", "鞍山端到端商贸有限公司")
    page.fill("#id_uscc", code17 + ("0" if check_character(code17) != "0" else "1"))
    page.select_option("#id_city", label="鞍山市")
    page.select_option("#id_district", label="鞍山市铁东区")
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
    page.wait_for_url("**/applications/")

    page.goto(f"/applications/start/{measure.pk}/")
    page.fill("#id_requested_amount_yuan", "300000")
    page.fill("#id_figures_text", "限上零售额增量：12000 万元")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#materials-heading")
    for material, name in [("营业执照", "营业执照.pdf"), ("财务报表", "财务报表.pdf")]:
        page.select_option("#id_material", material)
        page.set_input_files(
            "#id_file", files=[{"name": name, "mimeType": "application/pdf", "buffer": PDF}]
        )
        page.click("form.upload-form button[type=submit]")
        page.wait_for_selector(f"text={name}")
    page.click("text=提交申报")
    page.wait_for_selector("text=已提交")
    application = Application.objects.get(enterprise__name="鞍山端到端商贸有限公司")
    assert application.attachments.count() == 2
    screenshot(page, "applications-submitted")
    logout(page)

    staff_act(page, "e2e_district", application, "pass", {"comment": "材料齐全，同意上报"})
    staff_act(page, "e2e_commerce", application, "pass")
    staff_act(page, "e2e_statistics", application, "pass", {"comment": "零售额已核实"})
    staff_act(
        page,
        "e2e_finance",
        application,
        "disburse",
        {"amount": "300000", "paid_on": "2023-12-01", "voucher": "AS-CZ-2023-0815"},
    )

    login(page, "e2e_firm")
    page.goto(f"/applications/{application.pk}/")
    assert page.inner_text("#application-state") == "已拨付"
    timeline = page.inner_text(".application-timeline")
    for text in [
        "铁东区商务局",
        "市商务局",
        "市统计局",
        "市财政局",
        "材料齐全，同意上报",
        "零售额已核实",
    ]:
        assert text in timeline
    assert page.locator(".timeline-done").count() == 3
    log = page.inner_text(".event-log")
    assert (
        log.strip()
        .splitlines()[-1]
        .endswith("已拨付 — “拨付 300,000.00 元，日期 2023-12-01，凭证号 AS-CZ-2023-0815”")
    )
    screenshot(page, "applications-disbursed")

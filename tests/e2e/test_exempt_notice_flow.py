"""End to end in headless Chromium: a 免申即享 list for 鞍山 2023 13（5） — uploaded with one bad
row (refused with its line number, nothing imported), fixed, issued — the listed enterprise
confirms, the 公示 runs its period with one objection answered, finance pays; the enterprise
sees each step."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from applications import workflow
from applications.apps import REVIEWER_GROUP, create_reviewer_group
from applications.models import (
    Application,
    Beneficiary,
    BeneficiaryList,
    Enterprise,
    EnterpriseMembership,
    Objection,
    PublicNotice,
    StaffMembership,
)
from applications.states import State
from applications.uscc import check_character
from applications.workflow import city_department
from policies.models import City, District, Measure

from .conftest import screenshot
from .test_applications_flow import PASSWORD, login, open_action, set_day, staff_page
from .test_catalogue_a11y import severe_violations


def full_code(code17):
    return code17 + check_character(code17)


FIRM_CODE = full_code("91210302MA0EXMP1A")
OTHER_CODE = full_code("91210303MA0EXMP2B")  # listed, not registered: its row waits
BAD_CODE = OTHER_CODE[:-1] + ("0" if OTHER_CODE[-1] != "0" else "1")  # a wrong check character
HEADER = "统一社会信用代码,企业名称,依据,金额（元）\n"


def csv_file(rows, name="名单.csv"):
    body = HEADER + "".join(
        f"{code},{firm},{basis},{amount}\n" for code, firm, basis, amount in rows
    )
    return {"name": name, "mimeType": "text/csv", "buffer": body.encode("utf-8")}


@pytest.fixture
def world(transactional_catalogue, settings):
    settings.PORTAL_TODAY = "2023-10-16"
    create_reviewer_group(None)
    group = Group.objects.get(name=REVIEWER_GROUP)
    city = City.objects.get(name="鞍山市")
    measure = Measure.objects.get(document__source="002_14e9fef579fde56b.txt", path_key="13.5")
    users = {}
    for username, department in [
        ("e2e_science", workflow.responsible(measure)[0]),  # 市科技局 lists and publishes
        ("e2e_finance", city_department(city, "财政局")),  # pays
    ]:
        user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(group)
        StaffMembership.objects.create(user=user, department=department)
        users[username] = user
    firm = Enterprise.objects.create(
        name="鞍山技术转移示范有限公司",
        uscc=FIRM_CODE,
        city=city,
        district=District.objects.get(city=city, name="铁东区"),
        contact_person="周经理",
        phone="0412-5557788",
        email="exempt@example.com",
    )
    owner = get_user_model().objects.create_user(
        "e2e_exempt_firm", email="exempt@example.com", password=PASSWORD
    )
    EnterpriseMembership.objects.create(user=owner, enterprise=firm)
    return {"measure": measure, "firm": firm, **users}


def test_a_free_benefit_from_its_list_to_its_payment(page, browser, live_server, world, settings):
    measure, firm = world["measure"], world["firm"]
    # -- 市科技局 uploads the list: one bad row, refused with its line, nothing imported ------
    science = staff_page(browser, live_server, "e2e_science")
    science.goto("/admin/applications/beneficiarylist/add/")
    science.select_option("#id_measure", value=str(measure.pk))
    science.fill("#id_title", "2023年度技术合同成交额排名后补助")
    rows = [
        (FIRM_CODE, firm.name, "技术合同成交额全市第1位", "200000"),
        (BAD_CODE, "鞍山样例技术服务有限公司", "技术合同成交额全市第4位", "100000"),
    ]
    science.set_input_files("#id_file", files=[csv_file(rows)])
    science.click("input[type=submit][name=_save]")
    report = science.inner_text("#content-main")
    assert "第 3 行" in report and "校验" in report, report
    assert "第 2 行" not in report
    assert BeneficiaryList.objects.count() == 0 and Beneficiary.objects.count() == 0
    # nothing typed is lost (the file is chosen again)
    assert science.input_value("#id_title") == "2023年度技术合同成交额排名后补助"
    assert science.input_value("#id_measure") == str(measure.pk)
    screenshot(science, "exempt-list-refused")

    # -- fixed: the code corrected; the list is saved, then issued ---------------------------
    rows[1] = (OTHER_CODE, *rows[1][1:])
    science.set_input_files("#id_file", files=[csv_file(rows, "名单（更正）.csv")])
    science.click("input[type=submit][name=_save]")
    blist = BeneficiaryList.objects.get()
    assert blist.rows.count() == 2
    science.goto(f"/admin/applications/beneficiarylist/{blist.pk}/change/")
    science.click("a.list-issue")
    summary = science.inner_text("#issue-summary")
    assert "1" in summary, summary
    science.click("#confirm-issue")
    science.wait_for_selector(".messagelist .success")
    item = Application.objects.get(enterprise=firm, measure=measure)
    assert item.state == State.TO_CONFIRM
    assert Beneficiary.objects.get(uscc=OTHER_CODE).application is None  # waits for its firm

    # -- the enterprise finds it waiting (待确认) and confirms --------------------------------
    login(page, "e2e_exempt_firm")
    page.goto("/applications/")
    waiting = page.inner_text("#to-confirm")
    assert measure.title[:10] in waiting and "20 万元" in waiting and "第1位" in waiting
    assert severe_violations(page) == []
    page.click("#to-confirm a.exempt-item")
    page.wait_for_selector("#confirm-form")
    page.click("#confirm-form button[type=submit]")  # nothing filled: messages by the fields
    assert page.locator("#confirm-form .invalid-feedback").count() >= 2
    page.fill("#id_bank_name", "中国工商银行鞍山铁东支行")
    page.fill("#id_bank_account", "6222 0000 1234 5678")
    page.check("#id_promise")
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("#application-state")
    item.refresh_from_db()
    assert item.state == State.IN_REVIEW and item.bank_account
    assert "已确认" in page.inner_text("main") or "确认领取" in page.inner_text(".event-log")
    screenshot(page, "exempt-confirmed")

    # -- 市科技局 publishes the 公示 (5 working days: 10-16 to 10-23) ---------------------------
    science.goto("/admin/applications/publicnotice/add/")
    science.click(f"#publish-measures a[href='?measure={measure.pk}']")
    science.check(f"input[name=items][value='{item.pk}']")
    science.fill("#id_days", "5")
    science.click("#preview-notice")
    assert "鞍山技术转移示范有限公司" in science.inner_text("#publish-preview")
    science.click("#confirm-publish")
    science.wait_for_selector(".messagelist .success")
    notice = PublicNotice.objects.get()
    assert (notice.starts_on.isoformat(), notice.ends_on.isoformat()) == (
        "2023-10-16",
        "2023-10-23",
    )
    page.goto(f"/applications/{item.pk}/")
    assert "公示中" in page.inner_text("#application-notices")

    # -- anyone objects, on Tuesday ------------------------------------------------------------
    set_day(settings, "2023-10-17")
    public = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    public.goto("/notices/")
    public.click(f"a[href='/notices/{notice.pk}/']")
    entries = public.inner_text("#notice-entries")
    assert firm.name in entries and FIRM_CODE not in entries  # the code is masked
    assert FIRM_CODE[:6] in entries and FIRM_CODE[-4:] in entries
    public.select_option("#id_entry", index=1)
    public.fill("#id_name", "王某")
    public.fill("#id_contact", "13800001111")
    public.fill("#id_text", "该企业的技术合同中有一份已在上一年度计入排名，请核实成交额。")
    public.click("form.objection-form button[type=submit]")
    public.wait_for_url(f"**/notices/{notice.pk}/objection-sent/**")
    assert "2023年10月24日 前答复" in public.inner_text("main")
    assert severe_violations(public) == []
    public.context.close()
    objection = Objection.objects.get()
    page.goto(f"/applications/{item.pk}/")
    assert "收到异议" in page.inner_text("#application-notices")

    # -- 市科技局 answers it on Wednesday --------------------------------------------------------
    set_day(settings, "2023-10-18")
    science.goto(f"/admin/applications/objection/{objection.pk}/answer/")
    science.fill("#id_answer", "经核实，该合同未在上一年度计入排名，成交额无误。")
    science.click("#confirm-answer")
    science.wait_for_selector(".messagelist .success")
    objection.refresh_from_db()
    assert objection.answered_at is not None

    # -- finance: no payment during the period; on 10-24, after it, the payment -----------------
    finance = staff_page(browser, live_server, "e2e_finance")
    finance.goto(f"/admin/applications/application/{item.pk}/change/")
    assert finance.locator("a.staff-action-disburse").count() == 0
    assert "公示" in finance.inner_text("#content-main")
    set_day(settings, "2023-10-24")
    open_action(finance, item, "disburse")
    assert finance.input_value("#id_amount") in ("200000", "200000.00")
    finance.fill("#id_voucher", "AS-CZ-2023-1024")
    finance.click("input[type=submit].staff-action")
    finance.wait_for_selector(".messagelist .success")
    finance.context.close()
    science.context.close()

    # -- the enterprise sees each step ---------------------------------------------------------
    page.goto(f"/applications/{item.pk}/")
    assert page.inner_text("#application-state") == "已拨付"
    assert "已公示" in page.inner_text("#application-notices")
    record = page.inner_text(".event-log")
    for text in ["免申即享", "确认领取", "拨付 20 万元", "AS-CZ-2023-1024"]:
        assert text in record, (text, record)
    assert severe_violations(page) == []
    screenshot(page, "exempt-paid")
    item.refresh_from_db()
    assert item.state == State.DISBURSED

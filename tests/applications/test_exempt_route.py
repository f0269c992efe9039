"""免申即享 as a route of its own: lists uploaded or generated, issued, confirmed or declined
by the enterprise, paid by finance with the ordinary 登记拨付; one item per enterprise,
measure and year on 18（2）, which has both routes."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import exempt, notices, services, workflow
from applications.models import (
    Application,
    ApplicationEvent,
    Beneficiary,
    BeneficiaryList,
    Enterprise,
    EnterpriseMembership,
    Intake,
)
from applications.profile import store_answers
from applications.states import LISTED, Route, State
from applications.timeline import build_timeline
from policies.models import City, District

from .conftest import make_staff, make_user, measure_at, submitted, uscc

pytestmark = pytest.mark.django_db

HEADER = "统一社会信用代码,企业名称,依据,金额（元）"


@pytest.fixture
def exempt_measure(catalogue):
    return measure_at("13.5")


@pytest.fixture
def both_routes(catalogue):
    return measure_at("18.2")


@pytest.fixture
def science(personas, exempt_measure):
    """Staff of the measure's (13（5）) first responsible department."""
    department, _kind = workflow.responsible(exempt_measure)
    return make_staff("science", department)


def firm(personas, name):
    return personas.__dict__[name].enterprise_membership.enterprise


def csv_file(*lines, encoding="utf-8", name="名单.csv"):
    text = "\n".join([HEADER, *lines]) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="名单.xlsx"):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def new_list(user, measure, rows=()):
    blist = BeneficiaryList.objects.create(
        measure=measure,
        department=measure.departments.order_by("pk").first(),
        year=2023,
        title="2023年度技术合同排名",
        created_by=user,
    )
    exempt.replace_rows(blist, list(rows))
    return blist


def row(line, enterprise, amount="200000", basis="技术合同成交额全市第1位"):
    return exempt.Row(line, enterprise.uscc, enterprise.name, basis, Decimal(amount), enterprise)


def issued_item(personas, measure, staff, who="enterprise_a", amount="200000"):
    enterprise = firm(personas, who)
    blist = new_list(staff, measure, [row(2, enterprise, amount)])
    exempt.issue(blist, staff)
    return Application.objects.get(enterprise=enterprise, measure=measure, route=Route.EXEMPT)


# --- one definition --------------------------------------------------------------------------------


def test_which_measures_have_an_exempt_route(catalogue, exempt_measure, both_routes):
    assert workflow.exempt_route(exempt_measure)
    assert workflow.exempt_route(measure_at("13.7"))
    assert workflow.exempt_route(both_routes) and not both_routes.free_of_application
    assert not workflow.exempt_route(measure_at("3.1"))
    listed = set(exempt.exempt_measures().values_list("pk", flat=True))
    assert {exempt_measure.pk, both_routes.pk} <= listed
    assert measure_at("3.1").pk not in listed


# --- the upload --------------------------------------------------------------------------------------


def test_an_upload_with_one_bad_row_is_refused_with_its_line_number_and_nothing_imported(
    personas, exempt_measure
):
    a, b = firm(personas, "enterprise_a"), firm(personas, "enterprise_b")
    bad_code = a.uscc[:17] + ("0" if a.uscc[17] != "0" else "1")
    upload = csv_file(
        f"{a.uscc},{a.name},排名第1位,200000",
        f"{bad_code},某公司,排名第2位,200000",
        f"{b.uscc},{b.name},排名第3位,-5",
        f"{a.uscc},{a.name},排名第1位,100",
    )
    report = exempt.check_upload(upload, exempt_measure)
    assert not report.ok
    assert report.errors[0].startswith("第 3 行：") and "校验位" in report.errors[0]
    assert report.errors[1].startswith("第 4 行：") and "金额" in report.errors[1]
    assert report.errors[2].startswith("第 5 行：") and "与第 2 行重复" in report.errors[2]
    assert len(report.errors) == 3


def test_a_registered_code_under_another_name_is_an_error(personas, exempt_measure):
    a = firm(personas, "enterprise_a")
    report = exempt.check_upload(csv_file(f"{a.uscc},鞍山另一家公司,排名,1000"), exempt_measure)
    assert report.errors == [
        f"第 2 行：企业名称“鞍山另一家公司”与该信用代码已注册的企业名称“{a.name}”不一致。"
    ]


def test_a_wrong_header_is_reported(personas, exempt_measure):
    upload = SimpleUploadedFile("a.csv", "代码,名称\n1,2\n".encode())
    report = exempt.check_upload(upload, exempt_measure)
    assert "表头" in report.errors[0] and "依据" in report.errors[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_fixed_csv_is_imported_in_every_encoding(personas, exempt_measure, encoding):
    a = firm(personas, "enterprise_a")
    waiting = uscc("91210302MA0WATT01")
    upload = csv_file(
        f'{a.uscc},{a.name},排名第1位,"200,000"',
        f"{waiting},鞍山未注册科技有限公司,排名第4位,100000.50",
        encoding=encoding,
    )
    report = exempt.check_upload(upload, exempt_measure)
    assert report.errors == []
    assert [(r.line, r.uscc, r.amount) for r in report.rows] == [
        (2, a.uscc, Decimal("200000.00")),
        (3, waiting, Decimal("100000.50")),
    ]
    assert report.rows[0].enterprise == a and report.rows[1].enterprise is None


def test_an_xlsx_is_imported(personas, exempt_measure):
    a = firm(personas, "enterprise_a")
    report = exempt.check_upload(xlsx_file([[a.uscc, a.name, "排名第2位", 200000]]), exempt_measure)
    assert report.errors == []
    assert [(r.line, r.name, r.amount) for r in report.rows] == [(2, a.name, Decimal("200000.00"))]


def test_an_unreadable_xlsx_is_an_error_not_a_500(personas, exempt_measure):
    report = exempt.check_upload(SimpleUploadedFile("a.xlsx", b"PK\x03\x04garbage"), exempt_measure)
    assert report.errors and "XLSX" in report.errors[0]


# --- generate from the profiles ----------------------------------------------------------------


def test_generate_lists_the_enterprises_whose_profile_the_rule_finds_eligible(
    personas, exempt_measure, science
):
    a, b = firm(personas, "enterprise_a"), firm(personas, "enterprise_b")
    store_answers(a, None, {"activities": ["tech_transfer"], "tech_contract_rank": 2})
    store_answers(b, None, {"activities": ["tech_transfer"], "tech_contract_rank": 9})
    rows = exempt.generated_rows(exempt_measure)
    assert [(r.uscc, r.amount) for r in rows] == [(a.uscc, Decimal("200000.00"))]
    assert rows[0].basis.startswith("自测规则判定符合") and "第1—3位" in rows[0].basis
    blist = new_list(science, exempt_measure, rows)
    assert list(blist.rows.values_list("uscc", "amount_yuan")) == [(a.uscc, Decimal("200000.00"))]


# --- issue, confirm, decline, pay -----------------------------------------------------------------


def test_issue_creates_to_confirm_items_and_rows_of_unregistered_codes_wait(
    personas, exempt_measure, science
):
    a = firm(personas, "enterprise_a")
    later = exempt.Row(
        3, uscc("91210302MA0LATE01"), "鞍山后注册有限公司", "排名第5位", Decimal("100000")
    )
    blist = new_list(science, exempt_measure, [row(2, a), later])
    assert exempt.issue(blist, science) == (1, 1)
    item = Application.objects.get(enterprise=a)
    assert (item.state, item.route, item.position) == (State.TO_CONFIRM, Route.EXEMPT, 0)
    assert item.approved_amount_yuan == item.requested_amount_yuan == Decimal("200000")
    event = ApplicationEvent.objects.get(application=item)
    assert (event.action, event.public_words) == (LISTED, "列入免申即享名单，请确认领取")
    step = item.steps.get()
    assert step.act == "disburse" and [d.name for d in step.departments.all()] == ["市财政局"]
    with pytest.raises(exempt.ListError):
        exempt.issue(blist, science)  # once
    assert Application.objects.filter(route=Route.EXEMPT).count() == 1


def register_latecomer(client, code):
    """Register 鞍山后注册有限公司 with ``code`` (its account not yet activated)."""
    city = City.objects.get(name="鞍山市")
    return client.post(
        reverse("register"),
        {
            "username": "latecomer",
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
            "enterprise_name": "鞍山后注册有限公司",
            "uscc": code,
            "city": city.pk,
            "district": District.objects.get(city=city, name="铁东区").pk,
            "contact_person": "李四",
            "phone": "0412-5550002",
            "email": "late@example.com",
        },
    )


def test_an_enterprise_registering_later_finds_its_item_waiting(
    client, personas, exempt_measure, science
):
    code = uscc("91210302MA0LATE01")
    later = exempt.Row(2, code, "鞍山后注册有限公司", "排名第5位", Decimal("100000"))
    exempt.issue(new_list(science, exempt_measure, [later]), science)
    assert register_latecomer(client, code).status_code == 302
    enterprise = Enterprise.objects.get(uscc=code)
    item = Application.objects.get(enterprise=enterprise)
    assert item.state == State.TO_CONFIRM and item.beneficiary.uscc == code
    user = EnterpriseMembership.objects.get(enterprise=enterprise).user
    user.is_active = True
    user.save()
    client.force_login(user)
    page = client.get(reverse("applications:my_applications"))
    assert "免申即享 · 待确认" in page.text and "100,000" in page.text.replace("10万", "100,000")


def test_no_mail_tells_an_unactivated_registrant_what_a_list_holds(
    client, personas, exempt_measure, science, mailoutbox, django_capture_on_commit_callbacks
):
    """Registering proves nothing until the address is confirmed: the 列入名单 mail of an
    item claimed at registration, or issued to an enterprise whose only account is not
    activated, is not sent; once an account is active, the enterprise's mail resumes."""
    code = uscc("91210302MA0LATE01")
    later = exempt.Row(2, code, "鞍山后注册有限公司", "排名第5位", Decimal("100000"))
    exempt.issue(new_list(science, exempt_measure, [later]), science)
    with django_capture_on_commit_callbacks(execute=True):
        register_latecomer(client, code)
    item = Application.objects.get(enterprise__uscc=code)
    assert [m.subject for m in mailoutbox] == ["惠企政策服务门户：请确认注册"]
    assert "100,000" not in mailoutbox[0].body and "10万" not in mailoutbox[0].body
    # a second list issued while the account is still not activated: no mail either
    other = exempt.Row(2, code, "鞍山后注册有限公司", "排名第6位", Decimal("50000"))
    with django_capture_on_commit_callbacks(execute=True):
        exempt.issue(new_list(science, exempt_measure, [other]), science)
    assert len(mailoutbox) == 1
    # activated: the next move of the item is mailed to the enterprise
    user = EnterpriseMembership.objects.get(enterprise__uscc=code).user
    user.is_active = True
    user.save()
    event = ApplicationEvent.objects.filter(application=item).latest("pk")
    services.notify(item.pk, event.pk)
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["late@example.com"]


def test_my_applications_shows_what_how_much_why_and_from_whom(
    client, personas, exempt_measure, science
):
    item = issued_item(personas, exempt_measure, science)
    client.force_login(personas.enterprise_a)
    page = client.get(reverse("applications:my_applications"))
    assert page.status_code == 200
    assert page.context["to_confirm"] == [item]
    text = page.content.decode()
    assert exempt_measure.title in text and "技术合同成交额全市第1位" in text
    assert "待确认" in text and "exempt-department" in text


def test_confirm_needs_bank_account_and_promise_and_keeps_what_was_typed(
    client, personas, exempt_measure, science
):
    item = issued_item(personas, exempt_measure, science)
    client.force_login(personas.enterprise_a)
    url = reverse("applications:confirm", args=[item.pk])
    response = client.post(url, {"bank_name": "工商银行铁东支行", "bank_account": "6222 0000 1234"})
    assert response.status_code == 400
    assert "请勾选信用承诺。" in response.text and "工商银行铁东支行" in response.text
    item.refresh_from_db()
    assert item.state == State.TO_CONFIRM
    response = client.post(
        url, {"bank_name": "工商银行铁东支行", "bank_account": "6222 0000 1234", "promise": "on"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.position, item.bank_account) == (State.IN_REVIEW, 1, "622200001234")
    assert item.cycle == 2023 and item.due_on is not None and item.submitted_at is not None
    page = client.get(reverse("applications:detail", args=[item.pk]))
    assert "确认领取，等待拨付" in page.text
    timeline = page.context["timeline"]
    assert [t.status for t in timeline] == ["current"]


def test_decline_after_a_confirmation_page(client, personas, exempt_measure, science):
    item = issued_item(personas, exempt_measure, science)
    client.force_login(personas.enterprise_a)
    url = reverse("applications:decline", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200 and "确认放弃领取？" in page.text
    item.refresh_from_db()
    assert item.state == State.TO_CONFIRM  # GET never writes
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    item.refresh_from_db()
    assert item.state == State.DECLINED and item.cycle is None and item.is_final
    assert not services.available(item, personas.enterprise_a)


def test_finance_pays_with_the_ordinary_disburse_action(
    client, personas, exempt_measure, science, settings
):
    """After its 公示 has run, finance pays a confirmed item like any application."""
    item = issued_item(personas, exempt_measure, science)
    # not in finance's queue before the enterprise confirms
    assert not Application.objects.visible_to_staff(personas.city_finance).filter(pk=item.pk)
    services.confirm_exempt(item, personas.enterprise_a, "工商银行", "6222000012345678", True)
    client.force_login(personas.city_finance)
    change = client.get(reverse("admin:applications_application_change", args=[item.pk]))
    assert change.status_code == 200 and "6222000012345678" in change.text
    # a 免申即享 measure publishes its items before paying them (Intake.notice_required)
    assert "staff-action-disburse" not in change.text and "公示" in change.text
    notice = notices.publish_notice(science, exempt_measure, [item], days=5)
    settings.PORTAL_TODAY = (notice.ends_on + datetime.timedelta(days=1)).isoformat()
    change = client.get(reverse("admin:applications_application_change", args=[item.pk]))
    assert "staff-action-disburse" in change.text
    url = reverse("admin:applications_application_act", args=[item.pk, "disburse"])
    response = client.post(
        url,
        {"amount": "200000", "paid_on": settings.PORTAL_TODAY, "voucher": "PZ-1", "comment": ""},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == State.DISBURSED and item.disbursed_amount_yuan == Decimal("200000")
    assert list(item.events.values_list("action", flat=True)) == [LISTED, "confirm", "disburse"]


def test_someone_elses_item_is_a_404(client, personas, exempt_measure, science):
    item = issued_item(personas, exempt_measure, science)
    client.force_login(personas.enterprise_b)
    for name in ("detail", "decline"):
        assert client.get(reverse(f"applications:{name}", args=[item.pk])).status_code == 404
    data = {"bank_name": "x", "bank_account": "62220000123", "promise": "on", "confirm": "yes"}
    for name in ("confirm", "decline"):
        assert client.post(reverse(f"applications:{name}", args=[item.pk]), data).status_code == 404
    item.refresh_from_db()
    assert item.state == State.TO_CONFIRM


def test_the_timeline_of_an_item_waiting_for_confirmation(personas, exempt_measure, science):
    item = issued_item(personas, exempt_measure, science)
    steps = list(item.steps.all())
    events = list(item.events.all())
    assert [t.status for t in build_timeline(item, steps, events)] == ["pending"]


# --- 18（2）: both routes, one payment --------------------------------------------------------------


def test_18_2_takes_applications_and_lists(personas, both_routes):
    assert workflow.takes_applications(both_routes)
    assert workflow.exempt_route(both_routes)


def test_a_paid_exempt_item_blocks_a_later_application_of_the_same_year(personas, both_routes):
    # the 公示 before payment is tested above and in test_notices.py; here it is switched off
    Intake.objects.filter(measure=both_routes).update(notice_required=False)
    staff = make_staff("hr", both_routes.departments.order_by("pk").first())
    item = issued_item(personas, both_routes, staff, amount="3000")
    services.confirm_exempt(item, personas.enterprise_a, "工商银行", "6222000012345678", True)
    item.refresh_from_db()
    payer = item.steps.get().departments.get()
    services.record_disbursement(
        item, make_staff("payer", payer), Decimal("3000"), datetime.date(2023, 10, 16), "PZ-2"
    )
    draft = services.create_draft(personas.enterprise_a, both_routes, requested_amount_yuan=3000)
    with pytest.raises(services.NotAllowed, match="不能重复"):
        services.submit(draft, personas.enterprise_a)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.cycle is None
    # another enterprise applies as before
    assert submitted(personas.enterprise_b, both_routes).state == State.IN_REVIEW


def test_an_application_blocks_the_confirmation_until_it_ends_unpaid(personas, both_routes):
    staff = make_staff("hr", both_routes.departments.order_by("pk").first())
    application = submitted(personas.enterprise_a, both_routes)
    assert application.cycle == 2023
    item = issued_item(personas, both_routes, staff)
    with pytest.raises(services.NotAllowed, match="不能重复"):
        services.confirm_exempt(item, personas.enterprise_a, "工商银行", "6222000012345678", True)
    services.withdraw(application, personas.enterprise_a)
    application.refresh_from_db()
    assert application.cycle is None
    item = services.confirm_exempt(
        item, personas.enterprise_a, "工商银行", "6222000012345678", True
    )
    assert item.state == State.IN_REVIEW


def test_other_measures_keep_any_number_of_applications(personas, measure):
    first = submitted(personas.enterprise_a, measure)
    second = submitted(personas.enterprise_a, measure)
    assert first.cycle is None and second.cycle is None


def test_a_user_without_an_enterprise_cannot_confirm(personas, exempt_measure, science):
    item = issued_item(personas, exempt_measure, science)
    with pytest.raises(services.NotYourStage):
        services.confirm_exempt(item, make_user("nobody"), "工商银行", "6222000012345678", True)
    assert Beneficiary.objects.get(application=item).enterprise == item.enterprise


def test_the_start_page_of_18_2_points_a_listed_enterprise_to_its_item(
    client, personas, both_routes
):
    client.force_login(personas.enterprise_a)
    url = reverse("applications:start", args=[both_routes.pk])
    assert "listed-item" not in client.get(url).content.decode()
    staff = make_staff("hr", both_routes.departments.order_by("pk").first())
    item = issued_item(personas, both_routes, staff, amount="3000")
    page = client.get(url).content.decode()
    assert 'id="listed-item"' in page and item.get_absolute_url() in page


def test_a_workbook_with_a_broken_sheet_is_an_error_not_a_500(personas, exempt_measure):
    import zipfile

    good = xlsx_file([["x", "y", "z", 1]]).read()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]  # cut in the middle of the XML
            target.writestr(item, data)
    report = exempt.check_upload(SimpleUploadedFile("a.xlsx", out.getvalue()), exempt_measure)
    assert report.errors and "XLSX" in report.errors[0] and not report.rows


def test_a_csv_field_too_large_is_an_error_not_a_500(personas, exempt_measure):
    text = HEADER + "\n" + '"' + "长" * 200_000 + '",a,b,1\n'
    report = exempt.check_upload(SimpleUploadedFile("a.csv", text.encode()), exempt_measure)
    assert report.errors and "CSV" in report.errors[0]


def test_the_measures_with_a_free_route_publish_their_items_before_payment(catalogue):
    """Decided with the intake (``workflow.decide_intake``, and migration 0008 for intakes
    decided before): the measures with a 免申即享 route — 13（5）, 13（7）, and 18（2） whose
    办理方式 combines both ways — and no other."""
    required = Intake.objects.filter(notice_required=True)
    assert sorted(tuple(i.measure.path) for i in required) == [(13, 5), (13, 7), (18, 2)]
    assert {workflow.exempt_route(i.measure) for i in Intake.objects.all()} == {True, False}
    for intake in Intake.objects.select_related("measure"):
        assert intake.notice_required == workflow.exempt_route(intake.measure), intake.measure

"""The department admin: each staff user's desk and queue, acting through confirmation
pages, the queue's exports, and pages that speak Chinese and link only where staff may go."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application, ApplicationEvent
from applications.states import State

from .conftest import submitted

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:applications_application_changelist"


def queue(client, user, **params):
    client.force_login(user)
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return {a.pk for a in response.context["cl"].result_list}


def act(client, application, action, **data):
    return client.post(
        reverse("admin:applications_application_act", args=[application.pk, action]), data
    )


def change_page(client, application):
    return client.get(reverse("admin:applications_application_change", args=[application.pk]))


def test_each_department_sees_only_its_route(client, personas, measure):
    a = submitted(personas.enterprise_a, measure)
    b = submitted(personas.enterprise_b, measure)
    assert queue(client, personas.district_staff_a) == {a.pk}
    assert queue(client, personas.district_staff_b) == {b.pk}
    assert queue(client, personas.city_commerce) == set()  # not yet at the city
    act(client.force_login(personas.district_staff_a) or client, a, "pass")
    assert queue(client, personas.city_commerce) == {a.pk}
    assert queue(client, personas.city_commerce, desk="awaiting") == {a.pk}
    assert queue(client, personas.district_staff_a) == {a.pk}  # it passed through
    assert queue(client, personas.district_staff_a, desk="awaiting") == set()
    assert queue(client, personas.district_staff_a, desk="passed") == {a.pk}
    assert queue(client, personas.district_staff_a, desk="done_month") == {a.pk}
    assert queue(client, personas.city_finance) == set()


def test_a_joint_step_leaves_the_desk_of_the_department_that_signed(client, personas, measure):
    a = submitted(personas.enterprise_a, measure)
    services.approve_step(a, personas.district_staff_a)
    services.approve_step(a, personas.city_commerce)
    assert queue(client, personas.city_commerce, desk="awaiting") == set()
    assert queue(client, personas.city_statistics, desk="awaiting") == {a.pk}
    page = change_page(client, a).content.decode()  # city_statistics
    assert "市商务局：已同意" in page and "市统计局：待办理" in page


def test_acting_goes_through_a_confirmation_page(client, personas, measure):
    a = submitted(personas.enterprise_a, measure)
    client.force_login(personas.district_staff_a)
    url = reverse("admin:applications_application_act", args=[a.pk, "reject"])
    page = client.get(url)
    assert page.status_code == 200 and "确认不予通过" in page.content.decode()
    assert Application.objects.get(pk=a.pk).state == State.IN_REVIEW
    response = act(client, a, "reject", comment="")
    assert response.status_code == 400 and "请填写理由" in response.content.decode()
    assert Application.objects.get(pk=a.pk).state == State.IN_REVIEW
    act(client, a, "return", comment="请补充财务报表")
    assert Application.objects.get(pk=a.pk).state == State.RETURNED


def test_actions_are_the_tables_coloured_by_meaning(client, personas, measure):
    a = submitted(personas.enterprise_a, measure)
    client.force_login(personas.district_staff_a)
    page = change_page(client, a).content.decode()
    buttons = re.findall(r'class="staff-action staff-action-(\w+) style-(\w+)"', page)
    assert buttons == [("pass", "success"), ("return", "warning"), ("reject", "danger")]
    client.force_login(personas.city_commerce)  # not at its step yet: no buttons
    assert "staff-action" not in change_page(client, a).content.decode()


def test_unknown_or_enterprise_actions_are_404(client, personas, measure):
    a = submitted(personas.enterprise_a, measure)
    client.force_login(personas.district_staff_a)
    for action in ("submit", "withdraw", "edit", "nonsense"):
        url = reverse("admin:applications_application_act", args=[a.pk, action])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert Application.objects.get(pk=a.pk).version == a.version


def test_staff_off_the_current_step_get_a_message_not_a_move(client, personas, measure):
    a = submitted(personas.enterprise_a, measure)
    client.force_login(personas.district_staff_a)
    act(client, a, "pass")
    response = act(client, a, "pass", comment="again")  # it has moved on to the city
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "不由您所在部门办理" in follow.content.decode()
    assert Application.objects.get(pk=a.pk).position == 2


def _to_finance(a, personas, approved=None):
    services.approve_step(a, personas.district_staff_a)
    services.approve_step(a, personas.city_commerce)
    return services.approve_step(a, personas.city_statistics, approved_amount=approved)


def test_disbursement_form_defaults_to_today_and_the_approved_amount(client, personas, measure):
    a = _to_finance(submitted(personas.enterprise_a, measure), personas, Decimal("80000"))
    client.force_login(personas.city_finance)
    change = change_page(client, a).content.decode()
    assert "staff-action-disburse" in change and "staff-action-pass" not in change
    page = client.get(reverse("admin:applications_application_act", args=[a.pk, "disburse"]))
    html = page.content.decode()
    assert re.search(r'<input type="date" name="paid_on" value="2023-10-16"', html)
    assert re.search(r'name="amount" value="80000(\.00)?"', html)


def test_disbursement_without_an_approved_amount_prefills_the_requested(client, personas, measure):
    a = _to_finance(submitted(personas.enterprise_a, measure, amount=250000), personas)
    client.force_login(personas.city_finance)
    html = client.get(
        reverse("admin:applications_application_act", args=[a.pk, "disburse"])
    ).content.decode()
    assert re.search(r'name="amount" value="250000(\.00)?"', html)


def test_finance_records_the_disbursement(client, personas, measure):
    a = _to_finance(submitted(personas.enterprise_a, measure), personas)
    client.force_login(personas.city_finance)
    response = act(client, a, "disburse", amount="-5", paid_on="2023-10-16", voucher="V1")
    assert response.status_code == 400
    response = act(client, a, "disburse", amount="5", paid_on="2023-10-17", voucher="V1")
    assert "拨付日期不能晚于今天" in response.content.decode()
    # a date typed the Chinese way is understood
    act(client, a, "disburse", amount="250000", paid_on="2023年10月16日", voucher="V1")
    a.refresh_from_db()
    assert (a.state, a.voucher_number, a.disbursed_on) == (
        State.DISBURSED,
        "V1",
        datetime.date(2023, 10, 16),
    )


def test_pass_can_record_the_approved_amount(client, personas, measure):
    a = submitted(personas.enterprise_a, measure)
    client.force_login(personas.district_staff_a)
    act(client, a, "pass", approved_amount="90000", comment="核定9万元")
    a.refresh_from_db()
    assert (a.position, a.approved_amount_yuan) == (2, Decimal("90000"))


# --- the desk --------------------------------------------------------------------------------


def test_the_admin_index_is_the_departments_desk(client, personas, measure, settings):
    first = submitted(personas.enterprise_a, measure)
    second = submitted(personas.enterprise_a, measure)
    returned = submitted(personas.enterprise_a, measure)
    services.return_for_supplement(returned, personas.district_staff_a, "请补充")
    services.approve_step(submitted(personas.enterprise_a, measure), personas.district_staff_a)
    Application.objects.filter(pk=first.pk).update(due_on=datetime.date(2023, 10, 13))
    client.force_login(personas.district_staff_a)
    page = client.get(reverse("admin:index"))
    desk = page.context["desk"] if "desk" in page.context else None
    html = page.content.decode()
    assert "铁东区商务局 · 工作台" in html
    counts = dict(re.findall(r'id="desk-count-(\w+)"><span class="count">(\d+)</span>', html))
    assert counts == {"awaiting": "2", "overdue": "1", "returned": "1", "done_month": "1"}
    # waiting rows by due date: the overdue one first
    awaiting = html[html.index('id="desk-awaiting"') : html.index('id="desk-returned"')]
    assert awaiting.index(first.number) < awaiting.index(second.number)
    assert "已超期 1 个工作日" in awaiting  # due Friday 13th, today Monday 16th
    assert desk is None or desk  # the tag is rendered in the template


def test_superusers_get_the_stock_index(admin_client):
    page = admin_client.get(reverse("admin:index"))
    assert page.status_code == 200 and "工作台" not in page.content.decode()


# --- the export ------------------------------------------------------------------------------


def test_the_export_is_scoped_like_the_queue(client, personas, measure):
    mine = submitted(personas.enterprise_a, measure)  # 铁东区
    other = submitted(personas.enterprise_b, measure)  # 铁西区
    client.force_login(personas.district_staff_a)
    response = client.get(
        reverse("admin:applications_application_export", args=["csv"]), {"desk": "awaiting"}
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["编号", "企业", "统一社会信用代码"]
    numbers = [row[0] for row in rows[1:]]
    assert numbers == [mine.number]
    assert other.number not in text and "乙商贸" not in text
    # the filters apply as in the queue: nothing at 铁东 is returned
    response = client.get(
        reverse("admin:applications_application_export", args=["csv"]), {"desk": "returned"}
    )
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 1


def test_the_xlsx_export_has_the_same_rows(client, personas, measure):
    from openpyxl import load_workbook

    mine = submitted(personas.enterprise_a, measure)
    submitted(personas.enterprise_b, measure)
    client.force_login(personas.district_staff_a)
    response = client.get(reverse("admin:applications_application_export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and [r[0] for r in rows[1:]] == [mine.number]
    assert rows[1][1] == "鞍山甲商贸有限公司"


def test_exported_cells_never_start_a_formula(client, personas, measure):
    from applications.desk import queue_csv

    data = queue_csv([["=HYPERLINK(1)", "+1", "正常"]]).decode("utf-8-sig")
    assert data.strip() == "'=HYPERLINK(1),'+1,正常"


def test_outsiders_and_enterprises_cannot_export(client, personas, measure):
    submitted(personas.enterprise_a, measure)
    client.force_login(personas.enterprise_a)
    response = client.get(reverse("admin:applications_application_export", args=["csv"]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- language and links ----------------------------------------------------------------------


ALLOWED_LATIN = {"CSV", "Excel", "SB", "PDF"}


def _latin_words(html: str) -> set:
    """Latin words a user reads or hears: text and the attributes screen readers announce."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    html = re.sub(r'<input type="hidden"[^>]*>', "", html)
    spoken = re.findall(r'(?:aria-label|title|alt|placeholder|value)="([^"]*)"', html)
    text = re.sub(r"&\w+;", " ", re.sub(r"<[^>]+>", " ", html))
    words = set()
    for chunk in [text, *spoken]:
        for word in re.findall(r"[A-Za-z]{3,}", chunk):
            words.add(word)
    return {w for w in words if not any(w.startswith(a) for a in ALLOWED_LATIN)}


def _staff_pages(client, personas, measure):
    a = submitted(personas.enterprise_a, measure)
    client.force_login(personas.district_staff_a)
    return {
        "index": client.get(reverse("admin:index")),
        "queue": client.get(reverse(CHANGELIST)),
        "change": change_page(client, a),
        "confirm": client.get(reverse("admin:applications_application_act", args=[a.pk, "return"])),
    }


def test_staff_pages_speak_chinese_screen_reader_text_included(client, personas, measure):
    for name, page in _staff_pages(client, personas, measure).items():
        assert page.status_code == 200, name
        html = page.content.decode()
        # data may be Latin: login names (tiedong, firm_a), the USCC (…MA0AAAAA1)
        assert _latin_words(html) <= {"tiedong", "firm", "AAAAA"}, (name, _latin_words(html))
        for wrong in ("选择申报查看", "以 ", "表示尚未提交", "Model name", "Add link"):
            assert wrong not in html, (name, wrong)


def test_no_link_on_staff_pages_answers_403(client, personas, measure):
    pages = _staff_pages(client, personas, measure)
    hrefs = set()
    for page in pages.values():
        hrefs.update(re.findall(r'href="(/[^"]*)"', page.content.decode()))
    hrefs = {h.replace("&amp;", "&") for h in hrefs if not h.startswith("/static/")}
    assert hrefs
    for href in sorted(hrefs):
        if "logout" in href:
            continue
        status = client.get(href).status_code
        assert status in (200, 302), (href, status)


def test_every_event_shows_its_words_from_the_table(client, personas, measure):
    a = submitted(personas.enterprise_a, measure)
    services.return_for_supplement(a, personas.district_staff_a, "请补充")
    client.force_login(personas.district_staff_a)
    html = change_page(client, a).content.decode()
    assert "企业提交申报" in html and "退回企业补正" in html
    assert ApplicationEvent.objects.filter(application=a).count() == 2


# --- the catalogue side ---------------------------------------------------------------------


def test_the_measure_admin_shows_the_workflow_inline(client, personas, measure, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    page = client.get(reverse("admin:policies_measure_change", args=[measure.pk]))
    assert page.status_code == 200
    assert "workflow_stages-TOTAL_FORMS" in page.content.decode()
    department = personas.city_commerce.staff_membership.department
    page = client.get(reverse("admin:policies_department_change", args=[department.pk]))
    assert "staff_memberships-TOTAL_FORMS" in page.content.decode()


def test_rederiving_a_workflow_asks_first_and_keeps_submitted_routes(
    admin_client, personas, measure
):
    from applications import workflow

    a = submitted(personas.enterprise_a, measure)
    stage = workflow.stages_of(measure)[0]
    stage.act = "verify"
    stage.save()
    url = reverse("admin:policies_measure_changelist")
    data = {"action": "rederive_workflow", "_selected_action": [measure.pk]}
    page = admin_client.post(url, data)
    assert page.status_code == 200 and "确认重新生成" in page.content.decode()
    assert workflow.stages_of(measure)[0].act == "verify"  # nothing yet
    admin_client.post(url, {**data, "confirm": "yes"})
    assert workflow.stages_of(measure)[0].act == "preliminary"
    assert a.steps.count() == 3  # the submitted application keeps its own route

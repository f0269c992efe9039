"""The department admin: each staff user's queue, and acting through confirmation pages."""

import pytest
from django.urls import reverse

from applications.models import Application
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


def test_each_department_sees_only_its_route(client, personas, measure):
    a = submitted(personas.enterprise_a, measure)
    b = submitted(personas.enterprise_b, measure)
    assert queue(client, personas.district_staff_a) == {a.pk}
    assert queue(client, personas.district_staff_b) == {b.pk}
    assert queue(client, personas.city_commerce) == set()  # not yet at the city
    act(client.force_login(personas.district_staff_a) or client, a, "pass")
    assert queue(client, personas.city_commerce) == {a.pk}
    assert queue(client, personas.city_commerce, stage="mine") == {a.pk}
    assert queue(client, personas.district_staff_a) == {a.pk}  # it passed through
    assert queue(client, personas.district_staff_a, stage="mine") == set()
    assert queue(client, personas.city_finance) == set()


def test_acting_goes_through_a_confirmation_page(client, personas, measure):
    a = submitted(personas.enterprise_a, measure)
    client.force_login(personas.district_staff_a)
    url = reverse("admin:applications_application_act", args=[a.pk, "reject"])
    page = client.get(url)
    assert page.status_code == 200 and "确认" in page.content.decode()
    assert Application.objects.get(pk=a.pk).state == State.IN_REVIEW
    response = act(client, a, "reject", comment="")
    assert response.status_code == 200 and "请填写理由" in response.content.decode()
    assert Application.objects.get(pk=a.pk).state == State.IN_REVIEW
    act(client, a, "return", comment="请补充财务报表")
    assert Application.objects.get(pk=a.pk).state == State.RETURNED


def test_staff_off_the_current_step_get_a_message_not_a_move(client, personas, measure):
    a = submitted(personas.enterprise_a, measure)
    client.force_login(personas.district_staff_a)
    act(client, a, "pass")
    response = act(client, a, "pass", comment="again")  # it has moved on to the city
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "不由您所在部门办理" in follow.content.decode()
    assert Application.objects.get(pk=a.pk).position == 2


def test_finance_records_the_disbursement(client, personas, measure):
    a = submitted(personas.enterprise_a, measure)
    for user in (personas.district_staff_a, personas.city_commerce, personas.city_statistics):
        client.force_login(user)
        act(client, a, "pass")
    client.force_login(personas.city_finance)
    change = client.get(reverse("admin:applications_application_change", args=[a.pk]))
    assert "staff-action-disburse" in change.content.decode()
    assert "staff-action-pass" not in change.content.decode()
    response = act(client, a, "disburse", amount="-5", paid_on="2023-12-01", voucher="V1")
    assert response.status_code == 200
    act(client, a, "disburse", amount="250000", paid_on="2023-12-01", voucher="V1")
    a.refresh_from_db()
    assert (a.state, a.voucher_number, str(a.disbursed_on)) == (
        State.DISBURSED,
        "V1",
        "2023-12-01",
    )


def test_the_measure_admin_shows_the_workflow_inline(client, personas, measure, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    page = client.get(reverse("admin:policies_measure_change", args=[measure.pk]))
    assert page.status_code == 200
    assert "workflow_stages-TOTAL_FORMS" in page.content.decode()
    department = personas.city_commerce.staff_membership.department
    page = client.get(reverse("admin:policies_department_change", args=[department.pk]))
    assert "staff_memberships-TOTAL_FORMS" in page.content.decode()

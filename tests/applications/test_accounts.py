"""Registration, login/logout, password reset; demo accounts; load_districts."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from applications.models import Enterprise, EnterpriseMembership, StaffMembership
from applications.uscc import check_character
from policies.models import City, Department, District

pytestmark = pytest.mark.django_db

CODE17 = "91210302MA0REG0A1"


def form_data(**overrides):
    city = City.objects.get(name="鞍山市")
    data = {
        "enterprise_name": "鞍山注册测试有限公司",
        "uscc": CODE17 + check_character(CODE17),
        "city": city.pk,
        "district": District.objects.get(city=city, name="立山区").pk,
        "contact_person": "赵经理",
        "phone": "0412-5550001",
        "email": "reg@example.com",
        "username": "reg_user",
        "password1": "a-Long-passw0rd",
        "password2": "a-Long-passw0rd",
    }
    data.update(overrides)
    return data


def activation_link(mail):
    match = re.search(r"https?://[^/\s]+(/accounts/activate/\S+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_registration_creates_an_inactive_account_confirmed_by_email(client, catalogue, mailoutbox):
    response = client.post(reverse("register"), form_data())
    assert response.status_code == 302 and response["Location"] == reverse("register_sent")
    membership = EnterpriseMembership.objects.select_related("user", "enterprise").get()
    user = membership.user
    assert (user.username, user.email, user.is_active) == ("reg_user", "reg@example.com", False)
    assert membership.enterprise.district.name == "立山区"
    assert client.get(reverse("applications:my_applications")).status_code == 302  # not in
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["reg@example.com"]
    link = activation_link(mailoutbox[0])
    page = client.get(link)  # a GET (a mail scanner) activates nothing
    assert page.status_code == 200 and "启用账户并登录" in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    assert client.post(link).status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert client.get(reverse("applications:my_applications")).status_code == 200
    client.post(reverse("logout"))
    assert client.post(link).status_code == 400  # used once


def test_a_taken_username_or_code_is_not_revealed_but_its_owner_is_told(
    client, catalogue, mailoutbox
):
    first = client.post(reverse("register"), form_data())
    page_first = client.get(first["Location"]).content.decode()
    mailoutbox.clear()
    # the same username, another enterprise and email
    second = client.post(
        reverse("register"),
        form_data(
            uscc="91210302MA0BCDEF1" + check_character("91210302MA0BCDEF1"),
            email="someone@example.com",
            enterprise_name="另一家公司",
        ),
    )
    assert second.status_code == first.status_code == 302
    assert second["Location"] == first["Location"]
    page_second = client.get(second["Location"]).content.decode()

    def same(html):  # the pages differ only in the address typed and the CSRF token
        return re.sub(r'value="[^"]{40,}"', "", html.replace("someone@example.com", "E"))

    assert same(page_second) == same(page_first.replace("reg@example.com", "E"))
    assert get_user_model().objects.count() == 1 and Enterprise.objects.count() == 1
    assert [m.to for m in mailoutbox] == [["reg@example.com"]]  # the owner, not the visitor
    assert "用户名" in mailoutbox[0].subject
    mailoutbox.clear()
    # another username, the same enterprise code
    third = client.post(reverse("register"), form_data(username="reg_user2"))
    assert third.status_code == 302
    assert [m.to for m in mailoutbox] == [["reg@example.com"]]
    assert "重复注册" in mailoutbox[0].subject
    assert get_user_model().objects.count() == 1


def test_registration_is_throttled_per_address(client, catalogue, settings, mailoutbox):
    settings.PORTAL_REGISTER_PER_HOUR = 2
    for n in range(2):
        response = client.post(reverse("register"), form_data(username=f"u{n}"))
        assert response.status_code == 302
    response = client.post(reverse("register"), form_data(username="u9"))
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    assert response.context["form"]["username"].value() == "u9"  # nothing typed lost


def test_password_reset_is_throttled(client, catalogue, settings, mailoutbox):
    client.post(reverse("register"), form_data())
    client.post(activation_link(mailoutbox[0]))
    client.post(reverse("logout"))
    mailoutbox.clear()
    settings.PORTAL_RESET_PER_HOUR = 3
    for n in range(5):  # from five addresses: the mailbox is protected all the same
        response = client.post(
            reverse("password_reset"), {"email": "reg@example.com"}, REMOTE_ADDR=f"10.0.0.{n}"
        )
    assert len(mailoutbox) == 3  # per email: silently no more
    assert response.status_code == 302  # the same answer as when a mail went out
    statuses = [
        client.post(
            reverse("password_reset"), {"email": f"x{n}@example.com"}, REMOTE_ADDR="10.9.9.9"
        ).status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]  # per address: said


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"uscc": CODE17 + "?"}, "uscc", "不允许的字符"),
        ({"uscc": "123"}, "uscc", "应为18位"),
        ({"password2": "different-passw0rd"}, "password2", ""),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, catalogue, overrides, field, message):
    response = client.post(reverse("register"), form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert response.context["form"]["enterprise_name"].value() == "鞍山注册测试有限公司"
    assert not Enterprise.objects.exists() and not get_user_model().objects.exists()


def test_a_wrong_check_character_is_refused(client, catalogue):
    wrong = next(c for c in "0123456789" if c != check_character(CODE17))
    response = client.post(reverse("register"), form_data(uscc=CODE17 + wrong))
    assert "校验位不符" in response.content.decode()


def test_a_district_of_another_city_is_refused(client, catalogue):
    other = District.objects.filter(city__name="营口市").first()
    response = client.post(reverse("register"), form_data(district=other.pk))
    assert "不属于鞍山市" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_login_logout_and_password_reset_by_console_email(client, catalogue, mailoutbox):
    client.post(reverse("register"), form_data())
    client.post(activation_link(mailoutbox[0]))
    mailoutbox.clear()
    assert client.get(reverse("logout")).status_code == 405  # logout is POST only
    client.post(reverse("logout"))
    assert client.get(reverse("applications:my_applications")).status_code == 302
    response = client.post(
        reverse("login"), {"username": "reg_user", "password": "a-Long-passw0rd"}
    )
    assert response.status_code == 302
    client.post(reverse("logout"))
    client.post(reverse("password_reset"), {"email": "reg@example.com"})
    assert len(mailoutbox) == 1 and "/accounts/reset/" in mailoutbox[0].body
    assert "重设密码" in mailoutbox[0].subject


def test_demo_accounts_need_debug_and_are_idempotent(catalogue, settings):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("create_demo_accounts")
    assert not get_user_model().objects.exists()
    settings.DEBUG = True
    call_command("create_demo_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (get_user_model().objects.count(), StaffMembership.objects.count())
    call_command("create_demo_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (get_user_model().objects.count(), StaffMembership.objects.count()) == counts
    assert counts == (10, 7)
    staff = StaffMembership.objects.select_related("department").get(user__username="shi_tongji")
    assert (
        staff.department.name == "市统计局" and staff.user.groups.filter(name="审核人员").exists()
    )
    science = StaffMembership.objects.select_related("department").get(user__username="shi_keji")
    assert science.department.name == "市科技局"  # who lists 13（5）'s 免申即享 enterprises


def test_load_districts_is_idempotent_and_complete(catalogue):
    before = (District.objects.count(), Department.objects.count())
    call_command("load_districts", verbosity=0)
    assert (District.objects.count(), Department.objects.count()) == before
    counties = District.objects.exclude(kind=District.Kind.ZONE)
    assert counties.filter(city__name="鞍山市").count() == 7
    assert counties.filter(city__name="营口市").count() == 6
    assert counties.filter(city__name="聊城市").count() == 8
    assert counties.filter(city__name="三门峡市").count() == 6
    assert District.objects.get(name="鲅鱼圈区").code == "210804"
    gaoxin = District.objects.get(name="鞍山高新技术产业开发区")
    assert gaoxin.departments.filter(name="商务局", level="district").exists()
    assert Department.objects.filter(level="province", province="辽宁省", city=None).count() >= 4


def test_demo_skips_sample_applications_a_measure_does_not_take_yet(catalogue, settings):
    from applications.models import Application

    settings.DEBUG = True
    settings.PORTAL_TODAY = "2023-10-16"  # before 鞍山 2024 took effect
    out = io.StringIO()
    call_command("create_demo_accounts", stdout=out)
    assert "未创建示例申报" in out.getvalue() and "尚未开始受理申报" in out.getvalue()
    assert not Application.objects.exists()


def test_demo_gives_district_staff_an_application_to_process(
    catalogue, settings, client, mailoutbox
):
    from applications.models import Application
    from applications.states import State

    settings.DEBUG = True
    settings.PORTAL_TODAY = "2025-06-01"  # the samples are 鞍山 2024's, in force from 2024-12-02
    call_command("create_demo_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("create_demo_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    applications = Application.objects.filter(enterprise__memberships__user__username="qiye_a")
    assert sorted(applications.values_list("state", flat=True)) == [State.DRAFT, State.IN_REVIEW]
    waiting = applications.get(state=State.IN_REVIEW)
    assert [d.name for d in waiting.steps.get(position=1).departments.all()] == ["财政局"]
    assert waiting.events.count() == 2 and waiting.attachments.count() == 1  # upload, submit
    assert mailoutbox == []  # the samples' emails do not reach the console
    client.force_login(get_user_model().objects.get(username="tiedong_caizheng"))
    response = client.get(reverse("admin:applications_application_changelist"))
    assert response.context["cl"].result_count == 1

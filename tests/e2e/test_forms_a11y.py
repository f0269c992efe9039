"""axe-core finds no serious or critical violation on the self-check and application pages:
the questionnaire, its result, registration and login, and an enterprise's application."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from applications.models import Application
from tests.e2e.conftest import screenshot
from tests.e2e.test_catalogue_a11y import severe_violations

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "path", ["/check/", "/check/city/yingkou/", "/accounts/register/", "/accounts/login/"]
)
def test_forms_have_no_serious_violations(page, path):
    page.goto(path)
    assert severe_violations(page) == []


def test_the_self_check_errors_have_no_serious_violations(page):
    page.goto("/check/city/yingkou/")
    page.fill("#id_employees", "30")
    page.get_by_role("button", name="下一步").click()  # the industry (required) missing
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback, .errorlist").count() > 0
    assert severe_violations(page) == []
    screenshot(page, "a11y-check-errors")


def test_an_application_and_my_applications_have_no_serious_violations(page, settings):
    settings.DEBUG = True
    call_command("create_demo_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("qiye_a")
    page.get_by_label("密码").fill("huiqi-demo-2024")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto("/applications/")
    assert severe_violations(page) == []
    user = get_user_model().objects.get(username="qiye_a")
    for application in Application.objects.filter(enterprise__memberships__user=user):
        page.goto(application.get_absolute_url())
        assert severe_violations(page) == []
    screenshot(page, "a11y-application")

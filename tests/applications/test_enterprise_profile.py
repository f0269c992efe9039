"""一企一档: an enterprise's self-check answers, dated, editable in one place, and carried into
the application form of a measure whose rule uses them."""

import datetime

import pytest
from django.urls import reverse

from applications.models import EnterpriseAnswer
from applications.profile import store_answers, stored_answers

from .conftest import measure_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rules(catalogue):
    from policies.eligibility.models import EligibilityRule

    if not EligibilityRule.objects.exists():
        from django.core.management import call_command

        call_command("load_eligibility", verbosity=0)


def test_answers_are_kept_per_question_and_dated(personas):
    firm = personas.enterprise_a.enterprise_membership.enterprise
    store_answers(firm, personas.enterprise_a, {"industry": "F", "employees": 30})
    store_answers(firm, personas.enterprise_a2, {"employees": 35}, on=datetime.date(2026, 11, 30))
    assert stored_answers(firm) == {"industry": "F", "employees": 35}
    row = EnterpriseAnswer.objects.get(enterprise=firm, key="employees")
    assert (
        row.answered_on == datetime.date(2026, 11, 30) and row.answered_by == personas.enterprise_a2
    )
    store_answers(firm, personas.enterprise_a, {}, forget=["industry"])
    assert stored_answers(firm) == {"employees": 35}


def test_the_profile_page_shows_and_edits_the_answers(client, personas):
    firm = personas.enterprise_a.enterprise_membership.enterprise
    store_answers(firm, personas.enterprise_a, {"industry": "F", "employees": 30})
    client.force_login(personas.enterprise_a)
    url = reverse("applications:profile")
    page = client.get(url).content.decode()
    assert "企业档案" in page and 'name="employees" value="30"' in page
    assert "填写日期" in page
    response = client.post(url, {"industry": "F", "employees": "31", "revenue_last_year": ""})
    assert response.status_code == 302
    assert stored_answers(firm) == {"industry": "F", "employees": 31}
    # bad input: a message next to the field, nothing lost
    response = client.post(url, {"industry": "F", "employees": "三十"})
    assert response.status_code == 200
    assert "请输入整数" in response.content.decode()
    assert stored_answers(firm)["employees"] == 31


def test_the_profile_page_is_an_enterprises_own(client, personas):
    firm_a = personas.enterprise_a.enterprise_membership.enterprise
    store_answers(firm_a, personas.enterprise_a, {"employees": 30})
    client.force_login(personas.enterprise_b)
    page = client.get(reverse("applications:profile")).content.decode()
    assert 'name="employees" value="30"' not in page
    client.force_login(personas.outsider)
    assert client.get(reverse("applications:profile")).status_code == 403


def test_an_application_starts_with_the_answers_its_measure_uses(client, personas, settings):
    settings.PORTAL_TODAY = "2023-10-16"
    measure = measure_at("3.1")  # 鞍山 2023 3（1）: 限上零售额增量分档奖励
    firm = personas.enterprise_a.enterprise_membership.enterprise
    store_answers(
        firm,
        personas.enterprise_a,
        {"industry": "F", "retail_increment_2023": 23000, "dairy_cows": 150},
    )
    client.force_login(personas.enterprise_a)
    page = client.get(reverse("applications:start", args=[measure.pk])).content.decode()
    assert "2.3 亿元" in page  # the figure its rule uses (23000 万元, in the one money format)
    assert "150" not in page.split("figures_text")[1].split("</textarea>")[0]  # not others'

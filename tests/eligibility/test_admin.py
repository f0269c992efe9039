"""Saved checks are read-only in the admin; the rule and question lists open."""

import pytest
from django.urls import reverse

from policies.eligibility.models import SavedCheck

pytestmark = pytest.mark.django_db


def test_it_shows_saved_checks_read_only(admin_client, yingkou):
    check = SavedCheck.objects.create(city=yingkou, answers={"industry": "other"})
    change = admin_client.get(reverse("admin:eligibility_savedcheck_change", args=[check.pk]))
    assert change.status_code == 200
    assert 'name="answers"' not in change.content.decode()
    assert admin_client.get(reverse("admin:eligibility_savedcheck_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:eligibility_savedcheck_change", args=[check.pk]),
        {"answers": "{}", "city": yingkou.pk},
    )
    assert response.status_code == 403
    check.refresh_from_db()
    assert check.answers == {"industry": "other"}


@pytest.mark.parametrize("name", ["eligibilityrule", "question", "savedcheck"])
def test_the_lists_open_in_constant_queries(
    admin_client, rules, name, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse(f"admin:eligibility_{name}_changelist"))
    assert response.status_code == 200

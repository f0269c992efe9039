"""Staff correct the catalogue in the admin: lists with search and filters, constant queries."""

import pytest
from django.urls import reverse

from policies.models import City, Department, Measure, PolicyDocument

from .helpers import admin_post_data


@pytest.fixture
def admin_client(client, django_user_model, catalogue):
    user = django_user_model.objects.create_superuser("catalogue-admin", "a@example.com", "pw")
    client.force_login(user)
    return client


CHANGELISTS = [
    ("city", {}),
    ("city", {"q": "鞍山"}),
    ("district", {}),
    ("department", {"q": "工信"}),
    ("policydocument", {}),
    ("policydocument", {"status__exact": "draft"}),
    ("chapter", {"q": "消费"}),
    ("measure", {}),
    ("measure", {"q": "补贴"}),
    ("topic", {}),
    ("supporttype", {}),
]


@pytest.mark.parametrize("model,params", CHANGELISTS)
def test_it_lists_the_catalogue_with_search_and_filters(
    admin_client, django_assert_max_num_queries, model, params
):
    with django_assert_max_num_queries(25):
        response = admin_client.get(reverse(f"admin:policies_{model}_changelist"), params)
    assert response.status_code == 200


def test_it_filters_measures_by_city_document_and_department(admin_client):
    anshan = City.objects.get(name="鞍山市")
    draft = PolicyDocument.objects.get(source__startswith="002_")
    commerce = Department.objects.get(city=anshan, name="市商务局")
    url = reverse("admin:policies_measure_changelist")
    by_city = admin_client.get(url, {"document__city__id__exact": anshan.pk})
    assert by_city.context["cl"].result_count == 16 + 49
    by_document = admin_client.get(url, {"document__id__exact": draft.pk})
    assert by_document.context["cl"].result_count == 49
    by_department = admin_client.get(url, {"departments__id__exact": commerce.pk})
    assert by_department.context["cl"].result_count == commerce.measures.count() > 10


def test_it_opens_a_measure_and_a_document_for_editing(admin_client, django_assert_max_num_queries):
    measure = Measure.objects.get(document__source__startswith="002_", path_key="3.1")
    with django_assert_max_num_queries(40):
        response = admin_client.get(reverse("admin:policies_measure_change", args=[measure.pk]))
    assert response.status_code == 200
    assert "限上零售额增量" in response.content.decode()
    document = measure.document
    response = admin_client.get(reverse("admin:policies_policydocument_change", args=[document.pk]))
    assert response.status_code == 200


def test_it_saves_a_staff_correction(admin_client):
    measure = Measure.objects.get(document__source__startswith="001_", path_key="16")
    url = reverse("admin:policies_measure_change", args=[measure.pk])
    data = admin_post_data(admin_client.get(url))
    data["title"] = "加大企业上市扶持力度（分阶段补助）"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    measure.refresh_from_db()
    assert measure.title == "加大企业上市扶持力度（分阶段补助）"
    assert measure.departments.count() == 1

"""The 免申即享 lists in the admin: scoped to the department's measures, the upload's row
report on the form with nothing typed lost, generate and issue after confirmation pages,
and constant query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import exempt, workflow
from applications.models import Application, Beneficiary, BeneficiaryList
from applications.profile import store_answers
from applications.states import Route, State

from .conftest import make_enterprise, make_staff, make_user, measure_at

pytestmark = pytest.mark.django_db

HEADER = "统一社会信用代码,企业名称,依据,金额（元）"


@pytest.fixture
def listed(catalogue):
    return measure_at("13.5")


@pytest.fixture
def science(personas, listed):
    return make_staff("science", workflow.responsible(listed)[0])


def firm_a(personas):
    return personas.enterprise_a.enterprise_membership.enterprise


def upload(*lines):
    text = "\n".join([HEADER, *lines]) + "\n"
    return SimpleUploadedFile("名单.csv", text.encode("utf-8-sig"), content_type="text/csv")


def add(client, listed, file, title="2023年度技术合同排名"):
    return client.post(
        reverse("admin:applications_beneficiarylist_add"),
        {"measure": listed.pk, "year": "2023", "title": title, "file": file},
    )


def test_the_upload_report_is_shown_on_the_form_and_nothing_is_imported(
    client, personas, listed, science
):
    a = firm_a(personas)
    client.force_login(science)
    response = add(
        client, listed, upload(f"{a.uscc},{a.name},排名第1位,200000", f"{a.uscc}X,乙,排名,0")
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "名单未导入" in text and "第 3 行：" in text and "第 2 行" not in text
    assert 'value="2023年度技术合同排名"' in text  # nothing typed lost
    assert not BeneficiaryList.objects.exists() and not Beneficiary.objects.exists()

    response = add(client, listed, upload(f"{a.uscc},{a.name},排名第1位,200000"))
    assert response.status_code == 302
    blist = BeneficiaryList.objects.get()
    assert (blist.department, blist.created_by, blist.source_name) == (
        science.staff_membership.department,
        science,
        "名单.csv",
    )
    assert list(blist.rows.values_list("line", "uscc")) == [(2, a.uscc)]


def test_staff_see_only_their_departments_lists_and_measures(client, personas, listed, science):
    client.force_login(science)
    add(client, listed, upload())  # an empty file: refused
    assert not BeneficiaryList.objects.exists()
    page = client.get(reverse("admin:applications_beneficiarylist_add"))
    choices = {m.pk for m in page.context["adminform"].form.fields["measure"].queryset}
    assert listed.pk in choices and measure_at("18.2").pk not in choices
    assert (
        client.post(
            reverse("admin:applications_beneficiarylist_add"),
            {"measure": measure_at("18.2").pk, "year": "2023", "title": "x"},
        ).status_code
        == 200
    )  # not a choice of theirs: the form says so
    blist = BeneficiaryList.objects.create(
        measure=listed,
        department=science.staff_membership.department,
        year=2023,
        title="名单",
        created_by=science,
    )
    client.force_login(personas.city_finance)
    assert (
        client.get(reverse("admin:applications_beneficiarylist_changelist"))
        .context["cl"]
        .result_count
        == 0
    )
    for name in ("change", "issue", "generate"):
        url = reverse(f"admin:applications_beneficiarylist_{name}", args=[blist.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm": "yes"}).status_code == 404
    root = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert (
        client.get(reverse("admin:applications_beneficiarylist_changelist"))
        .context["cl"]
        .result_count
        == 1
    )


def test_generate_and_issue_after_confirmation_pages(client, personas, listed, science):
    a = firm_a(personas)
    store_answers(a, None, {"activities": ["tech_transfer"], "tech_contract_rank": 1})
    blist = BeneficiaryList.objects.create(
        measure=listed,
        department=science.staff_membership.department,
        year=2023,
        title="名单",
        created_by=science,
    )
    client.force_login(science)
    change = client.get(reverse("admin:applications_beneficiarylist_change", args=[blist.pk]))
    assert "从企业档案生成" in change.text and "下发名单" in change.text
    url = reverse("admin:applications_beneficiarylist_generate", args=[blist.pk])
    page = client.get(url)
    assert page.status_code == 200 and a.name in page.text and "确认生成" in page.text
    assert not blist.rows.exists()  # GET never writes
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert list(blist.rows.values_list("uscc", flat=True)) == [a.uscc]

    url = reverse("admin:applications_beneficiarylist_issue", args=[blist.pk])
    page = client.get(url)
    assert page.status_code == 200 and "确认下发" in page.text
    assert not Application.objects.filter(route=Route.EXEMPT).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    blist.refresh_from_db()
    assert blist.state == BeneficiaryList.Status.ISSUED and blist.issued_by == science
    item = Application.objects.get(route=Route.EXEMPT)
    assert item.state == State.TO_CONFIRM and item.enterprise == a
    client.post(url, {"confirm": "yes"})  # twice: refused, nothing more
    assert Application.objects.filter(route=Route.EXEMPT).count() == 1
    change = client.get(reverse("admin:applications_beneficiarylist_change", args=[blist.pk]))
    assert item.number in change.text and "下发名单" not in change.text


@pytest.mark.parametrize("n", [1, 6])
def test_query_counts(client, personas, listed, science, django_assert_max_num_queries, n):
    city, district = firm_a(personas).city, firm_a(personas).district
    enterprises = [firm_a(personas)] + [
        make_enterprise(f"鞍山名单{k}有限公司", f"91210302MA0Q{k:04d}1", city, district)
        for k in range(n)
    ]
    blist = BeneficiaryList.objects.create(
        measure=listed,
        department=science.staff_membership.department,
        year=2023,
        title="名单",
        created_by=science,
    )
    exempt.replace_rows(
        blist,
        [exempt.Row(i + 2, e.uscc, e.name, "依据", 1000, e) for i, e in enumerate(enterprises)],
    )
    client.force_login(science)
    url = reverse("admin:applications_beneficiarylist_change", args=[blist.pk])
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    exempt.issue(blist, science)
    for _ in range(n):  # several items of enterprise A waiting
        other = BeneficiaryList.objects.create(
            measure=listed,
            department=science.staff_membership.department,
            year=2023,
            title="又一份",
            created_by=science,
        )
        a = firm_a(personas)
        exempt.replace_rows(other, [exempt.Row(2, a.uscc, a.name, "依据", 1000, a)])
        exempt.issue(other, science)
    client.force_login(personas.enterprise_a)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("applications:my_applications")).status_code == 200
    item = Application.objects.filter(route=Route.EXEMPT, enterprise=firm_a(personas)).first()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("applications:detail", args=[item.pk])).status_code == 200


def test_finance_filters_its_queue_by_route(client, personas, listed, science, measure):
    from applications import services

    from .conftest import submitted

    a = firm_a(personas)
    blist = BeneficiaryList.objects.create(
        measure=listed,
        department=science.staff_membership.department,
        year=2023,
        title="名单",
        created_by=science,
    )
    exempt.replace_rows(blist, [exempt.Row(2, a.uscc, a.name, "依据", 1000, a)])
    exempt.issue(blist, science)
    item = blist.rows.get().application
    services.confirm_exempt(item, personas.enterprise_a, "工商银行", "6222000012345678", True)
    applied = submitted(personas.enterprise_b, measure)
    for user in ("district_staff_b", "city_commerce", "city_statistics"):
        services.approve_step(applied, getattr(personas, user))
    client.force_login(personas.city_finance)
    url = reverse("admin:applications_application_changelist")
    listed_pks = lambda query: {a.pk for a in client.get(url, query).context["cl"].result_list}  # noqa: E731
    assert listed_pks({}) == {item.pk, applied.pk}
    assert listed_pks({"route__exact": "exempt"}) == {item.pk}
    assert listed_pks({"route__exact": "application"}) == {applied.pk}


@pytest.mark.parametrize("pk", ["²", "١", "0", "99999999999999999999"])
def test_a_list_id_that_is_no_id_is_a_404(client, personas, science, pk):
    client.force_login(science)
    url = reverse("admin:applications_beneficiarylist_changelist") + f"{pk}/change/"
    assert client.get(url).status_code == 404


def test_a_superuser_lists_for_the_measures_department(client, personas, listed):
    root = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(root)
    a = firm_a(personas)
    response = add(client, listed, upload(f"{a.uscc},{a.name},排名第1位,200000"))
    assert response.status_code == 302
    blist = BeneficiaryList.objects.get()
    assert blist.department == workflow.responsible(listed)[0] and blist.created_by == root


def test_the_uploaded_list_is_downloaded_as_uploaded_by_its_department_only(
    client, personas, listed, science
):
    a = firm_a(personas)
    client.force_login(science)
    text = "\n".join([HEADER, f"{a.uscc},{a.name},排名第1位,200000"]) + "\n"
    file = SimpleUploadedFile("名单.csv", text.encode("utf-8-sig"), content_type="text/csv")
    assert add(client, listed, file).status_code == 302
    blist = BeneficiaryList.objects.get()
    page = client.get(reverse("admin:applications_beneficiarylist_change", args=[blist.pk]))
    url = reverse("admin:applications_beneficiarylist_source_file", args=[blist.pk])
    assert f'href="{url}"' in page.content.decode() and "下载 名单.csv" in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == text.encode("utf-8-sig")  # verbatim
    assert "attachment" in response["Content-Disposition"]

    client.force_login(personas.city_finance)  # another department's staff
    assert client.get(url).status_code == 404

    generated = BeneficiaryList.objects.create(
        measure=listed,
        department=science.staff_membership.department,
        year=2024,
        title="由档案生成",
        created_by=science,
    )
    client.force_login(science)
    page = client.get(reverse("admin:applications_beneficiarylist_change", args=[generated.pk]))
    assert "无（由企业档案生成或未上传）" in page.content.decode()
    assert (
        client.get(
            reverse("admin:applications_beneficiarylist_source_file", args=[generated.pk])
        ).status_code
        == 404
    )

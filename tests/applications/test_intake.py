"""Whether a measure takes applications is data: decided once from its text, then staff's."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications import services, workflow
from applications.models import Intake, WorkflowStage
from applications.states import State
from policies.models import Measure

from .helpers import admin_form_data


def measure_at(source_prefix, path_key):
    return Measure.objects.get(document__source__startswith=source_prefix, path_key=path_key)


def test_it_decides_each_measure_from_its_text(catalogue):
    assert Intake.objects.count() == Measure.objects.count()
    grants = measure_at("002_", "3.1")  # 限上零售额增量奖励
    service = measure_at("003_", "1")  # 强化规划引领保障作用
    free = measure_at("002_", "13.5")  # 免申即享
    assert (grants.intake.accepts, service.intake.accepts, free.intake.accepts) == (
        True,
        False,
        False,
    )
    assert free.intake.note == "免申即享"
    accepting = Intake.objects.filter(accepts=True).values_list("measure_id", flat=True)
    with_stages = WorkflowStage.objects.values_list("measure_id", flat=True).distinct()
    assert set(accepting) == set(with_stages)


def test_staff_close_applications_and_a_reload_keeps_it(client, catalogue, personas, settings):
    settings.PORTAL_TODAY = "2023-10-16"
    measure = measure_at("002_", "3.1")
    Intake.objects.filter(measure=measure).update(accepts=False, note="资金已用完")
    call_command("load_districts", verbosity=0)
    call_command("load_districts", rederive=True, verbosity=0)
    assert not Intake.objects.get(measure=measure).accepts
    assert not workflow.takes_applications(measure)
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "不受理在线申报" in page
    assert reverse("applications:start", args=[measure.pk]) not in page
    with pytest.raises(services.NotAllowed):
        services.create_draft(personas.enterprise_a, measure)
    client.force_login(personas.enterprise_a)
    assert (
        "本措施不受理在线申报"
        in client.get(reverse("applications:start", args=[measure.pk])).content.decode()
    )


def test_staff_open_a_measure_whose_text_grants_no_money(catalogue, personas, settings):
    settings.PORTAL_TODAY = "2024-06-30"  # 营口's document was issued on 2024-05-31
    measure = measure_at("001_", "11")  # 提升通关便利度: a service
    assert not workflow.takes_applications(measure)
    assert not measure.workflow_stages.exists()
    Intake.objects.filter(measure=measure).update(accepts=True)
    application = services.create_draft(personas.enterprise_a, measure)
    # Submitting only looks the route up: none yet, so nothing is written.
    with pytest.raises(services.NotAllowed, match="尚未配置办理流程"):
        services.submit(application, personas.enterprise_a)
    application.refresh_from_db()
    assert (application.state, application.steps.count()) == (State.DRAFT, 0)
    assert not measure.workflow_stages.exists()
    # Staff derive it explicitly (the admin does when it saves an opened intake): the
    # default route, ending with city finance.
    workflow.ensure_workflow(measure)
    application = services.submit(application, personas.enterprise_a)
    stages = list(measure.workflow_stages.order_by("position"))
    assert stages and stages[-1].act == "disburse"
    assert application.steps.count() == len(stages)


def test_the_admin_derives_the_route_when_staff_open_the_intake(catalogue, admin_client, settings):
    settings.PORTAL_TODAY = "2024-06-30"
    measure = measure_at("001_", "11")
    assert not measure.workflow_stages.exists()
    url = reverse("admin:policies_measure_change", args=[measure.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert not measure.workflow_stages.exists()  # GET wrote nothing
    data = admin_form_data(page)
    intake = next(k for k in data if k.startswith("intake-") and k.endswith("-note"))
    data[intake.replace("-note", "-accepts")] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert workflow.takes_applications(measure)
    stages = list(measure.workflow_stages.order_by("position"))
    assert stages and stages[-1].act == "disburse"


def test_a_newly_imported_measure_is_decided_by_the_next_load(catalogue):
    measure = measure_at("001_", "16")
    measure.intake.delete()
    measure.workflow_stages.all().delete()
    assert not workflow.takes_applications(measure)
    call_command("load_districts", verbosity=0)
    assert workflow.takes_applications(measure)
    assert measure.workflow_stages.exists()


def test_pages_never_write_a_workflow(client, catalogue, personas, settings):
    """GET never writes: a measure that takes applications but has no stages yet (staff
    removed them) keeps none after its page, the apply page and a refused submission."""
    from policies.models import Department

    settings.PORTAL_TODAY = "2023-10-16"
    measure = measure_at("002_", "3.1")
    measure.workflow_stages.all().delete()
    before = (WorkflowStage.objects.count(), Department.objects.count(), Intake.objects.count())
    client.force_login(personas.enterprise_a)
    assert client.get(measure.get_absolute_url()).status_code == 200
    assert client.get(reverse("applications:start", args=[measure.pk])).status_code == 200
    draft = services.create_draft(personas.enterprise_a, measure)
    client.post(reverse("applications:submit", args=[draft.pk]))
    after = (WorkflowStage.objects.count(), Department.objects.count(), Intake.objects.count())
    assert after == before
    draft.refresh_from_db()
    assert draft.state == State.DRAFT

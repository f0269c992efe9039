"""Whether a measure takes applications is data: decided once from its text, then staff's."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications import services, workflow
from applications.models import Intake, WorkflowStage
from policies.models import Measure


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
    application = services.submit(application, personas.enterprise_a)
    # it gets a route when it is first needed: the default one, ending with city finance
    stages = list(measure.workflow_stages.order_by("position"))
    assert stages and stages[-1].act == "disburse"
    assert application.steps.count() == len(stages)


def test_a_newly_imported_measure_is_decided_by_the_next_load(catalogue):
    measure = measure_at("001_", "16")
    measure.intake.delete()
    measure.workflow_stages.all().delete()
    assert not workflow.takes_applications(measure)
    call_command("load_districts", verbosity=0)
    assert workflow.takes_applications(measure)
    assert measure.workflow_stages.exists()

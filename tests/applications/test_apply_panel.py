"""The measure page tells an enterprise how its application would travel, and where to start."""

from django.urls import reverse

from policies.models import Measure


def measure_page(client, source_prefix, path_key):
    measure = Measure.objects.get(document__source__startswith=source_prefix, path_key=path_key)
    return measure, client.get(measure.get_absolute_url()).content.decode()


def test_it_shows_the_route_and_the_start_link(client, catalogue, settings):
    settings.PORTAL_TODAY = "2023-10-16"
    measure, html = measure_page(client, "002_", "1.2")
    assert "办理流程与在线申报" in html
    # county commerce and finance review jointly, then the city bureaus, then finance pays
    assert "企业所在县（市）区商务局、财政局" in html
    assert "市商务局、市财政局" in html
    assert "会签" in html
    assert reverse("applications:start", args=[measure.pk]) in html


def test_it_refuses_to_start_after_the_deadline(client, catalogue, settings):
    settings.PORTAL_TODAY = "2024-06-01"
    measure, html = measure_page(client, "002_", "1.2")
    assert "不再受理申报" in html
    assert reverse("applications:start", args=[measure.pk]) not in html


def test_it_says_when_no_application_is_needed(client, catalogue):
    measure, html = measure_page(client, "002_", "13.5")
    assert "免申即享：由责任单位直接兑现" in html
    assert reverse("applications:start", args=[measure.pk]) not in html


def test_it_says_when_a_measure_takes_no_application(client, catalogue):
    measure, html = measure_page(client, "003_", "1")  # 强化规划引领保障作用: a service
    assert "不受理在线申报" in html
    assert reverse("applications:start", args=[measure.pk]) not in html


def test_a_change_outside_the_admin_refreshes_the_cached_page(client, catalogue, settings):
    """The page's parts are cached per catalogue version: an intake closed by a service and
    a route re-derived by ``load_districts --rederive`` show at once, not after expiry."""
    from django.core.management import call_command

    from applications.models import Intake, WorkflowStage

    settings.PORTAL_TODAY = "2023-10-16"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    measure, html = measure_page(client, "002_", "1.2")
    start = reverse("applications:start", args=[measure.pk])
    assert start in html
    # The part is cached: a write that bypasses the models (a bare UPDATE) is not seen...
    Intake.objects.filter(measure=measure).update(accepts=False)
    assert start in measure_page(client, "002_", "1.2")[1]
    # ...a save through the model (as services and load commands do) is, at once.
    intake = Intake.objects.get(measure=measure)
    intake.save()
    assert start not in measure_page(client, "002_", "1.2")[1]

    intake.accepts = True
    intake.save()
    stage = WorkflowStage.objects.filter(measure=measure).order_by("position").first()
    stage.district_departments = "商务局"  # staff narrowed the joint stage
    stage.save()
    html = measure_page(client, "002_", "1.2")[1]
    assert "企业所在县（市）区商务局、财政局" not in html
    call_command("load_districts", rederive=True, verbosity=0)
    assert "企业所在县（市）区商务局、财政局" in measure_page(client, "002_", "1.2")[1]

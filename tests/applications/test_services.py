"""Transitions as service functions: state checks, the actor's right, events, emails."""

import datetime
from decimal import Decimal

import pytest

from applications import services
from applications.models import Application, ApplicationEvent, ImmutableError, Signoff
from applications.states import State

from .conftest import measure_at, submitted

pytestmark = pytest.mark.django_db


def snapshot(application):
    application = Application.objects.get(pk=application.pk)
    return (
        application.state,
        application.position,
        application.version,
        ApplicationEvent.objects.filter(application=application).count(),
        Signoff.objects.filter(step__application=application).count(),
    )


def walk_to_finance(application, p):
    services.approve_step(application, p.district_staff_a, comment="材料齐全")
    services.approve_step(application, p.city_commerce)
    return services.approve_step(application, p.city_statistics)


def test_submit_resolves_the_route_to_the_applicants_district(application_a, personas):
    steps = list(application_a.steps.prefetch_related("departments"))
    assert [(s.position, s.level, s.act) for s in steps] == [
        (1, "district", "preliminary"),
        (2, "city", "review"),
        (3, "city", "disburse"),
    ]
    assert [str(d) for d in steps[0].departments.all()] == ["鞍山市铁东区商务局"]
    assert application_a.state == State.IN_REVIEW and application_a.position == 1
    event = application_a.events.get()
    assert (event.action, event.from_state, event.to_state, event.actor) == (
        "submit",
        State.DRAFT,
        State.IN_REVIEW,
        personas.enterprise_a,
    )


def test_the_whole_route_ends_in_disbursed(
    application_a, personas, mailoutbox, django_capture_on_commit_callbacks
):
    p = personas
    with django_capture_on_commit_callbacks(execute=True):
        application = services.approve_step(application_a, p.district_staff_a, comment="材料齐全")
        assert (application.state, application.position) == (State.IN_REVIEW, 2)
        # Joint stage: the first sign-off keeps it at the stage, the second moves it on.
        application = services.approve_step(application, p.city_commerce)
        assert application.position == 2
        application = services.approve_step(application, p.city_statistics)
        assert application.position == 3
        with pytest.raises(services.NotAllowed, match="登记拨付"):
            services.approve_step(application, p.city_finance)
        application = services.record_disbursement(
            application, p.city_finance, Decimal("100000"), datetime.date(2023, 10, 16), "CZ-1"
        )
    assert application.state == State.DISBURSED
    assert (application.disbursed_amount_yuan, application.voucher_number) == (
        Decimal("100000"),
        "CZ-1",
    )
    actions = list(application.events.values_list("action", "to_state", "to_position"))
    assert actions == [
        ("submit", "in_review", 1),
        ("pass", "in_review", 2),
        ("sign_off", "in_review", 2),
        ("pass", "in_review", 3),
        ("disburse", "disbursed", 3),
    ]
    departments = [str(e.department) for e in application.events.all()[1:]]
    assert departments == [
        "鞍山市铁东区商务局",
        "鞍山市·市商务局",
        "鞍山市·市统计局",
        "鞍山市·市财政局",
    ]
    # An email on every change of state (the partial sign-off changes nothing visible).
    assert len(mailoutbox) == 3
    assert "审核中" in mailoutbox[0].subject and "铁东区商务局" in mailoutbox[0].body
    assert "已拨付" in mailoutbox[-1].subject
    assert "firm_a@example.com" in mailoutbox[-1].to


def test_a_department_off_the_current_step_cannot_act(application_a, personas):
    before = snapshot(application_a)
    for user in [personas.district_staff_b, personas.city_commerce, personas.city_finance]:
        for act in (
            lambda u: services.approve_step(application_a, u),
            lambda u: services.return_for_supplement(application_a, u, "补充"),
            lambda u: services.reject(application_a, u, "不符合"),
        ):
            with pytest.raises(services.NotYourStage):
                act(user)
    with pytest.raises(services.NotYourStage):
        services.approve_step(application_a, personas.enterprise_a)
    assert snapshot(application_a) == before


def test_the_same_department_cannot_sign_a_joint_stage_twice(application_a, personas):
    services.approve_step(application_a, personas.district_staff_a)
    services.approve_step(application_a, personas.city_commerce)
    with pytest.raises(services.NotAllowed, match="等待其他部门会签"):
        services.approve_step(application_a, personas.city_commerce)


def test_return_and_resubmit_needs_every_signature_again(application_a, personas):
    p = personas
    services.approve_step(application_a, p.district_staff_a)
    services.approve_step(application_a, p.city_commerce)
    with pytest.raises(services.NotAllowed, match="理由"):
        services.return_for_supplement(application_a, p.city_statistics, "  ")
    application = services.return_for_supplement(application_a, p.city_statistics, "请补充财务报表")
    assert (application.state, application.position) == (State.RETURNED, 2)
    with pytest.raises(services.NotAllowed):
        services.approve_step(application, p.city_commerce)
    with pytest.raises(services.NotYourStage):
        services.resubmit(application, p.enterprise_b)
    application = services.resubmit(application, p.enterprise_a2, comment="已补充")
    assert (application.state, application.position) == (State.IN_REVIEW, 2)
    application = services.approve_step(application, p.city_statistics)
    assert application.position == 2  # 市商务局 must sign again in the new round
    application = services.approve_step(application, p.city_commerce)
    assert application.position == 3


def test_reject_needs_a_reason_and_is_final(application_a, personas):
    with pytest.raises(services.NotAllowed):
        services.reject(application_a, personas.district_staff_a, "")
    application = services.reject(application_a, personas.district_staff_a, "不属于限上企业")
    assert application.state == State.REJECTED
    for call in (
        lambda: services.approve_step(application, personas.district_staff_a),
        lambda: services.withdraw(application, personas.enterprise_a),
        lambda: services.resubmit(application, personas.enterprise_a),
    ):
        with pytest.raises(services.NotAllowed):
            call()


def test_withdraw_before_a_decision(application_a, personas):
    with pytest.raises(services.NotYourStage):
        services.withdraw(application_a, personas.enterprise_b)
    application = services.withdraw(application_a, personas.enterprise_a, comment="重新准备")
    assert application.state == State.WITHDRAWN
    assert application.events.last().comment == "重新准备"
    with pytest.raises(services.NotAllowed):
        services.approve_step(application, personas.district_staff_a)


def test_submit_is_refused_after_the_deadline(personas, measure, settings):
    draft = services.create_draft(personas.enterprise_a, measure)
    settings.PORTAL_TODAY = "2024-01-01"
    with pytest.raises(services.DeadlinePassed, match="2023年12月31日"):
        services.submit(draft, personas.enterprise_a)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and not draft.steps.exists() and not draft.events.exists()


def test_a_continuing_measure_can_be_submitted_any_day(personas, settings):
    measure = measure_at("13.1")  # 持续推进
    settings.PORTAL_TODAY = "2030-01-01"
    application = submitted(personas.enterprise_a, measure)
    assert application.state == State.IN_REVIEW
    assert [s.level for s in application.steps.all()] == ["district", "city", "province"]


def test_a_route_ending_at_the_province_ends_approved(personas, settings):
    measure = measure_at("11.1")  # 产业发展科 受理 → 党组会 审议 → 省文旅厅
    from applications.workflow import city_department, province_department

    from .conftest import make_staff

    city_staff = make_staff("wenlv", city_department(measure.document.city, "文旅局"))
    province_staff = make_staff("sheng_wenlv", province_department("辽宁省", "文旅局"))
    application = submitted(personas.enterprise_a, measure)
    steps = [(s.act, s.unit) for s in application.steps.order_by("position")]
    assert steps == [("receive", "产业发展科"), ("deliberate", "党组会"), ("review", "")]
    application = services.approve_step(application, city_staff, comment="材料齐全，已受理")
    application = services.approve_step(application, city_staff, comment="党组会审议通过")
    assert application.position == 3
    with pytest.raises(services.NotYourStage):
        services.approve_step(application, city_staff)
    application = services.approve_step(application, province_staff, comment="同意奖励")
    assert application.state == State.APPROVED


def test_free_measures_refuse_applications(personas):
    with pytest.raises(services.NotAllowed, match="无需申报"):
        services.create_draft(personas.enterprise_a, measure_at("13.5"))


def test_only_enterprise_users_start_applications(personas, measure):
    with pytest.raises(services.NotYourStage):
        services.create_draft(personas.outsider, measure)
    with pytest.raises(services.NotYourStage):
        services.create_draft(personas.city_commerce, measure)


def test_events_are_immutable(application_a):
    event = application_a.events.get()
    event.comment = "篡改"
    with pytest.raises(ImmutableError):
        event.save()
    with pytest.raises(ImmutableError):
        event.delete()
    assert application_a.events.get().comment == ""


def test_a_stale_read_loses_with_a_clear_message(application_a, personas):
    stale = Application.objects.get(pk=application_a.pk)
    services.approve_step(application_a, personas.district_staff_a)
    # The service re-reads, so a stale object alone is harmless; the guard is the UPDATE:
    with pytest.raises(services.StaleState, match="已被他人处理"):
        services._move(stale, state=State.REJECTED)
    assert Application.objects.get(pk=application_a.pk).state == State.IN_REVIEW

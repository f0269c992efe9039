"""Two requests on one application at the same moment, through the real views, 8 threads.

What issue 10 measured before the guarded services: an edit racing a submit sent 4 of 50
applications on PostgreSQL (17 of 30 on SQLite) back to draft while their submit event and
route remained, and uploads racing a submit landed after ``submitted_at``. Here every
pair — edit × submit, upload × submit, edit × resubmit, withdraw × pass — is fired from two
threads released by one barrier, four applications at a time, and the database is checked
afterwards: no submission lost, no file after submission, and every application's events
form one unbroken chain (each starts where the previous one ended), whichever request won.
Two departments signing off a joint stage at once both succeed: no "状态已变化".

Each thread has its own test client (and so its own database connection); the tests run on
whichever database the suite runs on (SQLite or PostgreSQL).
"""

import threading
from collections import Counter

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import Application, ApplicationEvent, Attachment, Signoff
from applications.states import SIGN_OFF, State

from .conftest import submitted
from .helpers import pdf

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
PAIRS = THREADS // 2  # applications raced at once
ROUNDS = 3  # so 12 applications per kind of race


def _client(user):
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def race(pairs):
    """Run each pair's two callables in two threads, all released by one barrier; returns
    the results (or the exceptions) in order."""
    barrier = threading.Barrier(len(pairs) * 2)
    results = [[None, None] for _ in pairs]

    def run(index, side, call):
        try:
            barrier.wait()
            results[index][side] = call()
        except Exception as error:  # noqa: BLE001 — reported by the test below
            results[index][side] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, side, call))
        for index, pair in enumerate(pairs)
        for side, call in enumerate(pair)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for first, second in results:
        for outcome in (first, second):
            assert not isinstance(outcome, Exception), repr(outcome)
    return results


def assert_chained(application):
    """The events of an application form one chain from draft to its present state."""
    events = list(ApplicationEvent.objects.filter(application=application).order_by("at", "pk"))
    where = (State.DRAFT, 0)
    for event in events:
        assert (event.from_state, event.from_position) == where, (application.pk, event.action)
        where = (event.to_state, event.to_position)
    application.refresh_from_db()
    assert (application.state, application.position) == where
    moves = [e for e in events if (e.from_state, e.from_position) != (e.to_state, e.to_position)]
    assert application.round >= len([e for e in moves if e.action in ("submit", "resubmit")])


def assert_no_lost_submission():
    lost = Application.objects.filter(state=State.DRAFT, events__action="submit")
    assert not lost.exists(), list(lost.values_list("pk", flat=True))
    lost = Application.objects.filter(state=State.DRAFT).exclude(submitted_at=None)
    assert not lost.exists()


def edit_page_version(client, application):
    page = client.get(reverse("applications:edit", args=[application.pk]))
    return page.context["form"]["version"].value()


def edit_post(client, application, version, description):
    def call():
        return client.post(
            reverse("applications:edit", args=[application.pk]),
            {
                "requested_amount_yuan": "120000",
                "description": description,
                "figures_text": "",
                "version": version,
            },
        )

    return call


def post(client, name, application, data=None):
    return lambda: client.post(reverse(name, args=[application.pk]), data or {})


def act(client, application, action, data, follow=False):
    url = reverse("admin:applications_application_act", args=[application.pk, action])
    return lambda: client.post(url, data, follow=follow)


@pytest.fixture
def clients(transactional_catalogue, personas):
    # one client per thread: the enterprise's two users in several tabs, and staff
    return {
        "editors": [_client(personas.enterprise_a2) for _ in range(PAIRS)],
        "submitters": [_client(personas.enterprise_a) for _ in range(PAIRS)],
        "staff": [_client(personas.district_staff_a) for _ in range(PAIRS)],
    }


def test_edit_racing_submit_never_loses_the_submission(clients, personas, measure):
    outcomes = Counter()
    for round_ in range(ROUNDS):
        drafts = [
            services.create_draft(personas.enterprise_a, measure, requested_amount_yuan=100000)
            for _ in range(PAIRS)
        ]
        versions = [edit_page_version(clients["editors"][i], d) for i, d in enumerate(drafts)]
        typed = [f"第{round_}轮修改{i}" for i in range(PAIRS)]
        results = race(
            [
                (
                    edit_post(clients["editors"][i], d, versions[i], typed[i]),
                    post(clients["submitters"][i], "applications:submit", d),
                )
                for i, d in enumerate(drafts)
            ]
        )
        for i, (draft, (edit, _submit)) in enumerate(zip(drafts, results, strict=True)):
            draft.refresh_from_db()
            assert draft.state == State.IN_REVIEW and draft.submitted_at is not None
            assert draft.steps.count() == 3
            assert_chained(draft)
            if edit.status_code == 302:  # the edit came first and was kept
                outcomes["edit first"] += 1
                assert draft.description == typed[i]
            else:  # refused: a clear message, and what was typed is still in the form
                outcomes["edit refused"] += 1
                html = edit.content.decode()
                assert "本次修改未保存" in html or "不能" in html
                assert typed[i] in html
                assert draft.description != typed[i]
    assert_no_lost_submission()
    assert sum(outcomes.values()) == PAIRS * ROUNDS


def test_upload_racing_submit_never_lands_after_the_submission(
    clients, personas, measure, settings
):
    for _round in range(ROUNDS):
        drafts = [services.create_draft(personas.enterprise_a, measure) for _ in range(PAIRS)]
        race(
            [
                (
                    post(
                        clients["editors"][i],
                        "applications:upload",
                        d,
                        {"material": "营业执照", "file": pdf(f"执照{i}.pdf")},
                    ),
                    post(clients["submitters"][i], "applications:submit", d),
                )
                for i, d in enumerate(drafts)
            ]
        )
        for draft in drafts:
            draft.refresh_from_db()
            assert draft.state == State.IN_REVIEW
            assert_chained(draft)
            late = Attachment.objects.filter(application=draft, uploaded_at__gt=draft.submitted_at)
            assert not late.exists()
    assert_no_lost_submission()
    # no file in storage that no row refers to (a refused upload stores nothing)
    stored = {p.name for p in (settings.MEDIA_ROOT / "applications").rglob("*") if p.is_file()}
    kept = {a.file.name.rsplit("/", 1)[-1] for a in Attachment.objects.all()}
    assert stored == kept


def test_edit_racing_resubmit_keeps_the_resubmission(clients, personas, measure):
    for round_ in range(ROUNDS):
        returned = []
        for _ in range(PAIRS):
            application = submitted(personas.enterprise_a, measure)
            returned.append(
                services.return_for_supplement(application, personas.district_staff_a, "补充")
            )
        versions = [edit_page_version(clients["editors"][i], a) for i, a in enumerate(returned)]
        results = race(
            [
                (
                    edit_post(clients["editors"][i], a, versions[i], f"补正{round_}-{i}"),
                    post(clients["submitters"][i], "applications:resubmit", a),
                )
                for i, a in enumerate(returned)
            ]
        )
        for application, (_edit, _resubmit) in zip(returned, results, strict=True):
            application.refresh_from_db()
            assert (application.state, application.position) == (State.IN_REVIEW, 1)
            assert_chained(application)
    assert not Application.objects.filter(state=State.RETURNED).exists()


def test_withdraw_racing_pass_ends_withdrawn_in_one_chain(clients, personas, measure):
    outcomes = Counter()
    for _round in range(ROUNDS):
        sent = [submitted(personas.enterprise_a, measure) for _ in range(PAIRS)]
        race(
            [
                (
                    post(clients["submitters"][i], "applications:withdraw", a, {"confirm": "yes"}),
                    act(clients["staff"][i], a, "pass", {"comment": "同意"}),
                )
                for i, a in enumerate(sent)
            ]
        )
        for application in sent:
            application.refresh_from_db()
            assert application.state == State.WITHDRAWN
            assert_chained(application)
            passed = application.events.filter(action="pass").exists()
            outcomes["passed, then withdrawn" if passed else "withdrawn, pass refused"] += 1
    assert sum(outcomes.values()) == PAIRS * ROUNDS


def test_a_joint_stage_signed_by_both_departments_at_once(
    transactional_catalogue, personas, measure
):
    """Step 2 is 市商务局 + 市统计局: both sign at the same moment, neither is told the
    application changed under them, and it moves on exactly once."""
    commerce = [_client(personas.city_commerce) for _ in range(PAIRS)]
    statistics = [_client(personas.city_statistics) for _ in range(PAIRS)]
    stale = 0
    for _round in range(ROUNDS):
        at_joint = []
        for _ in range(PAIRS):
            application = submitted(personas.enterprise_a, measure)
            at_joint.append(services.approve_step(application, personas.district_staff_a))

        results = race(
            [
                (
                    act(commerce[i], a, "pass", {"comment": "会签同意"}, follow=True),
                    act(statistics[i], a, "pass", {"comment": "会签同意"}, follow=True),
                )
                for i, a in enumerate(at_joint)
            ]
        )
        for application, pages in zip(at_joint, results, strict=True):
            stale += sum("状态已变化" in page.content.decode() for page in pages)
            application.refresh_from_db()
            assert (application.state, application.position) == (State.IN_REVIEW, 3)
            assert_chained(application)
            step = application.steps.get(position=2)
            assert Signoff.objects.filter(step=step).count() == 2
            actions = sorted(
                application.events.filter(from_position=2).values_list("action", flat=True)
            )
            assert actions == sorted(["pass", SIGN_OFF])
    assert stale == 0

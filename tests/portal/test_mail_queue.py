"""Mail through the task queue (issue 11): queued on commit, sent by the worker, retried.

pytest-django swaps EMAIL_BACKEND for the locmem backend in every test; these tests put the
portal's queue back (``portal.mail.QueuedEmailBackend``) with locmem as the real transport,
and the database backend of django-tasks instead of the immediate one the tests otherwise
use. The worker is ``manage.py db_worker --batch``: it runs what is due, then returns.
"""

import datetime
import json
import logging
import signal
import smtplib
from email.mime.text import MIMEText
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks_db.models import DBTaskResult

from applications.models import Application, Reminder
from portal import tasks
from tests.applications import conftest as applications_conftest
from tests.applications.conftest import TODAY_IN_TERM, make_user, submitted

pytestmark = pytest.mark.django_db

QUEUED = "portal.mail.QueuedEmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
BODY = "正文里有一个秘密链接 https://example.com/reset/abc/"


# the applications' personas and measure (鞍山 2023 item 3（1）), as fixtures here too
personas = applications_conftest.personas
measure = applications_conftest.measure


class BrokenBackend(BaseEmailBackend):
    """A transport whose server is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("邮件服务器拒绝连接")


@pytest.fixture
def queue(settings):
    """The production arrangement: mail queued in the database, sent by the worker."""
    settings.PORTAL_TODAY = TODAY_IN_TERM
    settings.EMAIL_BACKEND = QUEUED
    settings.PORTAL_EMAIL_BACKEND = LOCMEM
    settings.TASKS = DATABASE  # django-tasks rebuilds its backends on setting_changed
    assert default_task_backend.supports_defer
    return settings


@pytest.fixture
def immediate(settings):
    """``make run``: DEBUG on, tasks run at once."""
    settings.EMAIL_BACKEND = QUEUED
    settings.PORTAL_EMAIL_BACKEND = LOCMEM
    settings.TASKS = IMMEDIATE
    assert not default_task_backend.supports_defer
    return settings


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    """The worker checks its connection between tasks (``close_old_connections``): inside a
    test's transaction that would close the connection the test runs in."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker():
    """``manage.py db_worker --batch``: everything due, then it returns."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    out = StringIO()
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", stdout=out)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    return out.getvalue()


def time_passes():
    """Every task waiting for its time is due now."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )


def queue_one(captured, subject="测试邮件", body=BODY, to=("someone@example.com",)):
    with captured(execute=True):
        assert send_mail(subject, body, None, list(to)) == 1


# --- queued, then sent by the worker ----------------------------------------------------------


def test_a_transition_mail_is_queued_and_sent_by_the_worker(
    queue, personas, measure, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted(personas.enterprise_a, measure)
    assert mail.outbox == []  # nothing sent in the request
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY
    assert task.task_path == "portal.tasks.send_email"
    message = task.args_kwargs["kwargs"]["message"]
    assert "firm_a@example.com" in message["to"]
    assert application.number in message["subject"]
    assert task.args_kwargs["kwargs"]["attempt"] == 1

    run_worker()

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert application.number in sent.subject and "firm_a@example.com" in sent.to
    assert reverse("applications:detail", args=[application.pk]) in sent.body
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == {"sent": True, "attempt": 1}
    run_worker()  # nothing left: nothing sent twice
    assert len(mail.outbox) == 1


def test_the_whole_message_survives_the_queue(queue, django_capture_on_commit_callbacks):
    message = EmailMultiAlternatives(
        "主题：附件与 HTML",
        "纯文本正文",
        "部门 <dept@example.gov.cn>",
        ["a@example.com"],
        cc=["b@example.com"],
        bcc=["c@example.com"],
        reply_to=["reply@example.gov.cn"],
        headers={"X-Portal": "申报"},
    )
    message.attach_alternative("<p>HTML 正文</p>", "text/html")
    message.attach("说明.txt", "文本附件", "text/plain")
    message.attach("scan.pdf", b"%PDF-1.4\x00\xff binary", "application/pdf")
    message.attach(MIMEText("一个现成的 MIME 部分", "plain", "utf-8"))
    data = tasks.serialize_message(message)
    assert json.loads(json.dumps(data)) == data  # JSON-safe

    with django_capture_on_commit_callbacks(execute=True):
        assert message.send() == 1
    run_worker()

    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.from_email) == (
        "主题：附件与 HTML",
        "纯文本正文",
        "部门 <dept@example.gov.cn>",
    )
    assert (sent.to, sent.cc, sent.bcc, sent.reply_to) == (
        ["a@example.com"],
        ["b@example.com"],
        ["c@example.com"],
        ["reply@example.gov.cn"],
    )
    assert sent.extra_headers == {"X-Portal": "申报"}
    assert list(sent.alternatives) == [("<p>HTML 正文</p>", "text/html")]
    assert sent.attachments[0] == ("说明.txt", "文本附件", "text/plain")
    assert sent.attachments[1] == ("scan.pdf", b"%PDF-1.4\x00\xff binary", "application/pdf")
    assert sent.attachments[2].get_payload(decode=True).decode() == "一个现成的 MIME 部分"
    raw = sent.message().as_bytes()
    assert b"X-Portal" in raw and b"scan.pdf" in raw


def test_password_reset_mail_goes_through_the_queue(
    queue, client, django_capture_on_commit_callbacks
):
    make_user("forgetful")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "forgetful@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"]["message"]["to"] == ["forgetful@example.com"]
    run_worker()
    [sent] = mail.outbox
    assert "重设密码" in sent.subject and "/accounts/reset/" in sent.body


def test_due_reminders_are_recorded_once_queued(
    queue, personas, measure, django_capture_on_commit_callbacks
):
    application = submitted(personas.enterprise_a, measure)  # at 铁东区商务局
    Application.objects.filter(pk=application.pk).update(due_on=datetime.date(2023, 10, 17))
    queue.PORTAL_TODAY = "2023-10-16"
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_reminders", stdout=out)
    assert "提醒邮件 1 封已排入发送队列" in out.getvalue()
    assert Reminder.objects.filter(user=personas.district_staff_a).count() == 1
    assert mail.outbox == []  # queued, not yet sent
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["kwargs"]["message"]["to"] == ["tiedong@example.com"]
    # a second run the same day queues nothing more
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_reminders", stdout=StringIO())
    assert DBTaskResult.objects.count() == 1
    run_worker()
    assert [m.to for m in mail.outbox] == [["tiedong@example.com"]]


# --- a transaction that rolls back sends nothing ----------------------------------------------


@pytest.mark.parametrize("backend", [DATABASE, IMMEDIATE], ids=["database", "immediate"])
def test_a_rolled_back_transaction_sends_nothing(
    queue, backend, django_capture_on_commit_callbacks
):
    queue.TASKS = backend
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                send_mail("不该发出", BODY, None, ["someone@example.com"])
                raise RuntimeError("the request failed")
    assert callbacks == []
    assert DBTaskResult.objects.count() == 0
    if backend is DATABASE:
        run_worker()
    assert mail.outbox == []


def test_a_committed_transaction_queues_on_commit_only(queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            send_mail("提交后排队", BODY, None, ["someone@example.com"])
            assert DBTaskResult.objects.count() == 0  # not while the transaction is open
    assert DBTaskResult.objects.count() == 1


# --- retries with backoff, then FAILED and visible ----------------------------------------------


def test_a_failing_transport_is_retried_with_backoff_then_fails_visibly(
    queue, caplog, admin_client, django_capture_on_commit_callbacks
):
    queue.PORTAL_EMAIL_BACKEND = "tests.portal.test_mail_queue.BrokenBackend"
    queue_one(django_capture_on_commit_callbacks, subject="办理结果通知", to=["firm@example.com"])
    caplog.set_level(logging.INFO, logger="portal.mail")

    run_worker()  # attempt 1 fails: the next one waits a minute
    first = DBTaskResult.objects.get(args_kwargs__kwargs__attempt=1)
    waiting = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert first.status == TaskResultStatus.SUCCESSFUL  # its work: scheduling the retry
    assert first.return_value["retry_id"] == str(waiting.pk)
    run_worker()  # not due yet: nothing runs
    assert DBTaskResult.objects.get(pk=waiting.pk).status == TaskResultStatus.READY

    scheduled = []  # when each retry was to run, before time passed
    for _ in range(tasks.MAX_ATTEMPTS - 1):
        waiting = DBTaskResult.objects.get(status=TaskResultStatus.READY)
        assert waiting.run_after > timezone.now()
        scheduled.append(waiting.run_after)
        time_passes()
        run_worker()

    runs = sorted(DBTaskResult.objects.all(), key=lambda t: t.args_kwargs["kwargs"]["attempt"])
    assert [t.args_kwargs["kwargs"]["attempt"] for t in runs] == [1, 2, 3, 4, 5, 6]
    # each retry was scheduled its delay after the attempt before it started
    delays = [
        (datetime.datetime.fromisoformat(before.return_value["retry_at"]) - before.started_at)
        for before in runs[:-1]
    ]
    assert [round(d.total_seconds()) for d in delays] == [60, 300, 1800, 7200, 43200]
    assert scheduled == [
        datetime.datetime.fromisoformat(before.return_value["retry_at"]) for before in runs[:-1]
    ]
    assert [t.status for t in runs] == [TaskResultStatus.SUCCESSFUL] * 5 + [TaskResultStatus.FAILED]
    last = runs[-1]
    assert last.exception_class_path == "smtplib.SMTPServerDisconnected"
    assert "邮件服务器拒绝连接" in last.traceback
    assert mail.outbox == []

    records = [r for r in caplog.records if r.name == "portal.mail"]
    assert [r.levelname for r in records] == ["WARNING"] * 5 + ["ERROR"]
    for record in records:
        text = record.getMessage()
        assert "firm@example.com" in text and "办理结果通知" in text
        assert "秘密链接" not in text  # never the body
    assert "第 6 次尝试" in records[-1].getMessage() and "不再重试" in records[-1].getMessage()

    # the administrator sees it: 后台任务 › 任务记录 › 邮件: 发送失败的邮件
    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    page = admin_client.get(changelist, {"mail": "failed"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "发送失败的邮件" in html and "发送失败，已放弃" in html
    assert "firm@example.com" in html and "办理结果通知" in html
    assert "SMTPServerDisconnected: 邮件服务器拒绝连接" in html
    assert list(page.context["cl"].result_list) == [last]
    assert "秘密链接" not in html
    retrying = admin_client.get(changelist, {"mail": "retrying"})
    assert len(retrying.context["cl"].result_list) == 5
    assert "本次失败，已安排重试" in retrying.content.decode()
    detail = admin_client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[last.pk])
    ).content.decode()
    assert "邮件服务器拒绝连接" in detail and "firm@example.com" in detail
    assert "秘密链接" not in detail  # the body (a reset link, say) is not shown
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "后台任务" in index and "任务记录" in index


def test_a_retry_that_succeeds_sends_once(queue, django_capture_on_commit_callbacks):
    queue.PORTAL_EMAIL_BACKEND = "tests.portal.test_mail_queue.BrokenBackend"
    queue_one(django_capture_on_commit_callbacks)
    run_worker()
    assert mail.outbox == []
    queue.PORTAL_EMAIL_BACKEND = LOCMEM  # the server is back
    time_passes()
    run_worker()
    assert len(mail.outbox) == 1
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()


# --- make run: tasks run at once ----------------------------------------------------------------


def test_the_immediate_backend_sends_at_once(immediate, django_capture_on_commit_callbacks):
    queue_one(django_capture_on_commit_callbacks)
    assert [m.subject for m in mail.outbox] == ["测试邮件"]
    assert DBTaskResult.objects.count() == 0


def test_the_immediate_backend_fails_once_logs_and_does_not_break_the_request(
    immediate, caplog, django_capture_on_commit_callbacks
):
    immediate.PORTAL_EMAIL_BACKEND = "tests.portal.test_mail_queue.BrokenBackend"
    caplog.set_level(logging.INFO, logger="portal.mail")
    queue_one(django_capture_on_commit_callbacks)  # no exception reaches the caller
    assert mail.outbox == []
    records = [r for r in caplog.records if r.name == "portal.mail"]
    assert [r.levelname for r in records] == ["ERROR"]  # one attempt, no retry
    assert "someone@example.com" in records[0].getMessage()
    assert "秘密链接" not in records[0].getMessage()
    assert DBTaskResult.objects.count() == 0


def test_settings_under_make_run_execute_tasks_immediately(settings):
    """``make run`` sets DJANGO_DEBUG=1: no worker is needed (portal/settings.py)."""
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup();"
        'from django.conf import settings; from django_tasks import task_backends; b = task_backends["default"];'
        "print(settings.EMAIL_BACKEND, type(b).__name__, settings.PORTAL_EMAIL_BACKEND)"
    )
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DJANGO_", "PYTEST"))
    }
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", DJANGO_DEBUG="1")
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    ).stdout.split()
    assert out == [
        "portal.mail.QueuedEmailBackend",
        "ImmediateBackend",
        "django.core.mail.backends.console.EmailBackend",
    ]
    env["DJANGO_DEBUG"] = "0"  # production: the database queue and a worker
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    ).stdout.split()
    assert out[1] == "DatabaseBackend"

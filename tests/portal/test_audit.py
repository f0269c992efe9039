"""The audit trail: logins, failures, lockouts, logouts, admin changes and downloads, each
with who, when, what and from where; read-only for superusers; kept at least 180 days."""

import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Attachment
from policies.models import Department
from portal.audit import record, record_download
from portal.models import AuditEvent, ImmutableError
from tests.applications.conftest import (  # noqa: F401  (fixtures)
    PASSWORD,
    _portal_setup,
    make_user,
)
from tests.applications.helpers import admin_form_data

pytestmark = pytest.mark.django_db

Kind = AuditEvent.Kind
WRONG = "wrong-horse-battery"


def events(kind=None):
    found = AuditEvent.objects.order_by("pk")
    return list(found.filter(kind=kind) if kind else found)


def no_password_anywhere(*secrets):
    for event in AuditEvent.objects.all():
        text = " ".join(
            str(v)
            for v in (event.username, event.summary, event.path, event.extra, event.user_agent)
        )
        for secret in secrets:
            assert secret not in text


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        "audit_admin", email="audit_admin@example.com", password=PASSWORD
    )


@pytest.fixture
def reviewer(db):
    """Staff, not a superuser, even given the audit trail's view permission."""
    user = make_user("audit_staff", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    return user


# -- logins -----------------------------------------------------------------------------------


def test_a_login_on_the_site_is_recorded_with_who_and_where(client):
    user = make_user("audit_firm")
    response = client.post(
        reverse("login"),
        {"username": "audit_firm", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
        HTTP_USER_AGENT="Mozilla/5.0 审计测试" + "x" * 400,
    )
    assert response.status_code == 302
    (event,) = events()
    assert event.kind == Kind.LOGIN and event.get_kind_display() == "登录成功"
    assert (event.user, event.username, event.ip) == (user, "audit_firm", "198.51.100.20")
    assert (event.method, event.path) == ("POST", reverse("login"))
    assert event.user_agent.startswith("Mozilla/5.0 审计测试") and len(event.user_agent) == 255
    assert "门户" in event.summary
    assert abs(timezone.now() - event.at) < datetime.timedelta(minutes=1)
    no_password_anywhere(PASSWORD)


def test_a_login_on_the_admin_is_recorded(client, superuser):
    response = client.post(
        reverse("admin:login"),
        {"username": "audit_admin", "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    (event,) = events()
    assert (event.kind, event.user, event.ip) == (Kind.LOGIN, superuser, "127.0.0.1")
    assert "管理后台" in event.summary


def test_a_wrong_password_is_recorded_with_the_username_only(client):
    make_user("audit_firm")
    response = client.post(reverse("login"), {"username": "audit_firm", "password": WRONG})
    assert response.status_code == 200
    (event,) = events()
    assert event.kind == Kind.LOGIN_FAILED and event.get_kind_display() == "登录失败"
    assert (event.user, event.username, event.ip) == (None, "audit_firm", "127.0.0.1")
    assert "audit_firm" in event.summary
    assert event.extra == {"locked_out": False, "failures": 1}
    no_password_anywhere(WRONG, PASSWORD)


def test_an_unknown_username_is_recorded_as_typed(client):
    client.post(reverse("admin:login"), {"username": "no-such-admin", "password": WRONG})
    (event,) = events()
    assert (event.kind, event.username, event.user) == (Kind.LOGIN_FAILED, "no-such-admin", None)
    assert "管理后台" in event.summary


def test_the_address_is_the_one_axes_counts(client, settings):
    """Behind our proxy (PORTAL_PROXY_COUNT=1): the audit and the lockouts agree."""
    settings.PROXY_COUNT = 1
    client.post(
        reverse("login"),
        {"username": "someone", "password": WRONG},
        REMOTE_ADDR="10.0.0.1",  # nginx
        HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9",  # a forged entry, then nginx's
    )
    (event,) = events()
    assert event.ip == AccessAttempt.objects.get().ip_address == "203.0.113.9"


def test_repeated_failures_record_one_lockout(client, settings):
    make_user("audit_firm")
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [
        client.post(reverse("login"), {"username": "audit_firm", "password": WRONG}).status_code
        for _ in range(limit)
    ]
    assert statuses == [200] * (limit - 1) + [429]
    assert len(events(Kind.LOGIN_FAILED)) == limit
    (lockout,) = events(Kind.LOCKOUT)
    assert lockout.get_kind_display() == "账户锁定"
    assert (lockout.username, lockout.ip, lockout.user) == ("audit_firm", "127.0.0.1", None)
    assert f"连续登录失败 {limit} 次" in lockout.summary and "锁定" in lockout.summary
    assert lockout.extra["failures"] == limit
    assert lockout.extra["cool_off_minutes"] == settings.AXES_COOLOFF_TIME.seconds // 60

    # during the lockout, even the right password is refused: a failure marked locked out,
    # no second lockout, no login
    refused = client.post(reverse("login"), {"username": "audit_firm", "password": PASSWORD})
    assert refused.status_code == 429
    assert len(events(Kind.LOCKOUT)) == 1
    assert not events(Kind.LOGIN)
    last = events(Kind.LOGIN_FAILED)[-1]
    assert last.extra["locked_out"] is True and "已锁定" in last.summary
    no_password_anywhere(WRONG, PASSWORD)


def test_a_logout_is_recorded(client):
    user = make_user("audit_firm")
    client.force_login(user)
    client.post(reverse("logout"))
    assert [(e.kind, e.user) for e in events()] == [(Kind.LOGIN, user), (Kind.LOGOUT, user)]
    assert events(Kind.LOGOUT)[0].get_kind_display() == "退出登录"


def test_the_trail_survives_the_user(client):
    user = make_user("audit_gone")
    client.post(reverse("login"), {"username": "audit_gone", "password": PASSWORD})
    user.delete()
    (event,) = events()
    assert (event.kind, event.user, event.username) == (Kind.LOGIN, None, "audit_gone")


def test_an_ordinary_page_view_writes_nothing(client):
    client.force_login(make_user("audit_firm"))
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.count() == before
    assert not [q for q in queries if AuditEvent._meta.db_table in q["sql"]]


# -- admin changes ----------------------------------------------------------------------------


@pytest.fixture
def department(db):
    return Department.objects.create(
        name="审计测试局", level=Department.Level.PROVINCE, province="辽宁省"
    )


def test_an_admin_change_is_recorded(client, superuser, department):
    client.force_login(superuser)
    url = reverse("admin:policies_department_change", args=[department.pk])
    data = admin_form_data(client.get(url))
    data["service_days"] = 7
    response = client.post(url, data, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.service_days == 7
    (event,) = events(Kind.ADMIN_CHANGE)
    assert event.get_kind_display() == "后台修改"
    assert (event.user, event.username, event.ip) == (superuser, "audit_admin", "192.0.2.44")
    assert (event.object_type, event.object_id) == ("policies.department", str(department.pk))
    assert event.summary.startswith(f"修改部门“{department}”：")
    assert "默认办理时限" in event.summary  # the admin's change message
    assert event.extra["action"] == "change"
    assert event.extra["log_entry"] == LogEntry.objects.get().pk


def test_admin_additions_and_bulk_deletions_are_recorded(client, superuser, department):
    client.force_login(superuser)
    add_url = reverse("admin:policies_department_add")
    data = admin_form_data(client.get(add_url))
    data.update({"name": "审计测试二局", "level": "province", "province": "辽宁省"})
    add = client.post(add_url, data)
    assert add.status_code == 302, add.context and add.context["adminform"].form.errors
    added = Department.objects.get(name="审计测试二局")
    (addition,) = events(Kind.ADMIN_CHANGE)
    assert addition.summary == f"新增部门“{added}”" and addition.extra["action"] == "add"

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("admin:policies_department_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [department.pk, added.pk],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    assert not Department.objects.filter(pk__in=[department.pk, added.pk]).exists()
    deletions = events(Kind.ADMIN_CHANGE)[1:]
    assert sorted(e.object_id for e in deletions) == sorted([str(department.pk), str(added.pk)])
    assert all(e.extra["action"] == "delete" and e.user == superuser for e in deletions)
    assert {e.summary for e in deletions} == {f"删除部门“{department}”", f"删除部门“{added}”"}
    table = AuditEvent._meta.db_table
    inserts = [q for q in queries if q["sql"].startswith("INSERT") and table in q["sql"]]
    assert len(inserts) == 1  # the two deletions: one action, one INSERT


# -- downloads --------------------------------------------------------------------------------


def test_a_download_is_recorded_in_one_insert(personas, measure):  # noqa: F811
    application = services.create_draft(personas.enterprise_a, measure)
    item = Attachment.objects.create(
        application=application,
        material="营业执照",
        file="applications/2023/0123456789abcdef.pdf",
        original_name="营业执照.pdf",
        content_type="application/pdf",
        size=1234,
        uploaded_by=personas.enterprise_a,
    )
    item = Attachment.objects.get(pk=item.pk)  # as the view reads it: no application loaded
    request = RequestFactory().get(
        item.get_absolute_url(), REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="审计浏览器"
    )
    request.user = personas.district_staff_a
    with CaptureQueriesContext(connection) as queries:
        event = record_download(request, item)
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.get_kind_display() == "下载材料"
    assert (event.user, event.username) == (personas.district_staff_a, "tiedong")
    assert (event.ip, event.user_agent, event.method) == ("198.51.100.7", "审计浏览器", "GET")
    assert event.path == item.get_absolute_url()
    assert (event.object_type, event.object_id) == ("applications.attachment", str(item.pk))
    assert "营业执照：营业执照.pdf" in event.summary and f"#{application.pk}" in event.summary
    assert event.extra["application"] == application.pk and event.extra["size"] == 1234


# -- the admin's list: superusers only, read-only ---------------------------------------------


def test_superusers_read_the_trail(client, superuser):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.77")
    record(request, Kind.LOGIN_FAILED, username="someone", summary="用户名“someone”登录失败")
    client.force_login(superuser)
    listing = client.get(reverse("admin:portal_auditevent_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "审计日志" in html and "登录失败" in html and "someone" in html
    assert reverse("admin:portal_auditevent_add") not in html
    searched = client.get(reverse("admin:portal_auditevent_changelist"), {"q": "someone"})
    assert searched.status_code == 200 and searched.context["cl"].result_count == 1
    by_address = client.get(reverse("admin:portal_auditevent_changelist"), {"q": "198.51.100"})
    assert by_address.status_code == 200 and by_address.context["cl"].result_count == 1
    filtered = client.get(
        reverse("admin:portal_auditevent_changelist"), {"kind__exact": "login_failed"}
    )
    assert filtered.context["cl"].result_count == 1
    event = AuditEvent.objects.filter(kind=Kind.LOGIN_FAILED).get()
    detail = client.get(reverse("admin:portal_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    index = client.get(reverse("admin:index")).content.decode()
    assert "审计日志" in index


def test_nobody_adds_changes_or_deletes_in_the_admin(client, superuser):
    event = record(None, Kind.LOGIN_FAILED, username="someone")
    client.force_login(superuser)
    assert client.get(reverse("admin:portal_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:portal_auditevent_delete", args=[event.pk])).status_code in (
        403,
        302,
    )
    change = client.post(
        reverse("admin:portal_auditevent_change", args=[event.pk]), {"username": "forged"}
    )
    assert change.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, username="someone").exists()
    listing = client.get(reverse("admin:portal_auditevent_changelist"))
    assert "delete_selected" not in listing.content.decode()


def test_staff_who_are_not_superusers_do_not_see_the_trail(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("admin:portal_auditevent_changelist")).status_code == 403
    event = AuditEvent.objects.get()  # their own login
    assert client.get(reverse("admin:portal_auditevent_change", args=[event.pk])).status_code in (
        403,
        302,
    )
    assert "审计日志" not in client.get(reverse("admin:index")).content.decode()


# -- immutability and retention ---------------------------------------------------------------


def test_events_are_immutable():
    event = record(None, Kind.LOGIN_FAILED, username="someone")
    event.summary = "forged"
    with pytest.raises(ImmutableError):
        event.save()
    with pytest.raises(ImmutableError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == ""


def aged(days, **fields):
    return AuditEvent.objects.create(
        kind=Kind.LOGIN, at=timezone.now() - datetime.timedelta(days=days), **fields
    )


def prune(**options):
    out = io.StringIO()
    call_command("prune_audit", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_prune_keeps_the_retention_period(settings):
    settings.PORTAL_AUDIT_DAYS = 365
    young, middle = aged(179), aged(300)
    aged(400)
    output = prune()
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {young.pk, middle.pk}
    assert "已删除" in output and "1 条" in output and "365 天" in output
    again = prune()  # idempotent
    assert "无需删除" in again and AuditEvent.objects.count() == 2


def test_prune_never_deletes_under_180_days(settings):
    settings.PORTAL_AUDIT_DAYS = 30  # however it got there
    young, old = aged(179), aged(181)
    prune()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young.pk]
    with pytest.raises(CommandError, match="180"):
        prune(days=90)
    assert AuditEvent.objects.filter(pk=young.pk).exists()
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_prune_in_batches_and_dry_run(settings):
    settings.PORTAL_AUDIT_DAYS = 180
    for _ in range(5):
        aged(200)
    kept = aged(10)
    assert "5 条" in prune(dry_run=True) and AuditEvent.objects.count() == 6
    output = prune(batch_size=2)
    assert "5 条" in output
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]


def test_downloading_a_material_through_the_view_is_recorded(
    client, personas, measure, settings, tmp_path
):
    """The attachment view records each download: the enterprise's and a staff member's."""
    from applications import services
    from portal.models import AuditEvent
    from tests.applications.helpers import attach

    settings.PORTAL_TODAY = "2023-10-16"
    settings.MEDIA_ROOT = tmp_path
    client.force_login(personas.enterprise_a)
    draft = services.create_draft(personas.enterprise_a, measure)
    attach(client, draft)
    application = services.submit(draft, personas.enterprise_a)
    item = application.attachments.get()
    before = AuditEvent.objects.filter(kind=AuditEvent.Kind.DOWNLOAD).count()
    assert client.get(item.get_absolute_url()).status_code == 200
    client.force_login(personas.district_staff_a)
    assert client.get(item.get_absolute_url()).status_code == 200
    client.force_login(personas.enterprise_b)
    assert client.get(item.get_absolute_url()).status_code == 404  # not theirs: nothing to log
    rows = AuditEvent.objects.filter(kind=AuditEvent.Kind.DOWNLOAD).order_by("pk")[before:]
    assert [r.user for r in rows] == [personas.enterprise_a, personas.district_staff_a]
    assert all(str(item.pk) == r.object_id for r in rows)

"""The audit trail: logins (success and failure), lockouts, logouts, admin changes, downloads.

Each audited event is one row of ``portal.models.AuditEvent``, written with one INSERT:
who (the user, and the username as text), when, what (kind, object, a Chinese summary) and
from where (the client address as django-axes reads it — the same address its lockouts
count, honouring ``AXES_IPWARE_*`` behind our proxies — the user agent, method and path).
Ordinary page views write nothing.

The receivers are connected by ``portal.apps.PortalConfig.ready`` (``connect``):

- ``user_logged_in`` → 登录成功; ``user_logged_out`` → 退出登录;
- ``user_login_failed`` → 登录失败, with the username typed (the credentials' other values,
  the password among them, are never read);
- axes' ``user_locked_out`` → 账户锁定, when the lockout starts (axes signals again on each
  attempt refused during it: those are the 登录失败 rows marked locked out);
- the admin's change log (``LogEntry``, post_save) → 后台修改, one row per object. The admin
  passes no request to its log; ``ModelAdmin.log_*`` are wrapped to lend theirs (the
  address) and to record the bulk deletions, whose log entries are bulk-created unsignalled.

Downloads of application materials are recorded by the attachment view: ``record_download``.
"""

import contextvars
import functools
import ipaddress

from django.contrib.admin.models import ADDITION, CHANGE, DELETION
from django.utils.translation import gettext as _

from .models import AuditEvent

Kind = AuditEvent.Kind

_ACTION_WORDS = {ADDITION: "新增", CHANGE: "修改", DELETION: "删除"}
_ACTION_KEYS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}


def _field_max(name):
    return AuditEvent._meta.get_field(name).max_length


def client_ip(request):
    """The client's address as django-axes reads it (the address its lockouts count), or None."""
    if request is None:
        return None
    if getattr(request, "axes_updated", False):
        address = request.axes_ip_address  # already read by axes for this request
    else:
        from axes.helpers import get_client_ip_address

        address = get_client_ip_address(request)
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(str(address).strip()))
    except ValueError:
        return None


def _username_of(user):
    return user.get_username() if user is not None else ""


def build(request, kind, *, user=None, username="", obj=None, summary="", **extra):
    """An unsaved event (``record`` saves one; the admin hook bulk-creates several)."""
    meta = getattr(request, "META", None) or {}
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    event = AuditEvent(
        kind=kind,
        user_id=user.pk if user is not None else None,
        username=(username or _username_of(user))[: _field_max("username")],
        ip=client_ip(request),
        user_agent=str(meta.get("HTTP_USER_AGENT", ""))[: _field_max("user_agent")],
        method=(getattr(request, "method", None) or "")[: _field_max("method")],
        path=(getattr(request, "path", None) or "")[: _field_max("path")],
        summary=str(summary),
        extra=extra,
    )
    if obj is not None:
        event.object_type = f"{obj._meta.app_label}.{obj._meta.model_name}"
        event.object_id = str(obj.pk)[: _field_max("object_id")]
    return event


def record(request, kind, *, user=None, username="", obj=None, summary="", **extra):
    """Write one event (one INSERT) and return it. ``request`` may be None (no address)."""
    event = build(request, kind, user=user, username=username, obj=obj, summary=summary, **extra)
    event.save(force_insert=True)
    return event


def _where(request):
    match = getattr(request, "resolver_match", None)
    return _("管理后台") if match is not None and "admin" in match.namespaces else _("门户")


# -- logins, logouts, lockouts -------------------------------------------------------------------


def logged_in(sender, request, user, **kwargs):
    record(
        request,
        Kind.LOGIN,
        user=user,
        summary=_("登录成功（%(where)s）") % {"where": _where(request)},
    )


def logged_out(sender, request, user, **kwargs):
    if user is None:  # an anonymous visitor's logout: nothing happened
        return
    record(request, Kind.LOGOUT, user=user, summary=_("退出登录"))


def _typed_username(credentials):
    from django.contrib.auth import get_user_model

    field = get_user_model().USERNAME_FIELD
    value = (credentials or {}).get(field) or (credentials or {}).get("username") or ""
    return str(value)


def login_failed(sender, credentials, request=None, **kwargs):
    """A refused login. Only the username is read from the credentials, never the password.

    Axes' own receiver runs first (axes is installed before portal): by now it has counted
    the failure and flagged a request that it locks out or refuses during a lockout."""
    username = _typed_username(credentials)
    failures = getattr(request, "axes_failures_since_start", None)
    locked = bool(getattr(request, "axes_locked_out", False))
    if locked:
        summary = _("用户名“%(username)s”登录失败：账户或地址已锁定") % {"username": username}
    else:
        summary = _("用户名“%(username)s”登录失败（%(where)s）") % {
            "username": username,
            "where": _where(request),
        }
    extra = {"locked_out": locked}
    if failures is not None:
        extra["failures"] = failures
    record(request, Kind.LOGIN_FAILED, username=username, summary=summary, **extra)


def locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """Axes locked a username or an address out. Axes signals again for every attempt it
    refuses during the lockout (and counts it); only the start of a lockout is an event
    here — the refused attempts are recorded as 登录失败 marked locked out."""
    from axes.helpers import get_cool_off, get_failure_limit

    failures = getattr(request, "axes_failures_since_start", None)
    if getattr(request, "axes_updated", False):
        limit = get_failure_limit(request, getattr(request, "axes_credentials", None))
        if failures is None or failures > limit:
            return  # an attempt refused during a lockout already recorded
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    address = client_ip(request) or ip_address or ""
    words = {"username": username or "", "address": address, "failures": failures or "?"}
    if minutes:
        words["minutes"] = minutes
        summary = _(
            "用户名“%(username)s”或地址 %(address)s 连续登录失败 %(failures)s 次，"
            "锁定 %(minutes)s 分钟"
        )
    else:
        summary = _("用户名“%(username)s”或地址 %(address)s 连续登录失败 %(failures)s 次，已锁定")
    record(
        request,
        Kind.LOCKOUT,
        username=username or "",
        summary=summary % words,
        failures=failures,
        cool_off_minutes=minutes,
    )


# -- admin changes -------------------------------------------------------------------------------


class _AdminCall:
    """The request of the ``ModelAdmin.log_*`` call under way, and what it recorded."""

    def __init__(self, request):
        self.request = request
        self.recorded = 0


_admin_call = contextvars.ContextVar("portal_audit_admin_call", default=None)


def _admin_event(request, entry):
    from django.contrib.contenttypes.models import ContentType

    content_type = None
    if entry.content_type_id is not None:
        content_type = ContentType.objects.get_for_id(entry.content_type_id)  # cached
    model = content_type.model_class() if content_type is not None else None
    type_name = str(model._meta.verbose_name) if model is not None else _("对象")
    action = _ACTION_WORDS.get(entry.action_flag, _("操作"))
    summary = f"{action}{type_name}“{entry.object_repr}”"
    message = entry.get_change_message() if entry.action_flag == CHANGE else ""
    if message:
        summary = f"{summary}：{message}"
    user = getattr(request, "user", None)
    event = build(
        request,
        Kind.ADMIN_CHANGE,
        user=user if user is not None and user.pk == entry.user_id else None,
        summary=summary,
        action=_ACTION_KEYS.get(entry.action_flag, str(entry.action_flag)),
        object_repr=entry.object_repr,
        change_message=entry.change_message,
        log_entry=entry.pk,
    )
    if event.user_id is None:
        event.user_id = entry.user_id
        if not event.username:
            event.username = _admin_username(entry.user_id)
    if content_type is not None:
        event.object_type = f"{content_type.app_label}.{content_type.model}"
    event.object_id = str(entry.object_id or "")[: _field_max("object_id")]
    return event


def _admin_username(user_id):
    from django.contrib.auth import get_user_model

    if user_id is None:
        return ""
    name = get_user_model()._meta.get_field("username").attname
    found = get_user_model().objects.filter(pk=user_id).values_list(name, flat=True).first()
    return found or ""


def record_admin_entries(request, entries):
    """后台修改 events for the admin's log entries: one INSERT, whatever their number."""
    events = [_admin_event(request, entry) for entry in entries]
    if len(events) == 1:
        events[0].save(force_insert=True)
    elif events:
        AuditEvent.objects.bulk_create(events)
    return events


def log_entry_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    call = _admin_call.get()
    record_admin_entries(call.request if call is not None else None, [instance])
    if call is not None:
        call.recorded += 1


def _lend_request(method):
    """Wrap a ``ModelAdmin.log_*`` method: its request is lent to ``log_entry_saved``, and
    entries bulk-created without a signal (a bulk deletion) are recorded after it."""

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        call = _AdminCall(request)
        token = _admin_call.set(call)
        try:
            result = method(self, request, *args, **kwargs)
        finally:
            _admin_call.reset(token)
        if not call.recorded and result:
            entries = result if isinstance(result, list | tuple) else [result]
            record_admin_entries(request, entries)
        return result

    wrapper.portal_audit = True
    return wrapper


def install_admin_hooks():
    from django.contrib.admin import ModelAdmin

    # log_deletion (deprecated) is left alone: log_deletions, wrapped, calls it when overridden
    for name in ("log_addition", "log_change", "log_deletions"):
        method = getattr(ModelAdmin, name, None)
        if method is not None and not getattr(method, "portal_audit", False):
            setattr(ModelAdmin, name, _lend_request(method))


# -- downloads -----------------------------------------------------------------------------------


def record_download(request, attachment):
    """下载材料: ``request.user`` downloaded ``attachment`` (one INSERT, no other query)."""
    field = type(attachment)._meta.get_field("application")
    number = ""
    if field.is_cached(attachment):
        number = getattr(attachment.application, "number", "") or ""
    label = number or f"#{attachment.application_id}"
    summary = _("下载申报 %(application)s 的材料“%(material)s：%(name)s”") % {
        "application": label,
        "material": attachment.material,
        "name": attachment.original_name,
    }
    return record(
        request,
        Kind.DOWNLOAD,
        user=getattr(request, "user", None),
        obj=attachment,
        summary=summary,
        application=attachment.application_id,
        material=attachment.material,
        file_name=attachment.original_name,
        size=attachment.size,
    )


# -- wiring --------------------------------------------------------------------------------------


def connect():
    """Connect the receivers (idempotent: each has a dispatch_uid)."""
    from axes.signals import user_locked_out
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
    from django.db.models.signals import post_save

    user_logged_in.connect(logged_in, dispatch_uid="portal.audit.logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="portal.audit.logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="portal.audit.login_failed")
    user_locked_out.connect(locked_out, dispatch_uid="portal.audit.locked_out")
    post_save.connect(log_entry_saved, sender=LogEntry, dispatch_uid="portal.audit.log_entry")
    install_admin_hooks()

"""Where a request comes from: one definition for login lockouts (django-axes, through
``AXES_CLIENT_IP_CALLABLE``), throttling and the audit trail.

Directly served, it is ``REMOTE_ADDR``. Behind ``PORTAL_PROXY_COUNT`` reverse proxies of
ours (nginx: 1), ``REMOTE_ADDR`` is the nearest proxy and each proxy appended the address it
saw to ``X-Forwarded-For``: the client is the entry that many places from the end. Entries
further left were written by the client and are not believed."""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "PROXY_COUNT", 0)
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) >= count:
        return forwarded[-count][:64]
    return remote


def login_username(request, credentials) -> str:
    """The username a login attempt counts against (``AXES_USERNAME_CALLABLE``): what was
    typed, cut to the longest username there can be. django-axes stores it in a 255-character
    column, which PostgreSQL enforces: a 100,000-character "username" was a 500."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    field = user_model.USERNAME_FIELD
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get(field)
    limit = user_model._meta.get_field(field).max_length or 150
    return str(value or "")[:limit]

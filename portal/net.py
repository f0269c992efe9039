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

"""Counting requests per key and hour, to slow down abuse of forms that send mail or create
accounts (password reset, registration). Logins have django-axes.

Counts live in the cache: with ``REDIS_URL`` one count for every node; with the default
per-process memory cache each gunicorn worker counts on its own (a limit of N allows up to
N × workers per hour then: set REDIS_URL in production).
"""

import hashlib

from django.core.cache import cache

WINDOW_SECONDS = 3600


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode("utf-8")).hexdigest()[:32]
    return f"throttle:{kind}:{digest}"


def allow(kind: str, value: str, limit: int, window: int = WINDOW_SECONDS) -> bool:
    """Count one request of ``kind`` for ``value`` (an address, an email); False once more
    than ``limit`` were counted within the window (which starts at the first of them)."""
    if limit <= 0:
        return True
    key = _key(kind, value)
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit

"""Empty every cache the portal keeps: Django's (pages, counts, throttles) and the pages a
process keeps in front of it (``portal.pagecache.local_pages``)."""

from django.core.cache import cache

from portal.pagecache import local_pages


def clear_caches():
    cache.clear()
    local_pages.clear()

"""Empty every cache the portal keeps: Django's (pages, counts, throttles) and what each
process keeps in its memory (``portal.pagecache.ProcessMemory``: the pages it served last,
the copies of shared values, and the topics, support types and departments its pages share
per catalogue revision)."""

from django.core.cache import cache

from portal.pagecache import forget_process_memory


def clear_caches():
    cache.clear()
    forget_process_memory()

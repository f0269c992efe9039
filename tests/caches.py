"""Empty every cache the portal keeps: Django's (pages, counts, throttles) and the pages a
process keeps in front of it (``portal.pagecache.local_pages``, ``LocalCopies``), and the topics, support
types and departments its pages share (``policies.views.PerRevision``: ``vocabulary``,
``departments``)."""

from django.core.cache import cache

from policies.views import forget_vocabulary
from portal.pagecache import clear_local_copies, local_pages


def clear_caches():
    cache.clear()
    local_pages.clear()
    clear_local_copies()
    forget_vocabulary()

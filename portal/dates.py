"""Today's date in the portal's time zone, in one place.

Deadline badges and eligibility verdicts are computed against this date.
``PORTAL_TODAY`` (YYYY-MM-DD) pins it for a demo or a test.
"""

import datetime

from django.conf import settings
from django.utils import timezone


def today() -> datetime.date:
    pinned = getattr(settings, "PORTAL_TODAY", None)
    if pinned:
        return datetime.date.fromisoformat(pinned)
    return timezone.localdate()


def now() -> datetime.datetime:
    """The current moment; on a pinned ``PORTAL_TODAY``, that day at the current time.

    Timestamps the service clock counts from (submission, entering a step, events) use it,
    so that a demo or a test pinned to a day reads waiting times that make sense."""
    pinned = getattr(settings, "PORTAL_TODAY", None)
    if pinned:
        moment = timezone.localtime()
        return datetime.datetime.combine(datetime.date.fromisoformat(pinned), moment.timetz())
    return timezone.now()

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

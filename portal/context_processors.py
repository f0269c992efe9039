from django.conf import settings

from portal import dates


def site_context() -> dict:
    """The identity's template variables, for pages rendered without a request (the 500 page)."""
    identity = settings.PORTAL_IDENTITY
    return {"site": identity, "SITE_NAME": identity.name}


def site(request):
    """``site``: the identity (``portal.identity``); ``SITE_NAME``: its name, as before;
    ``portal_today``: the portal's day (``portal.dates.today``, called only if a template
    shows it: the date printed on paper)."""
    return {**site_context(), "portal_today": dates.today}

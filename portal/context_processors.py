from django.conf import settings


def site(request):
    """``site``: the identity (``portal.identity``); ``SITE_NAME``: its name, as before."""
    identity = settings.PORTAL_IDENTITY
    return {"site": identity, "SITE_NAME": identity.name}

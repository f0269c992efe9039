from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        # ``<id:pk>`` in every URLconf (portal/converters.py), registered before any is read.
        # The audit trail's receivers (logins, lockouts, admin changes): see portal/audit.py.
        from . import (
            audit,
            converters,  # noqa: F401
        )

        audit.connect()

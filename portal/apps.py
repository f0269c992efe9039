from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        # converters: ``<id:pk>`` of every URLconf, registered before any URLconf is read.
        # audit: the audit trail's receivers (logins, lockouts, admin changes).
        from . import (
            audit,
            converters,  # noqa: F401
        )

        audit.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        # The audit trail's receivers (logins, lockouts, admin changes): see portal/audit.py.
        from . import audit

        audit.connect()

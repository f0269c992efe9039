import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (settings are configured by now)

if not settings.DEBUG and settings.SECRET_KEY == settings.INSECURE_SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY before serving with DJANGO_DEBUG off.")

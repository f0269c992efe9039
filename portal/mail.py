"""Placeholder replaced by the mail-queue work (issue 11): until then, send directly."""

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        connection = get_connection(settings.PORTAL_EMAIL_BACKEND, fail_silently=self.fail_silently)
        return connection.send_messages(email_messages)

"""``EMAIL_BACKEND``: every message leaves through the task queue (issue 11).

``QueuedEmailBackend.send_messages`` turns each message into JSON-safe data at once (subject,
body, sender, recipients, reply-to, headers, alternatives, attachments in base64) and, when
the current database transaction commits, enqueues one ``portal.tasks.send_email`` task per
message: a request that rolls back sends nothing, and a request never waits on SMTP. Outside
a transaction it enqueues at once. The task sends through ``settings.PORTAL_EMAIL_BACKEND``
and retries with backoff (see ``portal.tasks``).

It returns the number of messages queued, which is what ``send_mail`` reports as "sent". If
queueing itself fails (the database is down), that is logged and raised — unless the caller
asked for ``fail_silently``.
"""

import logging
from functools import partial

from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

logger = logging.getLogger("portal.mail")


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from portal.tasks import serialize_message

        payloads = [serialize_message(m) for m in email_messages if m.recipients()]
        if payloads:
            transaction.on_commit(partial(self._enqueue, payloads))
        return len(payloads)

    def _enqueue(self, payloads):
        from portal.tasks import describe, send_email

        for payload in payloads:
            try:
                send_email.enqueue(message=payload, attempt=1)
            except Exception:
                logger.exception("邮件未能排入发送队列：%s", describe(payload))
                if not self.fail_silently:
                    raise

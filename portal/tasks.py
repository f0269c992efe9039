"""Background tasks (django-tasks): sending one queued mail, with retries.

``portal.mail.QueuedEmailBackend`` turns every message into JSON-safe data and enqueues
``send_email`` with it. The task rebuilds the message and hands it to the real transport,
``settings.PORTAL_EMAIL_BACKEND``, with ``fail_silently=False``.

When the transport fails:

* on a backend that can defer tasks (the database backend, run by ``manage.py db_worker``):
  the failure is logged (logger ``portal.mail``: recipients and subject, never the body) and
  the task enqueues itself again to run ``RETRY_DELAYS[attempt - 1]`` later — 1 min, 5 min,
  30 min, 2 h, 12 h. That attempt's own result is then *successful* with the return value
  ``{"sent": false, "error": …, "retry_at": …}``: it did its work by scheduling the retry.
  The sixth attempt (``MAX_ATTEMPTS``) logs an error and raises: its task result is FAILED,
  with the exception and traceback, listed in the admin under 后台任务 › 邮件: 发送失败的邮件.
* on the immediate backend (``make run`` and the tests: ``supports_defer`` is false) there is
  no waiting room: one attempt, an error logged, the task result FAILED. A request never fails
  because of it — the immediate backend records a task's exception instead of raising it —
  and retrying at once, without waiting, would only repeat an SMTP outage to the same server.
"""

import base64
import datetime
import email
import logging
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("portal.mail")

# Delay before attempt n + 1, after attempt n failed (seconds).
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 60 * 60, 12 * 60 * 60)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


# --- a message as JSON-safe data, and back ----------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _attachment_data(attachment) -> dict:
    if isinstance(attachment, MIMEBase):  # attached as a ready MIME part
        return {"mime": _b64(attachment.as_bytes())}
    filename, content, mimetype = attachment
    is_text = isinstance(content, str)
    return {
        "filename": filename,
        "mimetype": mimetype,
        "text": is_text,
        "content": _b64(content.encode("utf-8") if is_text else content),
    }


def _attachment(data: dict):
    if "mime" in data:
        parsed = email.message_from_bytes(base64.b64decode(data["mime"]))
        part = MIMEBase(parsed.get_content_maintype(), parsed.get_content_subtype())
        for header in set(part.keys()):
            del part[header]
        for header, value in parsed.items():
            part[header] = value
        part.set_payload(parsed.get_payload())
        return part
    content = base64.b64decode(data["content"])
    return (
        data["filename"],
        content.decode("utf-8") if data["text"] else content,
        data["mimetype"],
    )


def serialize_message(message) -> dict:
    """An ``EmailMessage`` (or ``EmailMultiAlternatives``) as data a task argument can hold."""
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email) if message.from_email else None,
        "to": [str(a) for a in message.to],
        "cc": [str(a) for a in message.cc],
        "bcc": [str(a) for a in message.bcc],
        "reply_to": [str(a) for a in message.reply_to],
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
        "alternatives": [
            [str(content), str(mimetype)]
            for content, mimetype in getattr(message, "alternatives", None) or []
        ],
        "attachments": [_attachment_data(a) for a in message.attachments],
        "content_subtype": message.content_subtype,
        "encoding": str(message.encoding) if message.encoding else None,
    }


def build_message(data: dict, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=[tuple(a) for a in data["alternatives"]],
        attachments=[_attachment(a) for a in data["attachments"]],
        connection=connection,
    )
    message.content_subtype = data.get("content_subtype") or "plain"
    if data.get("encoding"):
        message.encoding = data["encoding"]
    return message


def describe(data: dict) -> str:
    """Who and what, for a log line or the admin: recipients and subject, never the body."""
    recipients = ", ".join(data.get("to", []) + data.get("cc", []) + data.get("bcc", []))
    return f"收件人 {recipients or '（无）'}，主题「{data.get('subject', '')}」"


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


# --- the task -------------------------------------------------------------------------------


@task()
def send_email(message: dict, attempt: int = 1):
    """Send one queued message; on failure, enqueue the next attempt with backoff."""
    try:
        with get_connection(settings.PORTAL_EMAIL_BACKEND, fail_silently=False) as connection:
            sent = connection.send_messages([build_message(message, connection)])
    except Exception as exc:
        backend = send_email.get_backend()
        if attempt >= MAX_ATTEMPTS or not backend.supports_defer:
            logger.error(
                "邮件发送失败，不再重试（第 %d 次尝试）：%s；错误：%s",
                attempt,
                describe(message),
                _error(exc),
                exc_info=True,
            )
            raise
        delay = datetime.timedelta(seconds=RETRY_DELAYS[attempt - 1])
        retry_at = timezone.now() + delay
        retry = send_email.using(run_after=retry_at).enqueue(message=message, attempt=attempt + 1)
        logger.warning(
            "邮件发送失败（第 %d/%d 次尝试）：%s；错误：%s；将于 %s 后重试（%s）",
            attempt,
            MAX_ATTEMPTS,
            describe(message),
            _error(exc),
            delay,
            retry_at.isoformat(),
        )
        return {
            "sent": False,
            "attempt": attempt,
            "error": _error(exc),
            "retry_at": retry_at.isoformat(),
            "retry_id": str(retry.id),
        }
    return {"sent": bool(sent), "attempt": attempt}

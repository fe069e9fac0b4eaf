"""The two ways out: e-mail over SMTP and JSON posted to a webhook. Credentials come from settings only."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from leerstroom.errors import ConfigurationError, TransientError
from leerstroom.settings import Settings

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Leerstroom-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"


class DeliveryFailed(TransientError):
    """The server refused or did not answer; the delivery is tried again later."""


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes
    mime: str = "application/pdf"


def message_id(key: str) -> str:
    """The same Message-ID for every attempt at one delivery, so a mail system can drop a repeat."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@leerstroom>"


def send_email(
    settings: Settings, to: str, subject: str, body: str, key: str, attachment: Attachment | None = None
) -> None:
    if not settings.smtp_host.strip():
        raise ConfigurationError("e-mail needs LEERSTROOM_SMTP_HOST")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.smtp_sender, to, subject
    message["Date"], message["Message-ID"] = formatdate(localtime=False), message_id(key)
    message.set_content(body)
    if attachment is not None:
        main, sub = attachment.mime.split("/", 1)
        message.add_attachment(attachment.content, maintype=main, subtype=sub, filename=attachment.name)
    timeout = settings.smtp_timeout_seconds
    server: smtplib.SMTP
    try:
        if settings.smtp_security == "ssl":
            server = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        with server:
            if settings.smtp_security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                server.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as err:
        raise DeliveryFailed(f"SMTP {settings.smtp_host}:{settings.smtp_port}: {err}") from err


def post_webhook(settings: Settings, name: str, payload: dict, key: str) -> None:
    urls = {known.lower(): url for known, url in settings.delivery_webhooks.items()}
    if name not in urls:
        raise ConfigurationError(f"no webhook named {name!r}: set LEERSTROOM_DELIVERY_WEBHOOKS__{name.upper()}")
    body = json.dumps(payload, ensure_ascii=False, default=str).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", IDEMPOTENCY_HEADER: key, "User-Agent": "Leerstroom"}
    secret = settings.delivery_webhook_secret.get_secret_value()
    if secret:
        headers[SIGNATURE_HEADER] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(urls[name].get_secret_value(), data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.delivery_timeout_seconds) as response:
            response.read()
    except urllib.error.HTTPError as err:
        # The URL holds the webhook's secret: name the webhook, never print the URL.
        raise DeliveryFailed(f"webhook {name}: HTTP {err.code} {err.reason}") from None
    except (urllib.error.URLError, OSError) as err:
        raise DeliveryFailed(f"webhook {name}: {getattr(err, 'reason', err)}") from None

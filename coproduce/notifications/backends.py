"""Where messages go: GOV.UK Notify, Django's email backend (SMTP), or the console (the demo).

Chosen by settings.COPRODUCE_MESSAGES_BACKEND. Every backend is given our message's id as the
provider's reference, so that a send whose answer was lost can be looked up before it is retried.
"""

import sys
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage

from coproduce.notifications.models import Channel, Message


class TemporaryError(Exception):
    """Worth trying again later (the provider is down or busy)."""


class PermanentError(Exception):
    """Trying again will not help (the number does not exist, the channel is not available)."""


class NotAvailable(Exception):
    """This backend cannot send on this channel at all (texts through SMTP): recorded as not sent."""


class Backend(Protocol):
    def send(self, message: Message, subject: str, body: str) -> str:
        """Send it; return the provider's id for it."""

    def find_sent(self, message: Message) -> str | None:
        """The provider's id of this message if it was already sent, else None."""

    def status_of(self, provider_id: str) -> str | None:
        """The provider's delivery state of a sent message, in Notify's words, if it keeps one."""


class ConsoleBackend:
    """Prints each message: for the demo and development, where nothing must leave the machine."""

    def send(self, message: Message, subject: str, body: str) -> str:
        sys.stdout.write(f"[{message.get_channel_display()} to {message.to}] {subject}: {body}\n")
        return f"console-{message.pk}"

    def find_sent(self, message: Message) -> str | None:
        return None

    def status_of(self, provider_id: str) -> str | None:
        return None


class SmtpBackend:
    """Email through Django's email backend, where Notify is not available. Texts cannot be sent."""

    def send(self, message: Message, subject: str, body: str) -> str:
        if message.channel != Channel.EMAIL:
            raise NotAvailable("Not sent: this site sends email only, not texts")
        email = EmailMessage(
            subject=subject,
            body=body,
            to=[message.to],
            # Our id travels with the email, so a copy sent twice can be recognised.
            headers={"X-Coproduce-Reference": str(message.pk)},
        )
        try:
            email.send()
        except (OSError, ConnectionError) as error:
            raise TemporaryError("The mail server did not answer") from error
        return f"smtp-{message.pk}"

    def find_sent(self, message: Message) -> str | None:
        return None

    def status_of(self, provider_id: str) -> str | None:
        return None


class NotifyBackend:
    """GOV.UK Notify: one generic template per channel whose whole text is ((subject)) and ((body))."""

    def __init__(self) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(
            settings.COPRODUCE_NOTIFY_API_KEY, base_url=settings.COPRODUCE_NOTIFY_BASE_URL, timeout=20
        )

    def _call(self, method: Any, **kwargs: Any) -> Any:
        from notifications_python_client.errors import APIError

        try:
            return method(**kwargs)
        except APIError as error:
            # 400: Notify refused the message itself (a number it cannot text); the rest may pass.
            if error.status_code == 400:
                raise PermanentError("GOV.UK Notify refused the number or address") from error
            raise TemporaryError(f"GOV.UK Notify answered {error.status_code}") from error

    def send(self, message: Message, subject: str, body: str) -> str:
        personalisation = {"subject": subject, "body": body}
        if message.channel == Channel.TEXT:
            response = self._call(
                self.client.send_sms_notification,
                phone_number=message.to,
                template_id=settings.COPRODUCE_NOTIFY_SMS_TEMPLATE_ID,
                personalisation=personalisation,
                reference=str(message.pk),
            )
        else:
            response = self._call(
                self.client.send_email_notification,
                email_address=message.to,
                template_id=settings.COPRODUCE_NOTIFY_EMAIL_TEMPLATE_ID,
                personalisation=personalisation,
                reference=str(message.pk),
            )
        return str(response["id"])

    def find_sent(self, message: Message) -> str | None:
        found = self._call(self.client.get_all_notifications, reference=str(message.pk))
        notifications = found.get("notifications", [])
        return str(notifications[0]["id"]) if notifications else None

    def status_of(self, provider_id: str) -> str | None:
        return str(self._call(self.client.get_notification_by_id, id=provider_id)["status"])


def backend() -> Backend:
    chosen = settings.COPRODUCE_MESSAGES_BACKEND
    if chosen == "notify":
        return NotifyBackend()
    if chosen == "smtp":
        return SmtpBackend()
    return ConsoleBackend()

"""Access cases for texts and emails: contact choices, messages sent, the manager's log and timings,
the sign-in link page and Notify's delivery receipts."""

from django.urls import reverse

from coproduce.notifications.models import ContactPreference, MessageSettings, StaffContactPreference
from tests.access.cases_web_casework import CASEWORKERS, paula_secrets
from tests.access.matrix import EVERYONE, AccessCase, roles

WORKING_STAFF = roles("keyworker", "partner_worker", "partnership_manager", "funder", "evaluator")


def preferences_snapshot(p) -> tuple[object, ...]:
    return tuple(ContactPreference.objects.values_list("participant_id", "channel", "topics", "version"))


def phone_link(user, token: str | None = None) -> str:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from coproduce.accounts.shared_mobile import phone_token_generator

    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("web:sign_in_by_phone", args=[uidb64, token or phone_token_generator.make_token(user)])


CASES = [
    AccessCase(route="web:sign_in_link", url=lambda p: reverse("web:sign_in_link"), allowed=EVERYONE, public=True),
    AccessCase(
        route="web:sign_in_link",
        url=lambda p: reverse("web:sign_in_link"),
        method="POST",
        data=lambda p: {"contact": "07700 900999"},
        allowed=EVERYONE,
        public=True,
        allowed_status=302,
    ),
    AccessCase(
        route="web:sign_in_by_phone",
        url=lambda p: phone_link(p.participant.user),
        allowed=EVERYONE,
        public=True,
        allowed_status=302,
        label="one person on the number: straight to their password page",
    ),
    AccessCase(
        route="web:sign_in_by_phone",
        url=lambda p: phone_link(p.participant.user, token="not-a-token"),
        allowed=EVERYONE,
        public=True,
        allowed_status=404,
        secrets=lambda p: ["Pat", "Who is signing in?"],
        label="a link that does not work",
    ),
    AccessCase(
        route="web:sign_in_link_sent", url=lambda p: reverse("web:sign_in_link_sent"), allowed=EVERYONE, public=True
    ),
    # Notify's receipts carry a bearer token, not a session: without it everyone gets 401.
    AccessCase(
        route="web:notify_callback",
        url=lambda p: reverse("web:notify_callback"),
        method="POST",
        data=lambda p: {"id": "x", "reference": "1", "status": "delivered"},
        json=True,
        allowed=EVERYONE,
        public=True,
        allowed_status=401,
    ),
    AccessCase(route="web:my_contact", url=lambda p: reverse("web:my_contact"), allowed=roles("participant")),
    AccessCase(
        route="web:my_contact",
        url=lambda p: reverse("web:my_contact"),
        method="POST",
        data=lambda p: {"channel": "text", "topics": ["appointments"], "version": 1},
        allowed=roles("participant"),
        allowed_status=302,
        snapshot=preferences_snapshot,
    ),
    AccessCase(
        route="web:my_messages",
        url=lambda p: reverse("web:my_messages"),
        allowed=roles("participant"),
        audited_participant=lambda p: p.participant,
    ),
    AccessCase(
        route="web:participant_contact",
        url=lambda p: reverse("web:participant_contact", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:participant_contact",
        url=lambda p: reverse("web:participant_contact", args=[p.second_participant.pk]),
        method="POST",
        data=lambda p: {"channel": "email", "topics": ["appointments", "surveys"], "version": 1},
        allowed=CASEWORKERS,
        allowed_status=302,
        secrets=paula_secrets,
        snapshot=preferences_snapshot,
    ),
    AccessCase(
        route="web:participant_messages",
        url=lambda p: reverse("web:participant_messages", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(route="web:account_messages", url=lambda p: reverse("web:account_messages"), allowed=WORKING_STAFF),
    AccessCase(
        route="web:account_messages",
        url=lambda p: reverse("web:account_messages"),
        method="POST",
        data=lambda p: {"channel": "none", "topics": ["referrals_waiting"], "version": 1},
        allowed=WORKING_STAFF,
        allowed_status=302,
        snapshot=lambda p: tuple(StaffContactPreference.objects.values_list("user_id", "channel", "version")),
    ),
    AccessCase(
        route="web:partnership_messages",
        url=lambda p: reverse("web:partnership_messages"),
        allowed=roles("partnership_manager"),
    ),
    AccessCase(
        route="web:partnership_message_settings",
        url=lambda p: reverse("web:partnership_message_settings"),
        allowed=roles("partnership_manager"),
    ),
    AccessCase(
        route="web:partnership_message_settings",
        url=lambda p: reverse("web:partnership_message_settings"),
        method="POST",
        data=lambda p: {
            "reminder_time": "17:30",
            "morning_reminder_time": "08:00",
            "quiet_hours": "21:00-07:30\n08:15-09:15",
            "version": 1,
        },
        allowed=roles("partnership_manager"),
        allowed_status=302,
        snapshot=lambda p: tuple(MessageSettings.objects.values_list("programme_id", "reminder_time", "version")),
    ),
]

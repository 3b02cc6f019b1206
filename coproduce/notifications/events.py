"""What domain apps call when something happens that a person should hear about.

Each function is called inside the service's transaction, right after the change is saved: the
messages it queues commit with the change, and sending starts on commit. The idempotency key
names the event and the version of the record it is about, so calling twice queues once.
Nothing here decides who may do what: the calling service has already checked that.
"""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.models import User, normalise_mobile
from coproduce.accounts.shared_mobile import participant_accounts_on, phone_token_generator
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_events
from coproduce.notifications.models import Channel, Message
from coproduce.notifications.scheduling import at_local, reminder_times
from coproduce.notifications.selectors import message_settings_of
from coproduce.notifications.services import (
    cancel_waiting,
    queue_for_enquirer,
    queue_for_participant,
    queue_for_staff,
    queue_sign_in_link,
)
from coproduce.participants.models import Participant
from coproduce.programmes.models import StaffMember


def link(url_name: str, *args: Any) -> str:
    return f"{settings.COPRODUCE_SITE_URL}{reverse(url_name, args=args)}"


def _name(participant: Any) -> str:
    return str(participant.preferred_name or participant.given_name)


def _keyworker_name(staff_member: Any) -> str:
    # First name only, as people introduce themselves: "Kirsty from Fife Gingerbread will call you".
    user = staff_member.user
    return str(user.first_name or user.display_name or user).split(" ")[0]


def _appointment_values(appointment: Any) -> dict[str, str]:
    return {
        "name": _name(appointment.participant),
        "keyworker": _keyworker_name(appointment.keyworker),
        "starts_at": appointment.starts_at.isoformat(),
        "link": link("web:my_appointments"),
    }


def _queue_reminders(actor: ActingUser, appointment: Any) -> None:
    participant = appointment.participant
    timings = message_settings_of(participant.partnership.programme_id)
    for template, due_at in reminder_times(appointment.starts_at, timings).items():
        queue_for_participant(
            actor=actor,
            participant=participant,
            template=template,
            key=f"{template}:{appointment.pk}:{appointment.version}",
            personalisation=_appointment_values(appointment),
            subject=f"appointment:{appointment.pk}",
            due_at=due_at,
        )


def appointment_booked(*, actor: ActingUser, appointment: Any) -> list[Message]:
    """A confirmation now, and reminders the day before and on the morning."""
    sent = queue_for_participant(
        actor=actor,
        participant=appointment.participant,
        template="appointment-booked",
        key=f"appointment-booked:{appointment.pk}:{appointment.version}",
        personalisation=_appointment_values(appointment),
    )
    _queue_reminders(actor, appointment)
    return sent


def appointment_changed(*, actor: ActingUser, appointment: Any, changed: list[str]) -> None:
    """The reminders of the old time are cancelled; the person hears the new time, and new reminders are queued."""
    subject = f"appointment:{appointment.pk}"
    if appointment.status == "cancelled":
        cancel_waiting(subject=subject, reason="The appointment was cancelled")
        queue_for_participant(
            actor=actor,
            participant=appointment.participant,
            template="appointment-cancelled",
            key=f"appointment-cancelled:{appointment.pk}",
            personalisation=_appointment_values(appointment),
        )
        return
    if appointment.status == "happened":
        cancel_waiting(subject=subject, reason="The appointment has happened")
        return
    if not {"starts_at", "place", "place_details"} & set(changed):
        return
    cancel_waiting(subject=subject, reason="The appointment was changed")
    queue_for_participant(
        actor=actor,
        participant=appointment.participant,
        template="appointment-changed",
        key=f"appointment-changed:{appointment.pk}:{appointment.version}",
        personalisation=_appointment_values(appointment),
    )
    _queue_reminders(actor, appointment)


def enquiry_received(*, enquiry: Any) -> None:
    queue_for_enquirer(
        actor=None,
        enquiry=enquiry,
        template="enquiry-received",
        key=f"enquiry-received:{enquiry.pk}",
        personalisation={"reference": enquiry_reference(enquiry)},
    )


def enquiry_reference(enquiry: Any) -> str:
    """What the person quotes when they call us: their area's code and the enquiry's number."""
    return f"{enquiry.partnership.short_code}-E{enquiry.pk:05d}"


def enquiry_allocated(*, actor: ActingUser, enquiry: Any) -> None:
    """The enquirer hears who will call; the keyworker hears it is theirs (if they chose to)."""
    keyworker = enquiry.allocated_to
    queue_for_enquirer(
        actor=actor,
        enquiry=enquiry,
        template="enquiry-allocated",
        key=f"enquiry-allocated:{enquiry.pk}:{enquiry.version}",
        personalisation={
            "name": enquiry.name.split(" ")[0],
            "keyworker": _keyworker_name(keyworker),
            "organisation": keyworker.organisation.name,
            "reference": enquiry_reference(enquiry),
        },
    )
    queue_for_staff(
        actor=actor,
        user=keyworker.user,
        template="staff-enquiry-allocated",
        key=f"staff-enquiry-allocated:{enquiry.pk}:{enquiry.version}",
        personalisation={"link": link("web:enquiry_detail", enquiry.pk)},
        partnership_id=enquiry.partnership_id,
    )


def participant_told(
    *,
    actor: ActingUser | None,
    participant: Any,
    template: str,
    key: str,
    url_name: str,
    extra: dict[str, str] | None = None,
    due_at: datetime.datetime | None = None,
    audit_against_participant: bool = True,
) -> list[Message]:
    """A message to the participant with their name and a link to their page (plans, referrals, voice, outcomes)."""
    values = {"name": _name(participant), "link": link(url_name), **(extra or {})}
    if participant.keyworker_id and "keyworker" not in values:
        values["keyworker"] = _keyworker_name(participant.keyworker)
    return queue_for_participant(
        actor=actor,
        participant=participant,
        template=template,
        key=key,
        personalisation=values,
        due_at=due_at,
        audit_against_participant=audit_against_participant,
    )


def staff_told(
    *,
    actor: ActingUser | None,
    user: User,
    template: str,
    key: str,
    url_name: str,
    args: tuple[Any, ...] = (),
    partnership_id: int | None = None,
    due_at: datetime.datetime | None = None,
) -> list[Message]:
    return queue_for_staff(
        actor=actor,
        user=user,
        template=template,
        key=key,
        personalisation={"link": link(url_name, *args)},
        partnership_id=partnership_id,
        due_at=due_at,
    )


def step_offered(*, actor: ActingUser, step: Any, participant: Any) -> None:
    participant_told(
        actor=actor,
        participant=participant,
        template="step-offered",
        key=f"step-offered:{step.pk}",
        url_name="web:my_plan",
    )


def referral_sent(*, actor: ActingUser, referral: Any) -> None:
    """The participant hears it went (never where); the receiving organisation's staff hear it waits."""
    participant = referral.participant
    participant_told(
        actor=actor,
        participant=participant,
        template="referral-sent",
        key=f"referral-sent:{referral.pk}:{referral.version}",
        url_name="web:my_referrals",
    )
    partner_staff = StaffMember.objects.filter(
        organisation_id=referral.organisation_id, is_active=True, roles__role="partner_worker"
    ).select_related("user")
    for staff in partner_staff.distinct():
        staff_told(
            actor=actor,
            user=staff.user,
            template="staff-referral-waiting",
            key=f"staff-referral-waiting:{referral.pk}:{referral.version}:{staff.user_id}",
            url_name="web:partner_referral",
            args=(referral.pk,),
            partnership_id=participant.partnership_id,
        )


def referral_answered(*, actor: ActingUser, referral: Any, accepted: bool) -> None:
    template = "referral-accepted" if accepted else "referral-declined"
    participant_told(
        actor=actor,
        participant=referral.participant,
        template=template,
        key=f"{template}:{referral.pk}:{referral.version}",
        url_name="web:my_referrals",
    )


def group_session_invited(*, actor: ActingUser, invitation: Any) -> None:
    group_session = invitation.group_session
    participant_told(
        actor=actor,
        participant=invitation.participant,
        template="group-session-invitation",
        key=f"group-session-invitation:{invitation.pk}",
        url_name="web:my_requests",
        extra={"starts_at": group_session.starts_at.isoformat()},
    )


def you_said_we_did(*, actor: ActingUser, group_session: Any, participant: Any) -> None:
    participant_told(
        actor=actor,
        participant=participant,
        template="you-said-we-did",
        key=f"you-said-we-did:{group_session.pk}:{group_session.version}:{participant.pk}",
        url_name="web:my_requests",
    )


def sustainment_check_due(*, check: Any, participant: Any) -> None:
    """ "How is the new job going?" on the morning the check falls due, at the programme's morning reminder time."""
    timings = message_settings_of(participant.partnership.programme_id)
    participant_told(
        actor=None,
        participant=participant,
        template="sustainment-check-in",
        key=f"sustainment-check-in:{check.pk}",
        url_name="web:my_achievements",
        due_at=at_local(check.due_on, timings.morning_reminder_time),
    )


def survey_invited(*, invitation: Any, participant: Any) -> None:
    """An evaluation survey: the message names no survey, and, like the invitation itself, is kept out
    of the participant's record's audit log (research stays apart from casework, ADR 0006)."""
    participant_told(
        actor=None,
        participant=participant,
        template="survey-invitation",
        key=f"survey-invitation:{invitation.pk}",
        url_name="web:my_surveys",
        audit_against_participant=False,
    )


def send_sign_in_link(*, typed: str) -> Message | None:
    """Someone asks for a sign-in link by typing their mobile number or email address.

    An email address belongs to one account: a one-time "choose a password" link (the one a
    keyworker can make) goes to it. A mobile number may be shared by a family
    (coproduce/accounts/shared_mobile.py): one text goes to it, with a link proving the phone,
    which asks who is signing in only once it is opened. The same one message, the same work,
    for one account or several; nothing for none, and the caller answers the same either way,
    so nobody learns whether (or how many) accounts exist. Audited against each participant the
    number or address belongs to.
    """
    typed = typed.strip()
    if "@" in typed:
        channel, address = Channel.EMAIL, typed.lower()
        found = Participant.objects.filter(user__email__iexact=address)
    else:
        channel, address = Channel.TEXT, normalise_mobile(typed)
        found = (
            Participant.objects.filter(user__in=participant_accounts_on(address))
            if address
            else Participant.objects.none()
        )
    participants = list(
        found.filter(anonymised_at__isnull=True, user__is_active=True)
        .select_related("user", "partnership")
        .order_by("user_id")
    )
    if not participants:
        return None
    participant = participants[0]
    user = participant.user
    if user is None:
        return None
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    if channel == Channel.TEXT:
        url = link("web:sign_in_by_phone", uidb64, phone_token_generator.make_token(user))
    else:
        url = link("web:set_password", uidb64, default_token_generator.make_token(user))
    with transaction.atomic():
        record_events(
            actor=None,
            actor_role="public",
            action=AuditEvent.Action.CHANGE,
            records=[(Participant._meta.label, someone.pk, someone.pk) for someone in participants],
            changed_fields=["sign_in_link"],
            purpose="Asked for a sign-in link",
        )
        # The message is kept with the oldest account on the number: one message, however many.
        created = queue_sign_in_link(
            actor=None, participant=participant, user=user, channel=channel, to=address, link=url
        )
    return created[0] if created else None

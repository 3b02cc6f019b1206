"""The demo's texts and emails: Nicola Watt (the demo participant) has said yes to texts about her
appointments and plan, so that booking her an appointment queues a confirmation and reminders.

The demo prints messages (COPRODUCE_MESSAGES_BACKEND=console); nothing leaves the machine.
"""

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from coproduce.accounts.roles import Role
from coproduce.demo.data import DEMO_LOGINS
from coproduce.notifications.models import ChannelChoice, ContactPreference, ParticipantTopic
from coproduce.participants.models import Consent, Participant

if TYPE_CHECKING:
    from coproduce.demo.builder import _Builder

NICOLA_MOBILE = "+447700900473"


def write_contact_preferences(builder: "_Builder") -> None:
    login = next(login for login in DEMO_LOGINS if login.role == Role.PARTICIPANT)
    nicola = Participant.objects.filter(user__email__iexact=login.email).select_related("keyworker__user").first()
    if nicola is None or nicola.user is None:
        return
    if not nicola.mobile:
        Participant.objects.filter(pk=nicola.pk).update(mobile=NICOLA_MOBILE)
    given_by = nicola.keyworker.user if nicola.keyworker else nicola.user
    active = Consent.objects.filter(
        participant=nicola, purpose=Consent.Purpose.CONTACT_BY_SMS, withdrawn_at__isnull=True
    ).exists()
    if not active:
        Consent.objects.create(
            participant=nicola,
            purpose=Consent.Purpose.CONTACT_BY_SMS,
            given_at=timezone.make_aware(datetime.datetime.combine(nicola.joined_on, datetime.time(10, 0))),
            given_by=given_by,
            given_how=Consent.How.IN_PERSON_SIGNED,
        )
    ContactPreference.objects.create(
        participant=nicola,
        channel=ChannelChoice.TEXT,
        topics=[ParticipantTopic.APPOINTMENTS, ParticipantTopic.PLAN_OFFERS, ParticipantTopic.GROUP_SESSIONS],
        changed_by=given_by,
    )

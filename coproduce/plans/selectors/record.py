"""Everything recorded about a participant, as they may see it ("nothing about me without me")."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from coproduce.accounts.acting import ActingUser
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.plans.models import Appointment, Assessment, AssessmentBarrier, Contact, ProgressCheck
from coproduce.plans.selectors.contacts import contacts_visible_to
from coproduce.plans.selectors.progress import progress_checks_for


def contacts_shown_to(actor: ActingUser, participant: Participant) -> QuerySet[Contact]:
    """The notes of contacts with this participant that this person may read.

    The participant reads every note about them except those restricted for a safeguarding
    reason, which are left out altogether (not even counted). Staff who may see the participant
    read every note, restricted ones with their reason.
    """
    contacts = contacts_visible_to(actor).filter(participant=participant)
    return contacts.select_related("recorded_by", "restricted_by").order_by("-happened_on", "-pk")


@dataclass(frozen=True)
class RecordAbout:
    participant: Participant
    assessments: list[Assessment]
    contacts: list[Contact]
    progress_checks: list[ProgressCheck]
    appointments: list[Appointment]


def record_about(actor: ActingUser, participant_id: int) -> RecordAbout | None:
    """Every assessment (all versions, newest first), contact note, progress check and appointment.

    None if this person may not see the participant. A fixed number of queries however long the
    record is (participant, assessments, barriers, contacts, checks, scores, appointments).
    """
    participant = participants_visible_to(actor).filter(pk=participant_id).select_related("keyworker__user").first()
    if participant is None:
        return None
    assessments = (
        Assessment.objects.filter(participant=participant)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("barriers", queryset=AssessmentBarrier.objects.order_by("-importance", "barrier")))
        .order_by("-assessed_on", "-pk")
    )
    appointments = (
        Appointment.objects.filter(participant=participant).select_related("keyworker__user").order_by("-starts_at")
    )
    return RecordAbout(
        participant=participant,
        assessments=list(assessments),
        contacts=list(contacts_shown_to(actor, participant)),
        progress_checks=list(progress_checks_for(actor, participant.pk)),
        appointments=list(appointments),
    )

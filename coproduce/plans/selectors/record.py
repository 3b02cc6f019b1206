"""Everything recorded about a participant, as they may see it ("nothing about me without me")."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from coproduce.accounts.acting import ActingUser
from coproduce.participants.models import Consent, Participant
from coproduce.participants.selectors import participants_visible_to, with_child_birth_years
from coproduce.plans.models import Appointment, Assessment, AssessmentBarrier, Contact, ProgressCheck
from coproduce.plans.selectors.caseload import with_last_contact
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


def participant_record(
    actor: ActingUser,
    participant_id: int,
    *,
    contacts_limit: int | None = None,
    annotate: Callable[[QuerySet[Participant]], QuerySet[Participant]] | None = None,
) -> Participant | None:
    """One participant this person may see, with everything their record pages show, or None.

    Loaded in a fixed number of queries however long the record is: keyworker, area, household,
    consents, the latest assessment with its barriers (as `latest_assessments`, at most one) and
    the contacts newest first (as `recent_contacts`, the latest `contacts_limit` if given), with
    `contact_count`, `last_contact_on` and `child_birth_years` (see `birth_years`). `annotate` adds
    a page's own subqueries to the same query.
    """
    contacts = Contact.objects.select_related("recorded_by").order_by("-happened_on", "-pk")
    if contacts_limit is not None:
        contacts = contacts[:contacts_limit]
    latest_assessment = Assessment.objects.prefetch_related("barriers").order_by("-assessed_on", "-pk")[:1]
    count_contacts = (
        Contact.objects.filter(participant=OuterRef("pk"))
        .order_by()
        .values("participant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    participants = with_child_birth_years(with_last_contact(participants_visible_to(actor).filter(pk=participant_id)))
    if annotate is not None:
        participants = annotate(participants)
    return (
        participants.annotate(contact_count=Coalesce(Subquery(count_contacts), 0))
        .select_related("keyworker__user", "keyworker__organisation", "partnership", "user")
        .prefetch_related(
            Prefetch(
                "consents",
                queryset=Consent.objects.select_related("organisation", "given_by", "withdrawn_by").order_by(
                    "-given_at", "-pk"
                ),
            ),
            Prefetch("assessments", queryset=latest_assessment, to_attr="latest_assessments"),
            Prefetch("contacts", queryset=contacts, to_attr="recent_contacts"),
        )
        .first()
    )

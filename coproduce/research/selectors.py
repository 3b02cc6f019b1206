"""Reads of research data: one visibility function per protected model.

Evaluators see participants only while their research consent is in force, and only under
their pseudonym. When a participant withdraws, their interviews, transcripts, coded segments
and quotes leave every evaluator's view at once (they are kept, not deleted, so that a
data-protection request can still find them); the count of interviews done stays in Table 1,
which holds no personal data. A stakeholder who withdraws leaves the same way. Quotes need
consent to quotation as well.
"""

from typing import Any

from django.db.models import Q, QuerySet

from coproduce.accounts.roles import Role
from coproduce.participants.selectors import participants_visible_to
from coproduce.programmes.actors import actor_for
from coproduce.research.models import (
    Code,
    Codebook,
    CodedSegment,
    Interview,
    Quote,
    ResearchConsent,
    Stakeholder,
    Survey,
    SurveyInvitation,
    Transcript,
    Wave,
)

IN_FORCE = Q(consent__withdrawn_at__isnull=True)


def _is_evaluator(user: Any) -> bool:
    return actor_for(user).has(Role.EVALUATOR)


def research_consents_visible_to(user: Any) -> QuerySet[ResearchConsent]:
    """Evaluators: every research consent in force. A participant: their own, whatever its state.
    Their keyworker and area manager: those of the participants they may see (to record changes)."""
    if _is_evaluator(user):
        return ResearchConsent.objects.filter(IN_FORCE)
    return ResearchConsent.objects.filter(participant__in=participants_visible_to(user))


def stakeholders_visible_to(user: Any) -> QuerySet[Stakeholder]:
    """Evaluators: stakeholders who have not withdrawn. Nobody else."""
    if not _is_evaluator(user):
        return Stakeholder.objects.none()
    return Stakeholder.objects.filter(withdrawn_on__isnull=True)


def _interviewee_in_force(prefix: str = "") -> Q:
    return Q(**{f"{prefix}kind": Interview.Kind.STAKEHOLDER, f"{prefix}stakeholder__withdrawn_on__isnull": True}) | Q(
        **{
            f"{prefix}kind": Interview.Kind.PARTICIPANT,
            f"{prefix}research_consent__consent__withdrawn_at__isnull": True,
        }
    )


def waves_visible_to(user: Any) -> QuerySet[Wave]:
    return Wave.objects.all() if _is_evaluator(user) else Wave.objects.none()


def interviews_visible_to(user: Any) -> QuerySet[Interview]:
    """Evaluators: interviews whose interviewee has not withdrawn. Nobody else."""
    if not _is_evaluator(user):
        return Interview.objects.none()
    return Interview.objects.filter(_interviewee_in_force())


def transcripts_visible_to(user: Any) -> QuerySet[Transcript]:
    """Evaluators: transcripts of interviews they may see, and survey answers. Nobody else."""
    if not _is_evaluator(user):
        return Transcript.objects.none()
    return Transcript.objects.filter(Q(source=Transcript.Source.SURVEY) | _interviewee_in_force("interview__"))


def segments_visible_to(user: Any) -> QuerySet[CodedSegment]:
    return CodedSegment.objects.filter(transcript__in=transcripts_visible_to(user))


def quotes_visible_to(user: Any) -> QuerySet[Quote]:
    """Quotes from transcripts the evaluator may see, whose speaker agreed to be quoted."""
    agreed = (
        Q(transcript__source=Transcript.Source.SURVEY)
        | Q(
            transcript__interview__kind=Interview.Kind.STAKEHOLDER,
            transcript__interview__stakeholder__agreed_to_quotation=True,
        )
        | Q(
            transcript__interview__kind=Interview.Kind.PARTICIPANT,
            transcript__interview__research_consent__quotation=True,
        )
    )
    return Quote.objects.filter(transcript__in=transcripts_visible_to(user)).filter(agreed)


def codebooks_visible_to(user: Any) -> QuerySet[Codebook]:
    return Codebook.objects.all() if _is_evaluator(user) else Codebook.objects.none()


def codes_visible_to(user: Any) -> QuerySet[Code]:
    return Code.objects.filter(codebook__in=codebooks_visible_to(user))


def surveys_visible_to(user: Any) -> QuerySet[Survey]:
    return Survey.objects.all() if _is_evaluator(user) else Survey.objects.none()


def open_invitations_for(user: Any) -> QuerySet[SurveyInvitation]:
    """A participant's own survey invitations still to answer, on open surveys."""
    participant_id = actor_for(user).participant_id
    if participant_id is None:
        return SurveyInvitation.objects.none()
    return SurveyInvitation.objects.filter(
        participant_id=participant_id, answered=False, survey__status=Survey.Status.OPEN
    ).select_related("survey", "point")


def interviewee_participant_id(transcript: Transcript) -> int | None:
    """The participant whose words a transcript holds, for the audit log: None for stakeholders and
    survey answers. Reads `transcript.interview.research_consent`: select them with the transcript."""
    interview = transcript.interview if transcript.interview_id else None
    if interview is None or interview.kind != Interview.Kind.PARTICIPANT or interview.research_consent is None:
        return None
    return interview.research_consent.participant_id

"""Reads of research data: one visibility function per protected model.

Evaluators see participants only while their research consent is in force, and only under
their pseudonym. When a participant withdraws, their interviews, transcripts, coded segments
and quotes leave every evaluator's view at once (they are kept, not deleted, so that a
data-protection request can still find them); the count of interviews done stays in Table 1,
which holds no personal data. A stakeholder who withdraws leaves the same way. Quotes need
consent to quotation as well.

Evaluation is per programme: an evaluator sees the research data of the programmes they oversee
(`standing_of(actor).programme_ids`) and nothing of another programme's, participants included. Each
function takes an optional `programme_id` to narrow it to one programme (the one a page or an API
call is about); a programme the evaluator does not oversee gives nothing.

The reads built on these for one area of the work sit beside them, one module per area as in
services/: coding, project_exchange, quotes, surveys, transcripts.
"""

from django.db.models import Q, QuerySet

from coproduce.accounts.acting import ActingUser
from coproduce.core.errors import NotFound
from coproduce.participants.selectors import participants_visible_to
from coproduce.programmes.models import Programme
from coproduce.programmes.standing import standing_of
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
from coproduce.research.permissions import is_evaluator

IN_FORCE = Q(consent__withdrawn_at__isnull=True)


def evaluation_programme(actor: ActingUser, programme_id: int | None = None) -> Programme:
    """The programme an evaluation read or change is about: `programme_id` if this person oversees it, else
    (None) the one of theirs that started last. NotFound for one they do not oversee or that does not exist,
    exactly as for a record they may not see, and for someone who oversees none."""
    programmes = standing_of(actor).programmes
    if programme_id is None:
        if not programmes:
            raise NotFound("No such programme.")
        return programmes[0]
    found = next((programme for programme in programmes if programme.pk == programme_id), None)
    if found is None:
        raise NotFound("No such programme.")
    return found


def overseen_programme_ids(actor: ActingUser, programme_id: int | None = None) -> list[int]:
    """The programmes whose research data this person may see: those they oversee, or only `programme_id`
    when given (none at all if they do not oversee it)."""
    overseen = standing_of(actor).programme_ids
    if programme_id is not None:
        return [programme_id] if programme_id in overseen else []
    return sorted(overseen)


def research_consents_visible_to(actor: ActingUser, *, programme_id: int | None = None) -> QuerySet[ResearchConsent]:
    """Evaluators: every research consent in force of the participants of the programmes they oversee.
    A participant: their own, whatever its state. Their keyworker and area manager: those of the
    participants they may see (to record changes)."""
    if is_evaluator(actor):
        return ResearchConsent.objects.filter(
            IN_FORCE, participant__partnership__programme_id__in=overseen_programme_ids(actor, programme_id)
        )
    return ResearchConsent.objects.filter(participant__in=participants_visible_to(actor))


def stakeholders_visible_to(actor: ActingUser, *, programme_id: int | None = None) -> QuerySet[Stakeholder]:
    """Evaluators: stakeholders of their programmes who have not withdrawn. Nobody else."""
    if not is_evaluator(actor):
        return Stakeholder.objects.none()
    return Stakeholder.objects.filter(
        withdrawn_on__isnull=True, programme_id__in=overseen_programme_ids(actor, programme_id)
    )


def _interviewee_in_force(prefix: str = "") -> Q:
    return Q(**{f"{prefix}kind": Interview.Kind.STAKEHOLDER, f"{prefix}stakeholder__withdrawn_on__isnull": True}) | Q(
        **{
            f"{prefix}kind": Interview.Kind.PARTICIPANT,
            f"{prefix}research_consent__consent__withdrawn_at__isnull": True,
        }
    )


def waves_visible_to(actor: ActingUser, *, programme_id: int | None = None) -> QuerySet[Wave]:
    if not is_evaluator(actor):
        return Wave.objects.none()
    return Wave.objects.filter(programme_id__in=overseen_programme_ids(actor, programme_id))


def interviews_visible_to(actor: ActingUser, *, programme_id: int | None = None) -> QuerySet[Interview]:
    """Evaluators: interviews of their programmes whose interviewee has not withdrawn. Nobody else."""
    if not is_evaluator(actor):
        return Interview.objects.none()
    return Interview.objects.filter(
        _interviewee_in_force(), wave__programme_id__in=overseen_programme_ids(actor, programme_id)
    )


def transcripts_visible_to(actor: ActingUser, *, programme_id: int | None = None) -> QuerySet[Transcript]:
    """Evaluators: transcripts of interviews they may see, and survey answers, of their programmes.
    Nobody else."""
    if not is_evaluator(actor):
        return Transcript.objects.none()
    return Transcript.objects.filter(
        Q(source=Transcript.Source.SURVEY) | _interviewee_in_force("interview__"),
        wave__programme_id__in=overseen_programme_ids(actor, programme_id),
    )


def segments_visible_to(actor: ActingUser, *, programme_id: int | None = None) -> QuerySet[CodedSegment]:
    return CodedSegment.objects.filter(transcript__in=transcripts_visible_to(actor, programme_id=programme_id))


def own_segments(actor: ActingUser, transcript: Transcript) -> QuerySet[CodedSegment]:
    """The segments this coder applied to the transcript, not the consensus, in the order of the text.

    Coding is independent: the coding page and the API's `coder=me` show a coder only their own;
    everyone's are side by side only on the comparison.
    """
    return (
        segments_visible_to(actor)
        .filter(transcript=transcript, coder_id=actor.pk, is_consensus=False)
        .select_related("code")
        .order_by("start", "end", "code__name", "pk")
    )


def quotes_visible_to(actor: ActingUser, *, programme_id: int | None = None) -> QuerySet[Quote]:
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
    return Quote.objects.filter(transcript__in=transcripts_visible_to(actor, programme_id=programme_id)).filter(agreed)


def codebooks_visible_to(actor: ActingUser, *, programme_id: int | None = None) -> QuerySet[Codebook]:
    if not is_evaluator(actor):
        return Codebook.objects.none()
    return Codebook.objects.filter(programme_id__in=overseen_programme_ids(actor, programme_id))


def codes_visible_to(actor: ActingUser, *, programme_id: int | None = None) -> QuerySet[Code]:
    return Code.objects.filter(codebook__in=codebooks_visible_to(actor, programme_id=programme_id))


def surveys_visible_to(actor: ActingUser, *, programme_id: int | None = None) -> QuerySet[Survey]:
    if not is_evaluator(actor):
        return Survey.objects.none()
    return Survey.objects.filter(programme_id__in=overseen_programme_ids(actor, programme_id))


def open_invitations_for(actor: ActingUser) -> QuerySet[SurveyInvitation]:
    """A participant's own survey invitations still to answer, on open surveys."""
    participant_id = standing_of(actor).participant_id
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

"""Reads for exchanging a project with QDA software: its sources, and whom coding may be imported for."""

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.programmes.models import StaffMember
from coproduce.programmes.standing import standing_of
from coproduce.research.models import Codebook, Transcript
from coproduce.research.selectors.coding import coding_transcripts


def project_transcripts(actor: ActingUser, codebook: Codebook) -> list[Transcript]:
    """The programme's transcripts ready for coding that the evaluator may see: the project's sources."""
    return list(
        coding_transcripts(actor)
        .filter(status=Transcript.Status.READY, wave__programme_id=codebook.programme_id)
        .order_by("wave__year", "partnership__area_name", "title", "pk")
    )


def team_coders(actor: ActingUser) -> list[User]:
    """Whom an evaluator may import coding for: themselves and the active evaluators of their own team."""
    actor = signed_in(actor)
    organisation_id = standing_of(actor).organisation_id
    if organisation_id is None:
        return [actor]
    staff = (
        StaffMember.objects.filter(organisation_id=organisation_id, is_active=True, roles__role=Role.EVALUATOR)
        .select_related("user")
        .order_by("user__display_name", "pk")
        .distinct()
    )
    users = [member.user for member in staff if member.user.is_active]
    return users if any(user.pk == actor.pk for user in users) else [actor, *users]

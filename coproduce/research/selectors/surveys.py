"""Reads for the participant survey: when it opened, and who is due an invitation at a point."""

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from coproduce.participants.models import Participant
from coproduce.research.models import (
    ResearchConsent,
    Survey,
    SurveyPoint,
)


def opened_on(survey: Survey) -> datetime.date | None:
    """The day the survey first opened, from its history (None if it never has)."""
    first = survey.history.filter(status=Survey.Status.OPEN).order_by("history_date", "history_id").first()
    return timezone.localdate(first.history_date) if first is not None else None


def _research_consent_in_force() -> Exists:
    return Exists(ResearchConsent.objects.filter(participant=OuterRef("pk"), consent__withdrawn_at__isnull=True))


def participants_due(point: SurveyPoint, *, opened: datetime.date, today: datetime.date) -> QuerySet[Participant]:
    """Active participants of the survey's programme, with research consent in force, whose day
    for this point (joined_on + days_after_joining) falls from the day the survey opened to today,
    and who have not been invited at this point yet."""
    days = datetime.timedelta(days=point.days_after_joining)
    return (
        Participant.objects.filter(
            status=Participant.Status.ACTIVE,
            partnership__programme_id=point.survey.programme_id,
            joined_on__gte=opened - days,
            joined_on__lte=today - days,
        )
        .filter(_research_consent_in_force())
        .exclude(survey_invitations__point=point)
    )

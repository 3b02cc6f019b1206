import datetime

import factory
from django.utils import timezone

from coproduce.participants.models import CoverShare
from coproduce.plans.models import (
    Appointment,
    Assessment,
    AssessmentBarrier,
    Barrier,
    Contact,
    JobSearchEntry,
    ProgressArea,
    ProgressCheck,
    ProgressScore,
)
from tests.participants.factories import ParticipantFactory


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    participant = factory.SubFactory(ParticipantFactory)
    happened_on = datetime.date(2026, 11, 2)
    kind = Contact.Kind.CENTRE
    duration_minutes = 45
    notes = "Talked about what kind of work would fit around the school run."
    recorded_by = factory.LazyAttribute(lambda contact: contact.participant.keyworker.user)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    participant = factory.SubFactory(ParticipantFactory)
    assessed_on = datetime.date(2015, 3, 9)
    recorded_by = factory.LazyAttribute(lambda assessment: assessment.participant.keyworker.user)
    strengths = "Organised, good with people, ran the school parents' group."
    aspirations = "I want a job in care that fits around the school day."


class AssessmentBarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentBarrier

    assessment = factory.SubFactory(AssessmentFactory)
    barrier = Barrier.CHILDCARE
    own_words = "No one to pick the kids up after school."


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.Goal"

    participant = factory.SubFactory(ParticipantFactory)
    title = "Find a job in care that fits around the school day"
    created_by = factory.LazyAttribute(lambda goal: goal.participant.keyworker.user)


class StepFactory(factory.django.DjangoModelFactory):
    """An offered step (the keyworker proposed it; no answer yet)."""

    class Meta:
        model = "plans.Step"

    goal = factory.SubFactory(GoalFactory)
    description = "Go to the SVQ Social Services taster day at Fife College"
    proposed_by = "keyworker"
    proposed_by_user = factory.LazyAttribute(lambda step: step.goal.participant.keyworker.user)


class ProgressCheckFactory(factory.django.DjangoModelFactory):
    """A check with all eight areas scored `score` (override per area with `scores={area: n}`)."""

    class Meta:
        model = ProgressCheck
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory)
    checked_on = datetime.date(2026, 3, 2)
    reader = ProgressCheck.Reader.PARTICIPANT
    recorded_by = factory.LazyAttribute(lambda check: check.participant.user or check.participant.keyworker.user)

    @factory.post_generation
    def scores(self, create: bool, extracted: dict[str, int] | None, **kwargs: object) -> None:
        if not create:
            return
        chosen = extracted or {}
        ProgressScore.objects.bulk_create(
            [
                ProgressScore(progress_check=self, area=area, score=chosen.get(area, 5), comment="")
                for area in ProgressArea.values
            ]
        )


class JobSearchEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobSearchEntry

    participant = factory.SubFactory(ParticipantFactory)
    searched_on = datetime.date(2026, 11, 9)
    employer = "Kirkcaldy Care Homes"
    role = "Care assistant, school hours"
    action = JobSearchEntry.Action.APPLIED
    what_i_did = "Filled in the online form."
    outcome = "Waiting to hear"
    recorded_by = factory.LazyAttribute(lambda entry: entry.participant.user or entry.participant.keyworker.user)


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    participant = factory.SubFactory(ParticipantFactory)
    keyworker = factory.LazyAttribute(lambda appointment: appointment.participant.keyworker)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    duration_minutes = 60
    place = Appointment.Place.CENTRE
    place_details = "Kirkcaldy family centre, room 2"
    created_by = factory.LazyAttribute(lambda appointment: appointment.participant.keyworker.user)


class CoverShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoverShare

    participant = factory.SubFactory(ParticipantFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    reason = "Annual leave"
    granted_by = factory.LazyAttribute(lambda share: share.participant.keyworker.user)

"""Pat's whole record, for the subject access tests: something in every part of the copy.

On top of the personas' referral and research stories (Pat's sent referrals to Kingdom Money
Advice and Fife Childcare Links; his research consent, interview, transcript, quote and survey
invitation; an anonymous survey answer from Fife):

- Kim offered Pat a step ("Go to the care taster day"); Pat first wanted to talk about it, then
  agreed on his page. Pat added a goal of his own.
- Two of Kim's notes about Pat are restricted for a safeguarding reason: HIDDEN_NOTE (to stay
  withheld) and SOFTER_NOTE (which a manager may decide to give him). The personas' own note of
  a meeting (OPEN_NOTE) is not restricted.
- An assessment, a progress check, a job-search entry, an appointment, a request and feedback,
  a job start with its sustainment checks, a work wish, £35 of approved travel spend, cover by
  Owen, and an availability slot.
- Kim looked at Pat's record (an audit event "who looked" must show).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from coproduce.outcomes.tasks import schedule_sustainment_checks
from coproduce.participants.models import AvailabilitySlot
from coproduce.participants.services import record_participant_view
from coproduce.plans.models import Contact, Step
from coproduce.plans.services.contacts import record_contact, restrict_contact
from coproduce.plans.services.plan import add_goal, agree_to_step, ask_to_talk_about_step, offer_step
from tests.budgets.factories import ApprovedSpendFactory, BudgetPotFactory
from tests.outcomes.factories import JobStartFactory, WorkWishFactory
from tests.personas import Personas
from tests.plans.factories import (
    AppointmentFactory,
    AssessmentBarrierFactory,
    AssessmentFactory,
    CoverShareFactory,
    JobSearchEntryFactory,
    ProgressCheckFactory,
)
from tests.voice.factories import FeedbackFactory, RequestFactory

OPEN_NOTE = "Talked about what kind of work would fit around the school run."
HIDDEN_NOTE = "Pat disclosed that his former partner threatened him; new address not to be shared."
HIDDEN_REASON = "Risk of harm from a former partner."
SOFTER_NOTE = "Kim spoke to the health visitor about Pat's low mood."
SOFTER_REASON = "Health information from a third party."
STEP = "Go to the care taster day at Fife College"
OWN_GOAL = "Learn to drive"
JOB_SEARCH = "Kirkcaldy Care Homes"
REQUEST = "A group on budgeting when Universal Credit stops."
FEEDBACK = "Kim never rushes me."


@dataclass
class PatsRecord:
    hidden_note: Contact
    softer_note: Contact
    step: Step


def build_pats_record(p: Personas) -> PatsRecord:
    p.with_referrals().with_research()
    kim, pat = p.keyworker.user, p.participant
    goal = add_goal(actor=kim, participant_id=pat.pk, title="Work in care, in school hours")
    step = offer_step(actor=kim, goal_id=goal.pk, description=STEP)
    step = ask_to_talk_about_step(actor=pat.user, step_id=step.pk, expected_version=step.version)
    step = agree_to_step(actor=pat.user, step_id=step.pk, expected_version=step.version)
    add_goal(actor=pat.user, participant_id=pat.pk, title=OWN_GOAL)

    hidden = record_contact(
        actor=kim, participant_id=pat.pk, happened_on=datetime.date(2026, 10, 5), kind="phone", notes=HIDDEN_NOTE
    )
    hidden = restrict_contact(actor=kim, contact_id=hidden.pk, expected_version=hidden.version, reason=HIDDEN_REASON)
    softer = record_contact(
        actor=kim, participant_id=pat.pk, happened_on=datetime.date(2026, 10, 12), kind="message", notes=SOFTER_NOTE
    )
    softer = restrict_contact(actor=kim, contact_id=softer.pk, expected_version=softer.version, reason=SOFTER_REASON)

    assessment = AssessmentFactory(participant=pat)
    AssessmentBarrierFactory(assessment=assessment)
    ProgressCheckFactory(participant=pat, scores={"confidence": 7})
    JobSearchEntryFactory(participant=pat, employer=JOB_SEARCH)
    AppointmentFactory(participant=pat)
    RequestFactory(participant=pat, text=REQUEST)
    FeedbackFactory(participant=pat, text=FEEDBACK)
    job = JobStartFactory(participant=pat, recorded_by=kim)
    schedule_sustainment_checks.call(job.pk)
    WorkWishFactory(participant=pat, recorded_by=kim)
    ApprovedSpendFactory(pot=BudgetPotFactory(partnership=p.fife), participant=pat, amount=Decimal("35.00"))
    CoverShareFactory(participant=pat, covering_keyworker=p.other_keyworker)
    AvailabilitySlot.objects.create(participant=pat, weekday=1, part_of_day=AvailabilitySlot.PartOfDay.MORNING)
    record_participant_view(actor=kim, participant=pat)
    return PatsRecord(hidden_note=hidden, softer_note=softer, step=step)

"""Access cases for outcomes, work wishes and sustainment checks, pages and API.

Pat (participant) started a job as a library assistant; its four sustainment checks are
scheduled. Kim (his keyworker) and Mo (Fife's manager) record and correct; Pat reads his own.
Refused roles see nothing of the job or of Pat, and change nothing.
"""

from decimal import Decimal

from django.urls import reverse

from coproduce.outcomes.models import Outcome, SustainmentCheck, WorkWish
from coproduce.outcomes.tasks import schedule_sustainment_checks
from tests.access.matrix import EVERYONE_SIGNED_IN, AccessCase, roles
from tests.outcomes.factories import JobStartFactory
from tests.personas import Personas

PATS_JOB = "Library assistant at Kirkcaldy Galleries"
CASEWORKERS = roles("keyworker", "partnership_manager")
PAT_AND_CASEWORKERS = roles("participant", "keyworker", "partnership_manager")


def pats_job(p: Personas) -> Outcome:
    outcome = Outcome.objects.filter(participant=p.participant, description=PATS_JOB).first()
    if outcome is None:
        outcome = JobStartFactory(
            participant=p.participant, description=PATS_JOB, recorded_by=p.keyworker.user, hourly_pay=Decimal("8.45")
        )
        schedule_sustainment_checks.call(outcome.pk)
    return outcome


def pats_check(p: Personas) -> SustainmentCheck:
    return SustainmentCheck.objects.get(outcome=pats_job(p), weeks=4)


def pat_secrets(p: Personas) -> list[str]:
    return [PATS_JOB, p.participant.reference]


def with_job(p: Personas) -> str:
    pats_job(p)
    return ""


def outcomes_snapshot(p: Personas) -> tuple[object, ...]:
    pats_job(p)
    return tuple(Outcome.objects.order_by("pk").values_list("pk", "achieved_on", "hourly_pay", "version"))


def wish_snapshot(p: Personas) -> tuple[object, ...]:
    return tuple(WorkWish.objects.values_list("participant_id", "min_hours", "max_hours", "version"))


def check_snapshot(p: Personas) -> tuple[object, ...]:
    pats_job(p)
    return tuple(SustainmentCheck.objects.order_by("pk").values_list("status", "checked_on", "version"))


def training(p: Personas) -> dict[str, str]:
    return {"kind": "training", "achieved_on": "2015-09-01", "description": "HNC", "evidence": "provider"}


CASES = [
    # Keyworker pages.
    AccessCase(
        route="web:participant_outcomes",
        url=lambda p: with_job(p) + reverse("web:participant_outcomes", args=[p.participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:outcome_add",
        url=lambda p: reverse("web:outcome_add", args=[p.participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:outcome_add",
        method="POST",
        url=lambda p: reverse("web:outcome_add", args=[p.participant.pk]),
        data=training,
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=outcomes_snapshot,
    ),
    AccessCase(
        route="web:outcome_edit",
        url=lambda p: reverse("web:outcome_edit", args=[pats_job(p).pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:outcome_edit",
        method="POST",
        url=lambda p: reverse("web:outcome_edit", args=[pats_job(p).pk]),
        data=lambda p: {
            "achieved_on": "2016-03-14",
            "description": PATS_JOB,
            "employer_sector": "public",
            "hours_per_week": "20",
            "contract_type": "permanent",
            "hourly_pay": "8.45",
            "evidence": "contract",
            "version": pats_job(p).version,
        },
        allowed=CASEWORKERS,
        allowed_status=302,
        secrets=pat_secrets,
        snapshot=outcomes_snapshot,
    ),
    AccessCase(
        route="web:work_wish_edit",
        url=lambda p: reverse("web:work_wish_edit", args=[p.participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:work_wish_edit",
        method="POST",
        url=lambda p: reverse("web:work_wish_edit", args=[p.participant.pk]),
        data=lambda p: {"min_hours": "16", "max_hours": "25", "contract_types": ["permanent"], "note": "School hours"},
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=wish_snapshot,
    ),
    AccessCase(
        route="web:sustainment_check_answer",
        url=lambda p: reverse("web:sustainment_check_answer", args=[pats_check(p).pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:sustainment_check_answer",
        method="POST",
        url=lambda p: reverse("web:sustainment_check_answer", args=[pats_check(p).pk]),
        data=lambda p: {"status": "in_work", "checked_on": "2016-04-05", "note": "", "version": pats_check(p).version},
        allowed=CASEWORKERS,
        allowed_status=302,
        secrets=pat_secrets,
        snapshot=check_snapshot,
    ),
    # The participant's own page.
    AccessCase(
        route="web:my_achievements",
        url=lambda p: with_job(p) + reverse("web:my_achievements"),
        allowed=roles("participant"),
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    # API.
    AccessCase(
        route="api-v1:list_outcomes",
        url=lambda p: with_job(p) + reverse("api-v1:list_outcomes", args=[p.participant.pk]),
        allowed=PAT_AND_CASEWORKERS,
        api=True,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:record_outcome",
        method="POST",
        json=True,
        url=lambda p: reverse("api-v1:record_outcome", args=[p.participant.pk]),
        data=training,
        allowed=CASEWORKERS,
        allowed_status=201,
        api=True,
        snapshot=outcomes_snapshot,
    ),
    AccessCase(
        route="api-v1:get_outcome",
        url=lambda p: reverse("api-v1:get_outcome", args=[pats_job(p).pk]),
        allowed=PAT_AND_CASEWORKERS,
        api=True,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:update_outcome",
        method="PATCH",
        json=True,
        url=lambda p: reverse("api-v1:update_outcome", args=[pats_job(p).pk]),
        data=lambda p: {"version": pats_job(p).version, "hourly_pay": "9.00"},
        allowed=CASEWORKERS,
        api=True,
        secrets=pat_secrets,
        snapshot=outcomes_snapshot,
    ),
    AccessCase(
        route="api-v1:answer_sustainment_check",
        method="POST",
        json=True,
        url=lambda p: reverse("api-v1:answer_sustainment_check", args=[pats_check(p).pk]),
        data=lambda p: {"version": pats_check(p).version, "status": "no_contact", "checked_on": "2016-04-06"},
        allowed=CASEWORKERS,
        api=True,
        secrets=pat_secrets,
        snapshot=check_snapshot,
    ),
    # Everyone signed in may ask; each gets only the checks of the people they work with (or their own).
    AccessCase(
        route="api-v1:due_sustainment_checks",
        url=lambda p: with_job(p) + reverse("api-v1:due_sustainment_checks"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
    ),
]

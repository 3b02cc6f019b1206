"""`manage.py generate_programme`: a scale programme of any size beside the demo, written with COPY on
PostgreSQL (executemany on SQLite), deterministic by seed, whose pages answer and whose audit verifies."""

import dataclasses
import datetime
import io
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.audit.models import AuditEvent
from coproduce.budgets.models import Spend
from coproduce.demo import scale
from coproduce.outcomes.models import Outcome, SustainmentCheck, WorkWish
from coproduce.participants.models import Participant
from coproduce.plans.models import Appointment, Contact, Goal, Step
from coproduce.plans.selectors.contacts import appointments_this_week_for
from coproduce.programmes.models import BoardDecision, BoardMeeting, BoardMember, Programme, StaffMember
from coproduce.referrals.models import Referral
from coproduce.reporting.research_outcomes import counted_people, time_to_work_of
from coproduce.reporting.statistics import job_fits_condition, programme_statistics
from coproduce.research.models import Interview, ResearchConsent, Stakeholder
from coproduce.research.table1 import table_one
from coproduce.voice.models import Request

SIZE = 200
SEED = 7
TODAY = datetime.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def checkpoint_dir(settings: Any, tmp_path: Path) -> Path:
    """Each build seals its events into checkpoints of its own (a rolled-back build leaves its file behind)."""
    settings.COPRODUCE_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return tmp_path / "checkpoints"


def _generate(**kwargs: Any) -> scale.ScaleSummary:
    return scale.generate_programme(participants=SIZE, seed=SEED, today=TODAY, **kwargs)


def _key_columns(programme: Programme) -> dict[str, list[tuple[Any, ...]]]:
    """What the rows say, without their ids (which depend on what the database held before)."""
    people = Participant.objects.filter(partnership__programme=programme)
    return {
        "participants": list(
            people.order_by("reference").values_list(
                "reference",
                "given_name",
                "family_name",
                "email",
                "postcode",
                "status",
                "joined_on",
                "status_since",
                "keyworker__user__username",
            )
        ),
        "contacts": list(
            Contact.objects.filter(participant__in=people)
            .order_by("participant__reference", "happened_on")
            .values_list("participant__reference", "happened_on", "kind", "duration_minutes")
        ),
        "referrals": list(
            Referral.objects.filter(participant__in=people)
            .order_by("participant__reference", "proposed_at", "state")
            .values_list("participant__reference", "state", "organisation__name", "proposed_at")
        ),
        "outcomes": list(
            Outcome.objects.filter(participant__in=people)
            .order_by("participant__reference", "kind")
            .values_list("participant__reference", "kind", "achieved_on", "hourly_pay", "hours_per_week")
        ),
        "spends": list(
            Spend.objects.filter(participant__in=people)
            .order_by("participant__reference")
            .values_list("participant__reference", "category", "amount", "state")
        ),
        "appointments": list(
            Appointment.objects.filter(participant__in=people)
            .order_by("participant__reference")
            .values_list("participant__reference", "starts_at", "duration_minutes", "place")
        ),
        "board": list(
            BoardDecision.objects.filter(partnership__programme=programme)
            .order_by("partnership__short_code", "decided_on", "decision")
            .values_list("partnership__short_code", "decided_on", "decision", "action_by", "done_on")
        ),
    }


@pytest.mark.django_db
def test_a_programme_of_any_size_with_the_demos_shapes(sign_in: Callable[[User], Client]) -> None:
    summary = _generate(check_keys=True)
    programme = summary.programme
    assert programme.name == f"Scale programme ({SIZE} participants)"
    people = Participant.objects.filter(partnership__programme=programme)

    # Counts per table as written, and as reported.
    assert people.count() == SIZE == summary.rows["participants_participant"]
    for model in (Contact, Goal, Step, Referral, Outcome, SustainmentCheck, Spend, Request, Appointment):
        assert model._default_manager.count() == summary.rows[model._meta.db_table], model
    board = {
        "programmes_boardmember": BoardMember.objects.filter(partnership__programme=programme),
        "programmes_boardmeeting": BoardMeeting.objects.filter(partnership__programme=programme),
        "programmes_boarddecision": BoardDecision.objects.filter(partnership__programme=programme),
    }
    for table, rows in board.items():
        assert rows.count() == summary.rows[table] > 0, table
    assert AuditEvent.objects.filter(participant__in=people).count() == summary.rows["audit_auditevent"]
    assert 15 <= Contact.objects.filter(participant__in=people).count() / SIZE <= 25  # about twenty each
    assert Referral.objects.filter(participant__in=people).exists()
    assert SustainmentCheck.objects.filter(status=SustainmentCheck.Status.DUE).exists()
    assert SustainmentCheck.objects.exclude(status=SustainmentCheck.Status.DUE).exists()
    assert Request.objects.filter(participant__in=people, status=Request.Status.OPEN).exists()
    # Appointments in the coming week for some of the active, none for anyone else.
    booked = Appointment.objects.filter(participant__in=people)
    assert booked.exists()
    assert not booked.exclude(participant__status=Participant.Status.ACTIVE).exists()
    assert all(TODAY <= a.starts_at.date() < TODAY + datetime.timedelta(days=7) for a in booked)
    # The board: a meeting a quarter, whatever the size; its lived-experience member can sign in.
    assert BoardMeeting.objects.filter(partnership__programme=programme).count() <= 20 * summary.partnerships

    # Caseloads: every keyworker has 30–60 active participants.
    caseloads = (
        StaffMember.objects.filter(partnership__programme=programme, roles__role="keyworker")
        .annotate(active=Count("caseload", filter=Q(caseload__status=Participant.Status.ACTIVE)))
        .values_list("active", flat=True)
    )
    assert caseloads
    assert all(30 <= active <= 60 for active in caseloads), list(caseloads)

    # The audit: every event is sealed, and the log verifies.
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "checks out" in out.getvalue()

    # The funder's figures are the records counted again.
    stats = programme_statistics(TODAY, programme=programme)
    assert stats.programme.participants.value == people.filter(joined_on__lte=TODAY).count()
    working = people.filter(outcomes__kind=Outcome.Kind.JOB_START, outcomes__achieved_on__lte=TODAY).distinct()
    assert stats.programme.paid_work.count.hidden or stats.programme.paid_work.count.value == working.count()

    # Every role the benchmarks sign in as has a page that answers.
    logins = summary.logins
    pages = {
        "keyworker": [reverse("web:caseload"), reverse("web:requests_board")],
        "partnership manager": [reverse("web:area_overview"), reverse("web:partnership_dashboard")],
        "partner worker": [reverse("web:partner_home")],
        "funder": [reverse("web:funder_home"), reverse("web:funder_dashboard")],
        "evaluator": [reverse("web:research_home")],
        "participant": [reverse("web:my_page")],
        "board member": [reverse("web:board_home"), reverse("web:partnership_dashboard")],
    }
    for role, paths in pages.items():
        client = sign_in(User.objects.get(email=logins[role]))
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (role, path, response.status_code)
    first = people.filter(keyworker__user__email=logins["keyworker"], status=Participant.Status.ACTIVE).first()
    assert first is not None
    caseload = sign_in(User.objects.get(email=logins["keyworker"])).get(reverse("web:caseload"))
    assert first.family_name in caseload.content.decode()
    # "Today and this week" on the day it was generated for (the page itself uses the real day).
    assert appointments_this_week_for(User.objects.get(email=logins["keyworker"]), TODAY).exists()


@pytest.mark.django_db
def test_the_evaluation_and_work_wishes_in_the_demos_proportions(sign_in: Callable[[User], Client]) -> None:
    """Work wishes, research consents and interviews, so that the funder's "fitting job", the evaluator's
    analytics and Table 1 have figures at scale: in the demo's proportions, seen by the generated evaluator."""
    summary = scale.generate_programme(participants=1000, seed=SEED, today=TODAY)
    programme = summary.programme
    people = Participant.objects.filter(partnership__programme=programme)
    size = people.count()

    # Work wishes: 88% of everyone, and everyone who started a job; most jobs fit the wish.
    wishes = WorkWish.objects.filter(participant__in=people)
    assert wishes.count() == summary.rows["outcomes_workwish"]
    assert 0.85 <= wishes.count() / size <= 0.95
    jobs = Outcome.objects.filter(participant__in=people, kind=Outcome.Kind.JOB_START)
    assert jobs.exists()
    assert not jobs.filter(participant__work_wish__isnull=True).exists()
    within_hours = jobs.filter(
        hours_per_week__gte=F("participant__work_wish__min_hours"),
        hours_per_week__lte=F("participant__work_wish__max_hours"),
    )
    assert within_hours.count() / jobs.count() >= 0.7
    assert jobs.filter(job_fits_condition()).exists()
    stats = programme_statistics(TODAY, programme=programme)
    fitting = stats.programme.fitting_job.count
    assert fitting.hidden or (fitting.value or 0) > 0

    # Research consent: 40% of everyone, beside a research-purpose consent; 86% of them cover service data.
    consents = ResearchConsent.objects.filter(participant__in=people)
    assert consents.count() == summary.rows["research_researchconsent"]
    assert 0.35 <= consents.count() / size <= 0.45
    assert set(consents.values_list("consent__purpose", flat=True)) == {"research"}
    assert 0.8 <= consents.filter(service_data=True).count() / consents.count() <= 0.92
    assert consents.values("pseudonym").distinct().count() == consents.count()

    # Interviews done in each wave (one a year), of consenting participants and of the areas' staff.
    done = Interview.objects.filter(wave__programme=programme, status=Interview.Status.DONE)
    assert done.filter(kind=Interview.Kind.PARTICIPANT).exists()
    assert done.filter(kind=Interview.Kind.STAKEHOLDER).exists()
    assert not done.filter(kind=Interview.Kind.PARTICIPANT, research_consent__interview=False).exists()
    assert not done.filter(held_on__gte=TODAY).exists()
    assert Stakeholder.objects.filter(programme=programme).count() == summary.rows["research_stakeholder"]

    # The generated evaluator oversees the programme: the analytics and Table 1 have figures.
    evaluator = User.objects.get(email=summary.logins["evaluator"])
    counted = counted_people(evaluator, TODAY, programme)
    assert len(counted) == consents.filter(service_data=True).count() > 0
    assert time_to_work_of(counted, TODAY)
    table = table_one(evaluator, programme_id=programme.pk)
    assert table.years == (2025, 2026)
    assert table.overall().participants == done.filter(kind=Interview.Kind.PARTICIPANT).count() > 0
    assert table.overall().stakeholders == done.filter(kind=Interview.Kind.STAKEHOLDER).count() > 0
    client = sign_in(evaluator)
    for name in ("web:research_analytics", "web:research_table1"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name


class _Undo(Exception):
    pass


def _built_and_undone() -> dict[str, list[tuple[Any, ...]]]:
    """A build's key columns, then the build rolled back, so that the same programme can be built again."""
    built: dict[str, list[tuple[Any, ...]]] = {}
    try:
        with transaction.atomic():
            built = _key_columns(_generate().programme)
            raise _Undo
    except _Undo:
        pass
    return built


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows(settings: Any, tmp_path: Path) -> None:
    first = _built_and_undone()
    settings.COPRODUCE_AUDIT_CHECKPOINT_DIR = tmp_path / "second"
    second = _key_columns(_generate().programme)
    assert first == second
    assert len(first["participants"]) == SIZE
    assert Counter(row[5] for row in first["participants"])["active"] > SIZE / 2


@pytest.mark.django_db
def test_a_second_run_refuses_clearly() -> None:
    _generate()
    with pytest.raises(CommandError, match="already in this database"):
        call_command("generate_programme", "--participants", "10", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_command_prints_rows_time_and_logins() -> None:
    out = io.StringIO()
    call_command("generate_programme", "--participants", "60", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert "participants_participant" in text
    assert "plans_contact" in text
    assert "Time:" in text
    for role in (
        "keyworker",
        "partnership manager",
        "partner worker",
        "funder",
        "evaluator",
        "participant",
        "board member",
    ):
        assert role in text
    assert Participant.objects.filter(reference__startswith=f"{scale.PREFIX}-").count() == 60
    # The funder's pages find the rollups of their counts made, and true to the records.
    assert "Rollups of the funder's statistics: " in text
    programme = scale.scale_programme()
    assert programme is not None
    today = timezone.localdate()  # the command's day
    rolled = programme_statistics(today, programme, from_rollups=True)
    assert rolled.figures_as_of is not None
    assert dataclasses.replace(rolled, figures_as_of=None) == programme_statistics(today, programme)
    if connection.vendor == "postgresql":
        assert "Generated" in text

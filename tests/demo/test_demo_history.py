"""The demo's history holds up: Making It Work happened inside its years, and the live programme is now.

Every date and date-time column of every row that belongs to the closed programme is on or before
`data.HISTORY_ENDS_ON` (its last sustainment checks fall in 2018); joining, support, outcomes and
closure fall inside the programme's own years. Columns Django fills in when a row is written
(`auto_now`/`auto_now_add`: created and updated timestamps) and the audit log are the loading's own
time, not the programme's, so they are left out.
"""

import datetime
import statistics
from collections import deque
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Max, Min

from coproduce.accounts.roles import Role
from coproduce.demo import data
from coproduce.demo.builder import build_demo, live_size
from coproduce.outcomes.models import Outcome, SustainmentCheck
from coproduce.participants.models import Participant
from coproduce.plans.models import Appointment, Contact
from coproduce.programmes.models import Partnership, Programme, StaffMember

SMALL = 150
SEED = 11
TODAY = datetime.date(2026, 11, 27)
DATE_TYPES = (models.DateField, models.DateTimeField)  # DateTimeField is a DateField too
# Rows written at load time whose dates are the loading's (or are not the programme's at all).
NOT_THE_PROGRAMMES = {"audit.AuditEvent"}


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock():
        build_demo(participants=SMALL, seed=SEED, today=TODAY)
        yield
        from coproduce.demo.builder import remove_demo

        remove_demo()


def _path_to_programme(model: type[models.Model]) -> str | None:
    """The shortest lookup from `model` to its Programme through foreign keys (four steps at most)."""
    queue: deque[tuple[type[models.Model], str, int]] = deque([(model, "", 0)])
    while queue:
        current, path, depth = queue.popleft()
        if current is Programme:
            return path.rstrip("_") or "pk"
        if depth == 4:
            continue
        for field in current._meta.get_fields():
            if isinstance(field, models.ForeignKey | models.OneToOneField) and field.concrete:
                target = field.related_model
                if target is Programme or target._meta.app_label not in ("accounts", "audit"):
                    queue.append((target, f"{path}{field.name}__", depth + 1))
    return None


def _date_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, DATE_TYPES)
        and not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
    ]


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


@pytest.mark.django_db
def test_nothing_about_the_closed_programme_is_dated_after_2018(demo: None) -> None:
    closed = Programme.objects.get(name=data.PROGRAMME_NAME)
    checked: dict[str, int] = {}
    late: list[str] = []
    for model in apps.get_models():
        label = model._meta.label
        if label in NOT_THE_PROGRAMMES or label.split(".")[1].startswith("Historical"):
            continue
        fields = _date_fields(model)
        path = _path_to_programme(model)
        if not fields or path is None:
            continue
        rows = model._default_manager.filter(**{path: closed.pk})
        checked[label] = rows.count()
        if not checked[label]:
            continue
        latest = rows.aggregate(**{field.name: Max(field.name) for field in fields})
        for name, value in latest.items():
            if value is not None and _as_date(value) > data.HISTORY_ENDS_ON:
                late.append(f"{label}.{name}: {value}")
    assert late == []
    # The check reached every kind of row the programme has.
    for label in (
        "participants.Participant",
        "participants.Consent",
        "plans.Contact",
        "plans.Step",
        "plans.ProgressCheck",
        "referrals.Referral",
        "budgets.Spend",
        "budgets.BudgetPot",
        "outcomes.Outcome",
        "outcomes.SustainmentCheck",
        "programmes.Grant",
        "programmes.BoardMeeting",
        "programmes.BoardDecision",
        "research.Interview",
        "research.SurveyResponse",
    ):
        assert checked.get(label), label


@pytest.mark.django_db
def test_the_closed_programme_happened_inside_its_years_and_every_case_closed(demo: None) -> None:
    closed = Participant.objects.filter(partnership__programme__name=data.PROGRAMME_NAME)
    assert closed.count() == SMALL
    assert set(closed.values_list("status", flat=True)) == {Participant.Status.CLOSED}
    bounds = closed.aggregate(Min("joined_on"), Max("joined_on"), Max("status_since"))
    assert bounds["joined_on__min"] >= data.PROGRAMME_STARTS_ON
    assert bounds["joined_on__max"] <= data.PROGRAMME_ENDS_ON
    assert bounds["status_since__max"] <= data.PROGRAMME_ENDS_ON
    in_years = {"plans.Contact": Contact.objects, "outcomes.Outcome": Outcome.objects}
    for label, manager in in_years.items():
        rows = manager.filter(participant__partnership__programme__name=data.PROGRAMME_NAME)
        field = "happened_on" if label == "plans.Contact" else "achieved_on"
        assert rows.aggregate(last=Max(field))["last"] <= data.PROGRAMME_ENDS_ON, label
    assert not Appointment.objects.filter(participant__in=closed).exists()
    checks = SustainmentCheck.objects.filter(outcome__participant__in=closed)
    assert not checks.filter(status=SustainmentCheck.Status.DUE).exists()  # every check answered
    assert checks.aggregate(last=Max("checked_on"))["last"] <= data.HISTORY_ENDS_ON


@pytest.mark.django_db
def test_first_jobs_come_a_believable_time_after_joining_and_before_closing(demo: None) -> None:
    firsts: dict[int, datetime.date] = {}
    for participant_id, day in (
        Outcome.objects.filter(
            kind=Outcome.Kind.JOB_START, participant__partnership__programme__name=data.PROGRAMME_NAME
        )
        .order_by("achieved_on")
        .values_list("participant_id", "achieved_on")
    ):
        firsts.setdefault(participant_id, day)
    people = Participant.objects.in_bulk(list(firsts))
    months = []
    for participant_id, day in firsts.items():
        person = people[participant_id]
        assert person.joined_on < day <= person.status_since
        months.append((day - person.joined_on).days / 30.44)
    assert 3 <= statistics.median(months) <= 18
    assert max(months) <= 54


@pytest.mark.django_db
def test_the_live_programme_has_this_weeks_appointments_and_the_demo_logins(demo: None) -> None:
    live = Programme.objects.get(name=data.LIVE_PROGRAMME_NAME)
    assert live.starts_on == data.LIVE_PROGRAMME_STARTS_ON
    assert live.ends_on == data.LIVE_PROGRAMME_ENDS_ON
    participants = Participant.objects.filter(partnership__programme=live)
    assert participants.count() == live_size(SMALL)
    assert participants.aggregate(first=Min("joined_on"))["first"] >= data.LIVE_PROGRAMME_STARTS_ON
    week = Appointment.objects.filter(
        participant__partnership__programme=live,
        starts_at__date__gt=TODAY,
        starts_at__date__lte=TODAY + datetime.timedelta(days=7),
    )
    assert week.exists()
    # Same five areas, GSS codes and member organisations, new partnership rows.
    rows = {programme.name: programme for programme in Programme.objects.all()}
    for area in data.AREAS:
        old = Partnership.objects.get(programme=rows[data.PROGRAMME_NAME], short_code=area.short_code)
        new = Partnership.objects.get(programme=live, short_code=area.short_code)
        assert (old.area_name, old.gss_code) == (new.area_name, new.gss_code)
        assert set(old.memberships.values_list("organisation", "role")) == set(
            new.memberships.values_list("organisation", "role")
        )
    for login in data.DEMO_LOGINS:
        if login.role in (Role.KEYWORKER, Role.PARTNER_WORKER, Role.PARTNERSHIP_MANAGER):
            member = StaffMember.objects.get(user__email=login.email)
            assert member.partnership is not None, login
            assert member.partnership.programme == live, login
    nicola = Participant.objects.get(user__email=data.DEMO_LOGIN_BY_ROLE[Role.PARTICIPANT].email)
    assert nicola.partnership.programme == live
    # Making It Work's cases are held by its own (historical) keyworkers.
    assert not Participant.objects.filter(
        partnership__programme__name=data.PROGRAMME_NAME, keyworker__partnership__programme=live
    ).exists()
    # The funder and the demo evaluator oversee both programmes.
    for role in (Role.FUNDER, Role.EVALUATOR):
        member = StaffMember.objects.get(user__email=data.DEMO_LOGIN_BY_ROLE[role].email)
        assert set(member.programmes.values_list("name", flat=True)) == {data.PROGRAMME_NAME, data.LIVE_PROGRAMME_NAME}


@pytest.mark.django_db
def test_some_live_participants_took_part_in_making_it_work_too(demo: None) -> None:
    from django.db.models import Count

    from coproduce.accounts.models import User

    both = User.objects.annotate(records=Count("participant")).filter(records=2)
    assert both.count() >= 1
    for user in both:
        records = list(user.participant_records.order_by("joined_on").select_related("partnership__programme"))
        assert [record.partnership.programme.name for record in records] == [
            data.PROGRAMME_NAME,
            data.LIVE_PROGRAMME_NAME,
        ]
        assert records[0].family_name == records[1].family_name
        assert records[1].joined_on.year >= 2025

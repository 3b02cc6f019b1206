"""The rollups behind the funder's pages: they give exactly what counting the records gives, a
refresh counts again only the partnerships whose records changed, and two refreshes never run at once."""

import dataclasses
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from coproduce.budgets.models import Spend
from coproduce.core.locks import run_alone
from coproduce.outcomes.models import Outcome, WorkWish
from coproduce.participants.models import Participant
from coproduce.programmes.models import Partnership, Programme
from coproduce.reporting.models import PartnershipRollup, RollupCount
from coproduce.reporting.rollups import ROLLUP_RUN, fingerprints, refresh_rollups
from coproduce.reporting.statistics import ProgrammeStats, programme_statistics
from coproduce.reporting.tasks import refresh_rollups_task
from tests.budgets.factories import ApprovedSpendFactory, BudgetPotFactory
from tests.core.test_work_once import _at_once
from tests.outcomes.factories import JobStartFactory, WorkWishFactory
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.programmes.factories import PartnershipFactory, StaffMemberFactory
from tests.reporting.stats_story import TODAY, build_story, build_successor

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="Needs PostgreSQL: two connections.")


def more_of_the_story(personas: Personas) -> None:
    """Besides the story: a third area whose people join and start work after `TODAY` as well as
    before, some paused or closed, someone with two job starts (the first not fitting, a later one
    fitting), someone whose fitting job is before a job that does not fit."""
    third = PartnershipFactory(programme=personas.fife.programme, area_name="Angus", short_code="ANG")
    keyworker = StaffMemberFactory(partnership=third, organisation=personas.lead_organisation)
    days = [datetime.date(2016, 3, 1), TODAY, datetime.date(2017, 1, 20), datetime.date(2017, 3, 5)]
    people = [ParticipantFactory(keyworker=keyworker, joined_on=day) for day in days for _ in range(3)]
    for person in people[:3]:
        person.status, person.status_since = Participant.Status.PAUSED, datetime.date(2016, 6, 1)
        person.save()
    people[4].status, people[4].status_since = Participant.Status.CLOSED, TODAY
    people[4].save()
    for person in people[:8]:
        WorkWishFactory(participant=person)
    JobStartFactory(participant=people[0], achieved_on=datetime.date(2016, 5, 1), hourly_pay=Decimal("7.00"))
    JobStartFactory(participant=people[0], achieved_on=datetime.date(2017, 2, 1), hourly_pay=Decimal("9.00"))
    JobStartFactory(participant=people[1], achieved_on=datetime.date(2016, 7, 1), hourly_pay=Decimal("9.00"))
    JobStartFactory(participant=people[1], achieved_on=datetime.date(2017, 1, 10), hourly_pay=Decimal("7.00"))
    JobStartFactory(participant=people[4], achieved_on=TODAY, hourly_pay=Decimal("9.00"))
    JobStartFactory(participant=people[7], achieved_on=datetime.date(2017, 1, 25), hourly_pay=Decimal("9.00"))
    JobStartFactory(participant=people[10], achieved_on=datetime.date(2017, 4, 1))  # no work wish: cannot fit
    pot = BudgetPotFactory(partnership=third, amount=Decimal("300.00"))
    ApprovedSpendFactory(pot=pot, participant=people[2], amount=Decimal("12.50"))


def live(day: datetime.date, programme: Programme) -> ProgrammeStats:
    return programme_statistics(day, programme)


def from_rollups(day: datetime.date, programme: Programme) -> ProgrammeStats:
    stats = programme_statistics(day, programme, from_rollups=True)
    assert stats.figures_as_of is not None, "the rollups should have answered"
    return stats


def same_figures(rolled: ProgrammeStats, counted: ProgrammeStats) -> bool:
    return dataclasses.replace(rolled, figures_as_of=None) == counted


DAYS = [
    TODAY,
    datetime.date(2017, 1, 10),
    datetime.date(2017, 1, 24),
    datetime.date(2017, 2, 1),
    datetime.date(2017, 12, 31),
    datetime.date(2019, 6, 1),
]


def test_rollups_give_the_figures_counted_from_the_records_on_any_day_from_theirs(personas: Personas) -> None:
    build_story(personas)
    successor = build_successor(personas)
    more_of_the_story(personas)

    report = refresh_rollups(today=TODAY)

    programmes = [personas.fife.programme, successor]
    assert report.checked == len(report.refreshed) == Partnership.objects.count()
    for programme in programmes:
        for day in DAYS:
            assert same_figures(from_rollups(day, programme), live(day, programme)), (programme.name, day)
    # Sanity: the third area's future joiners and job starts are in there, day by day.
    angus = Partnership.objects.get(area_name="Angus")
    later = RollupCount.objects.filter(partnership=angus, day__isnull=False).order_by("day")
    assert [(row.day, row.joined, row.first_paid, row.first_fitting) for row in later] == [
        (datetime.date(2017, 1, 20), 3, 0, 0),
        (datetime.date(2017, 1, 25), 0, 1, 1),
        (datetime.date(2017, 2, 1), 0, 0, 1),
        (datetime.date(2017, 3, 5), 3, 0, 0),
        (datetime.date(2017, 4, 1), 0, 1, 0),
    ]


def test_before_the_rollups_day_or_without_rollups_the_records_are_counted(personas: Personas) -> None:
    build_story(personas)

    fresh = programme_statistics(TODAY, personas.fife.programme, from_rollups=True)
    assert fresh.figures_as_of is None
    assert fresh.as_of_label == "Figures as of now"

    refresh_rollups(today=TODAY)
    earlier = programme_statistics(datetime.date(2016, 12, 31), personas.fife.programme, from_rollups=True)
    assert earlier.figures_as_of is None
    assert earlier == live(datetime.date(2016, 12, 31), personas.fife.programme)

    # A partnership added since the last refresh has no rollup: the records are counted, all of them.
    PartnershipFactory(programme=personas.fife.programme, area_name="Dundee", short_code="DUN")
    assert programme_statistics(TODAY, personas.fife.programme, from_rollups=True).figures_as_of is None


def test_a_refresh_counts_again_only_the_partnership_that_changed(personas: Personas) -> None:
    build_story(personas)
    successor = build_successor(personas)
    first = refresh_rollups(today=TODAY)
    assert sorted(first.refreshed) == sorted(fingerprints())
    before = {rollup.pk: rollup for rollup in PartnershipRollup.objects.all()}

    again = refresh_rollups(today=TODAY)
    assert again.refreshed == []
    after = {rollup.pk: rollup for rollup in PartnershipRollup.objects.all()}
    assert all(after[pk].computed_at == before[pk].computed_at for pk in before)
    assert all(after[pk].checked_at > before[pk].checked_at for pk in before)

    # Glasgow: a new job start, someone paused. Fife: nothing.
    glasgow_person = Participant.objects.filter(partnership=personas.glasgow, joined_on__year=2016).order_by("pk")[7]
    JobStartFactory(participant=glasgow_person, achieved_on=datetime.date(2016, 12, 20))
    glasgow_person.status, glasgow_person.status_since = Participant.Status.PAUSED, datetime.date(2016, 12, 21)
    glasgow_person.save()
    changed = refresh_rollups(today=TODAY)
    assert changed.refreshed == [personas.glasgow.pk]
    assert PartnershipRollup.objects.get(pk=personas.fife.pk).computed_at == before[personas.fife.pk].computed_at
    assert same_figures(from_rollups(TODAY, personas.fife.programme), live(TODAY, personas.fife.programme))
    glasgow_rows = RollupCount.objects.filter(partnership=personas.glasgow)
    assert sum(row.first_paid for row in glasgow_rows) == 7  # 5 + the new one + one after TODAY
    assert (
        sum(row.active for row in glasgow_rows)
        == Participant.objects.filter(partnership=personas.glasgow, status=Participant.Status.ACTIVE).count()
    )

    # Deleting a record is a change too: a job start of Fife's goes.
    Outcome.objects.filter(participant__partnership=personas.fife, kind=Outcome.Kind.JOB_START).order_by("pk")[
        0
    ].delete()
    assert refresh_rollups(today=TODAY).refreshed == [personas.fife.pk]
    for programme in (personas.fife.programme, successor):
        assert same_figures(from_rollups(TODAY, programme), live(TODAY, programme))

    # A work wish changed (a job that fitted no longer does) and a spend approved: Fife again.
    wish = WorkWish.objects.filter(participant__partnership=personas.fife).order_by("pk")[0]
    wish.min_hours = wish.max_hours = Decimal("1.0")
    wish.save()
    waiting = Spend.objects.get(participant=personas.participant, state=Spend.State.REQUESTED)
    waiting.state, waiting.decided_at = Spend.State.APPROVED, timezone.now()
    waiting.save()
    assert refresh_rollups(today=TODAY).refreshed == [personas.fife.pk]
    assert PartnershipRollup.objects.get(pk=personas.fife.pk).approved_spend == Decimal("65.00")
    for programme in (personas.fife.programme, successor):
        assert same_figures(from_rollups(TODAY, programme), live(TODAY, programme))


def test_the_command_says_what_it_did(personas: Personas) -> None:
    build_story(personas)
    out = io.StringIO()
    call_command("refresh_rollups", stdout=out)
    partnerships = len(fingerprints())
    assert out.getvalue().startswith(
        f"Rollups: {partnerships} partnerships checked, {partnerships} counted again from their records, in "
    )
    out = io.StringIO()
    call_command("refresh_rollups", stdout=out)
    assert f"{partnerships} partnerships checked, 0 counted again" in out.getvalue()
    out = io.StringIO()
    call_command("refresh_rollups", "--all", stdout=out)
    assert f"{partnerships} counted again" in out.getvalue()


def test_the_task_refreshes_what_changed(personas: Personas) -> None:
    build_story(personas)
    assert sorted(refresh_rollups_task.call()) == sorted(fingerprints())
    assert refresh_rollups_task.call() == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_second_refresh_does_nothing_while_one_runs(personas: Personas) -> None:
    build_story(personas)
    out = io.StringIO()
    with run_alone(ROLLUP_RUN):
        [task_result] = _at_once(lambda number: refresh_rollups_task.call(), workers=1)
        _at_once(lambda number: call_command("refresh_rollups", stdout=out), workers=1)

    assert task_result is None
    assert out.getvalue() == "Another refresh of the rollups is under way: this one did nothing.\n"
    assert not PartnershipRollup.objects.exists()
    [refreshed] = _at_once(lambda number: refresh_rollups_task.call(), workers=1)
    assert sorted(refreshed) == sorted(fingerprints())
    # Made in their own transaction at REPEATABLE READ, outside any other.
    assert PartnershipRollup.objects.count() == len(refreshed)
    assert all(rollup.checked_at <= timezone.now() for rollup in PartnershipRollup.objects.all())

"""Table 1: interviews done by area × wave × participant or stakeholder, as in the paper."""

import datetime

import pytest
from django.utils import timezone

from coproduce.accounts.roles import Role
from coproduce.core.errors import NotAllowed
from coproduce.programmes.models import Programme
from coproduce.research.models import Interview, ResearchConsent
from coproduce.research.table1 import PAPER_TABLE_1, PAPER_TABLE_1_TOTALS, table_one
from tests.programmes.factories import PartnershipFactory, ProgrammeFactory, StaffMemberFactory
from tests.research.factories import ResearchConsentFactory, StakeholderFactory, WaveFactory

YEARS = (2014, 2015, 2016, 2017)


def build_paper_interviews(programme: Programme | None = None) -> Programme:
    """The paper's programme: five areas, four waves, and exactly the interviews of Table 1 done.

    Besides: interviews invited, scheduled or declined (not counted), and Glasgow's participant
    interviewee has since withdrawn (still counted). One research consent and one stakeholder
    per area stand for all its interviewees.
    """
    programme = programme or ProgrammeFactory(name="Making It Work (paper)")
    waves = {year: WaveFactory(programme=programme, year=year) for year in YEARS}
    rows = []
    for index, (area, years) in enumerate(PAPER_TABLE_1.items()):
        partnership = PartnershipFactory(programme=programme, area_name=area, short_code="P" + chr(65 + index))
        keyworker = StaffMemberFactory(partnership=partnership)
        scope = ResearchConsentFactory(participant__keyworker=keyworker, pseudonym=f"R-PAPER{index}")
        stakeholder = StakeholderFactory(partnership=partnership)
        for year, (lone_parents, stakeholders) in years.items():
            wave = waves[year]
            done = {"status": Interview.Status.DONE, "held_on": datetime.date(year, 5, 1)}
            rows += [
                Interview(wave=wave, partnership=partnership, kind="participant", research_consent=scope, **done)
                for _ in range(lone_parents)
            ]
            rows += [
                Interview(wave=wave, partnership=partnership, kind="stakeholder", stakeholder=stakeholder, **done)
                for _ in range(stakeholders)
            ]
            for status in (Interview.Status.INVITED, Interview.Status.SCHEDULED, Interview.Status.DECLINED):
                rows.append(
                    Interview(
                        wave=wave, partnership=partnership, kind="participant", research_consent=scope, status=status
                    )
                )
        if area == "Glasgow":
            scope.consent.withdrawn_at = timezone.now()
            scope.consent.save()
    Interview.objects.bulk_create(rows)
    return programme


def evaluator(programme: Programme | None = None) -> object:
    """An evaluator who oversees `programme` (else the default one)."""
    programmes = [programme] if programme is not None else None
    return StaffMemberFactory(partnership=None, roles=[Role.EVALUATOR], programmes=programmes).user


def test_the_paper_table_cell_by_cell_with_totals(db, django_assert_num_queries):
    programme = build_paper_interviews()
    user = evaluator(programme)
    with django_assert_num_queries(6):  # who the evaluator is (3), their programmes, the grid, the counts
        table = table_one(user, programme_id=programme.pk)
    assert table.as_paper() == PAPER_TABLE_1
    assert {year: (cell.participants, cell.stakeholders) for year, cell in table.by_wave().items()} == (
        PAPER_TABLE_1_TOTALS
    )
    assert table.overall().participants == 102
    assert table.overall().stakeholders == 117
    assert (table.by_area()["Fife"].participants, table.by_area()["Fife"].stakeholders) == (24, 29)
    assert table.areas == ("Edinburgh", "Fife", "Glasgow", "North Lanarkshire", "South Lanarkshire")
    assert table.years == YEARS
    assert len(table.rows) == 20


def test_the_json_has_a_row_for_every_area_and_wave_with_zeros(db):
    programme = ProgrammeFactory(name="Small")
    WaveFactory(programme=programme, year=2015)
    WaveFactory(programme=programme, year=2016)
    fife = PartnershipFactory(programme=programme, area_name="Fife")
    PartnershipFactory(programme=programme, area_name="Angus")
    scope = ResearchConsentFactory(participant__keyworker=StaffMemberFactory(partnership=fife))
    Interview.objects.create(
        wave=WaveFactory(programme=programme, year=2016),
        partnership=fife,
        kind="participant",
        research_consent=scope,
        status="done",
        held_on=datetime.date(2016, 2, 2),
    )
    data = table_one(evaluator(programme), programme_id=programme.pk).as_json()
    assert data["rows"] == [
        {"area": "Angus", "wave": 2015, "participants": 0, "stakeholders": 0},
        {"area": "Angus", "wave": 2016, "participants": 0, "stakeholders": 0},
        {"area": "Fife", "wave": 2015, "participants": 0, "stakeholders": 0},
        {"area": "Fife", "wave": 2016, "participants": 1, "stakeholders": 0},
    ]
    assert (data["programme_id"], data["programme"]) == (programme.pk, "Small")
    assert data["totals"] == {
        "by_wave": [
            {"wave": 2015, "participants": 0, "stakeholders": 0},
            {"wave": 2016, "participants": 1, "stakeholders": 0},
        ],
        "by_area": [
            {"area": "Angus", "participants": 0, "stakeholders": 0},
            {"area": "Fife", "participants": 1, "stakeholders": 0},
        ],
        "overall": {"participants": 1, "stakeholders": 0},
    }


def test_flat_table_for_spreadsheets(db):
    programme = build_paper_interviews()
    columns, rows = table_one(evaluator(programme), programme_id=programme.pk).flat()
    assert columns[:3] == ("Area", "2014 lone parents", "2014 stakeholders")
    assert columns[-2:] == ("All years lone parents", "All years stakeholders")
    assert rows[0] == ("Edinburgh", 6, 12, 8, 8, 6, 7, 3, 3, 23, 30)
    assert rows[-1] == ("Total", 36, 34, 34, 35, 20, 35, 12, 13, 102, 117)


@pytest.mark.parametrize("role", [Role.KEYWORKER, Role.PARTNERSHIP_MANAGER, Role.FUNDER])
def test_only_evaluators_read_it(db, role):
    with pytest.raises(NotAllowed):
        table_one(StaffMemberFactory(roles=[role]).user)


def test_withdrawn_interviewee_still_counted_but_hidden(db):
    programme = build_paper_interviews()
    glasgow = ResearchConsent.objects.get(participant__partnership__area_name="Glasgow")
    assert not glasgow.is_in_force
    assert table_one(evaluator(programme), programme_id=programme.pk).cell("Glasgow", 2014).participants == 11

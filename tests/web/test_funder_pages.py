"""Fran, the funder, sees the programme in numbers: by area, small numbers suppressed, no one named."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.participants.models import Participant
from tests.outcomes.factories import JobStartFactory
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas


@pytest.fixture
def fran(client_for: Callable[[str], Client]) -> Client:
    return client_for("funder")


def published(response: Any) -> dict[str, dict[str, list[str]]]:
    """The funder's tables as they read: {table: {area: [cell, ...]}}, with the column headings."""
    [report] = response.context["reports"]
    tables = {"status": report.by_status, "year": report.by_year}
    return {
        name: {"columns": list(table.columns), **{row.label: [str(cell) for cell in row.cells] for row in table.rows}}
        for name, table in tables.items()
    }


def join(personas: Personas, keyworker_of: str, year: int, count: int, status: str = Participant.Status.ACTIVE) -> None:
    keyworker = personas.keyworker if keyworker_of == "Fife" else personas.glasgow_keyworker
    joined = datetime.date(year, 5, 1)
    ParticipantFactory.create_batch(count, keyworker=keyworker, joined_on=joined, status=status)


def test_fifes_three_participants_show_as_fewer_than_5(personas: Personas, fran: Client) -> None:
    response = fran.get(reverse("web:funder_home"))

    assert response.status_code == 200
    assert published(response) == {
        "status": {
            "columns": ["Active now", "Paused or closed", "All who joined"],
            "Fife": ["fewer than 5", "0", "fewer than 5"],
            "Glasgow": ["fewer than 5", "0", "fewer than 5"],
            "All areas": ["fewer than 5", "0", "fewer than 5"],
        },
        "year": {
            "columns": ["2015", "All years"],
            "Fife": ["fewer than 5", "fewer than 5"],
            "Glasgow": ["fewer than 5", "fewer than 5"],
            "All areas": ["fewer than 5", "fewer than 5"],
        },
    }
    html = response.content.decode()
    assert "The programme in numbers</h1>" in html
    hidden = '<td class="govuk-table__cell govuk-table__cell--numeric cp-muted" data-label="2015">fewer than 5</td>'
    assert hidden in html


def test_numbers_that_would_give_a_small_one_away_are_hidden_too(personas: Personas, fran: Client) -> None:
    # Fife: Pat, Paula and Olive joined in 2015; six more in 2016, two of whom have closed.
    # Glasgow: Gemma joined in 2015, eleven more in 2016.
    join(personas, "Fife", 2016, 4)
    join(personas, "Fife", 2016, 2, status=Participant.Status.CLOSED)
    join(personas, "Glasgow", 2016, 11)

    response = fran.get(reverse("web:funder_home"))

    # Fife's 2 closed is small; showing Fife's 7 active would give it away (9 - 7), so that is
    # hidden too, and so on until no total can be undone by subtraction.
    assert published(response) == {
        "status": {
            "columns": ["Active now", "Paused or closed", "All who joined"],
            "Fife": ["hidden", "fewer than 5", "9"],
            "Glasgow": ["12", "0", "12"],
            "All areas": ["hidden", "fewer than 5", "21"],
        },
        "year": {
            "columns": ["2015", "2016", "All years"],
            "Fife": ["fewer than 5", "hidden", "9"],
            "Glasgow": ["fewer than 5", "hidden", "12"],
            "All areas": ["fewer than 5", "hidden", "21"],
        },
    }
    [report] = response.context["reports"]
    assert (str(report.engaged), str(report.active)) == ("21", "hidden")


def test_no_participant_is_named_or_reachable_from_the_funders_page(personas: Personas, fran: Client) -> None:
    html = fran.get(reverse("web:funder_home")).content.decode()

    people = [
        personas.participant,
        personas.second_participant,
        personas.other_participant,
        personas.glasgow_participant,
    ]
    for person in people:
        for detail in (person.full_name, person.reference, person.email, person.mobile, person.postcode):
            assert not detail or detail not in html, detail
    assert personas.enquiry.name not in html
    assert "/participants/" not in html
    assert "/enquiries/" not in html


def test_the_funders_page_takes_the_same_queries_for_4_or_50_participants(personas: Personas, fran: Client) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert fran.get(reverse("web:funder_home")).status_code == 200
        return len(captured)

    with_four = queries()
    join(personas, "Fife", 2016, 30)
    join(personas, "Glasgow", 2017, 16, status=Participant.Status.PAUSED)

    assert queries() == with_four


def test_the_home_page_hides_what_the_dashboard_hides_so_together_they_give_nothing_away(
    personas: Personas, fran: Client
) -> None:
    # Fife: Pat, Paula and Olive joined in 2015. Glasgow: Gemma in 2015 and two more in 2016,
    # one of whom went into paid work. Six joined in all and one is in work: with the total of
    # 6 shown, "in paid work: fewer than 5" and "the rest: hidden (5 or more)" pin it to 1. The
    # dashboard hides the 6; the home page used to show it, each page suppressed on its own.
    join(personas, "Glasgow", 2016, 2)
    JobStartFactory(participant=Participant.objects.filter(joined_on__year=2016).first())

    home = published(fran.get(reverse("web:funder_home")))
    dashboard = fran.get(reverse("web:funder_dashboard")).context["stats"]

    assert home["status"]["All areas"][2] == str(dashboard.programme.participants) == "hidden"
    for area in (*dashboard.areas, dashboard.programme):
        assert home["status"][area.area_name][2] == str(area.participants)
        assert home["year"][area.area_name] == [*map(str, area.joined_by_year), str(area.participants)]

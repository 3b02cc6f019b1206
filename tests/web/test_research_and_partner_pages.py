"""Eve, the evaluator, and Priya, who works for a partner agency: what each may see today."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.participants.models import Consent
from tests.participants.factories import ConsentFactory, ParticipantFactory
from tests.personas import Personas

WITHDRAWN = datetime.datetime(2016, 1, 5, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def eve(client_for: Callable[[str], Client]) -> Client:
    return client_for("evaluator")


def research_table(response: Any) -> dict[str, list[str]]:
    [report] = response.context["reports"]
    return {row.label: [str(cell) for cell in row.cells] for row in report.table.rows}


def agrees_to_research(participant: Any, withdrawn: bool = False) -> Any:
    consent: Any = ConsentFactory(participant=participant, purpose=Consent.Purpose.RESEARCH)
    if withdrawn:
        Consent.objects.filter(pk=consent.pk).update(
            withdrawn_at=WITHDRAWN, withdrawn_by=participant.keyworker.user, withdrawn_how=Consent.How.PHONE
        )
    return consent


def test_eve_is_told_plainly_that_nobody_has_agreed_to_the_research_yet(personas: Personas, eve: Client) -> None:
    response = eve.get(reverse("web:research_home"))

    assert response.status_code == 200
    assert research_table(response) == {"Fife": ["0"], "Glasgow": ["0"], "All areas": ["0"]}
    html = response.content.decode()
    assert "Evaluation</h1>" in html
    assert "No participant's name, reference or service notes are visible to you" in html
    assert reverse("web:research_transcripts") in html


def test_eves_home_says_where_the_evaluation_stands_without_what_olive_withdrew(
    personas: Personas, eve: Client
) -> None:
    personas.with_research()

    response = eve.get(reverse("web:research_home"))

    # Pat's and Kim's interviews are done (Olive's too, but she withdrew); Gemma's is scheduled.
    assert response.context["interviews"] == {"done": 2, "to_come": 1}
    assert response.context["transcripts"] == {"ready": 1, "redacting": 1}
    assert response.context["my_segments"] == 2
    html = response.content.decode()
    for route in (
        "research_interviews",
        "research_table1",
        "research_coding",
        "research_agreement",
        "research_surveys",
    ):
        assert reverse(f"web:{route}") in html


def test_eve_sees_research_consents_by_area_with_small_numbers_suppressed(personas: Personas, eve: Client) -> None:
    # Pat, Paula and Olive agreed in Fife. In Glasgow, Gemma and six others agreed, and one more
    # agreed and then withdrew, which takes effect at once.
    for person in (personas.participant, personas.second_participant, personas.other_participant):
        agrees_to_research(person)
    agrees_to_research(personas.glasgow_participant)
    for person in ParticipantFactory.create_batch(6, keyworker=personas.glasgow_keyworker):
        agrees_to_research(person)
    agrees_to_research(ParticipantFactory(keyworker=personas.glasgow_keyworker), withdrawn=True)

    response = eve.get(reverse("web:research_home"))

    # 10 in all: showing Glasgow's 7 would give away Fife's 3 as 10 - 7.
    assert research_table(response) == {"Fife": ["fewer than 5"], "Glasgow": ["hidden"], "All areas": ["10"]}
    html = response.content.decode()
    for person in (personas.participant, personas.second_participant, personas.other_participant):
        assert person.full_name not in html
        assert person.reference not in html
    assert "/participants/" not in html


def test_priya_sees_her_organisation_and_that_no_one_has_been_referred_yet(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = client_for("partner_worker").get(reverse("web:partner_home"))

    assert response.status_code == 200
    assert response.context["organisation"] == personas.partner_agency
    assert response.context["membership"].role == "member"
    html = response.content.decode()
    assert "Referrals</h1>" in html
    assert "No referrals for Kingdom Money Advice at the moment." in html
    for detail in ("Kingdom Money Advice", "Third sector", personas.partner_agency.charity_number, "Fife (member)"):
        assert detail in html
    # Referrals sent with consent appear here: tests/web/referrals/test_partner_pages.py.
    for person in (personas.participant, personas.second_participant, personas.other_participant):
        assert person.full_name not in html

"""Words people read on their pages: no doubled "(optional)", no "None" to choose, no bare ids."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from tests.personas import Personas


def test_the_keyworker_plan_page_says_optional_once(personas: Personas, client_for: Callable[[str], Client]) -> None:
    html = client_for("keyworker").get(reverse("web:participant_plan", args=[personas.participant.pk])).content.decode()

    assert "(optional)" in html
    assert "(optional) (optional)" not in html


def test_the_outcome_form_offers_not_linked_to_a_goal_rather_than_none(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    html = client_for("keyworker").get(reverse("web:outcome_add", args=[personas.participant.pk])).content.decode()

    assert '<option value="" selected>Not linked to a goal</option>' in html
    assert ">None</option>" not in html

"""Finding participants by part of a name, reference or postcode: the same answers on SQLite and PostgreSQL
(where trigram indexes serve the search)."""

import pytest
from django.db import connection

from coproduce.participants.models import Participant
from coproduce.participants.selectors import filter_participants
from coproduce.plans.selectors.caseload import area_participants
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas


def found(personas: Personas, **filters: str) -> set[str]:
    return set(area_participants(personas.manager.user, **filters).values_list("reference", flat=True))  # type: ignore[arg-type]


def test_search_finds_by_part_of_a_name_reference_or_postcode_in_any_case(personas: Personas) -> None:
    mcd = ParticipantFactory(
        keyworker=personas.keyworker, given_name="Siobhan", family_name="McDonald", reference="MIW-FIF-77001"
    )
    nick = ParticipantFactory(
        keyworker=personas.other_keyworker,
        given_name="Josephine",
        preferred_name="Jo",
        family_name="Ng",
        postcode="KY12 8QT",
        reference="MIW-FIF-77002",
    )
    ParticipantFactory(keyworker=personas.glasgow_keyworker, family_name="McDonald", reference="MIW-GLA-77003")
    assert found(personas, search="mcdon") == {mcd.reference}
    assert found(personas, search="SIOBHAN mcd") == {mcd.reference}
    assert found(personas, search="77002") == {nick.reference}
    assert found(personas, search="ky12 8q") == {nick.reference}
    assert found(personas, search="jo ng") == {nick.reference}
    assert found(personas, search="  ") == set(
        Participant.objects.filter(partnership=personas.fife).values_list("reference", flat=True)
    )
    assert found(personas, search="nobody-like-this") == set()
    assert found(personas, keyworker_name="owen") == set(
        Participant.objects.filter(keyworker=personas.other_keyworker).values_list("reference", flat=True)
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_the_search_can_use_the_trigram_indexes(personas: Personas) -> None:
    # The expression each index is on is the one Django writes for icontains: UPPER("field"::text) LIKE ...
    query = filter_participants(Participant.objects.order_by(), search="mcdon")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    for field in ("given_name", "family_name", "preferred_name", "reference", "postcode"):
        assert f"Bitmap Index Scan on participant_{field}_trgm" in plan

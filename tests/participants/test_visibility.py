"""Whom a keyworker sees: their own caseload and today's cover, found from index lookups on PostgreSQL
(not a scan of every participant in the programme, which at 1M participants cost ~150 ms a query)."""

import datetime
from typing import cast

import pytest
from django.db import connection
from django.utils import timezone

from coproduce.participants.models import Participant
from coproduce.participants.selectors import caseload_and_cover, participants_visible_to
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.plans.factories import CoverShareFactory


def test_a_keyworker_sees_their_caseload_and_todays_cover_only(personas: Personas) -> None:
    covered = cast(Participant, ParticipantFactory(keyworker=personas.other_keyworker))
    CoverShareFactory(participant=covered, covering_keyworker=personas.keyworker)
    ended = cast(Participant, ParticipantFactory(keyworker=personas.other_keyworker))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    CoverShareFactory(participant=ended, covering_keyworker=personas.keyworker, ends_on=yesterday)
    own = set(Participant.objects.filter(keyworker=personas.keyworker).values_list("pk", flat=True))
    user = personas.keyworker.user
    assert set(participants_visible_to(user).values_list("pk", flat=True)) == own | {covered.pk}
    assert set(caseload_and_cover(user).values_list("pk", flat=True)) == own | {covered.pk}
    assert ended.pk not in set(participants_visible_to(user).values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the query plan is PostgreSQL's")
def test_a_keyworkers_participants_are_found_by_index_not_by_reading_the_programme(personas: Personas) -> None:
    # `keyworker_id = k OR id IN (covers)` is only ever a filter on rows read some other way (all the
    # programme's, at scale); the keyworker's own participants must be looked up by keyworker_id.
    CoverShareFactory(
        participant=ParticipantFactory(keyworker=personas.other_keyworker), covering_keyworker=personas.keyworker
    )
    for query in (
        participants_visible_to(personas.keyworker.user),
        caseload_and_cover(personas.keyworker.user),
    ):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = query.explain()
        assert f"Index Cond: (keyworker_id = {personas.keyworker.pk})" in plan, plan
        assert "OR (hashed SubPlan" not in plan, plan

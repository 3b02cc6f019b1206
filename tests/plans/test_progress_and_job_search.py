"""Progress checks and the job-search log, through their services and selectors."""

import datetime

import pytest

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.plans.models import JobSearchEntry, ProgressArea, ProgressCheck, ProgressScore
from coproduce.plans.selectors.job_search import job_search_log_for
from coproduce.plans.selectors.progress import progress_checks_for, progress_series
from coproduce.plans.services.job_search import (
    add_job_search_entry,
    delete_job_search_entry,
    update_job_search_entry,
)
from coproduce.plans.services.progress import record_progress_check
from tests.personas import Personas
from tests.plans.factories import JobSearchEntryFactory, ProgressCheckFactory

MARCH = datetime.date(2026, 3, 2)
JUNE = datetime.date(2026, 6, 1)


def all_areas(score: int, comment: str = "") -> dict[str, tuple[int, str]]:
    return dict.fromkeys(ProgressArea.values, (score, comment))


# ---- progress checks ---------------------------------------------------------------------------


def test_participant_records_their_own_reading(personas: Personas) -> None:
    pat = personas.participant
    scores = all_areas(4) | {"confidence": (7, "I spoke up at the parents' group.")}

    check = record_progress_check(actor=pat.user, participant_id=pat.pk, checked_on=MARCH, scores=scores)

    assert check.reader == ProgressCheck.Reader.PARTICIPANT
    assert check.recorded_by == pat.user
    assert dict(check.scores.values_list("area", "score")) == dict.fromkeys(ProgressArea.values, 4) | {"confidence": 7}
    assert check.scores.get(area="confidence").comment == "I spoke up at the parents' group."
    event = AuditEvent.objects.get(record_type="plans.ProgressCheck", record_id=str(check.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.participant_id == pat.pk
    assert "score_confidence" in event.changed_fields


def test_participant_cannot_give_the_keyworkers_reading(personas: Personas) -> None:
    pat = personas.participant
    with pytest.raises(InvalidInput) as error:
        record_progress_check(
            actor=pat.user, participant_id=pat.pk, checked_on=MARCH, scores=all_areas(5), reader="keyworker"
        )
    assert error.value.errors == {"reader": ["You can only give your own reading."]}
    assert ProgressCheck.objects.count() == 0


def test_both_readings_are_kept_where_they_differ(personas: Personas) -> None:
    pat = personas.participant
    record_progress_check(actor=pat.user, participant_id=pat.pk, checked_on=MARCH, scores=all_areas(3))
    record_progress_check(actor=personas.keyworker.user, participant_id=pat.pk, checked_on=MARCH, scores=all_areas(6))
    record_progress_check(actor=pat.user, participant_id=pat.pk, checked_on=JUNE, scores=all_areas(5))

    series = progress_series(progress_checks_for(personas.keyworker.user, pat.pk))

    assert [one.area for one in series] == ProgressArea.values
    confidence = series[0]
    assert [(r.checked_on, r.score) for r in confidence.participant] == [(MARCH, 3), (JUNE, 5)]
    assert [(r.checked_on, r.score) for r in confidence.keyworker] == [(MARCH, 6)]
    rows = confidence.rows()
    assert [(day, theirs.score if theirs else None, kw.score if kw else None) for day, theirs, kw in rows] == [
        (MARCH, 3, 6),
        (JUNE, 5, None),
    ]


def test_every_area_must_be_scored_from_1_to_10(personas: Personas) -> None:
    pat = personas.participant
    scores = all_areas(5)
    del scores["money"]
    scores["home"] = (11, "")
    scores["health"] = ("", "")
    with pytest.raises(InvalidInput) as error:
        record_progress_check(actor=pat.user, participant_id=pat.pk, checked_on=MARCH, scores=scores)
    assert error.value.errors == {
        "score_money": ["Give a score from 1 to 10 for money."],
        "score_health": ["Give a score from 1 to 10 for health and wellbeing."],
        "score_home": ["Give a score from 1 to 10 for home and housing."],
    }
    assert (ProgressCheck.objects.count(), ProgressScore.objects.count()) == (0, 0)


def test_check_cannot_be_in_the_future(personas: Personas) -> None:
    pat = personas.participant
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(InvalidInput):
        record_progress_check(actor=pat.user, participant_id=pat.pk, checked_on=tomorrow, scores=all_areas(5))


@pytest.mark.parametrize("who", ["other_keyworker", "partner_worker", "funder", "glasgow_manager"])
def test_nobody_else_records_a_check(personas: Personas, who: str) -> None:
    user = getattr(personas, who).user
    with pytest.raises(NotFound):
        record_progress_check(actor=user, participant_id=personas.participant.pk, checked_on=MARCH, scores=all_areas(5))
    assert ProgressCheck.objects.count() == 0


def test_manager_records_a_keyworker_reading_in_their_area(personas: Personas) -> None:
    check = record_progress_check(
        actor=personas.manager.user,
        participant_id=personas.other_participant.pk,
        checked_on=MARCH,
        scores=all_areas(5),
    )
    assert check.reader == ProgressCheck.Reader.KEYWORKER


def test_checks_are_read_in_constant_queries(personas: Personas, django_assert_num_queries) -> None:
    pat = personas.participant
    user = personas.keyworker.user
    ProgressCheckFactory(participant=pat)
    progress_checks_for(user, pat.pk)  # warms the actor
    with django_assert_num_queries(2):
        one = progress_series(progress_checks_for(user, pat.pk))
    ProgressCheckFactory.create_batch(49, participant=pat)
    with django_assert_num_queries(2):
        fifty = progress_series(progress_checks_for(user, pat.pk))
    assert (len(one[0].participant), len(fifty[0].participant)) == (1, 50)


# ---- job-search log ------------------------------------------------------------------------------


def add_for_pat(personas: Personas, **overrides: object) -> JobSearchEntry:
    values: dict = {
        "actor": personas.participant.user,
        "participant_id": personas.participant.pk,
        "searched_on": datetime.date(2026, 11, 9),
        "action": JobSearchEntry.Action.APPLIED,
        "employer": " Kirkcaldy Care Homes ",
        "role": "Care assistant",
        "what_i_did": "Filled in the online form.",
        "outcome": "Waiting to hear",
    }
    return add_job_search_entry(**(values | overrides))


def test_participant_adds_to_their_log(personas: Personas) -> None:
    entry = add_for_pat(personas)

    assert (entry.employer, entry.recorded_by) == ("Kirkcaldy Care Homes", personas.participant.user)
    event = AuditEvent.objects.get(record_type="plans.JobSearchEntry", record_id=str(entry.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.changed_fields == sorted(["searched_on", "employer", "role", "action", "what_i_did", "outcome"])


def test_keyworker_adds_with_them(personas: Personas) -> None:
    entry = add_for_pat(personas, actor=personas.keyworker.user)
    assert entry.recorded_by == personas.keyworker.user
    assert list(job_search_log_for(personas.participant.user, personas.participant.pk)) == [entry]


def test_bad_entry_changes_nothing(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as error:
        add_for_pat(personas, action="sanctioned")
    assert "action" in error.value.errors
    with pytest.raises(InvalidInput) as error:
        add_for_pat(personas, searched_on=datetime.date.today() + datetime.timedelta(days=1))
    assert error.value.errors == {"searched_on": ["The date cannot be in the future."]}
    assert JobSearchEntry.objects.count() == 0


def test_other_people_cannot_add_or_see(personas: Personas) -> None:
    with pytest.raises(NotFound):
        add_for_pat(personas, actor=personas.other_keyworker.user)
    entry = JobSearchEntryFactory(participant=personas.participant)
    assert list(job_search_log_for(personas.other_keyworker.user, personas.participant.pk)) == []
    with pytest.raises(NotFound):
        update_job_search_entry(
            actor=personas.glasgow_keyworker.user, entry_id=entry.pk, expected_version=1, changes={"outcome": "x"}
        )


def test_update_with_version_and_conflict(personas: Personas) -> None:
    entry = add_for_pat(personas)
    updated = update_job_search_entry(
        actor=personas.participant.user,
        entry_id=entry.pk,
        expected_version=1,
        changes={"outcome": "Got an interview!"},
    )
    assert (updated.outcome, updated.version) == ("Got an interview!", 2)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE, record_id=str(entry.pk)).get()
    assert event.changed_fields == ["outcome"]

    # The keyworker had the form open from before: their save is refused, nothing overwritten.
    with pytest.raises(ConflictError):
        update_job_search_entry(
            actor=personas.keyworker.user, entry_id=entry.pk, expected_version=1, changes={"outcome": "No reply"}
        )
    entry.refresh_from_db()
    assert (entry.outcome, entry.version) == ("Got an interview!", 2)


def test_update_refuses_unknown_fields(personas: Personas) -> None:
    entry = add_for_pat(personas)
    with pytest.raises(InvalidInput):
        update_job_search_entry(
            actor=personas.participant.user, entry_id=entry.pk, expected_version=1, changes={"recorded_by": 1}
        )


def test_participant_deletes_from_their_own_log_history_kept(personas: Personas) -> None:
    entry = add_for_pat(personas, actor=personas.keyworker.user)
    delete_job_search_entry(actor=personas.participant.user, entry_id=entry.pk, expected_version=1)
    assert not JobSearchEntry.objects.filter(pk=entry.pk).exists()
    assert JobSearchEntry.history.filter(id=entry.pk, history_type="-").count() == 1


def test_keyworker_deletes_only_what_they_added(personas: Personas) -> None:
    entry = add_for_pat(personas)
    with pytest.raises(NotAllowed):
        delete_job_search_entry(actor=personas.keyworker.user, entry_id=entry.pk, expected_version=1)
    assert JobSearchEntry.objects.filter(pk=entry.pk).exists()

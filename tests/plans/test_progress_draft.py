"""The participant's own progress check, one question at a time: the draft kept between screens and
visits, skipped areas, and finishing it through the record service."""

import datetime

import pytest

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, NotAllowed
from coproduce.core.validation import InvalidInput
from coproduce.plans.charts import progress_charts
from coproduce.plans.models import ProgressArea, ProgressCheck, ProgressCheckDraft
from coproduce.plans.selectors.progress import progress_checks_for, progress_draft_for, progress_series
from coproduce.plans.services.progress import finish_progress_check, record_progress_check, save_progress_answer
from tests.personas import Personas


def test_draft_keeps_answers_and_resumes_at_the_first_question_not_reached(personas: Personas) -> None:
    pat = personas.participant
    save_progress_answer(actor=pat.user, participant_id=pat.pk, area="confidence", score="7", comment=" Better ")
    draft = save_progress_answer(actor=pat.user, participant_id=pat.pk, area="money", score=None, expected_version=1)

    again = progress_draft_for(pat.user, pat.pk)
    assert again is not None
    assert again.pk == draft.pk
    assert again.answers == {"confidence": {"score": 7, "comment": "Better"}, "money": {"score": None, "comment": ""}}
    assert again.version == 2
    assert again.next_area() == "childcare"
    assert ProgressCheck.objects.count() == 0
    events = AuditEvent.objects.filter(record_type__icontains="progresscheckdraft", participant_id=pat.pk)
    assert events.count() == 2


def test_an_answer_from_an_old_screen_is_refused(personas: Personas) -> None:
    pat = personas.participant
    save_progress_answer(actor=pat.user, participant_id=pat.pk, area="confidence", score=7)
    save_progress_answer(actor=pat.user, participant_id=pat.pk, area="money", score=4, expected_version=1)

    with pytest.raises(ConflictError):
        save_progress_answer(actor=pat.user, participant_id=pat.pk, area="skills", score=4, expected_version=1)


@pytest.mark.parametrize(("area", "score"), [("nonsense", 4), ("money", 11), ("money", "x"), ("money", True)])
def test_bad_answers_change_nothing(personas: Personas, area: str, score: object) -> None:
    pat = personas.participant
    with pytest.raises(InvalidInput):
        save_progress_answer(actor=pat.user, participant_id=pat.pk, area=area, score=score)
    assert not ProgressCheckDraft.objects.exists()


def test_only_the_participant_keeps_a_draft(personas: Personas) -> None:
    pat = personas.participant
    with pytest.raises(NotAllowed):
        save_progress_answer(actor=personas.keyworker.user, participant_id=pat.pk, area="money", score=4)
    assert not ProgressCheckDraft.objects.exists()


def test_finishing_records_the_areas_answered_and_leaves_skipped_ones_out(personas: Personas) -> None:
    pat = personas.participant
    save_progress_answer(actor=pat.user, participant_id=pat.pk, area="confidence", score=8, comment="Good")
    save_progress_answer(actor=pat.user, participant_id=pat.pk, area="money", score=None)
    save_progress_answer(actor=pat.user, participant_id=pat.pk, area="home", score=3)

    check = finish_progress_check(actor=pat.user, participant_id=pat.pk)

    assert check.reader == ProgressCheck.Reader.PARTICIPANT
    assert dict(check.scores.values_list("area", "score")) == {"confidence": 8, "home": 3}
    assert not ProgressCheckDraft.objects.exists()


def test_finishing_with_nothing_answered_is_refused(personas: Personas) -> None:
    pat = personas.participant
    with pytest.raises(InvalidInput):
        finish_progress_check(actor=pat.user, participant_id=pat.pk)
    save_progress_answer(actor=pat.user, participant_id=pat.pk, area="money", score=None)
    with pytest.raises(InvalidInput):
        finish_progress_check(actor=pat.user, participant_id=pat.pk)
    assert ProgressCheck.objects.count() == 0
    assert ProgressCheckDraft.objects.exists()


def test_record_service_still_needs_every_area_unless_told_otherwise(personas: Personas) -> None:
    pat = personas.participant
    day = datetime.date(2026, 3, 2)
    with pytest.raises(InvalidInput):
        record_progress_check(actor=pat.user, participant_id=pat.pk, checked_on=day, scores={"money": (4, "")})
    with pytest.raises(InvalidInput):
        record_progress_check(actor=pat.user, participant_id=pat.pk, checked_on=day, scores={}, every_area=False)
    check = record_progress_check(
        actor=pat.user, participant_id=pat.pk, checked_on=day, scores={"money": (4, "")}, every_area=False
    )
    assert check.scores.count() == 1


def test_series_and_charts_cope_with_skipped_areas(personas: Personas) -> None:
    pat = personas.participant
    day = datetime.date(2026, 3, 2)
    record_progress_check(
        actor=pat.user, participant_id=pat.pk, checked_on=day, scores={"money": (4, "")}, every_area=False
    )
    series = progress_series(list(progress_checks_for(pat.user, pat.pk)))
    charts = progress_charts(series, participant_label="You", keyworker_label="Your keyworker")

    assert len(series) == len(ProgressArea)
    by_area = {one.area: one for one in series}
    assert [reading.score for reading in by_area["money"].participant] == [4]
    assert by_area["confidence"].participant == []
    assert by_area["confidence"].rows() == []
    assert len(charts) == len(ProgressArea)

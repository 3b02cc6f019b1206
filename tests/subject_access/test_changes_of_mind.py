"""Personal data a participant adds as they go: an unfinished progress check, a consent withdrawn and
given again, an answer to a step changed. Each is in their own copy, as data.json and in the PDF."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.participants.models import Consent
from coproduce.participants.services import give_consent_again, record_consent, withdraw_consent
from coproduce.plans.services.plan import add_goal, agree_to_step, change_step_answer, offer_step
from coproduce.plans.services.progress import save_progress_answer
from coproduce.subject_access.builder import CopyScope, build_copy
from coproduce.subject_access.models import PreparedCopy
from coproduce.subject_access.package import check_shape
from coproduce.subject_access.services import ask_for_own_copy
from tests.personas import Personas
from tests.subject_access.copies import OpenedCopy, open_copy


def own_copy(personas: Personas, capture: Callable[..., Any]) -> OpenedCopy:
    with capture(execute=True):
        request = ask_for_own_copy(actor=personas.participant.user)
    return open_copy(bytes(PreparedCopy.objects.get(request=request).content))


def test_a_progress_check_not_yet_sent_is_in_the_copy_with_its_answers_so_far(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    pat = personas.participant
    save_progress_answer(actor=pat.user, participant_id=pat.pk, area="money", score=None)
    save_progress_answer(
        actor=pat.user, participant_id=pat.pk, area="confidence", score=6, comment="Better since the course."
    )

    copy = own_copy(personas, django_capture_on_commit_callbacks)

    check_shape(copy.data)
    unfinished = copy.data["unfinished_progress_check"]
    assert unfinished["started_at"] is not None
    assert unfinished["last_saved_at"] >= unfinished["started_at"]
    # In the scale's order, the skipped area kept with no score.
    assert [(a["area"]["code"], a["score"], a["comment"]) for a in unfinished["answers"]] == [
        ("confidence", 6, "Better since the course."),
        ("money", None, ""),
    ]
    assert "A progress check you have not finished" in copy.pdf_text
    assert "Better since the course." in copy.pdf_text


def test_with_no_unfinished_progress_check_it_is_null(personas: Personas) -> None:
    built = build_copy(CopyScope(participant_id=personas.participant.pk, reader=personas.participant.user))
    check_shape(built.data)
    assert built.data["unfinished_progress_check"] is None


def test_a_consent_withdrawn_and_given_again_shows_both(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    pat = personas.participant
    first = record_consent(
        actor=personas.keyworker.user, participant_id=pat.pk, purpose="contact_by_sms", how="in_person_signed"
    )
    withdraw_consent(actor=pat.user, consent_id=first.pk, how="online")
    give_consent_again(actor=pat.user, consent_id=first.pk)

    copy = own_copy(personas, django_capture_on_commit_callbacks)

    check_shape(copy.data)
    sms = [c for c in copy.data["consents"] if c["purpose"]["code"] == Consent.Purpose.CONTACT_BY_SMS]
    assert [(c["given_how"]["code"], c["withdrawn_at"] is not None) for c in sms] == [
        ("in_person_signed", True),
        ("online", False),
    ]
    assert [row["change"] for row in sms[0]["history"]] == ["created", "changed"]
    assert sms[0]["withdrawn_how"]["code"] == "online"


def test_a_changed_answer_to_a_step_shows_both_answers_in_order(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    kim, pat = personas.keyworker.user, personas.participant
    goal = add_goal(actor=kim, participant_id=pat.pk, title="Find work near home")
    step = offer_step(actor=kim, goal_id=goal.pk, description="Visit the job fair")
    step = agree_to_step(actor=pat.user, step_id=step.pk, expected_version=step.version)
    change_step_answer(
        actor=pat.user, step_id=step.pk, expected_version=step.version, answer="decline", reason="Clashes with school"
    )

    copy = own_copy(personas, django_capture_on_commit_callbacks)

    check_shape(copy.data)
    [copied] = [s for g in copy.data["goals"] for s in g["steps"] if s["description"] == "Visit the job fair"]
    assert copied["state"]["code"] == "declined"
    assert [(a["state"]["code"], a["decline_reason"]) for a in copied["answers"]] == [
        ("offered", ""),
        ("agreed", ""),
        ("declined", "Clashes with school"),
    ]
    assert "Clashes with school" in copy.pdf_text


def test_the_unfinished_progress_check_adds_no_query_whether_or_not_there_is_one(personas: Personas) -> None:
    pat = personas.participant
    scope = CopyScope(participant_id=pat.pk, reader=None)
    with CaptureQueriesContext(connection) as without:
        build_copy(scope)
    save_progress_answer(actor=pat.user, participant_id=pat.pk, area="money", score=4)
    with CaptureQueriesContext(connection) as with_one:
        build_copy(scope)
    assert len(with_one.captured_queries) == len(without.captured_queries)

"""Waves, stakeholders and interviews: the evaluators' changes and what they may not do."""

import datetime

import pytest

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.research.models import Interview, Wave
from coproduce.research.selectors import interviews_visible_to
from coproduce.research.services.interviews import (
    create_interview,
    create_stakeholder,
    create_wave,
    interview_contact_details,
    invite_for_interview,
    update_interview,
    update_stakeholder,
    update_wave,
    withdraw_stakeholder,
)


def test_waves(personas):
    eve = personas.evaluator.user
    wave = create_wave(
        actor=eve,
        year=2014,
        name="Wave 1 (2014)",
        starts_on=datetime.date(2014, 1, 1),
        ends_on=datetime.date(2014, 12, 31),
    )
    assert (wave.programme, wave.year, wave.version) == (personas.fife.programme, 2014, 1)
    with pytest.raises(InvalidInput) as error:
        create_wave(
            actor=eve, year=2014, name="Again", starts_on=datetime.date(2014, 1, 1), ends_on=datetime.date(2014, 2, 1)
        )
    assert error.value.errors == {"year": ["There is already a wave for 2014."]}
    with pytest.raises(InvalidInput) as backwards:
        create_wave(
            actor=eve, year=2013, name="Odd", starts_on=datetime.date(2013, 5, 1), ends_on=datetime.date(2013, 2, 1)
        )
    assert backwards.value.errors == {"ends_on": ["The wave must end on or after the day it starts."]}
    changed = update_wave(actor=eve, wave_id=wave.pk, expected_version=1, changes={"name": "First wave"})
    assert (changed.name, changed.version) == ("First wave", 2)
    with pytest.raises(ConflictError):
        update_wave(actor=eve, wave_id=wave.pk, expected_version=1, changes={"name": "Stale"})
    with pytest.raises(NotAllowed):
        create_wave(
            actor=personas.manager.user,
            year=2019,
            name="No",
            starts_on=datetime.date(2019, 1, 1),
            ends_on=datetime.date(2019, 2, 1),
        )
    assert Wave.objects.filter(name__in=["Stale", "No"]).count() == 0


def test_stakeholders_and_withdrawal_hides_their_interviews(personas):
    story = personas.research
    eve = personas.evaluator.user
    priya = create_stakeholder(
        actor=eve,
        name="Priya Partner",
        role="partner_staff",
        partnership_id=personas.fife.pk,
        organisation_id=personas.partner_agency.pk,
        email=" Priya@KMA.example.org ",
        agreed_to_interview=True,
    )
    assert (priya.programme, priya.email) == (personas.fife.programme, "priya@kma.example.org")
    with pytest.raises(InvalidInput) as error:
        update_stakeholder(
            actor=eve,
            stakeholder_id=priya.pk,
            expected_version=1,
            changes={"agreed_to_interview": False, "agreed_to_quotation": True},
        )
    assert list(error.value.errors) == ["agreed_to_interview"]
    update_stakeholder(actor=eve, stakeholder_id=priya.pk, expected_version=1, changes={"agreed_to_recording": True})
    kim = story.kim_stakeholder
    assert interviews_visible_to(eve).filter(pk=story.kim_interview.pk).exists()
    withdraw_stakeholder(actor=eve, stakeholder_id=kim.pk, expected_version=kim.version, on=datetime.date(2016, 1, 4))
    assert not interviews_visible_to(eve).filter(pk=story.kim_interview.pk).exists()
    with pytest.raises(NotFound):
        update_stakeholder(actor=eve, stakeholder_id=kim.pk, expected_version=kim.version + 1, changes={"name": "X"})


def test_interview_with_a_participant_by_pseudonym(personas):
    story = personas.research
    eve = personas.evaluator.user
    interview = create_interview(actor=eve, wave_id=story.wave_2016.pk, pseudonym="r-testpat", interviewer_id=eve.pk)
    assert (interview.kind, interview.research_consent, interview.partnership, interview.status) == (
        "participant",
        story.pat_consent,
        personas.fife,
        "invited",
    )
    event = AuditEvent.objects.get(record_type="research.Interview", record_id=str(interview.pk))
    assert (event.action, event.participant_id) == ("create", personas.participant.pk)

    interview = update_interview(
        actor=eve,
        interview_id=interview.pk,
        expected_version=1,
        changes={"status": "scheduled", "scheduled_for": datetime.datetime(2016, 5, 3, 10, tzinfo=datetime.UTC)},
    )
    with pytest.raises(InvalidInput) as no_date:
        update_interview(actor=eve, interview_id=interview.pk, expected_version=2, changes={"status": "done"})
    assert no_date.value.errors == {"held_on": ["Enter the day the interview was held."]}
    done = update_interview(
        actor=eve,
        interview_id=interview.pk,
        expected_version=2,
        changes={"status": "done", "held_on": datetime.date(2016, 5, 3), "recorded": True, "consent_confirmed": True},
    )
    assert (done.status, done.version) == ("done", 3)
    with pytest.raises(InvalidInput) as final:
        update_interview(
            actor=eve, interview_id=interview.pk, expected_version=3, changes={"status": "invited", "held_on": None}
        )
    assert final.value.errors == {"status": ["An interview that is done cannot become that."]}
    with pytest.raises(ConflictError):
        update_interview(actor=eve, interview_id=interview.pk, expected_version=2, changes={"notes": "Stale"})


def test_who_may_be_interviewed(personas):
    story = personas.research
    eve = personas.evaluator.user
    wave = story.wave_2016.pk
    for pseudonym in ("R-TESTOLI", "R-NOBODY"):  # withdrew; does not exist
        with pytest.raises(InvalidInput) as error:
            create_interview(actor=eve, wave_id=wave, pseudonym=pseudonym)
        assert error.value.errors == {"pseudonym": ["Choose a participant who agreed to be interviewed."]}
    with pytest.raises(InvalidInput) as both:
        create_interview(actor=eve, wave_id=wave, pseudonym="R-TESTPAT", stakeholder_id=story.kim_stakeholder.pk)
    assert list(both.value.errors) == ["__all__"]
    story.gemma_consent.recording = False
    story.gemma_consent.save()
    with pytest.raises(InvalidInput) as not_recorded:
        create_interview(
            actor=eve,
            wave_id=wave,
            pseudonym="R-TESTGEM",
            status="done",
            held_on=datetime.date(2016, 3, 1),
            recorded=True,
        )
    assert not_recorded.value.errors == {"recorded": ["They did not agree to be recorded."]}
    with pytest.raises(InvalidInput) as not_an_evaluator:
        create_interview(actor=eve, wave_id=wave, pseudonym="R-TESTGEM", interviewer_id=personas.keyworker.user.pk)
    assert not_an_evaluator.value.errors == {"interviewer": ["Choose an evaluator."]}
    with pytest.raises(NotAllowed):
        create_interview(actor=personas.keyworker.user, wave_id=wave, pseudonym="R-TESTPAT")
    assert Interview.objects.filter(wave_id=wave).count() == 1  # only Gemma's, from the story


def test_contact_details_only_with_agreement_and_audited(personas):
    story = personas.research
    eve = personas.evaluator.user
    details = interview_contact_details(actor=eve, interview=story.pat_interview)
    assert details is not None
    assert (details.given_name, details.email, details.mobile) == ("Pat", "pat@example.net", "+447700900001")
    assert (
        AuditEvent.objects.filter(
            actor=eve, participant=personas.participant, record_type="research.ResearchConsent", action="view"
        ).count()
        == 1
    )
    story.pat_consent.contact_for_interview = False
    story.pat_consent.save()
    story.pat_interview.refresh_from_db()
    assert interview_contact_details(actor=eve, interview=story.pat_interview) is None
    assert interview_contact_details(actor=eve, interview=story.kim_interview) is None


def test_invite_from_the_sampling_assistant_skips_anyone_already_in_the_wave(personas):
    story = personas.research
    eve = personas.evaluator.user
    made, skipped = invite_for_interview(
        actor=eve, wave_id=story.wave_2016.pk, research_consent_ids=[story.pat_consent.pk, story.gemma_consent.pk]
    )
    assert [(i.research_consent, i.status, i.partnership) for i in made] == [
        (story.pat_consent, "invited", personas.fife)
    ]
    assert skipped == [story.gemma_consent.pk]
    with pytest.raises(InvalidInput):
        invite_for_interview(actor=eve, wave_id=story.wave_2016.pk, research_consent_ids=[story.olive_consent.pk])
    again, skipped_again = invite_for_interview(
        actor=eve, wave_id=story.wave_2016.pk, research_consent_ids=[story.pat_consent.pk]
    )
    assert (again, skipped_again) == ([], [story.pat_consent.pk])

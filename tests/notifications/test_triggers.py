"""What each event sends, and to whom: enquiries, a step offered, a referral's answer, staff messages."""

import pytest

from coproduce.notifications.models import ChannelChoice, Message, ParticipantTopic, StaffTopic
from coproduce.notifications.services import set_contact_preference, set_staff_contact_preference
from coproduce.participants.models import Enquiry
from coproduce.participants.services import allocate_enquiry, submit_enquiry
from coproduce.plans.services.plan import offer_step
from coproduce.referrals.services import decline_referral
from tests.plans.factories import GoalFactory

pytestmark = pytest.mark.django_db


def test_an_enquiry_hears_its_reference_and_then_who_will_call(
    personas, notify, clock, django_capture_on_commit_callbacks
):
    kim = personas.keyworker.user
    set_staff_contact_preference(
        actor=kim, expected_version=1, channel=ChannelChoice.EMAIL, topics=[StaffTopic.ENQUIRIES_ALLOCATED]
    )
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit_enquiry(
            name="Jo Example", partnership_id=personas.fife.pk, contact_by=Enquiry.ContactBy.TEXT, mobile="07700 900555"
        )
    reference = f"FIF-E{enquiry.pk:05d}"
    with django_capture_on_commit_callbacks(execute=True):
        allocate_enquiry(
            actor=personas.manager.user,
            enquiry_id=enquiry.pk,
            expected_version=enquiry.version,
            keyworker_id=personas.keyworker.pk,
        )
    assert [(n["type"], n["to"], n["personalisation"]["body"]) for n in notify.sent()] == [
        (
            "sms",
            "+447700900555",
            f"Thank you for asking for help. Your reference is {reference}. Someone will contact you, "
            "usually within five working days.",
        ),
        (
            "sms",
            "+447700900555",
            f"Hello Jo. Kim from Fife Lone Parents Together will call you soon. Your reference is {reference}.",
        ),
        (
            "email",
            kim.email,
            f"An enquiry was given to you. Please contact them soon: https://coproduce.example/enquiries/{enquiry.pk}/",
        ),
    ]


def test_a_step_offered_is_texted_only_to_someone_who_wants_plan_news(
    personas, notify, clock, django_capture_on_commit_callbacks
):
    pat, paula = personas.participant, personas.second_participant
    set_contact_preference(
        actor=pat.user, participant_id=pat.pk, expected_version=1, channel="text", topics=[ParticipantTopic.PLAN_OFFERS]
    )
    set_contact_preference(
        actor=personas.keyworker.user,
        participant_id=paula.pk,
        expected_version=1,
        channel="text",
        topics=[ParticipantTopic.APPOINTMENTS],
    )
    with django_capture_on_commit_callbacks(execute=True):
        for participant in (pat, paula):
            goal = GoalFactory(participant=participant)
            offer_step(actor=personas.keyworker.user, goal_id=goal.pk, description="Try the CV workshop")
    assert [(n["to"], n["personalisation"]["body"]) for n in notify.sent()] == [
        (
            pat.mobile,
            "Hello Pat. Kim added something new to your plan. Have a look and tell us: https://coproduce.example/me/plan/",
        )
    ]


def test_a_declined_referral_never_names_the_service_and_the_partner_hears_of_waiting_referrals(
    personas, notify, clock, django_capture_on_commit_callbacks
):
    pat = personas.participant
    set_contact_preference(
        actor=pat.user, participant_id=pat.pk, expected_version=1, channel="text", topics=[ParticipantTopic.REFERRALS]
    )
    referral = personas.referral
    with django_capture_on_commit_callbacks(execute=True):
        decline_referral(
            actor=personas.partner_worker.user,
            referral_id=referral.pk,
            expected_version=referral.version,
            reason="no_capacity",
        )
    [text] = notify.sent()
    assert text["personalisation"]["body"] == (
        "Hello Pat. The organisation we contacted for you cannot help this time. "
        "Your keyworker will talk with you about what else could work."
    )
    assert personas.partner_service.name not in str(Message.objects.values_list("personalisation", flat=True))


def test_the_manager_hears_once_a_day_that_data_requests_are_due(personas, notify, clock):
    import datetime

    from django.core.management import call_command

    from coproduce.subject_access.services import log_request

    mo = personas.manager.user
    set_staff_contact_preference(
        actor=mo, expected_version=1, channel=ChannelChoice.EMAIL, topics=[StaffTopic.REQUESTS_DUE]
    )
    call_command("send_messages")
    assert notify.sent() == []  # nothing is due
    log_request(
        actor=mo,
        participant_id=personas.participant.pk,
        received_on=datetime.date(2026, 2, 12),
        how_made="letter",
        identity_checked="photo_id",
    )
    for _ in range(3):
        call_command("send_messages")
    clock.set("2026-03-11T12:00")
    call_command("send_messages")
    assert [(n["to"], n["personalisation"]["body"]) for n in notify.sent()] == [
        (mo.email, "A request is due for an answer: https://coproduce.example/partnership/subject-access/")
    ] * 2

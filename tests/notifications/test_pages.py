"""The contact and messages pages, for the participant, their keyworker, staff and the manager."""

import pytest
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.notifications.models import Channel, ContactPreference, Message, MessageSettings
from coproduce.participants.models import Consent
from tests.participants.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def message_to(participant, number: int, status=Message.Status.SENT, channel=Channel.TEXT) -> Message:
    return Message.objects.create(
        participant=participant,
        partnership=participant.partnership,
        channel=channel,
        template="appointment-booked",
        template_version=1,
        personalisation={"name": "Pat", "keyworker": "Kim", "starts_at": "2026-03-11T10:30:00+00:00", "link": "L"},
        to=participant.mobile,
        idempotency_key=f"test:{participant.pk}:{number}",
        send_after=timezone.now(),
        status=status,
        sent_at=timezone.now(),
    )


def test_a_participant_chooses_texts_about_appointments(personas, client_for):
    pat = personas.participant
    client = client_for("participant")
    page = client.get("/me/contact/")
    assert "We only send you texts or emails if you say yes here." in page.content.decode()
    response = client.post("/me/contact/", {"channel": "text", "topics": ["appointments"], "version": 1})
    assert response.status_code == 302
    preference = ContactPreference.objects.get(participant=pat)
    assert (preference.channel, preference.topics, preference.version) == ("text", ["appointments"], 1)
    assert list(
        Consent.objects.filter(participant=pat, purpose__startswith="contact_by", withdrawn_at=None).values_list(
            "purpose", "given_how"
        )
    ) == [("contact_by_sms", "online")]

    # The same form, sent again from a stale page, is refused: 409 and nothing changes.
    client.post("/me/contact/", {"channel": "none", "topics": [], "version": 1})
    stale = client.post("/me/contact/", {"channel": "email", "topics": ["surveys"], "version": 1})
    assert stale.status_code == 409
    preference.refresh_from_db()
    assert (preference.channel, preference.version) == ("none", 2)
    assert not Consent.objects.filter(participant=pat, purpose__startswith="contact_by", withdrawn_at=None).exists()


def test_messages_sent_shows_what_each_said_in_constant_queries(personas, client_for, django_assert_num_queries):
    pat = personas.participant
    client = client_for("participant")
    message_to(pat, 0)
    with django_assert_num_queries(8) as one:
        client.get("/me/messages/")
    for number in range(1, 8):
        message_to(pat, number)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/me/messages/")
    body = response.content.decode()
    assert body.count("Hello Pat. You will meet Kim on Wednesday 11 March, 10:30.") == 8
    assert (
        AuditEvent.objects.filter(participant=pat, action="view", record_type="participants.Participant").count() == 2
    )


def test_the_keyworker_changes_the_choice_with_them(personas, client_for):
    paula = personas.second_participant
    client = client_for("keyworker")
    response = client.post(
        f"/participants/{paula.pk}/contact/", {"channel": "both", "topics": ["appointments", "referrals"], "version": 1}
    )
    assert response.status_code == 302
    assert list(
        Consent.objects.filter(participant=paula, purpose__startswith="contact_by", withdrawn_at=None)
        .order_by("purpose")
        .values_list("purpose", "given_how")
    ) == [("contact_by_email", "in_person_verbal"), ("contact_by_sms", "in_person_verbal")]


def test_the_caseload_says_when_a_text_is_not_getting_through(personas, client_for, django_assert_num_queries):
    client = client_for("keyworker")
    client.get("/caseload/")  # a worker's first request fills per-process caches (content types)
    # 18: the page's queries, with the three of "Today and this week" (tests/web/test_keyworker_pages.py).
    with django_assert_num_queries(14):
        page = client.get("/caseload/")
    assert "Text not getting through" not in page.content.decode()
    bounced = ParticipantFactory(keyworker=personas.keyworker, partnership=personas.fife)
    message_to(bounced, 1, status=Message.Status.PERMANENT_FAILURE)
    recovered = ParticipantFactory(keyworker=personas.keyworker, partnership=personas.fife)
    message_to(recovered, 2, status=Message.Status.PERMANENT_FAILURE)
    message_to(recovered, 3, status=Message.Status.DELIVERED)
    with django_assert_num_queries(14):
        page = client.get("/caseload/")
    rows = {row["participant"].pk: row["participant"].text_not_getting_through for row in page.context["rows"]}
    assert rows[bounced.pk] is True
    assert rows[recovered.pk] is False
    assert page.content.decode().count("Text not getting through") == 1


def test_the_manager_reads_the_log_filtered_by_status_in_constant_queries(
    personas, client_for, django_assert_num_queries
):
    client = client_for("partnership_manager")
    message_to(personas.participant, 1)
    message_to(personas.second_participant, 2, status=Message.Status.PERMANENT_FAILURE)
    message_to(personas.glasgow_participant, 3)  # another partnership: not in Fife's log
    with django_assert_num_queries(8) as few:
        response = client.get("/partnership/messages/")
    assert len(response.context["rows"]) == 2
    for number in range(4, 30):
        message_to(personas.participant, number)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/partnership/messages/")
    failed = client.get("/partnership/messages/", {"status": "permanent_failure"})
    assert [m.participant_id for m in failed.context["rows"]] == [personas.second_participant.pk]


def test_the_manager_sets_reminder_times_and_quiet_hours(personas, client_for):
    client = client_for("partnership_manager")
    response = client.post(
        "/partnership/messages/settings/",
        {
            "reminder_time": "17:30",
            "morning_reminder_time": "08:00",
            "quiet_hours": "21:00-07:30\n08:15-09:15",
            "version": 1,
        },
    )
    assert response.status_code == 302
    saved = MessageSettings.objects.get(programme=personas.fife.programme)
    assert (str(saved.reminder_time), saved.quiet_hours) == ("17:30:00", [["21:00", "07:30"], ["08:15", "09:15"]])
    wrong = client.post(
        "/partnership/messages/settings/",
        {"reminder_time": "17:30", "morning_reminder_time": "08:00", "quiet_hours": "after lunch", "version": 1},
    )
    assert wrong.status_code == 400
    assert "Write each quiet time like 08:15-09:15" in wrong.content.decode()

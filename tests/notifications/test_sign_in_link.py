"""A parent with no password gets back in with a link by text, and the page never says who has an account."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.notifications.models import Message
from tests.accounts.factories import UserFactory
from tests.participants.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

SAME_ANSWER = "If we know that number or address, we have sent a link to it."


@pytest.fixture
def parent(personas):
    user = UserFactory(username="nicola", email="nicola@example.net", mobile="+447700900473", display_name="Nicola")
    user.set_unusable_password()
    user.save()
    return ParticipantFactory(
        user=user,
        given_name="Nicola",
        family_name="Watt",
        mobile="+447700900473",
        partnership=personas.fife,
        keyworker=personas.keyworker,
    )


def ask(client: Client, contact: str):
    return client.post(reverse("web:sign_in_link"), {"contact": contact}, follow=True)


def test_a_parent_with_no_password_gets_a_link_by_text_and_it_lets_them_in(
    parent, notify, django_capture_on_commit_callbacks
):
    client = Client()
    assert "Get a sign-in link by text or email" in client.get(reverse("web:sign_in")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "07700 900473")
    assert SAME_ANSWER in response.content.decode()

    [text] = notify.sent()
    assert text["to"] == "+447700900473"
    assert text["type"] == "sms"
    assert text["personalisation"]["subject"] == "Your sign-in link"
    # A text proves the phone first (a number may be shared: tests/notifications/test_shared_mobile.py).
    link = re.search(r"https://coproduce\.example(/sign-in/phone/\S+/)", text["personalisation"]["body"]).group(1)
    # The log keeps no usable link once it is sent.
    message = Message.objects.get(participant=parent)
    assert (message.status, message.personalisation) == ("sent", {"link": "(removed once sent)"})
    assert (
        AuditEvent.objects.filter(participant=parent, changed_fields=["sign_in_link"], actor_role="public").count() == 1
    )

    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert "Create a password" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "a long fresh password 42", "new_password2": "a long fresh password 42"}
    )
    assert done.status_code == 302
    signed_in = client.post(
        reverse("web:sign_in"), {"username": "07700900473", "password": "a long fresh password 42"}, follow=True
    )
    assert signed_in.context["user"] == parent.user


def test_the_answer_is_the_same_for_an_unknown_number_and_nothing_is_sent(parent, notify):
    response = ask(Client(), "07700 900999")
    assert SAME_ANSWER in response.content.decode()
    assert notify.sent() == []
    assert Message.objects.count() == 0


def test_a_staff_account_gets_no_link_here(personas, notify):
    ask(Client(), personas.keyworker.user.email)
    assert Message.objects.count() == 0


def test_asking_is_limited_per_number(parent, notify, settings, django_capture_on_commit_callbacks):
    settings.COPRODUCE_SIGN_IN_LINK_RATE = "2/h"
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert ask(Client(REMOTE_ADDR="192.0.2.1"), "07700900473").status_code == 200
    refused = Client(REMOTE_ADDR="192.0.2.2").post(reverse("web:sign_in_link"), {"contact": "+44 7700 900473"})
    assert refused.status_code == 429
    assert len(notify.sent()) == 2


def test_asking_is_limited_per_computer(parent, notify, settings):
    settings.COPRODUCE_SIGN_IN_LINK_IP_RATE = "3/h"
    client = Client(REMOTE_ADDR="192.0.2.7")
    for number in range(3):
        assert ask(client, f"0770090010{number}").status_code == 200
    assert client.post(reverse("web:sign_in_link"), {"contact": "07700900473"}).status_code == 429
    assert Message.objects.count() == 0

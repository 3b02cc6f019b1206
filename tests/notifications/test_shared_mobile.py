"""Families share phones: several people sign in with one mobile number, and nobody who does not
hold the phone learns that more than one account uses it."""

import re
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.notifications.models import Message
from coproduce.participants.models import Consent
from coproduce.participants.services import register_participant
from tests.accounts.factories import UserFactory
from tests.participants.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

SHARED = "+447700900555"
ALONE = "+447700900556"
SAME_ANSWER = "If we know that number or address, we have sent a link to it."


def account(personas, given: str, family: str, mobile: str, password: str | None = None):
    user = UserFactory(username=f"{given}.{family}".lower(), email="", mobile=mobile, display_name=given)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    return ParticipantFactory(
        user=user, given_name=given, family_name=family, mobile=mobile, keyworker=personas.keyworker
    )


@pytest.fixture
def family(personas):
    return account(personas, "Nicola", "Watt", SHARED), account(personas, "Sam", "Watt", SHARED)


def ask(client: Client, contact: str):
    return client.post(reverse("web:sign_in_link"), {"contact": contact}, follow=True)


def without_tokens(page: str) -> str:
    return re.sub(r'value="[^"]*"', "", page)


def link_in(text: dict) -> str:
    return re.search(r"https://coproduce\.example(/sign-in/phone/\S+/)", text["personalisation"]["body"]).group(1)


def test_a_shared_phone_gets_one_text_and_its_link_asks_who_is_signing_in(
    family, notify, django_capture_on_commit_callbacks
):
    nicola, sam = family
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "07700 900555")
    page = response.content.decode()
    assert SAME_ANSWER in page
    assert "Nicola" not in page
    assert "Sam" not in page
    [text] = notify.sent()
    assert text["to"] == SHARED
    assert Message.objects.count() == 1
    assert set(
        AuditEvent.objects.filter(changed_fields=["sign_in_link"]).values_list("participant_id", "actor_role")
    ) == {
        (nicola.pk, "public"),
        (sam.pk, "public"),
    }

    link = link_in(text)
    who = client.get(link)
    assert who.status_code == 200
    assert who["Cache-Control"] == "no-store"
    names = re.findall(r'class="govuk-label govuk-radios__label"[^>]*>([^<]+)<', who.content.decode())
    assert names == ["Nicola", "Sam"]
    assert "Watt" not in who.content.decode()

    chosen = client.post(link, {"person": sam.user.pk})
    assert chosen.status_code == 302
    form = client.get(chosen["Location"], follow=True)
    assert "Create a password" in form.content.decode()
    client.post(
        form.redirect_chain[-1][0], {"new_password1": "sams own password 42", "new_password2": "sams own password 42"}
    )
    signed_in = Client().post(
        reverse("web:sign_in"), {"username": "07700900555", "password": "sams own password 42"}, follow=True
    )
    assert signed_in.context["user"] == sam.user
    # Once someone on the number has used it, the link works no more.
    assert client.get(link).status_code == 404


def test_the_answer_and_the_text_are_the_same_for_one_person_or_several(
    personas, family, notify, django_capture_on_commit_callbacks
):
    account(personas, "Lee", "Alone", ALONE)
    with django_capture_on_commit_callbacks(execute=True):
        several = ask(Client(), SHARED)
        one = ask(Client(), ALONE)
    assert several.status_code == one.status_code == 200
    assert without_tokens(several.content.decode()) == without_tokens(one.content.decode())
    to_several, to_one = notify.sent()
    assert re.sub(r"/sign-in/phone/\S+/", "LINK", to_several["personalisation"]["body"]) == re.sub(
        r"/sign-in/phone/\S+/", "LINK", to_one["personalisation"]["body"]
    )


def test_with_one_person_on_the_number_the_link_goes_straight_to_their_password_page(
    personas, notify, django_capture_on_commit_callbacks
):
    lee = account(personas, "Lee", "Alone", ALONE)
    with django_capture_on_commit_callbacks(execute=True):
        ask(Client(), ALONE)
    response = Client().get(link_in(notify.sent()[0]))
    assert response.status_code == 302
    assert response["Location"].startswith("/set-password/")
    assert lee.user.pk  # the page named nobody: there was nothing to choose


def test_a_link_that_does_not_prove_the_phone_names_nobody(family, notify, django_capture_on_commit_callbacks):
    nicola, _sam = family
    with django_capture_on_commit_callbacks(execute=True):
        ask(Client(), SHARED)
    link = link_in(notify.sent()[0])
    tampered = link.rstrip("/")[:-3] + "abc/"
    for url in (tampered, re.sub(r"/sign-in/phone/[^/]+/", "/sign-in/phone/MTIzNDU2/", link)):
        response = Client().get(url)
        assert response.status_code == 404
        assert "Nicola" not in response.content.decode()
        assert "This link does not work" in response.content.decode()
        assert Client().post(url, {"person": nicola.user.pk}).status_code == 404


def test_only_someone_on_the_number_can_be_chosen(personas, family, notify, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(Client(), SHARED)
    link = link_in(notify.sent()[0])
    for data in ({"person": personas.participant.user.pk}, {}):
        response = Client().post(link, data)
        assert response.status_code == 400
        assert "Choose who is signing in" in response.content.decode()
        assert "Pat" not in response.content.decode()


def test_each_person_signs_in_with_the_shared_number_and_their_own_password(personas):
    nicola = account(personas, "Nicola", "Watt", SHARED, password="nicolas password 1")
    sam = account(personas, "Sam", "Watt", SHARED, password="sams password 2")
    for password, who in (("nicolas password 1", nicola), ("sams password 2", sam)):
        response = Client().post(
            reverse("web:sign_in"), {"username": "07700 900555", "password": password}, follow=True
        )
        assert response.context["user"] == who.user


def test_a_wrong_password_takes_the_same_checks_for_no_one_one_or_several_people(personas):
    account(personas, "Lee", "Alone", ALONE, password="lees password 3")
    account(personas, "Nicola", "Watt", SHARED, password="nicolas password 1")
    account(personas, "Sam", "Watt", SHARED, password="sams password 2")
    pages, counts = [], []
    for number in ("07700 900557", ALONE, SHARED):
        with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode) as h:
            response = Client().post(reverse("web:sign_in"), {"username": number, "password": "not it"})
        pages.append(without_tokens(response.content.decode()))
        counts.append(h.call_count)
    assert counts == [3, 3, 3]
    assert pages[0] == pages[1] == pages[2]


def test_one_password_that_opens_two_accounts_on_a_number_opens_neither(personas):
    account(personas, "Nicola", "Watt", SHARED, password="the same password")
    account(personas, "Sam", "Watt", SHARED, password="the same password")
    response = Client().post(reverse("web:sign_in"), {"username": SHARED, "password": "the same password"}, follow=True)
    assert not response.context["user"].is_authenticated


def test_a_keyworker_registers_someone_on_a_number_another_account_uses(personas):
    pat = personas.participant
    sister = register_participant(
        actor=personas.keyworker.user,
        given_name="Patsy",
        family_name="Participant",
        consent_how=Consent.How.IN_PERSON_SIGNED,
        mobile="07700 900001",
    )
    assert sister.user.mobile == pat.user.mobile == "+447700900001"


def test_two_people_with_one_first_name_on_a_number_are_told_apart_by_an_initial(
    personas, notify, django_capture_on_commit_callbacks
):
    account(personas, "Sam", "Watt", SHARED)
    account(personas, "Sam", "Kerr", SHARED)
    with django_capture_on_commit_callbacks(execute=True):
        ask(Client(), SHARED)
    who = Client().get(link_in(notify.sent()[0])).content.decode()
    names = re.findall(r'class="govuk-label govuk-radios__label"[^>]*>([^<]+)<', who)
    assert names == ["Sam K.", "Sam W."]

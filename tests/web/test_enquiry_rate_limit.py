"""Asking for help is limited per address (COPRODUCE_API_ENQUIRY_RATE, 10 an hour, page and API
together); someone who reaches the limit keeps what they typed and is given a number to call."""

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings

from coproduce.participants.models import Enquiry
from tests.personas import Personas

HELP_PHONE = "0808 157 0192"
PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def _help_phone() -> Iterator[None]:
    with override_settings(COPRODUCE_HELP_PHONE=HELP_PHONE):
        yield


def ask(personas: Personas, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "Nell Newby",
        "partnership": personas.fife.pk,
        "contact_by": "text",
        "mobile": "07700 900555",
        "best_time": "School hours",
        "message": "I need help now. My benefits have stopped & I can't pay for the kids' tea.",
        **overrides,
    }


def text_of(response: Any) -> str:
    """What the page says, without its markup."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))).replace(" .", ".")


def ask_by_api(client: Client, personas: Personas, **headers: str) -> Any:
    body = {"name": "Nell Newby", "partnership_id": personas.fife.pk, "contact_by": "text", "mobile": "07700 900555"}
    return client.post("/api/v1/enquiries", json.dumps(body), content_type="application/json", **headers)


def test_the_eleventh_ask_in_an_hour_is_refused_and_keeps_what_was_typed(personas: Personas) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for number in range(10):
        response = client.post("/ask-for-help/", ask(personas, name=f"Nell {number}"))
        assert response["Location"] == "/ask-for-help/sent/"
    before = list(Enquiry.objects.order_by("pk").values())

    refused = client.post("/ask-for-help/", ask(personas, name="Nell Again"))

    body = html.unescape(refused.content.decode())
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Your message has not been sent yet" in text_of(refused)
    assert f"To talk to someone in the team now, call {HELP_PHONE}." in text_of(refused)
    assert 'href="tel:08081570192"' in body
    assert "If you or someone else is in danger now, call 999." in text_of(refused)
    # The form comes back as they filled it in.
    assert 'value="Nell Again"' in body
    assert "I need help now. My benefits have stopped & I can't pay for the kids' tea.</textarea>" in body
    assert 'value="School hours"' in body
    assert list(Enquiry.objects.order_by("pk").values()) == before
    # Someone at another address is not held up.
    other = Client(REMOTE_ADDR="198.51.100.20").post("/ask-for-help/", ask(personas))
    assert other["Location"] == "/ask-for-help/sent/"


def test_forms_sent_back_to_be_corrected_do_not_count(personas: Personas) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert client.post("/ask-for-help/", ask(personas, mobile="", contact_by="text")).status_code == 400
    for _ in range(10):
        assert client.post("/ask-for-help/", ask(personas))["Location"] == "/ask-for-help/sent/"
    assert Enquiry.objects.filter(name="Nell Newby").count() == 10


def test_the_page_and_the_api_share_one_count(personas: Personas) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(10):
        assert ask_by_api(client, personas).status_code == 201
    count = Enquiry.objects.count()

    assert client.post("/ask-for-help/", ask(personas)).status_code == 429
    assert Enquiry.objects.count() == count


def test_without_a_proxy_a_made_up_forwarded_address_does_not_get_round_the_limit(personas: Personas) -> None:
    for number in range(10):
        client = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
        assert client.post("/ask-for-help/", ask(personas))["Location"] == "/ask-for-help/sent/"
    count = Enquiry.objects.count()

    page = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.200").post("/ask-for-help/", ask(personas))
    api = ask_by_api(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.201"), personas)

    assert (page.status_code, api.status_code) == (429, 429)
    assert Enquiry.objects.count() == count


@override_settings(COPRODUCE_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_each_person_is_counted_on_their_own_address(personas: Personas) -> None:
    for _ in range(10):
        busy = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
        assert busy.post("/ask-for-help/", ask(personas))["Location"] == "/ask-for-help/sent/"
    again = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert again.post("/ask-for-help/", ask(personas)).status_code == 429

    someone_else = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert someone_else.post("/ask-for-help/", ask(personas))["Location"] == "/ask-for-help/sent/"
    assert ask_by_api(someone_else, personas).status_code == 201


def test_without_a_help_line_set_the_refusal_still_gives_numbers_to_call(personas: Personas) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(10):
        client.post("/ask-for-help/", ask(personas))
    with override_settings(COPRODUCE_HELP_PHONE=""):
        refused = client.post("/ask-for-help/", ask(personas))
    body = text_of(refused)
    assert refused.status_code == 429
    assert "To talk to someone in the team now" not in body
    assert "If you or someone else is in danger now, call 999." in body
    assert "call Samaritans free on 116 123." in body

"""Every message template: plain, discreet, documented, and rendered in the reader's language."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from coproduce.directory.models import Service
from coproduce.notifications.templates import TEMPLATES, render

# Words that would tell anyone who sees the phone why the person gets support.
SENSITIVE = [
    "debt",
    "mental health",
    "safeguarding",
    "benefit",
    "sanction",
    "addiction",
    "alcohol",
    "drug",
    "domestic",
    "abuse",
    "social work",
    "food bank",
    "foodbank",
    "homeless",
    "eviction",
    "arrears",
    "crisis",
    "money advice",
    "counselling",
    "jobcentre",
]
JARGON = ["engagement", "intervention", "outcome", "provision", "signposting"]


def texts() -> list[tuple[str, str]]:
    return [(template.name, f"{template.subject} {template.body}".lower()) for template in TEMPLATES.values()]


@pytest.mark.parametrize(("name", "text"), texts())
def test_no_template_says_anything_sensitive_or_jargon(name, text):
    assert [word for word in SENSITIVE + JARGON if word in text] == []


@pytest.mark.django_db
def test_no_template_names_a_service(personas):
    personas.with_referrals()
    names = [name.lower() for name in Service.objects.values_list("name", flat=True)]
    assert names  # the referral story has services: the check below is not empty
    for _, text in texts():
        assert [name for name in names if name in text] == []


def test_referral_templates_have_no_gap_for_the_service_or_organisation():
    for name in ("referral-sent", "referral-accepted", "referral-declined"):
        assert set(re.findall(r"{(\w+)}", str(TEMPLATES[name].body))) <= {"name", "link", "keyworker"}


def test_every_template_is_in_the_docs():
    docs = (Path(settings.BASE_DIR) / "docs" / "notifications.md").read_text()
    missing = [name for name in TEMPLATES if f"`{name}`" not in docs]
    assert missing == []


def test_texts_are_short_enough_for_two_text_messages():
    values = {
        "name": "Christabel",
        "keyworker": "Kirsty",
        "organisation": "Fife Gingerbread",
        "reference": "FIF-E00042",
        "starts_at": "2026-03-11T10:30:00+00:00",
        "link": "https://coproduce.example/set-password/MTIz/abcdef-0123456789abcdef0123456789abcdef/",
    }
    too_long = {
        name: len(render(name, values, "en-gb")[1]) for name in TEMPLATES if len(render(name, values, "en-gb")[1]) > 306
    }
    assert too_long == {}


def test_a_message_is_written_in_the_readers_language():
    values = {"name": "Ola", "keyworker": "Kim", "starts_at": "2026-03-11T10:30:00+00:00", "link": "L"}
    # Until the Polish catalogue has this text, the sentence stays English; the date is already Polish.
    assert "Środa 11 marca, 10:30" in render("appointment-booked", values, "pl")[1]
    assert "Wednesday 11 March" in render("appointment-booked", values, "en-gb")[1]

"""Issue 10's "must show": `manage.py subject_access` for the demo participant Nicola Watt gives a
ZIP whose data.json holds her contacts, steps, referrals with what each partner received, and who
looked at her record, and not the text of any note restricted from her; the PDF opens and is tagged."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from coproduce.demo.builder import build_demo
from coproduce.participants.models import Participant
from coproduce.participants.services import record_participant_view
from coproduce.plans.services.contacts import record_contact, restrict_contact
from tests.subject_access.copies import open_copy

TODAY = datetime.date(2026, 11, 27)
RESTRICTED = "Nicola said her ex-partner has been waiting outside the school; do not share her new address."


@pytest.fixture
def nicola(db: None) -> Participant:
    build_demo(participants=150, seed=7, today=TODAY)
    return Participant.objects.select_related("keyworker__user").get(user__email="nicola.watt@example.net")


def test_the_dpos_copy_of_nicola_watt(nicola: Participant, tmp_path: Path) -> None:
    kirsty = nicola.keyworker.user
    note = record_contact(
        actor=kirsty, participant_id=nicola.pk, happened_on=TODAY, kind="phone", notes=RESTRICTED, duration_minutes=10
    )
    restrict_contact(actor=kirsty, contact_id=note.pk, expected_version=note.version, reason="Risk from ex-partner")
    record_participant_view(actor=kirsty, participant=nicola)

    target = tmp_path / "nicola.zip"
    call_command("subject_access", nicola.reference, output=str(target))
    copy = open_copy(target.read_bytes())
    data = copy.data

    assert data["details"]["given_name"] == "Nicola"
    assert data["contacts"]
    assert len(data["contacts"]) == nicola.contacts.filter(restricted_at__isnull=True).count()
    assert sum(len(goal["steps"]) for goal in data["goals"]) > 0
    accepted = [referral for referral in data["referrals"] if referral["state"]["code"] == "accepted"]
    assert [referral["received_by_organisation"]["organisation"] for referral in accepted] == ["Kingdom Money Matters"]
    assert accepted[0]["received_by_organisation"]["fields"][0] == {"code": "name", "label": "Name"}
    assert accepted[0]["received_by_organisation"]["received_at"]
    assert {"who": str(kirsty), "action": "view"} in [
        {"who": event["who"], "action": event["action"]["code"]} for event in data["who_looked"]
    ]
    assert not copy.contains(RESTRICTED)
    assert not copy.contains("Risk from ex-partner")
    assert copy.pdf_is_tagged
    assert "Everything we hold about you" in copy.pdf_text
    assert "Kingdom Money Matters" in copy.pdf_text

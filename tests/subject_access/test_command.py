"""`manage.py subject_access REFERENCE --output FILE.zip`: the participant's own copy for the DPO,
audited as an export; clear errors (and a non-zero exit) for an unknown reference or a bad path."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coproduce.audit.models import AuditEvent
from tests.personas import Personas
from tests.subject_access.copies import open_copy
from tests.subject_access.story import HIDDEN_NOTE, OPEN_NOTE, SOFTER_NOTE, build_pats_record


def test_the_dpo_gets_the_copy_pat_would_get_and_it_is_audited(personas: Personas, tmp_path: Path) -> None:
    build_pats_record(personas)
    target = tmp_path / "pat.zip"
    call_command("subject_access", "miw-fif-00001", output=str(target))
    opened = open_copy(target.read_bytes())
    assert opened.data["details"]["reference"] == "MIW-FIF-00001"
    assert opened.data["about"]["request"] is None
    assert [contact["notes"] for contact in opened.data["contacts"]] == [OPEN_NOTE]
    assert not opened.contains(HIDDEN_NOTE)
    assert not opened.contains(SOFTER_NOTE)
    assert opened.pdf_is_tagged
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    event = AuditEvent.objects.get(action="export", participant=personas.participant)
    assert (event.actor_id, event.channel, event.purpose, event.record_type) == (
        None,
        "export",
        "Subject access request",
        "participants.Participant",
    )


def test_an_unknown_reference_is_refused_and_nothing_is_written(personas: Personas, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No participant has the reference 'MIW-XXX-00009'"):
        call_command("subject_access", "MIW-XXX-00009", output=str(tmp_path / "copy.zip"))
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_path_that_cannot_be_written_is_refused_before_anything_is_read(personas: Personas, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"the folder .*missing does not exist"):
        call_command("subject_access", "MIW-FIF-00001", output=str(tmp_path / "missing" / "copy.zip"))
    with pytest.raises(CommandError, match="is a folder"):
        call_command("subject_access", "MIW-FIF-00001", output=str(tmp_path))
    # /sys refuses new files even to root, whose own permission check would let it through.
    with pytest.raises(CommandError, match=r"(?i)cannot write /sys/copy\.zip: permission denied"):
        call_command("subject_access", "MIW-FIF-00001", output="/sys/copy.zip")
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_command_exits_non_zero_on_an_error(personas: Personas, tmp_path: Path) -> None:
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_code:
        ManagementUtility(["manage.py", "subject_access", "NOBODY", "--output", str(tmp_path / "x.zip")]).execute()
    assert exit_code.value.code == 1

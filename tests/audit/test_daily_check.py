"""The daily check: run as a task or from cron, recorded for the admin, and a failure emailed to
every active administrator."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent, AuditVerification
from coproduce.audit.sealing import seal_audit_log
from coproduce.audit.tasks import check_audit_log_task
from coproduce.audit.verification import administrator_addresses
from tests.accounts.factories import UserFactory
from tests.audit.logbook import append_events, execute, triggers_off
from tests.personas import Personas
from tests.programmes.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrators(personas: Personas) -> list[str]:
    """Ada (a superuser) and Ian (staff with the administrator role) are told; nobody else is."""
    StaffMemberFactory(
        user=UserFactory(username="ian@coproduce.example.org", email="ian@coproduce.example.org"),
        partnership=None,
        roles=[Role.ADMINISTRATOR],
    )
    UserFactory(username="old@coproduce.example.org", is_superuser=True, is_staff=True, is_active=False)
    StaffMemberFactory(
        user=UserFactory(username="gone@coproduce.example.org"), is_active=False, roles=[Role.ADMINISTRATOR]
    )
    return ["ada@coproduce.example.org", "ian@coproduce.example.org"]


@pytest.fixture
def tampered_log() -> AuditEvent:
    events = append_events(4)
    seal_audit_log()
    with triggers_off():
        execute("UPDATE audit_auditevent SET record_id = '1' WHERE id = %s", [events[2].pk])
    return AuditEvent.objects.get(pk=events[2].pk)


def test_the_administrators_are_the_active_superusers_and_staff_administrators(administrators: list[str]) -> None:
    assert administrator_addresses() == administrators


def test_a_failed_daily_check_is_emailed_to_every_active_administrator(
    administrators: list[str], tampered_log: AuditEvent
) -> None:
    result = check_audit_log_task.enqueue()

    assert result.return_value is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Coproduce: the audit log failed its check"
    assert message.to == administrators
    problem = f"Event {tampered_log.pk} ({tampered_log.at:%Y-%m-%d %H:%M:%S} UTC) was changed after seal 1 sealed it."
    assert f"found 1 problem. The first:\n\n    {problem}\n\n" in message.body
    assert 'Follow "When the check fails" in docs/audit.md.' in message.body
    check = AuditVerification.objects.get()
    assert (check.outcome, check.administrators_told, check.problems) == ("failed", 2, f"- {problem}")


def test_a_passing_daily_check_emails_nobody(administrators: list[str]) -> None:
    append_events(3)
    seal_audit_log()

    assert check_audit_log_task.enqueue().return_value is True

    assert mail.outbox == []
    check = AuditVerification.objects.get()
    assert (check.outcome, check.seals_checked, check.events_checked, check.administrators_told) == ("passed", 1, 3, 0)


def test_the_cron_command_notifies_and_exits_non_zero(administrators: list[str], tampered_log: AuditEvent) -> None:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", notify=True, stdout=io.StringIO(), stderr=io.StringIO())

    assert failure.value.returncode == 1
    assert [message.to for message in mail.outbox] == [administrators]


def test_without_notify_the_command_emails_nobody(administrators: list[str], tampered_log: AuditEvent) -> None:
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())

    assert mail.outbox == []
    assert AuditVerification.objects.get().administrators_told == 0

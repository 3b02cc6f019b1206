"""The retention schedule: an administrator sets it for a programme in the admin; managers read it."""

from collections.abc import Callable

import pytest
from django.test import Client

from coproduce.accounts.models import User
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import NotAllowed
from coproduce.retention.models import RetentionSchedule
from coproduce.retention.services import update_retention_schedule
from tests.personas import Personas

SignIn = Callable[[User], Client]
ADD = "/admin/retention/retentionschedule/add/"


def schedule_form(personas: Personas, **changes: object) -> dict[str, object]:
    return {
        "programme": personas.fife.programme_id,
        "closed_case_years": 7,
        "enquiry_months": 3,
        "transcript_original_months": 24,
        "expected_version": 0,
        **changes,
    }


def test_ada_sets_the_programmes_schedule_and_mo_sees_it(personas: Personas, sign_in: SignIn) -> None:
    ada = sign_in(personas.administrator)

    response = ada.post(ADD, schedule_form(personas))

    assert response.status_code == 302
    schedule = RetentionSchedule.objects.get(programme=personas.fife.programme)
    assert (
        schedule.closed_case_years,
        schedule.enquiry_months,
        schedule.transcript_original_months,
        schedule.changed_by,
        schedule.version,
    ) == (7, 3, 24, personas.administrator, 1)
    assert list(
        AuditEvent.objects.filter(record_type="retention.RetentionSchedule").values_list(
            "actor_id", "action", "participant_id", "changed_fields"
        )
    ) == [
        (
            personas.administrator.pk,
            "create",
            None,
            ["closed_case_years", "enquiry_months", "transcript_original_months"],
        )
    ]
    page = sign_in(personas.manager.user).get("/partnership/retention/").content.decode()
    assert "last set by Ada Admin" in page
    assert "7 years after it closed, then anonymised" in page
    assert "3 months after it was made, then anonymised" in page
    assert "24 months after upload" in page


def test_a_change_made_from_an_old_copy_of_the_schedule_is_refused(personas: Personas, sign_in: SignIn) -> None:
    schedule = update_retention_schedule(
        actor=personas.administrator,
        programme_id=personas.fife.programme_id,
        expected_version=0,
        closed_case_years=6,
        enquiry_months=6,
        transcript_original_months=12,
    )
    update_retention_schedule(
        actor=personas.administrator,
        programme_id=personas.fife.programme_id,
        expected_version=schedule.version,
        closed_case_years=8,
        enquiry_months=6,
        transcript_original_months=12,
    )

    response = sign_in(personas.administrator).post(
        f"/admin/retention/retentionschedule/{schedule.pk}/change/",
        schedule_form(personas, closed_case_years=5, expected_version=schedule.version),
    )

    assert response.status_code == 200
    assert "Someone else changed this schedule while you were editing it." in response.content.decode()
    assert RetentionSchedule.objects.get(pk=schedule.pk).closed_case_years == 8


@pytest.mark.parametrize(
    ("field", "value"), [("closed_case_years", 0), ("enquiry_months", 0), ("transcript_original_months", 0)]
)
def test_a_period_of_nothing_is_refused(personas: Personas, sign_in: SignIn, field: str, value: int) -> None:
    response = sign_in(personas.administrator).post(ADD, schedule_form(personas, **{field: value}))

    assert response.status_code == 200
    assert "must be 1 or more" in response.content.decode()
    assert "Ensure this value" not in response.content.decode()
    assert not RetentionSchedule.objects.exists()


def test_only_an_administrator_sets_it(personas: Personas, sign_in: SignIn) -> None:
    response = sign_in(personas.manager.user).post(ADD, schedule_form(personas))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    with pytest.raises(NotAllowed):
        update_retention_schedule(
            actor=personas.manager.user,
            programme_id=personas.fife.programme_id,
            expected_version=0,
            closed_case_years=1,
            enquiry_months=1,
            transcript_original_months=1,
        )
    assert not RetentionSchedule.objects.exists()

"""Staff set their own work phone and email; their participants see them on "My page" (issue 12)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coproduce.accounts.models import normalise_uk_phone, uk_phone_for_people
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import NotAllowed
from coproduce.core.validation import InvalidInput
from coproduce.programmes.services import set_work_contact
from tests.personas import Personas


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("01632 960123", "+441632960123", "01632 960123"),
        ("+44 (0)20 7946 0123".replace("(0)", ""), "+442079460123", "020 7946 0123"),
        ("0303-123-4567", "+443031234567", "0303 123 4567"),
        ("07700 900123", "+447700900123", "07700 900123"),
        ("", "", ""),
    ],
)
def test_uk_phone_numbers_are_stored_one_way_and_shown_the_uk_way(typed: str, stored: str, shown: str) -> None:
    assert normalise_uk_phone(typed) == stored
    assert uk_phone_for_people(stored) == shown


def test_kim_sets_her_work_phone_and_email_and_it_is_audited(personas: Personas) -> None:
    kim = personas.keyworker
    set_work_contact(actor=kim.user, work_phone="01632 960 123", work_email=" Kim.Work@Example.org ")
    kim.refresh_from_db()
    assert (kim.work_phone, kim.work_email) == ("+441632960123", "kim.work@example.org")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE, record_id=str(kim.pk)).latest("pk")
    assert sorted(event.changed_fields) == ["work_email", "work_phone"]
    before = AuditEvent.objects.count()
    set_work_contact(actor=kim.user, work_phone="+44 1632 960123", work_email="kim.work@example.org")
    assert AuditEvent.objects.count() == before  # nothing changed, nothing recorded
    set_work_contact(actor=kim.user, work_phone="", work_email="")
    kim.refresh_from_db()
    assert (kim.work_phone, kim.work_email) == ("", "")


def test_a_phone_number_that_is_not_a_uk_one_or_a_bad_email_is_refused(personas: Personas) -> None:
    kim = personas.keyworker
    with pytest.raises(InvalidInput) as error:
        set_work_contact(actor=kim.user, work_phone="+33 1 23 45 67 89", work_email="not an email")
    assert set(error.value.errors) == {"work_phone", "work_email"}
    kim.refresh_from_db()
    assert (kim.work_phone, kim.work_email) == ("", "")


def test_a_participant_has_no_work_contact_details_to_set(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        set_work_contact(actor=personas.participant.user, work_phone="01632 960123", work_email="")


def test_the_staff_page_saves_and_shows_errors_by_field(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("keyworker")
    assert 'href="/account/work-contact/"' in client.get("/account/messages/").content.decode()
    wrong = client.post("/account/work-contact/", {"work_phone": "12345", "work_email": "kim@"})
    assert wrong.status_code == 400
    html = wrong.content.decode()
    assert "Enter a UK phone number, like 01632 960123 or 07700 900123." in html
    assert "Enter a work email address, like name@example.org." in html
    saved = client.post("/account/work-contact/", {"work_phone": "01632960123", "work_email": "kim@example.org"})
    assert saved.status_code == 302
    page = client.get("/account/work-contact/").content.decode()
    assert 'value="01632 960123"' in page
    assert "Your work contact details are saved." in page


def test_pat_sees_his_keyworkers_work_phone_and_email_on_my_page(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("participant")
    page = client.get("/me/").content.decode()
    assert "Your keyworker: " in page
    assert "tel:" not in page
    assert "mailto:" not in page
    set_work_contact(actor=personas.keyworker.user, work_phone="01632 960123", work_email="kim@example.org")
    page = client.get("/me/").content.decode()
    assert f"Your keyworker: {personas.keyworker.user}" in page
    assert '<a class="govuk-link" href="tel:+441632960123">01632 960123</a>' in page
    assert '<a class="govuk-link" href="mailto:kim@example.org">kim@example.org</a>' in page
    # Only work contact details: never the keyworker's own sign-in email or mobile.
    kim_user = personas.keyworker.user
    for personal in (kim_user.email, kim_user.mobile):
        if personal:
            assert personal not in page


def test_my_page_takes_the_same_queries_with_work_contact_details(
    personas: Personas, client_for: Callable[[str], Client], django_assert_num_queries
) -> None:
    client = client_for("participant")
    client.get("/me/")
    with CaptureQueriesContext(connection) as without:
        assert client.get("/me/").status_code == 200
    queries = len(without.captured_queries)  # read now: the next request empties the log
    assert queries > 5
    set_work_contact(actor=personas.keyworker.user, work_phone="01632 960123", work_email="kim@example.org")
    client.get("/me/")
    with django_assert_num_queries(queries):
        client.get("/me/")

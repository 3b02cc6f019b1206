"""Kim's caseload, registering people, and reading and changing a record (Mo, the manager, too)."""

import datetime
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from coproduce.audit.models import AuditEvent
from coproduce.outcomes.tasks import schedule_sustainment_checks
from coproduce.participants.models import Consent, Enquiry, Participant
from coproduce.participants.services import allocate_enquiry
from tests.outcomes.factories import JobStartFactory
from tests.participants.factories import ChildFactory, ConsentFactory, EnquiryFactory, ParticipantFactory
from tests.personas import Personas
from tests.plans.factories import (
    AppointmentFactory,
    AssessmentBarrierFactory,
    AssessmentFactory,
    ContactFactory,
    CoverShareFactory,
    StepFactory,
)
from tests.programmes.factories import StaffMemberFactory
from tests.referrals.factories import ReferralFactory

ClientFor = Callable[[str], Client]


def visible(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def text(response: object) -> str:
    """The page's main content as a person reads it: no tags, single spaces."""
    body = response.content.decode()  # type: ignore[attr-defined]
    return visible(body.split("<main", 1)[1].split("</main>", 1)[0].split(">", 1)[1])


def caseload_rows(response: object) -> list[str]:
    body = response.content.decode()  # type: ignore[attr-defined]
    if '<tbody class="govuk-table__body">' not in body:
        return []
    tbody = body.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [visible(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", tbody, re.S)]


def names(response: object) -> list[str]:
    return [participant.full_name for participant in (row["participant"] for row in response.context["rows"])]  # type: ignore[attr-defined]


# The caseload.


def test_kim_sees_her_own_caseload_and_nobody_elses(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("keyworker").get("/caseload/")

    assert response.status_code == 200
    assert names(response) == ["Pat Participant", "Paula Second"]
    page = text(response)
    for someone_else in ("Olive", "Other", "Gemma", "Glasgow"):
        assert someone_else not in page
    assert response.context["counts"] == {"total": 2, "active": 2, "paused": 0, "closed": 0, "not_seen": 1}
    year = timezone.localdate().year
    pat_row, paula_row = caseload_rows(response)
    assert pat_row.startswith(
        f"Pat Participant MIW-FIF-00001 Active {timezone.localdate() - datetime.timedelta(days=7):%-d %b %Y}"
    )
    assert pat_row.endswith(f"{year - 2012 - 1}, {year - 2016 - 1} Take on today’s visits : Pat Participant")
    assert paula_row == (
        f"Paula Second MIW-FIF-00002 Active {timezone.localdate() - datetime.timedelta(days=60):%-d %b %Y} "
        "Not seen for 8 weeks None booked 0 None Take on today’s visits : Paula Second"
    )


def test_showing_the_caseload_is_audited_once_per_person_in_one_query(
    personas: Personas, client_for: ClientFor
) -> None:
    client_for("keyworker").get("/caseload/")
    events = AuditEvent.objects.filter(actor=personas.keyworker.user).order_by("participant_id")
    assert [(event.participant_id, event.action, event.purpose) for event in events] == [
        (personas.participant.pk, "list", "Casework"),
        (personas.second_participant.pk, "list", "Casework"),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Pat Participant"]),
        ({"status": "all"}, ["Pat Participant", "Paula Second"]),
        ({"search": "paula"}, []),
        ({"search": "paula", "status": "all"}, ["Paula Second"]),
        ({"search": "MIW-FIF-00001"}, ["Pat Participant"]),
        ({"search": "ky2", "status": "all"}, ["Paula Second"]),
        ({"search": "Olive"}, []),
        ({"status": "paused"}, ["Paula Second"]),
        ({"status": "active"}, ["Pat Participant"]),
        ({"not_seen": "on"}, []),
        ({"search": "pat", "status": "active"}, ["Pat Participant"]),
    ],
)
def test_kim_searches_and_filters_her_caseload(
    personas: Personas, client_for: ClientFor, query: dict[str, str], expected: list[str]
) -> None:
    Participant.objects.filter(pk=personas.second_participant.pk).update(status="paused", postcode="KY2 5AB")
    response = client_for("keyworker").get("/caseload/", query)
    assert response.status_code == 200
    assert names(response) == expected


def test_not_seen_in_four_weeks_finds_paula(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("keyworker").get("/caseload/", {"not_seen": "on"})
    assert names(response) == ["Paula Second"]
    assert "Not seen for 8 weeks" in text(response)


def test_enquiries_allocated_to_kim_wait_for_her_with_a_register_link(
    personas: Personas, client_for: ClientFor
) -> None:
    erin = personas.enquiry
    allocate_enquiry(
        actor=personas.manager.user,
        enquiry_id=erin.pk,
        expected_version=erin.version,
        keyworker_id=personas.keyworker.pk,
    )
    EnquiryFactory(name="Una Unallocated", partnership=personas.fife)

    response = client_for("keyworker").get("/caseload/")

    page = text(response)
    assert "People waiting to hear from you" in page
    assert "Erin Enquirer Register Erin Enquirer Asked on" in page
    assert "Una Unallocated" not in page
    assert f'href="/participants/new/?enquiry={erin.pk}"' in response.content.decode()


def test_the_caseload_pages_25_at_a_time(personas: Personas, client_for: ClientFor) -> None:
    ParticipantFactory.create_batch(30, keyworker=personas.keyworker)
    client = client_for("keyworker")
    first = client.get("/caseload/")
    last = client.get("/caseload/", {"page": "2"})
    assert (len(first.context["rows"]), len(last.context["rows"])) == (25, 7)
    assert 'href="?page=2"' in first.content.decode()


# 30: more than a page. (The audit insert is one statement up to SQLite's bulk batch size, about
# 80 people shown at once between the page, the to-do list and the cases covered.)
@pytest.mark.parametrize("caseload_size", [1, 30])
def test_the_caseload_takes_the_same_queries_however_many_people(
    personas: Personas, sign_in: Callable, django_assert_num_queries: Callable, caseload_size: int
) -> None:
    keyworker = StaffMemberFactory(partnership=personas.fife, organisation=personas.lead_organisation)
    for participant in ParticipantFactory.create_batch(caseload_size, keyworker=keyworker):
        ChildFactory(participant=participant)
        ChildFactory(participant=participant, birth_year=2018)
        ContactFactory(participant=participant, happened_on=datetime.date(2026, 1, 5))
        AppointmentFactory(participant=participant)
        AppointmentFactory(participant=participant, starts_at=_today_at(0, 30))
        StepFactory(goal__participant=participant, wants_to_talk=True)
        ReferralFactory(participant=participant, agreed=True)
    EnquiryFactory(partnership=personas.fife, allocated_to=keyworker, status=Enquiry.Status.ALLOCATED)
    for _ in range(caseload_size):
        covered = ParticipantFactory(keyworker=personas.keyworker)
        CoverShareFactory(participant=covered, covering_keyworker=keyworker)
        # A job start with its four checks all due, for someone already listed (audited once).
        schedule_sustainment_checks.call(JobStartFactory(participant=covered).pk)
    client = sign_in(keyworker.user)
    # Session, user, actor (3), counts (with how many match: no page count), the page (with
    # children, next appointment and open steps), enquiries, cases covered, referrals overdue or
    # waiting, sustainment checks due, this week's appointments, steps to talk about, audit insert.
    with django_assert_num_queries(14):
        response = client.get("/caseload/", {"search": "", "status": "active"})
    assert len(response.context["rows"]) == min(caseload_size, 25)
    assert len(response.context["due_checks"]) == 4 * caseload_size
    assert len(response.context["appointments_today"]) == caseload_size
    assert len(response.context["steps_to_talk"]) == caseload_size
    assert len(response.context["waiting_referrals"]) == caseload_size


def _today_at(hour: int, minute: int) -> datetime.datetime:
    return timezone.localtime().replace(hour=hour, minute=minute, second=0, microsecond=0)


def test_the_caseload_opens_on_kims_to_do_list_for_today_and_this_week(
    personas: Personas, client_for: ClientFor
) -> None:
    pat, paula = personas.participant, personas.second_participant
    AppointmentFactory(participant=pat, starts_at=_today_at(0, 30), place="home")
    AppointmentFactory(participant=paula, starts_at=_today_at(0, 45), status="cancelled")
    AppointmentFactory(participant=paula, starts_at=_today_at(0, 30) + datetime.timedelta(days=8))
    later = _today_at(10, 0) + datetime.timedelta(days=1)
    if later.weekday() != 0:  # still this week (today is not Sunday)
        AppointmentFactory(participant=paula, starts_at=later)
    StepFactory(goal__participant=pat, description="Try the CV workshop", wants_to_talk=True)
    StepFactory(goal__participant=pat, description="Not asked to talk about")
    ReferralFactory(participant=paula, agreed=True, service__name="Fife Debt Advice")
    ReferralFactory(participant=pat, proposed_by="participant", service__name="Fife Childcare Hub")
    ReferralFactory(participant=pat, service__name="Proposed by Kim, waiting on Pat")
    someone_elses = ParticipantFactory()
    StepFactory(goal__participant=someone_elses, wants_to_talk=True, description="Not Kim's")
    ReferralFactory(participant=someone_elses, agreed=True, service__name="Not Kim's either")

    response = client_for("keyworker").get("/caseload/")

    page = text(response)
    section = page.split("Today and this week", 1)[1].split("People I support", 1)[0]
    assert "Appointments today 00:30 Pat Participant , at home" in section
    assert "Steps to talk about" in section
    assert "Pat Participant : Try the CV workshop" in section
    assert "Not asked to talk about" not in section
    assert "Not Kim's" not in section
    assert "Paula Second: Fife Debt Advice , agreed: ready for you to send" in section
    assert "Pat Participant: Fife Childcare Hub , asked for by Pat Participant: talk it through" in section
    assert "waiting on Pat" not in section
    assert [a.participant for a in response.context["appointments_today"]] == [pat]
    assert [a.participant for a in response.context["appointments_later"]] == ([paula] if later.weekday() != 0 else [])


def test_a_quiet_week_says_there_is_nothing_to_do(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("keyworker").get("/caseload/")
    assert "Nothing to do today or this week" in text(response)


def test_the_caseload_table_stacks_on_phones_with_a_label_on_every_cell(
    personas: Personas, client_for: ClientFor
) -> None:
    body = client_for("keyworker").get("/caseload/").content.decode()
    assert '<table class="govuk-table cp-table--stack">' in body
    row = body.split('<tbody class="govuk-table__body">', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="govuk-table__cell" data-label="([^"]+)"', row) == [
        "Name",
        "Reference",
        "Status",
        "Last contact",
        "Next appointment",
        "Open steps",
        "Children’s ages",
        "Today’s visits",
    ]
    assert row.count("<td") == 8


# Registering someone.


def registration(**changes: object) -> dict[str, object]:
    return {
        "given_name": "Rhona",
        "family_name": "MacLeod",
        "email": "Rhona@Example.net",
        "mobile": "07700 900123",
        "postcode": "ky1 2ab",
        "children": "2014, 2019",
        "heard_about": "school_or_nursery",
        "consent_how": Consent.How.IN_PERSON_SIGNED,
        **changes,
    }


def test_kim_registers_rhona_onto_her_caseload_with_consent(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("keyworker").post("/participants/new/", registration(), follow=True)

    rhona = Participant.objects.get(family_name="MacLeod")
    assert response.redirect_chain == [(f"/participants/{rhona.pk}/", 302)]
    assert "Rhona MacLeod is registered, as MIW-FIF-00004." in text(response)
    assert (rhona.keyworker, rhona.email, rhona.mobile, rhona.postcode) == (
        personas.keyworker,
        "rhona@example.net",
        "+447700900123",
        "KY1 2AB",
    )
    assert sorted(rhona.children.values_list("birth_year", flat=True)) == [2014, 2019]
    consent = rhona.consents.get()
    assert (consent.purpose, consent.given_how, consent.given_by) == (
        "service",
        "in_person_signed",
        personas.keyworker.user,
    )
    created = AuditEvent.objects.get(participant=rhona, action="create")
    assert (created.actor, created.actor_role) == (personas.keyworker.user, "keyworker")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"consent_how": ""},
            "consent_how",
            "Choose how they agreed to get support. Nobody is registered without consent.",
        ),
        (
            {"children": "2012, 20l6"},
            "children",
            "Enter years of birth as four-digit years separated by commas, like 2012, 2016.",
        ),
        (
            {"children": "2012 2016"},
            "children",
            "Enter years of birth as four-digit years separated by commas, like 2012, 2016.",
        ),
        ({"children": "1985"}, "children", "1985 is not a possible year of birth for a child."),
        ({"email": "PAT@example.net"}, "email", "Another account already uses this email address."),
        ({"mobile": "01592 123456"}, "mobile", "Enter a UK mobile number, like 07700 900123."),
        ({"given_name": ""}, "given_name", "Enter the first name"),
    ],
)
def test_bad_registrations_are_explained_and_change_nothing(
    personas: Personas, client_for: ClientFor, changes: dict[str, str], field: str, message: str
) -> None:
    before = (Participant.objects.count(), Consent.objects.count(), AuditEvent.objects.count())

    response = client_for("keyworker").post("/participants/new/", registration(**changes))

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert message in text(response)
    assert (Participant.objects.count(), Consent.objects.count(), AuditEvent.objects.count()) == before


def test_mo_registers_erin_from_her_enquiry_onto_owens_caseload(personas: Personas, client_for: ClientFor) -> None:
    client = client_for("partnership_manager")
    erin = personas.enquiry
    form = client.get("/participants/new/", {"enquiry": erin.pk}).context["form"]
    assert {name: form.initial[name] for name in ("given_name", "family_name", "email", "enquiry")} == {
        "given_name": "Erin",
        "family_name": "Enquirer",
        "email": "erin@example.com",
        "enquiry": erin.pk,
    }
    data = {
        **registration(given_name="Erin", family_name="Enquirer", email="erin@example.com", mobile=""),
        "enquiry": erin.pk,
    }

    assert client.post("/participants/new/", data).status_code == 400  # a manager must choose the keyworker
    response = client.post("/participants/new/", {**data, "keyworker": personas.other_keyworker.pk})

    assert response.status_code == 302
    erin.refresh_from_db()
    assert erin.status == Enquiry.Status.REGISTERED
    assert erin.participant is not None
    assert erin.participant.keyworker == personas.other_keyworker


def test_kim_cannot_register_from_an_enquiry_that_is_not_hers(personas: Personas, client_for: ClientFor) -> None:
    client = client_for("keyworker")
    assert client.get("/participants/new/", {"enquiry": personas.enquiry.pk}).status_code == 404
    response = client.post("/participants/new/", {**registration(), "enquiry": personas.enquiry.pk})
    assert response.status_code == 404
    assert not Participant.objects.filter(family_name="MacLeod").exists()


# A participant's record.


def test_kim_reads_pats_record_and_the_reading_is_audited(personas: Personas, client_for: ClientFor) -> None:
    pat = personas.participant
    assessment = AssessmentFactory(participant=pat, aspirations="Work in a nursery.")
    AssessmentBarrierFactory(assessment=assessment, own_words="Nobody for the school run.")

    response = client_for("keyworker").get(f"/participants/{pat.pk}/")

    assert response.status_code == 200
    page = text(response)
    assert page.startswith("MIW-FIF-00001 Pat Participant Active since 2 March 2015")
    assert "Keyworker Kim Keyworker (Fife Lone Parents Together)" in page
    year = timezone.localdate().year
    assert f"Children Born 2012 (aged {year - 2012 - 1}) Born 2016 (aged {year - 2016 - 1})" in page
    assert "Receive support and have my information kept by the service" in page
    assert "Work in a nursery." in page
    assert "“Nobody for the school run.”" in page
    assert "Can sign in Yes, with their email address or mobile number" in page
    body = response.content.decode()
    assert f'href="/consents/{pat.consents.get().pk}/withdraw/"' in body
    assert "Who has looked at this record" not in page
    assert "Move to another keyworker" not in page
    event = AuditEvent.objects.get(participant=pat, actor=personas.keyworker.user)
    assert (event.action, event.purpose, event.path) == ("view", "Casework", f"/participants/{pat.pk}/")


def test_mo_sees_links_to_the_audit_and_to_reallocation(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("partnership_manager").get(f"/participants/{personas.other_participant.pk}/")
    assert response.status_code == 200
    assert (response.context["can_view_audit"], response.context["can_reallocate"]) == (True, True)
    assert "Who has looked at this record" in text(response)
    assert "Move to another keyworker" in text(response)


@pytest.mark.parametrize(
    ("role", "whose"),
    [
        ("keyworker", "other_participant"),
        ("keyworker", "glasgow_participant"),
        ("partnership_manager", "glasgow_participant"),
    ],
)
def test_records_outside_a_caseload_or_area_are_not_found(
    personas: Personas, client_for: ClientFor, role: str, whose: str
) -> None:
    someone = getattr(personas, whose)
    response = client_for(role).get(f"/participants/{someone.pk}/")
    assert response.status_code == 404
    assert someone.family_name not in response.content.decode()
    assert not AuditEvent.objects.filter(participant=someone).exists()


@pytest.mark.parametrize("how_many", [1, 20])
def test_a_record_takes_the_same_queries_however_long_it_is(
    personas: Personas, sign_in: Callable, django_assert_num_queries: Callable, how_many: int
) -> None:
    participant = ParticipantFactory(keyworker=personas.keyworker)
    for number in range(how_many):
        ChildFactory(participant=participant, birth_year=2000 + number)
        ConsentFactory(
            participant=participant,
            purpose=Consent.Purpose.SHARE_WITH_ORGANISATION,
            organisation=personas.partner_agency,
        )
        ContactFactory(participant=participant, happened_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=number))
        schedule_sustainment_checks.call(JobStartFactory(participant=participant).pk)
    assessment = AssessmentFactory(participant=participant)
    AssessmentBarrierFactory(assessment=assessment)
    client = sign_in(personas.keyworker.user)
    # Session, user, actor (3), participant (with children and whether they are on today's visits),
    # consents, assessment, its barriers, contacts, upcoming appointments, cover shares, sustainment
    # checks due, an erasure request, audit insert.
    with django_assert_num_queries(15):
        response = client.get(f"/participants/{participant.pk}/")
    assert len(response.context["contacts"]) == min(how_many, 10)
    assert len(response.context["due_checks"]) == 4 * how_many


@pytest.mark.parametrize("caseload_size", [1, 50])
@pytest.mark.parametrize(("role", "url"), [("keyworker", "/participants/{pk}/"), ("participant", "/me/")])
def test_record_pages_take_the_same_queries_however_many_participants(
    personas: Personas,
    client_for: ClientFor,
    django_assert_num_queries: Callable,
    caseload_size: int,
    role: str,
    url: str,
) -> None:
    for participant in ParticipantFactory.create_batch(caseload_size, keyworker=personas.keyworker):
        ContactFactory(participant=participant)
    client = client_for(role)
    client.get(url.format(pk=personas.participant.pk))  # the first visit may set up the session
    # The participant's page also asks whether the evaluation team has a survey waiting for them;
    # the keyworker's whether the person asked for their data to be erased. The participant's lists the
    # programmes they took part in before (one query, whatever they hold).
    expected = {"keyworker": 14, "participant": 11}[role]
    with django_assert_num_queries(expected):
        response = client.get(url.format(pk=personas.participant.pk))
    assert response.status_code == 200


# Changing a record.


def edit_data(participant: Participant, **changes: object) -> dict[str, object]:
    return {
        "given_name": participant.given_name,
        "family_name": participant.family_name,
        "preferred_name": participant.preferred_name,
        "email": participant.email,
        "mobile": participant.mobile,
        "address": participant.address,
        "postcode": participant.postcode,
        "children": "2012, 2016",
        "heard_about": participant.heard_about,
        "status": participant.status,
        "version": participant.version,
        **changes,
    }


def test_kim_pauses_pat_and_updates_his_children(personas: Personas, client_for: ClientFor) -> None:
    pat = personas.participant
    client = client_for("keyworker")
    form = client.get(f"/participants/{pat.pk}/edit/").context["form"]
    assert (form.initial["children"], form.initial["version"], form.initial["status"]) == ("2012, 2016", 1, "active")

    response = client.post(
        f"/participants/{pat.pk}/edit/", edit_data(pat, status="paused", children="2012, 2016, 2024"), follow=True
    )

    assert response.redirect_chain == [(f"/participants/{pat.pk}/", 302)]
    assert "Pat Participant’s details are saved." in text(response)
    pat.refresh_from_db()
    assert (pat.status, pat.status_since, pat.version) == ("paused", timezone.localdate(), 2)
    assert sorted(pat.children.values_list("birth_year", flat=True)) == [2012, 2016, 2024]
    change = AuditEvent.objects.get(participant=pat, action="change")
    assert change.changed_fields == ["children", "status", "status_since"]


def test_the_second_of_two_edits_from_the_same_version_gets_a_conflict_and_saves_nothing(
    personas: Personas, client_for: ClientFor
) -> None:
    paula = personas.second_participant
    kim, mo = client_for("keyworker"), client_for("partnership_manager")
    kim.get(f"/participants/{paula.pk}/edit/")
    mo.get(f"/participants/{paula.pk}/edit/")

    first = kim.post(f"/participants/{paula.pk}/edit/", edit_data(paula, children="", preferred_name="Polly"))
    second = mo.post(f"/participants/{paula.pk}/edit/", edit_data(paula, children="", preferred_name="Pauline"))

    assert first.status_code == 302
    assert second.status_code == 409
    assert "Someone else changed this record while you were editing it. Nothing was saved" in text(second)
    paula.refresh_from_db()
    assert (paula.preferred_name, paula.version) == ("Polly", 2)


def test_a_bad_edit_is_explained_and_saves_nothing(personas: Personas, client_for: ClientFor) -> None:
    pat = personas.participant
    response = client_for("keyworker").post(
        f"/participants/{pat.pk}/edit/", edit_data(pat, family_name="Changed", children="twenty twelve")
    )
    assert response.status_code == 400
    assert 'class="govuk-error-summary"' in response.content.decode()
    pat.refresh_from_db()
    assert (pat.family_name, pat.version) == ("Participant", 1)
    assert not AuditEvent.objects.filter(participant=pat, action="change").exists()


def test_an_email_someone_else_signs_in_with_is_refused_on_edit(personas: Personas, client_for: ClientFor) -> None:
    pat = personas.participant
    response = client_for("keyworker").post(
        f"/participants/{pat.pk}/edit/", edit_data(pat, email="kim@fifelpt.example.org")
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"email": ["Another account already uses this email address."]}
    pat.refresh_from_db()
    assert pat.email == "pat@example.net"


# Consents.


def test_kim_records_that_pat_agreed_to_share_with_the_money_advice_service(
    personas: Personas, client_for: ClientFor
) -> None:
    pat = personas.participant
    client = client_for("keyworker")
    url = f"/participants/{pat.pk}/consents/new/"
    no_organisation = client.post(url, {"purpose": "share_with_organisation", "how": "phone"})
    assert no_organisation.status_code == 400
    assert no_organisation.context["form"].errors == {
        "organisation": ["Choose the organisation they agreed we may share with."]
    }
    assert pat.consents.count() == 1

    response = client.post(
        url, {"purpose": "share_with_organisation", "organisation": personas.partner_agency.pk, "how": "phone"}
    )

    assert response.status_code == 302
    consent = pat.consents.get(purpose="share_with_organisation")
    assert (consent.organisation, consent.given_how, consent.given_by) == (
        personas.partner_agency,
        "phone",
        personas.keyworker.user,
    )
    again = client.post(
        url, {"purpose": "share_with_organisation", "organisation": personas.partner_agency.pk, "how": "phone"}
    )
    assert again.status_code == 400
    assert "This consent is already recorded and has not been withdrawn." in text(again)


def test_kim_records_paulas_withdrawal_and_how_she_said_it(personas: Personas, client_for: ClientFor) -> None:
    consent = personas.second_participant.consents.get()
    client = client_for("keyworker")
    no_how = client.post(f"/consents/{consent.pk}/withdraw/")
    assert no_how.status_code == 400
    assert "Choose how they told you they are withdrawing their consent." in text(no_how)

    response = client.post(f"/consents/{consent.pk}/withdraw/", {"how": "phone"})

    assert response["Location"] == f"/participants/{personas.second_participant.pk}/"
    consent.refresh_from_db()
    assert (consent.withdrawn_how, consent.withdrawn_by) == ("phone", personas.keyworker.user)
    assert AuditEvent.objects.filter(participant=personas.second_participant, action="consent_withdrawn").count() == 1


# Sign-in links.


def test_kim_makes_a_sign_in_link_for_pat_and_it_is_audited(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("keyworker").post(f"/participants/{personas.participant.pk}/sign-in-link/")
    assert response.status_code == 200
    assert re.search(r"http://testserver/set-password/[\w-]+/[\w-]+/", response.content.decode())
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(participant=personas.participant, action="change")
    assert (event.actor, event.changed_fields) == (personas.keyworker.user, ["sign_in_link"])


def test_kim_gives_paula_an_account_from_the_contact_details_on_her_record(
    personas: Personas, client_for: ClientFor
) -> None:
    paula = personas.second_participant
    assert paula.user is None
    assert paula.email
    assert paula.mobile
    kim = client_for("keyworker")
    detail = text(kim.get(f"/participants/{paula.pk}/"))
    assert f"Send it by text to {paula.mobile}" in detail
    assert f"Send it by email to {paula.email}" in detail
    response = kim.post(f"/participants/{paula.pk}/sign-in-link/")
    assert response.status_code == 200
    assert re.search(r"http://testserver/set-password/[\w-]+/[\w-]+/", response.content.decode())
    paula.refresh_from_db()
    assert (paula.user.email, paula.user.mobile, paula.user.has_usable_password()) == (
        paula.email,
        paula.mobile,
        False,
    )
    event = AuditEvent.objects.get(participant=paula, action="change")
    assert (event.actor, event.changed_fields) == (personas.keyworker.user, ["sign_in_link", "user"])


@pytest.mark.parametrize(("send_by", "channel"), [("text", "mobile"), ("email", "email")])
def test_kim_chooses_to_send_paula_the_link_by_text_or_email(
    personas: Personas, client_for: ClientFor, send_by: str, channel: str
) -> None:
    from coproduce.notifications.models import Message

    paula = personas.second_participant
    response = client_for("keyworker").post(f"/participants/{paula.pk}/sign-in-link/", {"send_by": send_by})
    assert response.status_code == 200
    page = text(response)
    assert f"Sent by {send_by}" in page
    assert "/set-password/" not in response.content.decode()
    message = Message.objects.get(participant=paula)
    assert (message.channel, message.to, message.template) == (send_by, getattr(paula, channel), "sign-in-link")
    assert "/set-password/" in message.personalisation["link"]


def test_an_email_address_another_account_uses_is_left_off_the_new_account(
    personas: Personas, client_for: ClientFor
) -> None:
    paula = personas.second_participant
    Participant.objects.filter(pk=paula.pk).update(email=personas.participant.email)
    response = client_for("keyworker").post(f"/participants/{paula.pk}/sign-in-link/", {"send_by": "email"})
    assert response.status_code == 400
    assert "Their account has no email address. Choose another way." in text(response)
    paula.refresh_from_db()
    assert paula.user is None  # nothing was made: the whole change was refused


def test_someone_with_no_email_or_mobile_is_told_plainly(personas: Personas, client_for: ClientFor) -> None:
    paula = personas.second_participant
    Participant.objects.filter(pk=paula.pk).update(email="", mobile="")
    response = client_for("keyworker").post(f"/participants/{paula.pk}/sign-in-link/")
    assert response.status_code == 200
    assert "Paula Second has no account to sign in with, because their record has no email address" in text(response)
    assert "/set-password/" not in response.content.decode()


def test_a_sign_in_link_cannot_be_fetched_with_get(personas: Personas, client_for: ClientFor) -> None:
    assert client_for("keyworker").get(f"/participants/{personas.participant.pk}/sign-in-link/").status_code == 405

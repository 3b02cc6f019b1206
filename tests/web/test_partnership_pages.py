"""The partnership manager's pages, as stories about Mo, who manages Fife.

Kim (Pat and Paula) and Owen (Olive) are Fife's keyworkers; Erin's enquiry waits in Fife. Glen
manages Glasgow, where Gail supports Gemma.
"""

import datetime
from collections.abc import Callable

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.audit.context import audit_context
from coproduce.audit.models import AuditEvent
from coproduce.participants.models import Enquiry, Participant
from coproduce.participants.services import allocate_enquiry, record_participant_view
from coproduce.programmes.models import Organisation, Partnership, PartnershipMembership, StaffMember
from tests.participants.factories import EnquiryFactory, ParticipantFactory
from tests.personas import Personas

SignIn = Callable[[User], Client]


@pytest.fixture
def mo(personas: Personas, sign_in: SignIn) -> Client:
    return sign_in(personas.manager.user)


@pytest.fixture
def glen(personas: Personas, sign_in: SignIn) -> Client:
    return sign_in(personas.glasgow_manager.user)


def enquiry_state(enquiry: Enquiry) -> tuple[object, ...]:
    return tuple(
        Enquiry.objects.filter(pk=enquiry.pk).values_list("status", "allocated_to_id", "closed_reason", "version").get()
    )


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# The area overview --------------------------------------------------------------------------


def test_mo_sees_his_area_at_a_glance(personas: Personas, mo: Client) -> None:
    response = mo.get(reverse("web:area_overview"))

    assert response.status_code == 200
    context = response.context
    assert context["counts"] == {"total": 3, "active": 3, "paused": 0, "closed": 0}
    assert [(row["keyworker"].user.display_name, row["keyworker"].active_count) for row in context["caseloads"]] == [
        ("Kim Keyworker", 2),
        ("Owen Other", 1),
    ]
    assert context["over_limit"] == 0
    assert context["waiting_count"] == 1
    assert [enquiry.pk for enquiry in context["oldest_waiting"]] == [personas.enquiry.pk]
    assert [m.organisation.name for m in context["co_leads"]] == ["Fife Council", "Fife Lone Parents Together"]
    assert [m.organisation.name for m in context["members"]] == ["Kingdom Money Advice"]
    html = response.content.decode()
    assert "Fife area overview</h1>" in html
    # Waiting enquiries are listed by the enquirer's name ("Enquiry 5" told Mo nothing); the
    # names shown are audited, as on the enquiry list.
    assert "Erin Enquirer</a>" in html
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LIST, record_id=str(personas.enquiry.pk)).exists()
    assert reverse("web:enquiry_detail", args=[personas.enquiry.pk]) in html


def test_a_caseload_over_the_limit_is_flagged(personas: Personas, mo: Client) -> None:
    Partnership.objects.filter(pk=personas.fife.pk).update(caseload_limit=1)

    response = mo.get(reverse("web:area_overview"))

    assert [(row["keyworker"].user.display_name, row["over_limit"]) for row in response.context["caseloads"]] == [
        ("Kim Keyworker", True),  # 2 active, limit 1
        ("Owen Other", False),  # 1 active: at the limit, not over it
    ]
    html = response.content.decode()
    assert html.count("Over the limit") == 1
    assert "1 keyworker has more active participants than the limit." in html


def test_the_area_overview_takes_the_same_queries_for_1_or_50_participants(personas: Personas, mo: Client) -> None:
    Participant.objects.filter(partnership=personas.fife).exclude(pk=personas.participant.pk).delete()
    assert Participant.objects.filter(partnership=personas.fife).count() == 1
    with_one = count_queries(mo, reverse("web:area_overview"))

    for n in range(49):
        ParticipantFactory(
            keyworker=personas.keyworker if n % 2 else personas.other_keyworker, partnership=personas.fife
        )
    EnquiryFactory.create_batch(10, partnership=personas.fife)
    assert Participant.objects.filter(partnership=personas.fife).count() == 50

    assert count_queries(mo, reverse("web:area_overview")) == with_one


# Enquiries ----------------------------------------------------------------------------------


def test_mo_lists_waiting_enquiries_and_the_listing_is_audited(personas: Personas, mo: Client) -> None:
    EnquiryFactory(name="Wendy Waited", partnership=personas.fife, status=Enquiry.Status.CLOSED)

    response = mo.get(reverse("web:enquiry_list"))

    assert response.status_code == 200
    assert [enquiry.name for enquiry in response.context["enquiries"]] == ["Erin Enquirer"]
    html = response.content.decode()
    assert "Erin Enquirer" in html
    assert "erin@example.com" in html
    assert "Wendy Waited" not in html
    events = AuditEvent.objects.filter(actor=personas.manager.user, action=AuditEvent.Action.LIST)
    assert list(events.values_list("record_type", "record_id", "purpose")) == [
        ("participants.Enquiry", str(personas.enquiry.pk), "Partnership oversight")
    ]

    closed = mo.get(reverse("web:enquiry_list"), {"status": "closed"})
    assert [enquiry.name for enquiry in closed.context["enquiries"]] == ["Wendy Waited"]
    everyone = mo.get(reverse("web:enquiry_list"), {"status": "all"})
    assert [enquiry.name for enquiry in everyone.context["enquiries"]] == ["Erin Enquirer", "Wendy Waited"]


def test_the_enquiry_list_takes_the_same_queries_for_1_or_50_enquiries(personas: Personas, mo: Client) -> None:
    with_one = count_queries(mo, reverse("web:enquiry_list"))

    EnquiryFactory.create_batch(49, partnership=personas.fife)
    some = Enquiry.objects.filter(partnership=personas.fife).exclude(pk=personas.enquiry.pk).values("pk")[:10]
    Enquiry.objects.filter(pk__in=list(some.values_list("pk", flat=True))).update(
        allocated_to=personas.keyworker, status=Enquiry.Status.ALLOCATED
    )
    everyone = reverse("web:enquiry_list") + "?status=all"

    assert count_queries(mo, reverse("web:enquiry_list")) == with_one
    assert count_queries(mo, everyone) == with_one


def test_opening_an_enquiry_is_audited(personas: Personas, mo: Client) -> None:
    response = mo.get(reverse("web:enquiry_detail", args=[personas.enquiry.pk]))

    assert response.status_code == 200
    assert "Erin Enquirer" in response.content.decode()
    assert response.context["allocate_form"] is not None
    assert response.context["close_form"] is not None
    assert response.context["register_url"] == ""
    assert list(
        AuditEvent.objects.filter(actor=personas.manager.user).values_list("action", "record_type", "record_id")
    ) == [("view", "participants.Enquiry", str(personas.enquiry.pk))]


def test_mo_gives_erins_enquiry_to_kim(personas: Personas, mo: Client) -> None:
    response = mo.post(
        reverse("web:enquiry_allocate", args=[personas.enquiry.pk]),
        {"allocate-keyworker": personas.keyworker.pk, "allocate-version": 1},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("web:enquiry_detail", args=[personas.enquiry.pk]), 302)]
    assert "The enquiry from Erin Enquirer is now with Kim Keyworker." in response.content.decode()
    assert enquiry_state(personas.enquiry) == (Enquiry.Status.ALLOCATED, personas.keyworker.pk, "", 2)
    allocation = AuditEvent.objects.get(action=AuditEvent.Action.ALLOCATE)
    assert (allocation.actor, allocation.record_type, allocation.record_id, allocation.changed_fields) == (
        personas.manager.user,
        "participants.Enquiry",
        str(personas.enquiry.pk),
        ["allocated_to", "status"],
    )


def test_kim_sees_the_enquiry_given_to_her_with_a_way_to_register_erin(
    personas: Personas, mo: Client, sign_in: SignIn
) -> None:
    mo.post(
        reverse("web:enquiry_allocate", args=[personas.enquiry.pk]),
        {"allocate-keyworker": personas.keyworker.pk, "allocate-version": 1},
    )

    response = sign_in(personas.keyworker.user).get(reverse("web:enquiry_detail", args=[personas.enquiry.pk]))

    assert response.status_code == 200
    assert response.context["allocate_form"] is None  # only the manager allocates
    assert response.context["close_form"] is not None
    register = f"/participants/new/?enquiry={personas.enquiry.pk}"
    assert response.context["register_url"] == register
    assert f'href="{register}"' in response.content.decode()
    # Owen was not given it, so for him it does not exist.
    owen = sign_in(personas.other_keyworker.user).get(reverse("web:enquiry_detail", args=[personas.enquiry.pk]))
    assert owen.status_code == 404


def test_allocating_from_a_stale_page_changes_nothing(personas: Personas, mo: Client) -> None:
    # Mo has the enquiry open (version 1) when, in another tab, he gives it to Owen.
    allocate_enquiry(
        actor=personas.manager.user,
        enquiry_id=personas.enquiry.pk,
        expected_version=1,
        keyworker_id=personas.other_keyworker.pk,
    )

    response = mo.post(
        reverse("web:enquiry_allocate", args=[personas.enquiry.pk]),
        {"allocate-keyworker": personas.keyworker.pk, "allocate-version": 1},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this record while you were editing it." in html
    assert "Nothing you sent was saved." in html
    assert enquiry_state(personas.enquiry) == (Enquiry.Status.ALLOCATED, personas.other_keyworker.pk, "", 2)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ALLOCATE).count() == 1


def test_an_enquiry_cannot_go_to_a_keyworker_in_another_area(personas: Personas, mo: Client) -> None:
    response = mo.post(
        reverse("web:enquiry_allocate", args=[personas.enquiry.pk]),
        {"allocate-keyworker": personas.glasgow_keyworker.pk, "allocate-version": 1},
    )

    assert response.status_code == 400
    assert response.context["allocate_form"].errors == {
        "keyworker": ["Choose a keyworker who works in this partnership."]
    }
    assert "There is a problem" in response.content.decode()
    assert enquiry_state(personas.enquiry) == (Enquiry.Status.WAITING, None, "", 1)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ALLOCATE).exists()


def test_mo_closes_an_enquiry_with_a_reason_and_needs_one(personas: Personas, mo: Client) -> None:
    url = reverse("web:enquiry_close", args=[personas.enquiry.pk])

    missing = mo.post(url, {"close-reason": "  ", "close-version": 1})
    assert missing.status_code == 400
    assert missing.context["close_form"].errors == {"reason": ["Say why the enquiry is being closed."]}
    assert enquiry_state(personas.enquiry) == (Enquiry.Status.WAITING, None, "", 1)

    done = mo.post(url, {"close-reason": "Could not reach her after three tries.", "close-version": 1})
    assert done.status_code == 302
    assert enquiry_state(personas.enquiry) == (Enquiry.Status.CLOSED, None, "Could not reach her after three tries.", 2)
    closed_page = mo.get(reverse("web:enquiry_detail", args=[personas.enquiry.pk]))
    assert closed_page.context["allocate_form"] is None
    assert closed_page.context["close_form"] is None


# One participant: reallocation and who looked -------------------------------------------------


def test_mo_moves_olive_to_kim(personas: Personas, mo: Client) -> None:
    olive = personas.other_participant
    url = reverse("web:participant_reallocate", args=[olive.pk])
    page = mo.get(url)
    assert page.status_code == 200
    assert "Their keyworker now is <strong>Owen Other</strong>" in page.content.decode()

    response = mo.post(url, {"keyworker": personas.keyworker.pk, "version": olive.version})

    assert response.status_code == 302
    assert response["Location"] == reverse("web:participant_detail", args=[olive.pk])
    olive.refresh_from_db()
    assert (olive.keyworker_id, olive.version) == (personas.keyworker.pk, 2)
    event = AuditEvent.objects.get(action=AuditEvent.Action.ALLOCATE)
    assert (event.participant_id, event.actor, event.changed_fields) == (olive.pk, personas.manager.user, ["keyworker"])


def test_moving_olive_from_a_stale_page_changes_nothing(personas: Personas, mo: Client) -> None:
    olive = personas.other_participant
    Participant.objects.filter(pk=olive.pk).update(version=2)  # someone saved a change meanwhile

    response = mo.post(
        reverse("web:participant_reallocate", args=[olive.pk]), {"keyworker": personas.keyworker.pk, "version": 1}
    )

    assert response.status_code == 409
    olive.refresh_from_db()
    assert (olive.keyworker_id, olive.version) == (personas.other_keyworker.pk, 2)


def test_who_looked_lists_kims_earlier_view_of_pat_and_adds_mos(personas: Personas, mo: Client) -> None:
    pat = personas.participant
    with audit_context(channel=AuditEvent.Channel.PAGE):
        record_participant_view(actor=personas.keyworker.user, participant=pat)

    response = mo.get(reverse("web:participant_audit", args=[pat.pk]))

    assert response.status_code == 200
    rows = [
        (
            row["who"],
            row["role"],
            row["event"].get_action_display(),
            row["event"].get_channel_display(),
            row["event"].purpose,
        )
        for row in response.context["events"]
    ]
    assert rows == [("Kim Keyworker", "Keyworker", "Looked at the record", "Web page", "Casework")]
    assert "Kim Keyworker" in response.content.decode()
    mos_view = AuditEvent.objects.filter(participant=pat, actor=personas.manager.user).get()
    assert (mos_view.action, mos_view.actor_role, mos_view.purpose) == (
        "view",
        "partnership_manager",
        "Partnership oversight",
    )


def test_who_looked_shows_fifty_events_a_page(personas: Personas, mo: Client) -> None:
    pat = personas.participant
    for _ in range(55):
        record_participant_view(actor=personas.keyworker.user, participant=pat)
    url = reverse("web:participant_audit", args=[pat.pk])

    first = mo.get(url)
    second = mo.get(url, {"page": 2})

    assert len(first.context["events"]) == 50
    assert len(second.context["events"]) == 6  # 55 of Kim's, and Mo's reading of the first page
    assert second.context["events"][-1]["who"] == "Kim Keyworker"


# Glen manages Glasgow: Fife's records do not exist for him ----------------------------------


def test_glen_cannot_open_fifes_enquiry_or_participants(personas: Personas, glen: Client) -> None:
    olive = personas.other_participant
    for url in (
        reverse("web:enquiry_detail", args=[personas.enquiry.pk]),
        reverse("web:participant_audit", args=[olive.pk]),
        reverse("web:participant_reallocate", args=[olive.pk]),
    ):
        response = glen.get(url)
        assert response.status_code == 404, url
        html = response.content.decode()
        assert "Erin Enquirer" not in html
        assert "Olive Other" not in html
    assert not AuditEvent.objects.filter(actor=personas.glasgow_manager.user).exists()


def test_glen_cannot_allocate_close_or_move_fifes_records(personas: Personas, glen: Client) -> None:
    olive = personas.other_participant
    allocate = glen.post(
        reverse("web:enquiry_allocate", args=[personas.enquiry.pk]),
        {"allocate-keyworker": personas.glasgow_keyworker.pk, "allocate-version": 1},
    )
    close = glen.post(
        reverse("web:enquiry_close", args=[personas.enquiry.pk]), {"close-reason": "x", "close-version": 1}
    )
    move = glen.post(
        reverse("web:participant_reallocate", args=[olive.pk]),
        {"keyworker": personas.glasgow_keyworker.pk, "version": 1},
    )

    assert (allocate.status_code, close.status_code, move.status_code) == (404, 404, 404)
    assert enquiry_state(personas.enquiry) == (Enquiry.Status.WAITING, None, "", 1)
    olive.refresh_from_db()
    assert (olive.keyworker_id, olive.version) == (personas.other_keyworker.pk, 1)


def test_glen_sees_his_own_area_not_fifes(personas: Personas, glen: Client) -> None:
    overview = glen.get(reverse("web:area_overview"))
    enquiries = glen.get(reverse("web:enquiry_list"), {"status": "all"})
    staff = glen.get(reverse("web:staff_list"))

    assert overview.context["counts"] == {"total": 1, "active": 1, "paused": 0, "closed": 0}
    assert [row["keyworker"].user.display_name for row in overview.context["caseloads"]] == ["Gail Glasgow"]
    assert enquiries.context["enquiries"] == []
    assert [member.user.display_name for member in staff.context["staff"]] == ["Gail Glasgow", "Glen Manager"]
    assert glen.get(reverse("web:staff_edit", args=[personas.keyworker.pk])).status_code == 404
    assert glen.get(reverse("web:organisation_edit", args=[personas.partner_agency.pk])).status_code == 404


# Settings -----------------------------------------------------------------------------------


def test_mo_sets_the_caseload_limit(personas: Personas, mo: Client) -> None:
    url = reverse("web:partnership_settings")

    bad = mo.post(url, {"caseload_limit": "0", "version": 1})
    assert bad.status_code == 400
    assert bad.context["form"].errors == {"caseload_limit": ["A caseload limit is a whole number from 1 to 200."]}

    good = mo.post(url, {"caseload_limit": "12", "version": 1})
    assert good.status_code == 302
    personas.fife.refresh_from_db()
    assert (personas.fife.caseload_limit, personas.fife.version) == (12, 2)

    stale = mo.post(url, {"caseload_limit": "30", "version": 1})
    assert stale.status_code == 409
    personas.fife.refresh_from_db()
    assert (personas.fife.caseload_limit, personas.fife.version) == (12, 2)


# Organisations ------------------------------------------------------------------------------


def test_mo_adds_a_new_organisation_to_the_partnership(personas: Personas, mo: Client) -> None:
    response = mo.post(
        reverse("web:organisation_add"),
        {
            "name": "Fife Childcare Collective",
            "kind": Organisation.Kind.THIRD_SECTOR,
            "membership_role": PartnershipMembership.Role.MEMBER,
            "charity_number": "sc045678",
            "website": "fifechildcare.example.org",
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("web:organisation_list"), 302)]
    assert "Fife Childcare Collective is now a member of the partnership." in response.content.decode()
    organisation = Organisation.objects.get(name="Fife Childcare Collective")
    assert (organisation.kind, organisation.charity_number, organisation.website) == (
        "third_sector",
        "SC045678",
        "https://fifechildcare.example.org",
    )
    assert list(PartnershipMembership.objects.filter(organisation=organisation).values_list("partnership", "role")) == [
        (personas.fife.pk, "member")
    ]
    assert sorted(
        AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, actor=personas.manager.user).values_list(
            "record_type", flat=True
        )
    ) == ["programmes.Organisation", "programmes.PartnershipMembership"]


def test_an_organisation_already_in_the_partnership_is_not_added_twice(personas: Personas, mo: Client) -> None:
    organisations, memberships = Organisation.objects.count(), PartnershipMembership.objects.count()

    response = mo.post(
        reverse("web:organisation_add"),
        {"name": "kingdom money advice", "kind": Organisation.Kind.THIRD_SECTOR, "membership_role": "member"},
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Kingdom Money Advice is already in this partnership."]
    assert (Organisation.objects.count(), PartnershipMembership.objects.count()) == (organisations, memberships)


def test_an_organisation_from_another_area_joins_as_it_is(personas: Personas, mo: Client) -> None:
    glasgow_lead = Organisation.objects.get(name="Glasgow Family Works")
    organisations = Organisation.objects.count()

    response = mo.post(
        reverse("web:organisation_add"),
        {"name": "Glasgow Family Works", "kind": Organisation.Kind.PRIVATE, "membership_role": "co_lead"},
    )

    assert response.status_code == 302
    assert Organisation.objects.count() == organisations
    glasgow_lead.refresh_from_db()
    assert glasgow_lead.kind == Organisation.Kind.THIRD_SECTOR
    assert PartnershipMembership.objects.get(partnership=personas.fife, organisation=glasgow_lead).role == "co_lead"


def test_mo_corrects_an_organisations_details_and_a_stale_edit_is_refused(personas: Personas, mo: Client) -> None:
    agency = personas.partner_agency
    url = reverse("web:organisation_edit", args=[agency.pk])
    details = {"name": "Kingdom Money Advice", "kind": "third_sector", "charity_number": "SC099999", "version": 1}

    assert mo.post(url, details).status_code == 302
    agency.refresh_from_db()
    assert (agency.charity_number, agency.version) == ("SC099999", 2)

    stale = mo.post(url, {**details, "charity_number": "SC011111"})
    assert stale.status_code == 409
    agency.refresh_from_db()
    assert (agency.charity_number, agency.version) == ("SC099999", 2)


def test_mo_makes_the_money_advice_agency_a_co_lead(personas: Personas, mo: Client) -> None:
    membership = PartnershipMembership.objects.get(partnership=personas.fife, organisation=personas.partner_agency)
    url = reverse("web:membership_role", args=[membership.pk])

    assert mo.post(url, {"role": "chair"}).status_code == 400
    assert mo.post(url, {"role": "co_lead"}).status_code == 302

    membership.refresh_from_db()
    assert membership.role == "co_lead"
    glasgow = PartnershipMembership.objects.get(partnership=personas.glasgow)
    assert mo.post(reverse("web:membership_role", args=[glasgow.pk]), {"role": "member"}).status_code == 404
    glasgow.refresh_from_db()
    assert glasgow.role == "co_lead"


# Staff --------------------------------------------------------------------------------------


def test_mo_adds_nina_as_a_keyworker_and_partner_worker(personas: Personas, mo: Client) -> None:
    response = mo.post(
        reverse("web:staff_add"),
        {
            "display_name": "Nina New",
            "email": "Nina@FifeLPT.example.org",
            "job_title": "Keyworker",
            "organisation": personas.lead_organisation.pk,
            "roles": [Role.KEYWORKER, Role.PARTNER_WORKER],
        },
    )

    assert response.status_code == 302
    nina = StaffMember.objects.select_related("user").get(user__display_name="Nina New")
    assert (nina.user.email, nina.partnership_id, nina.organisation_id, nina.is_active) == (
        "nina@fifelpt.example.org",
        personas.fife.pk,
        personas.lead_organisation.pk,
        True,
    )
    assert sorted(nina.roles.values_list("role", flat=True)) == ["keyworker", "partner_worker"]
    assert not nina.user.has_usable_password()


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"roles": []}, {"roles": ["Choose at least one role."]}),
        ({"email": "kim@fifelpt.example.org"}, {"email": ["Another account already uses this email address."]}),
        ({"email": "", "mobile": ""}, {"email": ["Give an email address or a mobile number: it is how they sign in."]}),
        ({"organisation": "999999"}, {"organisation": ["Choose an organisation in your partnership."]}),
        ({"display_name": ""}, {"display_name": ["Enter the person's name."]}),
    ],
)
def test_bad_staff_details_add_nobody(
    personas: Personas, mo: Client, data: dict[str, object], errors: dict[str, list[str]]
) -> None:
    people = (User.objects.count(), StaffMember.objects.count())
    good = {
        "display_name": "Nina New",
        "email": "nina@fifelpt.example.org",
        "organisation": personas.lead_organisation.pk,
        "roles": [Role.KEYWORKER],
    }

    response = mo.post(reverse("web:staff_add"), {**good, **data})

    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert (User.objects.count(), StaffMember.objects.count()) == people


def test_mo_cannot_stop_owens_access_while_he_has_a_caseload(personas: Personas, mo: Client) -> None:
    url = reverse("web:staff_edit", args=[personas.other_keyworker.pk])

    response = mo.post(url, {"roles": [Role.KEYWORKER]})  # the active box left unticked

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Move this keyworker's participants to another keyworker before stopping their access."
    ]
    personas.other_keyworker.refresh_from_db()
    assert personas.other_keyworker.is_active is True

    assert mo.post(url, {"roles": [Role.KEYWORKER, Role.PARTNER_WORKER], "is_active": "on"}).status_code == 302
    assert sorted(personas.other_keyworker.roles.values_list("role", flat=True)) == ["keyworker", "partner_worker"]


def test_mo_gives_owen_a_one_time_sign_in_link(personas: Personas, mo: Client) -> None:
    owen = personas.other_keyworker

    response = mo.post(reverse("web:staff_sign_in_link", args=[owen.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    link = response.context["link"]
    uidb64, token = link.removeprefix("http://testserver/set-password/").rstrip("/").split("/")
    assert link == "http://testserver" + reverse("web:set_password", args=[uidb64, token])
    assert force_str(urlsafe_base64_decode(uidb64)) == str(owen.user.pk)
    assert default_token_generator.check_token(owen.user, token)
    event = AuditEvent.objects.get(actor=personas.manager.user)
    assert (event.action, event.record_type, event.record_id, event.changed_fields) == (
        "change",
        "programmes.StaffMember",
        str(owen.pk),
        ["sign_in_link"],
    )
    assert token not in str(event.__dict__)  # the link itself is never kept


def test_nobody_gets_a_sign_in_link_once_their_access_is_stopped(personas: Personas, mo: Client) -> None:
    priya = personas.partner_worker
    StaffMember.objects.filter(pk=priya.pk).update(is_active=False)

    response = mo.post(reverse("web:staff_sign_in_link", args=[priya.pk]))

    assert response.status_code == 400
    assert "Their access is stopped." in response.content.decode()
    assert "/set-password/" not in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_dates_on_the_overview_are_the_enquiry_dates(personas: Personas, mo: Client) -> None:
    Enquiry.objects.filter(pk=personas.enquiry.pk).update(
        created_at=datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)
    )

    html = mo.get(reverse("web:area_overview")).content.decode()

    assert f"{personas.enquiry.name}</a>, received 2 November 2026" in html
    assert f"Enquiry {personas.enquiry.pk}</a>" not in html
    # Names shown in the list are audited, as on the enquiry list.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LIST, record_id=str(personas.enquiry.pk)).exists()


def test_mo_finds_anyone_in_fife_but_nobody_from_glasgow(personas, client_for) -> None:
    from coproduce.audit.models import AuditEvent

    response = client_for("partnership_manager").get("/partnership/participants/")
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("Pat Participant", "Paula Second", "Olive Other"):
        assert name in body
    assert "Gemma" not in body
    listed = AuditEvent.objects.filter(actor=personas.manager.user, action="list").values_list("participant", flat=True)
    assert sorted(listed) == sorted(
        [personas.participant.pk, personas.second_participant.pk, personas.other_participant.pk]
    )


def test_mo_filters_the_area_by_keyworker_and_not_seen(personas, client_for) -> None:
    client = client_for("partnership_manager")
    by_owen = client.get("/partnership/participants/", {"keyworker_name": "owen"}).content.decode()
    assert "Olive Other" in by_owen
    assert "Pat Participant" not in by_owen
    by_kim = client.get("/partnership/participants/", {"keyworker_name": "Kim Keyw"}).content.decode()
    assert "Pat Participant" in by_kim
    assert "Olive Other" not in by_kim
    # No drop-down of every keyworker in the area: a name is typed.
    assert '<select name="keyworker' not in by_kim
    nobody = client.get("/partnership/participants/", {"keyworker_name": "Nobody Known"}).content.decode()
    assert "Nobody in the area matches" in nobody
    not_seen = client.get("/partnership/participants/", {"not_seen": "on"}).content.decode()
    # Paula was last seen 60 days ago; Olive has no contact at all; Pat was seen a week ago.
    assert "Paula Second" in not_seen
    assert "Olive Other" in not_seen
    assert "Pat Participant" not in not_seen


# The same number whatever the number of participants in the area (measured: 10).
AREA_LIST_QUERIES = 10


@pytest.mark.parametrize("extra", [1, 50])
def test_the_area_list_runs_the_same_queries_however_many_people(
    personas, client_for, django_assert_num_queries, extra: int
) -> None:
    from tests.participants.factories import ParticipantFactory

    ParticipantFactory.create_batch(extra, keyworker=personas.keyworker)
    client = client_for("partnership_manager")
    client.get("/partnership/participants/")  # warm the session
    with django_assert_num_queries(AREA_LIST_QUERIES):
        response = client.get("/partnership/participants/")
    assert response.status_code == 200


# The caseload guard, before the fact ----------------------------------------------------------


def test_mo_sees_each_keyworkers_caseload_against_the_limit_and_confirms_going_over(
    personas: Personas, mo: Client
) -> None:
    Partnership.objects.filter(pk=personas.fife.pk).update(caseload_limit=2)
    olive = personas.other_participant
    url = reverse("web:participant_reallocate", args=[olive.pk])
    page = mo.get(url).content.decode()
    assert f"Kim Keyworker ({personas.keyworker.organisation}) – 2 of 2 active, at the limit<" in page
    assert f"Owen Other ({personas.other_keyworker.organisation}) – 1 of 2 active<" in page
    assert 'type="checkbox" name="over_limit_confirmed"' not in page

    warned = mo.post(url, {"keyworker": personas.keyworker.pk, "version": olive.version})

    assert warned.status_code == 400
    assert warned.context["form"].errors["over_limit_confirmed"] == [
        "Kim Keyworker already supports 2 active people: the caseload limit is 2. "
        "Choose someone else, or confirm that they can take one more."
    ]
    assert 'type="checkbox" name="over_limit_confirmed"' in warned.content.decode()
    olive.refresh_from_db()
    assert (olive.keyworker_id, olive.version) == (personas.other_keyworker.pk, 1)

    moved = mo.post(url, {"keyworker": personas.keyworker.pk, "version": olive.version, "over_limit_confirmed": "on"})

    assert moved.status_code == 302
    olive.refresh_from_db()
    assert olive.keyworker_id == personas.keyworker.pk


def test_allocating_an_enquiry_to_a_full_caseload_asks_mo_to_confirm(personas: Personas, mo: Client) -> None:
    Partnership.objects.filter(pk=personas.fife.pk).update(caseload_limit=2)
    erin = personas.enquiry
    url = reverse("web:enquiry_allocate", args=[erin.pk])

    warned = mo.post(url, {"allocate-keyworker": personas.keyworker.pk, "allocate-version": erin.version})

    assert warned.status_code == 400
    assert "the caseload limit is 2" in warned.context["allocate_form"].errors["over_limit_confirmed"][0]
    assert Enquiry.objects.get(pk=erin.pk).allocated_to_id is None
    allocated = mo.post(
        url,
        {
            "allocate-keyworker": personas.keyworker.pk,
            "allocate-version": erin.version,
            "allocate-over_limit_confirmed": "on",
        },
    )
    assert allocated.status_code == 302
    assert Enquiry.objects.get(pk=erin.pk).allocated_to_id == personas.keyworker.pk


# Choosing a keyworker in a big area: found by name, a few at a time ------------------------------


def _sams(personas: Personas, how_many: int) -> list[StaffMember]:
    from tests.programmes.factories import StaffMemberFactory

    return [
        StaffMemberFactory(
            partnership=personas.fife,
            organisation=personas.keyworker.organisation,
            user__display_name=f"Sam Sample {number:02d}",
        )
        for number in range(how_many)
    ]


def test_mo_finds_the_keyworker_by_name_and_is_offered_a_few_at_a_time(personas: Personas, mo: Client) -> None:
    from coproduce.web.partnership.keyworker_choice import KEYWORKERS_SHOWN

    _sams(personas, KEYWORKERS_SHOWN + 5)
    Partnership.objects.filter(pk=personas.fife.pk).update(caseload_limit=2)
    olive = personas.other_participant
    url = reverse("web:participant_reallocate", args=[olive.pk])

    everyone = mo.get(url)
    offered = [value for value, _ in everyone.context["form"].fields["keyworker"].choices if value]
    # Olive's keyworker first, then the first by name: never the whole area.
    assert len(offered) == KEYWORKERS_SHOWN
    assert offered[0] == personas.other_keyworker.pk
    assert "Type more of their name" in everyone.content.decode()

    sams = mo.get(url, {"keyworker_name": "sam sample"})
    assert "Type more of their name" in sams.content.decode()

    kim = mo.get(url, {"keyworker_name": "kim"})
    page = kim.content.decode()
    assert f"Kim Keyworker ({personas.keyworker.organisation}) – 2 of 2 active, at the limit<" in page
    assert f"Owen Other ({personas.other_keyworker.organisation}) – 1 of 2 active<" in page  # still chosen
    assert "Sam Sample" not in page
    assert f'action="{url}?keyworker_name=kim"' in page

    nobody = mo.get(url, {"keyworker_name": "zebedee"}).content.decode()
    assert "No keyworker in the partnership has “zebedee” in their name." in nobody

    # The caseload guard as before; the page shown again offers the same keyworkers.
    warned = mo.post(f"{url}?keyworker_name=kim", {"keyworker": personas.keyworker.pk, "version": olive.version})
    assert warned.status_code == 400
    assert "the caseload limit is 2" in warned.context["form"].errors["over_limit_confirmed"][0]
    assert "Sam Sample" not in warned.content.decode()
    moved = mo.post(
        f"{url}?keyworker_name=kim",
        {"keyworker": personas.keyworker.pk, "version": olive.version, "over_limit_confirmed": "on"},
    )
    assert moved.status_code == 302
    olive.refresh_from_db()
    assert olive.keyworker_id == personas.keyworker.pk


def test_a_keyworker_beyond_the_first_page_of_names_can_still_be_chosen(personas: Personas, mo: Client) -> None:
    last = _sams(personas, 30)[-1]
    olive = personas.other_participant
    url = reverse("web:participant_reallocate", args=[olive.pk])
    moved = mo.post(url, {"keyworker": last.pk, "version": olive.version})
    assert moved.status_code == 302
    olive.refresh_from_db()
    assert olive.keyworker_id == last.pk


def test_mo_finds_the_keyworker_for_an_enquiry_by_name(personas: Personas, mo: Client) -> None:
    _sams(personas, 3)
    erin = personas.enquiry
    page = mo.get(reverse("web:enquiry_detail", args=[erin.pk]), {"keyworker_name": "owen"}).content.decode()
    assert "Owen Other (" in page
    assert "Sam Sample" not in page
    assert f'action="{reverse("web:enquiry_allocate", args=[erin.pk])}?keyworker_name=owen"' in page


# Measured (9): the same however many keyworkers the area has.
REALLOCATE_PAGE_QUERIES = 9


@pytest.mark.parametrize("extra", [1, 40])
def test_choosing_a_keyworker_runs_the_same_queries_however_many_keyworkers(
    personas: Personas, mo: Client, extra: int
) -> None:
    _sams(personas, extra)
    url = reverse("web:participant_reallocate", args=[personas.other_participant.pk])
    mo.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = mo.get(url, {"keyworker_name": "sam"})
    assert response.status_code == 200
    assert len(captured) == REALLOCATE_PAGE_QUERIES

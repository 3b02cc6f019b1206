"""Successive and overlapping programmes on one Coproduce: who works in which, the programme a
funder's pages show, one person with a record in each programme they took part in."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.accounts.shared_mobile import who_is_on
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import Enquiry
from coproduce.participants.services import submit_enquiry
from coproduce.programmes.models import Programme
from coproduce.programmes.selectors import chosen_programme, public_partnerships
from coproduce.programmes.standing import standing_of
from coproduce.web.programme_choice import SESSION_KEY
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.programmes.factories import PartnershipFactory, ProgrammeFactory, StaffMemberFactory


@pytest.fixture
def successor(personas: Personas) -> Programme:
    """The programme that followed Making It Work in Fife, which the funder oversees too."""
    programme = ProgrammeFactory(
        name="Making It Work Together", reference_prefix="MWT", starts_on=datetime.date(2025, 4, 1)
    )
    PartnershipFactory(programme=programme, area_name="Fife", gss_code="S12000047", short_code="FIF")
    personas.funder.programmes.add(programme)
    return programme


def test_the_funder_oversees_both_programmes_and_sees_the_latest_first(
    personas: Personas, successor: Programme
) -> None:
    actor = standing_of(personas.funder.user)
    assert [programme.name for programme in actor.programmes] == ["Making It Work Together", "Making It Work"]
    assert chosen_programme(personas.funder.user).pk == successor.pk
    first = personas.fife.programme
    assert chosen_programme(personas.funder.user, first.pk).pk == first.pk


def test_staff_of_an_area_work_in_their_areas_programme_only(personas: Personas, successor: Programme) -> None:
    assert standing_of(personas.keyworker.user).programme_ids == {personas.fife.programme_id}
    # A programme nobody asked them to oversee is not theirs, whatever they ask for.
    assert chosen_programme(personas.keyworker.user, successor.pk).pk == personas.fife.programme_id
    assert standing_of(personas.evaluator.user).programme_ids == {personas.fife.programme_id}


def test_a_person_who_takes_part_again_signs_in_to_their_latest_record(
    personas: Personas, successor: Programme
) -> None:
    pat = personas.participant
    again = ParticipantFactory(
        user=pat.user,
        given_name="Pat",
        family_name="Participant",
        partnership=successor.partnerships.get(),
        joined_on=datetime.date(2025, 6, 2),
        status_since=datetime.date(2025, 6, 2),
    )
    actor = standing_of(pat.user)
    assert actor.participant_id == again.pk
    assert actor.participant_programme_id == successor.pk
    assert set(pat.user.participant_records.values_list("pk", flat=True)) == {pat.pk, again.pk}
    # Someone on a shared phone is listed once, by their latest record.
    assert [person.participant_id for person in who_is_on(pat.user.mobile)] == [again.pk]


def test_only_a_running_programmes_areas_take_enquiries(personas: Personas) -> None:
    ended = ProgrammeFactory(
        name="An earlier programme", starts_on=datetime.date(2010, 1, 1), ends_on=datetime.date(2012, 12, 31)
    )
    old_fife = PartnershipFactory(programme=ended, area_name="Fife", gss_code="S12000047", short_code="FIF")
    assert old_fife not in public_partnerships()
    assert personas.fife in public_partnerships()
    before = Enquiry.objects.count()
    with pytest.raises(InvalidInput) as error:
        submit_enquiry(name="Jo", partnership_id=old_fife.pk, contact_by="email", email="jo@example.net")
    assert error.value.errors == {"partnership": ["Choose the area where you live."]}
    assert Enquiry.objects.count() == before


def test_the_funder_chooses_a_programme_and_every_page_says_which(
    personas: Personas, successor: Programme, client_for: Callable[[str], Client]
) -> None:
    client = client_for("funder")
    page = client.get(reverse("web:funder_home")).content.decode()
    assert 'id="programme-switcher"' in page
    assert "Making It Work Together (2025 to now)" in page
    first = personas.fife.programme
    response = client.post(
        reverse("web:choose_programme"), {"programme": first.pk, "next": reverse("web:funder_targets")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:funder_targets")
    assert client.session[SESSION_KEY] == first.pk


def test_choosing_a_programme_one_does_not_oversee_is_refused_and_changes_nothing(
    personas: Personas, successor: Programme, client_for: Callable[[str], Client]
) -> None:
    stranger = ProgrammeFactory(name="Someone else's programme", starts_on=datetime.date(2024, 1, 1))
    client = client_for("funder")
    response = client.post(reverse("web:choose_programme"), {"programme": stranger.pk})
    assert response.status_code == 400
    assert "Choose one of the programmes you oversee." in response.content.decode()
    assert SESSION_KEY not in client.session
    # An address elsewhere is not followed.
    response = client.post(reverse("web:choose_programme"), {"programme": successor.pk, "next": "https://example.com/"})
    assert response["Location"] == reverse("web:home")


def test_no_switcher_for_someone_with_one_programme(personas: Personas, client_for: Callable[[str], Client]) -> None:
    assert 'id="programme-switcher"' not in client_for("funder").get(reverse("web:funder_home")).content.decode()
    assert 'id="programme-switcher"' not in client_for("keyworker").get(reverse("web:caseload")).content.decode()


def test_a_new_programme_wide_member_of_staff_oversees_only_what_they_are_given(personas: Personas) -> None:
    other = ProgrammeFactory(name="Another programme", starts_on=datetime.date(2020, 1, 1))
    member = StaffMemberFactory(partnership=None, programmes=[other])
    assert standing_of(member.user).programme_ids == {other.pk}

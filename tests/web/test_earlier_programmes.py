"""One person, one history: a participant who took part in an earlier programme sees, on their own
page, which programmes those were, and nothing of them reaches the keyworker they have now."""

import datetime
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.participants.models import Participant
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.programmes.factories import PartnershipFactory, ProgrammeFactory


def took_part_before(personas: Personas) -> tuple[Participant, Participant]:
    """Pat's Making It Work record closed in 2016; Pat joined the programme running now in 2025."""
    pat = personas.participant
    Participant.objects.filter(pk=pat.pk).update(
        status=Participant.Status.CLOSED, joined_on=datetime.date(2014, 3, 3), status_since=datetime.date(2016, 5, 20)
    )
    later = ProgrammeFactory(
        name="Making It Work Together", reference_prefix="MWT", starts_on=datetime.date(2025, 4, 1)
    )
    later_fife = PartnershipFactory(programme=later, area_name="Fife", gss_code="S12000047", short_code="FIF")
    keyworker = personas.keyworker
    keyworker.partnership = later_fife
    keyworker.save()
    now_record = ParticipantFactory(
        user=pat.user,
        given_name="Pat",
        family_name="Participant",
        partnership=later_fife,
        keyworker=keyworker,
        joined_on=datetime.date(2025, 6, 2),
        status_since=datetime.date(2025, 6, 2),
    )
    return pat, now_record


def test_my_page_lists_the_programmes_i_took_part_in_before(personas: Personas, sign_in: Callable[..., Client]) -> None:
    earlier, _now_record = took_part_before(personas)
    page = sign_in(earlier.user).get(reverse("web:my_page")).content.decode()
    assert "Programmes you took part in before" in page
    assert "Making It Work in Fife: you joined in March 2014 and left in May 2016." in page
    assert AuditEvent.objects.filter(
        actor=earlier.user, action=AuditEvent.Action.LIST, participant_id=earlier.pk
    ).exists()


def test_someone_in_their_first_programme_sees_no_such_list(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    assert (
        "Programmes you took part in before"
        not in client_for("participant").get(reverse("web:my_page")).content.decode()
    )


def test_the_keyworker_now_sees_nothing_of_the_earlier_record(
    personas: Personas, sign_in: Callable[..., Client]
) -> None:
    earlier, now_record = took_part_before(personas)
    client = sign_in(personas.keyworker.user)
    assert client.get(reverse("web:participant_detail", args=[now_record.pk])).status_code == 200
    assert client.get(reverse("web:participant_detail", args=[earlier.pk])).status_code == 404


def _later_fife_keyworker(personas: Personas) -> tuple[Participant, object]:
    """Pat took part in Making It Work; Kim now keyworks in the programme running now."""
    pat = personas.participant
    later = ProgrammeFactory(
        name="Making It Work Together", reference_prefix="MWT", starts_on=datetime.date(2025, 4, 1)
    )
    later_fife = PartnershipFactory(programme=later, area_name="Fife", gss_code="S12000047", short_code="FIF")
    keyworker = personas.keyworker
    keyworker.partnership = later_fife
    keyworker.save()
    return pat, keyworker


def test_registering_someone_who_took_part_before_adds_the_record_to_their_account(personas: Personas) -> None:
    import pytest

    from coproduce.core.validation import InvalidInput
    from coproduce.participants.services import register_participant

    pat, keyworker = _later_fife_keyworker(personas)
    again = register_participant(
        actor=keyworker.user,  # type: ignore[attr-defined]
        given_name="pat",
        family_name="Participant",
        email=pat.user.email.upper(),
        consent_how="in_person_verbal",
    )
    assert again.user_id == pat.user_id
    assert again.reference.startswith("MWT-FIF-")
    assert AuditEvent.objects.filter(
        record_type="participants.Participant", record_id=str(again.pk), action=AuditEvent.Action.CREATE
    ).exists()

    # Not twice in one programme, and never onto a member of staff's account.
    before = Participant.objects.count()
    with pytest.raises(InvalidInput, match="already has a record in this programme"):
        register_participant(
            actor=keyworker.user,  # type: ignore[attr-defined]
            given_name="Pat",
            family_name="Participant",
            email=pat.user.email,
            consent_how="in_person_verbal",
        )
    staff_user = personas.other_keyworker.user
    ParticipantFactory(user=staff_user, given_name="Owen", family_name="Other")
    with pytest.raises(InvalidInput, match="signs in a member of staff"):
        register_participant(
            actor=keyworker.user,  # type: ignore[attr-defined]
            given_name="Owen",
            family_name="Other",
            email=staff_user.email,
            consent_how="in_person_verbal",
        )
    # Someone else's address (another name) is still refused as before.
    with pytest.raises(InvalidInput, match="Another account already uses this email address"):
        register_participant(
            actor=keyworker.user,  # type: ignore[attr-defined]
            given_name="Sam",
            family_name="Somebody",
            email=pat.user.email,
            consent_how="in_person_verbal",
        )
    assert Participant.objects.count() == before + 1  # only Owen's test record above

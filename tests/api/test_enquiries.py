"""The public "ask for help" API, and a partnership's handling of enquiries through the API."""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.participants.models import Enquiry
from tests.api.helpers import send_json
from tests.personas import Personas

SUBMIT = "api-v1:submit_enquiry"


def ask(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Nell Newby",
        "partnership_id": 0,
        "contact_by": "text",
        "mobile": "07700 900555",
        "best_time": "School hours",
        "postcode": "ky1 3cd",
        "message": "I'd like help finding work that fits round school.",
        "heard_about": "school_or_nursery",
        **overrides,
    }


def enquiries_state() -> list[dict[str, Any]]:
    return list(Enquiry.objects.order_by("pk").values())


# ---- asking for help --------------------------------------------------------------------------


def test_anyone_can_ask_for_help_without_a_csrf_token(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)

    response = send_json(client, "POST", reverse(SUBMIT), ask(partnership_id=personas.fife.pk))

    assert response.status_code == 201
    # Nothing of the enquiry is sent back: reading it needs a sign-in.
    assert response.json() == {"detail": "Thank you. Someone from the Fife team will contact you soon."}
    nell = Enquiry.objects.get(name="Nell Newby")
    assert (nell.mobile, nell.postcode, nell.partnership, nell.status) == (
        "+447700900555",
        "KY1 3CD",
        personas.fife,
        Enquiry.Status.WAITING,
    )
    event = AuditEvent.objects.get(record_type="participants.Enquiry", record_id=str(nell.pk))
    assert (event.action, event.channel, event.actor_id, event.actor_role) == (
        AuditEvent.Action.CREATE,
        AuditEvent.Channel.API,
        None,
        "public",
    )


def test_a_signed_in_person_can_ask_for_help_without_a_csrf_token_too(
    personas: Personas, sign_in: Callable[..., Client]
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.participant.user, backend="coproduce.accounts.backends.EmailOrMobileBackend")

    response = send_json(client, "POST", reverse(SUBMIT), ask(partnership_id=personas.fife.pk))

    assert response.status_code == 201


def test_asking_with_no_way_to_reply_is_refused_and_saves_nothing(personas: Personas) -> None:
    before = enquiries_state()

    response = send_json(Client(), "POST", reverse(SUBMIT), ask(partnership_id=personas.fife.pk, mobile=""))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "__all__": ["Give us an email address or a mobile number so that we can reply."],
        "mobile": ["Give a mobile number, or choose another way for us to contact you."],
    }
    assert enquiries_state() == before


def test_asking_for_an_unknown_area_or_with_unknown_fields_is_refused(personas: Personas) -> None:
    before = enquiries_state()
    client = Client()

    unknown_area = send_json(client, "POST", reverse(SUBMIT), ask(partnership_id=999_999))
    unknown_field = send_json(
        client, "POST", reverse(SUBMIT), ask(partnership_id=personas.fife.pk, status="registered")
    )
    wrong_choice = send_json(client, "POST", reverse(SUBMIT), ask(partnership_id=personas.fife.pk, contact_by="pigeon"))

    assert unknown_area.status_code == unknown_field.status_code == wrong_choice.status_code == 400
    assert unknown_area.json()["errors"] == {"partnership": ["Choose the area where you live."]}
    assert unknown_field.json()["errors"] == {"status": ["This field is not recognised."]}
    assert wrong_choice.json()["errors"] == {"contact_by": ["Choose one of: 'phone', 'text' or 'email'."]}
    assert enquiries_state() == before


def test_asking_for_help_is_throttled_per_address(personas: Personas) -> None:
    client = Client()
    for number in range(10):
        response = send_json(
            client, "POST", reverse(SUBMIT), ask(partnership_id=personas.fife.pk, name=f"Nell {number}")
        )
        assert response.status_code == 201
    count = Enquiry.objects.count()

    response = send_json(client, "POST", reverse(SUBMIT), ask(partnership_id=personas.fife.pk, name="Nell again"))

    assert response.status_code == 429
    assert response.json() == {"detail": "Too many requests."}
    assert int(response["Retry-After"]) > 0
    assert Enquiry.objects.count() == count
    # Another address is not held up.
    other = send_json(client, "POST", reverse(SUBMIT), ask(partnership_id=personas.fife.pk), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 201


# ---- reading and allocating -------------------------------------------------------------------


def names(response: Any) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def test_the_manager_lists_their_areas_enquiries_and_the_reads_are_audited(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = client_for("partnership_manager").get(reverse("api-v1:list_enquiries"))

    assert response.status_code == 200
    assert response.json()["count"] == 1
    erin = response.json()["items"][0]
    assert (erin["name"], erin["email"], erin["status"], erin["allocated_to"], erin["registered"]) == (
        "Erin Enquirer",
        "erin@example.com",
        "waiting",
        None,
        False,
    )
    event = AuditEvent.objects.get(actor=personas.manager.user)
    assert (event.action, event.channel, event.record_type, event.record_id) == (
        AuditEvent.Action.LIST,
        AuditEvent.Channel.API,
        "participants.Enquiry",
        str(personas.enquiry.pk),
    )


def test_other_roles_list_no_enquiries(client_for: Callable[[str], Client]) -> None:
    for role in ("keyworker", "participant", "partner_worker", "funder", "evaluator", "administrator"):
        assert client_for(role).get(reverse("api-v1:list_enquiries")).json() == {"items": [], "count": 0}
    assert AuditEvent.objects.count() == 0


def test_the_manager_allocates_erin_to_kim_who_then_sees_her(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    url = reverse("api-v1:allocate_enquiry", args=[personas.enquiry.pk])

    response = send_json(
        client_for("partnership_manager"), "POST", url, {"keyworker_id": personas.keyworker.pk, "version": 1}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["allocated_to"], body["version"]) == (
        "allocated",
        {"id": personas.keyworker.pk, "name": "Kim Keyworker"},
        2,
    )
    kim = client_for("keyworker")
    assert names(kim.get(reverse("api-v1:list_enquiries"))) == ["Erin Enquirer"]
    detail = kim.get(reverse("api-v1:enquiry_detail", args=[personas.enquiry.pk]))
    assert detail.status_code == 200
    assert AuditEvent.objects.filter(
        actor=personas.keyworker.user, action=AuditEvent.Action.VIEW, record_id=str(personas.enquiry.pk)
    ).exists()
    assert client_for("keyworker").get(reverse("api-v1:list_enquiries"), {"status": "waiting"}).json()["count"] == 0


def test_allocation_refusals_change_nothing(personas: Personas, client_for: Callable[[str], Client]) -> None:
    url = reverse("api-v1:allocate_enquiry", args=[personas.enquiry.pk])
    manager = client_for("partnership_manager")
    before = enquiries_state()

    stale = send_json(manager, "POST", url, {"keyworker_id": personas.keyworker.pk, "version": 7})
    glasgow_keyworker = send_json(manager, "POST", url, {"keyworker_id": personas.glasgow_keyworker.pk, "version": 1})
    missing_version = send_json(manager, "POST", url, {"keyworker_id": personas.keyworker.pk})
    by_a_keyworker = send_json(
        client_for("keyworker"), "POST", url, {"keyworker_id": personas.keyworker.pk, "version": 1}
    )

    assert stale.status_code == 409
    assert glasgow_keyworker.status_code == 400
    assert glasgow_keyworker.json()["errors"] == {"keyworker": ["Choose a keyworker who works in this partnership."]}
    assert missing_version.status_code == 400
    assert by_a_keyworker.status_code == 404
    assert enquiries_state() == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ALLOCATE).exists()


def test_an_unknown_enquiry_is_404(client_for: Callable[[str], Client]) -> None:
    response = client_for("partnership_manager").get(reverse("api-v1:enquiry_detail", args=[999_999]))

    assert response.status_code == 404
    assert response.json() == {"detail": "No such enquiry."}

"""Under /api/ every answer is JSON, errors included: unknown addresses, ids that cannot be ids,
methods a route does not take, uploads without their multipart boundary, and failures of ours.
A program calling the API never has to read a web page."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.api.v1.api import api
from coproduce.api.v1.errors import NO_SUCH_RECORD, NOT_MULTIPART_MESSAGE, SERVER_ERROR_MESSAGE
from coproduce.api.v1.json_errors import NOT_FOUND
from coproduce.budgets.models import Spend
from coproduce.directory.models import Service
from coproduce.research.models import Transcript
from tests.budgets.factories import ApprovedSpendFactory, BudgetPotFactory
from tests.personas import Personas

ClientFor = Callable[[str], Client]


def assert_json(response: object, status: int, detail: str) -> None:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/json; charset=utf-8"  # type: ignore[index]
    assert response.json() == {"detail": detail}  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", ["anonymous", "keyworker"])
@pytest.mark.parametrize(
    "address",
    ["/api/v1/no-such-thing", "/api/v1/participants/5/no-such-thing", "/api/v2/participants", "/api/", "/api"],
)
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_an_address_no_route_matches_is_a_json_404(client_for: ClientFor, role: str, address: str, method: str) -> None:
    assert_json(client_for(role).generic(method, address), 404, NOT_FOUND)


def test_the_api_root_is_a_json_404(client_for: ClientFor) -> None:
    assert_json(client_for("keyworker").get(reverse("api-v1:api-root")), 404, NOT_FOUND)


@pytest.mark.parametrize(
    ("role", "address"),
    [
        ("keyworker", "/api/v1/participants/abc"),
        ("keyworker", "/api/v1/participants/12abc/contacts"),
        ("keyworker", "/api/v1/directory/services/not-a-uuid"),
        ("keyworker", "/api/v1/referrals/1.5"),
    ],
)
def test_an_id_that_cannot_be_one_is_a_json_404_like_any_unknown_record(
    personas: Personas, client_for: ClientFor, role: str, address: str
) -> None:
    assert_json(client_for(role).get(address), 404, NO_SUCH_RECORD)


def test_an_id_a_path_converter_refuses_is_a_json_404(personas: Personas, client_for: ClientFor) -> None:
    assert_json(client_for("evaluator").patch("/api/v1/research/quotes/abc"), 404, NOT_FOUND)


def test_a_method_a_route_does_not_take_is_a_json_405_saying_which_it_takes(
    personas: Personas, client_for: ClientFor
) -> None:
    client = client_for("keyworker")

    listing = client.delete("/api/v1/participants")
    record = client.put(f"/api/v1/participants/{personas.participant.pk}", "{}", content_type="application/json")

    assert_json(listing, 405, "This address does not take DELETE; it takes GET, POST.")
    assert listing["Allow"] == "GET, POST"
    assert_json(record, 405, "This address does not take PUT; it takes GET, PATCH.")


def multipart_routes() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        operation["operationId"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
    }


def receipt_url(personas: Personas) -> str:
    pot = BudgetPotFactory(partnership=personas.fife, amount=Decimal("500.00"))
    spend = ApprovedSpendFactory(pot=pot, participant=personas.participant, amount=Decimal("20.00"))
    return reverse("api-v1:attach_receipt", args=[spend.pk])


# Every route that takes an upload, with someone allowed to use it.
UPLOADS = {
    "attach_receipt": ("keyworker", receipt_url),
    "import_directory": ("partnership_manager", lambda personas: reverse("api-v1:import_directory")),
    "upload_research_transcript": ("evaluator", lambda personas: reverse("api-v1:upload_research_transcript")),
    "import_research_project_qdpx": (
        "evaluator",
        lambda personas: reverse("api-v1:import_research_project_qdpx", args=[personas.research.codebook.pk]),
    ),
}


def test_every_upload_route_is_tried() -> None:
    assert multipart_routes() == set(UPLOADS)


@pytest.mark.parametrize("route", sorted(UPLOADS))
@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; charset=utf-8"],
)
def test_an_upload_without_its_boundary_is_a_json_400_and_changes_nothing(
    personas: Personas, client_for: ClientFor, route: str, content_type: str
) -> None:
    role, url = UPLOADS[route]
    address = url(personas)
    before = (
        list(Spend.objects.values_list("receipt", "version")),
        Transcript.objects.count(),
        Service.objects.count(),
    )

    response = client_for(role).generic("POST", address, b"--x\r\nnot a form\r\n--x--\r\n", content_type=content_type)

    assert_json(response, 400, NOT_MULTIPART_MESSAGE)
    assert (
        list(Spend.objects.values_list("receipt", "version")),
        Transcript.objects.count(),
        Service.objects.count(),
    ) == before


def test_a_failure_of_ours_is_a_json_500_and_still_reported(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database fell over")

    monkeypatch.setattr("coproduce.api.v1.programme.partnerships_visible_to", broken)
    client = Client(raise_request_exception=False)
    client.force_login(personas.keyworker.user, backend="coproduce.accounts.backends.EmailOrMobileBackend")

    assert_json(client.get(reverse("api-v1:list_partnerships")), 500, SERVER_ERROR_MESSAGE)
    # Reported as Django reports any error: a test client re-raises it.
    strict = Client()
    strict.force_login(personas.keyworker.user, backend="coproduce.accounts.backends.EmailOrMobileBackend")
    with pytest.raises(RuntimeError, match="the database fell over"):
        strict.get(reverse("api-v1:list_partnerships"))


def test_the_pages_keep_their_html_404(client_for: ClientFor) -> None:
    response = client_for("keyworker").get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")

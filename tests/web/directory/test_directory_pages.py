"""The directory pages: searching (anyone), keeping entries current, import and export."""

import datetime
import io
import json
import zipfile
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.directory.hsds.validate import STANDARD_DIR
from coproduce.directory.models import Address, DirectoryOrganisation, Schedule, Service
from coproduce.directory.services import barrier_taxonomy
from coproduce.plans.models import Barrier
from tests.directory.factories import (
    AddressFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    service_for_need,
    tag_service,
)
from tests.personas import Personas, build_personas


@pytest.fixture
def personas(db: None) -> Personas:
    """With the referral story (Pat's sent referral, Paula's proposed one, Olive's withdrawn one)."""
    return build_personas().with_referrals()


pytestmark = pytest.mark.django_db

EXAMPLES = STANDARD_DIR / "hsds-3.0" / "examples"
SEARCH = "/directory/"


def result_names(response: object) -> list[str]:
    return [row["service"].name for row in response.context["rows"]]  # type: ignore[attr-defined]


def edit_url(service: Service) -> str:
    return reverse("web:directory_service_edit", args=[service.pk])


# Searching -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "participant", "keyworker", "partner_worker", "funder"])
def test_anyone_can_search_the_directory(personas: Personas, client_for: Callable[[str], Client], role: str) -> None:
    response = client_for(role).get(SEARCH)
    assert response.status_code == 200
    assert result_names(response) == ["Help finding childcare", "Money and debt advice"]
    assert "Money and debt advice" in response.content.decode()


def test_each_filter_includes_and_excludes(personas: Personas, client: Client) -> None:
    barrier_taxonomy()
    evening = service_for_need(Barrier.HOUSING, name="Evening housing clinic", partnerships=[personas.glasgow])
    ScheduleFactory(service=evening, byday="TH", opens_at=datetime.time(18), closes_at=datetime.time(20))
    creche = ServiceFactory(name="Creche course", childcare_on_site=True, description="Learn to drive")
    ScheduleFactory(service=creche, byday="MO,TU", opens_at=datetime.time(9), closes_at=datetime.time(12))

    def found(**query: str) -> list[str]:
        return result_names(client.get(SEARCH, query))

    assert found(text="drive") == ["Creche course"]
    assert found(text="debt") == ["Money and debt advice"]
    assert found(need="housing") == ["Evening housing clinic"]
    assert found(area=str(personas.glasgow.pk)) == ["Evening housing clinic"]
    assert found(area=str(personas.fife.pk)) == ["Help finding childcare", "Money and debt advice"]
    assert found(childcare="on") == ["Creche course"]
    assert found(day="TH") == ["Evening housing clinic"]
    assert found(day="MO", time="10:00") == ["Creche course"]
    assert found(day="MO", time="18:30") == []
    assert found(time="18:30") == ["Evening housing clinic"]


def test_a_bad_filter_is_shown_as_an_error(personas: Personas, client: Client) -> None:
    response = client.get(SEARCH, {"time": "teatime", "need": "astrology"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a time of day, like 18:30." in body
    assert "There is a problem" in body


def test_the_search_page_shows_what_people_need_to_know(personas: Personas, client: Client) -> None:
    service = personas.partner_service
    tag_service(service, Barrier.MONEY_AND_DEBT)
    link = ServiceAtLocationFactory(service=service, location__name="Kirkcaldy office")
    AddressFactory(location=link.location, address_1="2 Hunter Street", postal_code="KY1 1XX")
    ScheduleFactory(service=service, byday="MO,WE", opens_at=datetime.time(9, 30), closes_at=datetime.time(12, 30))
    Service.objects.filter(pk=service.pk).update(last_checked_on=datetime.date(2020, 1, 1))
    body = client.get(SEARCH, {"text": "debt"}).content.decode()
    for text in (
        "Kingdom Money Advice",
        "Money and debt",
        "Kirkcaldy office, 2 Hunter Street, Kirkcaldy, KY1 1XX",
        "Monday, Wednesday 09:30–12:30",
        "4 free",
        "Takes referrals through Coproduce",
        "1 January 2020",
        "May be out of date",
    ):
        assert text in body


def test_search_takes_the_same_queries_for_one_page_or_many_rows(
    personas: Personas, client: Client, django_assert_num_queries: object
) -> None:
    barrier_taxonomy()
    Service.objects.update(status=Service.Status.INACTIVE)

    def add(count: int) -> None:
        for _ in range(count):
            service = ServiceAtLocationFactory(service__partnerships=[personas.fife]).service
            AddressFactory(location=service.service_at_locations.get().location)
            tag_service(service, Barrier.HOUSING)
            ScheduleFactory(service=service)

    add(1)
    client.get(SEARCH)  # warm the session and anything cached once per process
    with django_assert_num_queries(8):  # type: ignore[operator]
        assert len(result_names(client.get(SEARCH))) == 1
    add(24)
    with django_assert_num_queries(8):  # type: ignore[operator]
        assert len(result_names(client.get(SEARCH))) == 20


def test_results_are_paged(personas: Personas, client: Client) -> None:
    for number in range(25):
        ServiceFactory(name=f"Zz service {number:02d}")
    response = client.get(SEARCH, {"text": "Zz", "page": "2"})
    assert result_names(response) == [f"Zz service {number:02d}" for number in range(20, 25)]


def test_a_service_page_shows_an_active_service_to_anyone(personas: Personas, client: Client) -> None:
    response = client.get(reverse("web:directory_service", args=[personas.partner_service.pk]))
    assert response.status_code == 200
    assert "Free, confidential help with debts" in response.content.decode()
    assert "Change this service" not in response.content.decode()


def test_an_inactive_service_is_not_found(personas: Personas, client: Client) -> None:
    gone = ServiceFactory(status=Service.Status.DEFUNCT)
    assert client.get(reverse("web:directory_service", args=[gone.pk])).status_code == 404


# Keeping entries current ---------------------------------------------------------------------


def test_priya_sees_her_services_with_old_checks_flagged(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    Service.objects.filter(pk=personas.partner_service.pk).update(last_checked_on=datetime.date(2020, 1, 1))
    response = client_for("partner_worker").get(reverse("web:directory_your_services"))
    assert response.status_code == 200
    assert result_names(response) == ["Money and debt advice"]
    assert [row["needs_checking"] for row in response.context["rows"]] == [True]
    body = response.content.decode()
    assert "Check it" in body
    assert "Help finding childcare" not in body


def test_mo_keeps_the_entries_of_his_partnerships_members(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = client_for("partnership_manager").get(reverse("web:directory_your_services"))
    assert result_names(response) == ["Help finding childcare", "Money and debt advice"]
    assert [organisation.name for organisation in response.context["organisations"]] == [
        "Fife Childcare Links",
        "Kingdom Money Advice",
    ]


def test_your_services_takes_the_same_queries_for_one_or_many(
    personas: Personas, client_for: Callable[[str], Client], django_assert_num_queries: object
) -> None:
    client = client_for("partner_worker")
    organisation = personas.partner_service.organization
    AddressFactory(location=ServiceAtLocationFactory(service=personas.partner_service).location)
    client.get(reverse("web:directory_your_services"))
    with django_assert_num_queries(13):  # type: ignore[operator]
        assert len(result_names(client.get(reverse("web:directory_your_services")))) == 1
    for _ in range(5):
        link = ServiceAtLocationFactory(service__organization=organisation)
        AddressFactory(location=link.location)
        service = tag_service(link.service, Barrier.HOUSING)
        ScheduleFactory(service=service)
    with django_assert_num_queries(13):  # type: ignore[operator]
        assert len(result_names(client.get(reverse("web:directory_your_services")))) == 6


def test_participants_and_anonymous_cannot_open_the_editing_pages(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    assert client_for("participant").get(reverse("web:directory_your_services")).status_code == 403
    response = client_for("anonymous").get(edit_url(personas.partner_service))
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


def service_form(service: Service, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": service.version,
        "name": service.name,
        "status": service.status,
        "description": service.description,
        "response_working_days": service.response_working_days,
        "places_available": service.places_available if service.places_available is not None else "",
        "takes_referrals": "on" if service.takes_referrals else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_priya_edits_her_service(personas: Personas, client_for: Callable[[str], Client]) -> None:
    service = personas.partner_service
    response = client_for("partner_worker").post(
        edit_url(service),
        service_form(service, childcare_on_site="on", places_available=1, needs=["housing", "money_and_debt"]),
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.childcare_on_site, service.places_available, service.version) == (True, 1, 2)
    assert sorted(service.attributes.values_list("taxonomy_term__code", flat=True)) == ["housing", "money_and_debt"]


def test_the_edit_form_shows_the_current_needs(personas: Personas, client_for: Callable[[str], Client]) -> None:
    tag_service(personas.partner_service, Barrier.DIGITAL)
    response = client_for("partner_worker").get(edit_url(personas.partner_service))
    assert response.context["form"].initial["needs"] == ["digital"]


def test_priya_cannot_edit_another_agencys_service(personas: Personas, client_for: Callable[[str], Client]) -> None:
    other = personas.other_partner_service
    client = client_for("partner_worker")
    assert client.get(edit_url(other)).status_code == 404
    assert client.post(edit_url(other), service_form(other, name="Hijacked")).status_code == 404
    other.refresh_from_db()
    assert (other.name, other.version) == ("Help finding childcare", 1)


def test_a_conflicting_edit_gets_the_409_page(personas: Personas, client_for: Callable[[str], Client]) -> None:
    service = personas.partner_service
    stale = service_form(service, name="Mo's name")
    Service.objects.filter(pk=service.pk).update(version=2, name="Priya's name")
    response = client_for("partnership_manager").post(edit_url(service), stale)
    assert response.status_code == 409
    assert "Someone else changed this record while you were editing it" in response.content.decode()
    service.refresh_from_db()
    assert (service.name, service.version) == ("Priya's name", 2)


def test_validation_errors_are_shown_on_the_form(personas: Personas, client_for: Callable[[str], Client]) -> None:
    service = personas.partner_service
    response = client_for("partner_worker").post(
        edit_url(service),
        service_form(service, name="", email="nope", minimum_age=40, maximum_age=20, response_working_days=0),
    )
    assert response.status_code == 400
    body = response.content.decode()
    for message in (
        "Enter the name of the service.",
        "Enter an email address, like name@example.org.",
        "Enter a number of working days from 1 to 30.",
    ):
        assert message in body
    response = client_for("partner_worker").post(
        edit_url(service), service_form(service, minimum_age=40, maximum_age=20)
    )
    assert response.status_code == 400
    assert "The oldest age must be the same as or more than the youngest age." in response.content.decode()
    service.refresh_from_db()
    assert service.version == 1


def test_mark_as_checked_today(personas: Personas, client_for: Callable[[str], Client]) -> None:
    service = personas.partner_service
    url = reverse("web:directory_service_checked", args=[service.pk])
    response = client_for("partner_worker").post(url, {"version": 1})
    assert (response.status_code, response["Location"]) == (302, reverse("web:directory_your_services"))
    service.refresh_from_db()
    assert (service.last_checked_on, service.last_checked_by) == (timezone.localdate(), personas.partner_worker.user)
    assert client_for("partner_worker").post(url, {"version": 1}).status_code == 409


def test_opening_times_are_saved_and_checked(personas: Personas, client_for: Callable[[str], Client]) -> None:
    service = personas.partner_service
    url = reverse("web:directory_service_opening_times", args=[service.pk])
    client = client_for("partner_worker")
    page = client.get(url)
    assert page.context["form"].row_numbers == [1, 2]
    bad = client.post(
        url, {"version": 1, "days_1": ["MO"], "opens_1": "12:00", "closes_1": "09:00", "opens_2": "10:00"}
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Row 1: the closing time must be after the opening time." not in body  # the form stops first
    assert "Row 2: choose at least one day." in body
    assert "Row 2: enter the closing time." in body
    bad = client.post(url, {"version": 1, "days_1": ["MO"], "opens_1": "12:00", "closes_1": "09:00"})
    assert "Row 1: the closing time must be after the opening time." in bad.content.decode()
    good = client.post(
        url,
        {
            "version": 1,
            "days_1": ["MO", "TU"],
            "opens_1": "09:30",
            "closes_1": "16:00",
            "days_2": ["SA"],
            "opens_2": "10:00",
            "closes_2": "12:00",
        },
    )
    assert good.status_code == 302
    assert list(
        Schedule.objects.filter(service=service).order_by("byday").values_list("byday", "opens_at", "closes_at")
    ) == [
        ("MO,TU", datetime.time(9, 30), datetime.time(16)),
        ("SA", datetime.time(10), datetime.time(12)),
    ]
    assert client.get(url).context["form"].row_numbers == [1, 2, 3, 4]


def test_the_address_is_saved_and_a_bad_postcode_refused(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    service = personas.partner_service
    url = reverse("web:directory_service_address", args=[service.pk])
    client = client_for("partner_worker")
    bad = client.post(url, {"version": 1, "address_1": "2 Hunter Street", "city": "Kirkcaldy", "postal_code": "KY1"})
    assert bad.status_code == 400
    assert "Enter a full UK postcode, like KY1 1XX." in bad.content.decode()
    assert Address.objects.count() == 0
    good = client.post(
        url, {"version": 1, "address_1": "2 Hunter Street", "city": "Kirkcaldy", "postal_code": "ky1 1xx"}
    )
    assert good.status_code == 302
    assert list(Address.objects.values_list("address_1", "postal_code")) == [("2 Hunter Street", "KY1 1XX")]
    assert client.get(url).context["form"].initial["postal_code"] == "KY1 1XX"


def test_priya_adds_a_service(personas: Personas, client_for: Callable[[str], Client]) -> None:
    organisation = personas.partner_service.organization
    assert organisation is not None
    url = reverse("web:directory_service_add", args=[organisation.pk])
    response = client_for("partner_worker").post(
        url,
        {"name": "Benefits check", "response_working_days": 5, "needs": ["money_and_debt"], "takes_referrals": "on"},
    )
    service = Service.objects.get(name="Benefits check")
    assert (response.status_code, response["Location"]) == (302, edit_url(service))
    assert (service.organization, service.takes_referrals) == (organisation, True)
    other = personas.other_partner_service.organization
    assert other is not None
    assert client_for("partner_worker").get(reverse("web:directory_service_add", args=[other.pk])).status_code == 404


def test_the_organisation_entry_is_edited(personas: Personas, client_for: Callable[[str], Client]) -> None:
    organisation = personas.partner_service.organization
    assert organisation is not None
    url = reverse("web:directory_organisation_edit", args=[organisation.pk])
    data = {
        "version": 1,
        "name": "Kingdom Money Advice",
        "description": "Money advice in Fife.",
        "website": "kma.example.org",
    }
    assert client_for("partner_worker").post(url, data).status_code == 302
    organisation.refresh_from_db()
    assert (organisation.description, organisation.website, organisation.version) == (
        "Money advice in Fife.",
        "https://kma.example.org",
        2,
    )
    assert client_for("partnership_manager").post(url, {**data, "description": "Stale"}).status_code == 409
    blank = client_for("partnership_manager").post(url, {**data, "version": 2, "description": ""})
    assert blank.status_code == 400
    assert "Say in a sentence or two what the organisation does." in blank.content.decode()


# Import and export ---------------------------------------------------------------------------


def upload(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def test_mo_imports_an_hsds_json_file(personas: Personas, client_for: Callable[[str], Client]) -> None:
    content = (EXAMPLES / "organization_full.json").read_bytes()
    response = client_for("partnership_manager").post(
        reverse("web:directory_import"), {"file": upload("example.json", content)}
    )
    assert response.status_code == 302
    assert DirectoryOrganisation.objects.filter(name="Example Organization Inc.").count() == 1
    assert Service.objects.filter(name="Community Counselling").count() == 1


def test_mo_imports_a_zipped_tabular_package(personas: Personas, client_for: Callable[[str], Client]) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        for path in sorted((EXAMPLES / "csv").iterdir()):
            package.write(path, f"hsds/{path.name}")
    response = client_for("partnership_manager").post(
        reverse("web:directory_import"), {"file": upload("package.zip", archive.getvalue())}
    )
    assert response.status_code == 302
    assert Service.objects.filter(name="Community Counselling").count() == 1


def test_a_bad_file_is_refused_with_its_problems_and_changes_nothing(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    before = (DirectoryOrganisation.objects.count(), Service.objects.count())
    document = json.loads((EXAMPLES / "organization_full.json").read_text())
    del document["name"]
    response = client_for("partnership_manager").post(
        reverse("web:directory_import"), {"file": upload("bad.json", json.dumps(document).encode())}
    )
    assert response.status_code == 400
    assert response.context["problems"] != []
    body = response.content.decode()
    assert "Problems in the file" in body
    assert "nothing was changed" in body
    for problem in response.context["problems"]:
        assert problem in body or problem.replace("'", "&#x27;") in body
    broken = client_for("partnership_manager").post(
        reverse("web:directory_import"), {"file": upload("broken.zip", b"not a zip")}
    )
    assert broken.status_code == 400
    assert broken.context["problems"] == ["The .zip file could not be opened."]
    assert (DirectoryOrganisation.objects.count(), Service.objects.count()) == before


def test_mo_downloads_the_directory_as_hsds_json(personas: Personas, client_for: Callable[[str], Client]) -> None:
    response = client_for("partnership_manager").get(reverse("web:directory_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="directory-hsds-')
    document = json.loads(response.content)
    assert sorted(org["name"] for org in document["organizations"]) == ["Fife Childcare Links", "Kingdom Money Advice"]


@pytest.mark.parametrize("role", ["partner_worker", "keyworker", "participant"])
def test_only_managers_import_and_export(personas: Personas, client_for: Callable[[str], Client], role: str) -> None:
    client = client_for(role)
    assert client.get(reverse("web:directory_import")).status_code == 403
    assert client.get(reverse("web:directory_export")).status_code == 403


def test_the_point_on_the_map_is_saved_checked_and_shown_again(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    service = personas.partner_service
    url = reverse("web:directory_service_address", args=[service.pk])
    client = client_for("partner_worker")
    address = {"address_1": "2 Hunter Street", "city": "Kirkcaldy", "postal_code": "KY1 1XX"}
    for point, message in (
        ({"latitude": "56.11", "longitude": ""}, "Enter the longitude too, or leave both empty."),
        ({"latitude": "", "longitude": "-3.15"}, "Enter the latitude too, or leave both empty."),
        ({"latitude": "91", "longitude": "-3.15"}, "Enter a latitude from -90 to 90, in decimal degrees"),
        ({"latitude": "56.11", "longitude": "200"}, "Enter a longitude from -180 to 180, in decimal degrees"),
        ({"latitude": "north", "longitude": "-3.15"}, "Enter the latitude as a number in decimal degrees"),
    ):
        bad = client.post(url, {"version": 1, **address, **point})
        assert bad.status_code == 400
        assert message in bad.content.decode()
    assert Address.objects.count() == 0

    good = client.post(url, {"version": 1, **address, "latitude": "56.1165", "longitude": "-3.1584"}, follow=True)
    assert "outside the UK" not in good.content.decode()
    location = Address.objects.get().location
    assert (location.latitude, location.longitude) == (56.1165, -3.1584)
    initial = client.get(url).context["form"].initial
    assert (initial["latitude"], initial["longitude"]) == (56.1165, -3.1584)

    # A point abroad is kept, with a hint to check it; taking both away takes the point away.
    abroad = client.post(url, {"version": 2, **address, "latitude": "-3.1584", "longitude": "56.1165"}, follow=True)
    assert "That point is outside the UK." in abroad.content.decode()
    location.refresh_from_db()
    assert (location.latitude, location.longitude) == (-3.1584, 56.1165)
    client.post(url, {"version": 3, **address, "latitude": "", "longitude": ""})
    location.refresh_from_db()
    assert (location.latitude, location.longitude) == (None, None)

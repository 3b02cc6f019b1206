"""The funder's and the manager's pages for targets, grants and labour-market context."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coproduce.programmes.models import EngagementTarget, Grant, LabourMarketContext, Partnership
from tests.personas import Personas
from tests.programmes.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

NOMIS_CSV = (Path(__file__).parents[2] / "programmes" / "data" / "nomis_labour_market.csv").read_bytes()
CLAIMANT_CSV = (Path(__file__).parents[2] / "programmes" / "data" / "nomis_nm_162_1_claimant_count.csv").read_bytes()


def _target(partnership: Partnership, year: int, user: object, participants: int = 100) -> EngagementTarget:
    return EngagementTarget.objects.create(
        partnership=partnership,
        year=year,
        participants=participants,
        proposed_by=user,
        proposed_at=datetime.datetime(2014, 11, 1, tzinfo=datetime.UTC),
    )


def _grant(p: Personas, partnership: Partnership, reference: str, recipient: object = None) -> Grant:
    return Grant.objects.create(
        partnership=partnership,
        funder=p.funder_organisation,
        recipient=recipient or p.lead_organisation,
        reference=reference,
        title=f"Grant {reference}",
        description="Keyworkers.",
        amount=Decimal("1000.00"),
        awarded_on=datetime.date(2013, 3, 1),
        starts_on=datetime.date(2013, 4, 1),
        ends_on=datetime.date(2014, 3, 31),
    )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _more_areas(p: Personas, n: int) -> list[Partnership]:
    areas = []
    for _ in range(n):
        area = PartnershipFactory(programme=p.fife.programme)
        MembershipFactory(partnership=area, organisation=OrganisationFactory(), role="co_lead")
        areas.append(area)
    return areas


# ---- targets ---------------------------------------------------------------------------------


def test_the_manager_proposes_on_the_page_and_the_funder_agrees(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    manager, funder = client_for("partnership_manager"), client_for("funder")
    form = manager.get("/partnership/targets/new/")
    assert form.status_code == 200
    response = manager.post(
        "/partnership/targets/new/", {"partnership": personas.fife.pk, "year": "2015", "participants": "120"}
    )
    assert response.status_code == 302
    target = EngagementTarget.objects.get()
    page = manager.get("/partnership/targets/").content.decode()
    assert "waiting for the funder to agree" in page
    assert f"/partnership/targets/{target.pk}/agree/" not in page
    funder_page = funder.get("/funder/targets/").content.decode()
    assert f"/funder/targets/{target.pk}/agree/" in funder_page
    agreed = funder.post(f"/funder/targets/{target.pk}/agree/", {"version": "1"})
    assert agreed.status_code == 302
    target.refresh_from_db()
    assert (target.agreed_by, target.version) == (personas.funder.user, 2)
    assert "Agreed" in manager.get("/partnership/targets/").content.decode()


def test_the_funder_changes_an_agreed_target_and_the_manager_agrees_again(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    target = _target(personas.fife, 2015, personas.manager.user)
    target.agreed_by, target.agreed_at = personas.funder.user, datetime.datetime(2014, 12, 1, tzinfo=datetime.UTC)
    target.save()
    funder, manager = client_for("funder"), client_for("partnership_manager")
    stale = funder.post(f"/funder/targets/{target.pk}/change/", {"participants": "130", "version": "0"})
    assert stale.status_code == 400  # version below 1 is not a version at all
    conflict = funder.post(f"/funder/targets/{target.pk}/change/", {"participants": "130", "version": "5"})
    assert conflict.status_code == 409
    changed = funder.post(f"/funder/targets/{target.pk}/change/", {"participants": "130", "version": "1"})
    assert changed.status_code == 302
    target.refresh_from_db()
    assert (target.participants, target.agreed_at, target.proposed_by) == (130, None, personas.funder.user)
    assert manager.post(f"/partnership/targets/{target.pk}/agree/", {"version": "2"}).status_code == 302
    target.refresh_from_db()
    assert target.agreed_by == personas.manager.user


def test_a_second_proposal_for_the_same_year_shows_a_form_error(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    _target(personas.fife, 2015, personas.manager.user)
    response = client_for("funder").post(
        "/funder/targets/new/", {"partnership": personas.fife.pk, "year": "2015", "participants": "90"}
    )
    assert response.status_code == 400
    assert "There is already a target for Fife in 2015: change that one instead." in response.content.decode()
    assert EngagementTarget.objects.get().participants == 100


def test_agreeing_your_own_sides_proposal_is_refused_with_a_message(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    target = _target(personas.fife, 2015, personas.funder.user)
    response = client_for("funder").post(f"/funder/targets/{target.pk}/agree/", {"version": "1"}, follow=True)
    assert "A target is agreed by the other side" in response.content.decode()
    target.refresh_from_db()
    assert target.agreed_at is None


def test_the_targets_pages_keep_a_constant_number_of_queries(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    funder = client_for("funder")
    _target(personas.fife, 2015, personas.manager.user)
    one = _queries(funder, "/funder/targets/")
    for year, area in enumerate(_more_areas(personas, 4), start=2013):
        _target(area, year, personas.funder.user)
        _target(area, year + 1, personas.funder.user)
    assert _queries(funder, "/funder/targets/") == one
    manager = client_for("partnership_manager")
    few = _queries(manager, "/partnership/targets/")
    _target(personas.fife, 2016, personas.funder.user)
    _target(personas.fife, 2017, personas.funder.user)
    assert _queries(manager, "/partnership/targets/") == few


# ---- grants ----------------------------------------------------------------------------------


def test_the_funder_records_a_grant_on_the_page(personas: Personas, client_for: Callable[[str], Client]) -> None:
    funder = client_for("funder")
    data = {
        "partnership": personas.fife.pk,
        "reference": "MIW-FIF-2013-01",
        "recipient": "",
        "title": "Making It Work in Fife",
        "description": "Keyworkers and childcare.",
        "amount": "350000.00",
        "awarded_on": "2013-03-01",
        "starts_on": "2013-04-01",
        "ends_on": "2013-03-31",
    }
    bad = funder.post("/funder/grants/new/", data)
    assert bad.status_code == 400
    assert "The grant must end on or after the day it starts." in bad.content.decode()
    assert Grant.objects.count() == 0
    good = funder.post("/funder/grants/new/", {**data, "ends_on": "2016-03-31"})
    assert good.status_code == 302
    grant = Grant.objects.get()
    assert (grant.recipient, grant.amount) == (personas.lead_organisation, Decimal("350000.00"))
    listed = funder.get("/funder/grants/").content.decode()
    assert "MIW-FIF-2013-01" in listed
    assert "£350,000.00" in listed


def test_editing_a_grant_with_a_stale_version_changes_nothing(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    grant = _grant(personas, personas.fife, "MIW-FIF-2013-01")
    funder = client_for("funder")
    data = {
        "title": "Renamed",
        "description": "Keyworkers.",
        "amount": "1500.00",
        "awarded_on": "2013-03-01",
        "starts_on": "2013-04-01",
        "ends_on": "2014-03-31",
    }
    assert funder.post(f"/funder/grants/{grant.pk}/edit/", {**data, "version": "3"}).status_code == 409
    grant.refresh_from_db()
    assert (grant.title, grant.version) == ("Grant MIW-FIF-2013-01", 1)
    assert funder.post(f"/funder/grants/{grant.pk}/edit/", {**data, "version": "1"}).status_code == 302
    grant.refresh_from_db()
    assert (grant.title, grant.amount, grant.version) == ("Renamed", Decimal("1500.00"), 2)


def test_the_manager_sees_their_areas_grants_read_only(personas: Personas, client_for: Callable[[str], Client]) -> None:
    _grant(personas, personas.fife, "MIW-FIF-2013-01")
    _grant(personas, personas.glasgow, "MIW-GLA-2013-01")
    page = client_for("partnership_manager").get("/partnership/grants/").content.decode()
    assert "MIW-FIF-2013-01" in page
    assert "MIW-GLA-2013-01" not in page
    assert "/edit/" not in page


def test_the_grants_pages_keep_a_constant_number_of_queries(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    _grant(personas, personas.fife, "G-1")
    funder, manager = client_for("funder"), client_for("partnership_manager")
    funder_one, manager_one = _queries(funder, "/funder/grants/"), _queries(manager, "/partnership/grants/")
    for n, area in enumerate(_more_areas(personas, 3)):
        _grant(personas, area, f"G-X{n}", recipient=area.memberships.get().organisation)
    for n in range(3):
        _grant(personas, personas.fife, f"G-F{n}")
    assert _queries(funder, "/funder/grants/") == funder_one
    assert _queries(manager, "/partnership/grants/") == manager_one


# ---- labour market ---------------------------------------------------------------------------


def test_the_funder_imports_a_nomis_file(personas: Personas, client_for: Callable[[str], Client]) -> None:
    funder = client_for("funder")
    page = funder.get("/funder/labour-market/import/").content.decode()
    for column in ("DATE", "GEOGRAPHY_CODE", "GEOGRAPHY_NAME", "MEASURES_NAME", "OBS_VALUE"):
        assert column in page
    response = funder.post(
        "/funder/labour-market/import/", {"file": SimpleUploadedFile("nomis.csv", NOMIS_CSV)}, follow=True
    )
    assert "Imported: 3 new and 0 changed area-years. 2 rows were skipped" in response.content.decode()
    assert LabourMarketContext.objects.count() == 3


def test_a_nomis_download_with_a_suppressed_figure_says_so(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    funder = client_for("funder")
    page = funder.get("/funder/labour-market/import/").content.decode()
    for column in ("MEASURE_NAME or ITEM_NAME", "OBS_STATUS"):
        assert column in page
    response = funder.post(
        "/funder/labour-market/import/",
        {"file": SimpleUploadedFile("NM_162_1.csv", CLAIMANT_CSV, content_type="text/csv")},
        follow=True,
    )
    shown = response.content.decode()
    assert "Imported: 2 new and 0 changed area-years. 7 rows were skipped" in shown
    assert "1 figure was suppressed by Nomis (no value, status Q) and skipped." in shown
    assert LabourMarketContext.objects.count() == 2


def test_a_bad_file_is_refused_with_its_problems_on_the_page(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    body = (
        b"DATE,GEOGRAPHY_CODE,GEOGRAPHY_NAME,MEASURES_NAME,OBS_VALUE\n"
        b"2015,S12000047,Fife,Jobs density,0.6\n"
        b"2015,S12000047,Fife,Jobs density,x\n"
    )
    response = client_for("funder").post(
        "/funder/labour-market/import/", {"file": SimpleUploadedFile("nomis.csv", body)}
    )
    assert response.status_code == 400
    assert "Row 3: the OBS_VALUE &#x27;x&#x27; is not a number." in response.content.decode()
    assert LabourMarketContext.objects.count() == 0


def test_the_funder_enters_figures_and_the_table_keeps_its_queries(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    funder = client_for("funder")
    made = funder.post(
        "/funder/labour-market/new/",
        {"partnership": personas.fife.pk, "year": "2015", "claimant_rate": "3.4", "job_density": "", "source": "ONS"},
    )
    assert made.status_code == 302
    one = _queries(funder, "/funder/labour-market/")
    for year in (2013, 2014, 2016):
        LabourMarketContext.objects.create(
            partnership=personas.glasgow, year=year, claimant_rate=Decimal("4.0"), source="ONS"
        )
    assert _queries(funder, "/funder/labour-market/") == one
    assert "3.4%" in funder.get("/funder/labour-market/").content.decode()


@pytest.mark.parametrize("url", ["/funder/targets/", "/funder/grants/", "/funder/labour-market/"])
def test_the_funder_menu_links_the_pages(personas: Personas, client_for: Callable[[str], Client], url: str) -> None:
    assert f'href="{url}"' in client_for("funder").get("/funder/").content.decode()

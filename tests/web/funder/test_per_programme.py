"""The funder's pages are of one programme at a time: the one chosen with the switcher, else the one that
started last. Two programmes run in Fife (same GSS code) with records on the same days; no page, file or
download of one holds the other's participants, jobs or money, and a funder who oversees one programme
cannot reach the other's."""

import io
import json
from collections.abc import Callable
from csv import reader
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.programmes.models import Grant, LabourMarketContext, Programme
from coproduce.web.programme_choice import SESSION_KEY
from tests.personas import Personas
from tests.reporting.stats_story import SUCCESSOR_NAME, TODAY, build_story, build_successor


@pytest.fixture(autouse=True)
def _today_is_new_year_2017(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def choose(client: Client, programme: Programme) -> None:
    response = client.post(reverse("web:choose_programme"), {"programme": programme.pk})
    assert response.status_code == 302


def test_the_pages_show_the_chosen_programme_alone(personas: Personas, client_for: Callable[[str], Client]) -> None:
    build_story(personas)
    successor = build_successor(personas)
    fran = client_for("funder")

    # The programme that started last comes first.
    home = fran.get(reverse("web:funder_home"))
    assert home.context["reports"][0].programme_name == SUCCESSOR_NAME
    assert home.context["reports"][0].engaged.value == 10
    dashboard = fran.get(reverse("web:funder_dashboard"))
    assert f'<span class="govuk-caption-l">{SUCCESSOR_NAME}</span>' in dashboard.content.decode()
    assert dashboard.context["stats"].participants.value == 10
    assert dashboard.context["stats"].programme.grants == 70000

    choose(fran, personas.fife.programme)
    dashboard = fran.get(reverse("web:funder_dashboard"))
    assert '<span class="govuk-caption-l">Making It Work</span>' in dashboard.content.decode()
    assert (dashboard.context["stats"].participants.value, dashboard.context["stats"].paid_work.count.value) == (50, 17)
    assert dashboard.context["stats"].programme.grants == 90000
    csv = fran.get(reverse("web:funder_dashboard_download", args=["outcomes", "csv"]))
    assert csv["Content-Disposition"] == 'attachment; filename="outcomes-making-it-work-2017-01-01.csv"'
    rows = list(reader(io.StringIO(csv.content.decode().lstrip("\ufeff"))))
    assert rows[-1][:3] == ["All areas", "50", "17"]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("pk")
    assert (event.record_type, event.record_id) == ("programmes.Programme", str(personas.fife.programme_id))

    grants = fran.get(reverse("web:funder_grants"))
    assert [grant.reference for grant in grants.context["grants"]] == ["MIW-FIF-2015", "MIW-GLA-2015"]
    labour = fran.get(reverse("web:funder_labour_market"))
    assert [str(row.claimant_rate) for row in labour.context["rows"]] == ["3.1", "2.8"]
    targets = fran.get(reverse("web:funder_targets"))
    assert [partnership.area_name for partnership, _cells in targets.context["grid"].rows] == ["Fife", "Glasgow"]
    assert "Making It Work: all areas" in targets.content.decode()

    choose(fran, successor)
    grants = fran.get(reverse("web:funder_grants"))
    assert [grant.reference for grant in grants.context["grants"]] == ["MWT-FIF-2016"]
    labour = fran.get(reverse("web:funder_labour_market"))
    assert [str(row.claimant_rate) for row in labour.context["rows"]] == ["9.9"]
    targets = fran.get(reverse("web:funder_targets"))
    ((fife, cells),) = targets.context["grid"].rows
    assert fife.programme_id == successor.pk
    assert [cell.target.participants for cell in cells if cell.target] == [9]


def test_each_programme_has_its_own_360giving_file_and_no_identifier_is_in_both(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    build_story(personas)
    successor = build_successor(personas)
    fran = client_for("funder")
    files: dict[str, dict[str, Any]] = {}
    for programme in (personas.fife.programme, successor):
        choose(fran, programme)
        page = fran.get(reverse("web:funder_giving"))
        assert f'<span class="govuk-caption-l">{programme.name}</span>' in page.content.decode()
        response = fran.get(reverse("web:funder_giving_download"))
        assert response.status_code == 200
        assert "grants-360giving-making-it-work" in response["Content-Disposition"]
        files[programme.name] = json.loads(response.content)
    first, second = files["Making It Work"], files[SUCCESSOR_NAME]
    assert [grant["grantProgramme"][0]["title"] for grant in first["grants"]] == ["Making It Work"] * 2
    assert [grant["grantProgramme"][0]["title"] for grant in second["grants"]] == [SUCCESSOR_NAME]
    assert {grant["id"] for grant in first["grants"]}.isdisjoint(grant["id"] for grant in second["grants"])


def test_a_funder_who_oversees_one_programme_cannot_reach_the_others(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    build_story(personas)
    other = build_successor(personas, funder_oversees=False)
    fran = client_for("funder")

    # The switcher refuses the programme, and a session that names it anyway shows their own.
    refused = fran.post(reverse("web:choose_programme"), {"programme": other.pk})
    assert refused.status_code == 400
    session = fran.session
    session[SESSION_KEY] = other.pk
    session.save()
    dashboard = fran.get(reverse("web:funder_dashboard"))
    assert dashboard.context["stats"].programme_name == "Making It Work"
    assert dashboard.context["stats"].participants.value == 50
    assert [g.reference for g in fran.get(reverse("web:funder_grants")).context["grants"]] == [
        "MIW-FIF-2015",
        "MIW-GLA-2015",
    ]
    download = json.loads(fran.get(reverse("web:funder_giving_download")).content)
    assert "MWT-FIF-2016" not in json.dumps(download)

    # Its rows are not found, and its areas cannot be chosen.
    grant = Grant.objects.get(reference="MWT-FIF-2016")
    assert fran.get(reverse("web:funder_grant_edit", args=[grant.pk])).status_code == 404
    row = LabourMarketContext.objects.get(partnership__programme=other)
    assert fran.get(reverse("web:funder_labour_market_edit", args=[row.pk])).status_code == 404
    other_fife = other.partnerships.get()
    before = Grant.objects.count()
    response = fran.post(
        reverse("web:funder_grant_add"),
        {
            "partnership": other_fife.pk,
            "reference": "SNEAK-1",
            "title": "A grant",
            "description": "For work.",
            "amount": "100.00",
            "awarded_on": "2016-01-01",
            "starts_on": "2016-01-01",
            "ends_on": "2016-12-31",
        },
    )
    assert response.status_code == 400
    assert Grant.objects.count() == before

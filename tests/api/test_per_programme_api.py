"""The `programme` query parameter of the programme-wide endpoints: absent, the programme that started
last; another programme the caller oversees, its figures alone; one they do not oversee (or that does not
exist), 404 as for a record they may not see."""

from collections.abc import Callable

import pytest
from django.test import Client

from coproduce.programmes.models import Programme
from tests.personas import Personas
from tests.reporting.stats_story import SUCCESSOR_NAME, TODAY, build_story, build_successor


@pytest.fixture(autouse=True)
def _today_is_new_year_2017(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def test_each_endpoint_answers_for_one_programme(personas: Personas, client_for: Callable[[str], Client]) -> None:
    build_story(personas)
    successor = build_successor(personas)
    fran = client_for("funder")
    first = personas.fife.programme_id

    latest = fran.get("/api/v1/stats/programme").json()
    assert (latest["programme"], latest["programme_id"], latest["participants"]) == (SUCCESSOR_NAME, successor.pk, 10)
    chosen = fran.get(f"/api/v1/stats/programme?programme={first}").json()
    assert (chosen["programme"], chosen["participants"], chosen["grants"]) == ("Making It Work", 50, 90000.0)

    def references(path: str, programme: int) -> list[str]:
        response = fran.get(f"/api/v1/{path}?programme={programme}")
        assert response.status_code == 200
        return [row.get("reference") or row["area"] for row in response.json()["items"]]

    assert references("grants", first) == ["MIW-FIF-2015", "MIW-GLA-2015"]
    assert references("grants", successor.pk) == ["MWT-FIF-2016"]
    assert [row["reference"] for row in fran.get("/api/v1/grants").json()["items"]] == ["MWT-FIF-2016"]
    assert references("targets", first) == ["Fife", "Glasgow"]
    assert references("targets", successor.pk) == ["Fife"]
    assert references("labour-market", first) == ["Fife", "Fife"]
    assert references("labour-market", successor.pk) == ["Fife"]

    package = fran.get(f"/api/v1/grants/360giving?programme={first}").json()
    assert [grant["id"].rsplit("-", 3)[-3:] for grant in package["grants"]] == [
        ["MIW", "FIF", "2015"],
        ["MIW", "GLA", "2015"],
    ]
    later = fran.get(f"/api/v1/grants/360giving?programme={successor.pk}").json()
    assert [grant["grantProgramme"][0]["title"] for grant in later["grants"]] == [SUCCESSOR_NAME]


@pytest.mark.parametrize("path", ["stats/programme", "grants", "targets", "labour-market", "grants/360giving"])
def test_a_programme_the_caller_does_not_oversee_is_not_found(
    personas: Personas, client_for: Callable[[str], Client], path: str
) -> None:
    build_story(personas)
    other = build_successor(personas, funder_oversees=False)
    fran = client_for("funder")
    missing = Programme.objects.order_by("-pk").values_list("pk", flat=True).first() + 100  # type: ignore[operator]

    for programme in (other.pk, missing):
        response = fran.get(f"/api/v1/{path}?programme={programme}")
        assert response.status_code == 404
        assert response.json() == {"detail": "No such programme."}
    # Without the parameter: their own programme, never the other.
    assert fran.get(f"/api/v1/{path}").status_code == 200

"""Fran's pages read the rollups once they exist and say how old their figures are; before any
refresh (a fresh install) they count from the records and say "as of now". The figures are the same."""

import io
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coproduce.reporting.models import PartnershipRollup
from coproduce.reporting.rollups import refresh_rollups
from tests.personas import Personas
from tests.reporting.stats_story import TODAY, build_story
from tests.reporting.test_statistics import more_areas

AS_OF = re.compile(r"Figures as of (now|\d\d:\d\d, \d{1,2} \w{3} \d{4})\.")


@pytest.fixture(autouse=True)
def _today_is_new_year_2017(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def fran(personas: Personas, client_for: Callable[[str], Client]) -> Client:
    build_story(personas)
    return client_for("funder")


def main(page: str) -> str:
    """The page's own content (not the form tokens and nonces of its header)."""
    return page[page.index("<main") : page.index("</main>")]


def oldest_check() -> str:
    moment = timezone.localtime(min(rollup.checked_at for rollup in PartnershipRollup.objects.all()))
    return f"{moment:%H:%M}, {moment:%-d %b %Y}"


@pytest.mark.parametrize("name", ["web:funder_home", "web:funder_dashboard"])
def test_the_page_says_as_of_when_with_the_same_figures(fran: Client, name: str) -> None:
    counted = fran.get(reverse(name)).content.decode()
    assert AS_OF.findall(counted) == ["now"]

    refresh_rollups()
    rolled = fran.get(reverse(name)).content.decode()

    assert AS_OF.findall(rolled) == [oldest_check()]
    assert AS_OF.sub("", main(rolled)) == AS_OF.sub("", main(counted))


def test_the_report_and_the_spreadsheet_say_it_too(fran: Client) -> None:
    refresh_rollups()
    download = fran.get(reverse("web:funder_dashboard_download", args=["outcomes", "xlsx"]))
    workbook = load_workbook(filename=io.BytesIO(download.content))
    assert workbook.properties.description == f"Figures as of {oldest_check()}"
    assert fran.get(reverse("web:funder_report_pdf")).status_code == 200


def test_the_api_gives_the_moment_and_the_same_figures(fran: Client) -> None:
    url = reverse("api-v1:programme_stats")
    counted = fran.get(url).json()
    assert counted["figures_as_of"] is None

    refresh_rollups()
    rolled = fran.get(url).json()

    checked = min(rollup.checked_at for rollup in PartnershipRollup.objects.all())
    assert rolled.pop("figures_as_of") == checked.isoformat()
    counted.pop("figures_as_of")
    assert rolled == counted


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("web:funder_home", ()),
        ("web:funder_dashboard", ()),
        ("web:funder_dashboard_download", ["outcomes", "csv"]),
        ("web:funder_dashboard_download", ["engagement", "xlsx"]),
        ("web:funder_report_pdf", ()),
    ],
)
def test_from_the_rollups_each_page_takes_two_queries_fewer_at_any_size(
    personas: Personas, client_for: Callable[[str], Client], name: str, args: list[str]
) -> None:
    """Counted from the records: partnerships, three counts, targets, labour market (6). From the
    rollups: partnerships with their rollup, one sum of the rollups' rows, targets, labour market (4)."""
    url = reverse(name, args=args)
    client = client_for("funder")
    client.get(url)  # warm the session
    build_story(personas)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    counted = queries()
    refresh_rollups()
    small = queries()
    more_areas(personas, 3)
    refresh_rollups()
    bigger = queries()

    assert (small, bigger) == (counted - 2, counted - 2)


def test_a_new_area_without_its_rollup_yet_is_counted_from_the_records(fran: Client, personas: Personas) -> None:
    refresh_rollups()
    more_areas(personas, 1)

    page = fran.get(reverse("web:funder_dashboard")).content.decode()

    assert AS_OF.findall(page) == ["now"]

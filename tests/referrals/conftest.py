import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from tests.personas import Personas, build_personas

# Friday 27 November 2026, 10am in Scotland: the next working day is Tuesday 1 December,
# because Monday 30 November is St Andrew's Day.
A_FRIDAY = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.datetime], None]:
    """Set the clock the services read (`timezone.now`, and so `timezone.localdate`)."""

    def set_clock(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_clock


@pytest.fixture
def personas(db: None) -> Personas:
    """Here every test starts with the referral story already told (see tests/personas.py)."""
    # Built here rather than by extending the parent fixture: a fixture that overrides one of
    # the same name by requesting it left SQLite's test database without its tables.
    return build_personas().with_referrals()

"""The read replica (coproduce/core/replica.py): dashboards, exports and analytics read from it,
every other page and every write use the primary.

The "replica" alias mirrors the test database (TEST["MIRROR"], config/settings/test.py), so what
is committed on "default" is there to read; the queries each connection ran tell where they went.
"""

from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.core.replica import REPLICA_DB_ALIAS, ReplicaRouter
from coproduce.participants.models import Participant
from coproduce.programmes.models import Programme
from tests.personas import Personas

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

ROUTER = "coproduce.core.replica.ReplicaRouter"
MIDDLEWARE = "coproduce.core.replica.ReplicaReadMiddleware"


@pytest.fixture
def replica() -> Iterator[None]:
    """What DATABASE_REPLICA_URL turns on (config/settings/base.py)."""
    with override_settings(
        DATABASE_ROUTERS=[ROUTER], MIDDLEWARE=[settings.MIDDLEWARE[0], MIDDLEWARE, *settings.MIDDLEWARE[1:]]
    ):
        yield


def _sql(context: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in context.captured_queries]


def _get(client: Client, url: str) -> tuple[int, list[str], list[str]]:
    with (
        CaptureQueriesContext(connections["default"]) as on_default,
        CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as on_replica,
    ):
        status = client.get(url).status_code
    return status, _sql(on_default), _sql(on_replica)


def test_the_funder_dashboard_reads_from_the_replica(
    replica: None, personas: Personas, client_for: Callable[[str], Client]
) -> None:
    status, on_default, on_replica = _get(client_for("funder"), reverse("web:funder_dashboard"))

    assert status == 200
    # The figures come from the replica…
    assert any("participants_participant" in sql for sql in on_replica)
    # …the session, the user and their roles from the primary, and nothing of those from the replica.
    assert any("django_session" in sql for sql in on_default)
    assert any("accounts_user" in sql for sql in on_default)
    assert not any("django_session" in sql or "accounts_user" in sql for sql in on_replica)
    assert not any("programmes_staffrole" in sql for sql in on_replica)
    # Nothing is ever written to the replica.
    assert not any(sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for sql in on_replica)


def test_an_export_reads_from_the_replica_and_writes_its_audit_row_to_the_primary(
    replica: None, personas: Personas, client_for: Callable[[str], Client]
) -> None:
    before = AuditEvent.objects.count()

    status, on_default, on_replica = _get(client_for("funder"), "/funder/dashboard/outcomes.csv")

    assert status == 200
    assert AuditEvent.objects.count() == before + 1
    assert any(sql.lstrip().upper().startswith("INSERT") and "audit_auditevent" in sql for sql in on_default)
    assert any("participants_participant" in sql for sql in on_replica)
    assert not any("audit_" in sql for sql in on_replica)


def test_an_ordinary_page_reads_and_writes_only_the_primary(
    replica: None, personas: Personas, client_for: Callable[[str], Client]
) -> None:
    status, on_default, on_replica = _get(client_for("keyworker"), reverse("web:caseload"))

    assert status == 200
    assert on_default
    assert on_replica == []


def test_a_form_sent_to_a_dashboard_address_does_not_read_the_replica(
    replica: None, personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("funder")
    with CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as on_replica:
        client.post(reverse("web:funder_dashboard"))

    assert _sql(on_replica) == []


def test_outside_a_request_everything_uses_the_primary(replica: None, personas: Personas) -> None:
    with CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as on_replica:
        assert Participant.objects.count() >= 1
        assert Programme.objects.exists()

    assert _sql(on_replica) == []


def test_the_router_never_writes_or_migrates_the_replica() -> None:
    router = ReplicaRouter()

    assert router.db_for_write(Participant) == "default"
    assert router.allow_migrate("default", "participants") is True
    assert router.allow_migrate(REPLICA_DB_ALIAS, "participants") is False
    assert router.db_for_read(Participant) == "default"


def test_without_the_setting_nothing_reads_the_replica(personas: Personas, client_for: Callable[[str], Client]) -> None:
    assert settings.DATABASE_ROUTERS == []

    status, on_default, on_replica = _get(client_for("funder"), reverse("web:funder_dashboard"))

    assert status == 200
    assert on_default
    assert on_replica == []


def test_reads_inside_a_transaction_and_after_a_write_use_the_primary(personas: Personas) -> None:
    from coproduce.core.replica import ReplicaReads, _current

    router = ReplicaRouter()
    token = _current.set(ReplicaReads(allowed=True))
    try:
        with override_settings(DATABASE_ROUTERS=[ROUTER]):
            assert router.db_for_read(Participant) == REPLICA_DB_ALIAS
            assert router.db_for_read(AuditEvent) == "default"
            with transaction.atomic():
                assert router.db_for_read(Participant) == "default"
            router.db_for_write(Participant)
            assert router.db_for_read(Participant) == "default"
            assert router.db_for_read(Programme) == REPLICA_DB_ALIAS
    finally:
        _current.reset(token)

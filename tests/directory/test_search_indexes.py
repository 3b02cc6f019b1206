"""On PostgreSQL the service search can use trigram indexes (migration directory 0003); SQLite has none."""

import pytest
from django.db import connection

from coproduce.directory.models import DirectoryOrganisation
from coproduce.directory.selectors import search_services

pytestmark = pytest.mark.django_db

TRIGRAM_INDEXES = {
    "directory_service_name_trgm",
    "directory_service_alternate_name_trgm",
    "directory_service_description_trgm",
    "directory_organisation_name_trgm",
}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_the_service_search_uses_the_trigram_indexes_on_postgresql() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"])
        assert {row[0] for row in cursor.fetchall()} >= TRIGRAM_INDEXES
    found = search_services(text="budget").values("id")
    sql, params = found.query.sql_with_params()
    with connection.cursor() as cursor:
        # An empty table is scanned whatever its indexes: forbid that, to see which index the query can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "directory_service_name_trgm" in plan
    # The organisations' side on its own: in the whole search the planner may reach a small table of
    # organisations by its key instead, which is its choice to make.
    organisations = DirectoryOrganisation.objects.filter(name__icontains="budget").values("id")
    sql, params = organisations.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "directory_organisation_name_trgm" in plan

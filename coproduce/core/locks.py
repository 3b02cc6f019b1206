"""One run at a time of a job that several workers, or a worker and cron, could start together.

The rows such jobs change are claimed or locked one by one (a message is claimed before it is
sent, a job start is locked while its checks are made, the database refuses a second of each),
so running twice never does anything twice; this lock saves the second run from scanning and
waiting for nothing, and keeps a daily check from emailing the administrators twice.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


def lock_key(name: str) -> int:
    """pg_advisory_lock's key for `name`: the first 8 bytes of its hash, as a signed 64-bit number."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def run_alone(name: str, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    """Yields whether this process may run the job `name` now: on PostgreSQL, whether it took the
    session-level advisory lock of that name without waiting (False: another process holds it,
    on this machine or another). On SQLite, one machine whose writes take turns, always True."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield True
        return
    key = lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = bool((cursor.fetchone() or (False,))[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])

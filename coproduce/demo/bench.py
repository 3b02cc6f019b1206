"""`python -m coproduce.demo.bench` (`make bench`): is Coproduce fast enough at the real programme's size?

Builds the full demo (3,115 participants) in a throwaway SQLite database, then asks for the
busiest pages as the people who use them, 20 times each, and prints the median time and the
number of queries. Exits non-zero if loading the demo or any page misses its target, or a
page does not answer 200.
"""

import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass

LOAD_TARGET_SECONDS = 60.0
PAGE_TARGET_MS = 300.0
REQUESTS = 20


@dataclass
class Result:
    page: str
    url: str
    status: int
    median_ms: float
    queries: int

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.median_ms <= PAGE_TARGET_MS


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="coproduce-bench-") as directory:
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
        try:
            return run()
        finally:
            from django.db import connections

            connections.close_all()


def run() -> int:
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's "testserver" host through
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_demo", stdout=StringIO())
    load_seconds = time.perf_counter() - started
    print(f"load_demo: {load_seconds:.1f} s (target {LOAD_TARGET_SECONDS:.0f} s)\n")

    results = measure_pages()
    widths = (22, max(len(result.url) for result in results), 6, 11, 7)
    header = ("page", "url", "status", "median ms", "queries")
    print("  ".join(title.ljust(width) for title, width in zip(header, widths, strict=True)) + "  result")
    for result in results:
        cells = (result.page, result.url, str(result.status), f"{result.median_ms:.1f}", str(result.queries))
        verdict = "ok" if result.ok else "TOO SLOW" if result.status == 200 else "NOT 200"
        print("  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) + "  " + verdict)
    print(f"\nTarget: median under {PAGE_TARGET_MS:.0f} ms over {REQUESTS} requests, at 3,115 participants.")
    failed = load_seconds > LOAD_TARGET_SECONDS or not all(result.ok for result in results)
    return 1 if failed else 0


def measure_pages() -> list[Result]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from coproduce.accounts.models import User
    from coproduce.accounts.roles import Role
    from coproduce.demo.data import DEMO_LOGIN_BY_ROLE
    from coproduce.participants.models import Participant

    def signed_in(role: Role) -> Client:
        client = Client()
        user = User.objects.get(email__iexact=DEMO_LOGIN_BY_ROLE[role].email)
        client.force_login(user, backend="coproduce.accounts.backends.EmailOrMobileBackend")
        return client

    keyworker = signed_in(Role.KEYWORKER)
    manager = signed_in(Role.PARTNERSHIP_MANAGER)
    participant = Participant.objects.get(user__email__iexact=DEMO_LOGIN_BY_ROLE[Role.PARTICIPANT].email)
    pages = [
        ("keyworker caseload", keyworker, "/caseload/"),
        ("partnership overview", manager, "/partnership/"),
        ("participant record", keyworker, participant_url(keyworker, participant)),
        ("API participants", keyworker, "/api/v1/participants"),
    ]
    results = []
    for name, client, url in pages:
        status = client.get(url).status_code  # warm up
        reset_queries()  # the log is capped, and loading the demo filled it
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        results.append(Result(name, url, status, statistics.median(timings), len(queries.captured_queries)))
    return results


def participant_url(client: object, participant: object) -> str:
    """The link to the participant's record on the keyworker's caseload page (or a best guess)."""
    from django.test import Client

    from coproduce.participants.models import Participant

    assert isinstance(client, Client)
    assert isinstance(participant, Participant)
    page = client.get("/caseload/")
    if page.status_code == 200:
        for href in re.findall(r'href="([^"#?]+)"', page.content.decode()):
            if participant.reference in href or f"/{participant.pk}/" in href:
                return href
    return f"/participants/{participant.pk}/"


if __name__ == "__main__":
    sys.exit(main())

"""`python -m coproduce.demo.bench` (`make bench`): is Coproduce fast enough at the real programme's size?

Builds the full demo (3,115 participants) in a throwaway SQLite database, then asks for the
busiest pages as the people who use them, 20 times each, and prints the median time, the
number of queries and the peak memory Python allocated for one request. Exits non-zero if
loading the demo or any page misses its time or memory target, or a page does not answer 200.
"""

import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass

LOAD_TARGET_SECONDS = 60.0
PAGE_TARGET_MS = 300.0
# A report laid out as a PDF with its charts on request (WeasyPrint draws every SVG): a download
# asked for now and then, not a page people move through.
REPORT_TARGET_MS = 1000.0
REPORT_URLS = {"/funder/report.pdf"}
PAGE_MEMORY_TARGET_MB = 20.0
LOAD_MEMORY_TARGET_MB = 500.0
REQUESTS = 20


@dataclass
class Result:
    page: str
    url: str
    status: int
    median_ms: float
    queries: int
    peak_mb: float

    @property
    def target_ms(self) -> float:
        return REPORT_TARGET_MS if self.url in REPORT_URLS else PAGE_TARGET_MS

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.median_ms <= self.target_ms and self.peak_mb <= PAGE_MEMORY_TARGET_MB


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
    # The process's peak resident memory so far: loading is the heaviest thing it has done.
    load_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"load_demo: {load_seconds:.1f} s (target {LOAD_TARGET_SECONDS:.0f} s), "
        f"peak resident memory {load_peak_mb:.0f} MB (target {LOAD_MEMORY_TARGET_MB:.0f} MB)\n"
    )

    results = measure_pages()
    widths = (26, max(len(result.url) for result in results), 6, 11, 7, 7)
    header = ("page", "url", "status", "median ms", "queries", "peak MB")
    print("  ".join(title.ljust(width) for title, width in zip(header, widths, strict=True)) + "  result")
    for result in results:
        cells = (
            result.page,
            result.url,
            str(result.status),
            f"{result.median_ms:.1f}",
            str(result.queries),
            f"{result.peak_mb:.1f}",
        )
        verdict = "ok" if result.ok else "NOT 200" if result.status != 200 else "MISSED TARGET"
        print("  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) + "  " + verdict)
    print(
        f"\nTargets: median under {PAGE_TARGET_MS:.0f} ms over {REQUESTS} requests (the PDF report "
        f"{REPORT_TARGET_MS:.0f} ms) and under {PAGE_MEMORY_TARGET_MB:.0f} MB for one request, at 3,115 participants."
    )
    failed = (
        load_seconds > LOAD_TARGET_SECONDS
        or load_peak_mb > LOAD_MEMORY_TARGET_MB
        or not all(result.ok for result in results)
    )
    return 1 if failed else 0


def measure_pages() -> list[Result]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from coproduce.accounts.models import User
    from coproduce.accounts.roles import Role
    from coproduce.demo.data import DEMO_LOGIN_BY_ROLE
    from coproduce.participants.models import Participant
    from coproduce.research.models import Survey, Transcript, Wave

    def signed_in(role: Role) -> Client:
        client = Client()
        user = User.objects.get(email__iexact=DEMO_LOGIN_BY_ROLE[role].email)
        client.force_login(user, backend="coproduce.accounts.backends.EmailOrMobileBackend")
        return client

    keyworker = signed_in(Role.KEYWORKER)
    manager = signed_in(Role.PARTNERSHIP_MANAGER)
    funder = signed_in(Role.FUNDER)
    partner = signed_in(Role.PARTNER_WORKER)
    participant_client = signed_in(Role.PARTICIPANT)
    participant = Participant.objects.get(user__email__iexact=DEMO_LOGIN_BY_ROLE[Role.PARTICIPANT].email)
    evaluator = signed_in(Role.EVALUATOR)
    board_member = signed_in(Role.BOARD_MEMBER)
    transcript = Transcript.objects.filter(status=Transcript.Status.READY).order_by("pk").first()
    survey = Survey.objects.order_by("pk").first()
    latest_wave = Wave.objects.order_by("-year").first()
    research_pages = [
        ("evaluation home", evaluator, "/research/"),
        ("interviews", evaluator, "/research/interviews/"),
        ("Table 1", evaluator, "/research/table1/"),
        ("API Table 1", evaluator, "/api/v1/research/table1"),
        (
            "purposive sample",
            evaluator,
            f"/research/sampling/?wave={latest_wave.pk if latest_wave else ''}&per_area=4",
        ),
        ("transcripts", evaluator, "/research/transcripts/"),
        ("coding list", evaluator, "/research/coding/"),
        ("codebook", evaluator, "/research/codebook/"),
        ("agreement, all transcripts", evaluator, "/research/agreement/"),
        ("quote bank", evaluator, "/research/quotes/"),
        ("outcome analytics", evaluator, "/research/analytics/"),
    ]
    if transcript is not None:
        research_pages += [
            ("coding a transcript", evaluator, f"/research/transcripts/{transcript.pk}/code/"),
            ("comparing coders", evaluator, f"/research/transcripts/{transcript.pk}/compare/"),
        ]
    if survey is not None:
        research_pages.append(("survey results", evaluator, f"/research/surveys/{survey.pk}/results/"))
    pages = [
        ("keyworker caseload", keyworker, "/caseload/"),
        ("caseload search", keyworker, "/caseload/?search=a&status=active"),
        ("participant record", keyworker, f"/participants/{participant.pk}/"),
        ("participant's own page", participant_client, "/me/"),
        ("participant's plan", participant_client, "/me/plan/"),
        ("participant's progress", participant_client, "/me/progress/"),
        ("what is recorded about me", participant_client, "/me/record/"),
        ("job-search PDF", participant_client, "/me/job-search.pdf"),
        ("keyworker plan page", keyworker, f"/participants/{participant.pk}/plan/"),
        ("contact notes", keyworker, f"/participants/{participant.pk}/contacts/"),
        ("requests board", manager, "/requests/"),
        ("group sessions", manager, "/partnership/group-sessions/"),
        ("partnership overview", manager, "/partnership/"),
        ("area participants", manager, "/partnership/participants/"),
        ("area search", manager, "/partnership/participants/?search=mc&not_seen=on"),
        ("enquiries", manager, "/partnership/enquiries/"),
        ("funder headline counts", funder, "/funder/"),
        ("directory", keyworker, "/directory/"),
        ("directory search", participant_client, "/directory/?need=childcare&childcare=on&day=TU"),
        ("partner inbox", partner, "/partner/"),
        ("participant's suggestions", participant_client, "/me/suggestions/"),
        ("keyworker suggestions", keyworker, f"/participants/{participant.pk}/suggestions/"),
        ("participant's referrals", participant_client, "/me/referrals/"),
        ("who holds my information", participant_client, "/me/who-holds-my-information/"),
        ("keyworker referrals", keyworker, f"/participants/{participant.pk}/referrals/"),
        ("API participants", keyworker, "/api/v1/participants"),
        ("API participants (manager)", manager, "/api/v1/participants?page=3"),
        ("funder dashboard", funder, "/funder/dashboard/"),
        ("funder report PDF", funder, "/funder/report.pdf"),
        ("API programme statistics", funder, "/api/v1/stats/programme"),
        ("360Giving export", funder, "/api/v1/grants/360giving"),
        ("partnership dashboard", manager, "/partnership/dashboard/"),
        ("area budgets", manager, "/partnership/budgets/"),
        ("partnership board", manager, "/partnership/board/"),
        ("board member's home", board_member, "/board/"),
        ("board member's dashboard", board_member, "/partnership/dashboard/"),
        ("keyworker outcomes", keyworker, f"/participants/{participant.pk}/outcomes/"),
        ("keyworker budget", keyworker, f"/participants/{participant.pk}/budget/"),
        ("my achievements", participant_client, "/me/achievements/"),
        ("money spent on me", participant_client, "/me/money/"),
        ("HSDS API services", Client(), "/hsds/services"),
        ("HSDS API services, full", Client(), "/hsds/services?full=true&per_page=50"),
        ("HSDS directory export", manager, "/directory/export/"),
        *research_pages,
    ]
    results = []
    for name, client, url in pages:
        status = client.get(url).status_code  # warm up
        reset_queries()  # the log is capped, and loading the demo filled it
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        tracemalloc.start()
        client.get(url)
        peak_mb = tracemalloc.get_traced_memory()[1] / 1_000_000
        tracemalloc.stop()
        timings = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        results.append(Result(name, url, status, statistics.median(timings), len(queries.captured_queries), peak_mb))
    return results


if __name__ == "__main__":
    sys.exit(main())

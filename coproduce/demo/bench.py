"""`python -m coproduce.demo.bench` (`make bench`): is Coproduce fast enough at the real programme's size?

Builds the full demo (3,115 participants) in a throwaway SQLite database, then asks for the
busiest pages as the people who use them, 20 times each, and prints the median time, the
number of queries and the peak memory Python allocated for one request. Then the cost of the
audit: typical pages timed with their audit writes and with those writes made no-ops, and
what sealing and verifying the audit log cost (docs/audit.md). Exits non-zero if loading the
demo or any page misses its time or memory target, auditing takes more than its share of a
page, or a page does not answer 200.
"""

import datetime
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass

# The app's modules are imported inside the functions below: this script sets Django up (main) before
# any model can be loaded.

LOAD_TARGET_SECONDS = 60.0
PAGE_TARGET_MS = 300.0
# A report laid out as a PDF with its charts on request (WeasyPrint draws every SVG): a download
# asked for now and then, not a page people move through.
REPORT_TARGET_MS = 1000.0
REPORT_URLS = {"/funder/report.pdf"}
PAGE_MEMORY_TARGET_MB = 20.0
LOAD_MEMORY_TARGET_MB = 500.0
REQUESTS = 20
# Auditing (writing the events, asking for a seal) may take this share of a page's time at most.
AUDIT_SHARE_TARGET = 0.10
AUDIT_REQUESTS = 40
PRODUCTION_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


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
        os.environ["COPRODUCE_AUDIT_CHECKPOINT_DIR"] = f"{directory}/audit"
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
    call_command("createcachetable", verbosity=0)  # the shared cache, as in production
    started = time.perf_counter()
    call_command("load_demo", stdout=StringIO())
    load_seconds = time.perf_counter() - started
    # The process's peak resident memory so far: loading is the heaviest thing it has done.
    load_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"load_demo: {load_seconds:.1f} s (target {LOAD_TARGET_SECONDS:.0f} s), "
        f"peak resident memory {load_peak_mb:.0f} MB (target {LOAD_MEMORY_TARGET_MB:.0f} MB)\n"
    )

    from django.test import override_settings

    # As in production, background work (the audit's seal task) waits in the database for
    # `db_worker` instead of running inside a request, as the demo's immediate backend would.
    with override_settings(TASKS=PRODUCTION_TASKS):
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
    with override_settings(TASKS=PRODUCTION_TASKS):
        audit_ok = report_audit_cost()
    failed = (
        load_seconds > LOAD_TARGET_SECONDS
        or load_peak_mb > LOAD_MEMORY_TARGET_MB
        or not all(result.ok for result in results)
        or not audit_ok
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


@dataclass
class AuditCost:
    page: str
    url: str
    with_audit_ms: float
    without_audit_ms: float
    events_per_request: int

    @property
    def share(self) -> float:
        return max(0.0, self.with_audit_ms - self.without_audit_ms) / self.with_audit_ms

    @property
    def ok(self) -> bool:
        return self.share <= AUDIT_SHARE_TARGET


def report_audit_cost() -> bool:
    """Prints what auditing costs a page, and sealing and verifying the log; returns whether auditing met its target."""
    costs = measure_audit_cost()
    widths = (22, max(len(cost.url) for cost in costs), 13, 16, 11, 15)
    header = ("page", "url", "with audit ms", "audit no-ops ms", "audit share", "events/request")
    print(f"\nAuditing a page (median of {AUDIT_REQUESTS}, audit writes on, then made no-ops, in turn):")
    print("  ".join(title.ljust(width) for title, width in zip(header, widths, strict=True)) + "  result")
    for cost in costs:
        cells = (
            cost.page,
            cost.url,
            f"{cost.with_audit_ms:.1f}",
            f"{cost.without_audit_ms:.1f}",
            f"{cost.share:.1%}",
            str(cost.events_per_request),
        )
        verdict = "ok" if cost.ok else "MISSED TARGET"
        print("  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) + "  " + verdict)
    print(f"Target: auditing under {AUDIT_SHARE_TARGET:.0%} of a page's time.")
    print(measure_sealing())
    return all(cost.ok for cost in costs)


def measure_audit_cost() -> list[AuditCost]:
    from unittest import mock

    from django.test import Client

    from coproduce.accounts.models import User
    from coproduce.accounts.roles import Role
    from coproduce.audit.models import AuditEvent, AuditEventQuerySet
    from coproduce.demo.data import DEMO_LOGIN_BY_ROLE
    from coproduce.participants.models import Participant

    keyworker = Client()
    keyworker.force_login(
        User.objects.get(email__iexact=DEMO_LOGIN_BY_ROLE[Role.KEYWORKER].email),
        backend="coproduce.accounts.backends.EmailOrMobileBackend",
    )
    participant = Participant.objects.get(user__email__iexact=DEMO_LOGIN_BY_ROLE[Role.PARTICIPANT].email)
    pages = [
        ("participant record", f"/participants/{participant.pk}/"),
        ("keyworker caseload", "/caseload/"),
        ("contact notes", f"/participants/{participant.pk}/contacts/"),
    ]

    def unsaved(event: AuditEvent, *args: object, **kwargs: object) -> None:
        return None

    def none_created(queryset: object, events: list[AuditEvent], *args: object, **kwargs: object) -> list[AuditEvent]:
        return list(events)

    def timed(url: str) -> float:
        started = time.perf_counter()
        keyworker.get(url)
        return (time.perf_counter() - started) * 1000

    costs = []
    for name, url in pages:
        keyworker.get(url)  # warm up
        before = AuditEvent.objects.count()
        keyworker.get(url)
        events = AuditEvent.objects.count() - before
        with_audit, without_audit = [], []
        for _ in range(AUDIT_REQUESTS):
            with_audit.append(timed(url))
            with (
                mock.patch.object(AuditEvent, "save", unsaved),
                mock.patch.object(AuditEventQuerySet, "bulk_create", none_created),
            ):
                without_audit.append(timed(url))
        costs.append(AuditCost(name, url, statistics.median(with_audit), statistics.median(without_audit), events))
    return costs


def measure_sealing() -> str:
    """Seals every event the demo and the benchmark wrote, then verifies them all."""
    from coproduce.audit.sealing import BATCH_SIZE, seal_audit_log, unsealed_events
    from coproduce.audit.verification import verify_audit_log

    events = unsealed_events().count()
    started = time.perf_counter()
    sealed = seal_audit_log(now=timezone_now_plus_a_minute())
    sealing_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    report = verify_audit_log()
    verifying_ms = (time.perf_counter() - started) * 1000
    seals = len(sealed.seals)
    return (
        f"Sealing {sealed.events_sealed:,} of {events:,} events took {sealing_ms:.0f} ms in {seals} "
        f"{'seal' if seals == 1 else 'seals'} of at most {BATCH_SIZE:,} "
        f"({sealing_ms / max(1, sealed.events_sealed) * 1000:.0f} ms per 1,000 events), in the background; "
        f"verify_audit took {verifying_ms:.0f} ms for {report.events_checked:,} events "
        f"({verifying_ms / max(1, report.events_checked) * 1000:.0f} ms per 1,000): "
        f"{'all checked out' if report.ok else 'FAILED: ' + report.summary()}."
    )


def timezone_now_plus_a_minute() -> datetime.datetime:
    """Later than every event's grace period, so that all of them are sealed."""
    from django.utils import timezone

    return timezone.now() + datetime.timedelta(minutes=1)


if __name__ == "__main__":
    sys.exit(main())

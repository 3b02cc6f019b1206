"""`python -m coproduce.demo.bench_scale` (`make bench-scale`): is every page fast at a national programme's size?

For each size asked for (10k, 100k and 1M participants unless `--sizes` says otherwise), on
PostgreSQL: builds the programme in its own database, `bench_scale_<N>` (kept and reused when it
already holds that size), with `manage.py generate_programme` (or, where that command does not
exist yet, `load_demo --participants N`). Then, in a fresh process on that database, signs in as the
person who uses each page (chosen by queries: the keyworker with the largest active caseload, a
manager of their area, a partner organisation's worker, the funder, an evaluator, a board member, a
participant of that caseload), asks for the page 2 times to warm up and 20 times timed, and times the
hand-written SQL that returns the same data (kept below, next to the page) the same way. Prints a
table and writes it, with the machine it ran on, between the `bench-scale` markers in
docs/performance.md, so that the document says what the last run measured.

Targets: interactive pages under 300 ms median, dashboards and exports under 1 s, every page within
3 times its SQL (where that SQL takes 50 ms or more), and the same number of queries at every size.
Exits non-zero if one is missed.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# The app's modules are imported inside the functions below: this script sets Django up (main) before
# any model can be loaded.

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_SEED = 2013
WARM_UPS = 2
REQUESTS = 20
INTERACTIVE_TARGET_MS = 300.0
DASHBOARD_TARGET_MS = 1000.0
RATIO_TARGET = 3.0
# Below this, the SQL is not what a page spends its time on (sessions, permissions, templates and the
# audit are a fixed cost the interactive target covers): the ratio is shown but not judged.
RATIO_SQL_FLOOR_MS = 50.0
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/coproduce")
ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "performance.md"
MARKER_TABLE = "bench_scale_marker"
PRODUCTION_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@dataclass(frozen=True)
class Page:
    """One page as one person sees it, and the SQL that returns the same data.

    `url` and `sql` are formatted with the people and records `choose_people` found
    (`{participant}`, `{keyworker}`, …); the SQL takes them as %(name)s parameters.
    """

    name: str
    who: str
    url: str
    sql: str
    dashboard: bool = False  # a dashboard or an export: 1 s, not 300 ms


# The data each page shows, as one query a person who knows the schema would write. Lists return
# the page of rows shown (25), dashboards the grouped figures.
CASELOAD_SQL = """
SELECT p.id, p.reference, p.given_name, p.family_name, p.status, p.postcode,
  (SELECT max(c.happened_on) FROM plans_contact c WHERE c.participant_id = p.id) AS last_contact,
  (SELECT min(a.starts_at) FROM plans_appointment a WHERE a.participant_id = p.id AND a.starts_at > now()
     AND a.status = 'booked') AS next_appointment,
  (SELECT count(*) FROM plans_step s JOIN plans_goal g ON g.id = s.goal_id
     WHERE g.participant_id = p.id AND s.state IN ('offered', 'agreed')) AS open_steps
FROM participants_participant p
WHERE p.keyworker_id = %(keyworker)s AND p.status IN ('active', 'paused')
ORDER BY p.family_name, p.given_name, p.id LIMIT 25
"""
CASELOAD_SEARCH_SQL = """
SELECT p.id, p.reference, p.given_name, p.family_name, p.status
FROM participants_participant p
WHERE p.keyworker_id = %(keyworker)s AND p.status = 'active'
  AND (p.given_name ILIKE '%%a%%' OR p.family_name ILIKE '%%a%%' OR p.reference ILIKE '%%a%%')
ORDER BY p.family_name, p.given_name, p.id LIMIT 25
"""
RECORD_SQL = """
SELECT p.*, (SELECT json_agg(c.*) FROM participants_consent c WHERE c.participant_id = p.id),
  (SELECT json_agg(ch.*) FROM participants_child ch WHERE ch.participant_id = p.id),
  (SELECT json_agg(x.*) FROM (SELECT * FROM plans_contact c WHERE c.participant_id = p.id
     ORDER BY c.happened_on DESC LIMIT 5) x),
  (SELECT json_agg(g.*) FROM plans_goal g WHERE g.participant_id = p.id)
FROM participants_participant p WHERE p.id = %(participant)s
"""
PLAN_SQL = """
SELECT g.id, g.title, g.status, s.id, s.description, s.state
FROM plans_goal g LEFT JOIN plans_step s ON s.goal_id = g.id
WHERE g.participant_id = %(participant)s ORDER BY g.id, s.id
"""
CONTACTS_SQL = """
SELECT c.id, c.happened_on, c.kind, c.duration_minutes, c.notes, u.id
FROM plans_contact c LEFT JOIN accounts_user u ON u.id = c.recorded_by_id
WHERE c.participant_id = %(participant)s ORDER BY c.happened_on DESC, c.id DESC LIMIT 25
"""
ME_SQL = """
SELECT p.id, p.given_name, p.status,
  (SELECT json_agg(a.*) FROM plans_appointment a WHERE a.participant_id = p.id AND a.starts_at > now()),
  (SELECT count(*) FROM plans_step s JOIN plans_goal g ON g.id = s.goal_id
     WHERE g.participant_id = p.id AND s.state IN ('offered', 'agreed'))
FROM participants_participant p WHERE p.id = %(me)s
"""
WHO_LOOKED_SQL = """
SELECT e.actor_id, e.actor_role, e.action, e.purpose, date_trunc('month', e.at) AS month, count(*)
FROM audit_auditevent e WHERE e.participant_id = %(me)s
GROUP BY 1, 2, 3, 4, 5 ORDER BY 5 DESC, 6 DESC LIMIT 50
"""
AREA_LIST_SQL = """
SELECT p.id, p.reference, p.given_name, p.family_name, p.status, p.keyworker_id,
  (SELECT max(c.happened_on) FROM plans_contact c WHERE c.participant_id = p.id) AS last_contact
FROM participants_participant p WHERE p.partnership_id = %(partnership)s
ORDER BY p.family_name, p.given_name, p.id LIMIT 25
"""
AREA_SEARCH_SQL = """
SELECT p.id, p.reference, p.given_name, p.family_name, p.status, p.keyworker_id
FROM participants_participant p WHERE p.partnership_id = %(partnership)s
  AND (p.given_name ILIKE '%%mc%%' OR p.family_name ILIKE '%%mc%%' OR p.reference ILIKE '%%mc%%')
  AND p.status = 'active'
  AND NOT EXISTS (SELECT 1 FROM plans_contact c WHERE c.participant_id = p.id
                  AND c.happened_on >= current_date - 42)
ORDER BY p.family_name, p.given_name, p.id LIMIT 25
"""
PARTNERSHIP_DASHBOARD_SQL = """
SELECT p.status, count(DISTINCT p.id), count(o.id) FILTER (WHERE o.kind = 'job_start'),
  count(o.id) FILTER (WHERE o.kind = 'training'), count(o.id) FILTER (WHERE o.kind = 'qualification')
FROM participants_participant p LEFT JOIN outcomes_outcome o ON o.participant_id = p.id
WHERE p.partnership_id = %(partnership)s GROUP BY p.status
"""
REQUESTS_BOARD_SQL = """
WITH r AS (
  SELECT q.id, q.topic, q.kind, q.text, q.participant_id,
    row_number() OVER (PARTITION BY q.topic ORDER BY q.created_at DESC) AS n,
    count(*) OVER (PARTITION BY q.topic) AS total
  FROM voice_request q JOIN participants_participant p ON p.id = q.participant_id
  WHERE p.partnership_id = %(partnership)s AND q.status = 'open')
SELECT * FROM r WHERE n <= 25 ORDER BY topic, n
"""
PARTNER_INBOX_SQL = """
SELECT r.id, r.state, r.sent_at, r.answer_due_on, r.service_id, r.participant_id
FROM referrals_referral r WHERE r.organisation_id = %(organisation)s
  AND r.state IN ('sent', 'accepted', 'started')
ORDER BY r.sent_at DESC, r.id DESC LIMIT 25
"""
PROGRAMME_FIGURES_SQL = """
SELECT pa.id, pa.area_name, count(DISTINCT p.id) AS participants,
  count(DISTINCT p.id) FILTER (WHERE p.status = 'active') AS active,
  count(o.id) FILTER (WHERE o.kind = 'job_start') AS jobs,
  count(o.id) FILTER (WHERE o.kind = 'job_start' AND o.hours_per_week >= 16) AS jobs_16_hours,
  count(o.id) FILTER (WHERE o.kind = 'training') AS training,
  count(o.id) FILTER (WHERE o.kind = 'qualification') AS qualifications
FROM programmes_partnership pa JOIN participants_participant p ON p.partnership_id = pa.id
LEFT JOIN outcomes_outcome o ON o.participant_id = p.id
WHERE pa.programme_id = %(programme)s GROUP BY pa.id, pa.area_name ORDER BY pa.area_name
"""
OUTCOMES_CSV_SQL = """
SELECT pa.area_name, o.kind, date_trunc('quarter', o.achieved_on) AS quarter, count(*)
FROM outcomes_outcome o JOIN participants_participant p ON p.id = o.participant_id
JOIN programmes_partnership pa ON pa.id = p.partnership_id
WHERE pa.programme_id = %(programme)s GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""
ANALYTICS_SQL = """
SELECT pa.area_name, p.joined_on, p.status, p.status_since,
  min(o.achieved_on) FILTER (WHERE o.kind = 'job_start') AS first_job
FROM participants_participant p JOIN programmes_partnership pa ON pa.id = p.partnership_id
LEFT JOIN outcomes_outcome o ON o.participant_id = p.id
WHERE pa.programme_id = %(programme)s GROUP BY p.id, pa.area_name
"""
TABLE1_SQL = """
SELECT pa.area_name, p.status, p.heard_about, count(*), count(ch.participant_id)
FROM participants_participant p JOIN programmes_partnership pa ON pa.id = p.partnership_id
LEFT JOIN (SELECT DISTINCT participant_id FROM participants_child) ch ON ch.participant_id = p.id
WHERE pa.programme_id = %(programme)s GROUP BY 1, 2, 3
"""
API_PARTICIPANTS_SQL = """
SELECT p.id, p.reference, p.given_name, p.family_name, p.status, p.joined_on, p.partnership_id, p.keyworker_id
FROM participants_participant p WHERE p.keyworker_id = %(keyworker)s ORDER BY p.id LIMIT 50
"""
HSDS_SQL = """
SELECT s.id, s.name, s.description, s.status, o.name
FROM directory_service s JOIN directory_directoryorganisation o ON o.id = s.organization_id
WHERE s.status = 'active' ORDER BY s.name, s.id LIMIT 50
"""
GRANTS_SQL = """
SELECT g.*, f.name, r.name, pa.area_name FROM programmes_grant g
JOIN programmes_organisation f ON f.id = g.funder_id JOIN programmes_organisation r ON r.id = g.recipient_id
LEFT JOIN programmes_partnership pa ON pa.id = g.partnership_id ORDER BY g.awarded_on, g.id
"""
DIRECTORY_EXPORT_SQL = """
SELECT s.*, o.name, (SELECT json_agg(l.*) FROM directory_serviceatlocation l WHERE l.service_id = s.id)
FROM directory_service s JOIN directory_directoryorganisation o ON o.id = s.organization_id ORDER BY s.id
"""
# The board member's own partnership (the board member chosen may sit on another partnership's board
# than the keyworker's): its meetings, decisions and members, and the figures its home page shows,
# which are the partnership dashboard's.
BOARD_DASHBOARD_SQL = PARTNERSHIP_DASHBOARD_SQL.replace("%(partnership)s", "%(board_partnership)s")
BOARD_HOME_SQL = f"""
SELECT
  (SELECT json_agg(m.* ORDER BY m.held_on DESC) FROM programmes_boardmeeting m
     WHERE m.partnership_id = %(board_partnership)s),
  (SELECT json_agg(d.* ORDER BY d.decided_on DESC, d.id) FROM programmes_boarddecision d
     WHERE d.partnership_id = %(board_partnership)s),
  (SELECT json_agg(b.* ORDER BY b.id) FROM programmes_boardmember b WHERE b.partnership_id = %(board_partnership)s),
  (SELECT json_agg(f.*) FROM ({BOARD_DASHBOARD_SQL}) f)
"""

PAGES = [
    Page("keyworker caseload", "keyworker", "/caseload/", CASELOAD_SQL),
    Page("caseload search", "keyworker", "/caseload/?search=a&status=active", CASELOAD_SEARCH_SQL),
    Page("participant record", "keyworker", "/participants/{participant}/", RECORD_SQL),
    Page("keyworker plan page", "keyworker", "/participants/{participant}/plan/", PLAN_SQL),
    Page("contact notes", "keyworker", "/participants/{participant}/contacts/", CONTACTS_SQL),
    Page("participant's own page", "participant", "/me/", ME_SQL),
    Page("who looked at my record", "participant", "/me/who-looked/", WHO_LOOKED_SQL),
    Page("area participants", "manager", "/partnership/participants/", AREA_LIST_SQL),
    Page("area search", "manager", "/partnership/participants/?search=mc&not_seen=on", AREA_SEARCH_SQL),
    Page("requests board", "manager", "/requests/", REQUESTS_BOARD_SQL),
    Page("partnership dashboard", "manager", "/partnership/dashboard/", PARTNERSHIP_DASHBOARD_SQL, True),
    Page("API participants", "keyworker", "/api/v1/participants", API_PARTICIPANTS_SQL),
    Page("partner inbox", "partner", "/partner/", PARTNER_INBOX_SQL),
    Page("funder home", "funder", "/funder/", PROGRAMME_FIGURES_SQL, True),
    Page("funder dashboard", "funder", "/funder/dashboard/", PROGRAMME_FIGURES_SQL, True),
    Page("funder outcomes.csv", "funder", "/funder/dashboard/outcomes.csv", OUTCOMES_CSV_SQL, True),
    Page("API programme statistics", "funder", "/api/v1/stats/programme", PROGRAMME_FIGURES_SQL, True),
    Page("360Giving export", "funder", "/api/v1/grants/360giving", GRANTS_SQL, True),
    Page("evaluator analytics", "evaluator", "/research/analytics/", ANALYTICS_SQL, True),
    Page("Table 1", "evaluator", "/research/table1/", TABLE1_SQL, True),
    Page("HSDS API services", "anonymous", "/hsds/services", HSDS_SQL),
    Page("HSDS directory export", "manager", "/directory/export/", DIRECTORY_EXPORT_SQL, True),
    Page("board member's home", "board_member", "/board/", BOARD_HOME_SQL),
    Page("board member's dashboard", "board_member", "/partnership/dashboard/", BOARD_DASHBOARD_SQL, True),
]


@dataclass
class PageResult:
    name: str
    url: str
    dashboard: bool
    status: int
    median_ms: float
    p95_ms: float
    queries: int
    sql_ms: float
    sql_rows: int

    @property
    def target_ms(self) -> float:
        return DASHBOARD_TARGET_MS if self.dashboard else INTERACTIVE_TARGET_MS

    @property
    def ratio(self) -> float:
        return self.median_ms / max(self.sql_ms, 0.01)

    def misses(self) -> list[str]:
        missed = []
        if self.status != 200:
            missed.append(f"answered {self.status}")
        if self.median_ms > self.target_ms:
            missed.append(f"over {self.target_ms:.0f} ms")
        if self.ratio > RATIO_TARGET and self.sql_ms >= RATIO_SQL_FLOOR_MS:
            missed.append(f"over {RATIO_TARGET:.0f}× its SQL")
        return missed


@dataclass
class SizeRun:
    participants: int
    generator: str
    build_seconds: float | None
    results: list[PageResult] = field(default_factory=list)
    people: dict[str, Any] = field(default_factory=dict)


# --- Choosing who asks for each page --------------------------------------------------------------


def choose_people() -> dict[str, Any]:
    """The people and records the pages are asked for by, found by queries over whatever data is loaded."""
    from django.db import connection

    def one(sql: str, params: dict[str, Any] | None = None) -> tuple[Any, ...] | None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or {})
            return cursor.fetchone()

    found: dict[str, Any] = {}
    row = one(
        """SELECT p.keyworker_id, s.user_id, s.partnership_id, pa.programme_id
        FROM participants_participant p JOIN programmes_staffmember s ON s.id = p.keyworker_id
        JOIN programmes_partnership pa ON pa.id = s.partnership_id
        WHERE p.status = 'active' AND s.is_active GROUP BY 1, 2, 3, 4 ORDER BY count(*) DESC, 1 LIMIT 1"""
    )
    if row is None:
        raise SystemExit("No keyworker with an active caseload: is a programme loaded?")
    found["keyworker"], found["keyworker_user"], found["partnership"], found["programme"] = row
    params = {"keyworker": found["keyworker"], "partnership": found["partnership"], "programme": found["programme"]}
    # The participant of that caseload with the most contacts, whose record the keyworker opens.
    row = one(
        """SELECT p.id FROM participants_participant p
        WHERE p.keyworker_id = %(keyworker)s AND p.status = 'active'
        ORDER BY (SELECT count(*) FROM plans_contact c WHERE c.participant_id = p.id) DESC, p.id LIMIT 1""",
        params,
    )
    found["participant"] = row[0] if row else None
    # A participant who signs in for their own pages: of that caseload if one of them has an account.
    row = one(
        """SELECT p.id, p.user_id FROM participants_participant p
        WHERE p.status = 'active' AND p.user_id IS NOT NULL
        ORDER BY (p.keyworker_id = %(keyworker)s) DESC, p.id LIMIT 1""",
        params,
    )
    found["me"], found["participant_user"] = row or (None, None)

    def staff_user(role: str, where: str = "TRUE", order: str = "s.id") -> int | None:
        result = one(
            f"""SELECT s.user_id FROM programmes_staffmember s JOIN programmes_staffrole r ON r.staff_member_id = s.id
            WHERE r.role = %(role)s AND s.is_active AND {where} ORDER BY {order} LIMIT 1""",
            {**params, "role": role},
        )
        return result[0] if result else None

    found["manager_user"] = staff_user("partnership_manager", "s.partnership_id = %(partnership)s") or staff_user(
        "partnership_manager"
    )
    # A partner organisation's worker: the one whose organisation receives the most referrals.
    found["partner_user"] = staff_user(
        "partner_worker",
        order="(SELECT count(*) FROM referrals_referral f WHERE f.organisation_id = s.organisation_id) DESC, s.id",
    )
    row = one(
        """SELECT s.organisation_id FROM programmes_staffmember s WHERE s.user_id = %(user)s""",
        {"user": found["partner_user"]},
    )
    found["organisation"] = row[0] if row else None
    # The funder of the programme (a grant to one of its partnerships), else any funder.
    found["funder_user"] = staff_user(
        "funder",
        """EXISTS (SELECT 1 FROM programmes_grant g JOIN programmes_partnership pa ON pa.id = g.partnership_id
        WHERE g.funder_id = s.organisation_id AND pa.programme_id = %(programme)s)""",
    ) or staff_user("funder")
    found["evaluator_user"] = staff_user("evaluator")
    row = one(
        """SELECT b.user_id, b.partnership_id FROM programmes_boardmember b
        WHERE b.user_id IS NOT NULL AND b.left_on IS NULL
        ORDER BY (b.partnership_id = %(partnership)s) DESC, b.id LIMIT 1""",
        params,
    )
    found["board_member_user"], found["board_partnership"] = row or (None, None)
    return found


# --- Measuring -------------------------------------------------------------------------------------


def measure(requests: int = REQUESTS, warm_ups: int = WARM_UPS) -> tuple[dict[str, Any], list[PageResult]]:
    """Times every page and its SQL on the database Django is connected to."""
    from django.db import connection
    from django.test import Client

    from coproduce.accounts.models import User

    people = choose_people()
    clients: dict[str, Client] = {"anonymous": Client()}
    for who in ("keyworker", "participant", "manager", "partner", "funder", "evaluator", "board_member"):
        user_id = people.get(f"{who}_user")
        if user_id is None:
            continue
        signed_in = Client()
        signed_in.force_login(User.objects.get(pk=user_id), backend="coproduce.accounts.backends.EmailOrMobileBackend")
        clients[who] = signed_in
    results = []
    for page in PAGES:
        client = clients.get(page.who)
        if client is None:
            print(f"  (no {page.who.replace('_', ' ')} in this data: {page.name} left out)", file=sys.stderr)
            continue
        url = page.url.format(**people)
        status = 0
        for _ in range(max(warm_ups - 1, 0)):
            status = client.get(url).status_code
        queries: list[str] = []
        with connection.execute_wrapper(Counter(queries)):
            status = client.get(url).status_code  # the last warm-up counts the queries
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        sql_ms, rows = time_sql(page.sql, people, requests, warm_ups)
        results.append(
            PageResult(
                name=page.name,
                url=url,
                dashboard=page.dashboard,
                status=status,
                median_ms=statistics.median(timings),
                p95_ms=percentile(timings, 95),
                queries=len(queries),
                sql_ms=sql_ms,
                sql_rows=rows,
            )
        )
    return people, results


class Counter:
    """An execute wrapper that notes every query the page makes."""

    def __init__(self, queries: list[str]) -> None:
        self.queries = queries

    def __call__(self, execute: Any, sql: str, *args: Any) -> Any:
        self.queries.append(sql)
        return execute(sql, *args)


def time_sql(sql: str, params: dict[str, Any], requests: int, warm_ups: int) -> tuple[float, int]:
    """The median time of the page's own SQL, fetched whole, and how many rows it gave."""
    from django.db import connection

    timings = []
    rows = 0
    with connection.cursor() as cursor:
        for attempt in range(warm_ups + requests):
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = len(cursor.fetchall())
            if attempt >= warm_ups:
                timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), rows


def percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[pct - 1]


# --- Databases -------------------------------------------------------------------------------------


def database_url(participants: int) -> str:
    return re.sub(r"/[^/]*$", f"/bench_scale_{participants}", PG_URL)


def database_env(url: str) -> dict[str, str]:
    """The environment for a process on that database: its own audit checkpoint directory, since
    sealing refuses checkpoints that belong to another database."""
    checkpoints = Path(tempfile.gettempdir()) / f"coproduce-{url.rsplit('/', 1)[1]}-audit"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "COPRODUCE_AUDIT_CHECKPOINT_DIR": str(checkpoints),
    }


def ensure_database(participants: int, seed: int) -> tuple[str, str, float | None]:
    """Builds `bench_scale_<N>` unless it already holds N participants from this seed; returns its URL,
    what built it and how long building took (None when it was reused)."""
    import psycopg

    url = database_url(participants)
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(re.sub(r"/[^/]*$", "/postgres", PG_URL), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            marker = read_marker(url)
            if marker is not None and marker["participants"] == participants and marker["seed"] == seed:
                print(f"{name}: reusing {participants:,} participants built by {marker['generator']}.")
                # Code changed since it was built: its new tables and indexes, then whatever keeps
                # derived figures fresh, so that the pages are measured as production would run them.
                env = database_env(url)
                manage(["migrate", "--noinput", "-v0"], env)
                refresh_derived(env)
                return url, str(marker["generator"]), None
            print(f"{name}: not a complete build of {participants:,} participants (seed {seed}); building it again.")
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        # The seals' checkpoints of an earlier database of that name belong to it, not to this one.
        shutil.rmtree(database_env(url)["COPRODUCE_AUDIT_CHECKPOINT_DIR"], ignore_errors=True)
        admin.execute(f'CREATE DATABASE "{name}"')
    env = database_env(url)
    started = time.perf_counter()
    manage(["migrate", "--noinput", "-v0"], env)
    manage(["createcachetable"], env)
    if has_command("generate_programme", env):
        generator = "generate_programme"
        manage(["generate_programme", "--participants", str(participants), "--seed", str(seed)], env)
    else:
        generator = "load_demo"
        print(
            "manage.py generate_programme is not here yet: building with `load_demo --participants "
            f"{participants}` instead (slow, and short of invented phone numbers beyond a few thousand).",
            file=sys.stderr,
        )
        manage(["load_demo", "--participants", str(participants), "--seed", str(seed)], env)
    seconds = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE TABLE {MARKER_TABLE} (participants integer, seed integer, generator text)")
        connection.execute(f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, %s)", (participants, seed, generator))
        connection.execute("VACUUM ANALYZE")
    print(f"{name}: built by {generator} in {seconds:.0f} s.")
    return url, generator, seconds


# Commands that bring derived tables up to date on a database built by an earlier version, run in
# this order where they exist.
REFRESH_COMMANDS: tuple[str, ...] = ("refresh_rollups",)


def refresh_derived(env: dict[str, str]) -> None:
    for command in REFRESH_COMMANDS:
        if has_command(command, env):
            manage([command], env)


def read_marker(url: str) -> dict[str, Any] | None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        if connection.execute("SELECT to_regclass(%s)", (MARKER_TABLE,)).fetchone() == (None,):
            return None
        row = connection.execute(f"SELECT participants, seed, generator FROM {MARKER_TABLE}").fetchone()
    return None if row is None else {"participants": row[0], "seed": row[1], "generator": row[2]}


def manage(arguments: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def has_command(name: str, env: dict[str, str]) -> bool:
    answer = subprocess.run(
        [sys.executable, "manage.py", "help", name], cwd=ROOT, env=env, capture_output=True, check=False
    )
    return answer.returncode == 0


def machine(url: str) -> dict[str, str]:
    """What the numbers were measured on."""
    import psycopg

    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
        ram = f"{kb / 1024 / 1024:.0f} GB"
    except OSError:
        ram = "unknown"
    with psycopg.connect(url) as connection:
        version = connection.execute("SHOW server_version").fetchone()
        settings = {
            name: connection.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("shared_buffers", "work_mem", "effective_cache_size", "max_parallel_workers_per_gather")
        }
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "postgresql": version[0] if version else "unknown",
        "settings": ", ".join(f"{name} {value}" for name, value in settings.items()),
        "python": platform.python_version(),
        # Other work on the same cores shows in every figure: say how busy the machine was.
        "load": "load average {:.1f}, {:.1f}, {:.1f}".format(*os.getloadavg()),
    }


# --- One size, in its own process ------------------------------------------------------------------


def measure_here(output: str, requests: int, warm_ups: int) -> int:
    """Run inside a process whose DATABASE_URL is the size's database: writes the results as JSON."""
    import django

    django.setup()
    from django.test import override_settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's "testserver" host through
    with override_settings(TASKS=PRODUCTION_TASKS):
        people, results = measure(requests, warm_ups)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM participants_participant")
        participants = cursor.fetchone()[0]
    Path(output).write_text(
        json.dumps({"people": people, "participants": participants, "results": [asdict(r) for r in results]})
    )
    return 0


def run_size(participants: int, seed: int, requests: int) -> tuple[SizeRun, str]:
    url, generator, seconds = ensure_database(participants, seed)
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        # Measured as production runs: DEBUG off (no query log, no debug pages), tasks queued.
        env = {**database_env(url), "DJANGO_SETTINGS_MODULE": "config.settings.load"}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "coproduce.demo.bench_scale",
                "--measure-here",
                output.name,
                "--requests",
                str(requests),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        data = json.loads(Path(output.name).read_text())
    run = SizeRun(participants, generator, seconds, [PageResult(**r) for r in data["results"]], data["people"])
    return run, url


# --- Reporting -------------------------------------------------------------------------------------


def table(run: SizeRun) -> list[str]:
    lines = [
        "| page | target | median ms | p95 ms | queries | its SQL ms | page / SQL | result |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in run.results:
        misses = r.misses()
        lines.append(
            f"| {r.name} (`{r.url}`) | {r.target_ms:.0f} ms | {r.median_ms:.1f} | {r.p95_ms:.1f} | {r.queries} | "
            f"{r.sql_ms:.1f} | {r.ratio:.1f}× | {'ok' if not misses else '**' + ', '.join(misses) + '**'} |"
        )
    return lines


def query_count_changes(runs: list[SizeRun]) -> list[str]:
    """Pages whose query count is not the same at every size."""
    counts: dict[str, dict[int, int]] = {}
    for run in runs:
        for r in run.results:
            counts.setdefault(r.name, {})[run.participants] = r.queries
    return [
        f"{name}: " + ", ".join(f"{n:,} → {q}" for n, q in by_size.items())
        for name, by_size in counts.items()
        if len(set(by_size.values())) > 1
    ]


def report(runs: list[SizeRun], about: dict[str, str], requests: int) -> list[str]:
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `make bench-scale` "
        f"(`python -m coproduce.demo.bench_scale --sizes {','.join(str(run.participants) for run in runs)}`).",
        "",
        f"Machine: {about['cpu']}, {about['cores']} cores, {about['ram']} RAM; PostgreSQL {about['postgresql']} "
        f"({about['settings']}); Python {about['python']}; {about['load']} when the report was written. "
        "The page is timed through Django's test client with DEBUG off (config.settings.load) "
        f"(no network), {WARM_UPS} warm-up requests then {requests} timed; its SQL is run {requests} times "
        "through the same connection and fetched whole. The ratio is judged only where the SQL takes "
        f"{RATIO_SQL_FLOOR_MS:.0f} ms or more: below that a page's time is Django's fixed cost (session, "
        "permissions, templates, audit), which the interactive target covers.",
        "",
    ]
    for run in runs:
        built = (
            f"built by `{run.generator}` in {run.build_seconds:.0f} s"
            if run.build_seconds is not None
            else f"built earlier by `{run.generator}`"
        )
        lines += [f"#### {run.participants:,} participants ({built})", "", *table(run), ""]
        left_out = [page.name for page in PAGES if page.name not in {r.name for r in run.results}]
        if left_out:
            lines += ["Left out, nobody in this data to ask for them: " + ", ".join(left_out) + ".", ""]
    changes = query_count_changes(runs)
    if len(runs) > 1:
        lines.append(
            "Query counts were the same at every size."
            if not changes
            else "Query counts that changed with size: " + "; ".join(changes) + "."
        )
        lines.append("")
    return lines


def write_section(name: str, lines: list[str], doc: Path = DOC) -> None:
    """Replaces what is between `<!-- name:start -->` and `<!-- name:end -->` in the document."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = doc.read_text() if doc.exists() else f"# Performance\n\n{start}\n{end}\n"
    if start not in text:
        text = text.rstrip("\n") + f"\n\n{start}\n{end}\n"
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    doc.write_text(before + start + "\n" + "\n".join(lines).rstrip("\n") + "\n" + end + after)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in DEFAULT_SIZES),
        help="Participants, comma-separated (default 10000,100000,1000000).",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--requests", type=int, default=REQUESTS, help="Timed requests per page (default 20).")
    parser.add_argument("--no-write", action="store_true", help="Print only; leave docs/performance.md alone.")
    parser.add_argument("--measure-here", metavar="JSON", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.measure_here:
        return measure_here(arguments.measure_here, arguments.requests, WARM_UPS)
    sizes = [int(size.replace("_", "")) for size in arguments.sizes.split(",") if size.strip()]
    runs = []
    url = ""
    for size in sizes:
        run, url = run_size(size, arguments.seed, arguments.requests)
        runs.append(run)
        print(f"\n{size:,} participants:")
        print("\n".join(table(run)))
    lines = report(runs, machine(url), arguments.requests)
    if not arguments.no_write:
        write_section("bench-scale", lines)
        print(f"\nWritten to {DOC.relative_to(ROOT)}.")
    missed = [f"{run.participants:,}: {r.name}" for run in runs for r in run.results if r.misses()]
    changes = query_count_changes(runs)
    for line in changes:
        print(f"Query count changed with size: {line}")
    if missed:
        print("Missed a target: " + "; ".join(missed))
    return 1 if missed or changes else 0


if __name__ == "__main__":
    sys.exit(main())

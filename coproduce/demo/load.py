"""`python -m coproduce.demo.load` (`make load`): many staff at once, over a national programme.

Uses (or builds) the bench database of `--participants` (100k by default; coproduce/demo/bench_scale.py
builds it), picks the staff to play (keyworkers with the largest caseloads, and the managers of
their areas) and gives them the demo password there, starts gunicorn with 4 workers on loopback
(config.settings.load: DEBUG off, background work queued as in production), then runs locust
headless (loadtest/locustfile.py): `--users` staff signing in over the first minute, then
moving through their pages and recording contacts for `--run-time`, counted from SETTLE_SECONDS after
the last has signed in (so that the sign-ins' password hashing, and the pages that waited behind it,
are not in the figures). Prints the
report and writes it between the `load` markers in docs/performance.md.

Target: p95 under 300 ms and no errors. Exits non-zero if either is missed.
"""

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from coproduce.demo.bench_scale import DEFAULT_SEED, DOC, ROOT, database_env, ensure_database, machine, write_section

P95_TARGET_MS = 300.0
# The app's modules are imported inside the functions below: this script sets Django up (main) before
# any model can be loaded.

SPAWN_RATE = 5  # users started per second
# Seconds between the last sign-in and the start of the statistics (loadtest/locustfile.py): the
# pages asked for while the sign-ins' password hashing held the workers finish in that time.
SETTLE_SECONDS = 30
PORT = 8765
WORKERS = 4
MANAGER_SHARE = 0.2  # one user in five is a partnership manager


def parse_seconds(text: str) -> int:
    """'3m', '90s', '1h' or a number of seconds."""
    units = {"s": 1, "m": 60, "h": 3600}
    if text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def prepare_accounts(users: int) -> list[dict[str, Any]]:
    """The staff to play, on the database Django is connected to, each with participants they may
    open; they are given the demo password (this is a bench database)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from coproduce.accounts.models import User
    from coproduce.demo.data import DEMO_PASSWORD

    def rows(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    no_second_factor = """NOT EXISTS (SELECT 1 FROM otp_totp_totpdevice d WHERE d.user_id = s.user_id AND d.confirmed)
        AND NOT EXISTS (SELECT 1 FROM otp_static_staticdevice d WHERE d.user_id = s.user_id AND d.confirmed)"""
    managers_wanted = max(1, int(users * MANAGER_SHARE))
    keyworkers = rows(
        f"""SELECT s.id, s.user_id, s.partnership_id FROM programmes_staffmember s
        JOIN participants_participant p ON p.keyworker_id = s.id
        WHERE s.is_active AND p.status = 'active' AND {no_second_factor}
        GROUP BY s.id ORDER BY count(*) DESC, s.id LIMIT %s""",
        (users - managers_wanted,),
    )
    areas = sorted({partnership for _, _, partnership in keyworkers}) or [0]
    managers = rows(
        f"""SELECT s.id, s.user_id, s.partnership_id FROM programmes_staffmember s
        JOIN programmes_staffrole r ON r.staff_member_id = s.id
        WHERE r.role = 'partnership_manager' AND s.is_active AND {no_second_factor}
        AND s.partnership_id IN ({", ".join(["%s"] * len(areas))})
        ORDER BY s.id LIMIT %s""",
        (*areas, managers_wanted),
    )
    accounts = []
    for role, found in (("keyworker", keyworkers), ("manager", managers)):
        for staff_id, user_id, partnership in found:
            column, value = ("keyworker_id", staff_id) if role == "keyworker" else ("partnership_id", partnership)
            participants = [
                pk
                for (pk,) in rows(
                    f"SELECT id FROM participants_participant WHERE {column} = %s AND status = 'active' "
                    "ORDER BY id LIMIT 30",
                    (value,),
                )
            ]
            if participants:
                accounts.append({"user_id": user_id, "role": role, "participants": participants})
    if not accounts:
        raise SystemExit("No staff with active participants in this database.")
    User.objects.filter(pk__in=[a["user_id"] for a in accounts]).update(password=make_password(DEMO_PASSWORD))
    emails = dict(User.objects.filter(pk__in=[a["user_id"] for a in accounts]).values_list("pk", "email"))
    return [
        {"email": emails[a["user_id"]], "role": a["role"], "participants": a["participants"]}
        for a in accounts
        if emails.get(a["user_id"])
    ]


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer on 127.0.0.1:{port}")


def warm_up(port: int, workers: int) -> None:
    """Each gunicorn worker imports the views on its first request (seconds): done before timing starts."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def ask(_: int) -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in/", timeout=120) as answer:
            answer.read()

    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(pool.map(ask, range(workers * 6)))


def run_locust(
    host: str, accounts_file: str, users: int, spawn_rate: int, seconds: int, csv_prefix: str
) -> subprocess.CompletedProcess[bytes]:
    """Measures for `seconds` once every user has signed in; gives up 10 minutes later whatever happens."""
    env = {
        **os.environ,
        "COPRODUCE_LOAD_SECONDS": str(seconds),
        "COPRODUCE_LOAD_SETTLE_SECONDS": str(SETTLE_SECONDS),
        "COPRODUCE_LOAD_ACCOUNTS": accounts_file,
        "COPRODUCE_LOAD_PASSWORD": demo_password(),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "loadtest" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate),
            "--run-time",
            f"{users // spawn_rate + 600 + SETTLE_SECONDS + seconds}s",
            "--host",
            host,
            "--only-summary",
            "--csv",
            csv_prefix,
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )


def demo_password() -> str:
    from coproduce.demo.data import DEMO_PASSWORD

    return DEMO_PASSWORD


def read_stats(csv_prefix: str) -> list[dict[str, str]]:
    with open(f"{csv_prefix}_stats.csv", newline="") as stats:
        return list(csv.DictReader(stats))


def report(rows: list[dict[str, str]], about: dict[str, str], arguments: argparse.Namespace) -> tuple[list[str], bool]:
    def ms(value: str) -> float:
        return float(value) if value not in ("", "N/A") else 0.0

    total = next(row for row in rows if row["Name"] == "Aggregated")
    p95 = ms(total["95%"])
    errors = int(total["Failure Count"])
    ok = p95 <= P95_TARGET_MS and errors == 0 and int(total["Request Count"]) > 0
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `make load` "
        f"(`python -m coproduce.demo.load --participants {arguments.participants} --users {arguments.users} "
        f"--run-time {arguments.run_time}`).",
        "",
        f"Machine: {about['cpu']}, {about['cores']} cores, {about['ram']} RAM; PostgreSQL {about['postgresql']} "
        f"({about['settings']}); {about['load']} when the report was written. "
        f"gunicorn with {WORKERS} sync workers (config.settings.load) and locust on the same "
        f"machine, over loopback, on `{about['database']}`. {arguments.users} staff (four keyworkers "
        f"to one manager), started {SPAWN_RATE} a second, each signing in and then waiting 5–15 s between clicks; "
        f"statistics for {arguments.run_time} from {SETTLE_SECONDS} s after the last had signed in "
        "(once the pages queued behind the sign-ins' password hashing had been answered).",
        "",
        f"**{int(total['Request Count']):,} requests, {float(total['Requests/s']):.1f} a second: p95 {p95:.0f} ms "
        f"(target {P95_TARGET_MS:.0f} ms), median {ms(total['50%']):.0f} ms, {errors} errors (target 0): "
        f"{'met' if ok else 'MISSED'}.**",
        "",
        "| request | count | errors | median ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row["Name"] == "Aggregated" or row["Request Count"] == "0":
            continue
        lines.append(
            f"| {row['Type']} `{row['Name']}` | {int(row['Request Count']):,} | {int(row['Failure Count'])} | "
            f"{ms(row['50%']):.0f} | {ms(row['95%']):.0f} | {ms(row['Max Response Time']):.0f} |"
        )
    return lines, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--run-time", default="3m", help="After every user has started (default 3m).")
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--no-write", action="store_true", help="Print only; leave docs/performance.md alone.")
    parser.add_argument(
        "--database-url",
        help="Run over this database as it is (a programme generate_programme built), "
        "instead of building or reusing bench_scale_<participants>.",
    )
    arguments = parser.parse_args(argv)
    if arguments.database_url:
        url = arguments.database_url
    else:
        url, _, _ = ensure_database(arguments.participants, arguments.seed)
    os.environ.update(database_env(url))
    import django

    django.setup()
    accounts = prepare_accounts(arguments.users)
    print(f"{len(accounts)} staff accounts to play, for {arguments.users} users.")
    with tempfile.TemporaryDirectory(prefix="coproduce-load-") as directory:
        accounts_file = f"{directory}/accounts.json"
        Path(accounts_file).write_text(json.dumps(accounts))
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{arguments.port}",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env={**database_env(url), "DJANGO_SETTINGS_MODULE": "config.settings.load"},
        )
        try:
            wait_for_port(arguments.port)
            warm_up(arguments.port, WORKERS)
            run_locust(
                f"http://127.0.0.1:{arguments.port}",
                accounts_file,
                arguments.users,
                SPAWN_RATE,
                parse_seconds(arguments.run_time),
                f"{directory}/load",
            )
            rows = read_stats(f"{directory}/load")
        finally:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=60)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
    lines, ok = report(rows, {**machine(url), "database": url.rsplit("/", 1)[1]}, arguments)
    print("\n".join(lines))
    if not arguments.no_write:
        write_section("load", lines)
        print(f"\nWritten to {DOC.relative_to(ROOT)}.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

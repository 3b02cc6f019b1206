"""`make load`'s users: each step a keyworker or a manager takes answers as expected through the
test client, and locust itself runs the locustfile against a live server for a few seconds."""

import csv
import json
import random
import subprocess
import sys

import pytest
from django.test import Client

from coproduce.demo import load
from coproduce.demo.builder import build_demo
from coproduce.demo.data import DEMO_PASSWORD
from coproduce.demo.load_mix import KEYWORKER_STEPS, MANAGER_STEPS, Account, one_step, sign_in
from coproduce.plans.models import Contact


class ClientBrowser:
    """load_mix's Browser over Django's test client, keeping every answer that was not the one expected."""

    def __init__(self) -> None:
        self.client = Client()
        self.unexpected: list[tuple[str, int]] = []

    def get(self, path: str, name: str, expect: tuple[int, ...] = (200,)) -> tuple[int, str]:
        response = self.client.get(path)
        if response.status_code not in expect:
            self.unexpected.append((path, response.status_code))
        return response.status_code, response.content.decode()

    def post(self, path: str, data: dict[str, str], name: str, expect: tuple[int, ...] = (302,)) -> tuple[int, str]:
        response = self.client.post(path, data)
        if response.status_code not in expect:
            self.unexpected.append((path, response.status_code))
        return response.status_code, response.content.decode()


@pytest.mark.django_db
def test_every_step_of_keyworkers_and_managers_answers_as_expected() -> None:
    build_demo(participants=60, seed=7)
    accounts = [Account(**account) for account in load.prepare_accounts(5)]
    assert {account.role for account in accounts} == {"keyworker", "manager"}
    contacts = Contact.objects.count()
    rng = random.Random(1)
    for account in accounts[:1] + [a for a in accounts if a.role == "manager"][:1]:
        browser = ClientBrowser()
        sign_in(browser, account, DEMO_PASSWORD)
        for _, step in KEYWORKER_STEPS if account.role == "keyworker" else MANAGER_STEPS:
            step(browser, account, rng)
        for _ in range(5):
            one_step(browser, account, rng)
        assert browser.unexpected == []
    assert Contact.objects.count() > contacts  # the write went through


@pytest.mark.django_db(transaction=True)
def test_locust_runs_the_locustfile_against_a_live_server(live_server, tmp_path) -> None:
    build_demo(participants=60, seed=7)
    accounts = tmp_path / "accounts.json"
    accounts.write_text(json.dumps(load.prepare_accounts(2)))
    env = {
        "COPRODUCE_LOAD_ACCOUNTS": str(accounts),
        "COPRODUCE_LOAD_PASSWORD": DEMO_PASSWORD,
        "COPRODUCE_LOAD_SECONDS": "4",
        "PYTHONPATH": str(load.ROOT),
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(
        [
            *(sys.executable, "-m", "locust", "-f", str(load.ROOT / "loadtest/locustfile.py"), "--headless"),
            *("--users", "2", "--spawn-rate", "2", "--run-time", "40s", "--host", live_server.url),
            *("--only-summary", "--csv", str(tmp_path / "load")),
        ],
        env=env,
        check=False,
        timeout=60,
        capture_output=True,
    )
    with open(tmp_path / "load_stats.csv", newline="") as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    assert int(total["Request Count"]) > 0
    assert int(total["Failure Count"]) == 0

"""Locust's users for `make load` (coproduce/demo/load.py starts it): staff who sign in, then move
through their pages and record contacts (coproduce/demo/load_mix.py), a few seconds apart. The
statistics restart COPRODUCE_LOAD_SETTLE_SECONDS after the last of them has signed in, and run for
COPRODUCE_LOAD_SECONDS.

COPRODUCE_LOAD_ACCOUNTS names a JSON file of accounts (load.py writes it); each simulated user
takes the next, in turn, and signs in with COPRODUCE_LOAD_PASSWORD (the demo's, bench databases only).
"""

import itertools
import json
import logging
import os
import random
from pathlib import Path

import gevent
from locust import HttpUser, between, task

from coproduce.demo.load_mix import Account, one_step, sign_in

ACCOUNTS = [Account(**account) for account in json.loads(Path(os.environ["COPRODUCE_LOAD_ACCOUNTS"]).read_text())]
PASSWORD = os.environ["COPRODUCE_LOAD_PASSWORD"]
# How long to measure once every user has signed in (then locust stops); unset: until --run-time.
MEASURE_SECONDS = int(os.environ.get("COPRODUCE_LOAD_SECONDS", "0"))
# How long to wait after the last sign-in before measuring: the requests queued behind the sign-ins'
# password hashing (Argon2, a few hundred milliseconds of processor each) finish in that time, and
# would otherwise be counted with the seconds they waited for them.
SETTLE_SECONDS = int(os.environ.get("COPRODUCE_LOAD_SETTLE_SECONDS", "0"))
_turn = itertools.count()
_signed_in = itertools.count(1)


class LocustBrowser:
    """load_mix's Browser over locust's HTTP client: redirects are not followed, so that a page that
    sends its user to the sign-in page counts as an error, not as a fast 200."""

    def __init__(self, user: HttpUser) -> None:
        self.client = user.client

    def get(self, path: str, name: str, expect: tuple[int, ...] = (200,)) -> tuple[int, str]:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code not in expect:
                response.failure(f"{response.status_code}, expected {expect}")
            return response.status_code, response.text

    def post(self, path: str, data: dict[str, str], name: str, expect: tuple[int, ...] = (302,)) -> tuple[int, str]:
        with self.client.post(path, data=data, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code not in expect:
                response.failure(f"{response.status_code}, expected {expect}")
            return response.status_code, response.text


class Staff(HttpUser):
    # A member of staff reads a page before the next: 5 to 15 seconds between clicks.
    wait_time = between(5, 15)

    def on_start(self) -> None:
        self.account = ACCOUNTS[next(_turn) % len(ACCOUNTS)]
        self.rng = random.Random(self.account.email)
        self.browser = LocustBrowser(self)
        sign_in(self.browser, self.account, PASSWORD)
        if next(_signed_in) == self.environment.parsed_options.num_users:
            # Everyone is in: the figures start once the sign-ins' queue has drained.
            logging.info("All %s users signed in", self.environment.parsed_options.num_users)
            gevent.spawn_later(SETTLE_SECONDS, self.start_measuring)

    def start_measuring(self) -> None:
        logging.info("Statistics reset %s s after the last sign-in", SETTLE_SECONDS)
        self.environment.stats.reset_all()
        if MEASURE_SECONDS and self.environment.runner is not None:
            gevent.spawn_later(MEASURE_SECONDS, self.environment.runner.quit)

    @task
    def work(self) -> None:
        one_step(self.browser, self.account, self.rng)

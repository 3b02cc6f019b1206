"""The live server the browser tests use lets one request in at a time when it shares SQLite's connection."""

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import requests
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from tests.conftest import OneRequestAtATime
from tests.personas import build_personas


def test_two_requests_at_once_are_served_one_after_the_other_body_and_all() -> None:
    inside = 0
    most_inside = 0
    count_lock = threading.Lock()

    def slow_application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        nonlocal inside, most_inside
        start_response("200 OK", [("Content-Type", "text/plain")])
        with count_lock:
            inside += 1
            most_inside = max(most_inside, inside)
        # The body is still being written when the other request arrives.
        yield b"one "
        time.sleep(0.05)
        yield b"two"
        with count_lock:
            inside -= 1

    application = OneRequestAtATime(slow_application)
    bodies: list[list[bytes]] = []
    threads = [threading.Thread(target=lambda: bodies.append(application({}, lambda *_: None))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert bodies == [[b"one ", b"two"]] * 4
    assert most_inside == 1


def test_the_live_server_answers_pages_that_write_asked_for_at_once(
    live_server: LiveServer, transactional_db: None
) -> None:
    people = build_personas()
    client = Client()
    client.force_login(people.keyworker.user, backend="coproduce.accounts.backends.EmailOrMobileBackend")
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    answers: list[int] = []

    def ask() -> None:
        # The caseload writes an audit row for each person it shows.
        answers.append(requests.get(f"{live_server.url}/caseload/", cookies=cookies, timeout=60).status_code)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == [200] * 8

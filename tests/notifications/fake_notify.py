"""A small stand-in for GOV.UK Notify's API, on a local port, for the real client to talk to.

It checks the JWT bearer the client signs (issuer = service id, signed with the key's secret, fresh),
keeps every notification it accepts, and answers the four routes we use. `fail_next` makes the next
sends answer with an error status, as Notify does when it is busy (429, 500) or refuses a number (400).
"""

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from notifications_python_client.authentication import decode_jwt_token, get_token_issuer

SERVICE_ID = "6f0d4a5e-1b2c-4d3e-8f9a-0b1c2d3e4f50"
SECRET = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
API_KEY = f"coproduce_test-{SERVICE_ID}-{SECRET}"
SMS_TEMPLATE_ID = "11111111-2222-4333-8444-555555555555"
EMAIL_TEMPLATE_ID = "66666666-7777-4888-8999-aaaaaaaaaaaa"


@dataclass
class FakeNotify:
    url: str = ""
    notifications: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    refused_requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sent(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [n for n in self.notifications if kind is None or n["type"] == kind]

    def set_status(self, notification_id: str, status: str) -> None:
        with self.lock:
            for notification in self.notifications:
                if notification["id"] == notification_id:
                    notification["status"] = status


def _handler(fake: FakeNotify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            header = self.headers.get("Authorization", "")
            token = header.removeprefix("Bearer ")
            try:
                if get_token_issuer(token) != SERVICE_ID:
                    raise ValueError("wrong issuer")
                decode_jwt_token(token, SECRET)
            except Exception:
                with fake.lock:
                    fake.refused_requests += 1
                self._answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}], "status_code": 403})
                return False
            return True

        def do_POST(self) -> None:
            if not self._authorised():
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            kind = {"/v2/notifications/sms": "sms", "/v2/notifications/email": "email"}.get(self.path)
            if kind is None:
                self._answer(404, {"errors": [{"error": "NotFound"}], "status_code": 404})
                return
            with fake.lock:
                failure = fake.fail_next.pop(0) if fake.fail_next else None
            if failure is not None:
                self._answer(failure, {"errors": [{"error": "Failure", "message": "no"}], "status_code": failure})
                return
            notification = {
                "id": str(uuid.uuid4()),
                "type": kind,
                "reference": body.get("reference"),
                "to": body.get("phone_number") or body.get("email_address"),
                "template_id": body["template_id"],
                "personalisation": body.get("personalisation", {}),
                "status": "created",
            }
            with fake.lock:
                fake.notifications.append(notification)
            self._answer(
                201,
                {
                    "id": notification["id"],
                    "reference": notification["reference"],
                    "content": {"body": notification["personalisation"].get("body", "")},
                    "template": {"id": body["template_id"], "version": 1, "uri": ""},
                    "uri": f"{fake.url}/v2/notifications/{notification['id']}",
                },
            )

        def _public(self, notification: dict[str, Any]) -> dict[str, Any]:
            return {
                "id": notification["id"],
                "reference": notification["reference"],
                "type": notification["type"],
                "status": notification["status"],
                "phone_number" if notification["type"] == "sms" else "email_address": notification["to"],
            }

        def do_GET(self) -> None:
            if not self._authorised():
                return
            parsed = urlparse(self.path)
            if parsed.path == "/v2/notifications":
                reference = parse_qs(parsed.query).get("reference", [None])[0]
                found = [self._public(n) for n in fake.sent() if reference is None or n["reference"] == reference]
                self._answer(200, {"notifications": found, "links": {"current": self.path}})
                return
            notification_id = parsed.path.removeprefix("/v2/notifications/")
            for notification in fake.sent():
                if notification["id"] == notification_id:
                    self._answer(200, self._public(notification))
                    return
            self._answer(404, {"errors": [{"error": "NoResultFound"}], "status_code": 404})

    return Handler


def start() -> tuple[FakeNotify, ThreadingHTTPServer]:
    fake = FakeNotify()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server

import json
from typing import Any

from django.test import Client


def send_json(client: Client, method: str, url: str, data: Any, **headers: Any) -> Any:
    return client.generic(method, url, json.dumps(data), content_type="application/json", **headers)


def raw(client: Client, method: str, url: str, body: str, **headers: Any) -> Any:
    return client.generic(method, url, body, content_type="application/json", **headers)

"""The web app manifest and the service worker, served from the root so the worker's scope is the whole site.

What the worker may keep, and what it must never keep, is in docs/offline.md and in the
allow-list at the top of templates/web/pwa/service-worker.js.
"""

import hashlib
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

# The shell's files: the only things the worker stores, besides the visits page without anyone's details.
SHELL_FILES = (
    "css/coproduce.css",
    "css/offline.css",
    "js/offline/store.js",
    "js/offline/pwa.js",
    "js/offline/visits.js",
    "icons/coproduce-192.png",
    "icons/coproduce-512.png",
)


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "Coproduce",
        "short_name": "Coproduce",
        "description": "Support that is done with you, not to you.",
        "id": "/",
        "start_url": reverse("web:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b0c0c",
        "icons": [
            {"src": static("icons/coproduce-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("icons/coproduce-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": static("icons/coproduce-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    shell = [static(name) for name in SHELL_FILES]
    visits_shell = reverse("web:visits_shell")
    # A new shell (a deploy) gives a new cache name, so the worker drops the old files.
    version = hashlib.sha256("\n".join([*shell, visits_shell]).encode()).hexdigest()[:12]
    body = render_to_string(
        "web/pwa/service-worker.js",
        {
            # JSON is JavaScript: the addresses go in as literals, never pasted into code as text.
            "shell": json.dumps(shell),
            "visits_page": json.dumps(reverse("web:visits")),
            "visits_shell": json.dumps(visits_shell),
            "version": version,
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker at most daily anyway; this makes them always ask.
    response["Cache-Control"] = "no-cache"
    return response

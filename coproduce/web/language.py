"""Which language a page is shown in, and the switcher that changes it.

Django's LocaleMiddleware picks the language from the `django_language` cookie (set by
`set_language` at /i18n/setlang/) or the browser's Accept-Language. After sign-in this
middleware decides instead: a participant sees their pages in the language saved on their
record (changed at /me/language/, by them or their keyworker with them), and staff always see
English, because staff pages are not translated and a half-translated casework page is worse
than an English one. The API and the HSDS API answer in English whatever the caller asks for,
so their messages stay the same for every client.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from coproduce.accounts.roles import Role
from coproduce.core.languages import html_lang, text_direction
from coproduce.programmes.standing import Standing, standing_of

ENGLISH = "en-gb"
ENGLISH_ONLY_PATHS = ("/api/", "/hsds/", "/admin/")


def works_here(actor: Standing) -> bool:
    return actor.staff_member is not None or actor.has(Role.ADMINISTRATOR)


def language_for(request: HttpRequest) -> str | None:
    """The language this request must be shown in, or None to keep the cookie's or browser's."""
    if request.path_info.startswith(ENGLISH_ONLY_PATHS):
        return ENGLISH
    standing = standing_of(getattr(request, "user", None))
    if standing.is_anonymous:
        return None
    if works_here(standing):
        return ENGLISH
    return standing.participant_language


class PersonLanguageMiddleware:
    """After LocaleMiddleware and authentication: the signed-in person's language wins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for(request)
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go back to after choosing a language: only ever a page on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else default


def language_switcher(request: HttpRequest) -> dict[str, Any]:
    """The page's language and direction for <html>, and the switcher on participants' and public
    pages; staff pages have none (always English)."""
    page = {"html_lang": html_lang(), "html_dir": text_direction()}
    if request.path_info.startswith(ENGLISH_ONLY_PATHS):
        return {**page, "language_switcher": None}
    standing = standing_of(getattr(request, "user", None))
    if works_here(standing):
        return {**page, "language_switcher": None}
    # A participant's choice is saved on their record; anyone else's in the language cookie.
    action = reverse("web:my_language") if standing.participant_id is not None else reverse("set_language")
    current = translation.get_language()
    return {
        **page,
        "language_switcher": {
            "action": action,
            "next": request.get_full_path(),
            "languages": [
                {"code": code, "name": name, "current": code == current} for code, name in settings.LANGUAGES
            ],
        },
    }

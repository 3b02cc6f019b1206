"""A participant chooses the language of their pages, texts, emails and PDFs (/me/language/).

The switcher at the top of every participant page posts here too (with only the language and the
page to go back to), so that a participant's choice is kept on their record, not in one browser.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from coproduce.accounts.roles import Role
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import choose_language, record_participant_view
from coproduce.programmes.standing import standing_of
from coproduce.web.access import require_roles
from coproduce.web.forms import GovukForm, submitting
from coproduce.web.language import safe_next


class LanguageForm(GovukForm):
    language = forms.ChoiceField(
        label=gettext_lazy("Which language would you like?"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose a language."),
            "invalid_choice": gettext_lazy("Choose a language."),
        },
    )
    # Absent when the switcher posts: choosing a language overwrites nothing anyone else wrote.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


@require_roles(Role.PARTICIPANT)
def my_language(request: HttpRequest) -> HttpResponse:
    participant_id = standing_of(request.user).participant_id
    participant = (
        participants_visible_to(request.user).filter(pk=participant_id).first() if participant_id is not None else None
    )
    if participant is None:
        raise Http404("No participant record.")
    status = 200
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            language = form.cleaned_data["language"]
            version = form.cleaned_data["version"]
            with submitting(form) as submission:
                choose_language(
                    actor=request.user,
                    participant_id=participant.pk,
                    expected_version=participant.version if version is None else version,
                    language=language,
                )
            status = submission.status
            if submission.ok:
                with translation.override(language):
                    messages.success(request, gettext("Your pages are now in this language."))
                response = redirect(safe_next(request, reverse("web:my_page")))
                # Kept after signing out too, so the sign-in page greets them in their language.
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
                return response
        else:
            status = 400
    else:
        form = LanguageForm(initial={"language": participant.language, "version": participant.version})
        record_participant_view(actor=request.user, participant=participant)
    context: dict[str, Any] = {
        "page_title": gettext("Language"),
        "form": form,
        "languages": [
            {"code": code, "name": name, "checked": (form["language"].value() or participant.language) == code}
            for code, name in settings.LANGUAGES
        ],
    }
    return render(request, "web/participant/my_language.html", context, status=status)

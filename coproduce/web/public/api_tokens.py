"""Your API tokens: list them, make one (its key shown once) and revoke one.

Everyone signed in has this page for their own tokens only; administrators see everyone's in the
Django admin. Where sign-in asks for a second factor, SecondFactorMiddleware keeps a session that
has not given it away from these pages, and the service refuses it anyway.
"""

from typing import Any, cast
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from coproduce.accounts.models import longest_api_token_days
from coproduce.accounts.selectors import api_tokens_of
from coproduce.accounts.services import issue_api_token, revoke_api_token
from coproduce.web.forms import GovukForm, submitting
from coproduce.web.pagination import paginate

PER_PAGE = 20
# Shorter lives people may choose; the longest allowed (COPRODUCE_API_TOKEN_DAYS) is always offered.
SHORTER_LIVES = (7, 30)


class NewApiTokenForm(GovukForm):
    name = forms.CharField(
        label="What is it for?",
        max_length=100,
        error_messages={"required": "Say what the token is for.", "max_length": "Use 100 characters or fewer."},
        help_text="For example, “caseload sync” or “monthly report”. Your list of tokens shows this name.",
    )
    days = forms.TypedChoiceField(
        label="How long should it work?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how long it should work.", "invalid_choice": "Choose one of the options."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        longest = longest_api_token_days()
        lives = sorted({days for days in SHORTER_LIVES if days < longest} | {longest})
        field = cast(forms.TypedChoiceField, self.fields["days"])
        field.choices = [(days, f"{days} days") for days in lives]
        field.initial = longest
        field.help_text = f"It stops working after this. The longest is {longest} days: make a new one then."


def _signed_in_or_sign_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('web:sign_in')}?next={quote(request.get_full_path())}")
    return None


@require_http_methods(["GET"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Your tokens, newest first: name, how it starts, created, last used, expiry and whether it works."""
    if (refusal := _signed_in_or_sign_in(request)) is not None:
        return refusal
    pages = paginate(request, api_tokens_of(request.user), PER_PAGE)
    context = {"page_title": "API tokens", "pages": pages, "pagination_label": "Pages of API tokens"}
    return render(request, "web/public/api_tokens.html", context)


@require_http_methods(["GET", "POST"])
def api_token_new(request: HttpRequest) -> HttpResponse:
    """Name a new token and choose how long it works; its key is shown once, on the next page."""
    if (refusal := _signed_in_or_sign_in(request)) is not None:
        return refusal
    form = NewApiTokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                token, key = issue_api_token(
                    actor=request.user,  # type: ignore[arg-type]
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                )
            if submission.ok:
                context = {"page_title": "Your new API token", "token": token, "key": key}
                response = render(request, "web/public/api_token_made.html", context)
                response["Cache-Control"] = "no-store"  # shown once: never kept by a browser or proxy
                return response
        status = 400
    context = {"page_title": "Make an API token", "form": form}
    return render(request, "web/public/api_token_new.html", context, status=status)


@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of your own tokens at once. Anyone else's is not found, whoever asks."""
    if (refusal := _signed_in_or_sign_in(request)) is not None:
        return refusal
    token = api_tokens_of(request.user).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    revoke_api_token(actor=request.user, token_id=token.pk)  # type: ignore[arg-type]
    messages.success(request, f"“{token.name}” is revoked: it no longer works.")
    return redirect("web:api_tokens")

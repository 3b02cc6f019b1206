"""Two-factor sign-in pages and the middleware that asks for the code.

After the password, someone who must use a second factor (coproduce/accounts/two_factor.py)
reaches only these pages, sign-out and the public pages until they enter a code from their
authenticator app (or a recovery code); a staff member who has none yet is sent to set one up.
A session used by the API gets 401 instead of a redirect.

Whether a session needs the code is worked out once, when the person signs in, and kept in the
session, so other pages pay no extra database queries for it.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from coproduce.accounts import two_factor
from coproduce.accounts.acting import ActingUser
from coproduce.accounts.models import User
from coproduce.web.forms import GovukForm, submitting

SESSION_KEY = "coproduce_second_factor"
# Reachable with the password alone while the code is still to come.
OPEN_PAGES = {
    "web:start",
    "web:privacy",
    "web:sign_in",
    "web:sign_out",
    "web:sign_in_code",
    "web:two_factor",
    "web:two_factor_set_up",
    "web:enquiry",
    "web:enquiry_sent",
}


@receiver(user_logged_in, dispatch_uid="coproduce-second-factor")
def _remember_whether_a_code_is_needed(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        _remember(request, user)


def _remember(request: HttpRequest, actor: ActingUser) -> dict[str, bool]:
    state = {"has_device": two_factor.has_second_factor(actor), "staff": two_factor.is_staff(actor)}
    request.session[SESSION_KEY] = state
    return state


def _verified(actor: ActingUser) -> bool:
    """Has this session given a second factor? (django-otp's middleware adds is_verified.)"""
    return bool(getattr(actor, "is_verified", lambda: False)())


def _code_needed(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    state = request.session.get(SESSION_KEY) or _remember(request, user)
    required = state["has_device"] or (state["staff"] and settings.STAFF_TWO_FACTOR_REQUIRED)
    return bool(required) and not _verified(user)


class SecondFactorMiddleware:
    """Hold a signed-in session at the code (or set-up) page until a second factor is given."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _code_needed(request):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            if match.view_name not in OPEN_PAGES:
                if request.path_info.startswith("/api/"):
                    message = "Enter the code from your authenticator app at /sign-in/code/ first."
                    return JsonResponse({"detail": message}, status=401)
                return redirect(f"{reverse('web:sign_in_code')}?next={quote(request.get_full_path())}")
        return self.get_response(request)


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return reverse("web:home")


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the authenticator app."""
    user = request.user
    if not user.is_authenticated:
        return redirect("web:sign_in")
    if not two_factor.has_second_factor(user):
        state = _remember(request, user)
        if state["staff"] and settings.STAFF_TWO_FACTOR_REQUIRED:
            return redirect(f"{reverse('web:two_factor_set_up')}?next={quote(_next(request))}")
        return redirect(_next(request))
    if _verified(user):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                device = two_factor.verify(user, form.cleaned_data["code"])
            if submission.ok:
                otp_login(request, device)
                if device.name == two_factor.RECOVERY_NAME:
                    left = two_factor.recovery_codes_left(user)
                    messages.warning(
                        request,
                        f"You used a recovery code: {left} left. Make new ones from “Two-factor sign-in”"
                        " in your account when you can.",
                    )
                return redirect(_next(request))
        status = 400
    context = {"page_title": "Enter your code", "form": form, "next": _next(request)}
    return render(request, "web/public/sign_in_code.html", context, status=status)


def _qr_svg(url: str) -> SafeString:
    """The otpauth address as an inline SVG QR code, drawn on the server (no script, no image file)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, dark="#0b0c0c", light="#ffffff", border=2)
    label = 'role="img" aria-label="QR code to scan with your authenticator app"'
    return mark_safe(svg.replace("<svg ", f"<svg {label} ", 1))  # segno's markup; nothing from a person


def _signed_in_or_sign_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('web:sign_in')}?next={quote(request.get_full_path())}")
    return None


@require_http_methods(["GET"])
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Your two-factor sign-in: whether it is set up, recovery codes left, set up a new app."""
    if (refusal := _signed_in_or_sign_in(request)) is not None:
        return refusal
    user = request.user
    context = {
        "page_title": "Two-factor sign-in",
        "has_device": two_factor.has_second_factor(user),
        "required": two_factor.second_factor_required(user),
        "codes_left": two_factor.recovery_codes_left(user),
    }
    return render(request, "web/public/two_factor.html", context)


class SetUpForm(CodeForm):
    pass


@require_http_methods(["GET", "POST"])
def two_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key), then enter the code the app shows to start using it."""
    if (refusal := _signed_in_or_sign_in(request)) is not None:
        return refusal
    user = request.user
    # With an app already in use, only a session that has given its code may replace it.
    if two_factor.has_second_factor(user) and not _verified(user):
        return redirect(f"{reverse('web:sign_in_code')}?next={quote(request.get_full_path())}")
    # The key stays the same until it is confirmed, so reloading the page does not undo a scan.
    setup = two_factor.pending_setup(user) or two_factor.begin_setup(user)
    form = SetUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with submitting(form) as submission:
                device, codes = two_factor.confirm_setup(user, form.cleaned_data["code"])
            if submission.ok:
                otp_login(request, device)
                _remember(request, user)
                return _show_recovery_codes(request, codes, first_time=True)
        status = 400
    context = {
        "page_title": "Set up your authenticator app",
        "form": form,
        "qr": _qr_svg(setup.otpauth_url),
        "key": setup.key_to_type,
        "next": _next(request),
    }
    return render(request, "web/public/two_factor_set_up.html", context, status=status)


@require_POST
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; the old ones stop working."""
    if (refusal := _signed_in_or_sign_in(request)) is not None:
        return refusal
    with submitting(request) as submission:
        codes = two_factor.new_recovery_codes(request.user)
    if submission.failed:
        return redirect("web:two_factor")
    return _show_recovery_codes(request, codes, first_time=False)


def _show_recovery_codes(request: HttpRequest, codes: list[str], *, first_time: bool) -> HttpResponse:
    context = {
        "page_title": "Your recovery codes",
        "codes": codes,
        "first_time": first_time,
        "next": _next(request),
    }
    response = render(request, "web/public/two_factor_codes.html", context)
    response["Cache-Control"] = "no-store"  # shown once: never kept by a browser or proxy
    return response

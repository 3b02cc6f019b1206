"""Getting back in without a password: a one-time link by text or email, and Notify's delivery receipts.

/sign-in/link/ answers the same whether or not the number or address has an account, so the
page cannot be used to find out who is supported here. It is limited per number or address
(COPRODUCE_SIGN_IN_LINK_RATE: nobody's phone can be flooded) and per computer
(COPRODUCE_SIGN_IN_LINK_IP_RATE: nobody can try a list of numbers).
"""

import hashlib
import hmac
import json
import math

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from coproduce.accounts.client_address import PerAddressRateThrottle
from coproduce.accounts.models import User, normalise_mobile
from coproduce.accounts.shared_mobile import phone_token_generator, who_is_on
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_events
from coproduce.notifications.events import send_sign_in_link
from coproduce.notifications.sending import record_receipt
from coproduce.web.public.forms import SignInLinkForm, WhoIsSigningInForm

SIGN_IN_LINK_SCOPE = "sign_in_link"


class PerContactRateThrottle(PerAddressRateThrottle):
    """Counts per number or address typed (hashed: the cache keeps no contact details)."""

    def __init__(self, *, contact: str, rate: str) -> None:
        self.contact = hashlib.sha256(contact.encode()).hexdigest()
        super().__init__(scope=f"{SIGN_IN_LINK_SCOPE}_to", rate=rate)

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.contact}


def _normalised(typed: str) -> str:
    typed = typed.strip()
    return typed.lower() if "@" in typed else normalise_mobile(typed)


def sign_in_link(request: HttpRequest) -> HttpResponse:
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["contact"]
        per_computer = PerAddressRateThrottle(scope=SIGN_IN_LINK_SCOPE, rate=settings.COPRODUCE_SIGN_IN_LINK_IP_RATE)
        per_contact = PerContactRateThrottle(contact=_normalised(typed), rate=settings.COPRODUCE_SIGN_IN_LINK_RATE)
        rooms = [per_computer.has_room(request), per_contact.has_room(request)]
        if not all(rooms):
            context = {"form": form, "page_title": _("Get a sign-in link"), "refused": True}
            response = render(request, "web/public/sign_in_link.html", context, status=429)
            waits = [wait for wait in (per_computer.wait(), per_contact.wait()) if wait]
            response["Retry-After"] = str(max(1, math.ceil(max(waits, default=60 * 60))))
            return response
        per_computer.allow_request(request)
        per_contact.allow_request(request)
        send_sign_in_link(typed=typed)
        return redirect("web:sign_in_link_sent")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "page_title": _("Get a sign-in link")}
    return render(request, "web/public/sign_in_link.html", context, status=status)


def sign_in_link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "web/public/sign_in_link_sent.html", {"page_title": _("Check your phone or email")})


def _phone_holder(uidb64: str, token: str) -> User | None:
    """The account a phone-proving link was made for, if the link still works."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not user.mobile or not phone_token_generator.check_token(user, token):
        return None
    return user


@require_http_methods(["GET", "POST"])
def sign_in_by_phone(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link in a sign-in text. Opening it proves the phone, so only now, and only here, the
    people on the number are listed (first names) to choose who is signing in; with one person
    there is nothing to choose. Then that person's "create a password" page."""
    holder = _phone_holder(uidb64, token)
    people = who_is_on(holder.mobile) if holder is not None else []
    if not people:
        context = {"page_title": _("This link does not work")}
        response = render(request, "web/public/who_is_signing_in.html", context, status=404)
        response["Cache-Control"] = "no-store"
        return response
    chosen = people[0].user_id if len(people) == 1 else None
    data = request.POST if request.method == "POST" else None
    form = WhoIsSigningInForm(data, people=[(person.user_id, person.name) for person in people])
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["person"]
    if chosen is not None:
        person = User.objects.get(pk=chosen)
        token = default_token_generator.make_token(person)
        return redirect("web:set_password", urlsafe_base64_encode(force_bytes(person.pk)), token)
    record_events(
        actor=None,
        actor_role="public",
        action=AuditEvent.Action.VIEW,
        records=[("participants.Participant", person.participant_id, person.participant_id) for person in people],
        purpose="Asked who is signing in on a shared phone",
    )
    status = 400 if request.method == "POST" else 200
    response = render(
        request,
        "web/public/who_is_signing_in.html",
        {"page_title": _("Who is signing in?"), "form": form},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def notify_callback(request: HttpRequest) -> HttpResponse:
    """GOV.UK Notify's delivery receipt: {"id", "reference", "to", "status", …} with our bearer token."""
    expected = settings.COPRODUCE_NOTIFY_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return JsonResponse({"error": "Unauthorised"}, status=401)
    try:
        receipt = json.loads(request.body)
        provider_id, reference, status = str(receipt["id"]), str(receipt.get("reference") or ""), str(receipt["status"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "Expected Notify's receipt: id, reference, status"}, status=400)
    record_receipt(provider_id=provider_id, reference=reference, status=status)
    # Receipts for messages we do not know are answered 200 too: Notify would only send them again.
    return JsonResponse({})

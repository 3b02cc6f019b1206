"""The public "interested? get in touch" page: no account needed to ask for help.

Asking is limited per address, together with the API's route (the same scope and rate,
COPRODUCE_API_ENQUIRY_RATE), so that nobody can flood a team's list. Only enquiries actually
sent count: a form sent back to be corrected does not. Someone who reaches the limit may be in
distress: the page keeps everything they typed and gives them numbers to call now.
"""

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coproduce.accounts.client_address import PerAddressRateThrottle
from coproduce.participants.services import submit_enquiry
from coproduce.programmes.selectors import public_partnerships
from coproduce.web.forms import submitting
from coproduce.web.public.forms import EnquiryForm

# The API's route (coproduce/api/v1/enquiries.py) counts under the same scope.
ENQUIRY_SCOPE = "enquiry"


def enquiry(request: HttpRequest) -> HttpResponse:
    partnerships = [(p.pk, p.area_name) for p in public_partnerships()]
    # Whoever switched the page to their language has answered the form's first question already.
    form = EnquiryForm(request.POST or None, partnerships=partnerships, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return redirect("web:enquiry_sent")
        limit = PerAddressRateThrottle(scope=ENQUIRY_SCOPE, rate=settings.COPRODUCE_API_ENQUIRY_RATE)
        if not limit.has_room(request):
            return _refused(request, form, retry_after=limit.wait())
        data = {key: value for key, value in form.cleaned_data.items() if key not in {"partnership", "website"}}
        with submitting(form) as submission:
            submit_enquiry(partnership_id=form.cleaned_data["partnership"], **data)
        if submission.ok:
            limit.allow_request(request)
            return redirect("web:enquiry_sent")
    status = 400 if request.method == "POST" else 200
    return render(request, "web/public/enquiry.html", {"form": form, "page_title": _("Ask for help")}, status=status)


def _refused(request: HttpRequest, form: EnquiryForm, *, retry_after: float | None) -> HttpResponse:
    """429: the form again, as they filled it in, with numbers to call now. Nothing was created."""
    context = {
        "form": form,
        "page_title": _("Ask for help"),
        "refused": True,
        "help_phone": settings.COPRODUCE_HELP_PHONE,
    }
    response = render(request, "web/public/enquiry.html", context, status=429)
    response["Retry-After"] = str(max(1, math.ceil(retry_after or 60 * 60)))
    return response


def enquiry_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "web/public/enquiry_sent.html", {"page_title": _("We have your message")})

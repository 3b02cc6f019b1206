"""A participant's requests, feedback and invitations: "I'd like help with…", "I'd like a group on…".

Forms parse the input; coproduce/voice/services.py decides what is allowed and audits it.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from coproduce.accounts.roles import Role
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.programmes.standing import standing_of
from coproduce.voice.models import Invitation, Request, Topic
from coproduce.voice.selectors import my_invitations, my_requests
from coproduce.voice.services import give_feedback, make_request, record_response
from coproduce.web.access import require_roles
from coproduce.web.forms import GovukForm, submitting


class RequestForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("What would you like?"),
        choices=Request.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you would like.")},
    )
    topic = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("Choose one")), *Topic.choices],
        error_messages={"required": _("Choose what it is about.")},
    )
    text = forms.CharField(
        label=_("Tell us in your own words"),
        error_messages={"required": _("Tell us in your own words what you would like.")},
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: “A group where I can meet other parents who are going back to work.”"),
    )


class FeedbackForm(GovukForm):
    text = forms.CharField(
        label=_("What do you think of the support you get?"),
        error_messages={"required": _("Tell us what you think of the support you get.")},
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Good or bad, it helps us do better."),
    )
    anonymous_to_keyworker = forms.BooleanField(
        label=_("Do not tell my keyworker this came from me"),
        required=False,
        help_text=(
            _(
                "Your keyworker will read what you wrote but not your name. The manager of the service "
                "in your area can still see it was you, so that they can help if you tell us something "
                "worrying."
            )
        ),
    )


class ResponseForm(GovukForm):
    response = forms.ChoiceField(
        choices=[(Invitation.Response.COMING, _("I’m coming")), (Invitation.Response.NOT_COMING, _("I can’t come"))],
        error_messages={"required": _("Choose whether you are coming.")},
    )


def _own_participant(request: HttpRequest) -> Participant:
    participant_id = standing_of(request.user).participant_id
    participant = (
        participants_visible_to(request.user).filter(pk=participant_id).first() if participant_id is not None else None
    )
    if participant is None:
        raise Http404("No participant record.")
    return participant


@require_roles(Role.PARTICIPANT)
def my_requests_page(request: HttpRequest) -> HttpResponse:
    participant = _own_participant(request)
    requests = list(my_requests(request.user))
    invitations = list(my_invitations(request.user))
    record_participant_view(actor=request.user, participant=participant)
    context = {
        "page_title": _("My requests and feedback"),
        "requests": requests,
        "invitations": invitations,
        "response_form": ResponseForm(),
    }
    return render(request, "web/participant/my_requests.html", context)


@require_roles(Role.PARTICIPANT)
def request_add(request: HttpRequest) -> HttpResponse:
    _own_participant(request)
    status = 200
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            with submitting(form) as submission:
                make_request(actor=request.user, **form.cleaned_data)
            if submission.failed:
                status = 400
            else:
                messages.success(request, _("Thank you. Your request has been sent."))
                return redirect("web:my_requests")
        else:
            status = 400
    else:
        kind = request.GET.get("kind")
        form = RequestForm(initial={"kind": kind if kind in Request.Kind.values else Request.Kind.HELP_WITH})
    return render(
        request, "web/participant/request_add.html", {"page_title": _("Ask for something"), "form": form}, status=status
    )


@require_roles(Role.PARTICIPANT)
def feedback_add(request: HttpRequest) -> HttpResponse:
    _own_participant(request)
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            with submitting(form) as submission:
                give_feedback(actor=request.user, **form.cleaned_data)
            if submission.failed:
                status = 400
            else:
                messages.success(request, _("Thank you for your feedback."))
                return redirect("web:my_requests")
        else:
            status = 400
    else:
        form = FeedbackForm()
    return render(
        request, "web/participant/feedback_add.html", {"page_title": _("Give feedback"), "form": form}, status=status
    )


@require_roles(Role.PARTICIPANT)
@require_POST
def invitation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether you are coming."))
        return redirect("web:my_requests")
    invitation = record_response(
        actor=request.user,
        invitation_id=pk,
        response=form.cleaned_data["response"],
    )
    coming = invitation.response == Invitation.Response.COMING
    messages.success(request, _("Thank you, we’ll see you there.") if coming else _("Thank you for letting us know."))
    return redirect("web:my_requests")

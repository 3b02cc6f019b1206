"""The partnership board page: meetings, decisions log, documents and members.

The area's manager sees and changes it (/partnership/board/); the board's lived-experience
members see it as their home page (/board/) with the partnership's figures, small numbers
suppressed. Neither page shows any casework.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.roles import Role
from coproduce.programmes.board import (
    MAX_DOCUMENT_BYTES,
    add_meeting,
    add_member,
    document_content_type,
    open_document,
    record_decision,
    update_decision,
    update_meeting,
    update_member,
    upload_document,
)
from coproduce.programmes.models import BoardMember, Organisation, Partnership
from coproduce.programmes.selectors.board import (
    Board,
    board_decisions_visible_to,
    board_for,
    board_meetings_visible_to,
    board_members_visible_to,
    board_partnership_for,
)
from coproduce.reporting.partnership import participant_figures
from coproduce.reporting.suppression import THRESHOLD, Cell
from coproduce.web.access import require_roles
from coproduce.web.errors import conflict_back_label
from coproduce.web.forms import DateInput, GovukForm, submitting

BOARD_ROLES = (Role.PARTNERSHIP_MANAGER, Role.BOARD_MEMBER)


# ---------------------------------------------------------------- forms


class MeetingForm(GovukForm):
    held_on = forms.DateField(label="Date of the meeting", widget=DateInput)
    place = forms.CharField(label="Place", max_length=200, required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 5}))


class DecisionForm(GovukForm):
    decided_on = forms.DateField(label="Date of the decision", widget=DateInput)
    decision = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 4}))
    action_by = forms.CharField(label="Action by", max_length=150, required=False, help_text="Who will act on it.")
    done_on = forms.DateField(label="Done on", required=False, widget=DateInput, help_text="Leave empty until done.")
    meeting = forms.TypedChoiceField(label="Meeting", coerce=int, required=False, empty_value=None)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, meetings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [("", "Not at a meeting"), *meetings]  # type: ignore[attr-defined]


class DocumentForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200)
    file = forms.FileField(
        label="File",
        help_text=f"A PDF, Word (.docx), OpenDocument (.odt) or text file, up to {MAX_DOCUMENT_BYTES // 2**20} MB.",
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.odt,.txt"}),
    )
    meeting = forms.TypedChoiceField(label="Meeting", coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, meetings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [("", "Not for a meeting"), *meetings]  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs["class"] = "govuk-file-upload"


class MemberForm(GovukForm):
    name = forms.CharField(label="Name", max_length=150)
    kind = forms.ChoiceField(label="Seat", choices=BoardMember.Kind.choices, widget=forms.RadioSelect)
    organisation = forms.TypedChoiceField(
        label="Organisation they represent",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Only for someone who represents an organisation.",
    )
    joined_on = forms.DateField(
        label="Joined the board on",
        widget=DateInput,
        error_messages={"required": "Enter the date they joined the board."},
    )
    left_on = forms.DateField(label="Left the board on", required=False, widget=DateInput)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "None"), *organisations]  # type: ignore[attr-defined]


class NewMemberForm(MemberForm):
    user_email = forms.EmailField(
        label="Email address of their account",
        required=False,
        help_text="For a lived-experience member who signs in to see the board page. Leave empty if none.",
    )


# ---------------------------------------------------------------- figures


def area_figures(actor: ActingUser) -> dict[str, Cell]:
    """The partnership's participants in total, taking part now, and paused or closed, as the
    board member's dashboard shows them: suppressed with all its other counts, so that the two
    pages together give no small number away."""
    figures = participant_figures(actor)
    return {
        "joined": figures.participants,
        "active": figures.taking_part,
        "not_active": figures.paused_or_closed,
    }


def _dashboard_url() -> str:
    try:
        return reverse("web:partnership_dashboard")
    except NoReverseMatch:
        return ""


# ---------------------------------------------------------------- pages


def _render_board(request: HttpRequest, board: Board) -> HttpResponse:
    """The next meeting first (with its papers), what is still to be done, then the past folded
    away in <details>: the lists are split here, from the rows already read, so the page costs
    the same number of queries however long the board's history."""
    actor_is_manager = board.can_change
    today = _today()
    upcoming = sorted((m for m in board.meetings if m.held_on >= today), key=lambda m: (m.held_on, m.pk))
    next_meeting = upcoming[0] if upcoming else None
    context = {
        "page_title": f"The {board.partnership.area_name} partnership board",
        "board": board,
        "next_meeting": next_meeting,
        "next_papers": [d for d in board.documents if next_meeting is not None and d.meeting_id == next_meeting.pk],
        "later_meetings": upcoming[1:],
        "past_meetings": [m for m in board.meetings if m.held_on < today],  # newest first
        "open_decisions": [d for d in board.decisions if d.done_on is None],
        "done_decisions": [d for d in board.decisions if d.done_on is not None],
        "members_now": [m for m in board.members if m.left_on is None or m.left_on > _today()],
        "members_past": [m for m in board.members if m.left_on is not None and m.left_on <= _today()],
        "figures": None if actor_is_manager else area_figures(request.user),
        "threshold": THRESHOLD,
        "dashboard_url": _dashboard_url(),
    }
    return render(request, "web/partnership/board_page.html", context)


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


def _board_or_404(request: HttpRequest) -> Board:
    return board_for(request.user)


@require_roles(*BOARD_ROLES)
def board_home(request: HttpRequest) -> HttpResponse:
    """A lived-experience member's home page (the manager sees the same board here)."""
    return _render_board(request, _board_or_404(request))


@require_roles(Role.PARTNERSHIP_MANAGER)
def board_page(request: HttpRequest) -> HttpResponse:
    return _render_board(request, _board_or_404(request))


def _meeting_choices(request: HttpRequest) -> list[tuple[int, str]]:
    return [
        (m.pk, f"{m.held_on:%-d %B %Y}{' at ' + m.place if m.place else ''}")
        for m in board_meetings_visible_to(request.user)
    ]


def _managed_board_or_404(request: HttpRequest) -> Partnership:
    partnership = board_partnership_for(request.user)
    if partnership is None:
        raise Http404("You do not manage a partnership board.")
    return partnership


def _form_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context, status=400 if request.method == "POST" else 200)


@require_roles(Role.PARTNERSHIP_MANAGER)
def board_meeting_add(request: HttpRequest) -> HttpResponse:
    partnership = _managed_board_or_404(request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            meeting = add_meeting(actor=request.user, **form.cleaned_data)
        if submission.ok:
            messages.success(request, f"The meeting on {meeting.held_on:%-d %B %Y} is on the board page.")
            return redirect("web:board")
    context = {
        "page_title": "Add a board meeting",
        "partnership": partnership,
        "form": form,
        "submit": "Add the meeting",
    }
    return _form_page(request, "web/partnership/board_form.html", context)


@require_roles(Role.PARTNERSHIP_MANAGER)
def board_meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _managed_board_or_404(request)
    meeting = board_meetings_visible_to(request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting.")
    initial = {"held_on": meeting.held_on, "place": meeting.place, "notes": meeting.notes}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            update_meeting(actor=request.user, meeting_id=meeting.pk, **form.cleaned_data)
        if submission.ok:
            messages.success(request, "The meeting is saved.")
            return redirect("web:board")
    context = {"page_title": "Change a board meeting", "partnership": partnership, "form": form, "submit": "Save"}
    return _form_page(request, "web/partnership/board_form.html", context)


@require_roles(Role.PARTNERSHIP_MANAGER)
def board_decision_add(request: HttpRequest) -> HttpResponse:
    partnership = _managed_board_or_404(request)
    form = DecisionForm(request.POST or None, meetings=_meeting_choices(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version")
        meeting_id = data.pop("meeting")
        with submitting(form) as submission:
            record_decision(actor=request.user, meeting_id=meeting_id, **data)
        if submission.ok:
            messages.success(request, "The decision is in the log.")
            return redirect("web:board")
    context = {"page_title": "Record a decision", "partnership": partnership, "form": form, "submit": "Record it"}
    return _form_page(request, "web/partnership/board_form.html", context)


@conflict_back_label("See the decision as it is now")
@require_roles(Role.PARTNERSHIP_MANAGER)
def board_decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _managed_board_or_404(request)
    decision = board_decisions_visible_to(request.user).filter(pk=pk).first()
    if decision is None:
        raise Http404("No such decision.")
    initial = {
        "decided_on": decision.decided_on,
        "decision": decision.decision,
        "action_by": decision.action_by,
        "done_on": decision.done_on,
        "meeting": decision.meeting_id,
        "version": decision.version,
    }
    form = DecisionForm(request.POST or None, initial=initial, meetings=_meeting_choices(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        meeting_id = data.pop("meeting")
        with submitting(form) as submission:
            update_decision(
                actor=request.user,
                decision_id=decision.pk,
                expected_version=version if version is not None else decision.version,
                meeting_id=meeting_id,
                **data,
            )
        if submission.ok:
            messages.success(request, "The decision is saved.")
            return redirect("web:board")
    context = {"page_title": "Change a decision", "partnership": partnership, "form": form, "submit": "Save"}
    return _form_page(request, "web/partnership/board_form.html", context)


@require_roles(Role.PARTNERSHIP_MANAGER)
def board_document_add(request: HttpRequest) -> HttpResponse:
    partnership = _managed_board_or_404(request)
    form = DocumentForm(request.POST or None, request.FILES or None, meetings=_meeting_choices(request))
    if request.method == "POST" and form.is_valid():
        with submitting(form) as submission:
            upload_document(
                actor=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                meeting_id=form.cleaned_data["meeting"],
            )
        if submission.ok:
            messages.success(request, "The document is on the board page.")
            return redirect("web:board")
    context = {
        "page_title": "Add a board document",
        "partnership": partnership,
        "form": form,
        "submit": "Upload",
        "multipart": True,
    }
    return _form_page(request, "web/partnership/board_form.html", context)


@require_roles(*BOARD_ROLES)
def board_document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = open_document(actor=request.user, document_id=pk)
    # At most 10 MB, so read whole rather than streamed.
    with document.file.open("rb") as content:
        response = HttpResponse(content.read(), content_type=document_content_type(document))
    filename = document.file.name.rsplit("/", 1)[-1]
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    return response


def _organisation_choices(partnership: Partnership) -> list[tuple[int, str]]:
    return list(
        Organisation.objects.filter(memberships__partnership=partnership).order_by("name").values_list("pk", "name")
    )


@require_roles(Role.PARTNERSHIP_MANAGER)
def board_member_add(request: HttpRequest) -> HttpResponse:
    partnership = _managed_board_or_404(request)
    form = NewMemberForm(request.POST or None, organisations=_organisation_choices(partnership))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation_id = data.pop("organisation")
        with submitting(form) as submission:
            member = add_member(actor=request.user, organisation_id=organisation_id, **data)
        if submission.ok:
            messages.success(request, f"{member.name} is a member of the board.")
            return redirect("web:board")
    context = {"page_title": "Add a board member", "partnership": partnership, "form": form, "submit": "Add"}
    return _form_page(request, "web/partnership/board_form.html", context)


@require_roles(Role.PARTNERSHIP_MANAGER)
def board_member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _managed_board_or_404(request)
    member = board_members_visible_to(request.user).filter(pk=pk).first()
    if member is None:
        raise Http404("No such board member.")
    initial = {
        "name": member.name,
        "kind": member.kind,
        "organisation": member.organisation_id,
        "joined_on": member.joined_on,
        "left_on": member.left_on,
    }
    form = MemberForm(request.POST or None, initial=initial, organisations=_organisation_choices(partnership))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation_id = data.pop("organisation")
        with submitting(form) as submission:
            update_member(
                actor=request.user,
                member_id=member.pk,
                organisation_id=organisation_id,
                **data,
            )
        if submission.ok:
            messages.success(request, f"{member.name}'s seat is saved.")
            return redirect("web:board")
    context = {"page_title": f"Change {member.name}'s seat", "partnership": partnership, "form": form, "submit": "Save"}
    return _form_page(request, "web/partnership/board_form.html", context)

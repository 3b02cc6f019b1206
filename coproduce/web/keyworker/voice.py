"""The requests board (keyworkers and partnership managers) and the feedback about a keyworker's caseload."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coproduce.accounts.roles import Role
from coproduce.participants.services import record_participant_list_view
from coproduce.programmes.standing import standing_of
from coproduce.voice.models import Topic
from coproduce.voice.selectors import (
    board_counts,
    board_requests_listed,
    feedback_visible_to,
    shows_feedback_author,
)
from coproduce.web.access import require_roles
from coproduce.web.forms import GovukForm
from coproduce.web.pagination import paginate

FEEDBACK_PER_PAGE = 25
REQUESTS_PER_PAGE = 50


class BoardFilterForm(GovukForm):
    topic = forms.ChoiceField(label="Topic", required=False, choices=[("", "All topics"), *Topic.choices])


@require_roles(Role.KEYWORKER, Role.PARTNERSHIP_MANAGER)
def requests_board_page(request: HttpRequest) -> HttpResponse:
    """Counts cover the whole area (one grouped query); the requests of people the viewer works with
    are listed a page at a time, and only the people on the page shown are audited."""
    form = BoardFilterForm(request.GET)
    topic = form.cleaned_data.get("topic", "") if form.is_valid() else ""
    groups = board_counts(request.user, topic=topic)
    pages = paginate(request, board_requests_listed(request.user, topic=topic), REQUESTS_PER_PAGE)
    listed = list(pages.page)
    record_participant_list_view(actor=request.user, participant_ids=sorted({item.participant_id for item in listed}))
    context = {
        "page_title": "Requests board",
        "form": form,
        "groups": groups,
        "total": sum(group.total for group in groups),
        "pages": pages,
        "listed": listed,
        "is_manager": standing_of(request.user).has(Role.PARTNERSHIP_MANAGER),
    }
    return render(request, "web/keyworker/requests_board.html", context)


@require_roles(Role.KEYWORKER)
def my_feedback(request: HttpRequest) -> HttpResponse:
    """Feedback from the keyworker's caseload; anonymous-to-the-keyworker entries show no name and are not
    audited as a read of the writer (nothing identifying them is shown)."""
    feedback = feedback_visible_to(request.user).select_related("participant").order_by("-created_at", "-pk")
    pages = paginate(request, feedback, FEEDBACK_PER_PAGE)
    rows = [{"feedback": item, "named": shows_feedback_author(request.user, item)} for item in pages.page]
    record_participant_list_view(
        actor=request.user,
        participant_ids=[row["feedback"].participant_id for row in rows if row["named"]],
    )
    context = {"page_title": "Feedback from my caseload", "pages": pages, "rows": rows}
    return render(request, "web/keyworker/my_feedback.html", context)

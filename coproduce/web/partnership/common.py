"""What every partnership manager's page needs: their own partnership, and the conflict page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from coproduce.core.errors import DomainError
from coproduce.programmes.models import Partnership
from coproduce.programmes.selectors import partnerships_visible_to
from coproduce.programmes.standing import standing_of


def managed_partnership(request: HttpRequest) -> Partnership:
    """The manager's own partnership, with its programme and member organisations."""
    partnership_id = standing_of(request.user).partnership_id
    partnership = partnerships_visible_to(request.user).filter(pk=partnership_id).first() if partnership_id else None
    if partnership is None:
        raise Http404("You do not manage a partnership.")
    return partnership


def conflict(request: HttpRequest, error: DomainError, *, back_url: str, back_label: str) -> HttpResponse:
    """Someone else changed the record first: say so, change nothing, offer the fresh record."""
    return render(
        request,
        "web/partnership/conflict.html",
        {
            "page_title": "Someone else changed this first",
            "message": error.message,
            "back_url": back_url,
            "back_label": back_label,
        },
        status=409,
    )

"""What every partnership manager's page needs: their own partnership."""

from django.http import Http404, HttpRequest

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

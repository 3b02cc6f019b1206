"""What staff pages about one person's record share, whichever audience's pages show it."""

from typing import Any

import rules

from coproduce.accounts.acting import ActingUser
from coproduce.participants.models import Participant
from coproduce.participants.permissions import manages_their_area
from coproduce.retention.selectors import (
    open_erasure_request,
)


def erasure_on_record(actor: ActingUser, participant: Participant) -> dict[str, Any]:
    """What a person's record page shows about erasure, for staff who may see the record. One query.

    An open request (waiting for a decision, or kept for now with its reason and end date), that
    the record was anonymised, and whether this person may record a request.
    """
    return {
        "anonymised_at": participant.anonymised_at,
        "request": open_erasure_request(participant) if participant.anonymised_at is None else None,
        "can_record": rules.has_perm("retention.record_erasure_request", actor, participant),
        "can_see_request": manages_their_area(actor, participant),
    }

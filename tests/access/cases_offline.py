"""Access cases for today's visits (coproduce/offline) and the web app's manifest and service worker.

Only a keyworker takes people on visits, and only their own caseload (or cover): everyone else
is refused and sees nothing of Paula, Kim's participant. The manifest and the worker are public:
they hold nobody's details.
"""

import uuid

from django.urls import reverse
from django.utils import timezone

from coproduce.offline.models import VisitMark
from coproduce.offline.services import MARK_LIFETIME
from coproduce.participants.models import Participant
from coproduce.plans.models import Contact
from tests.access.matrix import EVERYONE, AccessCase, roles
from tests.personas import Personas

KEYWORKER = roles("keyworker")


def paula_secrets(p: Personas) -> list[str]:
    return [p.second_participant.reference, p.second_participant.family_name]


def paula_on_visits(p: Personas) -> Participant:
    """Paula on Kim's visits today (set up directly: the case is about the route, not the marking)."""
    now = timezone.now()
    VisitMark.objects.get_or_create(
        keyworker=p.keyworker,
        participant=p.second_participant,
        defaults={"marked_by": p.keyworker.user, "marked_at": now, "expires_at": now + MARK_LIFETIME},
    )
    return p.second_participant


def marks_snapshot(p: Personas) -> tuple[object, ...]:
    return tuple(VisitMark.objects.order_by("pk").values_list("pk", "participant_id", "expires_at"))


def marked_marks_snapshot(p: Personas) -> tuple[object, ...]:
    paula_on_visits(p)
    return marks_snapshot(p)


def contacts_snapshot(p: Personas) -> tuple[object, ...]:
    paula_on_visits(p)
    return tuple(Contact.objects.order_by("pk").values_list("pk", "notes"))


def a_note_from_the_visit(p: Personas) -> dict[str, object]:
    return {
        "kind": "contact",
        "client_id": str(uuid.uuid4()),
        "participant": paula_on_visits(p).pk,
        "happened_on": timezone.localdate().isoformat(),
        "contact_kind": "home_visit",
        "duration_minutes": 45,
        "notes": "Talked about the care taster day.",
    }


CASES = [
    AccessCase(
        route="web:visits",
        url=lambda p: reverse("web:visits"),
        allowed=KEYWORKER,
        audited_participant=paula_on_visits,
        secrets=paula_secrets,
    ),
    AccessCase(route="web:visits_shell", url=lambda p: reverse("web:visits_shell"), allowed=KEYWORKER),
    AccessCase(
        route="web:visits_data",
        url=lambda p: reverse("web:visits_data"),
        allowed=KEYWORKER,
        audited_participant=paula_on_visits,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:visits_sync",
        url=lambda p: reverse("web:visits_sync"),
        method="POST",
        json=True,
        data=a_note_from_the_visit,
        allowed=KEYWORKER,
        secrets=paula_secrets,
        snapshot=contacts_snapshot,
    ),
    AccessCase(
        route="web:visit_take",
        url=lambda p: reverse("web:visit_take", args=[p.second_participant.pk]),
        method="POST",
        allowed=KEYWORKER,
        allowed_status=302,
        snapshot=marks_snapshot,
    ),
    AccessCase(
        route="web:visit_drop",
        url=lambda p: reverse("web:visit_drop", args=[p.second_participant.pk]),
        method="POST",
        allowed=KEYWORKER,
        allowed_status=302,
        snapshot=marked_marks_snapshot,
    ),
    AccessCase(route="web:manifest", url=lambda p: reverse("web:manifest"), allowed=EVERYONE, public=True),
    AccessCase(route="web:service_worker", url=lambda p: reverse("web:service_worker"), allowed=EVERYONE, public=True),
]

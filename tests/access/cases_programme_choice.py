"""Access cases for "Choose a programme": those whose work spans programmes (funder, evaluator,
administrator) choose which one their programme-wide pages show. Everyone else is refused, and
nothing is kept in their session when they are."""

from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.access.matrix import AccessCase, roles

PROGRAMME_WIDE = roles("funder", "evaluator", "administrator")


def chosen(p) -> tuple[object, ...]:
    return tuple(
        sorted(str(session.get_decoded().get("coproduce_programme_id")) for session in Session.objects.order_by("pk"))
    )


CASES = [
    AccessCase(route="web:choose_programme", url=lambda p: reverse("web:choose_programme"), allowed=PROGRAMME_WIDE),
    AccessCase(
        route="web:choose_programme",
        url=lambda p: reverse("web:choose_programme"),
        method="POST",
        data=lambda p: {"programme": p.fife.programme_id},
        allowed=PROGRAMME_WIDE,
        allowed_status=302,
        snapshot=chosen,
    ),
]

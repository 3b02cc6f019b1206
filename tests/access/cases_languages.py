"""Access cases for choosing a language: the switcher's cookie for anyone, a participant's own choice."""

from django.urls import reverse

from coproduce.participants.models import Participant
from tests.access.matrix import EVERYONE, AccessCase, roles
from tests.personas import Personas


def pats_language(p: Personas) -> tuple[object, ...]:
    return tuple(Participant.objects.filter(pk=p.participant.pk).values_list("language", "version").get())


CASES = [
    # Django's set_language: only a cookie, for anyone; a signed-in participant's switcher posts to /me/language/.
    AccessCase(
        route="set_language",
        url=lambda p: reverse("set_language"),
        method="POST",
        data=lambda p: {"language": "pl", "next": "/"},
        allowed=EVERYONE,
        public=True,
        allowed_status=302,
    ),
    AccessCase(
        route="web:my_language",
        url=lambda p: reverse("web:my_language"),
        allowed=roles("participant"),
        audited_participant=lambda p: p.participant,
    ),
    AccessCase(
        route="web:my_language",
        url=lambda p: reverse("web:my_language"),
        method="POST",
        data=lambda p: {"language": "ar", "version": p.participant.version},
        allowed=roles("participant"),
        allowed_status=302,
        snapshot=pats_language,
    ),
]

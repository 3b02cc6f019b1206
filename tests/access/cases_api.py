"""Access cases for every API route (/api/v1/). Anonymous callers get 401, not a sign-in redirect.

List routes answer 200 to every signed-in role because each role's list is scoped to what it may
see; which rows each role gets is tested in tests/api/test_participants.py and friends.
"""

from django.urls import reverse

from coproduce.participants.models import Enquiry, Participant
from tests.access.matrix import EVERYONE_SIGNED_IN, STAFF_ROLES, AccessCase, roles
from tests.personas import Personas


def pat_secrets(p: Personas) -> list[str]:
    return [p.participant.given_name, p.participant.reference, p.participant.email, p.participant.mobile]


def erin_secrets(p: Personas) -> list[str]:
    return [p.enquiry.name, p.enquiry.email]


def pat_snapshot(p: Personas) -> tuple[object, ...]:
    pat = Participant.objects.get(pk=p.participant.pk)
    return (pat.version, pat.preferred_name, pat.postcode, pat.status, Participant.objects.count())


def erin_snapshot(p: Personas) -> tuple[object, ...]:
    erin = Enquiry.objects.get(pk=p.enquiry.pk)
    return (erin.version, erin.status, erin.allocated_to_id, Enquiry.objects.count())


CASES = [
    # The schema and its documentation are public: they describe routes, never data.
    AccessCase(
        route="api-v1:openapi-json",
        url=lambda p: reverse("api-v1:openapi-json"),
        allowed=EVERYONE_SIGNED_IN,
        public=True,
        api=True,
    ),
    AccessCase(
        route="api-v1:openapi-view",
        url=lambda p: reverse("api-v1:openapi-view"),
        allowed=EVERYONE_SIGNED_IN,
        public=True,
        api=True,
    ),
    # ninja's root pattern exists only so that routes can be reversed: it is 404 for everyone.
    AccessCase(
        route="api-v1:api-root",
        url=lambda p: reverse("api-v1:api-root"),
        allowed=EVERYONE_SIGNED_IN,
        public=True,
        api=True,
        allowed_status=404,
    ),
    # Participants.
    AccessCase(
        route="api-v1:list_participants",
        url=lambda p: reverse("api-v1:list_participants"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:register_participant",
        url=lambda p: reverse("api-v1:register_participant"),
        method="POST",
        json=True,
        data=lambda p: {
            "given_name": "Nina",
            "family_name": "Newcomer",
            "consent_how": "in_person_signed",
            "email": "nina@example.net",
            "keyworker_id": p.keyworker.pk,
            "children_birth_years": [2019],
        },
        allowed=roles("keyworker", "partnership_manager"),
        allowed_status=201,
        api=True,
        snapshot=lambda p: Participant.objects.count(),
    ),
    AccessCase(
        route="api-v1:participant_detail",
        url=lambda p: reverse("api-v1:participant_detail", args=[p.participant.pk]),
        allowed=roles("participant", "keyworker", "partnership_manager"),
        api=True,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:participant_detail",
        label="another keyworker's participant",
        url=lambda p: reverse("api-v1:participant_detail", args=[p.other_participant.pk]),
        allowed=roles("partnership_manager"),
        api=True,
        audited_participant=lambda p: p.other_participant,
        secrets=lambda p: [p.other_participant.given_name, p.other_participant.reference],
    ),
    AccessCase(
        route="api-v1:update_participant",
        url=lambda p: reverse("api-v1:update_participant", args=[p.participant.pk]),
        method="PATCH",
        json=True,
        data=lambda p: {"version": p.participant.version, "preferred_name": "Patty", "postcode": "KY2 2ZZ"},
        allowed=roles("keyworker", "partnership_manager"),
        api=True,
        secrets=pat_secrets,
        snapshot=pat_snapshot,
    ),
    # Enquiries.
    AccessCase(
        route="api-v1:list_enquiries",
        url=lambda p: reverse("api-v1:list_enquiries"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
        secrets=erin_secrets,
    ),
    AccessCase(
        route="api-v1:enquiry_detail",
        url=lambda p: reverse("api-v1:enquiry_detail", args=[p.enquiry.pk]),
        allowed=roles("partnership_manager"),
        api=True,
        secrets=erin_secrets,
    ),
    # Asking for help is public (and needs no CSRF token); it is throttled per address, and
    # tests/api/conftest.py empties the throttle's cache around each API test.
    AccessCase(
        route="api-v1:submit_enquiry",
        url=lambda p: reverse("api-v1:submit_enquiry"),
        method="POST",
        json=True,
        data=lambda p: {
            "name": "Nell Newby",
            "partnership_id": p.fife.pk,
            "contact_by": "email",
            "email": "nell@example.com",
        },
        allowed=EVERYONE_SIGNED_IN,
        public=True,
        allowed_status=201,
        api=True,
    ),
    AccessCase(
        route="api-v1:allocate_enquiry",
        url=lambda p: reverse("api-v1:allocate_enquiry", args=[p.enquiry.pk]),
        method="POST",
        json=True,
        data=lambda p: {"keyworker_id": p.keyworker.pk, "version": p.enquiry.version},
        allowed=roles("partnership_manager"),
        api=True,
        secrets=erin_secrets,
        snapshot=erin_snapshot,
    ),
    # Programme structure: staff of every role; participants are refused.
    AccessCase(
        route="api-v1:list_partnerships",
        url=lambda p: reverse("api-v1:list_partnerships"),
        allowed=STAFF_ROLES,
        api=True,
        secrets=lambda p: ["Fife Lone Parents Together"],
    ),
    AccessCase(
        route="api-v1:partnership_detail",
        url=lambda p: reverse("api-v1:partnership_detail", args=[p.fife.pk]),
        allowed=STAFF_ROLES,
        api=True,
        secrets=lambda p: ["Fife Lone Parents Together", p.fife.gss_code],
    ),
    AccessCase(
        route="api-v1:list_organisations",
        url=lambda p: reverse("api-v1:list_organisations"),
        allowed=STAFF_ROLES,
        api=True,
        secrets=lambda p: ["Kingdom Money Advice"],
    ),
    AccessCase(
        route="api-v1:organisation_detail",
        url=lambda p: reverse("api-v1:organisation_detail", args=[p.partner_agency.pk]),
        allowed=STAFF_ROLES,
        api=True,
        secrets=lambda p: ["Kingdom Money Advice"],
    ),
    AccessCase(
        route="api-v1:list_staff",
        url=lambda p: reverse("api-v1:list_staff"),
        allowed=STAFF_ROLES,
        api=True,
        secrets=lambda p: ["Kim Keyworker", "kim@fifelpt.example.org"],
    ),
]

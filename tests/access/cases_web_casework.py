"""Access cases for the public pages, the participant's own pages and the casework pages.

Pat (participant, with an account) and Paula (no account) are on Kim's caseload in Fife; Olive is
on Owen's; Gemma is in Glasgow. Mo manages Fife. Most casework cases are about Paula, so that
Pat, playing the participant, is refused with a 404 (or 403) and never sees her.
"""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from coproduce.participants.models import Consent, Enquiry, Participant
from tests.access.matrix import EVERYONE, EVERYONE_SIGNED_IN, AccessCase, roles
from tests.personas import Personas

CASEWORKERS = roles("keyworker", "partnership_manager")


def secrets_of(participant: Participant) -> list[str]:
    return [participant.reference, participant.email, participant.mobile]


def pat_secrets(p: Personas) -> list[str]:
    return secrets_of(p.participant)


def paula_secrets(p: Personas) -> list[str]:
    return [*secrets_of(p.second_participant), p.second_participant.family_name]


def participant_snapshot(participant: Participant) -> tuple[object, ...]:
    return (
        tuple(
            Participant.objects.filter(pk=participant.pk)
            .values_list("given_name", "family_name", "email", "status", "version")
            .get()
        ),
        tuple(participant.children.values_list("birth_year", flat=True)),
        Participant.objects.count(),
    )


def consents_snapshot(participant: Participant) -> tuple[object, ...]:
    return tuple(
        Consent.objects.filter(participant=participant).values_list("pk", "purpose", "withdrawn_at").order_by("pk")
    )


def set_password_url(p: Personas, token: str | None = None) -> str:
    user = p.participant.user
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("web:set_password", args=[uidb64, token or default_token_generator.make_token(user)])


def paula_details(p: Personas) -> dict[str, object]:
    paula = p.second_participant
    return {
        "given_name": "Paula",
        "family_name": "Changed",
        "email": paula.email,
        "mobile": paula.mobile,
        "postcode": paula.postcode,
        "children": "2015",
        "status": Participant.Status.PAUSED,
        "version": paula.version,
    }


def new_person(p: Personas) -> dict[str, object]:
    return {
        "given_name": "Rhona",
        "family_name": "MacLeod",
        "email": "rhona@example.net",
        "children": "2014, 2019",
        "consent_how": Consent.How.IN_PERSON_SIGNED,
        "keyworker": p.keyworker.pk,
    }


def enquiry_data(p: Personas) -> dict[str, object]:
    return {
        "name": "Jo Example",
        "partnership": p.fife.pk,
        "contact_by": Enquiry.ContactBy.EMAIL,
        "email": "jo@example.com",
    }


CASES = [
    # Public pages.
    AccessCase(route="web:start", url=lambda p: reverse("web:start"), allowed=EVERYONE, public=True),
    AccessCase(route="web:privacy", url=lambda p: reverse("web:privacy"), allowed=EVERYONE, public=True),
    AccessCase(route="web:sign_in", url=lambda p: reverse("web:sign_in"), allowed=EVERYONE, public=True),
    AccessCase(
        route="web:sign_in",
        url=lambda p: reverse("web:sign_in"),
        method="POST",
        data=lambda p: {"username": "pat@example.net", "password": "not the password"},
        allowed=EVERYONE,
        public=True,
        label="wrong password",
    ),
    AccessCase(
        route="web:sign_out",
        url=lambda p: reverse("web:sign_out"),
        method="POST",
        allowed=EVERYONE_SIGNED_IN,
        public=True,
        allowed_status=302,
    ),
    # Signed-in people are sent to their role's home page; anonymous people to sign in.
    AccessCase(route="web:home", url=lambda p: reverse("web:home"), allowed=EVERYONE_SIGNED_IN, allowed_status=302),
    AccessCase(route="web:enquiry", url=lambda p: reverse("web:enquiry"), allowed=EVERYONE, public=True),
    AccessCase(
        route="web:enquiry",
        url=lambda p: reverse("web:enquiry"),
        method="POST",
        data=enquiry_data,
        allowed=EVERYONE,
        public=True,
        allowed_status=302,
    ),
    AccessCase(route="web:enquiry_sent", url=lambda p: reverse("web:enquiry_sent"), allowed=EVERYONE, public=True),
    # A valid link moves its token into the session and redirects; a bad one says so.
    AccessCase(
        route="web:set_password",
        url=set_password_url,
        allowed=EVERYONE_SIGNED_IN,
        public=True,
        allowed_status=302,
    ),
    AccessCase(
        route="web:set_password",
        url=lambda p: set_password_url(p, token="not-a-token"),
        allowed=EVERYONE_SIGNED_IN,
        public=True,
        label="bad link",
    ),
    # The participant's own pages.
    AccessCase(
        route="web:my_page",
        url=lambda p: reverse("web:my_page"),
        allowed=roles("participant"),
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:my_record_views",
        url=lambda p: reverse("web:my_record_views"),
        allowed=roles("participant"),
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    # Casework.
    AccessCase(
        route="web:caseload",
        url=lambda p: reverse("web:caseload"),
        allowed=roles("keyworker"),
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:participant_register", url=lambda p: reverse("web:participant_register"), allowed=CASEWORKERS
    ),
    AccessCase(
        route="web:participant_register",
        url=lambda p: reverse("web:participant_register") + f"?enquiry={p.enquiry.pk}",
        allowed=roles("partnership_manager"),  # Erin's enquiry is not allocated to Kim yet
        secrets=lambda p: [p.enquiry.email],
        label="from an enquiry",
    ),
    AccessCase(
        route="web:participant_register",
        url=lambda p: reverse("web:participant_register"),
        method="POST",
        data=new_person,
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=lambda p: Participant.objects.count(),
    ),
    AccessCase(
        route="web:participant_detail",
        url=lambda p: reverse("web:participant_detail", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:participant_detail",
        url=lambda p: reverse("web:participant_detail", args=[p.other_participant.pk]),
        allowed=roles("partnership_manager"),
        audited_participant=lambda p: p.other_participant,
        secrets=lambda p: secrets_of(p.other_participant),
        label="another keyworker's participant",
    ),
    AccessCase(
        route="web:participant_detail",
        url=lambda p: reverse("web:participant_detail", args=[p.glasgow_participant.pk]),
        allowed=roles(),
        audited_participant=lambda p: p.glasgow_participant,
        secrets=lambda p: secrets_of(p.glasgow_participant),
        label="another area",
    ),
    AccessCase(
        route="web:participant_edit",
        url=lambda p: reverse("web:participant_edit", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:participant_edit",
        url=lambda p: reverse("web:participant_edit", args=[p.second_participant.pk]),
        method="POST",
        data=paula_details,
        allowed=CASEWORKERS,
        allowed_status=302,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
        snapshot=lambda p: participant_snapshot(p.second_participant),
    ),
    AccessCase(
        route="web:participant_consent_add",
        url=lambda p: reverse("web:participant_consent_add", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:participant_consent_add",
        url=lambda p: reverse("web:participant_consent_add", args=[p.second_participant.pk]),
        method="POST",
        data=lambda p: {"purpose": Consent.Purpose.CONTACT_BY_SMS, "how": Consent.How.PHONE},
        allowed=CASEWORKERS,
        allowed_status=302,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
        snapshot=lambda p: consents_snapshot(p.second_participant),
    ),
    AccessCase(
        route="web:consent_withdraw",
        url=lambda p: reverse("web:consent_withdraw", args=[p.participant.consents.get(purpose="service").pk]),
        allowed=CASEWORKERS | roles("participant"),
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:consent_withdraw",
        url=lambda p: reverse("web:consent_withdraw", args=[p.participant.consents.get(purpose="service").pk]),
        method="POST",
        data=lambda p: {"how": Consent.How.PHONE},
        allowed=CASEWORKERS | roles("participant"),
        allowed_status=302,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
        snapshot=lambda p: consents_snapshot(p.participant),
    ),
    AccessCase(
        route="web:consent_withdraw",
        url=lambda p: reverse("web:consent_withdraw", args=[p.second_participant.consents.get(purpose="service").pk]),
        method="POST",
        data=lambda p: {"how": Consent.How.PHONE},
        allowed=CASEWORKERS,
        allowed_status=302,
        secrets=paula_secrets,
        snapshot=lambda p: consents_snapshot(p.second_participant),
        label="someone else's consent",
    ),
    AccessCase(
        route="web:participant_sign_in_link",
        url=lambda p: reverse("web:participant_sign_in_link", args=[p.participant.pk]),
        method="POST",
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=lambda p: ["/set-password/"],
    ),
    AccessCase(
        route="web:participant_sign_in_link",
        url=lambda p: reverse("web:participant_sign_in_link", args=[p.second_participant.pk]),
        method="POST",
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
        snapshot=lambda p: list(Participant.objects.filter(pk=p.second_participant.pk).values_list("user_id")),
        label="no account yet: one is made from her record",
    ),
]

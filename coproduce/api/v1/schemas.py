"""What goes in and out of the API. Inputs forbid unknown fields; outputs carry only what the role may see.

Choices are Literal types built from the models' TextChoices, so the OpenAPI schema lists the
allowed values and they cannot drift from the database's.
"""

import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.conf import settings
from django.db.models import TextChoices
from ninja import Field, Schema
from pydantic import ConfigDict, WithJsonSchema

from coproduce.accounts.roles import Role
from coproduce.participants.models import Consent, Enquiry, HeardAbout, Participant
from coproduce.programmes.standing import standing_of


def one_of(choices: type[TextChoices], *, blank: bool = False) -> Any:
    values = [*choices.values, *([""] if blank else [])]
    return Literal[tuple(values)]


if TYPE_CHECKING:
    ParticipantStatus = str
    ParticipantStatusOrAny = str
    EnquiryStatusOrAny = str
    HowConsentWasGiven = str
    HeardAboutChoice = str
    ContactBy = str
    LanguageChoice = str
else:
    ParticipantStatus = one_of(Participant.Status)
    ParticipantStatusOrAny = one_of(Participant.Status, blank=True)
    EnquiryStatusOrAny = one_of(Enquiry.Status, blank=True)
    HowConsentWasGiven = one_of(Consent.How)
    HeardAboutChoice = one_of(HeardAbout, blank=True)
    ContactBy = one_of(Enquiry.ContactBy)
    LanguageChoice = Literal[tuple(code for code, _ in settings.LANGUAGES)]


# A time of day on the wall clock where the service is (UK time), like "09:30:00" or, as input,
# "18:30". Declared as a patterned string, not `format: time`: that is RFC 3339's full-time, which
# needs an offset ("09:30:00Z"), and an opening time has none (it stays 09:30 across the clock change).
LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"
LocalTime = Annotated[
    datetime.time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": LOCAL_TIME_PATTERN,
            "description": "A local (UK) wall-clock time, HH:MM:SS (HH:MM is accepted as input), with no offset.",
            "examples": ["09:30:00"],
        }
    ),
]


def _viewer(context: Any) -> Any:
    request = (context or {}).get("request")
    return standing_of(getattr(request, "auth", None))


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


class VersionIn(Input):
    """A change that needs only the version read (one schema: a name in the OpenAPI spec names one shape)."""

    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")


# ---- errors -----------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in plain English.")
    errors: dict[str, list[str]] | None = Field(
        None, description="For bad input: messages per field (`__all__` for the input as a whole)."
    )


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys(codes, ErrorOut)


# ---- references -------------------------------------------------------------------------------


class AreaRef(Schema):
    id: int
    area_name: str


class OrganisationRef(Schema):
    id: int
    name: str
    kind: str


class StaffRef(Schema):
    id: int | None = Field(description="The staff member's id; null when a participant reads their own record.")
    name: str


def _staff_ref(staff: Any, *, with_id: bool) -> dict[str, Any] | None:
    if staff is None:
        return None
    return {"id": staff.pk if with_id else None, "name": str(staff.user)}


# ---- participants -----------------------------------------------------------------------------


class ParticipantSummaryOut(Schema):
    id: int
    reference: str
    given_name: str
    family_name: str
    preferred_name: str
    full_name: str
    status: str
    joined_on: datetime.date
    partnership: AreaRef
    keyworker: StaffRef | None

    @staticmethod
    def resolve_keyworker(participant: Participant, context: Any) -> dict[str, Any] | None:
        return _staff_ref(participant.keyworker, with_id=_viewer(context).staff_member is not None)


class ParticipantOut(ParticipantSummaryOut):
    email: str
    mobile: str
    address: str
    postcode: str
    status_since: datetime.date
    heard_about: str
    heard_about_detail: str
    language: str = Field(description="The language of their pages, texts, emails and documents.")
    interpreter_language: str = Field(description="The interpreter they need, if any (empty if none).")
    children_birth_years: list[int]
    version: int = Field(description="Send this back with a change, so that nobody's edit is overwritten.")

    @staticmethod
    def resolve_children_birth_years(participant: Participant) -> list[int]:
        return [child.birth_year for child in participant.children.all()]


class ParticipantFilters(Schema):
    search: str = Field("", description="Words in the name, reference or postcode.")
    status: ParticipantStatusOrAny = Field("", description="Only participants with this status; blank for all.")


class ParticipantCreateIn(Input):
    given_name: str
    family_name: str
    consent_how: HowConsentWasGiven = Field(description="How the participant gave consent to the service.")
    preferred_name: str = ""
    email: str = ""
    mobile: str = ""
    address: str = ""
    postcode: str = ""
    keyworker_id: int | None = Field(None, description="A keyworker's staff id; a keyworker may leave it out.")
    joined_on: datetime.date | None = None
    heard_about: HeardAboutChoice = ""
    heard_about_detail: str = ""
    children_birth_years: list[int] = Field(default_factory=list)
    create_account: bool = Field(True, description="Give them a sign-in (needs an email or mobile).")
    enquiry_id: int | None = Field(None, description="The enquiry this registration answers, if any.")
    language: LanguageChoice | None = Field(None, description="Left out: the enquiry's, or English.")
    interpreter_language: str | None = Field(
        None, max_length=60, description="The interpreter they need, if any. Left out: the enquiry's, or none."
    )


# Fields left out of a PATCH are not changed. A default of None on a type that is not optional
# means "may be left out, but may not be null" (pydantic does not validate defaults).
class ParticipantUpdateIn(Input):
    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")
    given_name: Annotated[str, Field(None)]
    family_name: Annotated[str, Field(None)]
    preferred_name: Annotated[str, Field(None)]
    email: Annotated[str, Field(None)]
    mobile: Annotated[str, Field(None)]
    address: Annotated[str, Field(None)]
    postcode: Annotated[str, Field(None)]
    status: Annotated[ParticipantStatus, Field(None)]
    heard_about: Annotated[HeardAboutChoice, Field(None)]
    heard_about_detail: Annotated[str, Field(None)]
    language: Annotated[LanguageChoice, Field(None)]
    interpreter_language: Annotated[str, Field(None, max_length=60)]
    children_birth_years: Annotated[list[int], Field(None, description="Replaces the list of children's birth years.")]


# ---- enquiries --------------------------------------------------------------------------------


class EnquiryOut(Schema):
    id: int
    name: str
    email: str
    mobile: str
    contact_by: str
    best_time: str
    postcode: str
    partnership: AreaRef
    message: str
    heard_about: str
    language: str
    interpreter_language: str
    status: str
    allocated_to: StaffRef | None
    allocated_at: datetime.datetime | None
    registered: bool = Field(description="Whether the enquiry has become a participant's registration.")
    closed_reason: str
    created_at: datetime.datetime
    version: int

    @staticmethod
    def resolve_allocated_to(enquiry: Enquiry) -> dict[str, Any] | None:
        return _staff_ref(enquiry.allocated_to, with_id=True)

    @staticmethod
    def resolve_registered(enquiry: Enquiry) -> bool:
        return enquiry.participant_id is not None


class EnquiryFilters(Schema):
    status: EnquiryStatusOrAny = Field("", description="Only enquiries with this status; blank for all.")


class EnquiryIn(Input):
    name: str
    partnership_id: int = Field(description="The area where you live (GET the public list on the enquiry page).")
    contact_by: ContactBy
    email: str = ""
    mobile: str = ""
    best_time: str = ""
    postcode: str = ""
    message: str = ""
    heard_about: HeardAboutChoice = ""
    language: LanguageChoice = Field("en-gb", description="The language we should use with you.")
    interpreter_language: str = Field(
        "", max_length=60, description="If you speak another language: which one. We bring an interpreter."
    )


class EnquiryReceivedOut(Schema):
    detail: str


class AllocateIn(Input):
    keyworker_id: int = Field(description="The staff id of a keyworker in the enquiry's area.")
    version: int
    over_limit_confirmed: bool = Field(
        False,
        description="Allocate even though the keyworker is at the caseload limit. Without it that gets 400 "
        "with the warning under `over_limit_confirmed`, and nothing changes.",
    )


# ---- programme structure ----------------------------------------------------------------------


class MembershipOut(Schema):
    organisation: OrganisationRef
    role: str
    joined_on: datetime.date | None


class PartnershipOut(Schema):
    id: int
    area_name: str
    gss_code: str
    short_code: str
    programme: str
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_programme(partnership: Any) -> str:
        return partnership.programme.name


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    charity_number: str
    company_number: str
    website: str
    description: str


class OrganisationMembershipOut(Schema):
    partnership: AreaRef
    role: str


class OrganisationDetailOut(OrganisationOut):
    memberships: list[OrganisationMembershipOut]


class StaffOut(Schema):
    id: int
    name: str
    job_title: str
    organisation: OrganisationRef
    partnership: AreaRef | None
    roles: list[str]
    is_active: bool
    email: str | None = Field(description="Partnership managers only; null for everyone else.")
    mobile: str | None = Field(description="Partnership managers only; null for everyone else.")

    @staticmethod
    def resolve_name(staff: Any) -> str:
        return str(staff.user)

    @staticmethod
    def resolve_roles(staff: Any) -> list[str]:
        return [role.role for role in staff.roles.all()]

    @staticmethod
    def resolve_email(staff: Any, context: Any) -> str | None:
        return staff.user.email if _viewer(context).has(Role.PARTNERSHIP_MANAGER) else None

    @staticmethod
    def resolve_mobile(staff: Any, context: Any) -> str | None:
        return staff.user.mobile if _viewer(context).has(Role.PARTNERSHIP_MANAGER) else None

"""Subject access (UK GDPR Art. 15) through the API: ask for a copy, follow its preparation, download it.

The copy is prepared in the background, so asking answers 202 with the request's id, status and
the URL to follow; `GET /subject-access/{id}` reads the status, and `download_url` is set once
the copy may be downloaded (the ZIP of data.json and data.pdf, as on the pages).

Who may ask, about whom:
- `POST /participants/{id}/subject-access`: the partnership manager of the participant's area
  logs a request made to staff, with how it was received and how identity was checked, and the
  copy is prepared at once. Deciding on restricted notes and releasing the copy are done on the
  request's page, where the notes can be read. Nobody else (a keyworker passes it to their manager);
- `POST /me/subject-access`: the participant themselves, their own copy, the same as on their
  page, without restricted notes. Their data is theirs to take, by any interface, and the API is
  how they would move it to another service (data portability, Art. 20). A route of its own,
  because it is another act: nothing to log, no details to give, nothing for a manager to decide.

Access is checked before the body is read, so a refused caller learns nothing from a bad body.
"""

import datetime
import json
from typing import TYPE_CHECKING, Any

import pydantic
import rules
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as BodyValidationError

from coproduce.api.v1.auth import caller, caller_standing
from coproduce.api.v1.errors import NOT_JSON_MESSAGE
from coproduce.api.v1.schemas import Input, error_responses, one_of
from coproduce.audit.context import audit_context
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import NotAllowed, NotFound
from coproduce.participants.selectors import visible_participant
from coproduce.participants.services import record_participant_view
from coproduce.subject_access.models import SubjectAccessRequest
from coproduce.subject_access.package import file_name
from coproduce.subject_access.selectors import request_for
from coproduce.subject_access.services import ask_for_own_copy, copy_for_download, log_request, prepare_copy

router = Router(tags=["subject access"])

Model = SubjectAccessRequest

if TYPE_CHECKING:
    HowMade = str
    MadeBy = str
    IdentityCheck = str
else:
    HowMade = one_of(Model.HowMade)
    MadeBy = one_of(Model.MadeBy)
    IdentityCheck = one_of(Model.IdentityCheck)


class SubjectAccessIn(Input):
    """A request made to staff, as the manager logs it."""

    received_on: datetime.date = Field(description="When it reached you; not in the future.")
    how_made: HowMade = Field(description="in_person, letter, email or phone.")
    identity_checked: IdentityCheck = Field(description="known_in_person, photo_id, questions or documents.")
    identity_note: str = ""
    made_by: MadeBy = "participant"
    representative_name: str = Field("", description="Required when made_by is representative.")
    representative_authority: str = Field("", description="How their authority to act was checked.")


class SubjectAccessOut(Schema):
    id: int
    reference: str = Field(description="How letters name the request, like SAR-00042.")
    participant_id: int
    kind: str = Field(description="own_download (asked for by the participant) or made_to_staff.")
    how_made: str
    status: str = Field(description="received, preparing, prepared, released or failed.")
    received_on: datetime.date
    due_on: datetime.date = Field(description="The legal deadline (one calendar month, plus any extension).")
    extended_by_months: int
    prepared_at: datetime.datetime | None
    released_at: datetime.datetime | None
    copy_available: bool = Field(description="A copy is stored and has not expired.")
    status_url: str
    download_url: str | None = Field(description="Set once the caller may download the copy (after release).")


def _out(item: SubjectAccessRequest) -> dict[str, Any]:
    available = bool(getattr(item, "has_copy", False))
    downloadable = available and item.status == Model.Status.RELEASED
    return {
        **{name: getattr(item, name) for name in SubjectAccessOut.model_fields if hasattr(item, name)},
        "copy_available": available,
        "status_url": reverse("api-v1:get_subject_access_request", args=[item.pk]),
        "download_url": reverse("api-v1:download_subject_access_copy", args=[item.pk]) if downloadable else None,
    }


def _body(request: HttpRequest) -> SubjectAccessIn:
    """The body, read only once the caller is known to be allowed: 400 with messages per field."""
    raw = request.body or b""
    try:
        json.loads(raw)
    except (ValueError, RecursionError) as error:  # RecursionError: nested deeper than any real request
        raise HttpError(400, NOT_JSON_MESSAGE) from error
    try:
        return SubjectAccessIn.model_validate_json(raw)
    except pydantic.ValidationError as error:
        raise BodyValidationError(
            [{**problem, "loc": ("body", "payload", *problem["loc"])} for problem in error.errors()]
        ) from error


def _read(request: HttpRequest, request_id: int) -> SubjectAccessRequest:
    item = request_for(caller(request), request_id)
    if item is None:
        raise NotFound("No such request.")
    return item


@router.post(
    "/participants/{participant_id}/subject-access",
    response={202: SubjectAccessOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Log a request made to staff for a copy of a participant's data, and prepare the copy",
    url_name="request_subject_access",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": SubjectAccessIn.model_json_schema()}},
        }
    },
)
def request_subject_access(request: HttpRequest, participant_id: int) -> Status[dict[str, Any]]:
    """The participant's area manager logs a request made to staff (when it was received, how, by
    whom, how identity was checked) and the copy is prepared in the background. Answers 202: follow
    `status_url` until `status` is `prepared`, then decide on restricted notes and release the copy
    on the request's page. A participant asks for their own copy with `POST /me/subject-access`."""
    user = caller(request)
    participant = visible_participant(user, participant_id)
    if not rules.has_perm("subject_access.handle_request", user, participant):
        if caller_standing(request).participant_id == participant.pk:
            raise NotAllowed("Ask for a copy of your own data with POST /api/v1/me/subject-access.")
        raise NotAllowed("Requests for a copy of someone's data are logged by their partnership's manager.")
    payload = _body(request)
    logged = log_request(actor=user, participant_id=participant.pk, **payload.model_dump())
    item = prepare_copy(actor=user, request_id=logged.pk, expected_version=logged.version)
    return Status(202, _out(_read(request, item.pk)))


@router.post(
    "/me/subject-access",
    response={202: SubjectAccessOut, **error_responses(401, 403)},
    summary="Ask for a copy of everything held about you (prepared in the background)",
    url_name="request_own_subject_access",
)
def request_own_subject_access(request: HttpRequest) -> Status[dict[str, Any]]:
    """A participant's own copy, the same as on their page (no body needed). Their data is theirs to
    take by any interface, and the API is how they would move it to another service (Art. 20).
    Answers 202: follow `status_url` until `status` is `released`, then fetch `download_url`.
    Asking again while one is being prepared gives that one."""
    item = ask_for_own_copy(actor=caller(request))
    return Status(202, _out(_read(request, item.pk)))


@router.get(
    "/subject-access/{request_id}",
    response={200: SubjectAccessOut, **error_responses(401, 404)},
    summary="A request for a copy of someone's data: its status, and where to download the copy",
    url_name="get_subject_access_request",
)
def get_subject_access_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """The participant's own requests (those made to staff once released) and the area manager's. Audited."""
    item = _read(request, request_id)
    record_participant_view(actor=caller(request), participant=item.participant)
    return _out(item)


@router.get(
    "/subject-access/{request_id}/download",
    response={200: None, **error_responses(401, 404, 409)},
    summary="Download the copy (application/zip: data.json and data.pdf)",
    url_name="download_subject_access_copy",
)
def download_subject_access_copy(request: HttpRequest, request_id: int) -> HttpResponse:
    """Once released: the ZIP, audited as an export. 409 while it is being prepared or after it was deleted."""
    item = _read(request, request_id)
    with audit_context(channel=AuditEvent.Channel.EXPORT):
        item, copy = copy_for_download(actor=caller(request), request_id=item.pk)
    response = HttpResponse(bytes(copy.content), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{file_name(item.participant.reference, copy.made_at)}"'
    response["Cache-Control"] = "no-store"
    return response

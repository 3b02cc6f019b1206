"""Progress checks (distance travelled) and the job-search log of one participant.

Rows come through participants_visible_to: a participant gets their own, a keyworker their
caseload's (and cases covered), a manager their area's; anyone else gets 404 as for a participant
who does not exist. Every read is audited (channel "api"); every change goes through a service.
"""

import datetime
from typing import TYPE_CHECKING, Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from coproduce.api.v1.auth import caller
from coproduce.api.v1.pagination import PageNumber
from coproduce.api.v1.schemas import Input, VersionIn, error_responses, one_of
from coproduce.core.errors import NotFound
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import Participant
from coproduce.participants.selectors import participants_visible_to
from coproduce.participants.services import record_participant_view
from coproduce.plans.models import JobSearchEntry, ProgressArea, ProgressCheck
from coproduce.plans.selectors.job_search import job_search_entries_visible_to, job_search_log_for
from coproduce.plans.selectors.progress import progress_checks_for
from coproduce.plans.services.job_search import (
    add_job_search_entry,
    delete_job_search_entry,
    update_job_search_entry,
)
from coproduce.plans.services.progress import record_progress_check

router = Router(tags=["progress checks and job search"])


if TYPE_CHECKING:
    AreaChoice = str
    ReaderChoice = str
    JobSearchAction = str
else:
    AreaChoice = one_of(ProgressArea)
    ReaderChoice = one_of(ProgressCheck.Reader)
    JobSearchAction = one_of(JobSearchEntry.Action)


class ProgressScoreOut(Schema):
    area: str
    score: int
    comment: str


class ProgressCheckOut(Schema):
    id: int
    participant_id: int
    checked_on: datetime.date
    reader: str = Field(description="Whose reading: `participant` or `keyworker`. Where they differ, both are kept.")
    recorded_by: str
    scores: list[ProgressScoreOut]

    @staticmethod
    def resolve_recorded_by(check: ProgressCheck) -> str:
        return str(check.recorded_by)

    @staticmethod
    def resolve_scores(check: ProgressCheck) -> list[ProgressScoreOut]:
        return [ProgressScoreOut(area=s.area, score=s.score, comment=s.comment) for s in check.scores.all()]


class ProgressScoreIn(Input):
    area: AreaChoice
    score: int = Field(description="From 1 to 10.")
    comment: str = Field("", description="In the participant's own words.")


class ProgressCheckIn(Input):
    checked_on: datetime.date
    reader: ReaderChoice | None = Field(
        None, description="A participant always gives their own; staff give `keyworker` unless they say `participant`."
    )
    scores: list[ProgressScoreIn] = Field(description="One for each of the eight areas.")


class JobSearchEntryOut(Schema):
    id: int
    participant_id: int
    searched_on: datetime.date
    action: str
    employer: str
    role: str
    what_i_did: str
    outcome: str
    recorded_by: str
    version: int

    @staticmethod
    def resolve_recorded_by(entry: JobSearchEntry) -> str:
        return str(entry.recorded_by)


class JobSearchEntryIn(Input):
    searched_on: datetime.date
    action: JobSearchAction
    employer: str = ""
    role: str = ""
    what_i_did: str = ""
    outcome: str = ""


class JobSearchEntryUpdateIn(Input):
    version: int = Field(description="The `version` you read; a stale one gets 409 and nothing is saved.")
    searched_on: Annotated[datetime.date, Field(None)]
    action: Annotated[JobSearchAction, Field(None)]
    employer: Annotated[str, Field(None)]
    role: Annotated[str, Field(None)]
    what_i_did: Annotated[str, Field(None)]
    outcome: Annotated[str, Field(None)]


def _read_participant(request: HttpRequest, participant_id: int) -> Participant:
    """The participant if visible (404 otherwise); the read of their record is audited."""
    participant = participants_visible_to(caller(request)).filter(pk=participant_id).first()
    if participant is None:
        raise NotFound("No such participant.")
    record_participant_view(actor=caller(request), participant=participant)
    return participant


@router.get(
    "/participants/{participant_id}/progress-checks",
    response={200: list[ProgressCheckOut], **error_responses(400, 401, 404)},
    summary="List one participant's progress checks",
    url_name="list_progress_checks",
)
@paginate(PageNumber)
def list_progress_checks(request: HttpRequest, participant_id: int) -> QuerySet[ProgressCheck]:
    """Oldest first, each with its eight scores. The read is audited."""
    participant = _read_participant(request, participant_id)
    return progress_checks_for(caller(request), participant.pk)


@router.post(
    "/participants/{participant_id}/progress-checks",
    response={201: ProgressCheckOut, **error_responses(400, 401, 403, 404)},
    summary="Record a progress check",
    url_name="record_progress_check",
)
def record_progress_check_route(
    request: HttpRequest, participant_id: int, payload: ProgressCheckIn
) -> Status[ProgressCheck]:
    """All eight areas, each 1–10 with an optional comment. The participant, or their keyworker or manager."""
    scores: dict[str, tuple[int, str]] = {}
    for item in payload.scores:
        if item.area in scores:
            raise InvalidInput({"scores": [f"{item.area} is given more than once."]})
        scores[item.area] = (item.score, item.comment)
    check = record_progress_check(
        actor=caller(request),
        participant_id=participant_id,
        checked_on=payload.checked_on,
        reader=payload.reader,
        scores=scores,
    )
    return Status(201, progress_checks_for(caller(request), participant_id).get(pk=check.pk))


@router.get(
    "/participants/{participant_id}/job-search",
    response={200: list[JobSearchEntryOut], **error_responses(400, 401, 404)},
    summary="List one participant's job-search log",
    url_name="list_job_search_entries",
)
@paginate(PageNumber)
def list_job_search_entries(request: HttpRequest, participant_id: int) -> QuerySet[JobSearchEntry]:
    """Newest first. The read is audited."""
    participant = _read_participant(request, participant_id)
    return job_search_log_for(caller(request), participant.pk)


@router.post(
    "/participants/{participant_id}/job-search",
    response={201: JobSearchEntryOut, **error_responses(400, 401, 403, 404)},
    summary="Add to a participant's job-search log",
    url_name="add_job_search_entry",
)
def add_job_search_entry_route(
    request: HttpRequest, participant_id: int, payload: JobSearchEntryIn
) -> Status[JobSearchEntry]:
    """By the participant, or their keyworker with them. Audited."""
    entry = add_job_search_entry(actor=caller(request), participant_id=participant_id, **payload.model_dump())
    return Status(201, entry)


@router.patch(
    "/job-search/{entry_id}",
    response={200: JobSearchEntryOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Change a job-search entry",
    url_name="update_job_search_entry",
)
def update_job_search_entry_route(
    request: HttpRequest, entry_id: int, payload: JobSearchEntryUpdateIn
) -> JobSearchEntry:
    """Send `version` from your last read and only the fields to change; 409 if someone changed it since."""
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    update_job_search_entry(
        actor=caller(request),
        entry_id=entry_id,
        expected_version=version,
        changes=changes,
    )
    entry = job_search_entries_visible_to(caller(request)).select_related("recorded_by").get(pk=entry_id)
    return entry


@router.delete(
    "/job-search/{entry_id}",
    response={204: None, **error_responses(400, 401, 403, 404, 409)},
    summary="Remove a job-search entry",
    url_name="delete_job_search_entry",
)
def delete_job_search_entry_route(request: HttpRequest, entry_id: int, payload: VersionIn) -> Status[None]:
    """An entry recorded by mistake. The participant may remove any entry in their log, staff only
    the ones they added. Send `version` from your last read; 409 if someone changed it since. Audited."""
    delete_job_search_entry(actor=caller(request), entry_id=entry_id, expected_version=payload.version)
    return Status(204, None)

"""Access cases for progress checks, the job-search log (and its PDF) and "what is recorded about me".

The participant's own pages are about Pat; the casework pages about Paula (Kim's participant
without a sign-in), so that Pat, playing the participant, is refused and never sees her.
"""

from django.urls import reverse

from coproduce.plans.models import JobSearchEntry, ProgressArea, ProgressCheck, ProgressCheckDraft
from tests.access.matrix import AccessCase, roles
from tests.personas import Personas
from tests.plans.factories import JobSearchEntryFactory

PARTICIPANT = roles("participant")
CASEWORKERS = roles("keyworker", "partnership_manager")
PAT_AND_CASEWORKERS = CASEWORKERS | PARTICIPANT


def paula_secrets(p: Personas) -> list[str]:
    paula = p.second_participant
    return [paula.reference, paula.family_name]


def pat_secrets(p: Personas) -> list[str]:
    # Not her family name ("Participant"), which is also a word on managers' menus.
    return [p.participant.reference, p.participant.email, p.participant.mobile]


def entry_of(participant: object) -> JobSearchEntry:
    existing = JobSearchEntry.objects.filter(participant=participant).order_by("pk").first()
    return existing or JobSearchEntryFactory(participant=participant, recorded_by=participant.keyworker.user)  # type: ignore[attr-defined]


def entries_snapshot(p: Personas) -> tuple[object, ...]:
    entry_of(p.second_participant)
    entry_of(p.participant)
    return tuple(
        JobSearchEntry.objects.order_by("pk").values_list("pk", "participant_id", "employer", "outcome", "version")
    )


def checks_snapshot(p: Personas) -> tuple[object, ...]:
    return tuple(ProgressCheck.objects.order_by("pk").values_list("pk", "participant_id", "reader"))


def drafts_snapshot(p: Personas) -> tuple[object, ...]:
    return tuple(ProgressCheckDraft.objects.order_by("pk").values_list("pk", "participant_id", "answers", "version"))


def answers() -> dict[str, str]:
    return {f"score_{area}": "6" for area in ProgressArea.values}


def entry_form(p: Personas, entry: JobSearchEntry | None = None) -> dict[str, object]:
    return {
        "searched_on": "2026-11-09",
        "action": "applied",
        "employer": "Fife Council",
        "outcome": "Changed",
        "version": entry.version if entry else "",
    }


def api_scores() -> list[dict[str, object]]:
    return [{"area": area, "score": 6} for area in ProgressArea.values]


CASES = [
    # The participant's own pages.
    AccessCase(
        route="web:my_progress",
        url=lambda p: reverse("web:my_progress"),
        allowed=PARTICIPANT,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:my_progress_add",
        url=lambda p: reverse("web:my_progress_add"),
        allowed=PARTICIPANT,
        allowed_status=302,
    ),
    AccessCase(
        route="web:my_progress_question",
        url=lambda p: reverse("web:my_progress_question", args=["money"]),
        allowed=PARTICIPANT,
    ),
    AccessCase(
        route="web:my_progress_question",
        label="save",
        url=lambda p: reverse("web:my_progress_question", args=["money"]),
        method="POST",
        data=lambda p: {"score": "6", "comment": "", "action": "continue"},
        allowed=PARTICIPANT,
        allowed_status=302,
        snapshot=drafts_snapshot,
    ),
    AccessCase(
        route="web:my_progress_check",
        url=lambda p: reverse("web:my_progress_check"),
        allowed=PARTICIPANT,
        allowed_status=302,
    ),
    AccessCase(
        route="web:my_progress_check",
        label="send",
        url=lambda p: reverse("web:my_progress_check"),
        method="POST",
        allowed=PARTICIPANT,
        allowed_status=302,
        snapshot=checks_snapshot,
    ),
    AccessCase(
        route="web:my_job_search",
        url=lambda p: reverse("web:my_job_search"),
        allowed=PARTICIPANT,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(route="web:my_job_search_add", url=lambda p: reverse("web:my_job_search_add"), allowed=PARTICIPANT),
    AccessCase(
        route="web:my_job_search_add",
        label="save",
        url=lambda p: reverse("web:my_job_search_add"),
        method="POST",
        data=lambda p: entry_form(p),
        allowed=PARTICIPANT,
        allowed_status=302,
        snapshot=entries_snapshot,
    ),
    AccessCase(
        route="web:my_job_search_pdf",
        url=lambda p: reverse("web:my_job_search_pdf"),
        allowed=PARTICIPANT,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:my_record",
        url=lambda p: reverse("web:my_record"),
        allowed=PARTICIPANT,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    # Casework pages, about Paula.
    AccessCase(
        route="web:participant_progress",
        url=lambda p: reverse("web:participant_progress", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:participant_progress",
        label="another keyworker's participant",
        url=lambda p: reverse("web:participant_progress", args=[p.other_participant.pk]),
        allowed=roles("partnership_manager"),
        audited_participant=lambda p: p.other_participant,
        secrets=lambda p: [p.other_participant.reference, p.other_participant.family_name],
    ),
    AccessCase(
        route="web:participant_progress_add",
        url=lambda p: reverse("web:participant_progress_add", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:participant_progress_add",
        label="save",
        url=lambda p: reverse("web:participant_progress_add", args=[p.second_participant.pk]),
        method="POST",
        data=lambda p: answers() | {"checked_on": "2026-03-02", "reader": "keyworker"},
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=checks_snapshot,
    ),
    AccessCase(
        route="web:participant_job_search",
        url=lambda p: reverse("web:participant_job_search", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:participant_job_search",
        label="add",
        url=lambda p: reverse("web:participant_job_search", args=[p.second_participant.pk]),
        method="POST",
        data=lambda p: entry_form(p),
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=entries_snapshot,
    ),
    AccessCase(
        route="web:participant_job_search_pdf",
        url=lambda p: reverse("web:participant_job_search_pdf", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:participant_record",
        url=lambda p: reverse("web:participant_record", args=[p.second_participant.pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:job_search_edit",
        url=lambda p: reverse("web:job_search_edit", args=[entry_of(p.second_participant).pk]),
        allowed=CASEWORKERS,
        audited_participant=lambda p: p.second_participant,
        secrets=paula_secrets,
    ),
    AccessCase(
        route="web:job_search_edit",
        label="own entry",
        url=lambda p: reverse("web:job_search_edit", args=[entry_of(p.participant).pk]),
        allowed=PAT_AND_CASEWORKERS,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="web:job_search_edit",
        label="save",
        url=lambda p: reverse("web:job_search_edit", args=[entry_of(p.second_participant).pk]),
        method="POST",
        data=lambda p: entry_form(p, entry_of(p.second_participant)),
        allowed=CASEWORKERS,
        allowed_status=302,
        snapshot=entries_snapshot,
    ),
    # API.
    AccessCase(
        route="api-v1:list_progress_checks",
        url=lambda p: reverse("api-v1:list_progress_checks", args=[p.participant.pk]),
        allowed=PAT_AND_CASEWORKERS,
        api=True,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:record_progress_check",
        url=lambda p: reverse("api-v1:record_progress_check", args=[p.participant.pk]),
        method="POST",
        json=True,
        data=lambda p: {"checked_on": "2026-03-02", "scores": api_scores()},
        allowed=PAT_AND_CASEWORKERS,
        allowed_status=201,
        api=True,
        snapshot=checks_snapshot,
    ),
    AccessCase(
        route="api-v1:list_job_search_entries",
        url=lambda p: reverse("api-v1:list_job_search_entries", args=[p.participant.pk]),
        allowed=PAT_AND_CASEWORKERS,
        api=True,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    AccessCase(
        route="api-v1:add_job_search_entry",
        url=lambda p: reverse("api-v1:add_job_search_entry", args=[p.participant.pk]),
        method="POST",
        json=True,
        data=lambda p: {"searched_on": "2026-11-09", "action": "applied", "employer": "Fife Council"},
        allowed=PAT_AND_CASEWORKERS,
        allowed_status=201,
        api=True,
        snapshot=entries_snapshot,
    ),
    AccessCase(
        route="api-v1:update_job_search_entry",
        url=lambda p: reverse("api-v1:update_job_search_entry", args=[entry_of(p.participant).pk]),
        method="PATCH",
        json=True,
        data=lambda p: {"version": entry_of(p.participant).version, "outcome": "Changed"},
        allowed=PAT_AND_CASEWORKERS,
        api=True,
        secrets=pat_secrets,
        snapshot=entries_snapshot,
    ),
    AccessCase(
        route="api-v1:delete_job_search_entry",
        url=lambda p: reverse("api-v1:delete_job_search_entry", args=[entry_of(p.participant).pk]),
        method="DELETE",
        json=True,
        data=lambda p: {"version": entry_of(p.participant).version},
        # Pat's log is his to tidy; of the staff, only Kim, who added the entry.
        allowed=PARTICIPANT | roles("keyworker"),
        allowed_status=204,
        api=True,
        snapshot=entries_snapshot,
    ),
]

"""What a participant's own copy holds: everything about them, in data.json of a pinned shape and a
tagged PDF, and never a note restricted from them (not its text, not a trace of it)."""

from collections.abc import Callable
from typing import Any

import pytest

from coproduce.audit.models import AuditEvent
from coproduce.subject_access.builder import FORMAT_VERSION, CopyScope, build_copy
from coproduce.subject_access.models import PreparedCopy, SubjectAccessRequest
from coproduce.subject_access.package import CopyShapeError, check_shape, schema, who_looked_for_reading
from coproduce.subject_access.services import ask_for_own_copy
from tests.personas import Personas
from tests.research.story import CHOICE_PASSAGE
from tests.subject_access.copies import OpenedCopy, open_copy
from tests.subject_access.story import (
    FEEDBACK,
    HIDDEN_NOTE,
    HIDDEN_REASON,
    JOB_SEARCH,
    OPEN_NOTE,
    OWN_GOAL,
    REQUEST,
    SOFTER_NOTE,
    STEP,
    PatsRecord,
    build_pats_record,
)

# The keys of data.json, one per kind of record. Changing this list is changing the format:
# docs/subject-access.md and FORMAT_VERSION change with it.
TOP_LEVEL_KEYS = [
    "format_version",
    "about",
    "details",
    "details_history",
    "account",
    "household",
    "availability",
    "enquiry",
    "consents",
    "assessments",
    "goals",
    "contacts",
    "appointments",
    "progress_checks",
    "unfinished_progress_check",
    "job_search_log",
    "work_wish",
    "requests",
    "feedback",
    "group_session_invitations",
    "referrals",
    "outcomes",
    "money_spent",
    "cover",
    "research",
    "survey_invitations",
    "messages_sent",
    "who_looked",
    "other_records",
]

# The anonymous answer in the research story: an answer nobody may link to anyone.
SURVEY_ANSWER = "More evening sessions, please."


@pytest.fixture
def record(personas: Personas) -> PatsRecord:
    return build_pats_record(personas)


@pytest.fixture
def pats_copy(
    personas: Personas, record: PatsRecord, django_capture_on_commit_callbacks: Callable[..., Any]
) -> OpenedCopy:
    with django_capture_on_commit_callbacks(execute=True):
        request = ask_for_own_copy(actor=personas.participant.user)
    return open_copy(bytes(PreparedCopy.objects.get(request=request).content))


def test_the_copy_is_a_zip_of_data_json_and_a_tagged_pdf(pats_copy: OpenedCopy) -> None:
    assert pats_copy.names == ["README.txt", "data.json", "data.pdf"]
    assert pats_copy.pdf_is_tagged
    assert pats_copy.pdf_language_and_title == ("en-GB", "Everything we hold about Pat Participant")
    assert "Everything we hold about you" in pats_copy.pdf_text


def test_data_json_has_one_key_per_kind_of_record_and_fits_its_schema(pats_copy: OpenedCopy) -> None:
    assert list(pats_copy.data) == TOP_LEVEL_KEYS
    assert pats_copy.data["format_version"] == FORMAT_VERSION == "2"
    check_shape(pats_copy.data)  # raises if the shape drifted from the schema


def test_the_schema_pins_the_same_keys_and_refuses_anything_else(pats_copy: OpenedCopy) -> None:
    assert schema()["required"] == TOP_LEVEL_KEYS
    assert list(schema()["properties"]) == TOP_LEVEL_KEYS
    with pytest.raises(CopyShapeError, match="Additional properties are not allowed"):
        check_shape({**pats_copy.data, "something_new": []})
    changed = {**pats_copy.data, "contacts": [{**pats_copy.data["contacts"][0], "notes": None}]}
    with pytest.raises(CopyShapeError, match="contacts/0/notes"):
        check_shape(changed)


def test_it_holds_everything_about_him(pats_copy: OpenedCopy, personas: Personas) -> None:
    data = pats_copy.data
    assert data["details"]["reference"] == "MIW-FIF-00001"
    assert data["details"]["keyworker"] == "Kim Keyworker"
    assert data["account"]["sign_in_name"] == "pat@example.net"
    assert data["household"]["children"] == [{"birth_year": 2012}, {"birth_year": 2016}]
    assert [row["change"] for row in data["household"]["history"]] == ["created", "created"]
    assert data["details_history"][0]["change"] == "created"
    assert sorted(consent["purpose"]["code"] for consent in data["consents"]) == [
        "research",
        "service",
        "share_with_organisation",
        "share_with_organisation",
    ]
    assert all(consent["history"] for consent in data["consents"])
    assert data["assessments"][0]["barriers"][0]["own_words"] == "No one to pick the kids up after school."
    assert [goal["title"] for goal in data["goals"]] == ["Work in care, in school hours", OWN_GOAL]
    assert data["goals"][1]["added_by_participant"] is True
    assert [contact["notes"] for contact in data["contacts"]] == [OPEN_NOTE]
    assert data["job_search_log"][0]["employer"] == JOB_SEARCH
    assert data["progress_checks"][0]["scores"][0] == {
        "area": {"code": "childcare", "label": "Childcare"},
        "score": 5,
        "comment": "",
    }
    assert len(data["appointments"]) == 1
    assert data["work_wish"]["contract_types"] == [
        {"code": "permanent", "label": "Permanent"},
        {"code": "fixed_term", "label": "Fixed term"},
    ]
    assert [request["text"] for request in data["requests"]] == [REQUEST]
    assert [item["text"] for item in data["feedback"]] == [FEEDBACK]
    assert [outcome["kind"]["code"] for outcome in data["outcomes"]] == ["job_start"]
    assert [check["weeks"] for check in data["outcomes"][0]["sustainment_checks"]] == [4, 13, 26, 52]
    assert data["outcomes"][0]["hourly_pay"] == "8.25"
    assert [(spend["amount"], spend["state"]["code"]) for spend in data["money_spent"]] == [("35.00", "approved")]
    assert [cover["covering_keyworker"] for cover in data["cover"]] == ["Owen Other"]
    assert data["availability"] == [
        {
            "weekday": {"code": 1, "label": "Tuesday"},
            "part_of_day": {"code": "morning", "label": "Morning (9am to 12 noon)"},
        }
    ]


def test_every_answer_to_a_step_and_how_it_was_given(pats_copy: OpenedCopy) -> None:
    step = pats_copy.data["goals"][0]["steps"][0]
    assert step["description"] == STEP
    assert step["state"]["code"] == "agreed"
    assert [
        (answer["state"]["code"], answer["wants_to_talk"], answer["answered_how"] and answer["answered_how"]["code"])
        for answer in step["answers"]
    ] == [("offered", False, None), ("offered", True, None), ("agreed", False, "themselves")]
    assert step["answers"][2]["recorded_by"] == "Pat Participant"


def test_referrals_say_exactly_what_each_organisation_received_and_when(
    pats_copy: OpenedCopy, personas: Personas
) -> None:
    received = {
        referral["organisation"]: referral["received_by_organisation"] for referral in pats_copy.data["referrals"]
    }
    money = received["Kingdom Money Advice"]
    assert [field["label"] for field in money["fields"]] == [
        "Name",
        "Mobile number",
        "What gets in the way, in their own words",
    ]
    assert money["received_at"] == personas.referral.sent_at.astimezone().isoformat(timespec="seconds")
    assert money["access_ended_at"] is None
    assert [field["code"] for field in received["Fife Childcare Links"]["fields"]] == ["name", "mobile", "children"]
    assert "What Kingdom Money Advice received" in pats_copy.pdf_text


def test_research_consent_pseudonym_and_survey_invitations_but_never_survey_answers(pats_copy: OpenedCopy) -> None:
    research = pats_copy.data["research"]
    assert research["pseudonym"] == "R-TESTPAT"
    assert research["consent"]["quotation"] is True
    assert [interview["status"]["code"] for interview in research["interviews"]] == ["done"]
    assert CHOICE_PASSAGE in research["interviews"][0]["transcript"]["text"]
    assert [quote["attribution"] for quote in research["quotes"]] == ["Service User, Fife, 2015"]
    assert [(item["survey"], item["answered"]) for item in pats_copy.data["survey_invitations"]] == [
        ("How is the service for you?", False)
    ]
    assert not pats_copy.contains(SURVEY_ANSWER)


def test_who_looked_is_there_as_his_own_page_shows_it(pats_copy: OpenedCopy) -> None:
    looked = pats_copy.data["who_looked"]
    kims_view = [event for event in looked if event["who"] == "Kim Keyworker" and event["action"]["code"] == "view"]
    assert kims_view == [
        {
            "at": kims_view[0]["at"],
            "who": "Kim Keyworker",
            "role": "Keyworker",
            "action": {"code": "view", "label": "Looked at the record"},
            "record": "your record",
            "changed_fields": [],
            "purpose": "Casework",
            "channel": {"code": "system", "label": "System"},
        }
    ]
    assert [event["who"] for event in looked if event["action"]["code"] == "create"][-1] == "You"


def test_restricted_notes_leave_no_trace_in_his_own_copy(pats_copy: OpenedCopy, record: PatsRecord) -> None:
    for secret in (HIDDEN_NOTE, HIDDEN_REASON, SOFTER_NOTE):
        assert not pats_copy.contains(secret)
    # Not even the events about them: restricting a note, and the notes' creation, are left out.
    events_about_notes = [
        event for event in pats_copy.data["who_looked"] if event["record"] == "a note of a meeting or call"
    ]
    assert events_about_notes == []
    assert len(pats_copy.data["contacts"]) == 1


def test_a_participant_with_almost_nothing_recorded_gets_a_copy_of_the_same_shape(personas: Personas) -> None:
    gemma = personas.glasgow_participant
    built = build_copy(CopyScope(participant_id=gemma.pk, reader=None))
    check_shape(built.data)
    assert list(built.data) == TOP_LEVEL_KEYS
    assert built.data["account"] is None
    assert built.data["enquiry"] is None
    assert built.data["research"] == {"consent": None, "pseudonym": None, "interviews": [], "quotes": []}
    assert built.contents["contacts"] == 0


def test_asking_is_audited_and_preparing_is_recorded(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    pat = personas.participant
    with django_capture_on_commit_callbacks(execute=True):
        request = ask_for_own_copy(actor=pat.user)
    events = AuditEvent.objects.filter(record_type="subject_access.SubjectAccessRequest", record_id=str(request.pk))
    assert sorted(events.values_list("action", "actor_id", "purpose", "changed_fields")) == [
        ("create", pat.user.pk, "Subject access request", []),
        ("create", pat.user.pk, "Subject access request", ["copy"]),
    ]
    request.refresh_from_db()
    assert request.status == SubjectAccessRequest.Status.RELEASED
    assert request.released_at == request.prepared_at


def test_the_pdf_counts_repeated_looks_instead_of_listing_each() -> None:
    def event(at: str, action: str, who: str = "Kim Keyworker", purpose: str = "Casework") -> dict[str, Any]:
        return {
            "at": at,
            "who": who,
            "role": "Keyworker",
            "action": {"code": action, "label": action.title()},
            "record": "your record",
            "changed_fields": [],
            "purpose": purpose,
            "channel": None,
        }

    lines = who_looked_for_reading(
        [
            event("2026-03-05T09:00:00+00:00", "view"),
            event("2026-03-05T15:00:00+00:00", "view"),
            event("2026-03-05T16:00:00+00:00", "view", purpose="Partnership oversight"),
            event("2026-03-06T09:00:00+00:00", "view"),
            event("2026-03-06T09:00:00+00:00", "list"),
            event("2026-03-28T09:00:00+00:00", "list"),
            event("2026-04-01T09:00:00+01:00", "list", who="Owen Other"),
        ]
    )
    assert [(line.first_at[:10], line.period, line.who, line.action, line.purpose, line.times) for line in lines] == [
        ("2026-03-05", "day", "Kim Keyworker", "View", "Casework", 2),
        ("2026-03-05", "day", "Kim Keyworker", "View", "Partnership oversight", 1),
        ("2026-03-06", "day", "Kim Keyworker", "View", "Casework", 1),
        ("2026-03-06", "month", "Kim Keyworker", "List", "Casework", 2),
        ("2026-04-01", "month", "Owen Other", "List", "Casework", 1),
    ]


def test_referral_messages_and_ratings_are_in_the_copy(personas: Personas) -> None:
    from django.utils import timezone

    from coproduce.referrals.models import ReferralMessage

    referral = personas.with_referrals().referral
    ReferralMessage.objects.create(
        referral=referral,
        author=personas.partner_worker.user,
        author_organisation=personas.partner_agency,
        written_at=timezone.now(),
        text="Pat prefers mornings.",
    )

    built = build_copy(CopyScope(participant_id=personas.participant.pk, reader=None))

    check_shape(built.data)
    money = next(item for item in built.data["referrals"] if item["organisation"] == "Kingdom Money Advice")
    assert [(m["by"], m["organisation"], m["text"]) for m in money["messages"]] == [
        ("Priya Partner", "Kingdom Money Advice", "Pat prefers mornings.")
    ]
    assert money["your_rating"] is None


def test_a_person_who_took_part_in_two_programmes_gets_both_records_in_their_copy(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """One person, one history: their own copy holds the record they sign in to and, whole, the record
    from the programme they took part in before; a note restricted from them in it stays withheld."""
    import datetime
    import io
    import zipfile

    from coproduce.subject_access.services import log_request
    from tests.participants.factories import ParticipantFactory
    from tests.plans.factories import ContactFactory
    from tests.programmes.factories import PartnershipFactory, ProgrammeFactory

    pat = personas.participant
    from django.utils import timezone

    ContactFactory(
        participant=pat,
        notes="A note kept back for safety reasons",
        restricted_at=timezone.now(),
        restricted_reason="Safeguarding",
    )
    ContactFactory(participant=pat, notes="Talked about childcare for the summer")
    later = ProgrammeFactory(
        name="Making It Work Together", reference_prefix="MWT", starts_on=datetime.date(2025, 4, 1)
    )
    later_fife = PartnershipFactory(programme=later, area_name="Fife", gss_code="S12000047", short_code="FIF")
    again = ParticipantFactory(
        user=pat.user,
        reference="MWT-FIF-00001",
        given_name="Pat",
        family_name="Participant",
        partnership=later_fife,
        joined_on=datetime.date(2025, 6, 2),
        status_since=datetime.date(2025, 6, 2),
    )

    with django_capture_on_commit_callbacks(execute=True):
        request = ask_for_own_copy(actor=pat.user)
    assert request.participant_id == again.pk
    content = bytes(PreparedCopy.objects.get(request=request).content)
    copy = open_copy(content)
    check_shape(copy.data)
    assert copy.data["details"]["reference"] == "MWT-FIF-00001"
    [earlier] = copy.data["other_records"]
    assert (earlier["programme"], earlier["participant_reference"]) == ("Making It Work", "MIW-FIF-00001")
    assert earlier["copy"]["other_records"] == []
    notes = [contact["notes"] for contact in earlier["copy"]["contacts"]]
    assert "Talked about childcare for the summer" in notes
    assert not copy.contains("A note kept back for safety reasons")
    assert "MIW-FIF-00001.pdf" in zipfile.ZipFile(io.BytesIO(content)).namelist()

    # A copy an area's manager makes covers their area's record only.
    manager_copy = build_copy(
        CopyScope(
            participant_id=pat.pk,
            reader=personas.manager.user,
            request=log_request(
                actor=personas.manager.user,
                participant_id=pat.pk,
                how_made=SubjectAccessRequest.HowMade.LETTER,
                received_on=datetime.date(2026, 11, 2),
                identity_checked=SubjectAccessRequest.IdentityCheck.PHOTO_ID,
            ),
        )
    )
    assert manager_copy.data["other_records"] == []

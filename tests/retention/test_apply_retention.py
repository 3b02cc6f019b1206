"""The daily retention run: what it anonymises, what it keeps, and that it can be run safely.

Jo Quillson's case on Kim's caseload closed on 31 March 2017, with something of every kind on
record (tests/retention/story.py). Under the standard schedule (six years) it is due on
31 March 2023.
"""

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.accounts.models import ApiToken, User
from coproduce.audit.models import AuditEvent
from coproduce.budgets.models import Spend
from coproduce.outcomes.models import Outcome, SustainmentCheck, WorkWish
from coproduce.participants.models import AvailabilitySlot, Child, Consent, Enquiry, Participant
from coproduce.plans.models import AssessmentBarrier, Contact, ProgressScore, Step
from coproduce.referrals.models import Referral, SharedField
from coproduce.research.models import Transcript, TranscriptPolicy
from coproduce.retention.anonymise import (
    ANONYMISED_LABEL,
    HELD,
    KEPT_AS_THEY_ARE,
    REMOVED,
    WITHDRAWN_REASON,
    anonymise_participants,
)
from coproduce.retention.models import PartnerDeletionNotice, RetentionSchedule
from coproduce.retention.services import apply_retention
from coproduce.retention.tasks import apply_retention_task
from coproduce.subject_access.models import PreparedCopy, SubjectAccessRequest
from coproduce.voice.models import Invitation, Request
from tests.accounts.factories import UserFactory
from tests.participants.factories import EnquiryFactory, ParticipantFactory
from tests.personas import Personas
from tests.research.factories import TranscriptFactory
from tests.retention.search import identifying_needles, values_about, where_found
from tests.retention.story import CLOSED_ON, Everything, person_with_everything

DUE = datetime.date(2023, 3, 31)  # six years after CLOSED_ON: due that day
NOT_YET = datetime.date(2023, 3, 30)


@pytest.fixture
def jo(personas: Personas) -> Everything:
    personas.with_referrals()
    return person_with_everything(personas, "Quill")


def kept_columns(participant_id: int) -> dict[str, Any]:
    """What must survive anonymisation unchanged: everything the figures are made from."""
    return {
        "participant": list(
            Participant.objects.filter(pk=participant_id).values_list(
                "partnership_id", "keyworker_id", "status", "status_since", "joined_on", "heard_about"
            )
        ),
        "barriers": list(
            AssessmentBarrier.objects.filter(assessment__participant_id=participant_id).values_list(
                "barrier", "importance", "assessment__assessed_on"
            )
        ),
        "contacts": list(
            Contact.objects.filter(participant_id=participant_id)
            .order_by("pk")
            .values_list("happened_on", "kind", "duration_minutes", "restricted_at")
        ),
        "steps": list(Step.objects.filter(goal__participant_id=participant_id).values_list("state", "proposed_by")),
        "scores": list(
            ProgressScore.objects.filter(progress_check__participant_id=participant_id)
            .order_by("area")
            .values_list("area", "score", "progress_check__checked_on")
        ),
        "outcomes": list(
            Outcome.objects.filter(participant_id=participant_id).values_list(
                "kind", "achieved_on", "employer_sector", "hours_per_week", "contract_type", "hourly_pay", "evidence"
            )
        ),
        "checks": list(
            SustainmentCheck.objects.filter(outcome__participant_id=participant_id).values_list(
                "weeks", "due_on", "status"
            )
        ),
        "wish": list(
            WorkWish.objects.filter(participant_id=participant_id).values_list(
                "min_hours", "max_hours", "contract_types"
            )
        ),
        "spend": list(
            Spend.objects.filter(participant_id=participant_id).values_list("category", "amount", "state", "pot_id")
        ),
        "requests": list(Request.objects.filter(participant_id=participant_id).values_list("topic", "status", "kind")),
        "invitations": list(Invitation.objects.filter(participant_id=participant_id).values_list("attended")),
        "consents": list(
            Consent.objects.filter(participant_id=participant_id)
            .order_by("pk")
            .values_list("purpose", "organisation_id", "given_at", "withdrawn_at")
        ),
    }


def history_rows_about(participant_id: int, jo: Everything) -> dict[str, int]:
    counts = {
        held.model._meta.label: held.history_rows([participant_id]).count()
        for held in HELD
        if held.has_history and held.delete_history
    }
    counts["participants.Participant"] = Participant.history.filter(id=participant_id).count()
    return counts


def audit_rows() -> list[tuple[Any, ...]]:
    return list(
        AuditEvent.objects.order_by("pk").values_list(
            "pk", "at", "actor_id", "action", "record_type", "record_id", "participant_id", "purpose", "changed_fields"
        )
    )


def test_a_closed_case_past_its_years_is_anonymised_everywhere(
    jo: Everything, personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    needles = identifying_needles([jo.participant.pk])
    # Everything the story wrote is among what is searched for, and is there to be found.
    single_words = {"JoQuill", "Quillson", "JojoQuill"}
    assert set(jo.identifying_values) - single_words <= needles
    assert {"JoQuill Quillson", "JojoQuill Quillson"} <= needles
    assert where_found(needles)
    kept_before = kept_columns(jo.participant.pk)
    events_before = audit_rows()
    assert default_storage.exists(jo.receipt_name)
    assert any(history_rows_about(jo.participant.pk, jo).values())

    with django_capture_on_commit_callbacks(execute=True):
        report = apply_retention(today=DUE)

    assert report.as_counts() == {
        "erasures": 0,
        "closed_cases": 1,
        "enquiries": 0,
        "transcript_originals": 0,
        "referrals_withdrawn": 1,
        "deletion_notices": 2,
        "api_tokens": 0,
        "sessions": 0,
        "sign_in_logs": 0,
        "subject_access_copies": 0,
    }
    # Nothing identifying left in any text column of any table, history tables included.
    assert where_found(needles) == []
    assert values_about([jo.participant.pk]) & needles == set()
    assert set(history_rows_about(jo.participant.pk, jo).values()) == {0}
    # What the figures are made from is untouched.
    assert kept_columns(jo.participant.pk) == kept_before

    participant = Participant.objects.get(pk=jo.participant.pk)
    assert participant.full_name == ANONYMISED_LABEL == "Anonymised participant"
    assert participant.reference == f"ANON-{participant.pk}"
    assert (participant.email, participant.mobile, participant.address, participant.postcode) == ("", "", "", "")
    assert participant.user_id is None
    assert participant.anonymised_at is not None
    account = User.objects.get(pk=jo.user.pk)
    assert (account.username, account.email, account.mobile, account.display_name, account.is_active) == (
        f"anonymised-{jo.user.pk}",
        "",
        "",
        "Anonymised participant",
        False,
    )
    assert not account.has_usable_password()
    assert not TOTPDevice.objects.filter(user=account).exists()
    assert not ApiToken.objects.filter(user=account).exists()
    assert not AccessLog.objects.exists()
    assert not Child.objects.filter(participant=participant).exists()
    assert not AvailabilitySlot.objects.filter(participant=participant).exists()
    assert not default_storage.exists(jo.receipt_name)
    # A restricted note stays restricted, with no words.
    restricted = Contact.objects.get(participant=participant, restricted_at__isnull=False)
    assert (restricted.notes, restricted.restricted_reason) == ("", REMOVED)
    # Research keeps the redacted transcript, not the original.
    transcript = Transcript.objects.get(pk=jo.transcript.pk)  # type: ignore[union-attr]
    assert (transcript.original_text, transcript.original_filename) == ("", "")
    assert transcript.text == "It's all about choices. She never shoved me into anything."

    # The referral under way is withdrawn; the completed one keeps its state; both partners are told.
    assert Referral.objects.get(pk=jo.open_referral.pk).state == Referral.State.WITHDRAWN  # type: ignore[union-attr]
    assert Referral.objects.get(pk=jo.open_referral.pk).withdrawn_reason == WITHDRAWN_REASON  # type: ignore[union-attr]
    assert Referral.objects.get(pk=jo.completed_referral.pk).state == Referral.State.COMPLETED  # type: ignore[union-attr]
    notices = list(
        PartnerDeletionNotice.objects.order_by("referral_id").values_list(
            "referral_id", "organisation_id", "shared_fields", "received_at", "deleted_at"
        )
    )
    assert notices == [
        (
            jo.completed_referral.pk,  # type: ignore[union-attr]
            personas.partner_agency.pk,
            [SharedField.NAME, SharedField.MOBILE, SharedField.BARRIERS],
            jo.completed_referral.sent_at,  # type: ignore[union-attr]
            None,
        ),
        (
            jo.open_referral.pk,  # type: ignore[union-attr]
            personas.partner_agency.pk,
            [SharedField.NAME, SharedField.MOBILE],
            jo.open_referral.sent_at,  # type: ignore[union-attr]
            None,
        ),
    ]

    # Audit rows from before are untouched; one event for the person, one for the referral withdrawn.
    events_after = audit_rows()
    assert events_after[: len(events_before)] == events_before
    new = AuditEvent.objects.filter(pk__gt=events_before[-1][0] if events_before else 0).order_by("pk")
    assert list(new.values_list("actor_id", "action", "record_type", "record_id", "participant_id", "purpose")) == [
        (None, "change", "participants.Participant", str(participant.pk), participant.pk, "Retention"),
        (None, "change", "referrals.Referral", str(jo.open_referral.pk), participant.pk, "Retention"),  # type: ignore[union-attr]
    ]
    assert new.first().changed_fields == sorted(  # type: ignore[union-attr]
        [
            "address",
            "anonymised_at",
            "email",
            "family_name",
            "given_name",
            "heard_about_detail",
            "interpreter_language",
            "language",
            "mobile",
            "postcode",
            "preferred_name",
            "reference",
            "user",
        ]
    )
    assert {event.channel for event in new} == {AuditEvent.Channel.SYSTEM}


def test_a_case_closed_less_than_its_years_ago_and_open_cases_are_left_alone(
    jo: Everything, personas: Personas
) -> None:
    active = person_with_everything(personas, "Tamsin", closed_on=None, mobile_suffix=2)
    before = {pk: values_about([pk]) for pk in (jo.participant.pk, active.participant.pk)}

    report = apply_retention(today=NOT_YET)

    assert report.as_counts()["closed_cases"] == 0
    after = {pk: values_about([pk]) for pk in before}
    assert {pk: after[pk] ^ before[pk] for pk in before} == {pk: set() for pk in before}
    assert not Participant.objects.filter(anonymised_at__isnull=False).exists()
    assert not PartnerDeletionNotice.objects.exists()


def test_the_programmes_schedule_sets_the_years(jo: Everything) -> None:
    RetentionSchedule.objects.create(programme=jo.participant.partnership.programme, closed_case_years=8)

    assert apply_retention(today=DUE).as_counts()["closed_cases"] == 0
    assert apply_retention(today=datetime.date(2025, 3, 31)).as_counts()["closed_cases"] == 1


def everything_in_the_database() -> list[tuple[str, str, list[Any]]]:
    from tests.retention.search import all_text_columns

    return [
        (
            model._meta.db_table,
            field.column,
            sorted(map(str, model._base_manager.values_list(field.attname, flat=True))),
        )
        for model, field in all_text_columns()
    ]


def test_a_dry_run_says_what_would_be_done_and_changes_nothing(jo: Everything) -> None:
    before = everything_in_the_database()
    events = AuditEvent.objects.count()
    out = io.StringIO()

    call_command("apply_retention", "--dry-run", "--today", "2023-03-31", stdout=out)

    assert out.getvalue().splitlines() == [
        "Retention dry run (nothing was changed) for 31 March 2023.",
        "People whose erasure was kept until a date now passed: 0 would be anonymised.",
        f"{jo.participant.partnership.programme.name}: 1 case(s) closed on or before 31 March 2017 would be "
        "anonymised; 0 enquiries that never became participants would be anonymised; 0 unredacted transcript "
        "original(s) would be removed.",
        "API tokens revoked or expired more than 90 days ago: 0 would be deleted.",
        "Expired sessions: 0 would be deleted.",
        "Sign-in log entries older than 90 days: 0 would be deleted.",
        "Prepared copies of people's data (subject access) past their time: 0 would be deleted.",
    ]
    assert everything_in_the_database() == before
    assert AuditEvent.objects.count() == events


def test_running_it_again_changes_nothing_more(jo: Everything) -> None:
    apply_retention(today=DUE)
    after_first = everything_in_the_database()
    events = AuditEvent.objects.count()

    second = apply_retention(today=DUE)

    assert set(second.as_counts().values()) == {0}
    assert everything_in_the_database() == after_first
    assert AuditEvent.objects.count() == events


def test_the_command_and_the_task_run_it(jo: Everything) -> None:
    out = io.StringIO()
    call_command("apply_retention", "--today", "2023-03-31", "--batch-size", "1", stdout=out)

    assert f"{jo.participant.partnership.programme.name}: 1 case(s) closed on or before 31 March 2017 were" in (
        out.getvalue()
    )
    assert "Open referrals withdrawn: 1; partner organisations told to delete what a referral gave them: 2." in (
        out.getvalue()
    )
    result = apply_retention_task.enqueue("2023-03-31")
    assert result.return_value == {
        "erasures": 0,
        "closed_cases": 0,
        "enquiries": 0,
        "transcript_originals": 0,
        "referrals_withdrawn": 0,
        "deletion_notices": 0,
        "api_tokens": 0,
        "sessions": 0,
        "sign_in_logs": 0,
        "subject_access_copies": 0,
    }


def test_a_bad_date_or_batch_size_is_refused_with_a_message(jo: Everything) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--today must be a date like 2026-03-31"):
        call_command("apply_retention", "--today", "31/03/2023")
    with pytest.raises(CommandError, match=r"The batch size must be at least 1\."):
        call_command("apply_retention", "--batch-size", "0")
    assert not Participant.objects.filter(anonymised_at__isnull=False).exists()


def queries_to_anonymise(personas: Personas, how_many: int, tag: str) -> int:
    people = [
        person_with_everything(personas, f"{tag}{chr(ord('a') + n)}", mobile_suffix=100 * len(tag) + n)
        for n in range(how_many)
    ]
    with CaptureQueriesContext(connection) as queries:
        done = anonymise_participants(
            participant_ids=[person.participant.pk for person in people],
            actor=None,
            purpose="Retention",
            today=DUE,
        )
    assert len(done.participant_ids) == how_many
    return len(queries)


def test_a_batch_takes_the_same_queries_however_many_people_are_in_it(
    personas: Personas, django_assert_num_queries: Callable[..., Any]
) -> None:
    personas.with_referrals()
    one = queries_to_anonymise(personas, 1, "Uno")
    five = queries_to_anonymise(personas, 5, "Cinq")

    # Every change is one statement over the whole batch, whoever is in it.
    assert one == five == 82  # one statement per kind of row: spends' reasons, messages, ratings and drafts added four


def test_an_account_that_also_holds_a_staff_role_is_only_unlinked(personas: Personas) -> None:
    staff_user = personas.other_keyworker.user
    participant = ParticipantFactory(
        keyworker=personas.keyworker,
        user=staff_user,
        status=Participant.Status.CLOSED,
        status_since=CLOSED_ON,
        joined_on=datetime.date(2016, 1, 4),
    )

    apply_retention(today=DUE)

    participant.refresh_from_db()
    assert participant.user_id is None
    account = User.objects.get(pk=staff_user.pk)
    assert (account.username, account.email, account.is_active) == (staff_user.username, staff_user.email, True)


def test_enquiries_that_never_became_participants_are_anonymised_after_six_months(personas: Personas) -> None:
    today = datetime.date(2026, 6, 30)
    old = EnquiryFactory(partnership=personas.fife, name="Nell Oldenquiry", mobile="+447700600001", postcode="KY2 5AB")
    recent = EnquiryFactory(partnership=personas.fife, name="Rae Recent")
    Enquiry.objects.filter(pk=old.pk).update(created_at=timezone.make_aware(datetime.datetime(2025, 12, 29, 23, 0)))
    Enquiry.objects.filter(pk=recent.pk).update(created_at=timezone.make_aware(datetime.datetime(2025, 12, 30, 9, 0)))
    needles = {"Nell Oldenquiry", old.email, "+447700600001", old.message}
    assert where_found(needles)

    report = apply_retention(today=today)

    assert report.as_counts()["enquiries"] == 1
    old.refresh_from_db()
    assert (old.name, old.email, old.mobile, old.postcode, old.message) == ("Anonymised enquirer", "", "", "", "")
    assert (old.status, old.partnership_id, old.contact_by) == ("waiting", personas.fife.pk, "email")
    assert where_found({"Nell Oldenquiry", old.email or "nell", "+447700600001"}) == []
    assert not Enquiry.history.filter(id=old.pk).exists()
    assert Enquiry.objects.get(pk=recent.pk).name == "Rae Recent"
    assert Enquiry.objects.get(pk=personas.enquiry.pk).anonymised_at is None  # Erin's, made today
    assert list(
        AuditEvent.objects.filter(record_type="participants.Enquiry", purpose="Retention").values_list(
            "record_id", "participant_id", "action"
        )
    ) == [(str(old.pk), None, "change")]


def test_unredacted_originals_are_kept_only_as_the_teams_policy_says(personas: Personas) -> None:
    evaluator = personas.evaluator.user
    kept = TranscriptFactory(uploaded_by=evaluator, original_text="Interviewer: Morag, how was it?")
    TranscriptPolicy.objects.create(
        organisation=personas.evaluator.organisation, keep_unredacted_originals=True, changed_by=evaluator
    )
    not_kept = TranscriptFactory(uploaded_by=UserFactory(), original_text="Interviewer: Ailsa, hello.")
    uploaded = timezone.make_aware(datetime.datetime(2025, 6, 1, 12, 0))
    Transcript.objects.filter(pk__in=[kept.pk, not_kept.pk]).update(created_at=uploaded)

    # Eleven months on: the team keeps originals, so only the other uploader's goes.
    assert apply_retention(today=datetime.date(2026, 5, 1)).as_counts()["transcript_originals"] == 1
    assert Transcript.objects.get(pk=kept.pk).original_text == "Interviewer: Morag, how was it?"
    assert Transcript.objects.get(pk=not_kept.pk).original_text == ""
    # Twelve months after upload, the team's goes too.
    assert apply_retention(today=datetime.date(2026, 6, 2)).as_counts()["transcript_originals"] == 1
    assert Transcript.objects.get(pk=kept.pk).original_text == ""
    assert Transcript.objects.get(pk=kept.pk).text == kept.text
    assert list(
        AuditEvent.objects.filter(record_type="research.Transcript", purpose="Retention")
        .order_by("pk")
        .values_list("record_id", "participant_id", "changed_fields")
    ) == [
        (str(not_kept.pk), not_kept.interview.research_consent.participant_id, ["original_text"]),  # type: ignore[union-attr]
        (str(kept.pk), kept.interview.research_consent.participant_id, ["original_text"]),  # type: ignore[union-attr]
    ]


def test_ended_api_tokens_expired_sessions_and_old_sign_in_logs_are_deleted(personas: Personas) -> None:
    now = timezone.now()
    user = personas.keyworker.user
    long_revoked = ApiToken.objects.create(
        user=user, name="old", key_hash="a" * 64, key_prefix="cp_a", revoked_at=now - datetime.timedelta(days=91)
    )
    just_revoked = ApiToken.objects.create(
        user=user, name="recent", key_hash="b" * 64, key_prefix="cp_b", revoked_at=now - datetime.timedelta(days=89)
    )
    in_use = ApiToken.objects.create(user=user, name="in use", key_hash="c" * 64, key_prefix="cp_c")
    long_expired = ApiToken.objects.create(
        user=user, name="expired", key_hash="d" * 64, key_prefix="cp_d", expires_at=now - datetime.timedelta(days=91)
    )
    just_expired = ApiToken.objects.create(
        user=user, name="expired", key_hash="e" * 64, key_prefix="cp_e", expires_at=now - datetime.timedelta(days=89)
    )
    Session.objects.create(session_key="expired", session_data="x", expire_date=now - datetime.timedelta(minutes=1))
    Session.objects.create(session_key="current", session_data="x", expire_date=now + datetime.timedelta(hours=1))
    old_log = AccessLog.objects.create(username="kim@fifelpt.example.org", ip_address="192.0.2.9", user_agent="x")
    AccessLog.objects.filter(pk=old_log.pk).update(attempt_time=now - datetime.timedelta(days=91))
    recent_log = AccessLog.objects.create(username="kim@fifelpt.example.org", ip_address="192.0.2.9", user_agent="x")

    dry = apply_retention(dry_run=True).as_counts()
    assert (dry["api_tokens"], dry["sessions"], dry["sign_in_logs"]) == (2, 1, 1)
    done = apply_retention().as_counts()

    assert (done["api_tokens"], done["sessions"], done["sign_in_logs"]) == (2, 1, 1)
    assert set(ApiToken.objects.values_list("pk", flat=True)) == {just_revoked.pk, in_use.pk, just_expired.pk}
    assert not ApiToken.objects.filter(pk__in=[long_revoked.pk, long_expired.pk]).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent_log.pk]


def test_every_kind_of_row_about_a_person_is_dealt_with() -> None:
    """A model added later that points at a participant must be added to HELD or KEPT_AS_THEY_ARE."""
    from django.apps import apps

    history_models = {model for model in apps.get_models() if getattr(model, "instance_type", None) is not None}

    def reaches_a_participant(model: Any, depth: int = 4) -> bool:
        if model is Participant:
            return True
        if depth == 0:
            return False
        return any(
            field.is_relation
            and (field.many_to_one or field.one_to_one)
            and not field.name.startswith("history_")
            and field.related_model is not None
            and field.related_model is not model
            and reaches_a_participant(field.related_model, depth - 1)
            for field in model._meta.concrete_fields
        )

    about_people = {
        model._meta.label
        for model in apps.get_models()
        if model not in history_models and model is not Participant and reaches_a_participant(model)
    }
    assert about_people == {held.model._meta.label for held in HELD} | set(KEPT_AS_THEY_ARE)


def test_an_anonymised_record_can_no_longer_be_changed(
    jo: Everything, personas: Personas, sign_in: Callable[[User], Any]
) -> None:
    apply_retention(today=DUE)
    client = sign_in(personas.keyworker.user)

    page = client.get(f"/participants/{jo.participant.pk}/")
    assert page.status_code == 200
    assert "This record was anonymised on" in page.content.decode()
    assert "Change details" not in page.content.decode()
    assert client.get(f"/participants/{jo.participant.pk}/edit/").status_code in (403, 404)
    assert Participant.objects.get(pk=jo.participant.pk).given_name == "Anonymised"


def test_pages_that_list_audit_events_show_the_person_as_anonymised(
    jo: Everything, personas: Personas, sign_in: Callable[[User], Any]
) -> None:
    # Jo looked at her own record before, so she is in the log as the one who looked, too.
    sign_in(jo.user).get("/me/")
    apply_retention(today=DUE)

    page = sign_in(personas.manager.user).get(f"/participants/{jo.participant.pk}/who-looked/")

    body = page.content.decode()
    assert page.status_code == 200
    assert f"Anonymised participant (ANON-{jo.participant.pk})" in body
    for value in ("JoQuill", "Quillson", "quill@example.net", "Jo Quillson"):
        assert value not in body
    assert body.count("Anonymised participant") >= 2  # the heading, and as the one who looked


def test_a_spend_amount_is_kept_to_the_penny(jo: Everything) -> None:
    apply_retention(today=DUE)
    assert Spend.objects.get(participant=jo.participant).amount == Decimal("35.00")


def test_copies_prepared_for_subject_access_go_when_they_expire(jo: Everything) -> None:
    copy = PreparedCopy.objects.get(request__participant=jo.participant)
    PreparedCopy.objects.filter(pk=copy.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    assert apply_retention(today=NOT_YET, dry_run=True).as_counts()["subject_access_copies"] == 1
    assert PreparedCopy.objects.filter(pk=copy.pk).exists()
    assert apply_retention(today=NOT_YET).as_counts()["subject_access_copies"] == 1

    assert not PreparedCopy.objects.filter(pk=copy.pk).exists()
    assert SubjectAccessRequest.objects.filter(participant=jo.participant).exists()  # the request is kept


def test_an_account_that_holds_a_record_in_a_later_programme_is_only_unlinked(personas: Personas) -> None:
    """One person, one account: their earlier programme's record goes at the end of its years; the
    account they sign in to for the programme they are in now stays."""
    from tests.programmes.factories import PartnershipFactory, ProgrammeFactory

    later = ProgrammeFactory(
        name="Making It Work Together", reference_prefix="MWT", starts_on=datetime.date(2025, 4, 1)
    )
    later_fife = PartnershipFactory(programme=later, area_name="Fife", gss_code="S12000047", short_code="FIF")
    person = UserFactory(username="sam@example.net", email="sam@example.net", mobile="+447700900333")
    earlier = ParticipantFactory(
        keyworker=personas.keyworker,
        user=person,
        status=Participant.Status.CLOSED,
        status_since=CLOSED_ON,
        joined_on=datetime.date(2016, 1, 4),
    )
    now_record = ParticipantFactory(
        user=person, partnership=later_fife, joined_on=datetime.date(2025, 6, 2), status_since=datetime.date(2025, 6, 2)
    )

    apply_retention(today=DUE)

    earlier.refresh_from_db()
    now_record.refresh_from_db()
    assert earlier.anonymised_at is not None
    assert earlier.user_id is None
    assert (now_record.anonymised_at, now_record.user_id) == (None, person.pk)
    account = User.objects.get(pk=person.pk)
    assert (account.username, account.email, account.is_active) == ("sam@example.net", "sam@example.net", True)

    # When their last record goes, so does the account.
    anonymise_participants(participant_ids=[now_record.pk], actor=None, purpose="Erasure request", today=DUE)
    account.refresh_from_db()
    assert (account.email, account.is_active) == ("", False)

"""Anonymising people: what is removed, what is kept, and how, a batch at a time.

Removed, from the rows and from their django-simple-history tables: names, contact details,
address and postcode, "how they heard" in their own words, children's years of birth, when they
are free, the account they signed in with (and its sign-in log, second factors and API tokens),
and every free-text field about them (`HELD`): consents' details, cover reasons, assessments,
barriers in their own words, contact notes, goals and steps, appointments' notes, progress
comments, the job-search log, requests, feedback, referral reasons and what was delivered,
outcome notes and evidence, the work they want in their own words, spend descriptions and
receipt files, interview arrangements, unredacted transcript originals, and the words of any
subject access request about them (its prepared copy is deleted). Their history rows go
altogether: the history of an anonymised record says nothing anyone needs.

Kept, so that every statistic, dashboard, Table 1 and the 360Giving file are the same before and
after: the partnership and keyworker, status and its dates, joining date, "how they heard" as a
category, barriers as categories and their importance, progress scores, outcome kinds, dates,
sectors, hours, contracts and pay, spend categories, amounts and states, referral states and
dates (and which fields were shared, for the partner's deletion notice), requests' topics,
invitations and attendance, the research pseudonym and redacted transcripts (ADR 0006), and
every audit event, which refers to the person by number only.

A batch is one transaction and the same number of queries however many people are in it (each
change is one UPDATE or DELETE over the batch), so a million closed cases are a matter of
batches, not of queries per person. Running it again over the same people does nothing: only
people not yet anonymised are taken.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, Lower
from django.utils import timezone

from coproduce.accounts.acting import ActingUser
from coproduce.accounts.models import ApiToken, User
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_events
from coproduce.budgets.models import Spend
from coproduce.core.models import VersionedModel
from coproduce.notifications.models import Message
from coproduce.offline.models import VisitMark
from coproduce.outcomes.models import Outcome, SustainmentCheck, WorkWish
from coproduce.participants.models import AvailabilitySlot, Child, Consent, CoverShare, Enquiry, Participant
from coproduce.plans.models import (
    Appointment,
    Assessment,
    AssessmentBarrier,
    Contact,
    Goal,
    JobSearchEntry,
    ProgressCheck,
    ProgressCheckDraft,
    ProgressScore,
    Step,
)
from coproduce.programmes.models import BoardMember, StaffMember
from coproduce.referrals.models import Referral, ReferralMessage, ServiceRating
from coproduce.research.models import Interview, ResearchConsent, Transcript
from coproduce.retention.models import ErasureRequest, PartnerDeletionNotice
from coproduce.subject_access.models import NoteDecision, PreparedCopy, SubjectAccessRequest
from coproduce.voice.models import Feedback, Invitation, Request

# What an anonymised person is called wherever a page shows them, and what an emptied field that
# may not be blank says instead.
ANONYMISED_GIVEN_NAME = "Anonymised"
ANONYMISED_FAMILY_NAME = "participant"
ANONYMISED_LABEL = f"{ANONYMISED_GIVEN_NAME} {ANONYMISED_FAMILY_NAME}"
ANONYMISED_ENQUIRER = "Anonymised enquirer"
REMOVED = "Removed when the record was anonymised."
REFERENCE_PREFIX = "ANON-"
ACCOUNT_PREFIX = "anonymised-"
WITHDRAWN_REASON = "The person's record was anonymised."

# What the person's audit event names as changed (their other records are emptied with it).
PARTICIPANT_FIELDS_EMPTIED = (
    "reference",
    "given_name",
    "family_name",
    "preferred_name",
    "email",
    "mobile",
    "address",
    "postcode",
    "heard_about_detail",
    "language",
    "interpreter_language",
    "user",
    "anonymised_at",
)

RETENTION = "Retention"
ERASURE_REQUEST = "Erasure request"


@dataclass(frozen=True)
class Held:
    """One kind of row held about a person, how to reach the person from it, and what of it goes."""

    model: type[models.Model]
    # The foreign key on `model` that leads towards the person: to the Participant itself when
    # `parent` is None, else to the `parent` kind of row.
    parent_field: str
    parent: "Held | None" = None
    # Free-text fields emptied ("" where the field may be blank, REMOVED where it may not).
    words: tuple[str, ...] = ()
    # Other fields set to these values (expressions allowed), beside the words.
    replace: tuple[tuple[str, Any], ...] = ()
    # The rows themselves go (children's years of birth, when they are free).
    delete_rows: bool = False
    # The history rows go (True), or only the words that the history keeps are emptied (False).
    delete_history: bool = True
    # Earlier versions of the row may not point at the person yet (an enquiry before it was
    # registered): find its history by the row's own id as well.
    history_by_id: bool = False

    def rows(self, participant_ids: Sequence[int]) -> QuerySet[Any]:
        manager = self.model._default_manager
        if self.parent is None:
            return manager.filter(**{f"{self.parent_field}_id__in": participant_ids})
        return manager.filter(**{f"{self.parent_field}_id__in": self.parent.rows(participant_ids).values("pk")})

    @property
    def has_history(self) -> bool:
        return hasattr(self.model, "history")

    def history_rows(self, participant_ids: Sequence[int]) -> QuerySet[Any]:
        """Every history row of such rows, those of rows since deleted included."""
        history = self.model.history.model._default_manager  # type: ignore[attr-defined]
        column = f"{self.parent_field}_id"
        if self.parent is None:
            found = Q(**{f"{column}__in": participant_ids})
        else:
            found = Q(**{f"{column}__in": self.parent.rows(participant_ids).values("pk")}) | Q(
                **{f"{column}__in": self.parent.history_rows(participant_ids).values("id")}
            )
        if self.history_by_id:
            found |= Q(id__in=self.rows(participant_ids).values("pk"))
        return history.filter(found)

    def emptied_values(self, now: datetime.datetime) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in self.words:
            may_be_blank = getattr(self.model._meta.get_field(name), "blank", False)
            values[name] = "" if may_be_blank else REMOVED
        values.update(dict(self.replace))
        if values and any(f.name == "anonymised_at" for f in self.model._meta.fields):
            values["anonymised_at"] = now
        if values and issubclass(self.model, VersionedModel):
            # Anyone editing the row from before sees a conflict instead of writing the words back.
            values["version"] = F("version") + 1
        if values and any(f.name == "updated_at" for f in self.model._meta.fields):
            values["updated_at"] = now
        return values


_assessment = Held(Assessment, "participant", words=("strengths", "aspirations"))
_enquiry = Held(
    Enquiry,
    "participant",
    words=("email", "mobile", "best_time", "postcode", "message", "closed_reason"),
    replace=(("name", ANONYMISED_ENQUIRER),),
    history_by_id=True,
)
_goal = Held(Goal, "participant", words=("title", "details"))
_progress_check = Held(ProgressCheck, "participant")
_referral = Held(
    Referral,
    "participant",
    words=("reason", "outside_service_details", "decline_detail", "delivered", "outcome_note", "withdrawn_reason"),
)
_outcome = Held(Outcome, "participant", words=("description", "evidence_note"))
_research_consent = Held(ResearchConsent, "participant")
_interview = Held(Interview, "research_consent", parent=_research_consent, words=("notes",))
_subject_access_request = Held(
    SubjectAccessRequest,
    "participant",
    words=("representative_authority", "identity_note"),
    replace=(
        # Where the database needs words there (someone acted for them; the deadline was extended),
        # they are replaced, not emptied.
        (
            "representative_name",
            Case(When(made_by=SubjectAccessRequest.MadeBy.REPRESENTATIVE, then=Value(REMOVED)), default=Value("")),
        ),
        ("extension_reason", Case(When(extended_by_months__gt=0, then=Value(REMOVED)), default=Value(""))),
    ),
)

# Every kind of row about a person, parents before their children.
HELD: tuple[Held, ...] = (
    Held(Child, "participant", delete_rows=True),
    Held(AvailabilitySlot, "participant", delete_rows=True),
    Held(Consent, "participant", words=("detail",)),
    Held(CoverShare, "participant", words=("reason",)),
    _enquiry,
    # The replies to their enquiry, from before they were registered.
    Held(Message, "enquiry", parent=_enquiry, words=("to",), replace=(("personalisation", {}),)),
    _assessment,
    Held(AssessmentBarrier, "assessment", parent=_assessment, words=("own_words",)),
    Held(
        Contact,
        "participant",
        words=("notes",),
        # A restricted note keeps its restriction (the audit of who saw it still means something),
        # so it needs a reason: not the one given, which may say what happened.
        replace=(
            (
                "restricted_reason",
                Case(When(restricted_at__isnull=False, then=Value(REMOVED)), default=Value("")),
            ),
        ),
    ),
    _goal,
    Held(Step, "goal", parent=_goal, words=("description", "decline_reason")),
    Held(Appointment, "participant", words=("place_details", "childcare_notes", "rearrange_request")),
    _progress_check,
    Held(ProgressScore, "progress_check", parent=_progress_check, words=("comment",)),
    # An unfinished progress check was never sent: nothing in it is worth keeping.
    Held(ProgressCheckDraft, "participant", delete_rows=True),
    Held(JobSearchEntry, "participant", words=("employer", "role", "what_i_did", "outcome")),
    Held(Request, "participant", words=("text",)),
    Held(Invitation, "participant"),
    # Being on a keyworker's visits for a day says nothing worth keeping.
    Held(VisitMark, "participant", delete_rows=True),
    Held(Feedback, "participant", words=("text",)),
    _referral,
    # What the keyworker and the partner wrote to each other about the referral.
    Held(ReferralMessage, "referral", parent=_referral, words=("text",)),
    Held(ServiceRating, "participant", words=("comment",)),
    Held(WorkWish, "participant", words=("note",)),
    _outcome,
    Held(SustainmentCheck, "outcome", parent=_outcome, words=("note",)),
    Held(Spend, "participant", words=("description", "no_goal_reason", "decline_reason", "receipt")),
    _research_consent,
    _interview,
    # Research keeps the redacted transcript (ADR 0006); the unredacted original and the name of
    # the file it came in go. The transcript's history never held the texts.
    Held(
        Transcript, "interview", parent=_interview, words=("original_text", "original_filename"), delete_history=False
    ),
    # A request for a copy of their data is kept as the record it was dealt with, without the words
    # about them or whoever acted for them; the copy itself (everything held about them) goes.
    _subject_access_request,
    Held(PreparedCopy, "request", parent=_subject_access_request, delete_rows=True),
    Held(NoteDecision, "request", parent=_subject_access_request, words=("reason",)),
    # Texts and emails keep which template went when and how it got on (the log); not where to, nor what it said.
    Held(Message, "participant", words=("to",), replace=(("personalisation", {}),)),
)

# Rows that point at a person and are kept as they are, and why (tests/retention checks that
# every model reaching a participant is in HELD or here).
KEPT_AS_THEY_ARE: dict[str, str] = {
    "audit.AuditEvent": "The audit log is never changed; it refers to the person by number only.",
    "research.SurveyInvitation": "Says only that they were invited and whether they answered, for response rates.",
    "research.Redaction": "Where a passage was redacted, never the words taken out.",
    "research.DismissedSuggestion": "Where a suggested redaction was left in and why, never the words themselves.",
    "research.CodedSegment": "Passages of the redacted transcript, kept for the evaluation (ADR 0006).",
    "research.Quote": "Passages of the redacted transcript, attributed without a name (ADR 0006).",
    "retention.ErasureRequest": "The record that their request was dealt with; it holds no personal details.",
    "retention.PartnerDeletionNotice": "Which referral and fields a partner must delete, never who it was about.",
    "notifications.ContactPreference": "Which channels and topics they chose, no number or address.",
}


@dataclass
class Anonymised:
    """What one batch did."""

    participant_ids: list[int] = field(default_factory=list)
    referrals_withdrawn: int = 0
    deletion_notices: int = 0
    receipt_files: list[str] = field(default_factory=list)


def anonymise_participants(
    *,
    participant_ids: Sequence[int],
    actor: ActingUser | None,
    purpose: str,
    today: datetime.date,
) -> Anonymised:
    """Anonymise these people, irreversibly, in one transaction; those already anonymised are skipped.

    Callers check who may do this (the retention run is the system; an erasure decision is the
    area's manager's). Open referrals are withdrawn and each partner organisation that was sent
    one gets a deletion notice. An open case is closed today. One audit event per person (action
    "change", `purpose` "Retention" or "Erasure request"), and one per referral withdrawn.
    """
    now = timezone.now()
    done = Anonymised()
    with transaction.atomic():
        people = list(
            Participant.objects.select_for_update()
            .filter(pk__in=participant_ids, anonymised_at__isnull=True)
            .order_by("pk")
            .values_list("pk", "user_id", "email", "mobile", "status")
        )
        if not people:
            return done
        ids = [pk for pk, *_ in people]
        were_open = [pk for pk, *_, status in people if status != Participant.Status.CLOSED]
        done.participant_ids = ids
        sent = list(
            Referral.objects.filter(participant_id__in=ids, kind=Referral.Kind.REFERRAL, sent_at__isnull=False)
            .order_by("pk")
            .values_list("pk", "organisation_id", "shared_fields", "sent_at")
        )
        open_referrals = list(
            Referral.objects.filter(participant_id__in=ids, state__in=Referral.OPEN_STATES)
            .order_by("pk")
            .values_list("pk", "participant_id")
        )
        done.receipt_files = _receipt_files(ids)

        for held in HELD:
            if held.delete_rows:
                rows = held.rows(ids)
                rows._raw_delete(rows.db)  # no history row for a deletion: the history goes too
                continue
            values = held.emptied_values(now)
            if values:
                held.rows(ids).update(**values)
        _withdraw(open_referrals, now)
        Appointment.objects.filter(
            participant_id__in=ids,
            status__in=[Appointment.Status.BOOKED, Appointment.Status.REARRANGE_ASKED],
            starts_at__gte=now,
        ).update(status=Appointment.Status.CANCELLED, version=F("version") + 1, updated_at=now)
        for held in reversed(HELD):  # children first: their history is found through their parents'
            if not held.has_history:
                continue
            history = held.history_rows(ids)
            if held.delete_history:
                history._raw_delete(history.db)
            else:
                kept_words = {f.name for f in history.model._meta.fields}
                emptied = {name: "" for name in held.words if name in kept_words}
                if emptied:
                    history.update(**emptied)
        history = Participant.history.model._default_manager.filter(id__in=ids)
        history._raw_delete(history.db)

        Participant.objects.filter(pk__in=ids).update(
            reference=Concat(Value(REFERENCE_PREFIX), Cast("pk", output_field=CharField())),
            given_name=ANONYMISED_GIVEN_NAME,
            family_name=ANONYMISED_FAMILY_NAME,
            preferred_name="",
            email="",
            mobile="",
            address="",
            postcode="",
            heard_about_detail="",
            # The language someone speaks can point to who they are in a small area.
            language=Value(Participant._meta.get_field("language").default),
            interpreter_language="",
            user=None,
            anonymised_at=now,
            # An open case (an erasure request) closes today; a closed one keeps its closing date.
            status=Value(Participant.Status.CLOSED),
            status_since=Case(
                When(status=Participant.Status.CLOSED, then=F("status_since")),
                When(joined_on__gt=today, then=F("joined_on")),
                default=Value(today, output_field=models.DateField()),
            ),
            version=F("version") + 1,
            updated_at=now,
        )
        _anonymise_accounts(
            user_ids=[user_id for _, user_id, *_ in people if user_id],
            contact_details={value.lower() for _, _, email, mobile, _ in people for value in (email, mobile) if value},
        )
        done.deletion_notices = len(
            PartnerDeletionNotice.objects.bulk_create(
                [
                    PartnerDeletionNotice(
                        referral_id=pk, organisation_id=organisation_id, shared_fields=fields, received_at=sent_at
                    )
                    for pk, organisation_id, fields, sent_at in sent
                    if organisation_id is not None and sent_at is not None
                ],
                ignore_conflicts=True,
            )
        )
        ErasureRequest.objects.filter(participant_id__in=ids, status__in=ErasureRequest.OPEN_STATUSES).update(
            status=ErasureRequest.Status.DONE, anonymised_at=now, version=F("version") + 1, updated_at=now
        )
        record_events(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            records=[(Participant._meta.label, pk, pk) for pk in ids if pk not in were_open],
            changed_fields=PARTICIPANT_FIELDS_EMPTIED,
            purpose=purpose,
        )
        record_events(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            records=[(Participant._meta.label, pk, pk) for pk in were_open],
            changed_fields=(*PARTICIPANT_FIELDS_EMPTIED, "status", "status_since"),
            purpose=purpose,
        )
        record_events(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            records=[(Referral._meta.label, pk, participant_id) for pk, participant_id in open_referrals],
            changed_fields=["state", "withdrawn_at", "withdrawn_reason"],
            purpose=purpose,
        )
        done.referrals_withdrawn = len(open_referrals)
        files = list(done.receipt_files)
        transaction.on_commit(lambda: _delete_files(files))
    return done


def _receipt_files(ids: Sequence[int]) -> list[str]:
    """Every receipt file uploaded for these people, those replaced since included."""
    history = Spend.history.model._default_manager
    names = set(Spend.objects.filter(participant_id__in=ids).exclude(receipt="").values_list("receipt", flat=True))
    names |= set(history.filter(participant_id__in=ids).exclude(receipt="").values_list("receipt", flat=True))
    return sorted(names)


def _delete_files(names: Sequence[str]) -> None:
    storage = Spend._meta.get_field("receipt").storage
    for name in names:
        storage.delete(name)


def _withdraw(open_referrals: Sequence[tuple[int, int]], now: datetime.datetime) -> None:
    """Withdraw referrals still under way, as the referrals app's "withdraw" does (after the words
    were emptied, so that the reason given is this one)."""
    if not open_referrals:
        return
    Referral.objects.filter(pk__in=[pk for pk, _ in open_referrals]).update(
        state=Referral.State.WITHDRAWN,
        withdrawn_at=now,
        withdrawn_reason=WITHDRAWN_REASON,
        version=F("version") + 1,
        updated_at=now,
    )


def _anonymise_accounts(*, user_ids: Sequence[int], contact_details: set[str]) -> None:
    """Empty the accounts these people signed in with, and everything about their signing in.

    An account that also holds another role (staff, a board seat, administration) stays as it is,
    only no longer linked to the participant record: the person still uses it for that role. So does
    the account of someone who still has a record in another programme (one person, one account, a
    record per programme taken part in): only this record leaves it, and they sign in to the other.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    identifiers = set(contact_details)
    own: list[int] = []
    if user_ids:
        accounts = (
            User.objects.filter(pk__in=user_ids)
            .annotate(
                is_staff_member=Exists(StaffMember.objects.filter(user_id=OuterRef("pk"))),
                has_board_seat=Exists(BoardMember.objects.filter(user_id=OuterRef("pk"))),
                # The records being anonymised were unlinked from the account already: any left are others.
                has_another_record=Exists(
                    Participant.objects.filter(user_id=OuterRef("pk"), anonymised_at__isnull=True)
                ),
            )
            .values_list(
                "pk",
                "username",
                "email",
                "mobile",
                "is_staff",
                "is_superuser",
                "is_staff_member",
                "has_board_seat",
                "has_another_record",
            )
        )
        for pk, username, email, mobile, *other_roles in accounts:
            if any(other_roles):
                continue
            own.append(pk)
            identifiers |= {value.lower() for value in (username, email, mobile) if value}
    if own:
        User.objects.filter(pk__in=own).update(
            username=Concat(Value(ACCOUNT_PREFIX), Cast("pk", output_field=CharField())),
            first_name="",
            last_name="",
            email="",
            mobile="",
            display_name=ANONYMISED_LABEL,
            is_active=False,
            # Unusable: no password signs in, and every session of the account stops being valid.
            password=make_password(None),
        )
        TOTPDevice.objects.filter(user_id__in=own).delete()
        StaticDevice.objects.filter(user_id__in=own).delete()
        ApiToken.objects.filter(user_id__in=own).delete()
    if identifiers:
        for log in (AccessAttempt, AccessLog, AccessFailureLog):
            log.objects.annotate(typed=Lower("username")).filter(typed__in=sorted(identifiers)).delete()


ENQUIRY_FIELDS_EMPTIED = (
    "name",
    "email",
    "mobile",
    "best_time",
    "postcode",
    "message",
    "closed_reason",
    "language",
    "interpreter_language",
    "anonymised_at",
)


def anonymise_enquiries(*, enquiry_ids: Sequence[int], purpose: str) -> list[int]:
    """Remove the details of enquiries that never became participants, irreversibly, in one transaction.

    Kept: the area, when it was made, its status, how they wanted to be contacted and how they
    heard, as categories. Its history goes. One audit event per enquiry. Returns their ids.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Enquiry.objects.select_for_update()
            .filter(pk__in=enquiry_ids, participant__isnull=True, anonymised_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return []
        Enquiry.objects.filter(pk__in=ids).update(
            name=ANONYMISED_ENQUIRER,
            email="",
            mobile="",
            best_time="",
            postcode="",
            message="",
            closed_reason="",
            # The language someone speaks can point to who they are in a small area.
            language=Value(Enquiry._meta.get_field("language").default),
            interpreter_language="",
            anonymised_at=now,
            version=F("version") + 1,
            updated_at=now,
        )
        history = Enquiry.history.model._default_manager.filter(id__in=ids)
        history._raw_delete(history.db)
        # The replies we sent them: where to and what they said go; that they were sent stays.
        Message.objects.filter(enquiry_id__in=ids).update(to="", personalisation={}, updated_at=now)
        record_events(
            actor=None,
            action=AuditEvent.Action.CHANGE,
            records=[(Enquiry._meta.label, pk, None) for pk in ids],
            changed_fields=ENQUIRY_FIELDS_EMPTIED,
            purpose=purpose,
        )
    return ids


def remove_transcript_originals(*, transcript_ids: Sequence[int], purpose: str) -> list[int]:
    """Remove unredacted originals of transcripts (the redacted text stays), in one transaction.

    One audit event per transcript, naming the participant interviewed if there is one. Returns their ids.
    """
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Transcript.objects.select_for_update(of=("self",))
            .filter(pk__in=transcript_ids)
            .exclude(original_text="")
            .order_by("pk")
            .values_list("pk", "interview__research_consent__participant_id")
        )
        if not rows:
            return []
        ids = [pk for pk, _ in rows]
        Transcript.objects.filter(pk__in=ids).update(original_text="", version=F("version") + 1, updated_at=now)
        record_events(
            actor=None,
            action=AuditEvent.Action.CHANGE,
            records=[(Transcript._meta.label, pk, participant_id) for pk, participant_id in rows],
            changed_fields=["original_text"],
            purpose=purpose,
        )
    return ids

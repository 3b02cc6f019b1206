"""The participant survey: evaluators write it, participants are invited at points in their journey
and answer it in their own space.

Only evaluators write surveys. Questions and points change only while a survey is a draft, so
every answer was given to the questions as they stand; each change locks the survey row and
checks its `version`. A survey opens with at least one question and one point, and closes for
good.

An answer is anonymous: the `SurveyResponse` is linked to neither the participant nor their
invitation, and the audit log records only that the invitation was answered (with no participant
id, so no keyworker's or manager's view of the log can tell whether someone answered).
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import rules
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event, record_events
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.notifications import events as notify
from coproduce.participants.models import Participant
from coproduce.programmes.standing import standing_of
from coproduce.research.models import (
    ResearchConsent,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyPoint,
    SurveyQuestion,
    SurveyResponse,
    Transcript,
    Wave,
)
from coproduce.research.permissions import refuse_unless_evaluator
from coproduce.research.selectors import surveys_visible_to
from coproduce.research.selectors.surveys import opened_on, participants_due

SURVEY_FIELDS = ("title", "introduction")
QUESTION_FIELDS = ("kind", "text", "choices", "required")
POINT_FIELDS = ("label", "days_after_joining")
TEXT_ANSWER_MAX = 2000
CHOICE_MAX = 200
SURVEY_SPEAKER = "Survey respondent"
NOT_EVALUATOR = "Only evaluators can write and run surveys."


def _audit(actor: ActingUser, action: str, record: Any, changed: Iterable[str] = ()) -> None:
    # Survey rows are about no one person: participant_id is always None.
    record_event(
        actor=actor,
        action=action,
        record=record,
        participant_id=None,
        changed_fields=changed,
    )


def _locked_survey(actor: ActingUser, survey_id: int, expected_version: int) -> Survey:
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    survey = surveys_visible_to(actor).select_for_update().filter(pk=survey_id).first()
    if survey is None:
        raise NotFound("No such survey.")
    survey.check_version(expected_version)
    return survey


def _check_draft(survey: Survey) -> None:
    if survey.status != Survey.Status.DRAFT:
        raise DomainError("Questions and points can be changed only while the survey is a draft.")


def _touch(survey: Survey) -> None:
    survey.bump_version()
    survey.save(update_fields=["version", "updated_at"])


def _clean_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


# ---- surveys ------------------------------------------------------------------------------------


def create_survey(*, actor: ActingUser, programme_id: int, title: str, introduction: str = "") -> Survey:
    """An evaluator starts a survey for a programme, as a draft."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    # A programme the evaluator does not oversee is refused exactly as one that does not exist.
    if programme_id not in standing_of(actor).programme_ids:
        raise InvalidInput({"programme": ["Choose the programme the survey is for."]})
    with transaction.atomic():
        survey = Survey(
            programme_id=programme_id,
            title=_clean_text(title),
            introduction=_clean_text(introduction),
            created_by=signed_in(actor),
        )
        validate_model(survey)
        survey.save()
        _audit(actor, AuditEvent.Action.CREATE, survey, ["programme", *SURVEY_FIELDS])
    return survey


def update_survey(*, actor: ActingUser, survey_id: int, expected_version: int, changes: Mapping[str, Any]) -> Survey:
    """Change a survey's title or introduction (not once it has closed)."""
    unknown = sorted(set(changes) - set(SURVEY_FIELDS))
    if unknown:
        raise InvalidInput({name: ["This cannot be changed here."] for name in unknown})
    with transaction.atomic():
        survey = _locked_survey(actor, survey_id, expected_version)
        if survey.status == Survey.Status.CLOSED:
            raise DomainError("This survey has closed: it can no longer be changed.")
        changed = []
        for name, value in changes.items():
            value = _clean_text(value)
            if getattr(survey, name) != value:
                setattr(survey, name, value)
                changed.append(name)
        if not changed:
            return survey
        validate_model(survey)
        survey.bump_version()
        survey.save()
        _audit(actor, AuditEvent.Action.CHANGE, survey, changed)
    return survey


def open_survey(*, actor: ActingUser, survey_id: int, expected_version: int) -> Survey:
    """Open a draft with at least one question and one point. Invitations due today go out at once.

    The day it opened is the first history record with the status "open": participants are
    invited at points that fall on or after that day, never for points already passed.
    """
    with transaction.atomic():
        survey = _locked_survey(actor, survey_id, expected_version)
        if survey.status != Survey.Status.DRAFT:
            raise DomainError(f"This survey is {survey.get_status_display().lower()}: only a draft can be opened.")
        errors = {}
        if not survey.questions.exists():
            errors["questions"] = ["Add at least one question before opening the survey."]
        if not survey.points.exists():
            errors["points"] = ["Add at least one point in participants' journey to ask it."]
        if errors:
            raise InvalidInput(errors)
        survey.status = Survey.Status.OPEN
        survey.bump_version()
        survey.save()
        _audit(actor, AuditEvent.Action.CHANGE, survey, ["status"])
        # Imported here: research/tasks.py imports this module, and the worker finds a queued task by
        # its path (coproduce.research.tasks.send_survey_invitations),
        # so the task stays there and queueing it is the one call back.
        from coproduce.research.tasks import send_survey_invitations

        transaction.on_commit(lambda: send_survey_invitations.enqueue())
    return survey


def close_survey(*, actor: ActingUser, survey_id: int, expected_version: int) -> Survey:
    """Close an open survey for good: no more invitations or answers."""
    with transaction.atomic():
        survey = _locked_survey(actor, survey_id, expected_version)
        if survey.status != Survey.Status.OPEN:
            raise DomainError(f"This survey is {survey.get_status_display().lower()}: only an open one can be closed.")
        survey.status = Survey.Status.CLOSED
        survey.bump_version()
        survey.save()
        _audit(actor, AuditEvent.Action.CHANGE, survey, ["status"])
    return survey


# ---- questions ----------------------------------------------------------------------------------


def _clean_choices(choices: Any) -> list[str]:
    if not isinstance(choices, list | tuple):
        return []
    return [choice.strip() for choice in choices if isinstance(choice, str) and choice.strip()]


def _check_question(question: SurveyQuestion) -> None:
    errors: dict[str, list[str]] = {}
    if question.kind not in SurveyQuestion.Kind.values:
        errors["kind"] = ["Choose the kind of question."]
    if not question.text:
        errors["text"] = ["Write the question."]
    elif len(question.text) > 300:
        errors["text"] = ["Keep the question to 300 characters or fewer."]
    if question.kind == SurveyQuestion.Kind.CHOICE:
        if len(question.choices) < 2:
            errors["choices"] = ["Give at least two choices, one a line."]
        elif len(set(question.choices)) != len(question.choices):
            errors["choices"] = ["Give each choice only once."]
        elif any(len(choice) > CHOICE_MAX for choice in question.choices):
            errors["choices"] = [f"Keep each choice to {CHOICE_MAX} characters or fewer."]
    if errors:
        raise InvalidInput(errors)


def add_question(
    *,
    actor: ActingUser,
    survey_id: int,
    expected_version: int,
    kind: str,
    text: str,
    choices: Sequence[str] = (),
    required: bool = False,
) -> SurveyQuestion:
    """Add a question at the end of a draft. A choice question needs two or more choices."""
    with transaction.atomic():
        survey = _locked_survey(actor, survey_id, expected_version)
        _check_draft(survey)
        last = survey.questions.aggregate(last=Max("position"))["last"] or 0
        question = SurveyQuestion(
            survey=survey,
            position=last + 1,
            kind=kind,
            text=_clean_text(text),
            choices=_clean_choices(list(choices)) if kind == SurveyQuestion.Kind.CHOICE else [],
            required=bool(required),
        )
        _check_question(question)
        question.save()
        _touch(survey)
        _audit(actor, AuditEvent.Action.CREATE, question, QUESTION_FIELDS)
    return question


def _question_of(survey: Survey, question_id: int) -> SurveyQuestion:
    question = survey.questions.filter(pk=question_id).first()
    if question is None:
        raise NotFound("No such question in this survey.")
    return question


def update_question(
    *,
    actor: ActingUser,
    survey_id: int,
    question_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
) -> SurveyQuestion:
    """Change a draft's question: its kind, wording, choices or whether it must be answered."""
    unknown = sorted(set(changes) - set(QUESTION_FIELDS))
    if unknown:
        raise InvalidInput({name: ["This cannot be changed here."] for name in unknown})
    with transaction.atomic():
        survey = _locked_survey(actor, survey_id, expected_version)
        _check_draft(survey)
        question = _question_of(survey, question_id)
        changed = []
        for name, value in changes.items():
            if name == "text":
                value = _clean_text(value)
            elif name == "choices":
                value = _clean_choices(value)
            elif name == "required":
                value = bool(value)
            if getattr(question, name) != value:
                setattr(question, name, value)
                changed.append(name)
        if question.kind != SurveyQuestion.Kind.CHOICE and question.choices:
            question.choices = []
            changed.append("choices")
        _check_question(question)
        if not changed:
            return question
        question.save()
        _touch(survey)
        _audit(actor, AuditEvent.Action.CHANGE, question, sorted(set(changed)))
    return question


def _renumber(questions: Sequence[SurveyQuestion]) -> None:
    # Two passes, so that no row ever takes a position another still holds (the positions are unique).
    step = max((question.position for question in questions), default=0) + len(questions) + 1
    for index, question in enumerate(questions):
        question.position = step + index
    SurveyQuestion.objects.bulk_update(questions, ["position"])
    for index, question in enumerate(questions, start=1):
        question.position = index
    SurveyQuestion.objects.bulk_update(questions, ["position"])


def remove_question(*, actor: ActingUser, survey_id: int, question_id: int, expected_version: int) -> Survey:
    """Take a question out of a draft; the others close up."""
    with transaction.atomic():
        survey = _locked_survey(actor, survey_id, expected_version)
        _check_draft(survey)
        question = _question_of(survey, question_id)
        _audit(actor, AuditEvent.Action.CHANGE, survey, ["questions"])
        question.delete()
        _renumber(list(survey.questions.order_by("position", "pk")))
        _touch(survey)
    return survey


def reorder_questions(
    *, actor: ActingUser, survey_id: int, expected_version: int, question_ids: Sequence[int]
) -> Survey:
    """Put a draft's questions in the order given, which must name each of them once."""
    with transaction.atomic():
        survey = _locked_survey(actor, survey_id, expected_version)
        _check_draft(survey)
        questions = {question.pk: question for question in survey.questions.all()}
        if sorted(question_ids) != sorted(questions) or len(set(question_ids)) != len(question_ids):
            raise InvalidInput({"question_ids": ["Name each of the survey's questions once."]})
        _renumber([questions[pk] for pk in question_ids])
        _touch(survey)
        _audit(actor, AuditEvent.Action.CHANGE, survey, ["questions"])
    return survey


def move_question(*, actor: ActingUser, survey_id: int, question_id: int, expected_version: int, up: bool) -> Survey:
    """Move a question one place up or down (the pages' buttons); at either end nothing moves."""
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    ids = list(
        SurveyQuestion.objects.filter(survey_id=survey_id).order_by("position", "pk").values_list("pk", flat=True)
    )
    if question_id in ids:
        index = ids.index(question_id)
        other = index - 1 if up else index + 1
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
    return reorder_questions(actor=actor, survey_id=survey_id, expected_version=expected_version, question_ids=ids)


# ---- points -------------------------------------------------------------------------------------


def _check_point(point: SurveyPoint) -> None:
    errors: dict[str, list[str]] = {}
    if not point.label:
        errors["label"] = ["Name the point, like “On joining”."]
    elif len(point.label) > 80:
        errors["label"] = ["Keep the name to 80 characters or fewer."]
    if not isinstance(point.days_after_joining, int) or point.days_after_joining < 0:
        errors["days_after_joining"] = ["Enter a whole number of days, 0 for the day they join."]
    elif (
        SurveyPoint.objects.filter(survey_id=point.survey_id, days_after_joining=point.days_after_joining)
        .exclude(pk=point.pk)
        .exists()
    ):
        errors["days_after_joining"] = ["The survey already has a point on that day."]
    if errors:
        raise InvalidInput(errors)


def add_point(
    *,
    actor: ActingUser,
    survey_id: int,
    expected_version: int,
    label: str,
    days_after_joining: int,
) -> SurveyPoint:
    """Add a point in participants' journey (days after they joined) to a draft."""
    with transaction.atomic():
        survey = _locked_survey(actor, survey_id, expected_version)
        _check_draft(survey)
        point = SurveyPoint(survey=survey, label=_clean_text(label), days_after_joining=days_after_joining)
        _check_point(point)
        point.save()
        _touch(survey)
        _audit(actor, AuditEvent.Action.CREATE, point, POINT_FIELDS)
    return point


def _point_of(survey: Survey, point_id: int) -> SurveyPoint:
    point = survey.points.filter(pk=point_id).first()
    if point is None:
        raise NotFound("No such point in this survey.")
    return point


def update_point(
    *,
    actor: ActingUser,
    survey_id: int,
    point_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
) -> SurveyPoint:
    """Rename a draft's point or move it to another day."""
    unknown = sorted(set(changes) - set(POINT_FIELDS))
    if unknown:
        raise InvalidInput({name: ["This cannot be changed here."] for name in unknown})
    with transaction.atomic():
        survey = _locked_survey(actor, survey_id, expected_version)
        _check_draft(survey)
        point = _point_of(survey, point_id)
        changed = []
        for name, value in changes.items():
            value = _clean_text(value) if name == "label" else value
            if getattr(point, name) != value:
                setattr(point, name, value)
                changed.append(name)
        _check_point(point)
        if not changed:
            return point
        point.save()
        _touch(survey)
        _audit(actor, AuditEvent.Action.CHANGE, point, changed)
    return point


def remove_point(*, actor: ActingUser, survey_id: int, point_id: int, expected_version: int) -> Survey:
    """Take a point out of a draft."""
    with transaction.atomic():
        survey = _locked_survey(actor, survey_id, expected_version)
        _check_draft(survey)
        point = _point_of(survey, point_id)
        _audit(actor, AuditEvent.Action.CHANGE, survey, ["points"])
        point.delete()
        _touch(survey)
    return survey


# ---- invitations --------------------------------------------------------------------------------


def send_due_invitations(*, today: datetime.date) -> int:
    """Invite everyone due at a point of an open survey, once per point. Returns how many were invited.

    Run by the `send_survey_invitations` task every day and when a survey opens. Each survey is
    locked while its invitations are made, so two runs at once cannot invite anyone twice (and
    the database refuses a second invitation at the same point anyway). An invitation belongs to
    the wave whose dates contain the day it was sent, if any.
    """
    sent = 0
    for survey_id in Survey.objects.filter(status=Survey.Status.OPEN).values_list("pk", flat=True):
        with transaction.atomic():
            survey = Survey.objects.select_for_update().filter(pk=survey_id, status=Survey.Status.OPEN).first()
            if survey is None:
                continue
            opened = opened_on(survey)
            if opened is None or opened > today:
                continue
            wave = Wave.objects.filter(
                programme_id=survey.programme_id, starts_on__lte=today, ends_on__gte=today
            ).first()
            invitations = [
                SurveyInvitation(
                    survey=survey,
                    point=point,
                    participant_id=participant_id,
                    partnership_id=partnership_id,
                    wave=wave,
                    sent_on=today,
                )
                for point in survey.points.select_related("survey")
                for participant_id, partnership_id in participants_due(point, opened=opened, today=today)
                .order_by("pk")
                .values_list("pk", "partnership_id")
            ]
            if not invitations:
                continue
            SurveyInvitation.objects.bulk_create(invitations)
            participants = Participant.objects.select_related("partnership", "keyworker__user").in_bulk(
                [invitation.participant_id for invitation in invitations]
            )
            for invitation in invitations:
                notify.survey_invited(invitation=invitation, participant=participants[invitation.participant_id])
            # Not against the participant: which survey someone was sent stays out of their record's log.
            record_events(
                actor=None,
                action=AuditEvent.Action.CREATE,
                records=((SurveyInvitation._meta.label, invitation.pk, None) for invitation in invitations),
                purpose="Evaluation survey",
            )
            sent += len(invitations)
    return sent


# ---- answers ------------------------------------------------------------------------------------


def _likert(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 5 and str(value).strip() == str(number) else None


def _check_answers(
    questions: Sequence[SurveyQuestion], answers: Mapping[Any, Any]
) -> list[tuple[SurveyQuestion, dict[str, Any]]]:
    """The answers given, as SurveyAnswer fields per question; blank ones left out."""
    errors: dict[str, list[str]] = {}
    by_id = {str(question.pk): question for question in questions}
    unknown = sorted(str(key) for key in answers if str(key) not in by_id)
    if unknown:
        errors["answers"] = ["Answer only this survey's questions."]
    given: list[tuple[SurveyQuestion, dict[str, Any]]] = []
    for question in questions:
        field = f"question_{question.pk}"
        raw = answers.get(question.pk, answers.get(str(question.pk)))
        if isinstance(raw, str):
            raw = raw.strip()
        if raw is None or raw == "":
            if question.required:
                errors[field] = ["Answer this question: it is the one we most need."]
            continue
        if question.kind == SurveyQuestion.Kind.LIKERT:
            number = _likert(raw)
            if number is None:
                errors[field] = ["Choose one of the five answers, from strongly disagree to strongly agree."]
            else:
                given.append((question, {"number": number}))
        elif question.kind == SurveyQuestion.Kind.CHOICE:
            if not isinstance(raw, str) or raw not in question.choices:
                errors[field] = ["Choose one of the answers given."]
            else:
                given.append((question, {"choice": raw}))
        else:
            if not isinstance(raw, str):
                errors[field] = ["Write your answer as text."]
            elif len(raw) > TEXT_ANSWER_MAX:
                errors[field] = [f"Keep your answer to {TEXT_ANSWER_MAX:,} characters or fewer (it has {len(raw):,})."]
            else:
                given.append((question, {"text": raw}))
    if errors:
        raise InvalidInput(errors)
    return given


def answer_survey(
    *,
    actor: ActingUser,
    invitation_id: int,
    answers: Mapping[Any, Any],
    today: datetime.date | None = None,
) -> SurveyInvitation:
    """The invited participant answers, once. `answers` maps question ids to a 1–5 number, a choice or text.

    The response carries the point, area, wave and day only, never the person or the invitation;
    the invitation is marked answered in the same transaction, so a second answer is refused.
    Required questions must be answered; the rest may be skipped.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        invitation = SurveyInvitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None or not rules.has_perm("research.answer_survey", actor, invitation):
            raise NotFound("No such survey invitation.")
        if invitation.answered:
            raise ConflictError("You have already answered this survey. Thank you.")
        survey = Survey.objects.get(pk=invitation.survey_id)
        if survey.status != Survey.Status.OPEN:
            raise DomainError("This survey has closed, so it can no longer be answered.")
        if not ResearchConsent.objects.filter(
            participant_id=invitation.participant_id, consent__withdrawn_at__isnull=True
        ).exists():
            raise NotAllowed("You are no longer taking part in the evaluation, so this survey is closed to you.")
        given = _check_answers(list(survey.questions.order_by("position", "pk")), answers)
        response = SurveyResponse.objects.create(
            survey=survey,
            point_id=invitation.point_id,
            partnership_id=invitation.partnership_id,
            wave_id=invitation.wave_id,
            submitted_on=today,
        )
        SurveyAnswer.objects.bulk_create(
            [SurveyAnswer(response=response, question=question, **fields) for question, fields in given]
        )
        invitation.answered = True
        invitation.save(update_fields=["answered", "updated_at"])
        _audit(actor, AuditEvent.Action.CHANGE, invitation, ["answered"])
    return invitation


# ---- free-text answers to coding ----------------------------------------------------------------


def send_answers_to_coding(*, actor: ActingUser, survey_id: int, question_id: int) -> list[Transcript]:
    """Put a text question's answers into transcripts to redact and code: one per area and wave.

    Each holds that area and wave's answers, separated by blank lines, and starts "being
    redacted" so an evaluator takes out anything identifying before coding. Areas and waves that
    already have one are skipped; answers sent before any wave began cannot be placed and are
    left out. Returns the transcripts made.
    """
    refuse_unless_evaluator(actor, NOT_EVALUATOR)
    with transaction.atomic():
        survey = surveys_visible_to(actor).select_for_update().filter(pk=survey_id).first()
        if survey is None:
            raise NotFound("No such survey.")
        question = _question_of(survey, question_id)
        if question.kind != SurveyQuestion.Kind.TEXT:
            raise DomainError("Only answers in participants' own words can be sent to coding.")
        done = set(Transcript.objects.filter(survey_question=question).values_list("partnership_id", "wave_id"))
        groups: dict[tuple[int, int], list[str]] = {}
        names: dict[tuple[int, int], tuple[str, int]] = {}
        answers = (
            SurveyAnswer.objects.filter(question=question, response__wave__isnull=False)
            .exclude(text="")
            .select_related("response__partnership", "response__wave")
            .order_by("response__partnership__area_name", "response__wave__year", "response__submitted_on", "pk")
        )
        for answer in answers:
            wave = answer.response.wave
            assert wave is not None  # filtered above
            key = (answer.response.partnership_id, wave.pk)
            if key in done:
                continue
            groups.setdefault(key, []).append(answer.text.strip())
            names[key] = (answer.response.partnership.area_name, wave.year)
        made = []
        for (partnership_id, wave_id), texts in groups.items():
            area, year = names[(partnership_id, wave_id)]
            suffix = f" — {area}, {year}"
            wording = (
                question.text
                if len(question.text) + len(suffix) + 8 <= 200
                else question.text[: 200 - len(suffix) - 9] + "…"
            )
            transcript = Transcript.objects.create(
                source=Transcript.Source.SURVEY,
                survey_question=question,
                partnership_id=partnership_id,
                wave_id=wave_id,
                speaker_label=SURVEY_SPEAKER,
                title=f"Survey: {wording}{suffix}",
                text="\n\n".join(texts),
                status=Transcript.Status.REDACTING,
                uploaded_by=signed_in(actor),
            )
            _audit(actor, AuditEvent.Action.CREATE, transcript, ["text", "survey_question"])
            made.append(transcript)
    return made

"""The codebook, coding transcripts, and the consensus the coders settle on. Evaluators only.

- The codebook is a tree of codes (a code may sit under another code of the same codebook,
  never under itself or one of its own sub-codes), grouped in themes. Names are unique within
  a codebook. A code added while coding is "emergent": who added it and when are kept.
- Only transcripts ready for coding are coded: their text is frozen, so a segment's offsets
  always point at the words that were coded. Each segment records its coder; coders code
  independently, and a coder removes only their own segments.
- A consensus is settled passage by passage: settling replaces the consensus segments for
  exactly that passage (same start and end) with the chosen codes. Settling on no code leaves
  no segment; the audit event on the transcript (changed fields "consensus" and
  "passage:<start>-<end>") is the record that it was settled, and the comparison reads it back.
- Every change is audited, with the interviewee's participant id for participant interviews;
  so is every read of a transcript's text or segments.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import rules
from django.db import IntegrityError, transaction

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event, record_participant_reads
from coproduce.core.errors import ConflictError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.programmes.standing import standing_of
from coproduce.research.models import Code, Codebook, CodedSegment, Theme, Transcript
from coproduce.research.passages import locate_passage
from coproduce.research.permissions import refuse_unless_evaluator
from coproduce.research.selectors import (
    codebooks_visible_to,
    codes_visible_to,
    interviewee_participant_id,
    segments_visible_to,
)
from coproduce.research.selectors.coding import (
    CONSENSUS,
    NOT_CODER,
    PASSAGE_PREFIX,
    coding_transcripts,
)

COLOUR = re.compile(r"^#[0-9a-f]{6}$")
DEFAULT_COLOUR = "#1d70b8"
CODEBOOK_FIELDS = ("name", "description")
THEME_FIELDS = ("name", "description")
CODE_FIELDS = ("name", "definition", "theme_id", "parent_id", "colour")
STILL_REDACTING = "This transcript is still being redacted: it can be coded once it is ready for coding."


class StillRedacting(ConflictError):
    """The transcript is not ready for coding yet: its offsets could still move (409)."""

    def __init__(self) -> None:
        super().__init__(STILL_REDACTING)


# ---- who, and about whom ------------------------------------------------------------------------


NOT_CODEBOOK_EDITOR = "Only evaluators can change the codebook."


def transcript_for_coding(actor: ActingUser, transcript_id: int, *, lock: bool = False) -> Transcript:
    """A transcript the evaluator may see and that is ready for coding.

    Not visible (or not theirs to see: a withdrawn interviewee's) is NotFound; still being
    redacted is StillRedacting, a ConflictError (409), because its offsets could still move.
    """
    refuse_unless_evaluator(actor, NOT_CODER)
    transcripts = coding_transcripts(actor)
    if lock:
        # The interview and consent are nullable joins: lock only the transcript's row.
        transcripts = transcripts.select_for_update(of=("self",))
    transcript = transcripts.filter(pk=transcript_id).first()
    if transcript is None:
        raise NotFound("No such transcript.")
    if transcript.status != Transcript.Status.READY:
        raise StillRedacting()
    return transcript


def record_transcript_read(*, actor: ActingUser, transcript: Transcript) -> None:
    """Audit that a transcript's text or coding was shown, against the interviewee if a participant."""
    record_event(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        record=transcript,
        participant_id=interviewee_participant_id(transcript),
    )


def record_transcript_list_read(*, actor: ActingUser, transcripts: Iterable[Transcript]) -> None:
    """Audit a list of transcripts shown: one event per participant interviewee, in one query."""
    participant_ids = sorted(
        {pid for pid in (interviewee_participant_id(transcript) for transcript in transcripts) if pid is not None}
    )
    if not participant_ids:
        return
    record_participant_reads(
        actor=actor,
        participant_ids=participant_ids,
        action=AuditEvent.Action.LIST,
    )


# ---- the codebook -------------------------------------------------------------------------------


def _clean_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _codebook(actor: ActingUser, codebook_id: int, *, lock: bool = False) -> Codebook:
    codebooks = codebooks_visible_to(actor)
    if lock:
        codebooks = codebooks.select_for_update()
    codebook = codebooks.filter(pk=codebook_id).first()
    if codebook is None:
        raise NotFound("No such codebook.")
    return codebook


def _audit_change(
    actor: ActingUser,
    record: Any,
    action: str,
    changed: Iterable[str],
    participant_id: int | None = None,
) -> None:
    record_event(
        actor=actor,
        action=action,
        record=record,
        participant_id=participant_id,
        changed_fields=changed,
    )


def _unknown_fields(changes: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise InvalidInput({name: ["This cannot be changed here."] for name in unknown})


def create_codebook(
    *,
    actor: ActingUser,
    programme_id: int,
    name: str,
    description: str = "",
) -> Codebook:
    """An evaluator starts a codebook for a programme. Its name is unique within the programme."""
    refuse_unless_evaluator(actor, NOT_CODEBOOK_EDITOR)
    name = name.strip()
    errors: dict[str, list[str]] = {}
    # A programme the evaluator does not oversee is refused exactly as one that does not exist.
    if programme_id not in standing_of(actor).programme_ids:
        errors["programme"] = ["Choose a programme."]
    if not name:
        errors["name"] = ["Give the codebook a name."]
    elif Codebook.objects.filter(programme_id=programme_id, name__iexact=name).exists():
        errors["name"] = [f"There is already a codebook called {name}."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        codebook = Codebook(programme_id=programme_id, name=name, description=description.strip())
        validate_model(codebook)
        codebook.save()
        _audit_change(actor, codebook, AuditEvent.Action.CREATE, ["programme", *CODEBOOK_FIELDS])
    return codebook


def update_codebook(
    *,
    actor: ActingUser,
    codebook_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Codebook:
    """Rename a codebook or change its description."""
    refuse_unless_evaluator(actor, NOT_CODEBOOK_EDITOR)
    _unknown_fields(changes, CODEBOOK_FIELDS)
    with transaction.atomic():
        codebook = _codebook(actor, codebook_id, lock=True)
        codebook.check_version(expected_version)
        changed = _apply_changes(codebook, changes)
        if not changed:
            return codebook
        if "name" in changed:
            if not codebook.name:
                raise InvalidInput({"name": ["Give the codebook a name."]})
            clash = Codebook.objects.filter(programme_id=codebook.programme_id, name__iexact=codebook.name)
            if clash.exclude(pk=codebook.pk).exists():
                raise InvalidInput({"name": [f"There is already a codebook called {codebook.name}."]})
        validate_model(codebook)
        codebook.bump_version()
        codebook.save()
        _audit_change(actor, codebook, AuditEvent.Action.CHANGE, changed)
    return codebook


def _apply_changes(row: Any, changes: Mapping[str, Any]) -> list[str]:
    changed = []
    for name, value in changes.items():
        value = _clean_text(value)
        if value is None and name in ("name", "description", "definition", "colour"):
            value = ""
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


def create_theme(
    *,
    actor: ActingUser,
    codebook_id: int,
    name: str,
    description: str = "",
) -> Theme:
    """Add a theme at the end of the codebook's themes. Names are unique within a codebook."""
    refuse_unless_evaluator(actor, NOT_CODEBOOK_EDITOR)
    name = name.strip()
    with transaction.atomic():
        codebook = _codebook(actor, codebook_id, lock=True)
        _check_theme_name(codebook.pk, name)
        last = codebook.themes.order_by("-position").values_list("position", flat=True).first()
        theme = Theme(codebook=codebook, name=name, description=description.strip(), position=(last or 0) + 1)
        validate_model(theme)
        theme.save()
        _audit_change(actor, theme, AuditEvent.Action.CREATE, ["codebook", "position", *THEME_FIELDS])
    return theme


def _check_theme_name(codebook_id: int, name: str, *, exclude_id: int | None = None) -> None:
    if not name:
        raise InvalidInput({"name": ["Give the theme a name."]})
    clash = Theme.objects.filter(codebook_id=codebook_id, name__iexact=name)
    if exclude_id is not None:
        clash = clash.exclude(pk=exclude_id)
    if clash.exists():
        raise InvalidInput({"name": [f"There is already a theme called {name} in this codebook."]})


def _theme(actor: ActingUser, theme_id: int, *, lock: bool = False) -> Theme:
    themes = Theme.objects.filter(codebook__in=codebooks_visible_to(actor))
    if lock:
        themes = themes.select_for_update()
    theme = themes.filter(pk=theme_id).first()
    if theme is None:
        raise NotFound("No such theme.")
    return theme


def update_theme(
    *,
    actor: ActingUser,
    theme_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Theme:
    """Rename a theme or change its description."""
    refuse_unless_evaluator(actor, NOT_CODEBOOK_EDITOR)
    _unknown_fields(changes, THEME_FIELDS)
    with transaction.atomic():
        theme = _theme(actor, theme_id, lock=True)
        theme.check_version(expected_version)
        changed = _apply_changes(theme, changes)
        if not changed:
            return theme
        if "name" in changed:
            _check_theme_name(theme.codebook_id, theme.name, exclude_id=theme.pk)
        validate_model(theme)
        theme.bump_version()
        theme.save()
        _audit_change(actor, theme, AuditEvent.Action.CHANGE, changed)
    return theme


def reorder_themes(
    *,
    actor: ActingUser,
    codebook_id: int,
    theme_ids: Sequence[int],
) -> list[Theme]:
    """Put a codebook's themes in the order given. The list must name each of its themes once."""
    refuse_unless_evaluator(actor, NOT_CODEBOOK_EDITOR)
    with transaction.atomic():
        codebook = _codebook(actor, codebook_id, lock=True)
        themes = {theme.pk: theme for theme in Theme.objects.select_for_update().filter(codebook=codebook)}
        if len(theme_ids) != len(set(theme_ids)) or set(theme_ids) != set(themes):
            raise InvalidInput({"theme_ids": ["List each of the codebook's themes once."]})
        changed = []
        for position, theme_id in enumerate(theme_ids, start=1):
            theme = themes[theme_id]
            if theme.position != position:
                theme.position = position
                theme.bump_version()
                # One save each (a codebook has a handful of themes), so each keeps its history.
                theme.save()
                changed.append(theme)
        if changed:
            _audit_change(actor, codebook, AuditEvent.Action.CHANGE, ["theme order"])
    return [themes[theme_id] for theme_id in theme_ids]


def move_theme(*, actor: ActingUser, theme_id: int, by: int) -> list[Theme]:
    """Move a theme up (`by` −1) or down (+1) among its codebook's themes."""
    refuse_unless_evaluator(actor, NOT_CODEBOOK_EDITOR)
    theme = _theme(actor, theme_id)
    order = list(Theme.objects.filter(codebook_id=theme.codebook_id).values_list("pk", flat=True))
    index = order.index(theme.pk)
    target = min(max(index + by, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    return reorder_themes(actor=actor, codebook_id=theme.codebook_id, theme_ids=order)


def _clean_colour(colour: str | None) -> str:
    value = (colour or DEFAULT_COLOUR).strip().lower()
    if not COLOUR.match(value):
        raise InvalidInput({"colour": ["Enter a colour as # and six hexadecimal digits, like #1d70b8."]})
    return value


def _check_code_place(codebook_id: int, code_id: int | None, parent_id: int | None, theme_id: int | None) -> None:
    """The parent and theme belong to the same codebook, and the parent is not the code or below it."""
    errors: dict[str, list[str]] = {}
    if theme_id is not None and not Theme.objects.filter(pk=theme_id, codebook_id=codebook_id).exists():
        errors["theme_id"] = ["Choose a theme of this codebook."]
    if parent_id is not None:
        parents = dict(Code.objects.filter(codebook_id=codebook_id).values_list("pk", "parent_id"))
        if parent_id not in parents:
            errors["parent_id"] = ["Choose a code of this codebook to put it under."]
        elif code_id is not None:
            seen: set[int] = set()
            walker: int | None = parent_id
            while walker is not None and walker not in seen:
                if walker == code_id:
                    errors["parent_id"] = ["A code cannot go under itself or one of its own sub-codes."]
                    break
                seen.add(walker)
                walker = parents.get(walker)
    if errors:
        raise InvalidInput(errors)


def _check_code_name(codebook_id: int, name: str, *, exclude_id: int | None = None) -> None:
    if not name:
        raise InvalidInput({"name": ["Give the code a name."]})
    clash = Code.objects.filter(codebook_id=codebook_id, name__iexact=name)
    if exclude_id is not None:
        clash = clash.exclude(pk=exclude_id)
    if clash.exists():
        raise InvalidInput({"name": [f"There is already a code called {name} in this codebook."]})


def create_code(
    *,
    actor: ActingUser,
    codebook_id: int,
    name: str,
    definition: str = "",
    parent_id: int | None = None,
    theme_id: int | None = None,
    colour: str | None = None,
    emergent: bool = False,
) -> Code:
    """Add a code to a codebook. `emergent` marks a code added during coding; the code keeps who added it and when."""
    refuse_unless_evaluator(actor, NOT_CODEBOOK_EDITOR)
    name = name.strip()
    with transaction.atomic():
        codebook = _codebook(actor, codebook_id, lock=True)
        _check_code_name(codebook.pk, name)
        _check_code_place(codebook.pk, None, parent_id, theme_id)
        code = Code(
            codebook=codebook,
            name=name,
            definition=definition.strip(),
            parent_id=parent_id,
            theme_id=theme_id,
            colour=_clean_colour(colour),
            emergent=emergent,
            created_by=signed_in(actor),
        )
        validate_model(code)
        code.save()
        changed = ["codebook", "name", "definition", "parent", "theme", "colour", "emergent"]
        _audit_change(actor, code, AuditEvent.Action.CREATE, changed)
    return code


def update_code(
    *,
    actor: ActingUser,
    code_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Code:
    """Rename, redefine, recolour or move a code (to another theme, or under another code of its codebook)."""
    refuse_unless_evaluator(actor, NOT_CODEBOOK_EDITOR)
    _unknown_fields(changes, CODE_FIELDS)
    with transaction.atomic():
        code = codes_visible_to(actor).select_for_update().filter(pk=code_id).first()
        if code is None:
            raise NotFound("No such code.")
        code.check_version(expected_version)
        cleaned = dict(changes)
        if "colour" in cleaned:
            cleaned["colour"] = _clean_colour(cleaned["colour"])
        changed = _apply_changes(code, cleaned)
        if not changed:
            return code
        if "name" in changed:
            _check_code_name(code.codebook_id, code.name, exclude_id=code.pk)
        if "parent_id" in changed or "theme_id" in changed:
            _check_code_place(code.codebook_id, code.pk, code.parent_id, code.theme_id)
        validate_model(code)
        code.bump_version()
        code.save()
        names = [name.removesuffix("_id") for name in changed]
        _audit_change(actor, code, AuditEvent.Action.CHANGE, names)
    return code


# ---- coding -------------------------------------------------------------------------------------


def _codes_for(actor: ActingUser, transcript: Transcript, code_ids: Iterable[int], *, required: bool) -> list[Code]:
    wanted = set(code_ids)
    if not wanted:
        if required:
            raise InvalidInput({"codes": ["Choose at least one code."]})
        return []
    codes = list(codes_visible_to(actor).filter(pk__in=wanted, codebook__programme_id=transcript.wave.programme_id))
    if len(codes) != len(wanted):
        raise InvalidInput({"codes": ["Choose codes from a codebook of this transcript's programme."]})
    return sorted(codes, key=lambda code: (code.name.lower(), code.pk))


def apply_code(
    *,
    actor: ActingUser,
    transcript_id: int,
    code_ids: Sequence[int],
    passage: str,
    start: int | None = None,
    memo: str = "",
) -> list[CodedSegment]:
    """The coder applies codes to a passage: one segment per code, recorded as theirs.

    The passage is found in the transcript's text (see passages.locate_passage); a code the
    coder already applied to exactly these words is not applied twice.
    """
    with transaction.atomic():
        transcript = transcript_for_coding(actor, transcript_id)
        codes = _codes_for(actor, transcript, code_ids, required=True)
        begin, end = locate_passage(transcript.text, passage, start)
        already = set(
            CodedSegment.objects.filter(
                transcript=transcript, coder=signed_in(actor), start=begin, end=end, is_consensus=False
            ).values_list("code_id", flat=True)
        )
        new_codes = [code for code in codes if code.pk not in already]
        if not new_codes:
            raise InvalidInput({"codes": ["You have already applied these codes to these words."]})
        segments = []
        participant_id = interviewee_participant_id(transcript)
        try:
            with transaction.atomic():
                for code in new_codes:
                    segment = CodedSegment.objects.create(
                        transcript=transcript,
                        code=code,
                        coder=signed_in(actor),
                        start=begin,
                        end=end,
                        text=transcript.text[begin:end],
                        memo=memo.strip(),
                    )
                    segments.append(segment)
        except IntegrityError as error:  # the same click sent twice at once
            raise InvalidInput({"codes": ["You have already applied these codes to these words."]}) from error
        for segment in segments:
            fields = ["transcript", "code", "coder", "start", "end", "text", *(["memo"] if segment.memo else [])]
            _audit_change(actor, segment, AuditEvent.Action.CREATE, fields, participant_id)
    return segments


def remove_segment(*, actor: ActingUser, segment_id: int) -> None:
    """A coder removes a segment they applied (nobody removes another coder's). The audit event stays."""
    with transaction.atomic():
        segment = (
            segments_visible_to(actor)
            .select_related("transcript__interview__research_consent")
            .filter(pk=segment_id)
            .first()
        )
        if segment is None:
            raise NotFound("No such coded segment.")
        if not rules.has_perm("research.remove_segment", actor, segment):
            raise NotAllowed("Only the coder who applied it can remove this code.")
        participant_id = interviewee_participant_id(segment.transcript)
        _audit_change(actor, segment, AuditEvent.Action.CHANGE, ["deleted"], participant_id)
        segment.delete()


def passage_key(start: int, end: int) -> str:
    return f"{PASSAGE_PREFIX}{start}-{end}"


def settle_consensus(
    *,
    actor: ActingUser,
    transcript_id: int,
    start: int,
    end: int,
    code_ids: Sequence[int],
) -> list[CodedSegment]:
    """Settle the consensus for one passage: its consensus segments become exactly `code_ids`.

    The passage must be one somebody coded (a segment with this very start and end). Only
    consensus segments with this start and end are replaced; other passages, and every coder's
    own segments, are untouched. An empty list settles the passage as "no code": no segment is
    kept, and the audit event on the transcript says the passage was settled.
    """
    with transaction.atomic():
        # Locked, so two evaluators settling the same passage at once do not mix their choices.
        transcript = transcript_for_coding(actor, transcript_id, lock=True)
        if not (0 <= start < end <= len(transcript.text)):
            raise InvalidInput({"__all__": ["This passage is not in the transcript."]})
        # A consensus settles what coders coded: a passage nobody coded has nothing to settle.
        if not CodedSegment.objects.filter(transcript=transcript, start=start, end=end).exists():
            raise InvalidInput({"__all__": ["Nobody has coded exactly this passage: code it first, then settle it."]})
        codes = _codes_for(actor, transcript, code_ids, required=False)
        CodedSegment.objects.filter(transcript=transcript, start=start, end=end, is_consensus=True).delete()
        segments = [
            CodedSegment.objects.create(
                transcript=transcript,
                code=code,
                coder=signed_in(actor),
                start=start,
                end=end,
                text=transcript.text[start:end],
                is_consensus=True,
            )
            for code in codes
        ]
        _audit_change(
            actor,
            transcript,
            AuditEvent.Action.CHANGE,
            [CONSENSUS, passage_key(start, end)],
            interviewee_participant_id(transcript),
        )
    return segments

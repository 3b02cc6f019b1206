"""Looking for people's identifying values in every text column of every table.

`values_about(participant_ids)` collects, without using the retention code's own list of what it
removes, every text value of every row that reaches those people through foreign keys (their
own row, their account, rows about them and rows about those, live and history tables alike),
so that a field the retention code forgot would still be searched for. `identifying_needles`
keeps those that identify them: values nobody else's records hold, and not the few the
retention rules keep on purpose. `where_found` searches every text column of every table
(Historical* tables, sign-in logs and sessions included) for them.

The search is linear in the size of the database: text is split into words, and every run of
up to four words is looked up among the needles (a longer needle by its first four words, then
checked in full), so that it also runs over the full demo.
"""

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from coproduce.participants.models import Participant
from coproduce.retention.anonymise import KEPT_AS_THEY_ARE, REMOVED

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)
# Text the retention rules keep on purpose (docs/data-protection.md): research's redacted text and
# pseudonym (ADR 0006), service names, and what a deletion notice must say.
KEPT_TEXT = {
    ("research.Transcript", "text"),
    ("research.Transcript", "title"),
    ("research.HistoricalTranscript", "title"),
    ("research.Transcript", "speaker_label"),
    ("research.HistoricalTranscript", "speaker_label"),
    ("research.ResearchConsent", "pseudonym"),
    ("research.HistoricalResearchConsent", "pseudonym"),
    ("referrals.Referral", "outside_service_name"),
    ("referrals.HistoricalReferral", "outside_service_name"),
}
WORDS_LOOKED_UP = 4
_SEPARATORS = re.compile(r"[^0-9a-z@+]+")


def normalise(text: str) -> str:
    return " ".join(_SEPARATORS.split(text.lower())).strip()


def _text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, TEXT_FIELDS) and not getattr(field, "choices", None)
    ]


def rows_about(participant_ids: Sequence[int], depth: int = 3) -> dict[type[models.Model], Q]:
    """A filter for every kind of row that reaches these people through at most `depth` foreign keys
    (from their own record, or from the account they signed in with). Subqueries, so that it scales.

    An account that also holds a record of someone outside `participant_ids` (a person who took part in
    a later programme too) is not only about these records: it stays theirs, and what it holds is theirs."""
    user_model = apps.get_model("accounts", "User")
    ids = list(participant_ids)
    starts: dict[type[models.Model], Q] = {
        Participant: Q(pk__in=ids),
        user_model: Q(pk__in=Participant.objects.filter(pk__in=ids).values("user_id"))
        & ~Q(pk__in=Participant.objects.exclude(pk__in=ids).filter(user__isnull=False).values("user_id")),
    }
    candidates = [
        model
        for model in apps.get_models()
        if model._meta.label not in KEPT_AS_THEY_ARE and not model._meta.label.startswith(("auth.", "contenttypes."))
    ]
    memo: dict[tuple[type[models.Model], int], Q | None] = {}

    def condition(model: type[models.Model], left: int) -> Q | None:
        if model in starts:
            return starts[model]
        if left == 0:
            return None
        key = (model, left)
        if key not in memo:
            found: Q | None = None
            for field in model._meta.concrete_fields:
                target = field.related_model if field.is_relation else None
                if target is None or target is model or field.name.startswith("history_"):
                    continue
                parent = condition(target, left - 1)  # type: ignore[arg-type]
                if parent is None:
                    continue
                keys = target._base_manager.filter(parent).values("pk")  # type: ignore[union-attr]
                step = Q(**{f"{field.attname}__in": keys})
                found = step if found is None else found | step
            memo[key] = found
        return memo[key]

    reached = {model: condition(model, depth) for model in candidates}
    # The history of a row about them is about them too, even versions from before it pointed at
    # them (an enquiry before it was registered).
    for model in candidates:
        live = getattr(model, "instance_type", None)
        live_condition = reached.get(live) if live is not None else None
        if live_condition is not None:
            by_id = Q(id__in=live._base_manager.filter(live_condition).values("pk"))  # type: ignore[union-attr]
            found = reached.get(model)
            reached[model] = by_id if found is None else found | by_id
    # The sign-in log names people by what they typed to sign in, not by a foreign key.
    names = set()
    for username, email, mobile in user_model._base_manager.filter(starts[user_model]).values_list(
        "username", "email", "mobile"
    ):
        names |= {value for value in (username, email, mobile) if value}
    for email, mobile in Participant.objects.filter(pk__in=list(participant_ids)).values_list("email", "mobile"):
        names |= {value for value in (email, mobile) if value}
    lowered = {name.lower() for name in names}
    for label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
        log = apps.get_model(label)
        typed = [pk for pk, name in log._base_manager.values_list("pk", "username") if (name or "").lower() in lowered]
        reached[log] = Q(pk__in=typed)
    return {model: found for model, found in reached.items() if found is not None}


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def values_about(participant_ids: Sequence[int]) -> set[str]:
    values: set[str] = set()
    for model, condition in rows_about(participant_ids).items():
        if model._meta.label.startswith(("auth.", "contenttypes.")):
            continue
        for field in _text_fields(model):
            if (model._meta.label, field.name) in KEPT_TEXT or field.name in ("password", "history_change_reason"):
                continue
            for value in model._base_manager.filter(condition).values_list(field.attname, flat=True):
                text = _as_text(value).strip()
                if text:
                    values.add(text)
    return values


def _identifies(text: str) -> bool:
    """A value worth looking for: at least two words, or one with a digit, an @ or a +."""
    words = normalise(text).split()
    return len(words) >= 2 or any(ch.isdigit() or ch in "@+" for ch in text)


def full_names(participant_ids: Sequence[int]) -> set[str]:
    """The names people were known by, in full, now and in their history."""
    names = set()
    for model in (Participant, Participant.history.model):
        rows = model._base_manager.filter(id__in=list(participant_ids)).values_list(
            "given_name", "preferred_name", "family_name"
        )
        for given, preferred, family in rows:
            names |= {f"{first} {family}" for first in (given, preferred) if first}
    return names


def identifying_needles(participant_ids: Sequence[int]) -> set[str]:
    """The values held about these people, and their full names, that appear nowhere else in the
    database: not in anyone else's records, nor in the directory, the audit log or any other table.
    (Words the demo gives many people, like "Learn to drive", identify nobody.) A single word (a
    first name) is not looked for: alone it identifies nobody either."""
    candidates = {
        value
        for value in values_about(participant_ids) | full_names(participant_ids)
        if _identifies(value) and value != REMOVED and not value.startswith("[")
    }
    elsewhere = {needle for _, _, needle in where_found(candidates, excluding=rows_about(participant_ids))}
    return candidates - elsewhere


def all_text_columns() -> Iterator[tuple[type[models.Model], models.Field[Any, Any]]]:
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if isinstance(field, (*TEXT_FIELDS, models.BinaryField)):
                yield model, field


def where_found(
    needles: Iterable[str], *, excluding: dict[type[models.Model], Q] | None = None
) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every needle found in any text column of any table, leaving out
    the rows `excluding` selects."""
    short: dict[tuple[str, ...], list[str]] = defaultdict(list)
    long_by_start: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
    for needle in needles:
        words = tuple(normalise(needle).split())
        if not words:
            continue
        if len(words) <= WORDS_LOOKED_UP:
            short[words].append(needle)
        else:
            long_by_start[words[:WORDS_LOOKED_UP]].append((" ".join(words), needle))
    found: list[tuple[str, str, str]] = []
    for model, field in all_text_columns():
        # Rows left out are picked by primary key: a foreign key that is NULL must not hide a row.
        left_out: set[Any] = set()
        if excluding and model in excluding:
            left_out = set(model._base_manager.filter(excluding[model]).values_list("pk", flat=True))
        rows = model._base_manager.values_list("pk", field.attname).iterator(chunk_size=5000)
        for pk, value in rows:
            if value is None or pk in left_out:
                continue
            text = bytes(value).decode("utf-8", "replace") if isinstance(value, bytes | memoryview) else _as_text(value)
            normalised = normalise(text)
            words = normalised.split()
            hits: set[str] = set()
            for start in range(len(words)):
                for size in range(1, WORDS_LOOKED_UP + 1):
                    run = tuple(words[start : start + size])
                    if len(run) < size:
                        break
                    hits.update(short.get(run, ()))
                    if size == WORDS_LOOKED_UP:
                        hits.update(needle for full, needle in long_by_start.get(run, ()) if full in normalised)
            found.extend((model._meta.db_table, field.column, needle) for needle in sorted(hits))
    return found

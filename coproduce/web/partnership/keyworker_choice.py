"""Choosing a keyworker in an area that may have thousands: found by the name typed, a few at a time,
each with their active caseload against the partnership's limit. It works without JavaScript.

Two queries whatever the size of the area: the keyworkers shown (at most `KEYWORKERS_SHOWN`, the one
already chosen always among them) and the caseloads of those keyworkers only.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.http import urlencode

from coproduce.accounts.acting import ActingUser
from coproduce.participants.selectors import caseload_sizes_in_partnership
from coproduce.programmes.models import Partnership
from coproduce.programmes.selectors import keyworkers_in
from coproduce.web.partnership.forms import keyworker_choices

KEYWORKERS_SHOWN = 20


@dataclass
class KeyworkerOptions:
    choices: list[Any]
    name: str
    more: bool  # more keyworkers match than are offered: the manager should type more of the name
    matched: int  # how many of those offered match the name (the chosen one may not)

    @property
    def hint(self) -> str:
        if self.more:
            return (
                f"More than {KEYWORKERS_SHOWN} keyworkers match, so only the first {KEYWORKERS_SHOWN} are listed. "
                "Type more of their name to find someone else."
            )
        if self.name and not self.matched:
            return f"No keyworker in the partnership has “{self.name}” in their name. Try another name."
        return ""


def with_name(url: str, name: str) -> str:
    """Where the keyworker form posts: the same keyworkers are offered again if it must be shown again."""
    return f"{url}?{urlencode({'keyworker_name': name})}" if name else url


def chosen_keyworker_id(value: object) -> int | None:
    """The keyworker id sent, if it looks like one (the form itself says when it is not a choice)."""
    return int(value) if isinstance(value, str) and value.isdigit() else None


def keyworker_options(
    actor: ActingUser, partnership: Partnership, *, name: str, chosen_id: int | None
) -> KeyworkerOptions:
    """The keyworkers whose name has every word typed in it (all of them when nothing is typed), by name,
    at most `KEYWORKERS_SHOWN`; the chosen keyworker first when there is one."""
    words = name.split()
    matching = Q()
    for word in words:
        matching &= Q(user__display_name__icontains=word)
    keyworkers = keyworkers_in(partnership.pk)
    if chosen_id is not None:
        if words:
            keyworkers = keyworkers.filter(matching | Q(pk=chosen_id))
        keyworkers = keyworkers.annotate(
            is_match=Case(When(matching, then=Value(1)), default=Value(0), output_field=IntegerField())
            if words
            else Value(1, output_field=IntegerField()),
            chosen_first=Case(When(pk=chosen_id, then=Value(0)), default=Value(1), output_field=IntegerField()),
        ).order_by("chosen_first", "user__display_name", "pk")
    else:
        keyworkers = keyworkers.filter(matching).annotate(is_match=Value(1, output_field=IntegerField()))
    found = list(keyworkers[: KEYWORKERS_SHOWN + 1])
    more = len(found) > KEYWORKERS_SHOWN
    found = found[:KEYWORKERS_SHOWN]
    shown_ids = [keyworker.pk for keyworker in found]
    caseloads = {
        keyworker.pk: keyworker.active_count
        for keyworker in caseload_sizes_in_partnership(actor).filter(pk__in=shown_ids)
    }
    return KeyworkerOptions(
        choices=keyworker_choices(found, caseloads, partnership.caseload_limit),
        name=" ".join(words),
        more=more,
        matched=sum(keyworker.is_match for keyworker in found),
    )

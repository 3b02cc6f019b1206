"""One mobile number, several people: families share phones (docs/security.md, "Shared phones").

Several participant accounts may hold one mobile number. Nothing before proof of the phone tells
anyone how many:

- **A sign-in link by text** (/sign-in/link/) is one text, whatever the count, with a link that
  proves the phone (`PhoneTokenGenerator`). Only once it is opened does the page ask
  "Who is signing in?", listing first names alone (`who_is_on`), and then lead to that person's
  "create a password" page. The link stops working once anyone on the number sets a password
  or signs in, or after PASSWORD_RESET_TIMEOUT.
- **A password with the mobile number** is checked against every account on the number, and
  the password says who it is (`accounts_on_mobile`, coproduce/accounts/backends.py). The same
  number of password checks is made whether the number has no account, one or several (up to
  COPRODUCE_SHARED_MOBILE_PASSWORD_CHECKS), so the time taken does not tell either. If one
  password opens two accounts, neither is signed in that way: they use their email address or
  a sign-in link.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db.models import QuerySet

from coproduce.accounts.models import User


def participant_accounts_on(mobile: str) -> QuerySet[User]:
    """The active, not anonymised participant accounts holding `mobile`, oldest first."""
    if not mobile:
        return User.objects.none()
    return (
        User.objects.filter(
            mobile=mobile,
            is_active=True,
            participant__isnull=False,
            participant__anonymised_at__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )


def participant_records_of(users: QuerySet[User]) -> QuerySet[Any]:
    """The participant records (one per programme a person took part in) of these accounts."""
    # Read the participants table without importing the participants app, which sits above this one.
    return apps.get_model("participants", "Participant").objects.filter(user__in=users, anonymised_at__isnull=True)


def accounts_on_mobile(mobile: str) -> list[User]:
    """Every account holding `mobile` (staff too), oldest first: the ones a password may open."""
    if not mobile:
        return []
    return list(User.objects.filter(mobile=mobile).order_by("pk"))


class PhoneTokenGenerator(PasswordResetTokenGenerator):
    """A token proving that whoever opens the link holds the phone the text went to.

    It is made for the oldest account on the number and covers every account on it: it stops
    working when anyone on the number sets a password or signs in (their password hash or last
    sign-in changes), and after PASSWORD_RESET_TIMEOUT, like Django's password reset tokens.
    """

    key_salt = "coproduce.accounts.shared_mobile.PhoneTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        accounts = participant_accounts_on(user.mobile).values_list("pk", "password", "last_login")
        states = "|".join(f"{pk}:{password}:{last_login}" for pk, password, last_login in accounts)
        return f"{user.mobile}|{timestamp}|{states}"


phone_token_generator = PhoneTokenGenerator()


@dataclass(frozen=True)
class PersonOnPhone:
    user_id: int
    participant_id: int
    name: str


def who_is_on(mobile: str) -> list[PersonOnPhone]:
    """The people on a number as the "Who is signing in?" page lists them: first name only, or
    first name and the initial of the family name where two share a first name. Nothing else."""
    # A person with records in several programmes is named from the latest one (the record they sign in to).
    current: dict[int, tuple[int, str, str]] = {}
    records = (
        participant_records_of(participant_accounts_on(mobile))
        .order_by("user_id", "partnership__programme__starts_on", "joined_on", "pk")
        .values_list("user_id", "pk", "preferred_name", "given_name", "family_name")
    )
    for user_id, participant_id, preferred, given, family in records:
        current[user_id] = (participant_id, preferred or given, family)
    people = [(user_id, *record) for user_id, record in current.items()]
    firsts = Counter(first.strip().casefold() for _, _, first, _ in people)
    named = [
        PersonOnPhone(
            user_id=pk,
            participant_id=participant_id,
            name=first if firsts[first.strip().casefold()] == 1 else f"{first} {family[:1].upper()}.",
        )
        for pk, participant_id, first, family in people
    ]
    return sorted(named, key=lambda person: (person.name.casefold(), person.user_id))

"""Build (and remove) the deterministic demo: two programmes run by the same five partnerships.

- "Making It Work", April 2013 to December 2017, closed: the paper's programme (3,115 lone parents,
  30% into paid work, £7m). Its whole history lies inside its years: people joined from June 2013
  to September 2017, every case was closed by 31 December 2017, and only the sustainment checks of
  the last jobs fall in 2018. Nothing about it is dated after `data.HISTORY_ENDS_ON`.
- "Making It Work Together", April 2025 to March 2028, running: about a tenth of the size, the live
  casework the demo logins see (appointments in the coming week, offers, referrals waiting,
  enquiries, a budget). Its own partnership rows, staff and grant; a few dozen of its participants
  took part in Making It Work too (one account, a record in each programme).

The same seed gives the same programmes, row for row, apart from creation timestamps and
primary keys. Each kind of choice (names, dates, barriers, contacts…) draws from its own
random stream, so a change to how contacts are made does not change anyone's name.

Contacts of the live programme's open cases are placed relative to `today`, so that the
caseload page has people seen this week and people not seen for a month; the draws behind
them do not depend on `today`, only their dates do. The closed programme does not depend on
`today` at all.

Speed: rows are written with `bulk_create` in batches, and the one password hash is
computed once and shared by every demo account (Argon2 is deliberately slow). History: see
WITHOUT_HISTORY.
"""

import dataclasses
import datetime
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.db.models.deletion import Collector
from django.test.utils import override_settings
from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.audit.models import AuditEvent
from coproduce.budgets.models import BudgetPot, Spend
from coproduce.demo import data
from coproduce.demo.board import write_board
from coproduce.demo.budgets import write_budgets
from coproduce.demo.data import AreaSpec, DemoLogin, OrganisationSpec
from coproduce.demo.directory import demo_directory_ids, write_availability, write_directory
from coproduce.demo.funding import write_funding
from coproduce.demo.messages import write_contact_preferences
from coproduce.demo.outcomes import write_outcomes
from coproduce.demo.referrals import write_referrals
from coproduce.demo.research import demo_research_rows, write_research
from coproduce.demo.support import write_support
from coproduce.directory.models import DirectoryOrganisation, Service
from coproduce.participants.models import AvailabilitySlot, Child, Consent, Enquiry, Participant
from coproduce.plans.models import (
    Assessment,
    AssessmentBarrier,
    Contact,
    Goal,
    JobSearchEntry,
    ProgressCheck,
    ProgressScore,
)
from coproduce.programmes.models import (
    BoardDecision,
    BoardMember,
    EngagementTarget,
    Grant,
    Organisation,
    Partnership,
    PartnershipMembership,
    Programme,
    StaffMember,
    StaffRole,
)
from coproduce.voice.models import Invitation

DEFAULT_SEED = 2013
BATCH_SIZE = 500
HISTORY_REASON = "Demo data"

T = TypeVar("T", bound=models.Model)

# `bulk_create` does not fire the signals django-simple-history listens to, so the builder
# writes each row's "created" history row itself, so that the first edit made in the demo has
# something to be compared with. Except for these: the many rows that are added to rather than
# edited (about 70,000 at full size), whose history would double the time the demo takes to
# load (measured on SQLite before plans were added: about 4 s with no history, 12 s with all of
# it, 6 s like this).
WITHOUT_HISTORY = (
    Child,
    AssessmentBarrier,
    Contact,
    ProgressScore,
    ProgressCheck,
    JobSearchEntry,
    Invitation,
    AvailabilitySlot,
)


class DemoError(Exception):
    """The demo cannot be built or removed; the message says why and what to do."""


@dataclass
class DemoSummary:
    participants_by_area: dict[str, int]
    status_counts: dict[str, int]
    staff: int
    participant_accounts: int
    children: int
    consents: int
    barriers: int
    contacts: int
    enquiries: int
    support: dict[str, int] = field(default_factory=dict)
    live: "DemoSummary | None" = None  # the live programme's, beside the closed one's


def split_across_areas(total: int) -> dict[str, int]:
    """Share `total` participants across the areas in the proportions of the full demo.

    Largest remainders, so the parts always add up to `total`; at 3,115 it is exactly the
    documented split (see `data.AREAS`).
    """
    shares = [(area.short_code, total * area.participants / data.FULL_SIZE) for area in data.AREAS]
    counts = {code: int(share) for code, share in shares}
    left = total - sum(counts.values())
    by_remainder = sorted(shares, key=lambda item: (-(item[1] - int(item[1])), item[0]))
    for code, _ in by_remainder[:left]:
        counts[code] += 1
    return counts


def demo_is_loaded() -> bool:
    """True if the demo programme, or any demo login, is already in the database."""
    emails = Q()
    for login in data.DEMO_LOGINS:
        emails |= Q(email__iexact=login.email)
    names = [data.PROGRAMME_NAME, data.LIVE_PROGRAMME_NAME]
    return Programme.objects.filter(name__in=names).exists() or User.objects.filter(emails).exists()


def live_size(participants: int) -> int:
    """The live programme's participants: a tenth of Making It Work's, and at least `data.LIVE_MINIMUM`, so
    that a small demo still has the demo logins' story (Fife needs the demo participant, three open cases
    and three closed ones for the partner worker's inbox)."""
    return max(data.LIVE_MINIMUM, round(participants * data.LIVE_SHARE))


def build_demo(
    *,
    participants: int = data.FULL_SIZE,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
) -> DemoSummary:
    """Write the demo's two programmes in one transaction. Refuses if they are already there.

    `participants` is Making It Work's size; the live programme gets a tenth of it (`live_size`).
    """
    if participants < len(data.AREAS):
        raise DemoError(f"The demo needs at least {len(data.AREAS)} participants, one per area.")
    today = today or timezone.localdate()
    if today < data.LIVE_FIRST_JOINING_DAY + datetime.timedelta(days=60):
        raise DemoError(
            f"The live demo programme needs a day after {data.LIVE_FIRST_JOINING_DAY:%-d %B %Y} plus two months."
        )
    if demo_is_loaded():
        raise DemoError("The demo programme is already loaded. Use `load_demo --reset` to build it again.")
    closed = _Builder(spec=data.CLOSED_PROGRAMME, participants=participants, seed=seed, today=today)
    try:
        with transaction.atomic():
            summary = closed.build()
            live = _Builder(
                spec=data.LIVE_PROGRAMME, participants=live_size(participants), seed=seed, today=today, earlier=closed
            )
            summary.live = live.build()
            return summary
    except IntegrityError as error:
        raise DemoError(
            f"The demo clashes with data already in this database ({error}). Nothing was written; "
            "load the demo into an empty database."
        ) from error


# ---------------------------------------------------------------------------------------------
# Building


def _ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _weighted_sample(rng: random.Random, weights: dict[str, int], count: int) -> list[str]:
    """`count` different items, each drawn in proportion to its weight among those left."""
    left = dict(weights)
    chosen = []
    for _ in range(min(count, len(left))):
        item = _weighted(rng, left)
        chosen.append(item)
        del left[item]
    return chosen


def _weekday(day: datetime.date, first: datetime.date, last: datetime.date) -> datetime.date:
    """Move a Saturday to the Friday before and a Sunday to the Monday after, staying within first–last."""
    if day.weekday() == 5:
        day -= datetime.timedelta(days=1)
    elif day.weekday() == 6:
        day += datetime.timedelta(days=1)
    if day > last:
        day -= datetime.timedelta(days=3)
    if day < first:
        day += datetime.timedelta(days=3)
    return day


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _joining_weight(month: datetime.date, spec: data.ProgrammeSpec) -> float:
    """Referrals built up over the first six months, held steady, and eased off in the last year."""
    if not spec.closed:
        months_in = (month.year - spec.first_joining_day.year) * 12 + month.month - spec.first_joining_day.month
        return min(1.0, 0.4 + 0.15 * months_in)
    if month.year == 2013:
        return 0.4 + 0.1 * (month.month - 6)
    if month.year == 2017:
        return 0.85
    return 1.0


@dataclass(eq=False)
class _Person:
    """A participant being planned, before any row is written."""

    area: AreaSpec
    reference: str
    joined_on: datetime.date
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    mobile: str = ""
    address: str = ""
    postcode: str = ""
    heard_about: str = ""
    status: str = Participant.Status.CLOSED
    status_since: datetime.date | None = None
    keyworker: StaffMember | None = None
    user: User | None = None
    children: list[int] = field(default_factory=list)
    barriers: list[str] = field(default_factory=list)
    row: Participant | None = None


class _Builder:
    """Builds one of the demo's programmes; the live one is given the closed one's builder as `earlier`."""

    def __init__(
        self,
        *,
        spec: data.ProgrammeSpec,
        participants: int,
        seed: int,
        today: datetime.date,
        earlier: "_Builder | None" = None,
    ) -> None:
        self.spec = spec
        self.earlier = earlier
        self.total = participants
        self.seed = seed
        # The day the programme is seen from: a closed programme is seen from its last day, so that
        # nothing in it depends on (or is dated near) the day the demo is built.
        self.today = spec.ends_on if spec.closed else today
        self.real_today = today
        self.last_joining_day = spec.last_joining_day or today - datetime.timedelta(days=3)
        self.now = timezone.now()
        self.programme: Programme | None = None
        # Shared by both programmes: one password hash, one set of addresses, one pool of drama numbers.
        self.password: str = earlier.password if earlier else make_password(data.DEMO_PASSWORD)
        self.used_emails: set[str] = earlier.used_emails if earlier else {login.email for login in data.DEMO_LOGINS}
        self.mobile_pool: list[str] = earlier.mobile_pool if earlier else []
        self.directory: Any = None
        self.organisations: dict[str, Organisation] = dict(earlier.organisations) if earlier else {}
        self.partnerships: dict[str, Partnership] = {}
        self.keyworkers: dict[str, list[StaffMember]] = defaultdict(list)
        self.demo_staff: dict[Role, StaffMember] = {}
        self.manager_users: dict[str, User] = {}
        self.people: list[_Person] = []
        self.demo_participant: _Person | None = None
        self.participant_users: list[User] = []
        self.enquiry_mobiles: list[str] = []
        self.counts: Counter[str] = Counter()
        self._goals: dict[int, list[tuple[int, str]]] | None = None

    def goals_of(self, participant: Participant) -> list[tuple[int, str]]:
        """(id, title) of a demo participant's goals, oldest first; read from the database once."""
        if self._goals is None:
            self._goals = defaultdict(list)
            rows = Goal.objects.filter(participant__partnership__in=self.partnerships.values()).order_by("pk")
            for pk, participant_id, title in rows.values_list("pk", "participant_id", "title"):
                self._goals[participant_id].append((pk, title))
        return self._goals.get(participant.pk, [])

    def rng(self, stream: str) -> random.Random:
        """A random stream of its own for each kind of choice (string seeds are stable across runs).

        The live programme's streams are named after it, so that its people are not the closed one's again.
        """
        if self.spec.closed:
            return random.Random(f"{self.seed}:{stream}")
        return random.Random(f"{self.seed}:{self.spec.prefix}:{stream}")

    def save(self, model: type[T], rows: list[T], *, with_history: bool = True) -> list[T]:
        """Bulk-write the rows and their "created" history (unless `with_history` is False: rows never edited)."""
        created = model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
        history = getattr(model, "history", None)
        if with_history and history is not None and model not in WITHOUT_HISTORY:
            history.bulk_history_create(
                created, batch_size=BATCH_SIZE, default_date=self.now, default_change_reason=HISTORY_REASON
            )
        return created

    def build(self) -> DemoSummary:
        self.build_structure()
        self.build_staff()
        self.plan_participants()
        self.write_participants()
        self.write_casework()
        write_support(self)
        directory = self.write_directory()
        write_availability(self)
        write_referrals(self, directory)
        if not self.spec.closed:
            self.write_enquiries()
        write_outcomes(self)
        write_funding(self)
        write_budgets(self)
        write_board(self)
        if self.spec.closed:
            write_research(self)  # the evaluation is Making It Work's
        else:
            write_contact_preferences(self)
            self.share_programme_wide_staff()
        return DemoSummary(
            participants_by_area=dict(Counter(person.area.area_name for person in self.people)),
            status_counts=dict(Counter(person.status for person in self.people)),
            staff=self.counts["staff"],
            participant_accounts=self.counts["participant_accounts"],
            children=self.counts["children"],
            consents=self.counts["consents"],
            barriers=self.counts["barriers"],
            contacts=self.counts["contacts"],
            enquiries=self.counts["enquiries"],
            support=dict(
                sorted(
                    (key, value)
                    for key, value in self.counts.items()
                    if key.split(":")[0] in ("support", "outcomes", "funding", "budgets", "board")
                )
            ),
        )

    # -- Programme, partnerships, organisations -------------------------------------------------

    def organisation(self, spec: OrganisationSpec) -> Organisation:
        return Organisation(
            name=spec.name,
            kind=spec.kind,
            charity_number=spec.charity_number,
            website=f"https://{spec.domain}/",
            description=spec.description,
        )

    def build_structure(self) -> None:
        """The programme and its five partnerships; the organisations once, shared by both programmes."""
        if self.earlier is None:
            specs = [data.FUNDER, data.EVALUATION_TEAM]
            for area in data.AREAS:
                specs += [area.lead, area.council, *area.agencies]
            for organisation in self.save(Organisation, [self.organisation(spec) for spec in specs]):
                self.organisations[organisation.name] = organisation
        programme = Programme.objects.create(
            name=self.spec.name,
            reference_prefix=self.spec.prefix,
            description=self.spec.description,
            starts_on=self.spec.starts_on,
            ends_on=self.spec.ends_on,
        )
        self.programme = programme
        partnerships = self.save(
            Partnership,
            [
                Partnership(
                    programme=programme, area_name=area.area_name, gss_code=area.gss_code, short_code=area.short_code
                )
                for area in data.AREAS
            ],
        )
        self.partnerships = {partnership.short_code: partnership for partnership in partnerships}
        memberships = []
        for area in data.AREAS:
            partnership = self.partnerships[area.short_code]
            for spec in (area.lead, area.council):
                memberships.append(
                    PartnershipMembership(
                        partnership=partnership,
                        organisation=self.organisations[spec.name],
                        role=PartnershipMembership.Role.CO_LEAD,
                        joined_on=self.spec.starts_on,
                    )
                )
            for spec in area.agencies:
                memberships.append(
                    PartnershipMembership(
                        partnership=partnership,
                        organisation=self.organisations[spec.name],
                        role=PartnershipMembership.Role.MEMBER,
                        joined_on=self.spec.starts_on,
                    )
                )
        self.save(PartnershipMembership, memberships)

    # -- Staff ----------------------------------------------------------------------------------

    def unique_email(self, local: str, domain: str) -> str:
        candidate = f"{local}@{domain}"
        number = 2
        while candidate in self.used_emails:
            candidate = f"{local}{number}@{domain}"
            number += 1
        self.used_emails.add(candidate)
        return candidate

    def build_staff(self) -> None:
        names = self.rng("staff names")
        demo_names = {(login.given_name, login.family_name) for login in data.DEMO_LOGINS}
        # (user, organisation, partnership, job title, role, demo role or None)
        planned: list[tuple[User, Organisation, Partnership | None, str, Role, Role | None]] = []

        def person(demo: DemoLogin | None, domain: str) -> User:
            if demo is not None:
                given, family, email = demo.given_name, demo.family_name, demo.email
            else:
                given, family = (
                    names.choice(data.WOMEN_GIVEN_NAMES + data.MEN_GIVEN_NAMES),
                    names.choice(data.FAMILY_NAMES),
                )
                while (given, family) in demo_names:
                    family = names.choice(data.FAMILY_NAMES)
                email = self.unique_email(f"{_ascii_slug(given)}.{_ascii_slug(family)}", domain)
            return User(
                username=email,
                email=email,
                first_name=given,
                last_name=family,
                display_name=f"{given} {family}",
                password=self.password,
            )

        def demo_for(role: Role, area: AreaSpec | None) -> DemoLogin | None:
            # The demo logins of one area work in the live programme; Making It Work's staff are others.
            login = data.DEMO_LOGIN_BY_ROLE[role]
            if self.spec.closed:
                return None
            return login if area is None or login.area == area.short_code else None

        sizes = split_across_areas(self.total)
        for area in data.AREAS:
            partnership = self.partnerships[area.short_code]
            lead = self.organisations[area.lead.name]
            keyworkers = area.keyworkers
            if not self.spec.closed:
                # About twenty open cases each.
                keyworkers = max(1, round(sizes[area.short_code] * data.OPEN_SHARE / 20))
            # Most keyworkers work for the co-lead charity; one per area is based in a partner agency.
            for index in range(keyworkers):
                demo = demo_for(Role.KEYWORKER, area) if index == 0 else None
                spec = area.lead if index < keyworkers - 1 or keyworkers == 1 else area.agencies[-1]
                planned.append(
                    (
                        person(demo, spec.domain),
                        self.organisations[spec.name],
                        partnership,
                        "Keyworker",
                        Role.KEYWORKER,
                        Role.KEYWORKER if demo else None,
                    )
                )
            demo = demo_for(Role.PARTNERSHIP_MANAGER, area)
            planned.append(
                (
                    person(demo, area.lead.domain),
                    lead,
                    partnership,
                    "Partnership manager",
                    Role.PARTNERSHIP_MANAGER,
                    Role.PARTNERSHIP_MANAGER if demo else None,
                )
            )
            for index, spec in enumerate(area.agencies):
                demo = demo_for(Role.PARTNER_WORKER, area) if index == 0 else None
                planned.append(
                    (
                        person(demo, spec.domain),
                        self.organisations[spec.name],
                        partnership,
                        spec.worker_title,
                        Role.PARTNER_WORKER,
                        Role.PARTNER_WORKER if demo else None,
                    )
                )
        administrators = []
        if self.earlier is None:
            # Programme-wide people are made once; the live programme shares them (see share_programme_wide_staff).
            for role, spec in ((Role.FUNDER, data.FUNDER), (Role.EVALUATOR, data.EVALUATION_TEAM)):
                demo = data.DEMO_LOGIN_BY_ROLE[role]
                planned.append(
                    (person(demo, spec.domain), self.organisations[spec.name], None, demo.job_title, role, role)
                )
            administrator = person(data.DEMO_LOGIN_BY_ROLE[Role.ADMINISTRATOR], "")
            administrator.is_staff = True
            administrator.is_superuser = True
            administrators.append(administrator)
        else:
            for role in (Role.FUNDER, Role.EVALUATOR):
                self.demo_staff[role] = self.earlier.demo_staff[role]
        self.save(User, [user for user, *_ in planned] + administrators)
        staff = self.save(
            StaffMember,
            [
                StaffMember(
                    user=user,
                    organisation=organisation,
                    partnership=partnership,
                    job_title=title,
                    # Keyworkers' work contact, shown to their participants: Ofcom's drama numbers
                    # (01632 960000-960999) and the made-up work address they sign in with.
                    work_phone=f"+441632960{(number + self.phone_offset) % 1000:03d}" if role == Role.KEYWORKER else "",
                    work_email=user.email if role == Role.KEYWORKER else "",
                )
                for number, (user, organisation, partnership, title, role, _) in enumerate(planned)
            ],
        )
        self.save(
            StaffRole,
            [StaffRole(staff_member=member, role=plan[4]) for member, plan in zip(staff, planned, strict=True)],
        )
        for member, (_, _, works_in, _, role, demo_role) in zip(staff, planned, strict=True):
            if role == Role.KEYWORKER and works_in is not None:
                self.keyworkers[works_in.short_code].append(member)
            if role == Role.PARTNERSHIP_MANAGER and works_in is not None:
                self.manager_users.setdefault(works_in.short_code, member.user)
            if demo_role is not None:
                self.demo_staff[demo_role] = member
        self.counts["staff"] = len(staff)

    @property
    def phone_offset(self) -> int:
        """Keyworkers' work numbers carry on from the closed programme's, so no two share one."""
        return 0 if self.earlier is None else self.earlier.counts["staff"]

    def share_programme_wide_staff(self) -> None:
        """The demo funder and the demo evaluator oversee both programmes; the other evaluators, the paper's."""
        assert self.earlier is not None
        assert self.earlier.programme is not None
        assert self.programme is not None
        closed, live = self.earlier.programme, self.programme
        through = StaffMember.programmes.through
        rows = []
        for member in StaffMember.objects.filter(partnership=None).order_by("pk"):
            rows.append(through(staffmember_id=member.pk, programme_id=closed.pk))
            if member.pk in (self.demo_staff[Role.FUNDER].pk, self.demo_staff[Role.EVALUATOR].pk):
                rows.append(through(staffmember_id=member.pk, programme_id=live.pk))
        through._default_manager.bulk_create(rows)

    def write_directory(self) -> Any:
        """The directory is written once, with the closed programme, and shared with the live one.

        Its dates (capacity updated, last checked) are today's, not the closed programme's: the
        directory is what is on offer now. The live programme's partnerships are linked to the same
        services, and its partner workers answer referrals to their agencies.
        """
        if self.earlier is None:
            seen_from, self.today = self.today, self.real_today
            try:
                self.directory = write_directory(self)
            finally:
                self.today = seen_from
            return self.directory
        plan = self.earlier.directory
        through = Service.partnerships.through
        by_code = {partnership.pk: partnership.short_code for partnership in self.earlier.partnerships.values()}
        links = through._default_manager.filter(partnership_id__in=list(by_code)).values_list(
            "service_id", "partnership_id"
        )
        through._default_manager.bulk_create(
            [
                through(service_id=service_id, partnership_id=self.partnerships[by_code[partnership_id]].pk)
                for service_id, partnership_id in links.order_by("service_id", "partnership_id")
            ]
        )
        workers = StaffMember.objects.filter(
            partnership__in=self.partnerships.values(), roles__role=Role.PARTNER_WORKER
        ).select_related("user")
        self.directory = dataclasses.replace(
            plan, partner_user={member.organisation_id: member.user for member in workers.order_by("pk")}
        )
        return self.directory

    # -- Participants ---------------------------------------------------------------------------

    def plan_participants(self) -> None:
        first, last = self.spec.first_joining_day, self.last_joining_day
        months = _months(first, last)
        month_weights = [_joining_weight(month, self.spec) for month in months]
        dates = self.rng("joining dates")
        for area in data.AREAS:
            count = split_across_areas(self.total)[area.short_code]
            days = []
            for month in dates.choices(months, weights=month_weights, k=count):
                length = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - month
                day = month + datetime.timedelta(days=dates.randrange(length.days))
                days.append(_weekday(min(max(day, first), last), first, last))
            for number, day in enumerate(sorted(days), start=1):
                reference = f"{self.spec.prefix}-{area.short_code}-{number:05d}"
                self.people.append(_Person(area=area, reference=reference, joined_on=day))
        self.plan_names_and_homes()
        self.plan_caseloads()
        self.plan_returning()
        self.plan_mobiles_and_accounts()

    returning: list[tuple["_Person", "_Person"]]

    def plan_names_and_homes(self) -> None:
        names = self.rng("participant names")
        homes = self.rng("homes")
        households = self.rng("households")
        for person in self.people:
            given_names = data.MEN_GIVEN_NAMES if names.random() < 0.1 else data.WOMEN_GIVEN_NAMES
            person.given_name = names.choice(given_names)
            person.family_name = names.choice(data.FAMILY_NAMES)
            has_email = names.random() < 0.7
            pattern = names.randrange(4)
            year = names.randrange(70, 100)
            domain = names.choice(data.PARTICIPANT_EMAIL_DOMAINS)
            if has_email:
                given, family = _ascii_slug(person.given_name), _ascii_slug(person.family_name)
                local = (f"{given}.{family}", f"{given}{family}{year}", f"{given[0]}{family}", f"{given}_{family}")[
                    pattern
                ]
                person.email = self.unique_email(local, domain)

            district, town = homes.choice(person.area.districts)
            inward = f"{homes.randrange(10)}{homes.choice(data.POSTCODE_LETTERS)}{homes.choice(data.POSTCODE_LETTERS)}"
            person.postcode = f"{district} {inward}"
            flat = homes.random() < 0.4
            number = homes.randrange(1, 120)
            street = homes.choice(data.STREETS)
            person.address = (f"Flat {homes.randrange(1, 4)}/{homes.randrange(1, 3)}, " if flat else "") + (
                f"{number} {street}\n{town}"
            )
            person.heard_about = _weighted(households, data.HEARD_ABOUT_WEIGHTS)
            ages = [_weighted(households, data.YOUNGEST_AGE_WEIGHTS)]
            for _ in range(_weighted(households, data.CHILDREN_COUNT_WEIGHTS) - 1):
                ages.append(min(ages[-1] + households.randint(1, 5), 16))
            person.children = sorted(person.joined_on.year - age for age in ages)

    def plan_caseloads(self) -> None:
        """Making It Work: every case closed by the end of 2017. The live programme: most open, the
        earliest joiners among those closed.

        Open cases are dealt round the area's keyworkers so that caseloads are even; the demo
        keyworker is dealt first, and their first open case becomes the demo participant.
        """
        open_share = 0.0 if self.spec.closed else data.OPEN_SHARE
        statuses = self.rng("statuses")
        allocation = self.rng("allocation")
        by_area: dict[str, list[_Person]] = defaultdict(list)
        for person in self.people:
            by_area[person.area.short_code].append(person)
        for area in data.AREAS:
            people = by_area[area.short_code]
            target = min(len(people), max(1, round(len(people) * open_share))) if open_share else 0
            open_people: list[_Person] = []
            for person in reversed(people):  # latest joiners first
                if len(open_people) < target and statuses.random() < 0.8:
                    open_people.append(person)
            for person in reversed(people):  # top up, if chance left it short
                if len(open_people) < target and all(person is not chosen for chosen in open_people):
                    open_people.append(person)
            open_people.sort(key=lambda person: person.reference)
            allocation.shuffle(open_people)
            keyworkers = self.keyworkers[area.short_code]
            for index, person in enumerate(open_people):
                person.keyworker = keyworkers[index % len(keyworkers)]
                paused = statuses.random() < data.PAUSED_SHARE_OF_OPEN
                paused_days = statuses.randint(10, 90)
                if paused and index > 0:
                    person.status = Participant.Status.PAUSED
                    person.status_since = max(self.today - datetime.timedelta(days=paused_days), person.joined_on)
                else:
                    person.status = Participant.Status.ACTIVE
                    person.status_since = person.joined_on
            open_set = {id(person) for person in open_people}
            for person in people:
                # Drawn for everyone, so that the draws do not depend on who is open.
                keyworker = allocation.choice(keyworkers)
                months_supported = statuses.choice((2, 3, 4, 6, 6, 8, 9, 12, 12, 15, 18, 24))
                extra_days = statuses.randrange(30)
                if id(person) in open_set:
                    continue
                person.keyworker = keyworker
                person.status = Participant.Status.CLOSED
                closed_on = person.joined_on + datetime.timedelta(days=months_supported * 30 + extra_days)
                # Every case closed by the programme's end (a live one's closed ones, by last week).
                last = self.spec.ends_on if self.spec.closed else self.today - datetime.timedelta(days=7)
                person.status_since = max(min(closed_on, last), person.joined_on)
            if open_people and area.short_code == data.DEMO_LOGIN_BY_ROLE[Role.PARTICIPANT].area:
                self.demo_participant = open_people[0]

        demo = data.DEMO_LOGIN_BY_ROLE[Role.PARTICIPANT]
        if self.demo_participant is None:
            return
        self.demo_participant.given_name = demo.given_name
        self.demo_participant.family_name = demo.family_name
        self.demo_participant.email = demo.email

    def plan_returning(self) -> None:
        """A few dozen of the live programme's parents took part in Making It Work before: the same
        person (one account), a second record. They keep their name; children still under 17 come too."""
        self.returning: list[tuple[_Person, _Person]] = []
        if self.earlier is None:
            return
        rng = self.rng("returning")
        for area in data.AREAS:
            here = [person for person in self.people if person.area is area and person is not self.demo_participant]
            count = min(len(here), round(len(here) * data.RETURNING_SHARE))
            before = [person for person in self.earlier.people if person.area is area]
            for person, earlier in zip(rng.sample(here, count), rng.sample(before, count), strict=True):
                person.given_name, person.family_name = earlier.given_name, earlier.family_name
                kept = [year for year in earlier.children if person.joined_on.year - year <= 16]
                person.children = sorted({*kept, max(person.children)}) if kept else person.children
                self.returning.append((person, earlier))
        self.returning.sort(key=lambda pair: pair[0].reference)

    def plan_mobiles_and_accounts(self) -> None:
        """Mobiles come from Ofcom's thousand drama numbers: open cases first, then some closed ones."""
        phones = self.rng("mobiles")
        pool = list(data.DRAMA_MOBILES)
        phones.shuffle(pool)
        if self.earlier is None:
            self.mobile_pool[:] = pool
            pool = self.mobile_pool  # what is popped here is gone for the live programme too
        else:
            # What the closed programme left, in its order: no two people share a number.
            pool = self.mobile_pool
            # A demo far bigger than the real one can have used every number: its enquirers then write.
            wanted = min(len(pool), len(data.AREAS) * data.ENQUIRIES_PER_AREA)
            self.enquiry_mobiles = [pool.pop() for _ in range(wanted)]
        for person in self.people:
            if person.status != Participant.Status.CLOSED and pool:
                person.mobile = pool.pop()
        for person in self.people:
            if person.status == Participant.Status.CLOSED and phones.random() < 0.15 and pool:
                person.mobile = pool.pop()

        accounts = self.rng("accounts")
        users = []
        for area in data.AREAS:
            active = [
                person
                for person in self.people
                if person.area is area
                and person.status == Participant.Status.ACTIVE
                and person is not self.demo_participant
            ]
            chosen = accounts.sample(active, min(len(active), data.PARTICIPANT_ACCOUNTS_PER_AREA))
            if self.demo_participant is not None and self.demo_participant.area is area:
                chosen = [self.demo_participant, *chosen[: data.PARTICIPANT_ACCOUNTS_PER_AREA - 1]]
            for person in sorted(chosen, key=lambda person: person.reference):
                if person is not self.demo_participant:
                    # Accounts sign in by email, so give them a plain firstname.lastname address.
                    self.used_emails.discard(person.email)
                    person.email = self.unique_email(
                        f"{_ascii_slug(person.given_name)}.{_ascii_slug(person.family_name)}", "example.net"
                    )
                person.user = User(
                    username=f"participant-{person.reference.lower()}",
                    email=person.email,
                    mobile=person.mobile,
                    first_name=person.given_name,
                    last_name=person.family_name,
                    display_name=f"{person.given_name} {person.family_name}",
                    password=self.password,
                )
                users.append(person.user)
        for person, _ in self.returning:
            if person.user is None:
                # One person, one account: it links their records in both programmes.
                person.user = User(
                    username=f"participant-{person.reference.lower()}",
                    email=person.email,
                    mobile=person.mobile,
                    first_name=person.given_name,
                    last_name=person.family_name,
                    display_name=f"{person.given_name} {person.family_name}",
                    password=self.password,
                )
                users.append(person.user)
        self.participant_users = users

    def write_participants(self) -> None:
        self.save(User, self.participant_users)
        rows = []
        for person in self.people:
            assert person.status_since is not None
            person.row = Participant(
                reference=person.reference,
                user=person.user,
                given_name=person.given_name,
                family_name=person.family_name,
                email=person.email,
                mobile=person.mobile,
                address=person.address,
                postcode=person.postcode,
                partnership=self.partnerships[person.area.short_code],
                keyworker=person.keyworker,
                status=person.status,
                status_since=person.status_since,
                joined_on=person.joined_on,
                heard_about=person.heard_about,
            )
            rows.append(person.row)
        self.save(Participant, rows)
        children = [
            Child(participant=person.row, birth_year=year) for person in self.people for year in person.children
        ]
        self.save(Child, children)
        earlier_rows = []
        for person, earlier in self.returning:
            assert earlier.row is not None
            earlier.user = earlier.row.user = person.user
            earlier_rows.append(earlier.row)
        Participant.objects.bulk_update(earlier_rows, ["user"], batch_size=BATCH_SIZE)
        history = Participant.history.model.objects
        for row in earlier_rows:  # their "created" history row names the account too
            history.filter(id=row.pk).update(user_id=row.user_id)
        self.counts["participant_accounts"] = len(self.participant_users)
        self.counts["children"] = len(children)

    # -- Consents, assessments, contacts ----------------------------------------------------------

    def at(self, day: datetime.date, minutes_after_ten: int) -> datetime.datetime:
        moment = datetime.datetime.combine(day, datetime.time(10)) + datetime.timedelta(minutes=minutes_after_ten)
        return timezone.make_aware(moment, timezone.get_default_timezone())

    def last_day(self, person: _Person) -> datetime.date:
        """The last day anything can have happened with them: closing, or today."""
        assert person.status_since is not None
        if person.status == Participant.Status.CLOSED:
            return person.status_since
        return max(self.today, person.joined_on)

    def write_casework(self) -> None:
        consents_rng = self.rng("consents")
        assessing = self.rng("assessments")
        consents: list[Consent] = []
        assessments: list[Assessment] = []
        barriers_by_assessment: list[list[AssessmentBarrier]] = []
        contacts: list[Contact] = []
        for person in self.people:
            assert person.keyworker is not None
            assert person.row is not None
            keyworker_user = person.keyworker.user
            last_day = self.last_day(person)

            # Consent to the service, on the day they joined; research and contact consents for some.
            how = _weighted(consents_rng, {"in_person_signed": 70, "in_person_verbal": 15, "phone": 15})
            minute = consents_rng.randrange(6 * 60)
            research = consents_rng.random() < 0.4
            research_withdrawn = consents_rng.random() < 0.08
            sms = consents_rng.random() < 0.8
            by_email = consents_rng.random() < 0.5
            given_at = self.at(person.joined_on, minute)
            common: dict[str, Any] = {
                "participant": person.row,
                "given_at": given_at,
                "given_by": keyworker_user,
                "given_how": how,
            }
            consents.append(Consent(purpose=Consent.Purpose.SERVICE, **common))
            if research:
                withdrawn = research_withdrawn and person.status == Participant.Status.CLOSED
                consents.append(
                    Consent(
                        purpose=Consent.Purpose.RESEARCH,
                        withdrawn_at=self.at(last_day, minute) if withdrawn else None,
                        withdrawn_by=keyworker_user if withdrawn else None,
                        withdrawn_how="phone" if withdrawn else "",
                        **common,
                    )
                )
            if sms and person.mobile:
                consents.append(Consent(purpose=Consent.Purpose.CONTACT_BY_SMS, **common))
            if by_email and person.email:
                consents.append(Consent(purpose=Consent.Purpose.CONTACT_BY_EMAIL, **common))

            # One assessment in their first fortnight, in their own words.
            assessed_on = _weekday(
                min(person.joined_on + datetime.timedelta(days=assessing.randrange(15)), last_day),
                person.joined_on,
                last_day,
            )
            chosen = _weighted_sample(assessing, data.BARRIER_WEIGHTS, _weighted(assessing, data.BARRIER_COUNT_WEIGHTS))
            person.barriers = list(chosen)
            barrier_rows = [
                AssessmentBarrier(
                    barrier=barrier,
                    own_words=assessing.choice(data.OWN_WORDS[barrier]),
                    importance=_weighted(assessing, data.IMPORTANCE_WEIGHTS),
                )
                for barrier in chosen
            ]
            strengths = " ".join(assessing.sample(data.STRENGTHS, 2))
            aspirations = " ".join(assessing.sample(data.ASPIRATIONS, assessing.randint(1, 2)))
            assessments.append(
                Assessment(
                    participant=person.row,
                    assessed_on=assessed_on,
                    recorded_by=keyworker_user,
                    strengths=strengths,
                    aspirations=aspirations,
                )
            )
            barriers_by_assessment.append(barrier_rows)

            # A stream per person: how many contacts fit before `today` must not shift anyone else's.
            contacting = self.rng(f"contacts {person.reference}")
            for index, (day, kind) in enumerate(self.contact_days(contacting, person)):
                low, high = data.CONTACT_MINUTES.get(kind, (0, 0))
                minutes = contacting.randint(low, high) if high else None
                notes = contacting.choice(data.CONTACT_NOTES[kind])
                if index == 0:
                    notes = data.FIRST_MEETING_NOTE
                contacts.append(
                    Contact(
                        participant=person.row,
                        happened_on=day,
                        kind=kind,
                        duration_minutes=minutes,
                        notes=notes,
                        recorded_by=keyworker_user,
                    )
                )

        self.save(Consent, consents)
        saved_assessments = self.save(Assessment, assessments)
        barriers = []
        for assessment, rows in zip(saved_assessments, barriers_by_assessment, strict=True):
            for row in rows:
                row.assessment = assessment
                barriers.append(row)
        self.save(AssessmentBarrier, barriers)
        self.save(Contact, contacts)
        self.counts.update(consents=len(consents), barriers=len(barriers), contacts=len(contacts))

    def contact_days(self, rng: random.Random, person: _Person) -> list[tuple[datetime.date, str]]:
        """When they met, and how: on weekdays, the first meeting on the day they joined.

        Closed: a few contacts, the last on closing. Paused: one or two before the pause.
        Active: one or two in their first year and some lately; a quarter of them have not
        been seen for over four weeks, the rest were seen in the last three and a half.
        """
        assert person.status_since is not None
        first_kind = "centre" if rng.random() < 0.75 else "home_visit"
        later_count = rng.randint(1, 6)
        spread = [rng.random() for _ in range(later_count)]
        kinds = [_weighted(rng, data.CONTACT_KIND_WEIGHTS) for _ in range(later_count)]
        not_seen = rng.random() < data.NOT_SEEN_SHARE_OF_ACTIVE
        # Kept clear of the four-week line, so that moving a weekend day to a weekday cannot cross it.
        recent_offsets = [rng.randint(31, 150) if not_seen or i else rng.randint(2, 25) for i in range(3)]
        recent_kinds = [_weighted(rng, data.CONTACT_KIND_WEIGHTS) for _ in range(3)]
        recent_count = rng.randint(1, 3)

        start = person.joined_on
        planned: list[tuple[datetime.date, str]] = []
        if person.status == Participant.Status.CLOSED:
            length = (person.status_since - start).days
            spread[0] = 1.0  # a last conversation on the day the case closed
            planned += [
                (start + datetime.timedelta(days=max(1, round(share * length))), kind)
                for share, kind in zip(spread, kinds, strict=True)
                if length > 0
            ]
        elif person.status == Participant.Status.PAUSED:
            length = min((person.status_since - start).days, 365)
            planned += [
                (person.status_since - datetime.timedelta(days=round(share * length)), kind)
                for share, kind in zip(spread[:2], kinds[:2], strict=True)
                if length > 0
            ]
        else:
            early_end = min(start + datetime.timedelta(days=365), self.today - datetime.timedelta(days=151))
            length = (early_end - start).days
            planned += [
                (start + datetime.timedelta(days=max(1, round(share * length))), kind)
                for share, kind in zip(spread[:2], kinds[:2], strict=True)
                if length > 0
            ]
            planned += [
                (self.today - datetime.timedelta(days=offset), kind)
                for offset, kind in zip(recent_offsets[:recent_count], recent_kinds, strict=False)
            ]
        last = self.last_day(person)
        later: dict[datetime.date, str] = {}  # one contact a day at most
        for day, kind in planned:
            if start < day <= last:
                later.setdefault(_weekday(day, start, last), kind)
        later.pop(start, None)
        return [(start, first_kind), *sorted(later.items())]

    # -- Enquiries ------------------------------------------------------------------------------

    def write_enquiries(self) -> None:
        rng = self.rng("enquiries")
        mobiles = list(self.enquiry_mobiles)
        rows = []
        for area in data.AREAS:
            for _ in range(data.ENQUIRIES_PER_AREA):
                given = rng.choice(data.WOMEN_GIVEN_NAMES + data.MEN_GIVEN_NAMES[:5])
                family = rng.choice(data.FAMILY_NAMES)
                contact_by = _weighted(rng, {"phone": 40, "text": 30, "email": 30})
                if not mobiles:
                    contact_by = "email"
                district, _ = rng.choice(area.districts)
                inward = f"{rng.randrange(10)}{rng.choice(data.POSTCODE_LETTERS)}{rng.choice(data.POSTCODE_LETTERS)}"
                email = ""
                if contact_by == "email" or rng.random() < 0.3:
                    email = self.unique_email(f"{_ascii_slug(given)}.{_ascii_slug(family)}", "example.com")
                rows.append(
                    Enquiry(
                        name=f"{given} {family}",
                        email=email,
                        mobile=mobiles.pop() if contact_by != "email" else "",
                        contact_by=contact_by,
                        best_time=rng.choice(data.ENQUIRY_BEST_TIMES),
                        postcode=f"{district} {inward}",
                        partnership=self.partnerships[area.short_code],
                        message=rng.choice(data.ENQUIRY_MESSAGES),
                        heard_about=_weighted(rng, data.HEARD_ABOUT_WEIGHTS),
                    )
                )
        self.save(Enquiry, rows)
        self.counts["enquiries"] = len(rows)


# ---------------------------------------------------------------------------------------------
# Removing


def remove_demo() -> int:
    """Delete the demo programme and everything that hangs off it; return how many rows went.

    The audit log is append-only (the database itself refuses to delete an event), so once
    anyone has used the demo, its people cannot be deleted: this says so and changes nothing.
    """
    programmes = list(Programme.objects.filter(name__in=[data.PROGRAMME_NAME, data.LIVE_PROGRAMME_NAME]).order_by("pk"))
    partnerships = Partnership.objects.filter(programme__in=programmes)
    participants = Participant.objects.filter(partnership__in=partnerships)
    organisation_names = [data.FUNDER.name, data.EVALUATION_TEAM.name, data.SECOND_EVALUATION_TEAM.name]
    for area in data.AREAS:
        organisation_names += [area.lead.name, area.council.name, *(spec.name for spec in area.agencies)]
    organisations = Organisation.objects.filter(name__in=organisation_names)
    staff = StaffMember.objects.filter(Q(partnership__in=partnerships) | Q(organisation__in=organisations))
    login_emails = Q()
    for login in data.DEMO_LOGINS:
        login_emails |= Q(email__iexact=login.email)
    user_ids = set(User.objects.filter(login_emails).values_list("pk", flat=True))
    user_ids |= set(staff.values_list("user_id", flat=True))
    user_ids |= set(participants.exclude(user=None).values_list("user_id", flat=True))

    audited = AuditEvent.objects.filter(Q(participant__in=participants) | Q(actor_id__in=user_ids)).count()
    if audited:
        raise DemoError(
            f"The demo has been used: the audit log holds {audited} events about demo people, and audit "
            "events can never be deleted. Start again from an empty database instead: for SQLite, delete "
            "the database file and run `manage.py migrate`; for PostgreSQL, drop and create the database "
            "and migrate. Nothing was changed."
        )

    deleted: dict[type[models.Model], set[Any]] = defaultdict(set)
    # History is not recorded for the deletions; the demo's history rows are removed below instead.
    with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
        _delete(Enquiry.objects.filter(partnership__in=partnerships), deleted)
        for programme in programmes:
            # The evaluation's rows protect participants, consents, waves and evaluators: they go first.
            for research_rows in demo_research_rows(programme, partnerships):
                _delete(research_rows, deleted)
        # Money and governance first: their rows protect participants, staff and partnerships.
        _delete(Spend.objects.filter(pot__partnership__in=partnerships), deleted)
        _delete(BudgetPot.objects.filter(partnership__in=partnerships), deleted)
        _delete(Grant.objects.filter(partnership__in=partnerships), deleted)
        _delete(EngagementTarget.objects.filter(partnership__in=partnerships), deleted)
        _delete(BoardDecision.objects.filter(partnership__in=partnerships), deleted)
        _delete(BoardMember.objects.filter(partnership__in=partnerships), deleted)
        _delete(participants, deleted)
        _delete(DirectoryOrganisation.objects.filter(pk__in=demo_directory_ids()), deleted)
        _delete(staff, deleted)
        _delete(User.objects.filter(pk__in=user_ids), deleted)
        _delete(partnerships, deleted)
        _delete(Programme.objects.filter(pk__in=[programme.pk for programme in programmes]), deleted)
        _delete(organisations, deleted)
        for model, keys in deleted.items():
            history = getattr(model, "history", None)
            if history is None:
                continue
            key_name = model._meta.pk.attname
            ordered = sorted(keys)
            for start in range(0, len(ordered), BATCH_SIZE):
                history.model.objects.filter(**{f"{key_name}__in": ordered[start : start + BATCH_SIZE]}).delete()
    return sum(len(keys) for keys in deleted.values())


def _delete(queryset: models.QuerySet[Any], deleted: dict[type[models.Model], set[Any]]) -> None:
    """Delete the rows and whatever cascades from them, clearing rows that protect them first.

    Rows that protect demo rows (a referral of a demo participant, say) are demo rows too, so
    they go first. Audit events never go: they stop the reset (checked before anything starts).
    """
    for _ in range(20):
        collector = Collector(using=queryset.db, origin=queryset)
        try:
            collector.collect(queryset)  # type: ignore[arg-type]  # as QuerySet.delete() does
        except (ProtectedError, RestrictedError) as error:
            blockers: Iterable[models.Model] = (
                error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
            )
            by_model: dict[type[models.Model], list[Any]] = defaultdict(list)
            for blocker in blockers:
                if isinstance(blocker, AuditEvent):
                    raise DemoError("The audit log refers to demo records; they cannot be deleted.") from error
                by_model[type(blocker)].append(blocker.pk)
            for model, keys in by_model.items():
                _delete(model._default_manager.filter(pk__in=keys), deleted)
            continue
        for model, instances in collector.data.items():
            deleted[model].update(instance.pk for instance in instances)
        collector.delete()
        return
    raise DemoError("The demo data is tangled with other records and could not be removed.")

"""Generate a programme of any size for measuring Coproduce at scale (`manage.py generate_programme`).

A live programme like the demo's "Making It Work Together", with the demo's names, areas,
organisations, texts and distributions, grown to N participants: the demo's five areas repeated
(one partnership per about 20,000 participants, at least one), keyworkers added so that every
keyworker has 30–60 active participants, and for each participant about twenty contacts, an
assessment, goals and steps, referrals, outcomes with their sustainment checks, spends, requests
and audit events.

Speed: the few structural rows (programme, organisations, partnerships, staff, services, pots,
participant accounts) go through the ORM; the per-participant rows are generated as tuples, one
partnership at a time, and written with PostgreSQL's COPY (psycopg 3's `cursor.copy`) or with
`executemany` on SQLite. Their primary keys are given by the generator (from the table's highest
id, the tables locked against other writers while it runs), and the sequences moved past them at
the end; audit events take theirs from the sequence, which the sealing relies on.

Deterministic: the same seed and the same day give the same rows (apart from the audit seals'
times). Dates are relative to `today`, like the demo's live programme, so that caseloads have
people seen this week and people not seen for a month.

What it does not write: simple-history rows (the demo writes a "created" history row for the rows
people edit; at a million participants that would double the time, and an edit without an earlier
history row still records its own), and the demo's other extras (past appointments, progress checks,
board documents, and of the evaluation its codebook, transcripts, coding and survey). It does write
each partnership's board (members, a meeting a quarter, decisions), appointments in the coming week
for about 40% of the active participants, and, in the demo's proportions, what the funder's "fitting
job" figure, the evaluator's analytics and Table 1 read: a work wish for 88% of the participants and
everyone who started a job (most jobs fit its hours and contracts), a `ResearchConsent` beside every
research-purpose consent (40% of the participants; what it covers, e.g. service data for 86%, in
research.py's shares), a wave a calendar year and the interviews done in it (about 1% of the
participants a wave, as the paper's Table 1 per demo area, as many of the area's staff as stakeholders).
The generated evaluator oversees the programme. The demo does not audit these rows, nor does this.
Audit events are written as the app writes them and sealed after
the programme is committed (`seal_audit_log`), so `manage.py verify_audit` passes.
"""

import bisect
import datetime
import functools
import json
import math
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.audit.hashing import EVENT_COLUMNS
from coproduce.audit.models import AuditEvent
from coproduce.audit.sealing import seal_audit_log
from coproduce.budgets.models import BudgetPot, Spend
from coproduce.demo import data
from coproduce.demo.board import DECISIONS, PLACES, _months_on
from coproduce.demo.budgets import CATEGORY_SPEND, CATEGORY_WEIGHTS
from coproduce.demo.builder import _ascii_slug, _joining_weight, _months, _weekday
from coproduce.demo.outcomes import (
    CHECK_NOTES,
    CONTRACT_WEIGHTS,
    EVIDENCE_FOR_JOB,
    JOB_HOURS,
    JOB_TITLES,
    TRAINING,
    WISH_CONTRACTS,
    WISH_HOURS,
    WISH_NOTES,
    WORK_WISH_SHARE,
)
from coproduce.demo.outcomes import SECTOR_WEIGHTS as JOB_SECTOR_WEIGHTS
from coproduce.demo.referrals import COMPLETED_NOTES, DELIVERED, REASONS
from coproduce.demo.research import (
    CONSENT_ELEMENT_SHARES,
    MAX_DAYS_AFTER_CLOSING,
    MIN_DAYS_BEFORE_INTERVIEW,
    TABLE_1,
    WAVE_YEARS,
)
from coproduce.demo.support import GENERAL_GOALS, GOALS, REQUEST_TEXTS, STEPS
from coproduce.directory.models import DirectoryOrganisation, Service
from coproduce.outcomes.models import Outcome, SustainmentCheck, WorkWish
from coproduce.participants.models import Child, Consent, Participant
from coproduce.plans.models import Appointment, Assessment, AssessmentBarrier, Contact, Goal, Step
from coproduce.programmes.models import (
    BoardDecision,
    BoardMeeting,
    BoardMember,
    Grant,
    Organisation,
    Partnership,
    PartnershipMembership,
    Programme,
    StaffMember,
    StaffRole,
)
from coproduce.referrals.models import Referral
from coproduce.research.models import Interview, ResearchConsent, Stakeholder, StakeholderRole, Wave
from coproduce.research.pseudonyms import pseudonym_for
from coproduce.voice.models import Request

DEFAULT_SEED = 2025
PREFIX = "SCL"
NAME_START = "Scale programme"
ORGANISATION_SUFFIX = " (scale)"
EMAIL_DOMAIN = "scale.example.org"
PARTICIPANTS_PER_PARTNERSHIP = 20_000
CASELOAD_LOW, CASELOAD_AIM, CASELOAD_HIGH = 30, 45, 60
CLOSED_SHARE = 0.2  # the earliest joiners; the demo's live programme keeps 80% open
PAUSED_SHARE_OF_OPEN = data.PAUSED_SHARE_OF_OPEN
ACCOUNTS_PER_PARTNERSHIP = data.PARTICIPANT_ACCOUNTS_PER_AREA
STARTS_ON = data.LIVE_PROGRAMME_STARTS_ON
ENDS_ON = data.LIVE_PROGRAMME_ENDS_ON
FIRST_JOINING_DAY = data.LIVE_FIRST_JOINING_DAY
MAX_CONTACTS = 45
REFERRAL_COUNT_WEIGHTS = {0: 30, 1: 40, 2: 22, 3: 8}
OPEN_REFERRAL_STATES = {
    "proposed": 5,
    "sent": 12,
    "accepted": 13,
    "started": 25,
    "completed": 22,
    "declined": 8,
    "did_not_start": 7,
    "withdrawn": 4,
    "signposted": 14,
}
CLOSED_REFERRAL_STATES = {"completed": 50, "declined": 10, "did_not_start": 12, "withdrawn": 6, "signposted": 22}
STEP_STATES = {"offered": 15, "agreed": 35, "done": 32, "declined": 12, "stopped": 6}
JOB_SHARE_CLOSED = 0.3  # Making It Work's 30% into paid work
JOB_SHARE_OPEN = 0.18
TRAINING_SHARE = 0.2
SPEND_SHARE = 0.35
OPEN_REQUEST_SHARE = 0.035
ANSWERED_REQUEST_SHARE = 0.03
CHECK_ANSWERS = {"in_work": 80, "not_in_work": 12, "no_contact": 8}
APPOINTMENT_SHARE = 0.4  # of active participants, booked in the coming week (about 18 a keyworker)
APPOINTMENT_PLACES = {"centre": 50, "home": 25, "phone": 20, "video": 5}
BATCH_ROWS = 2000  # SQLite's executemany batch


class ScaleError(Exception):
    """The programme cannot be generated; the message says why and what to do."""


# ---------------------------------------------------------------------------------------------
# Writing rows


class _Table:
    """One table written from tuples: `columns` are the attnames the generator gives, in order;
    every other column gets its model default (or empty or null), once for all rows."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], *, with_id: bool = True) -> None:
        meta = model._meta
        by_attname = {item.attname: item for item in meta.concrete_fields}
        self.model = model
        self.name = meta.db_table
        given = (["id"] if with_id else []) + list(columns)
        self.fields: list[models.Field[Any, Any]] = [by_attname[name] for name in given]
        constants: list[Any] = []
        for item in meta.concrete_fields:
            if item.attname in given or item.primary_key:
                continue
            if item.has_default():
                value = item.get_default()
            elif item.null:
                value = None
            elif isinstance(item, (models.CharField, models.TextField, models.FileField)):
                value = ""
            else:
                raise ScaleError(f"{self.name}.{item.column} needs a value: the generator does not give one.")
            self.fields.append(item)
            constants.append(value)
        self.constants = tuple(constants)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.next_id = 1

    def add(self, *values: Any) -> int:
        """Append a row (its values after the id) and return the id it was given."""
        row_id = self.next_id
        self.next_id += 1
        self.rows.append((row_id, *values))
        return row_id

    def add_without_id(self, *values: Any) -> None:
        self.rows.append(values)


def _preparer(item: "models.Field[Any, Any]") -> Callable[[Any], Any]:
    def prepare(value: Any) -> Any:
        return item.get_db_prep_save(value, connection)

    return prepare


class _Writer:
    """Writes _Table rows: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, *, check_keys: bool = False) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.check_keys = check_keys
        self.skipped_checks = False

    def prepare(self, tables: Iterable[_Table]) -> None:
        """Lock the tables against other writers and start each one's ids after its highest.

        On PostgreSQL, when the role may (a superuser) and no table has a trigger of its own on
        insert, the transaction skips the foreign-key checks (`session_replication_role = replica`):
        the generator gives every row's keys itself, and checking tens of millions of them at commit
        took longer than writing them. The tests generate with the checks made and without.
        """
        tables = list(tables)
        self.skipped_checks = False
        connection.ensure_connection()
        self.raw = connection.connection  # psycopg 3's, for COPY, also from the writing thread
        with connection.cursor() as cursor:
            if self.postgres and not self.check_keys:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                superuser = bool((cursor.fetchone() or (False,))[0])
                cursor.execute(
                    "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND (tgtype & 4) <> 0 "
                    "AND tgrelid = ANY(%s::regclass[])",
                    [[f'"{table.name}"' for table in tables]],
                )
                insert_triggers = int((cursor.fetchone() or (0,))[0])
                if superuser and not insert_triggers:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    self.skipped_checks = True
            for table in tables:
                if self.postgres and table.fields[0].primary_key:
                    cursor.execute(f'LOCK TABLE "{table.name}" IN SHARE ROW EXCLUSIVE MODE')
                if table.fields[0].primary_key:
                    cursor.execute(f'SELECT MAX("id") FROM "{table.name}"')
                    table.next_id = int((cursor.fetchone() or (0,))[0] or 0) + 1

    def flush(self, table: _Table) -> None:
        rows, table.rows = table.rows, []
        self.write(table, rows)

    def write(self, table: _Table, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(f'"{item.column}"' for item in table.fields)
        if self.postgres:
            json_at = [index for index, item in enumerate(table.fields) if isinstance(item, models.JSONField)]
            constants = tuple(
                json.dumps(value) if isinstance(value, list | dict) else value for value in table.constants
            )
            with self.raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    if json_at:
                        row = tuple(json.dumps(value) if index in json_at else value for index, value in enumerate(row))
                    copy.write_row(row + constants)
        else:
            prepare = [_preparer(item) for item in table.fields]
            constants = (
                tuple(
                    convert(value)
                    for convert, value in zip(prepare[-len(table.constants) :], table.constants, strict=True)
                )
                if table.constants
                else ()
            )
            given = prepare[: len(prepare) - len(table.constants)]
            statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join(["%s"] * len(table.fields))})'
            with connection.cursor() as cursor:
                for start in range(0, len(rows), BATCH_ROWS):
                    batch = [
                        tuple(convert(value) for convert, value in zip(given, row, strict=True)) + constants
                        for row in rows[start : start + BATCH_ROWS]
                    ]
                    cursor.executemany(statement, batch)
        table.written += len(rows)

    def finish(self, tables: Iterable[_Table]) -> None:
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for table in tables:
                if table.fields[0].primary_key and table.written:
                    cursor.execute(
                        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [f'"{table.name}"', table.next_id - 1]
                    )

    def analyze(self, tables: Iterable[str]) -> None:
        with connection.cursor() as cursor:
            for name in tables:
                cursor.execute(f'ANALYZE "{name}"')


# ---------------------------------------------------------------------------------------------
# The plan


@dataclass
class ScaleSummary:
    programme: Programme
    participants: int
    partnerships: int
    rows: dict[str, int]
    seconds: dict[str, float]
    logins: dict[str, str]
    keyworkers: int
    caseloads: tuple[int, int]
    sealed: str = ""
    skipped_key_checks: bool = False


@dataclass
class _Area:
    partnership: Partnership
    spec: data.AreaSpec
    short_code: str
    size: int
    keyworkers: list[StaffMember] = field(default_factory=list)
    manager: StaffMember | None = None
    partner_workers: dict[int, int] = field(default_factory=dict)  # organisation id → worker's user id
    services: list[tuple[uuid.UUID, int, str]] = field(default_factory=list)  # (service, organisation, offer)
    pot_id: int = 0
    accounts: dict[str, tuple[int, str]] = field(default_factory=dict)  # reference → (user id, email)
    partner_staff: list[StaffMember] = field(default_factory=list)


def partnership_count(participants: int) -> int:
    """One per about 20,000 participants; the demo's five areas from 10,000; one below 2,000."""
    return max(1, math.ceil(participants / PARTICIPANTS_PER_PARTNERSHIP), min(len(data.AREAS), participants // 2000))


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def keyworker_count(active: int) -> int:
    """Enough keyworkers for 30–60 active participants each, about 45 (one, below 30)."""
    if active < CASELOAD_LOW:
        return 1
    return min(max(round(active / CASELOAD_AIM), math.ceil(active / CASELOAD_HIGH)), active // CASELOAD_LOW)


def scale_programme() -> Programme | None:
    return Programme.objects.filter(name__startswith=NAME_START, reference_prefix=PREFIX).first()


def _weights(weights: dict[Any, int]) -> tuple[list[Any], list[float]]:
    return list(weights), list(accumulate(float(value) for value in weights.values()))


@functools.cache
def _nine_am(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)


@functools.cache
def _minutes(minute: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=minute)


def _datetime(day: datetime.date, minute: int) -> datetime.datetime:
    return _nine_am(day) + _minutes(minute)


class _Generator:
    def __init__(
        self,
        *,
        participants: int,
        seed: int,
        today: datetime.date,
        out: Callable[[str], None],
        check_keys: bool = False,
    ) -> None:
        self.total = participants
        self.check_keys = check_keys
        self.skipped_checks = False
        self.seed = seed
        self.today = today
        self.out = out
        self.last_joining_day = today - datetime.timedelta(days=3)
        self.password = make_password(data.DEMO_PASSWORD)
        self.areas: list[_Area] = []
        self.funder: StaffMember | None = None
        self.evaluator: StaffMember | None = None
        self.participant_logins: list[str] = []
        self.board_login = ""
        self.waves: list[Wave] = []
        self.pseudonyms: set[str] = set()
        self.caseloads: Counter[int] = Counter()
        self.seconds: dict[str, float] = {}
        self.structure_rows: Counter[str] = Counter()
        named: dict[str, dict[Any, int]] = {
            "barrier_count": data.BARRIER_COUNT_WEIGHTS,
            "barrier": data.BARRIER_WEIGHTS,
            "importance": data.IMPORTANCE_WEIGHTS,
            "heard": data.HEARD_ABOUT_WEIGHTS,
            "contact_kind": data.CONTACT_KIND_WEIGHTS,
            "children": data.CHILDREN_COUNT_WEIGHTS,
            "youngest": data.YOUNGEST_AGE_WEIGHTS,
            "referrals": REFERRAL_COUNT_WEIGHTS,
            "open_referral": OPEN_REFERRAL_STATES,
            "closed_referral": CLOSED_REFERRAL_STATES,
            "step": STEP_STATES,
            "sector": JOB_SECTOR_WEIGHTS,
            "contract": CONTRACT_WEIGHTS,
            "hours": JOB_HOURS,
            "evidence": EVIDENCE_FOR_JOB,
            "check": CHECK_ANSWERS,
            "category": CATEGORY_WEIGHTS,
            "place": APPOINTMENT_PLACES,
            "wish_hours": WISH_HOURS,
            "wish_contracts": WISH_CONTRACTS,
        }
        self.weights = {name: _weights(weights) for name, weights in named.items()}
        self.tables = self._tables()

    def rng(self, stream: str) -> random.Random:
        return random.Random(f"{self.seed}:scale:{stream}")

    def pick(self, rng: random.Random, name: str) -> Any:
        items, cumulative = self.weights[name]
        return items[bisect.bisect(cumulative, rng.random() * cumulative[-1])]

    # -- Structure (ORM) -------------------------------------------------------------------------

    def build_structure(self) -> Programme:
        rng = self.rng("structure")
        programme = Programme.objects.create(
            name=f"{NAME_START} ({self.total:,} participants)",
            reference_prefix=PREFIX,
            description=(
                "Generated by `manage.py generate_programme` to measure Coproduce at scale: the demo's live "
                "programme, grown. Every person in it is invented."
            ),
            starts_on=STARTS_ON,
            ends_on=ENDS_ON,
        )
        specs = [data.FUNDER, data.EVALUATION_TEAM]
        for area_spec in data.AREAS:
            specs += [area_spec.lead, area_spec.council, *area_spec.agencies]
        organisations = {
            organisation.name: organisation
            for organisation in Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=spec.name + ORGANISATION_SUFFIX,
                        kind=spec.kind,
                        website=f"https://{spec.domain}/",
                        description=spec.description,
                    )
                    for spec in specs
                ]
            )
        }

        def organisation(spec: data.OrganisationSpec) -> Organisation:
            return organisations[spec.name + ORGANISATION_SUFFIX]

        count = partnership_count(self.total)
        sizes = split(self.total, count)
        for index, size in enumerate(sizes):
            spec = data.AREAS[index % len(data.AREAS)]
            round_ = index // len(data.AREAS)
            short_code = (
                spec.short_code
                if count <= len(data.AREAS)
                else spec.short_code + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[round_ % 26]
            )
            if round_ >= 26:
                raise ScaleError("At most 650 partnerships (13 million participants).")
            gss = spec.gss_code[0] + f"{(int(spec.gss_code[1:]) + 1000 * round_) % 10**8:08d}"
            name = spec.area_name if round_ == 0 else f"{spec.area_name} {round_ + 1}"
            partnership = Partnership.objects.create(
                programme=programme, area_name=name, gss_code=gss, short_code=short_code
            )
            self.areas.append(_Area(partnership=partnership, spec=spec, short_code=short_code, size=size))
        PartnershipMembership.objects.bulk_create(
            [
                PartnershipMembership(
                    partnership=area.partnership,
                    organisation=organisation(spec),
                    role=role,
                    joined_on=STARTS_ON,
                )
                for area in self.areas
                for spec, role in [
                    (area.spec.lead, PartnershipMembership.Role.CO_LEAD),
                    (area.spec.council, PartnershipMembership.Role.CO_LEAD),
                    *((agency, PartnershipMembership.Role.MEMBER) for agency in area.spec.agencies),
                ]
            ]
        )
        self.structure_rows.update(
            programmes_programme=1,
            programmes_organisation=len(organisations),
            programmes_partnership=len(self.areas),
            programmes_partnershipmembership=len(self.areas) * (2 + len(data.AREAS[0].agencies)),
        )

        # The directory: one referral service per partner agency, offered in every partnership of its area.
        directory: dict[str, tuple[uuid.UUID, int, str]] = {}
        for spec in data.AREAS:
            for agency in spec.agencies:
                member = organisation(agency)
                org_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                service_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                DirectoryOrganisation.objects.create(
                    id=org_id,
                    name=member.name,
                    description=f"{agency.description} Invented, for the scale programme.",
                    website=f"https://{agency.domain}/",
                    member=member,
                )
                Service.objects.create(
                    id=service_id,
                    organization_id=org_id,
                    name=f"{agency.worker_title or 'Support'} ({member.name})",
                    description=agency.description,
                    status=Service.Status.ACTIVE,
                    takes_referrals=True,
                    last_modified=_datetime(STARTS_ON, 0),
                )
                directory[agency.name] = (service_id, member.pk, agency.offer)
                self.structure_rows.update(directory_directoryorganisation=1, directory_service=1)
        through = Service.partnerships.through
        links = []
        for area in self.areas:
            for agency in area.spec.agencies:
                area.services.append(directory[agency.name])
                links.append(through(service_id=directory[agency.name][0], partnership_id=area.partnership.pk))
        through._default_manager.bulk_create(links)

        # Budget pots: one per partnership for the programme's years, about £70 an open case.
        for area in self.areas:
            pot = BudgetPot.objects.create(
                partnership=area.partnership,
                name=f"{area.partnership.area_name} discretionary fund 2025–2028",
                starts_on=STARTS_ON,
                ends_on=ENDS_ON,
                amount=Decimal(max(1000, round(area.size * 0.8 * 70, -2))),
            )
            area.pot_id = pot.pk
        self.structure_rows["budgets_budgetpot"] = len(self.areas)
        # A grant to each partnership's lead charity, at Making It Work Together's rate per participant.
        per_participant = Decimal(data.LIVE_GRANTS_TOTAL) / (data.FULL_SIZE * Decimal(data.LIVE_SHARE))
        Grant.objects.bulk_create(
            [
                Grant(
                    partnership=area.partnership,
                    funder=organisation(data.FUNDER),
                    recipient=organisation(area.spec.lead),
                    reference=f"{PREFIX}-{area.short_code}-{programme.pk}-01",
                    title=f"{programme.name} in {area.partnership.area_name}",
                    description="Keyworker support, partner services and a discretionary budget (invented).",
                    amount=round(per_participant * area.size, -3) or Decimal(1000),
                    awarded_on=STARTS_ON - datetime.timedelta(days=30),
                    starts_on=STARTS_ON,
                    ends_on=ENDS_ON,
                )
                for area in self.areas
            ]
        )
        self.structure_rows["programmes_grant"] = len(self.areas)
        self.build_staff(programme, organisation)
        self.build_board(organisation)
        self.build_evaluation(programme)
        return programme

    def build_evaluation(self, programme: Programme) -> None:
        """The programme's evaluation waves, one a calendar year as the demo's (up to this year): the
        evaluator already oversees the programme. Who is interviewed in them is written per partnership."""
        last_year = min(self.today.year, ENDS_ON.year)
        self.waves = Wave.objects.bulk_create(
            [
                Wave(
                    programme=programme,
                    year=year,
                    name=f"Wave {number} ({year})",
                    starts_on=datetime.date(year, 1, 1),
                    ends_on=datetime.date(year, 12, 31),
                )
                for number, year in enumerate(range(STARTS_ON.year, last_year + 1), start=1)
            ]
        )
        self.structure_rows["research_wave"] = len(self.waves)
        # Pseudonyms are unique across the database; a clash takes the next attempt, as the demo's do.
        self.pseudonyms = set(ResearchConsent.objects.values_list("pseudonym", flat=True))

    def pseudonym(self, participant_id: int) -> str:
        attempt = 0
        pseudonym = pseudonym_for(participant_id)
        while pseudonym in self.pseudonyms:
            attempt += 1
            pseudonym = pseudonym_for(participant_id, attempt=attempt)
        self.pseudonyms.add(pseudonym)
        return pseudonym

    def build_board(self, organisation: Callable[[data.OrganisationSpec], Organisation]) -> None:
        """Each partnership's board, as the demo's: the lead charity, the council and two agencies, one or
        two lived-experience members (the first partnership's first of them can sign in), and a
        meeting a quarter since the programme started with one to three decisions each. It does not
        grow with the participants; no documents (they would need files)."""
        rng = self.rng("board")
        members: list[BoardMember] = []
        meetings: list[BoardMeeting] = []
        decisions: list[list[BoardDecision]] = []
        for index, area in enumerate(self.areas):
            agencies = [organisation(spec) for spec in area.spec.agencies]
            seats = [organisation(area.spec.lead), organisation(area.spec.council), *rng.sample(agencies, 2)]
            for seat in seats:
                name = f"{rng.choice(data.WOMEN_GIVEN_NAMES + data.MEN_GIVEN_NAMES)} {rng.choice(data.FAMILY_NAMES)}"
                members.append(
                    BoardMember(
                        partnership=area.partnership,
                        name=name,
                        kind=BoardMember.Kind.ORGANISATION,
                        organisation=seat,
                        joined_on=STARTS_ON,
                    )
                )
            for number in range(rng.choice((1, 2))):
                given, family = rng.choice(data.WOMEN_GIVEN_NAMES), rng.choice(data.FAMILY_NAMES)
                account = None
                if index == 0 and number == 0:
                    email = f"board.{area.short_code.lower()}@{EMAIL_DOMAIN}"
                    account = User.objects.create(
                        username=email,
                        email=email,
                        first_name=given,
                        last_name=family,
                        display_name=f"{given} {family}",
                        password=self.password,
                    )
                    self.board_login = email
                    self.structure_rows["accounts_user"] += 1
                joined_on = min(STARTS_ON + datetime.timedelta(days=90 + rng.randrange(200)), self.today)
                members.append(
                    BoardMember(
                        partnership=area.partnership,
                        user=account,
                        name=f"{given} {family}",
                        kind=BoardMember.Kind.LIVED_EXPERIENCE,
                        joined_on=joined_on,
                    )
                )
            assert area.manager is not None
            recorder = area.manager.user_id
            lead, council = organisation(area.spec.lead).name, organisation(area.spec.council).name
            for quarter in range(200):
                held_on = _weekday(
                    _months_on(STARTS_ON, 1 + 3 * quarter) + datetime.timedelta(days=index % 7), STARTS_ON, ENDS_ON
                )
                if held_on > self.today or held_on > ENDS_ON:
                    break
                meetings.append(
                    BoardMeeting(
                        partnership=area.partnership,
                        held_on=held_on,
                        place=rng.choice(PLACES).format(lead=lead),
                        notes="Minutes agreed at the next meeting.",
                    )
                )
                rows = []
                for text, who in rng.sample(DECISIONS, rng.randint(1, 3)):
                    done_on = held_on + datetime.timedelta(days=rng.randint(20, 120))
                    rows.append(
                        BoardDecision(
                            partnership=area.partnership,
                            decided_on=held_on,
                            decision=text,
                            action_by={"lead": lead, "council": council}.get(who, rng.choice(agencies).name),
                            done_on=done_on if done_on <= self.today else None,
                            recorded_by_id=recorder,
                        )
                    )
                decisions.append(rows)
        BoardMember.objects.bulk_create(members)
        saved = BoardMeeting.objects.bulk_create(meetings)
        flat = []
        for meeting, rows in zip(saved, decisions, strict=True):
            for row in rows:
                row.meeting = meeting
                flat.append(row)
        BoardDecision.objects.bulk_create(flat)
        self.structure_rows.update(
            programmes_boardmember=len(members),
            programmes_boardmeeting=len(meetings),
            programmes_boarddecision=len(flat),
        )

    def build_staff(self, programme: Programme, organisation: Callable[[data.OrganisationSpec], Organisation]) -> None:
        names = self.rng("staff names")
        planned: list[tuple[User, Organisation, _Area | None, str, Role]] = []
        accounts: list[tuple[_Area, str]] = []

        def user(username: str) -> User:
            given = names.choice(data.WOMEN_GIVEN_NAMES + data.MEN_GIVEN_NAMES)
            family = names.choice(data.FAMILY_NAMES)
            email = f"{username}@{EMAIL_DOMAIN}"
            return User(
                username=email,
                email=email,
                first_name=given,
                last_name=family,
                display_name=f"{given} {family}",
                password=self.password,
            )

        for index, area in enumerate(self.areas):
            code = area.short_code.lower()
            people = self.plan_people(index, area)
            active = sum(1 for person in people if person["status"] == "active")
            # Accounts for the participant logins: the first active participants of each partnership.
            first_active = [person["reference"] for person in people if person["status"] == "active"]
            accounts += [(area, reference) for reference in first_active[:ACCOUNTS_PER_PARTNERSHIP]]
            for number in range(1, keyworker_count(active) + 1):
                planned.append(
                    (
                        user(f"keyworker.{code}.{number:04d}"),
                        organisation(area.spec.lead),
                        area,
                        "Keyworker",
                        Role.KEYWORKER,
                    )
                )
            planned.append(
                (
                    user(f"manager.{code}"),
                    organisation(area.spec.lead),
                    area,
                    "Partnership manager",
                    Role.PARTNERSHIP_MANAGER,
                )
            )
            for number, agency in enumerate(area.spec.agencies, start=1):
                planned.append(
                    (
                        user(f"partner.{code}.{number}"),
                        organisation(agency),
                        area,
                        agency.worker_title,
                        Role.PARTNER_WORKER,
                    )
                )
        planned.append((user("funder"), organisation(data.FUNDER), None, "Programme manager", Role.FUNDER))
        planned.append((user("evaluator"), organisation(data.EVALUATION_TEAM), None, "Evaluator", Role.EVALUATOR))
        users = User.objects.bulk_create([item[0] for item in planned], batch_size=1000)
        staff = StaffMember.objects.bulk_create(
            [
                StaffMember(
                    user=account,
                    organisation=organisation_,
                    partnership=area.partnership if area else None,
                    job_title=title,
                    work_email=account.email if role == Role.KEYWORKER else "",
                    work_phone=f"+441632960{number % 1000:03d}" if role == Role.KEYWORKER else "",
                )
                for number, (account, (_, organisation_, area, title, role)) in enumerate(
                    zip(users, planned, strict=True)
                )
            ],
            batch_size=1000,
        )
        StaffRole.objects.bulk_create(
            [StaffRole(staff_member=member, role=item[4]) for member, item in zip(staff, planned, strict=True)],
            batch_size=1000,
        )
        for member, (_, organisation_, works_in, _, role) in zip(staff, planned, strict=True):
            if role == Role.KEYWORKER and works_in is not None:
                works_in.keyworkers.append(member)
            elif role == Role.PARTNERSHIP_MANAGER and works_in is not None:
                works_in.manager = member
            elif role == Role.PARTNER_WORKER and works_in is not None:
                works_in.partner_workers[organisation_.pk] = member.user_id
                works_in.partner_staff.append(member)
            elif role == Role.FUNDER:
                self.funder = member
            elif role == Role.EVALUATOR:
                self.evaluator = member
        participant_users = User.objects.bulk_create(
            [
                User(
                    username=f"participant-{reference.lower()}",
                    email=f"participant-{reference.lower()}@{EMAIL_DOMAIN}",
                    password=self.password,
                )
                for _, reference in accounts
            ],
            batch_size=1000,
        )
        for (area, reference), account in zip(accounts, participant_users, strict=True):
            area.accounts[reference] = (account.pk, account.email)
        self.participant_logins = [participant_users[0].email]
        self.structure_rows["accounts_user"] += len(participant_users)
        assert self.funder is not None
        assert self.evaluator is not None
        self.funder.programmes.add(programme)
        self.evaluator.programmes.add(programme)
        self.structure_rows.update(
            accounts_user=len(users), programmes_staffmember=len(staff), programmes_staffrole=len(staff)
        )

    # -- Tables ----------------------------------------------------------------------------------

    def _tables(self) -> dict[str, _Table]:
        stamps = ["created_at", "updated_at"]
        return {
            "participant": _Table(
                Participant,
                [
                    *stamps,
                    "reference",
                    "user_id",
                    "given_name",
                    "family_name",
                    "email",
                    "mobile",
                    "address",
                    "postcode",
                    "partnership_id",
                    "keyworker_id",
                    "status",
                    "status_since",
                    "joined_on",
                    "heard_about",
                ],
            ),
            "child": _Table(Child, ["participant_id", "birth_year"]),
            "consent": _Table(
                Consent,
                [*stamps, "participant_id", "purpose", "organisation_id", "given_at", "given_by_id", "given_how"],
            ),
            "assessment": _Table(
                Assessment, [*stamps, "participant_id", "assessed_on", "recorded_by_id", "strengths", "aspirations"]
            ),
            "barrier": _Table(AssessmentBarrier, ["assessment_id", "barrier", "own_words", "importance"]),
            "contact": _Table(
                Contact,
                [*stamps, "participant_id", "happened_on", "kind", "duration_minutes", "notes", "recorded_by_id"],
            ),
            "goal": _Table(Goal, [*stamps, "participant_id", "title", "created_by_id", "status"]),
            "step": _Table(
                Step,
                [
                    *stamps,
                    "goal_id",
                    "description",
                    "proposed_by",
                    "proposed_by_user_id",
                    "state",
                    "answered_at",
                    "answered_how",
                    "answer_recorded_by_id",
                    "finished_at",
                ],
            ),
            "referral": _Table(
                Referral,
                [
                    *stamps,
                    "participant_id",
                    "kind",
                    "service_id",
                    "organisation_id",
                    "outside_service_name",
                    "goal_id",
                    "reason",
                    "state",
                    "proposed_by",
                    "proposed_by_user_id",
                    "proposed_at",
                    "consent_id",
                    "shared_fields",
                    "agreed_at",
                    "sent_at",
                    "sent_by_id",
                    "answer_due_on",
                    "answered_at",
                    "answered_by_id",
                    "decline_reason",
                    "started_on",
                    "ended_on",
                    "delivered",
                    "outcome_note",
                    "withdrawn_at",
                    "withdrawn_reason",
                ],
            ),
            "outcome": _Table(
                Outcome,
                [
                    *stamps,
                    "participant_id",
                    "kind",
                    "achieved_on",
                    "description",
                    "employer_sector",
                    "hours_per_week",
                    "contract_type",
                    "hourly_pay",
                    "evidence",
                    "recorded_by_id",
                ],
            ),
            "check": _Table(
                SustainmentCheck,
                [*stamps, "outcome_id", "weeks", "due_on", "status", "checked_on", "checked_by_id", "note"],
            ),
            "spend": _Table(
                Spend,
                [
                    *stamps,
                    "pot_id",
                    "participant_id",
                    "category",
                    "amount",
                    "description",
                    "no_goal_reason",
                    "participant_answer",
                    "answered_at",
                    "answered_how",
                    "answer_recorded_by_id",
                    "state",
                    "requested_by_id",
                    "requested_at",
                    "decided_by_id",
                    "decided_at",
                    "decline_reason",
                ],
            ),
            "request": _Table(Request, [*stamps, "participant_id", "kind", "topic", "text", "status"]),
            "wish": _Table(
                WorkWish,
                [*stamps, "participant_id", "min_hours", "max_hours", "contract_types", "note", "recorded_by_id"],
            ),
            "research_consent": _Table(
                ResearchConsent, [*stamps, "participant_id", "pseudonym", "consent_id", *CONSENT_ELEMENT_SHARES]
            ),
            "stakeholder": _Table(
                Stakeholder,
                [
                    *stamps,
                    "programme_id",
                    "partnership_id",
                    "name",
                    "role",
                    "organisation_id",
                    "staff_member_id",
                    "email",
                    "agreed_to_interview",
                    "agreed_to_recording",
                    "agreed_to_quotation",
                    "consent_recorded_on",
                ],
            ),
            "interview": _Table(
                Interview,
                [
                    *stamps,
                    "wave_id",
                    "partnership_id",
                    "kind",
                    "research_consent_id",
                    "stakeholder_id",
                    "status",
                    "scheduled_for",
                    "held_on",
                    "interviewer_id",
                    "consent_confirmed",
                    "recorded",
                ],
            ),
            "appointment": _Table(
                Appointment,
                [*stamps, "participant_id", "keyworker_id", "starts_at", "duration_minutes", "place", "created_by_id"],
            ),
            # The columns the seals hash, in their order: the id comes from the sequence, no API token.
            "audit": _Table(
                AuditEvent, [name for name in EVENT_COLUMNS if name not in ("id", "api_token_name")], with_id=False
            ),
        }

    # -- Participants (COPY) ---------------------------------------------------------------------

    def plan_people(self, index: int, area: _Area) -> list[dict[str, Any]]:
        """Who joined when, and their status (drawn again, the same, by `plan_area`)."""
        rng = self.rng(f"plan {index}")
        months = _months(FIRST_JOINING_DAY, self.last_joining_day)
        month_weights = [_joining_weight(month, data.LIVE_PROGRAMME) for month in months]
        days = []
        for month in rng.choices(months, weights=month_weights, k=area.size):
            length = ((month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - month).days
            day = month + datetime.timedelta(days=rng.randrange(length))
            days.append(
                _weekday(
                    min(max(day, FIRST_JOINING_DAY), self.last_joining_day), FIRST_JOINING_DAY, self.last_joining_day
                )
            )
        days.sort()
        closed = int(area.size * CLOSED_SHARE)
        people: list[dict[str, Any]] = []
        for number, day in enumerate(days, start=1):
            person: dict[str, Any] = {"reference": f"{PREFIX}-{area.short_code}-{number:07d}", "joined_on": day}
            paused = rng.random() < PAUSED_SHARE_OF_OPEN
            months_supported = rng.choice((2, 3, 4, 6, 6, 8, 9, 12, 12, 15, 18))
            extra = rng.randrange(30)
            if number <= closed:
                person["status"] = "closed"
                last = self.today - datetime.timedelta(days=7)
                closed_on = day + datetime.timedelta(days=months_supported * 30 + extra)
                person["status_since"] = max(min(closed_on, last), day)
            elif paused and number > closed + 1:
                person["status"] = "paused"
                person["status_since"] = max(self.today - datetime.timedelta(days=rng.randint(10, 90)), day)
            else:
                person["status"] = "active"
                person["status_since"] = day
            people.append(person)
        return people

    def plan_area(self, index: int, area: _Area) -> list[dict[str, Any]]:
        """Their keyworkers and accounts, too: the active dealt evenly round the area's keyworkers."""
        people = self.plan_people(index, area)
        rng = self.rng(f"allocation {index}")
        active = [person for person in people if person["status"] == "active"]
        keyworkers = area.keyworkers
        rng.shuffle(active)
        for position, person in enumerate(active):
            person["keyworker"] = keyworkers[position % len(keyworkers)]
        for person in people:
            if person["status"] != "active":
                person["keyworker"] = rng.choice(keyworkers)
        for member in keyworkers:
            self.caseloads[member.pk] = 0
        for person in active:
            self.caseloads[person["keyworker"].pk] += 1
        for person in people:
            account = area.accounts.get(person["reference"])
            if account is not None:
                person["user_id"], person["email"] = account
        return people

    def write_area(self, index: int, area: _Area, people: list[dict[str, Any]]) -> None:
        rng = self.rng(f"rows {index}")
        booking = self.rng(f"appointments {index}")  # its own stream: the other rows stay as they were
        wishing = self.rng(f"wishes {index}")  # and the extras' too
        researching = self.rng(f"research {index}")
        # Research consents that cover interviews: (research consent id, joined, last day, recording).
        interviewable: list[tuple[int, datetime.date, datetime.date, bool]] = []
        week = [day for day in (self.today + datetime.timedelta(days=n) for n in range(7)) if day.weekday() < 5] or [
            self.today
        ]
        t = self.tables
        pick = self.pick
        today = self.today
        spec = area.spec
        partnership_id = area.partnership.pk
        manager_user_id = area.manager.user_id if area.manager else None
        women, men, families = data.WOMEN_GIVEN_NAMES, data.MEN_GIVEN_NAMES, data.FAMILY_NAMES
        email_domains = data.PARTICIPANT_EMAIL_DOMAINS
        kw_role, page, participant_label = Role.KEYWORKER.value, "page", "participants.Participant"
        for person in people:
            keyworker: StaffMember = person["keyworker"]
            kw = keyworker.user_id
            joined: datetime.date = person["joined_on"]
            status: str = person["status"]
            since: datetime.date = person["status_since"]
            is_open = status != "closed"
            last_day = since if status != "active" else today
            joined_at = _datetime(joined, rng.randrange(360))
            given = rng.choice(men if rng.random() < 0.1 else women)
            family = rng.choice(families)
            email = person.get("email") or (
                f"{_ascii_slug(given)}.{_ascii_slug(family)}{rng.randrange(10, 99)}@{rng.choice(email_domains)}"
                if rng.random() < 0.7
                else ""
            )
            mobile = f"+447700900{rng.randrange(1000):03d}" if is_open or rng.random() < 0.15 else ""
            district, town = rng.choice(spec.districts)
            postcode = (
                f"{district} {rng.randrange(10)}{rng.choice(data.POSTCODE_LETTERS)}{rng.choice(data.POSTCODE_LETTERS)}"
            )
            address = f"{rng.randrange(1, 120)} {rng.choice(data.STREETS)}\n{town}"
            pid = t["participant"].add(
                joined_at,
                joined_at,
                person["reference"],
                person.get("user_id"),
                given,
                family,
                email,
                mobile,
                address,
                postcode,
                partnership_id,
                keyworker.pk,
                status,
                since,
                joined,
                pick(rng, "heard"),
            )
            youngest = pick(rng, "youngest")
            ages = [youngest]
            for _ in range(pick(rng, "children") - 1):
                ages.append(min(ages[-1] + rng.randint(1, 5), 16))
            for age in ages:
                t["child"].add(pid, joined.year - age)

            # Consents: the service; research and texts for some.
            how = "in_person_signed" if rng.random() < 0.7 else "phone"
            t["consent"].add(joined_at, joined_at, pid, "service", None, joined_at, kw, how)
            if rng.random() < 0.4:
                research_purpose = t["consent"].add(joined_at, joined_at, pid, "research", None, joined_at, kw, how)
                # What they agreed to, in the demo's shares (most let the evaluators use their service records).
                elements = [researching.random() < share for share in CONSENT_ELEMENT_SHARES.values()]
                research_id = t["research_consent"].add(
                    joined_at, joined_at, pid, self.pseudonym(pid), research_purpose, *elements
                )
                scope = dict(zip(CONSENT_ELEMENT_SHARES, elements, strict=True))
                if scope["interview"]:
                    interviewable.append((research_id, joined, last_day, scope["recording"]))
            if mobile and rng.random() < 0.8:
                t["consent"].add(joined_at, joined_at, pid, "contact_by_sms", None, joined_at, kw, how)

            # The assessment, in their first fortnight.
            assessed = min(joined + datetime.timedelta(days=rng.randrange(15)), last_day)
            assessed_at = _datetime(assessed, 60)
            aid = t["assessment"].add(
                assessed_at,
                assessed_at,
                pid,
                assessed,
                kw,
                " ".join(rng.sample(data.STRENGTHS, 2)),
                rng.choice(data.ASPIRATIONS),
            )
            barriers: list[str] = []
            for _ in range(pick(rng, "barrier_count")):
                barrier = pick(rng, "barrier")
                if barrier not in barriers:
                    barriers.append(barrier)
                    t["barrier"].add(aid, barrier, rng.choice(data.OWN_WORDS[barrier]), pick(rng, "importance"))

            # Contacts: the first meeting on joining, then every one to three weeks until the last.
            if status == "active":
                not_seen = rng.random() < data.NOT_SEEN_SHARE_OF_ACTIVE
                end = today - datetime.timedelta(days=rng.randint(31, 60) if not_seen else rng.randint(1, 13))
            else:
                end = since
            day = joined
            seen: set[datetime.date] = set()
            first = True
            while (first or day <= end) and len(seen) < MAX_CONTACTS:
                on = _weekday(day, joined, max(end, joined))
                if on not in seen:
                    seen.add(on)
                    kind = ("centre" if rng.random() < 0.75 else "home_visit") if first else pick(rng, "contact_kind")
                    low, high = data.CONTACT_MINUTES.get(kind, (0, 0))
                    notes = data.FIRST_MEETING_NOTE if first else rng.choice(data.CONTACT_NOTES[kind])
                    at = _datetime(on, 120)
                    t["contact"].add(at, at, pid, on, kind, rng.randint(low, high) if high else None, notes, kw)
                    first = False
                day += datetime.timedelta(days=rng.randint(5, 16))
            last_seen = max(seen)

            # Goals and steps towards them.
            goal_ids: list[int] = []
            themes = barriers[: rng.randint(1, 3)]
            for theme in themes:
                title = rng.choice(GOALS.get(theme) or GENERAL_GOALS)
                goal_status = "open" if is_open else ("achieved" if rng.random() < 0.5 else "set_aside")
                goal_at = _datetime(assessed, 90)
                gid = t["goal"].add(goal_at, goal_at, pid, title, kw, goal_status)
                goal_ids.append(gid)
                for _ in range(rng.randint(1, 3)):
                    state = pick(rng, "step")
                    if not is_open and state in ("offered", "agreed"):
                        state = "done"
                    proposed = rng.random() < 0.3
                    offered_on = joined + datetime.timedelta(days=rng.randrange(max(1, (last_seen - joined).days + 1)))
                    offered_at = _datetime(offered_on, 150)
                    answered_at = (
                        offered_at + datetime.timedelta(days=rng.randint(0, 7)) if state != "offered" else None
                    )
                    answered_at = min(answered_at, _datetime(last_day, 200)) if answered_at else None
                    if answered_at and answered_at < offered_at:
                        answered_at = offered_at
                    finished = (
                        answered_at + datetime.timedelta(days=rng.randint(7, 60))
                        if state in ("done", "stopped") and answered_at
                        else None
                    )
                    t["step"].add(
                        offered_at,
                        finished or answered_at or offered_at,
                        gid,
                        rng.choice(STEPS.get(theme) or GENERAL_GOALS),
                        "participant" if proposed else "keyworker",
                        kw,
                        state,
                        answered_at,
                        ("in_person" if rng.random() < 0.8 else "phone") if answered_at else "",
                        kw if answered_at else None,
                        finished,
                    )

            # Referrals to the area's partner agencies, and some signposting.
            for _ in range(pick(rng, "referrals")):
                state = pick(rng, "open_referral" if is_open else "closed_referral")
                service_id, organisation_id, offer = rng.choice(area.services)
                span = max(1, (last_seen - joined).days)
                proposed_on = joined + datetime.timedelta(days=rng.randrange(span))
                proposed_at = _datetime(proposed_on, 180)
                reason = rng.choice(REASONS.get(offer) or REASONS["money_and_debt"])
                goal_id = goal_ids[0] if goal_ids and rng.random() < 0.6 else None
                if state == "signposted":
                    t["referral"].add(
                        proposed_at, proposed_at, pid, "signposting", service_id, None, "", goal_id, reason,
                        state, "keyworker", kw, proposed_at, None, [], None, None, None, None, None, None, "",
                        None, None, "", "", None, "",
                    )  # fmt: skip
                    continue
                agreed = state not in ("proposed", "withdrawn")
                consent_id = None
                agreed_at = sent_at = answered_at = withdrawn_at = None
                sent_by = answered_by = None
                due_on = started_on = ended_on = None
                decline = delivered = note = withdrawn_reason = ""
                if agreed:
                    agreed_at = proposed_at + datetime.timedelta(hours=1)
                    consent_id = t["consent"].add(
                        agreed_at,
                        agreed_at,
                        pid,
                        "share_with_organisation",
                        organisation_id,
                        agreed_at,
                        kw,
                        "in_person_signed",
                    )
                    sent_at, sent_by = agreed_at + datetime.timedelta(hours=2), kw
                    due_on = sent_at.date() + datetime.timedelta(days=14)
                    if state != "sent":
                        answered_at = sent_at + datetime.timedelta(days=rng.randint(1, 8))
                        answered_by = area.partner_workers.get(organisation_id, manager_user_id)
                    if state == "declined":
                        decline = "no_capacity" if rng.random() < 0.6 else "not_suitable"
                    if state in ("started", "completed") and answered_at:
                        started_on = answered_at.date() + datetime.timedelta(days=rng.randint(3, 20))
                    if state == "completed" and started_on:
                        ended_on = started_on + datetime.timedelta(days=rng.randint(14, 90))
                        delivered = rng.choice(DELIVERED.get(offer) or DELIVERED["money_and_debt"])
                        note = rng.choice(COMPLETED_NOTES)
                elif state == "withdrawn":
                    withdrawn_at = proposed_at + datetime.timedelta(days=rng.randint(1, 10))
                    withdrawn_reason = "She decided it was not the right time."
                stamp = withdrawn_at or answered_at or sent_at or proposed_at
                t["referral"].add(
                    proposed_at, stamp, pid, "referral", service_id, organisation_id, "", goal_id, reason, state,
                    "keyworker", kw, proposed_at, consent_id, ["name", "mobile", "barriers"] if agreed else [],
                    agreed_at, sent_at, sent_by, due_on, answered_at, answered_by, decline, started_on, ended_on,
                    delivered, note, withdrawn_at, withdrawn_reason,
                )  # fmt: skip

            # The work they want (drawn for everyone, as the demo's, so that who works shifts no one's wish).
            has_wish = wishing.random() < WORK_WISH_SHARE
            wish_hours: tuple[float, float] = pick(wishing, "wish_hours")
            wish_contracts: tuple[str, ...] = pick(wishing, "wish_contracts")
            wish_note = wishing.choice(WISH_NOTES)
            low_hours, high_hours = Decimal(str(wish_hours[0])), Decimal(str(wish_hours[1]))

            # Outcomes: jobs (with their sustainment checks) and training.
            tenure = (last_day - joined).days
            works = tenure > 21 and rng.random() < (JOB_SHARE_OPEN if is_open else JOB_SHARE_CLOSED)
            if works:
                started = _weekday(joined + datetime.timedelta(days=rng.randint(21, tenure)), joined, last_day)
                sector = pick(rng, "sector")
                at = _datetime(started, 240)
                title = rng.choice(JOB_TITLES[sector])
                hours = Decimal(pick(rng, "hours"))
                contract = pick(rng, "contract")
                # Most jobs fit the wish, as the demo's: its hours (78%), one of its contracts (80%).
                if wishing.random() < 0.78:
                    hours = low_hours + Decimal(wishing.randint(0, int((high_hours - low_hours) * 2))) / 2
                if wishing.random() < 0.8 and contract not in wish_contracts:
                    contract = wish_contracts[0]
                oid = t["outcome"].add(
                    at,
                    at,
                    pid,
                    "job_start",
                    started,
                    title,
                    sector,
                    hours,
                    contract,
                    Decimal(rng.randrange(1221, 1650)) / 100,
                    pick(rng, "evidence"),
                    kw,
                )
                for weeks in (4, 13, 26, 52):
                    due = started + datetime.timedelta(weeks=weeks)
                    if due <= today - datetime.timedelta(days=14):
                        answer = pick(rng, "check")
                        checked = min(due + datetime.timedelta(days=rng.randint(0, 10)), today)
                        checked_at = _datetime(checked, 30)
                        t["check"].add(
                            at, checked_at, oid, weeks, due, answer, checked, kw, rng.choice(CHECK_NOTES[answer])
                        )
                    else:
                        t["check"].add(at, at, oid, weeks, due, "due", None, None, "")
            if tenure > 30 and rng.random() < TRAINING_SHARE:
                started = joined + datetime.timedelta(days=rng.randint(14, tenure))
                at = _datetime(started, 250)
                t["outcome"].add(
                    at, at, pid, "training", started, rng.choice(TRAINING), "", None, "", None, "provider", kw
                )

            if has_wish or works:
                t["wish"].add(assessed_at, assessed_at, pid, low_hours, high_hours, list(wish_contracts), wish_note, kw)

            # Spends from the partnership's pot.
            if rng.random() < SPEND_SHARE:
                category = pick(rng, "category")
                low, high, purposes = CATEGORY_SPEND[category]
                requested_on = joined + datetime.timedelta(days=rng.randrange(max(1, tenure)))
                requested_at = _datetime(requested_on, 300)
                roll = rng.random()
                state = "approved" if roll < 0.8 or not is_open else ("requested" if roll < 0.9 else "declined")
                answered = requested_at + datetime.timedelta(hours=1)
                decided = requested_at + datetime.timedelta(days=1) if state != "requested" else None
                t["spend"].add(
                    requested_at,
                    decided or requested_at,
                    area.pot_id,
                    pid,
                    category,
                    Decimal(rng.randint(low, high)),
                    rng.choice(purposes),
                    "Agreed with the keyworker.",
                    "yes",
                    answered,
                    "in_person",
                    kw,
                    state,
                    kw,
                    requested_at,
                    (manager_user_id or kw) if decided else None,
                    decided,
                    "Not enough left in this pot." if state == "declined" else "",
                )

            # Requests for the requests board.
            roll = rng.random()
            if roll < OPEN_REQUEST_SHARE + ANSWERED_REQUEST_SHARE and (is_open or roll >= OPEN_REQUEST_SHARE):
                topic = rng.choice(list(REQUEST_TEXTS))
                at = _datetime(last_seen, 330)
                t["request"].add(
                    at,
                    at,
                    pid,
                    "group_on" if rng.random() < 0.4 else "help_with",
                    topic,
                    rng.choice(REQUEST_TEXTS[topic]),
                    "open" if roll < OPEN_REQUEST_SHARE else "answered",
                )

            # Audit: the record created by the keyworker; looked at when last seen (and by the manager, some).
            t["audit"].add_without_id(
                joined_at, kw, kw_role, "create", page, pid, participant_label, str(pid), "", [], ""
            )
            seen_at = _datetime(last_seen, 125)
            t["audit"].add_without_id(
                seen_at,
                kw,
                kw_role,
                "view",
                page,
                pid,
                participant_label,
                str(pid),
                "",
                [],
                f"/keyworker/participants/{pid}/",
            )
            if manager_user_id and rng.random() < 0.3:
                t["audit"].add_without_id(
                    seen_at + datetime.timedelta(hours=1), manager_user_id, Role.PARTNERSHIP_MANAGER.value, "list",
                    page, pid, participant_label, str(pid), "", [], "/partnership/participants/",
                )  # fmt: skip

            # An appointment in the coming week for some of the active, for the caseload's "Today and this week".
            if status == "active" and booking.random() < APPOINTMENT_SHARE:
                booked_at = _datetime(last_seen, 130)
                t["appointment"].add(
                    booked_at,
                    booked_at,
                    pid,
                    keyworker.pk,
                    _datetime(booking.choice(week), 30 * booking.randrange(15)),
                    booking.choice((30, 45, 60, 60, 90)),
                    pick(booking, "place"),
                    kw,
                )
        self.write_interviews(index, area, interviewable)

    def write_interviews(
        self, index: int, area: _Area, interviewable: list[tuple[int, datetime.date, datetime.date, bool]]
    ) -> None:
        """The area's interviews done in each wave, for Table 1: as many for its size as the paper's Table 1
        has for a demo area of the full size (about 1% of the participants a wave, as many stakeholders).

        Participants as the demo's rules allow: research consent covering interviews, at least four weeks
        after joining, within a year of their case closing. Stakeholders from the area's staff (their
        manager, partner workers and keyworkers), each asked at most once a wave.
        """
        rng = self.rng(f"interviews {index}")
        t = self.tables
        assert self.evaluator is not None
        assert area.manager is not None
        interviewer = self.evaluator.user_id
        programme_id = area.partnership.programme_id
        partnership_id = area.partnership.pk
        size = area.size / (data.FULL_SIZE / len(data.AREAS))
        yesterday = self.today - datetime.timedelta(days=1)
        pool = [
            (StakeholderRole.MANAGEMENT, area.manager),
            *((StakeholderRole.PARTNER_STAFF, member) for member in area.partner_staff),
            *((StakeholderRole.KEYWORKER, member) for member in area.keyworkers),
        ]
        stakeholders: dict[int, int] = {}  # staff member id → stakeholder id
        for number, wave in enumerate(self.waves):
            last = min(wave.ends_on, yesterday)
            if last < wave.starts_on:
                continue
            people, staff = TABLE_1[area.spec.area_name][WAVE_YEARS[number % len(WAVE_YEARS)]]
            candidates = []
            for research_id, joined, last_day, recording in interviewable:
                first = max(wave.starts_on, joined + datetime.timedelta(days=MIN_DAYS_BEFORE_INTERVIEW))
                until = min(last, last_day + datetime.timedelta(days=MAX_DAYS_AFTER_CLOSING))
                if first <= until:
                    candidates.append((research_id, first, until, recording))
            chosen = rng.sample(candidates, min(len(candidates), max(1, round(people * size))))
            for research_id, first, until, recording in chosen:
                held_on = _weekday(
                    first + datetime.timedelta(days=rng.randrange((until - first).days + 1)), first, until
                )
                at = _datetime(held_on, 60)
                t["interview"].add(
                    at, at, wave.pk, partnership_id, "participant", research_id, None, "done", at, held_on,
                    interviewer, True, recording,
                )  # fmt: skip
            for role, member in rng.sample(pool, min(len(pool), max(1, round(staff * size)))):
                held_on = _weekday(
                    wave.starts_on + datetime.timedelta(days=rng.randrange((last - wave.starts_on).days + 1)),
                    wave.starts_on,
                    last,
                )
                at = _datetime(held_on, 60)
                if member.pk not in stakeholders:
                    stakeholders[member.pk] = t["stakeholder"].add(
                        at, at, programme_id, partnership_id, member.user.display_name, role.value,
                        member.organisation_id, member.pk, member.user.email, True, rng.random() < 0.8,
                        rng.random() < 0.7, held_on,
                    )  # fmt: skip
                t["interview"].add(
                    at, at, wave.pk, partnership_id, "stakeholder", None, stakeholders[member.pk], "done", at,
                    held_on, interviewer, True, False,
                )  # fmt: skip

    # -- The whole run ---------------------------------------------------------------------------

    def timed(self, label: str, started: float) -> float:
        now = time.perf_counter()
        self.seconds[label] = self.seconds.get(label, 0.0) + now - started
        return now

    @staticmethod
    def write_batch(writer: _Writer, batch: list[tuple[_Table, list[tuple[Any, ...]]]]) -> None:
        for table, rows in batch:
            writer.write(table, rows)

    def generate(self) -> ScaleSummary:
        writer = _Writer(check_keys=self.check_keys)
        started = time.perf_counter()
        with transaction.atomic():
            programme = self.build_structure()
            mark = self.timed("structure", started)
            writer.prepare(self.tables.values())
            # On PostgreSQL one partnership's rows are copied in by a second thread (on the same
            # connection, in this transaction) while the next partnership's are generated: the
            # database works on one core while Python works on the other.
            with ThreadPoolExecutor(max_workers=1) as pool:
                pending: Future[None] | None = None
                for index, area in enumerate(self.areas):
                    people = self.plan_area(index, area)
                    self.write_area(index, area, people)
                    mark = self.timed("generate", mark)
                    batch = [(table, table.rows) for table in self.tables.values()]
                    for table in self.tables.values():
                        table.rows = []
                    if pending is not None:
                        pending.result()
                        mark = self.timed("waiting for the database", mark)
                    if writer.postgres:
                        pending = pool.submit(self.write_batch, writer, batch)
                    else:
                        self.write_batch(writer, batch)
                        mark = self.timed("write", mark)
                    self.out(
                        f"  {area.partnership.area_name}: {len(people):,} participants, "
                        f"{len(area.keyworkers)} keyworkers ({time.perf_counter() - started:.0f} s)"
                    )
                if pending is not None:
                    pending.result()
                    mark = self.timed("waiting for the database", mark)
            writer.finish(self.tables.values())
            self.skipped_checks = writer.skipped_checks
        mark = time.perf_counter()
        sealed = seal_audit_log().summary()
        mark = self.timed("seal audit", mark)
        if writer.postgres:
            writer.analyze([table.name for table in self.tables.values()] + ["accounts_user", "programmes_staffmember"])
            self.timed("analyze", mark)
        rows = dict(self.structure_rows)
        for table in self.tables.values():
            rows[table.name] = table.written
        first = self.areas[0]
        assert first.manager is not None
        assert self.funder is not None
        assert self.evaluator is not None
        partner_user = User.objects.get(pk=next(iter(first.partner_workers.values())))
        counts = list(self.caseloads.values())
        logins = {
            "keyworker": first.keyworkers[0].user.username,
            "partnership manager": first.manager.user.username,
            "partner worker": partner_user.username,
            "funder": self.funder.user.username,
            "evaluator": self.evaluator.user.username,  # oversees the programme: analytics, Table 1
            "participant": self.participant_logins[0],
            "board member": self.board_login,
        }
        return ScaleSummary(
            programme=programme,
            participants=self.total,
            partnerships=len(self.areas),
            rows=rows,
            seconds=self.seconds,
            logins=logins,
            keyworkers=len(counts),
            caseloads=(min(counts), max(counts)),
            sealed=sealed,
            skipped_key_checks=self.skipped_checks,
        )


def generate_programme(
    *,
    participants: int,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    out: Callable[[str], None] = lambda text: None,
    check_keys: bool = False,
) -> ScaleSummary:
    """Write a scale programme of `participants` people. Refuses if one is already in the database.

    Call it outside a transaction: the audit events are sealed after the programme is committed.
    """
    if participants < 1:
        raise ScaleError("Give at least one participant.")
    today = today or timezone.localdate()
    if today < FIRST_JOINING_DAY + datetime.timedelta(days=60):
        raise ScaleError(f"The scale programme needs a day after {FIRST_JOINING_DAY:%-d %B %Y} plus two months.")
    existing = scale_programme()
    if existing is not None:
        raise ScaleError(
            f'"{existing.name}" is already in this database, and its audit events can never be deleted. Generate '
            "into a fresh database: for PostgreSQL, drop and create it, `manage.py migrate`, and run this again."
        )
    return _Generator(participants=participants, seed=seed, today=today, out=out, check_keys=check_keys).generate()

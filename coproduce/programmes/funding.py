"""Engagement targets, grants and labour-market context: the changes, one function per change (the reads
are in coproduce/programmes/selectors/funding.py).

- A target (partnership × year) is proposed by one side — the funder or the area's partnership
  manager — and agreed by the other. Changing the number of an agreed target puts it back to
  "proposed" by whoever changed it, so the other side has to agree again.
- Grants are recorded by the funder (staff of the funder organisation with the funder role) to
  a co-lead organisation of the partnership; managers see their own partnership's, read-only.
- Labour-market context (claimant rate, job density per area and year) is entered by the funder
  or imported from an ONS Nomis CSV as Nomis gives it (see `parse_nomis_csv`). A file with any
  problem is refused whole, with the list of problems, and changes nothing.

Each belongs to a partnership, so to that partnership's programme. The funder sees and changes those
of the programmes they oversee (`actor.programme_ids`); the reads take an optional `programme_id` to
show one programme at a time, as the funder's pages and the API do.

All of it is aggregate: nothing here names a participant, so audit events carry no participant.
"""

import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import rules
from django.db import transaction
from django.utils import timezone

from coproduce.accounts.acting import ActingUser, signed_in
from coproduce.audit.models import AuditEvent
from coproduce.audit.services import record_event
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput, validate_model
from coproduce.programmes.models import (
    EngagementTarget,
    Grant,
    LabourMarketContext,
    Organisation,
    Partnership,
)
from coproduce.programmes.selectors import programme_for
from coproduce.programmes.selectors.funding import (
    funder_users,
    grants_visible_to,
    lead_partners,
    partnerships_for_funding,
    target_side,
    targets_visible_to,
)
from coproduce.programmes.standing import standing_of

FIRST_YEAR = 2000
LAST_YEAR = 2100
GRANT_FIELDS = ("title", "description", "amount", "awarded_on", "starts_on", "ends_on", "recipient_id")


# ---- targets ---------------------------------------------------------------------------------


def _audit(actor: ActingUser, action: str, record: Any, changed: Any) -> None:
    record_event(
        actor=actor,
        action=action,
        record=record,
        participant_id=None,
        changed_fields=changed,
    )


def _check_year(year: int, field_name: str = "year") -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput({field_name: [f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}."]})


def propose_target(
    *,
    actor: ActingUser,
    partnership_id: int,
    year: int,
    participants: int,
    expected_version: int | None = None,
) -> EngagementTarget:
    """Propose the number of participants an area should engage in a year (or change a proposal).

    A new target needs no version. Changing one needs the version read; a change of number puts an
    agreed target back to "proposed" by this person, so the other side must agree again.
    """
    partnership = partnerships_for_funding(actor).filter(pk=partnership_id).first()
    if partnership is None:
        raise NotFound("No such partnership.")
    if not rules.has_perm("programmes.propose_target", actor, partnership):
        raise NotAllowed("Only the funder or this area's partnership manager can propose its targets.")
    _check_year(year)
    if participants < 1:
        raise InvalidInput({"participants": ["A target is a whole number of participants, 1 or more."]})
    now = timezone.now()
    with transaction.atomic():
        target = EngagementTarget.objects.select_for_update().filter(partnership=partnership, year=year).first()
        if target is None:
            if expected_version is not None:
                raise ConflictError("This target no longer exists. Reload the targets and propose it again.")
            target = EngagementTarget(
                partnership=partnership,
                year=year,
                participants=participants,
                proposed_by=signed_in(actor),
                proposed_at=now,
            )
            validate_model(target)
            target.save()
            _audit(actor, AuditEvent.Action.CREATE, target, ["year", "participants", "proposed_by"])
            return target
        if expected_version is None:
            raise DomainError(
                f"There is already a target for {partnership.area_name} in {year}: change that one instead.",
                field="year",
            )
        target.check_version(expected_version)
        if target.participants == participants:
            return target
        target.participants = participants
        target.proposed_by = signed_in(actor)
        target.proposed_at = now
        target.agreed_by = None
        target.agreed_at = None
        target.bump_version()
        target.save()
        _audit(
            actor,
            AuditEvent.Action.CHANGE,
            target,
            ["participants", "proposed_by", "proposed_at", "agreed_by", "agreed_at"],
        )
    return target


def agree_target(*, actor: ActingUser, target_id: int, expected_version: int) -> EngagementTarget:
    """The other side agrees a proposed target: the funder agrees the area's proposal, or the other way round."""
    with transaction.atomic():
        target = targets_visible_to(actor).select_for_update(of=("self",)).filter(pk=target_id).first()
        if target is None:
            raise NotFound("No such target.")
        if not rules.has_perm("programmes.agree_target", actor, target):
            raise NotAllowed("Only the funder or this area's partnership manager can agree its targets.")
        target.check_version(expected_version)
        if target.agreed_at is not None:
            raise DomainError("This target is already agreed.")
        proposer_side = "funder" if funder_users([target.proposed_by_id]) else "partnership"
        if target_side(actor) == proposer_side:
            # A rule of the record the person can act on (ask the other side), not a refusal of access.
            raise DomainError(
                "A target is agreed by the other side: the funder agrees what the partnership proposed, "
                "and the partnership agrees what the funder proposed."
            )
        target.agreed_by = signed_in(actor)
        target.agreed_at = timezone.now()
        target.bump_version()
        target.save()
        _audit(actor, AuditEvent.Action.CHANGE, target, ["agreed_by", "agreed_at"])
    return target


# ---- grants ----------------------------------------------------------------------------------


def _funder_organisation(actor: ActingUser) -> Organisation:
    if not rules.has_perm("programmes.manage_grants", actor):
        raise NotAllowed("Only the funder can record grants.")
    organisation = standing_of(actor).staff_member.organisation  # type: ignore[union-attr]
    return organisation


def _recipient(partnership: Partnership, recipient_id: int | None) -> Organisation:
    leads = [membership.organisation for membership in lead_partners([partnership.pk])]
    if recipient_id is None and leads:
        # The lead partner: a third-sector co-lead where there is one.
        third_sector = [o for o in leads if o.kind == Organisation.Kind.THIRD_SECTOR]
        return (third_sector or leads)[0]
    for organisation in leads:
        if organisation.pk == recipient_id:
            return organisation
    raise InvalidInput(
        {"recipient_id": [f"Choose a lead partner (co-lead) of the {partnership.area_name} partnership."]}
    )


def _check_grant(grant: Grant) -> None:
    errors: dict[str, list[str]] = {}
    reference = grant.reference
    if not reference or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", reference):
        errors["reference"] = [
            "Enter a reference of letters, digits, dots, dashes or underscores, like MIW-FIF-2013-01."
        ]
    if not grant.title.strip():
        errors["title"] = ["Enter a title."]
    if not grant.description.strip():
        errors["description"] = ["Say what the grant is for."]
    if grant.amount is None or grant.amount <= 0:
        errors["amount"] = ["The amount must be more than £0."]
    elif grant.amount != grant.amount.quantize(Decimal("0.01")):
        errors["amount"] = ["Enter the amount in pounds and pence, like 250000.00."]
    if grant.starts_on and grant.ends_on and grant.ends_on < grant.starts_on:
        errors["ends_on"] = ["The grant must end on or after the day it starts."]
    if grant.awarded_on and grant.ends_on and grant.awarded_on > grant.ends_on:
        errors["awarded_on"] = ["The grant must be awarded before it ends."]
    if errors:
        raise InvalidInput(errors)


def record_grant(
    *,
    actor: ActingUser,
    partnership_id: int,
    reference: str,
    title: str,
    description: str,
    amount: Decimal,
    awarded_on: datetime.date,
    starts_on: datetime.date,
    ends_on: datetime.date,
    recipient_id: int | None = None,
) -> Grant:
    """The funder records a grant to a partnership, paid to one of its co-leads (by default its lead partner:
    the first third-sector co-lead by name).

    The reference is unique: it becomes the suffix of the grant's 360Giving identifier.
    """
    funder = _funder_organisation(actor)
    # Only an area of a programme the funder oversees: another programme's is as unknown as a missing one.
    partnership = partnerships_for_funding(actor).filter(pk=partnership_id).first()
    if partnership is None:
        raise InvalidInput({"partnership_id": ["Choose a partnership."]})
    grant = Grant(
        partnership=partnership,
        funder=funder,
        recipient=_recipient(partnership, recipient_id),
        reference=reference.strip(),
        title=title.strip(),
        description=description.strip(),
        amount=amount,
        awarded_on=awarded_on,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _check_grant(grant)
    with transaction.atomic():
        if Grant.objects.filter(reference__iexact=grant.reference).exists():
            raise InvalidInput({"reference": ["Another grant already has this reference."]})
        validate_model(grant)
        grant.save()
        _audit(actor, AuditEvent.Action.CREATE, grant, ["reference", "partnership", *GRANT_FIELDS])
    return grant


def update_grant(
    *,
    actor: ActingUser,
    grant_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
) -> Grant:
    """The funder corrects a grant's details. The reference and partnership stay (the 360Giving id is stable)."""
    unknown = set(changes) - set(GRANT_FIELDS)
    if unknown:
        raise InvalidInput({name: ["This cannot be changed."] for name in sorted(unknown)})
    _funder_organisation(actor)
    with transaction.atomic():
        grant = grants_visible_to(actor).select_for_update(of=("self",)).filter(pk=grant_id).first()
        if grant is None:
            raise NotFound("No such grant.")
        grant.check_version(expected_version)
        changed: list[str] = []
        for name, value in changes.items():
            if name == "recipient_id":
                value = _recipient(grant.partnership, value).pk
            elif isinstance(value, str):
                value = value.strip()
            if getattr(grant, name) != value:
                setattr(grant, name, value)
                changed.append(name)
        if not changed:
            return grant
        _check_grant(grant)
        validate_model(grant)
        grant.bump_version()
        grant.save()
        _audit(actor, AuditEvent.Action.CHANGE, grant, changed)
    return grant


# ---- labour-market context -------------------------------------------------------------------

CLAIMANT_RATE_RANGE = (Decimal("0"), Decimal("100"))
JOB_DENSITY_RANGE = (Decimal("0"), Decimal("99.99"))


def _check_figures(claimant_rate: Decimal | None, job_density: Decimal | None) -> None:
    errors: dict[str, list[str]] = {}
    if claimant_rate is None and job_density is None:
        errors["claimant_rate"] = ["Enter a claimant rate, a job density or both."]
    if claimant_rate is not None and not CLAIMANT_RATE_RANGE[0] <= claimant_rate <= CLAIMANT_RATE_RANGE[1]:
        errors["claimant_rate"] = ["A claimant rate is a percentage from 0 to 100."]
    if job_density is not None and not JOB_DENSITY_RANGE[0] <= job_density <= JOB_DENSITY_RANGE[1]:
        errors["job_density"] = ["A job density is jobs per resident aged 16–64, like 0.68."]
    if errors:
        raise InvalidInput(errors)


def set_labour_market(
    *,
    actor: ActingUser,
    partnership_id: int,
    year: int,
    claimant_rate: Decimal | None,
    job_density: Decimal | None,
    source: str,
    expected_version: int | None = None,
) -> LabourMarketContext:
    """The funder enters an area's figures for a year (new: no version; a correction: the version read)."""
    if not rules.has_perm("programmes.manage_labour_market", actor):
        raise NotAllowed("Only the funder can enter labour-market figures.")
    partnership = partnerships_for_funding(actor).filter(pk=partnership_id).first()
    if partnership is None:
        raise InvalidInput({"partnership_id": ["Choose an area."]})
    _check_year(year)
    if claimant_rate is not None:
        claimant_rate = claimant_rate.quantize(Decimal("0.1"), ROUND_HALF_UP)
    if job_density is not None:
        job_density = job_density.quantize(Decimal("0.01"), ROUND_HALF_UP)
    _check_figures(claimant_rate, job_density)
    if not source.strip():
        raise InvalidInput({"source": ["Say where the figures come from, like ONS Nomis."]})
    with transaction.atomic():
        row = LabourMarketContext.objects.select_for_update().filter(partnership=partnership, year=year).first()
        if row is None:
            if expected_version is not None:
                raise ConflictError("These figures no longer exist. Reload and enter them again.")
            row = LabourMarketContext(
                partnership=partnership,
                year=year,
                claimant_rate=claimant_rate,
                job_density=job_density,
                source=source.strip(),
            )
            validate_model(row)
            row.save()
            _audit(actor, AuditEvent.Action.CREATE, row, ["claimant_rate", "job_density", "source"])
            return row
        if expected_version is None:
            raise DomainError(
                f"There are already figures for {partnership.area_name} in {year}: change those instead.", field="year"
            )
        row.check_version(expected_version)
        changed = _apply(row, claimant_rate=claimant_rate, job_density=job_density, source=source.strip())
        if changed:
            row.bump_version()
            row.save()
            _audit(actor, AuditEvent.Action.CHANGE, row, changed)
    return row


def _apply(row: LabourMarketContext, **values: Any) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


# The Nomis CSV. Nomis's API download (https://www.nomisweb.co.uk/api/v01/dataset/NM_162_1.data.csv
# for the claimant count, NM_57_1.data.csv for jobs density, or "Download data" → CSV) has one row
# per figure; we read these columns and ignore the rest.
NOMIS_COLUMNS = ("DATE", "GEOGRAPHY_CODE", "GEOGRAPHY_NAME", "OBS_VALUE")
# Which figure a row holds is named in the table's own dimension: MEASURE_NAME in the claimant
# count (NM_162_1), ITEM_NAME in jobs density (NM_57_1). In both, MEASURES_NAME says "Value" (the
# other MEASURES, such as "Percent", are skipped). A simpler file that names the figure in
# MEASURES_NAME itself is read too. Rows of other figures (such as the claimant count itself)
# are skipped. Monthly figures (DATE like 2015-03) are averaged over the year.
NOMIS_FIGURE_COLUMNS = ("MEASURE_NAME", "ITEM_NAME", "MEASURES_NAME")
NOMIS_MEASURES = {
    "claimants as a proportion of residents aged 16-64": "claimant_rate",
    "claimant rate": "claimant_rate",
    "jobs density": "job_density",
    "job density": "job_density",
}
# Only the figure for everyone: rows for one sex or one age band (NM_162_1's GENDER and AGE) are
# skipped, or their rates would be averaged into the area's.
NOMIS_EVERYONE = {"GENDER_NAME": ("total",), "AGE_NAME": ("all categories",)}
# OBS_STATUS "Q" with an empty OBS_VALUE: Nomis withheld the figure (too few people, or not
# reliable enough). It is skipped and counted, not taken for a broken file.
NOMIS_SUPPRESSED = "Q"
NOMIS_SOURCE = "ONS Nomis (imported CSV)"
MAX_PROBLEMS = 50


@dataclass
class NomisFigures:
    """What a file holds, per (GSS code, year): each figure's values (several if monthly)."""

    figures: dict[tuple[str, int], dict[str, list[Decimal]]] = field(default_factory=dict)
    skipped: int = 0
    suppressed: int = 0


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped_rows: int
    areas: list[str]
    suppressed: int = 0


def _year_of(value: str) -> int | None:
    match = re.fullmatch(r"\s*(\d{4})(?:-(\d{2}))?\s*", value)
    if match is None or (match.group(2) and not 1 <= int(match.group(2)) <= 12):
        return None
    return int(match.group(1))


def _figure_of(row: Mapping[str, str], columns: set[str]) -> str | None:
    """Which of our figures a row holds, or None for a row to skip."""
    for name, everyone in NOMIS_EVERYONE.items():
        if name in columns and not row[name].lower().startswith(everyone):
            return None
    for column in ("MEASURE_NAME", "ITEM_NAME"):
        if column in columns:
            if "MEASURES_NAME" in columns and row["MEASURES_NAME"].lower() != "value":
                return None
            return NOMIS_MEASURES.get(row[column].lower())
    return NOMIS_MEASURES.get(row["MEASURES_NAME"].lower())


def parse_nomis_csv(text: str) -> NomisFigures:
    """Read a Nomis CSV (see NOMIS_COLUMNS, NOMIS_MEASURES); raise InvalidInput listing every problem."""
    problems: list[str] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = {name.strip().upper() for name in (reader.fieldnames or [])}
    missing = [name for name in NOMIS_COLUMNS if name not in columns]
    if not columns & set(NOMIS_FIGURE_COLUMNS):
        missing.append(" or ".join(NOMIS_FIGURE_COLUMNS))
    if missing:
        raise InvalidInput({"file": [f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}."]})
    result = NomisFigures()
    collected: dict[tuple[str, int], dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for line, raw in enumerate(reader, start=2):
        row = {(key or "").strip().upper(): (value or "").strip() for key, value in raw.items()}
        figure = _figure_of(row, columns)
        if figure is None:
            result.skipped += 1
            continue
        year = _year_of(row["DATE"])
        code = row["GEOGRAPHY_CODE"].upper()
        if year is None:
            problems.append(f"Row {line}: the DATE {row['DATE']!r} is not a year like 2015 or a month like 2015-03.")
        elif not FIRST_YEAR <= year <= LAST_YEAR:
            problems.append(f"Row {line}: the year {year} is outside {FIRST_YEAR}–{LAST_YEAR}.")
        if not re.fullmatch(r"[EJKLMNSW]\d{8}", code):
            problems.append(
                f"Row {line}: the GEOGRAPHY_CODE {row['GEOGRAPHY_CODE']!r} is not a GSS code like S12000047."
            )
        if not row["OBS_VALUE"] and row.get("OBS_STATUS", "").upper() == NOMIS_SUPPRESSED:
            result.suppressed += 1
            continue
        try:
            value = Decimal(row["OBS_VALUE"])
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problems.append(f"Row {line}: the OBS_VALUE {row['OBS_VALUE']!r} is not a number.")
            continue
        low, high = CLAIMANT_RATE_RANGE if figure == "claimant_rate" else JOB_DENSITY_RANGE
        if not low <= value <= high:
            problems.append(f"Row {line}: {value} is not a possible {figure.replace('_', ' ')}.")
            continue
        if year is not None:
            collected[(code, year)][figure].append(value)
    if not problems and not collected and not result.suppressed:
        problems.append(
            "The file has no claimant rate or job density rows: check that MEASURE_NAME (claimant count, "
            'NM_162_1) says "Claimants as a proportion of residents aged 16-64" or ITEM_NAME (jobs density, '
            'NM_57_1) says "Jobs density".'
        )
    if problems:
        extra = len(problems) - MAX_PROBLEMS
        shown = problems[:MAX_PROBLEMS] + ([f"…and {extra} more problems."] if extra > 0 else [])
        raise InvalidInput({"file": shown})
    result.figures = {key: dict(values) for key, values in collected.items()}
    return result


def _mean(values: list[Decimal], places: str) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal(places), ROUND_HALF_UP)


def import_labour_market_csv(
    *, actor: ActingUser, text: str, source: str = NOMIS_SOURCE, programme_id: int | None = None
) -> ImportResult:
    """The funder imports figures from a Nomis CSV into one programme's areas: all rows or (on any problem) none.

    The same area (GSS code) can run successive programmes, each with its own partnership: the figures go
    to the areas of `programme_id` (a programme the funder oversees; None: the one that started last).
    Rows for areas outside the programme are skipped; a figure the file does not hold is left as it was.
    """
    if not rules.has_perm("programmes.manage_labour_market", actor):
        raise NotAllowed("Only the funder can import labour-market figures.")
    parsed = parse_nomis_csv(text)
    codes = {code for code, _year in parsed.figures}
    programme = programme_for(actor, programme_id)
    partnerships = {
        p.gss_code.upper(): p for p in Partnership.objects.filter(gss_code__in=codes, programme_id=programme.pk)
    }
    created = updated = 0
    skipped = parsed.skipped
    with transaction.atomic():
        existing = {
            (row.partnership_id, row.year): row
            for row in LabourMarketContext.objects.select_for_update().filter(
                partnership__in=list(partnerships.values())
            )
        }
        for (code, year), figures in sorted(parsed.figures.items()):
            partnership = partnerships.get(code)
            if partnership is None:
                skipped += sum(len(values) for values in figures.values())
                continue
            values: dict[str, Any] = {"source": source}
            if "claimant_rate" in figures:
                values["claimant_rate"] = _mean(figures["claimant_rate"], "0.1")
            if "job_density" in figures:
                values["job_density"] = _mean(figures["job_density"], "0.01")
            row = existing.get((partnership.pk, year))
            if row is None:
                row = LabourMarketContext(partnership=partnership, year=year, **values)
                row.save()
                _audit(actor, AuditEvent.Action.CREATE, row, sorted(values))
                created += 1
            else:
                changed = _apply(row, **values)
                if changed:
                    row.bump_version()
                    row.save()
                    _audit(actor, AuditEvent.Action.CHANGE, row, changed)
                    updated += 1
    return ImportResult(
        created=created,
        updated=updated,
        skipped_rows=skipped,
        areas=sorted(p.area_name for code, p in partnerships.items()),
        suppressed=parsed.suppressed,
    )

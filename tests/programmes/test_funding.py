"""Engagement targets (propose/agree both ways), grants and labour-market context: the services' rules."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from coproduce.audit.models import AuditEvent
from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.validation import InvalidInput
from coproduce.programmes.funding import (
    agree_target,
    import_labour_market_csv,
    propose_target,
    record_grant,
    set_labour_market,
    update_grant,
)
from coproduce.programmes.models import EngagementTarget, Grant, LabourMarketContext, Programme
from coproduce.programmes.selectors.funding import (
    grants_visible_to,
    labour_market_visible_to,
    target_grid,
    targets_visible_to,
)
from tests.personas import Personas
from tests.programmes.factories import MembershipFactory, PartnershipFactory, ProgrammeFactory

NOMIS_CSV = (Path(__file__).parent / "data" / "nomis_labour_market.csv").read_text()
HEADER = "DATE,GEOGRAPHY_CODE,GEOGRAPHY_NAME,MEASURES_NAME,OBS_VALUE\n"
# Files shaped exactly like Nomis API downloads (every column, in Nomis's order and quoting).
CLAIMANT_CSV = (Path(__file__).parent / "data" / "nomis_nm_162_1_claimant_count.csv").read_text()
JOBS_DENSITY_CSV = (Path(__file__).parent / "data" / "nomis_nm_57_1_jobs_density.csv").read_text()


def _grant(p: Personas, **overrides: object) -> Grant:
    values: dict[str, object] = {
        "partnership_id": p.fife.pk,
        "reference": "MIW-FIF-2013-01",
        "title": "Making It Work in Fife",
        "description": "Keyworkers and childcare for lone parents in Fife.",
        "amount": Decimal("350000.00"),
        "awarded_on": datetime.date(2013, 3, 1),
        "starts_on": datetime.date(2013, 4, 1),
        "ends_on": datetime.date(2016, 3, 31),
    }
    values.update(overrides)
    return record_grant(actor=p.funder.user, **values)  # type: ignore[arg-type]


# ---- targets ---------------------------------------------------------------------------------


def test_the_manager_proposes_and_the_funder_agrees(personas: Personas) -> None:
    target = propose_target(actor=personas.manager.user, partnership_id=personas.fife.pk, year=2015, participants=120)
    assert (target.proposed_by, target.agreed_by, target.agreed_at) == (personas.manager.user, None, None)
    agreed = agree_target(actor=personas.funder.user, target_id=target.pk, expected_version=target.version)
    assert agreed.agreed_by == personas.funder.user
    assert agreed.agreed_at is not None
    assert agreed.version == 2
    assert list(
        AuditEvent.objects.filter(record_id=str(target.pk)).order_by("pk").values_list("action", "actor_role")
    ) == [("create", "partnership_manager"), ("change", "funder")]


def test_the_funder_proposes_and_the_manager_agrees(personas: Personas) -> None:
    target = propose_target(actor=personas.funder.user, partnership_id=personas.fife.pk, year=2016, participants=90)
    agreed = agree_target(actor=personas.manager.user, target_id=target.pk, expected_version=1)
    assert (agreed.proposed_by, agreed.agreed_by) == (personas.funder.user, personas.manager.user)


def test_nobody_agrees_their_own_sides_proposal(personas: Personas) -> None:
    by_manager = propose_target(actor=personas.manager.user, partnership_id=personas.fife.pk, year=2015, participants=5)
    by_funder = propose_target(actor=personas.funder.user, partnership_id=personas.fife.pk, year=2016, participants=5)
    with pytest.raises(DomainError, match="agreed by the other side"):
        agree_target(actor=personas.manager.user, target_id=by_manager.pk, expected_version=1)
    with pytest.raises(DomainError, match="agreed by the other side"):
        agree_target(actor=personas.funder.user, target_id=by_funder.pk, expected_version=1)
    assert EngagementTarget.objects.filter(agreed_at__isnull=False).count() == 0


def test_another_areas_manager_and_other_roles_cannot_propose_or_agree(personas: Personas) -> None:
    with pytest.raises(NotFound):
        propose_target(actor=personas.glasgow_manager.user, partnership_id=personas.fife.pk, year=2015, participants=9)
    with pytest.raises(NotFound):
        propose_target(actor=personas.keyworker.user, partnership_id=personas.fife.pk, year=2015, participants=9)
    target = propose_target(actor=personas.funder.user, partnership_id=personas.fife.pk, year=2015, participants=9)
    for user in (personas.glasgow_manager.user, personas.keyworker.user, personas.evaluator.user):
        with pytest.raises(NotFound):
            agree_target(actor=user, target_id=target.pk, expected_version=1)
    target.refresh_from_db()
    assert (target.agreed_by, target.version) == (None, 1)


def test_changing_an_agreed_target_needs_agreement_again(personas: Personas) -> None:
    target = propose_target(actor=personas.manager.user, partnership_id=personas.fife.pk, year=2015, participants=100)
    agree_target(actor=personas.funder.user, target_id=target.pk, expected_version=1)
    changed = propose_target(
        actor=personas.funder.user, partnership_id=personas.fife.pk, year=2015, participants=110, expected_version=2
    )
    assert (changed.participants, changed.proposed_by, changed.agreed_by, changed.agreed_at, changed.version) == (
        110,
        personas.funder.user,
        None,
        None,
        3,
    )
    # Now the funder's proposal: the manager agrees it.
    again = agree_target(actor=personas.manager.user, target_id=target.pk, expected_version=3)
    assert again.agreed_by == personas.manager.user


def test_a_stale_version_or_a_second_proposal_for_the_same_year_is_refused(personas: Personas) -> None:
    propose_target(actor=personas.manager.user, partnership_id=personas.fife.pk, year=2015, participants=100)
    with pytest.raises(DomainError, match="already a target for Fife in 2015"):
        propose_target(actor=personas.funder.user, partnership_id=personas.fife.pk, year=2015, participants=50)
    with pytest.raises(ConflictError):
        propose_target(
            actor=personas.funder.user, partnership_id=personas.fife.pk, year=2015, participants=50, expected_version=7
        )
    target = EngagementTarget.objects.get()
    with pytest.raises(ConflictError):
        agree_target(actor=personas.funder.user, target_id=target.pk, expected_version=2)
    assert (target.participants, target.version, target.agreed_at) == (100, 1, None)


def test_target_input_is_checked(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as caught:
        propose_target(actor=personas.funder.user, partnership_id=personas.fife.pk, year=1999, participants=10)
    assert caught.value.errors == {"year": ["Enter a year from 2000 to 2100."]}
    with pytest.raises(InvalidInput) as caught:
        propose_target(actor=personas.funder.user, partnership_id=personas.fife.pk, year=2015, participants=0)
    assert caught.value.errors == {"participants": ["A target is a whole number of participants, 1 or more."]}
    assert EngagementTarget.objects.count() == 0


def test_who_sees_targets_and_the_grid(personas: Personas) -> None:
    propose_target(actor=personas.funder.user, partnership_id=personas.fife.pk, year=2015, participants=100)
    propose_target(actor=personas.funder.user, partnership_id=personas.glasgow.pk, year=2016, participants=200)
    assert targets_visible_to(personas.funder.user).count() == 2
    assert [t.partnership.area_name for t in targets_visible_to(personas.manager.user)] == ["Fife"]
    assert targets_visible_to(personas.keyworker.user).count() == 0
    assert targets_visible_to(personas.participant.user).count() == 0

    grid = target_grid(personas.manager.user, today=datetime.date(2017, 6, 1))
    assert grid.years == [2015, 2016, 2017]
    assert [(p.area_name, [c.target.participants if c.target else None for c in cells]) for p, cells in grid.rows] == [
        ("Fife", [100, None, None])
    ]
    assert grid.rows[0][1][0].can_agree is True
    funder_grid = target_grid(personas.funder.user, today=datetime.date(2016, 1, 1))
    assert [cell.can_agree for _area, cells in funder_grid.rows for cell in cells] == [False, False, False, False]


# ---- grants ----------------------------------------------------------------------------------


def test_the_funder_records_a_grant_to_the_lead_partner(personas: Personas) -> None:
    grant = _grant(personas)
    assert (grant.funder, grant.recipient.name, grant.amount) == (
        personas.funder_organisation,
        "Fife Lone Parents Together",
        Decimal("350000.00"),
    )
    assert AuditEvent.objects.filter(record_id=str(grant.pk), action="create", actor_role="funder").count() == 1


def test_only_the_funder_records_or_changes_grants(personas: Personas) -> None:
    for user in (personas.manager.user, personas.keyworker.user, personas.evaluator.user):
        with pytest.raises(NotAllowed):
            record_grant(
                actor=user,
                partnership_id=personas.fife.pk,
                reference="X-1",
                title="T",
                description="D",
                amount=Decimal("1"),
                awarded_on=datetime.date(2013, 1, 1),
                starts_on=datetime.date(2013, 1, 1),
                ends_on=datetime.date(2013, 12, 31),
            )
    grant = _grant(personas)
    with pytest.raises(NotAllowed):
        update_grant(actor=personas.manager.user, grant_id=grant.pk, expected_version=1, changes={"title": "Mine"})
    assert Grant.objects.get().title == "Making It Work in Fife"


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"amount": Decimal("0")}, {"amount": ["The amount must be more than £0."]}),
        ({"amount": Decimal("-5")}, {"amount": ["The amount must be more than £0."]}),
        (
            {"ends_on": datetime.date(2013, 3, 31)},
            {"ends_on": ["The grant must end on or after the day it starts."]},
        ),
        (
            {"awarded_on": datetime.date(2017, 1, 1)},
            {"awarded_on": ["The grant must be awarded before it ends."]},
        ),
        (
            {"reference": "MIW FIF/1"},
            {"reference": ["Enter a reference of letters, digits, dots, dashes or underscores, like MIW-FIF-2013-01."]},
        ),
        (
            {"recipient_id": 999999},
            {"recipient_id": ["Choose a lead partner (co-lead) of the Fife partnership."]},
        ),
    ],
)
def test_grant_input_is_checked(personas: Personas, overrides: dict[str, object], errors: dict[str, list[str]]) -> None:
    with pytest.raises(InvalidInput) as caught:
        _grant(personas, **overrides)
    assert caught.value.errors == errors
    assert Grant.objects.count() == 0


def test_a_grant_reference_is_unique(personas: Personas) -> None:
    _grant(personas)
    with pytest.raises(InvalidInput) as caught:
        _grant(personas, reference="miw-fif-2013-01")
    assert caught.value.errors == {"reference": ["Another grant already has this reference."]}
    assert Grant.objects.count() == 1


def test_editing_a_grant_uses_the_version_and_keeps_dates_in_order(personas: Personas) -> None:
    grant = _grant(personas)
    changed = update_grant(
        actor=personas.funder.user,
        grant_id=grant.pk,
        expected_version=1,
        changes={"amount": Decimal("400000.00"), "title": "Making It Work: Fife"},
    )
    assert (changed.amount, changed.title, changed.version) == (Decimal("400000.00"), "Making It Work: Fife", 2)
    with pytest.raises(ConflictError):
        update_grant(actor=personas.funder.user, grant_id=grant.pk, expected_version=1, changes={"title": "Old"})
    with pytest.raises(InvalidInput):
        update_grant(
            actor=personas.funder.user,
            grant_id=grant.pk,
            expected_version=2,
            changes={"starts_on": datetime.date(2017, 1, 1)},
        )
    with pytest.raises(InvalidInput):
        update_grant(actor=personas.funder.user, grant_id=grant.pk, expected_version=2, changes={"reference": "NEW"})
    grant.refresh_from_db()
    assert (grant.title, grant.starts_on, grant.reference, grant.version) == (
        "Making It Work: Fife",
        datetime.date(2013, 4, 1),
        "MIW-FIF-2013-01",
        2,
    )


def test_managers_see_only_their_areas_grants(personas: Personas) -> None:
    _grant(personas)
    _grant(personas, partnership_id=personas.glasgow.pk, reference="MIW-GLA-2013-01")
    assert [g.reference for g in grants_visible_to(personas.manager.user)] == ["MIW-FIF-2013-01"]
    assert [g.reference for g in grants_visible_to(personas.glasgow_manager.user)] == ["MIW-GLA-2013-01"]
    assert grants_visible_to(personas.funder.user).count() == 2
    assert grants_visible_to(personas.keyworker.user).count() == 0
    assert grants_visible_to(personas.evaluator.user).count() == 0


# ---- labour-market context -------------------------------------------------------------------


def test_the_funder_enters_and_corrects_figures(personas: Personas) -> None:
    row = set_labour_market(
        actor=personas.funder.user,
        partnership_id=personas.fife.pk,
        year=2015,
        claimant_rate=Decimal("3.4"),
        job_density=None,
        source="ONS Nomis",
    )
    with pytest.raises(DomainError, match="already figures for Fife in 2015"):
        set_labour_market(
            actor=personas.funder.user,
            partnership_id=personas.fife.pk,
            year=2015,
            claimant_rate=Decimal("3.0"),
            job_density=None,
            source="ONS Nomis",
        )
    corrected = set_labour_market(
        actor=personas.funder.user,
        partnership_id=personas.fife.pk,
        year=2015,
        claimant_rate=Decimal("3.5"),
        job_density=Decimal("0.64"),
        source="ONS Nomis",
        expected_version=row.version,
    )
    assert (corrected.claimant_rate, corrected.job_density, corrected.version) == (
        Decimal("3.5"),
        Decimal("0.64"),
        2,
    )
    with pytest.raises(ConflictError):
        set_labour_market(
            actor=personas.funder.user,
            partnership_id=personas.fife.pk,
            year=2015,
            claimant_rate=Decimal("9.9"),
            job_density=None,
            source="x",
            expected_version=1,
        )


def test_figures_are_checked_and_only_the_funder_enters_them(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as caught:
        set_labour_market(
            actor=personas.funder.user,
            partnership_id=personas.fife.pk,
            year=2015,
            claimant_rate=Decimal("101"),
            job_density=None,
            source="ONS",
        )
    assert caught.value.errors == {"claimant_rate": ["A claimant rate is a percentage from 0 to 100."]}
    with pytest.raises(NotAllowed):
        set_labour_market(
            actor=personas.manager.user,
            partnership_id=personas.fife.pk,
            year=2015,
            claimant_rate=Decimal("3"),
            job_density=None,
            source="ONS",
        )
    assert LabourMarketContext.objects.count() == 0


def test_a_nomis_csv_is_imported(personas: Personas) -> None:
    result = import_labour_market_csv(actor=personas.funder.user, text=NOMIS_CSV)
    assert (result.created, result.updated, result.skipped_rows, result.areas) == (3, 0, 2, ["Fife", "Glasgow"])
    rows = LabourMarketContext.objects.order_by("partnership__area_name", "year").values_list(
        "partnership__area_name", "year", "claimant_rate", "job_density", "source"
    )
    source = "ONS Nomis (imported CSV)"
    assert list(rows) == [
        ("Fife", 2014, None, Decimal("0.62"), source),
        ("Fife", 2015, Decimal("3.3"), Decimal("0.64"), source),  # (3.1 + 3.4) / 2, rounded half up
        ("Glasgow", 2015, None, Decimal("0.95"), source),
    ]
    assert AuditEvent.objects.filter(action="create", record_type__icontains="labourmarket").count() == 3
    # Importing again changes nothing; a file with new figures updates and keeps what it lacks.
    again = import_labour_market_csv(actor=personas.funder.user, text=NOMIS_CSV)
    assert (again.created, again.updated) == (0, 0)
    newer = import_labour_market_csv(
        actor=personas.funder.user, text=HEADER + "2015,S12000047,Fife,Jobs density,0.66\n"
    )
    assert (newer.created, newer.updated) == (0, 1)
    fife_2015 = LabourMarketContext.objects.get(partnership=personas.fife, year=2015)
    assert (fife_2015.claimant_rate, fife_2015.job_density, fife_2015.version) == (
        Decimal("3.3"),
        Decimal("0.66"),
        2,
    )


def _figures() -> list[tuple[str, int, Decimal | None, Decimal | None]]:
    return list(
        LabourMarketContext.objects.order_by("partnership__area_name", "year").values_list(
            "partnership__area_name", "year", "claimant_rate", "job_density"
        )
    )


def test_nomis_claimant_count_and_jobs_density_downloads_are_imported(personas: Personas) -> None:
    claimants = import_labour_market_csv(actor=personas.funder.user, text=CLAIMANT_CSV)
    # Skipped: 4 claimant counts, 2 rates for men only, 1 Highland rate; Glasgow's January rate is "Q".
    assert (claimants.created, claimants.updated, claimants.skipped_rows, claimants.suppressed) == (2, 0, 7, 1)
    assert _figures() == [("Fife", 2015, Decimal("3.3"), None), ("Glasgow", 2015, Decimal("4.1"), None)]
    density = import_labour_market_csv(actor=personas.funder.user, text=JOBS_DENSITY_CSV)
    # Skipped: 3 total-jobs rows and Highland; Glasgow's 2016 density is "Q".
    assert (density.created, density.updated, density.skipped_rows, density.suppressed) == (1, 2, 4, 1)
    assert _figures() == [
        ("Fife", 2014, None, Decimal("0.62")),
        ("Fife", 2015, Decimal("3.3"), Decimal("0.64")),
        ("Glasgow", 2015, Decimal("4.1"), Decimal("0.95")),
    ]


def test_a_broken_nomis_download_changes_nothing(personas: Personas) -> None:
    import_labour_market_csv(actor=personas.funder.user, text=JOBS_DENSITY_CSV)
    before = _figures()
    lines = CLAIMANT_CSV.splitlines()
    # An empty figure Nomis did not mark as suppressed, and a figure that is not a number.
    lines[2] = lines[2].replace(',3.1,"A"', ',,"A"')
    lines[5] = lines[5].replace(',3.4,"A"', ',"3,4","A"')
    with pytest.raises(InvalidInput) as caught:
        import_labour_market_csv(actor=personas.funder.user, text="\n".join(lines))
    assert caught.value.errors == {
        "file": ["Row 3: the OBS_VALUE '' is not a number.", "Row 6: the OBS_VALUE '3,4' is not a number."]
    }
    assert _figures() == before
    # The claimant count download with only its counts (no rate) holds nothing to import.
    counts_only = "\n".join(line for line in CLAIMANT_CSV.splitlines() if "proportion" not in line)
    with pytest.raises(InvalidInput) as caught:
        import_labour_market_csv(actor=personas.funder.user, text=counts_only)
    assert "no claimant rate or job density rows" in caught.value.errors["file"][0]
    assert _figures() == before


def test_a_bad_file_is_refused_whole_with_every_problem(personas: Personas) -> None:
    text = (
        HEADER
        + "2015,S12000047,Fife,Jobs density,0.64\n"
        + "last year,S12000047,Fife,Jobs density,0.6\n"
        + "2015,Fife,Fife,Jobs density,0.6\n"
        + "2015,S12000047,Fife,Jobs density,lots\n"
        + "2015,S12000047,Fife,Claimant rate,140\n"
    )
    with pytest.raises(InvalidInput) as caught:
        import_labour_market_csv(actor=personas.funder.user, text=text)
    assert caught.value.errors == {
        "file": [
            "Row 3: the DATE 'last year' is not a year like 2015 or a month like 2015-03.",
            "Row 4: the GEOGRAPHY_CODE 'Fife' is not a GSS code like S12000047.",
            "Row 5: the OBS_VALUE 'lots' is not a number.",
            "Row 6: 140 is not a possible claimant rate.",
        ]
    }
    assert LabourMarketContext.objects.count() == 0


def test_a_file_without_the_columns_or_the_measures_is_refused(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as caught:
        import_labour_market_csv(actor=personas.funder.user, text="date,area,value\n2015,S12000047,3\n")
    assert caught.value.errors == {
        "file": [
            "The file has no GEOGRAPHY_CODE, GEOGRAPHY_NAME, OBS_VALUE, MEASURE_NAME or ITEM_NAME or MEASURES_NAME "
            "columns."
        ]
    }
    with pytest.raises(InvalidInput) as caught:
        import_labour_market_csv(actor=personas.funder.user, text=HEADER + "2015,S12000047,Fife,Claimant count,7350\n")
    assert list(caught.value.errors) == ["file"]
    assert "no claimant rate or job density rows" in caught.value.errors["file"][0]
    with pytest.raises(NotAllowed):
        import_labour_market_csv(actor=personas.manager.user, text=NOMIS_CSV)
    assert LabourMarketContext.objects.count() == 0


def test_who_sees_labour_market_figures(personas: Personas) -> None:
    import_labour_market_csv(actor=personas.funder.user, text=NOMIS_CSV)
    assert labour_market_visible_to(personas.funder.user).count() == 3
    assert labour_market_visible_to(personas.manager.user).count() == 2
    assert labour_market_visible_to(personas.keyworker.user).count() == 0


def _successor(p: Personas, *, overseen: bool) -> Programme:
    """The programme that followed in Fife (same GSS code, a partnership of its own)."""
    programme = ProgrammeFactory(
        name="Making It Work Together", reference_prefix="MWT", starts_on=datetime.date(2025, 4, 1)
    )
    fife = PartnershipFactory(programme=programme, area_name="Fife", gss_code="S12000047", short_code="FIF")
    MembershipFactory(partnership=fife, organisation=p.lead_organisation, role="co_lead")
    if overseen:
        p.funder.programmes.add(programme)
    return programme


def test_a_nomis_csv_goes_to_the_chosen_programmes_areas_alone(personas: Personas) -> None:
    successor = _successor(personas, overseen=True)
    later_fife = successor.partnerships.get()

    result = import_labour_market_csv(actor=personas.funder.user, text=NOMIS_CSV, programme_id=successor.pk)

    # Glasgow does not run the successor: its rows are skipped, and Making It Work's Fife gets nothing.
    assert result.areas == ["Fife"]
    assert set(LabourMarketContext.objects.values_list("partnership_id", flat=True)) == {later_fife.pk}
    assert list(labour_market_visible_to(personas.funder.user, personas.fife.programme_id)) == []
    assert labour_market_visible_to(personas.funder.user, successor.pk).count() == 2
    # Without a programme: the one that started last.
    import_labour_market_csv(actor=personas.funder.user, text=NOMIS_CSV)
    assert not LabourMarketContext.objects.filter(partnership=personas.fife).exists()
    import_labour_market_csv(actor=personas.funder.user, text=NOMIS_CSV, programme_id=personas.fife.programme_id)
    assert LabourMarketContext.objects.filter(partnership=personas.fife).count() == 2


def test_the_funder_reaches_only_the_programmes_they_oversee(personas: Personas) -> None:
    other = _successor(personas, overseen=False)
    other_fife = other.partnerships.get()
    funder = personas.funder.user

    with pytest.raises(NotFound):
        propose_target(actor=funder, partnership_id=other_fife.pk, year=2026, participants=10)
    with pytest.raises(InvalidInput):
        _grant(personas, partnership_id=other_fife.pk, reference="MWT-FIF-2025-01")
    with pytest.raises(InvalidInput):
        set_labour_market(
            actor=funder,
            partnership_id=other_fife.pk,
            year=2025,
            claimant_rate=Decimal("3"),
            job_density=None,
            source="ONS",
        )
    with pytest.raises(NotFound):
        import_labour_market_csv(actor=funder, text=NOMIS_CSV, programme_id=other.pk)
    assert not EngagementTarget.objects.exists()
    assert not Grant.objects.exists()
    assert not LabourMarketContext.objects.exists()
    # Rows someone else put there stay out of the funder's sight.
    Grant.objects.create(
        partnership=other_fife,
        funder=personas.funder_organisation,
        recipient=personas.lead_organisation,
        reference="MWT-FIF-2025-01",
        title="Making It Work Together",
        description="Keyworkers.",
        amount=Decimal("1000.00"),
        awarded_on=datetime.date(2025, 3, 1),
        starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2026, 3, 31),
    )
    assert not grants_visible_to(funder).exists()
    assert not grants_visible_to(funder, other.pk).exists()

"""Access cases for engagement targets, grants and labour-market context (pages and API).

Mo (Fife's manager) proposed 120 for Fife in 2015; Fran (funder) proposed 90 for Fife in 2016.
Fran recorded grant MIW-FIF-2013-01 to Fife and Fife's 2015 figures. The funder pages are the
funder's alone; the manager's pages are Mo's; nobody else changes anything.
"""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coproduce.programmes.models import EngagementTarget, Grant, LabourMarketContext
from tests.access.matrix import EVERYONE_SIGNED_IN, AccessCase, roles
from tests.personas import Personas

FUNDER = roles("funder")
MANAGER = roles("partnership_manager")
BOTH = roles("funder", "partnership_manager")
GRANT_TITLE = "Making It Work in Fife"


def managers_target(p: Personas) -> EngagementTarget:
    """Proposed by Fife's manager: the funder agrees it."""
    target = EngagementTarget.objects.filter(partnership=p.fife, year=2015).first()
    return target or EngagementTarget.objects.create(
        partnership=p.fife,
        year=2015,
        participants=120,
        proposed_by=p.manager.user,
        proposed_at=datetime.datetime(2014, 11, 1, tzinfo=datetime.UTC),
    )


def funders_target(p: Personas) -> EngagementTarget:
    """Proposed by the funder: Fife's manager agrees it."""
    target = EngagementTarget.objects.filter(partnership=p.fife, year=2016).first()
    return target or EngagementTarget.objects.create(
        partnership=p.fife,
        year=2016,
        participants=90,
        proposed_by=p.funder.user,
        proposed_at=datetime.datetime(2015, 11, 1, tzinfo=datetime.UTC),
    )


def fife_grant(p: Personas) -> Grant:
    grant = Grant.objects.filter(reference="MIW-FIF-2013-01").first()
    return grant or Grant.objects.create(
        partnership=p.fife,
        funder=p.funder_organisation,
        recipient=p.lead_organisation,
        reference="MIW-FIF-2013-01",
        title=GRANT_TITLE,
        description="Keyworkers and childcare for lone parents in Fife.",
        amount=Decimal("350000.00"),
        awarded_on=datetime.date(2013, 3, 1),
        starts_on=datetime.date(2013, 4, 1),
        ends_on=datetime.date(2016, 3, 31),
    )


def fife_figures(p: Personas) -> LabourMarketContext:
    row = LabourMarketContext.objects.filter(partnership=p.fife, year=2015).first()
    return row or LabourMarketContext.objects.create(
        partnership=p.fife, year=2015, claimant_rate=Decimal("3.3"), job_density=Decimal("0.64"), source="ONS Nomis"
    )


def targets_snapshot(p: Personas) -> tuple[object, ...]:
    managers_target(p)
    funders_target(p)
    return tuple(
        EngagementTarget.objects.order_by("pk").values_list(
            "year", "participants", "proposed_by", "agreed_by", "version"
        )
    )


def grants_snapshot(p: Personas) -> tuple[object, ...]:
    fife_grant(p)
    return tuple(Grant.objects.order_by("pk").values_list("reference", "title", "amount", "version"))


def figures_snapshot(p: Personas) -> tuple[object, ...]:
    fife_figures(p)
    return tuple(
        LabourMarketContext.objects.order_by("pk").values_list("year", "claimant_rate", "job_density", "version")
    )


def grant_form(p: Personas, **extra: object) -> dict[str, object]:
    return {
        "title": "Making It Work in Fife, year 2",
        "description": "Keyworkers, childcare and a budget.",
        "amount": "120000.00",
        "awarded_on": "2014-03-01",
        "starts_on": "2014-04-01",
        "ends_on": "2015-03-31",
        **extra,
    }


def nomis_file(p: Personas) -> dict[str, object]:
    fife_figures(p)
    body = b"DATE,GEOGRAPHY_CODE,GEOGRAPHY_NAME,MEASURES_NAME,OBS_VALUE\n2016,S12000047,Fife,Jobs density,0.65\n"
    return {"file": SimpleUploadedFile("nomis.csv", body, content_type="text/csv")}


CASES = [
    # The funder's pages.
    AccessCase(
        route="web:funder_targets",
        url=lambda p: managers_target(p) and reverse("web:funder_targets"),
        allowed=FUNDER,
    ),
    AccessCase(route="web:funder_target_propose", url=lambda p: reverse("web:funder_target_propose"), allowed=FUNDER),
    AccessCase(
        route="web:funder_target_propose",
        method="POST",
        url=lambda p: reverse("web:funder_target_propose"),
        data=lambda p: {"partnership": p.glasgow.pk, "year": "2015", "participants": "200"},
        allowed=FUNDER,
        allowed_status=302,
        snapshot=targets_snapshot,
    ),
    AccessCase(
        route="web:funder_target_change",
        url=lambda p: reverse("web:funder_target_change", args=[managers_target(p).pk]),
        allowed=FUNDER,
    ),
    AccessCase(
        route="web:funder_target_change",
        method="POST",
        url=lambda p: reverse("web:funder_target_change", args=[managers_target(p).pk]),
        data=lambda p: {"participants": "130", "version": managers_target(p).version},
        allowed=FUNDER,
        allowed_status=302,
        snapshot=targets_snapshot,
    ),
    AccessCase(
        route="web:funder_target_agree",
        method="POST",
        url=lambda p: reverse("web:funder_target_agree", args=[managers_target(p).pk]),
        data=lambda p: {"version": managers_target(p).version},
        allowed=FUNDER,
        allowed_status=302,
        snapshot=targets_snapshot,
    ),
    AccessCase(
        route="web:funder_grants",
        url=lambda p: fife_grant(p) and reverse("web:funder_grants"),
        allowed=FUNDER,
        secrets=lambda p: [GRANT_TITLE],
    ),
    AccessCase(route="web:funder_grant_add", url=lambda p: reverse("web:funder_grant_add"), allowed=FUNDER),
    AccessCase(
        route="web:funder_grant_add",
        method="POST",
        url=lambda p: reverse("web:funder_grant_add"),
        data=lambda p: grant_form(p, partnership=p.fife.pk, reference="MIW-FIF-2014-01"),
        allowed=FUNDER,
        allowed_status=302,
        snapshot=grants_snapshot,
    ),
    AccessCase(
        route="web:funder_grant_edit",
        url=lambda p: reverse("web:funder_grant_edit", args=[fife_grant(p).pk]),
        allowed=FUNDER,
        secrets=lambda p: [GRANT_TITLE],
    ),
    AccessCase(
        route="web:funder_grant_edit",
        method="POST",
        url=lambda p: reverse("web:funder_grant_edit", args=[fife_grant(p).pk]),
        data=lambda p: grant_form(p, version=fife_grant(p).version),
        allowed=FUNDER,
        allowed_status=302,
        snapshot=grants_snapshot,
    ),
    AccessCase(
        route="web:funder_labour_market",
        url=lambda p: fife_figures(p) and reverse("web:funder_labour_market"),
        allowed=FUNDER,
    ),
    AccessCase(
        route="web:funder_labour_market_add", url=lambda p: reverse("web:funder_labour_market_add"), allowed=FUNDER
    ),
    AccessCase(
        route="web:funder_labour_market_add",
        method="POST",
        url=lambda p: reverse("web:funder_labour_market_add"),
        data=lambda p: {"partnership": p.glasgow.pk, "year": "2015", "claimant_rate": "4.1", "source": "ONS Nomis"},
        allowed=FUNDER,
        allowed_status=302,
        snapshot=figures_snapshot,
    ),
    AccessCase(
        route="web:funder_labour_market_edit",
        url=lambda p: reverse("web:funder_labour_market_edit", args=[fife_figures(p).pk]),
        allowed=FUNDER,
    ),
    AccessCase(
        route="web:funder_labour_market_edit",
        method="POST",
        url=lambda p: reverse("web:funder_labour_market_edit", args=[fife_figures(p).pk]),
        data=lambda p: {"claimant_rate": "3.5", "job_density": "0.64", "source": "ONS", "version": 1},
        allowed=FUNDER,
        allowed_status=302,
        snapshot=figures_snapshot,
    ),
    AccessCase(
        route="web:funder_labour_market_import",
        url=lambda p: reverse("web:funder_labour_market_import"),
        allowed=FUNDER,
    ),
    AccessCase(
        route="web:funder_labour_market_import",
        method="POST",
        url=lambda p: reverse("web:funder_labour_market_import"),
        data=nomis_file,
        allowed=FUNDER,
        allowed_status=302,
        snapshot=figures_snapshot,
    ),
    # The partnership manager's pages.
    AccessCase(
        route="web:area_targets", url=lambda p: managers_target(p) and reverse("web:area_targets"), allowed=MANAGER
    ),
    AccessCase(route="web:area_target_propose", url=lambda p: reverse("web:area_target_propose"), allowed=MANAGER),
    AccessCase(
        route="web:area_target_propose",
        method="POST",
        url=lambda p: reverse("web:area_target_propose"),
        data=lambda p: {"partnership": p.fife.pk, "year": "2017", "participants": "80"},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=targets_snapshot,
    ),
    AccessCase(
        route="web:area_target_change",
        url=lambda p: reverse("web:area_target_change", args=[funders_target(p).pk]),
        allowed=MANAGER,
    ),
    AccessCase(
        route="web:area_target_change",
        method="POST",
        url=lambda p: reverse("web:area_target_change", args=[funders_target(p).pk]),
        data=lambda p: {"participants": "85", "version": funders_target(p).version},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=targets_snapshot,
    ),
    AccessCase(
        route="web:area_target_agree",
        method="POST",
        url=lambda p: reverse("web:area_target_agree", args=[funders_target(p).pk]),
        data=lambda p: {"version": funders_target(p).version},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=targets_snapshot,
    ),
    AccessCase(
        route="web:area_grants",
        url=lambda p: fife_grant(p) and reverse("web:area_grants"),
        allowed=MANAGER,
        secrets=lambda p: [GRANT_TITLE],
    ),
    # The API.
    AccessCase(
        route="api-v1:list_targets",
        url=lambda p: managers_target(p) and reverse("api-v1:list_targets"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
    ),
    AccessCase(
        route="api-v1:propose_target",
        method="POST",
        url=lambda p: reverse("api-v1:propose_target"),
        data=lambda p: {"partnership_id": p.fife.pk, "year": 2018, "participants": 70},
        json=True,
        allowed=BOTH,
        allowed_status=201,
        snapshot=targets_snapshot,
        api=True,
    ),
    AccessCase(
        route="api-v1:agree_target",
        method="POST",
        url=lambda p: reverse("api-v1:agree_target", args=[managers_target(p).pk]),
        data=lambda p: {"version": managers_target(p).version},
        json=True,
        allowed=FUNDER,
        snapshot=targets_snapshot,
        api=True,
    ),
    AccessCase(
        route="api-v1:list_grants",
        url=lambda p: fife_grant(p) and reverse("api-v1:list_grants"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
    ),
    AccessCase(
        route="api-v1:record_grant",
        method="POST",
        url=lambda p: reverse("api-v1:record_grant"),
        data=lambda p: {
            "partnership_id": p.fife.pk,
            "reference": "MIW-FIF-2014-01",
            "title": "Year 2",
            "description": "Keyworkers.",
            "amount": "120000.00",
            "awarded_on": "2014-03-01",
            "starts_on": "2014-04-01",
            "ends_on": "2015-03-31",
        },
        json=True,
        allowed=FUNDER,
        allowed_status=201,
        snapshot=grants_snapshot,
        api=True,
    ),
    AccessCase(
        route="api-v1:grant_detail",
        url=lambda p: reverse("api-v1:grant_detail", args=[fife_grant(p).pk]),
        allowed=BOTH,
        secrets=lambda p: [GRANT_TITLE],
        api=True,
    ),
    AccessCase(
        route="api-v1:update_grant",
        method="PATCH",
        url=lambda p: reverse("api-v1:update_grant", args=[fife_grant(p).pk]),
        data=lambda p: {"version": fife_grant(p).version, "title": "Renamed"},
        json=True,
        allowed=FUNDER,
        snapshot=grants_snapshot,
        api=True,
    ),
    AccessCase(
        route="api-v1:list_labour_market",
        url=lambda p: fife_figures(p) and reverse("api-v1:list_labour_market"),
        allowed=EVERYONE_SIGNED_IN,
        api=True,
    ),
    AccessCase(
        route="api-v1:set_labour_market",
        method="POST",
        url=lambda p: reverse("api-v1:set_labour_market"),
        data=lambda p: {"partnership_id": p.glasgow.pk, "year": 2015, "claimant_rate": "4.1", "source": "ONS Nomis"},
        json=True,
        allowed=FUNDER,
        allowed_status=201,
        snapshot=figures_snapshot,
        api=True,
    ),
]

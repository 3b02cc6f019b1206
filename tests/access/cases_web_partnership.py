"""Access cases for the partnership manager's, funder's, evaluator's and partner worker's pages.

Mo manages Fife: Erin's enquiry waits there; Kim and Owen are its keyworkers (Olive is on
Owen's caseload). Glen, who manages Glasgow, is not one of the matrix roles: his refusals are
in tests/web/test_partnership_pages.py.
"""

from django.urls import reverse

from coproduce.participants.models import Enquiry, Participant
from coproduce.programmes.models import Organisation, Partnership, PartnershipMembership, StaffMember, StaffRole
from tests.access.matrix import AccessCase, roles
from tests.personas import Personas

MANAGER = roles("partnership_manager")


def erin_secrets(p: Personas) -> list[str]:
    return [p.enquiry.name, p.enquiry.email]


def olive_secrets(p: Personas) -> list[str]:
    olive = p.other_participant
    return [olive.reference, olive.email, olive.mobile, olive.family_name]


def pat_secrets(p: Personas) -> list[str]:
    pat = p.participant
    return [pat.reference, pat.email, pat.mobile]


def enquiry_snapshot(p: Personas) -> tuple[object, ...]:
    return tuple(
        Enquiry.objects.filter(pk=p.enquiry.pk)
        .values_list("status", "allocated_to_id", "closed_reason", "version")
        .get()
    )


def erin_allocated_to_kim(p: Personas) -> Personas:
    """Erin's enquiry, allocated to Kim: now Kim may see it and close it too.

    Only a waiting enquiry is allocated, so calling this again after a request never undoes
    what the request changed.
    """
    Enquiry.objects.filter(pk=p.enquiry.pk, status=Enquiry.Status.WAITING).update(
        status=Enquiry.Status.ALLOCATED, allocated_to=p.keyworker
    )
    return p


def agency_membership(p: Personas) -> PartnershipMembership:
    return PartnershipMembership.objects.get(partnership=p.fife, organisation=p.partner_agency)


def structure_snapshot(p: Personas) -> tuple[object, ...]:
    return (
        tuple(Organisation.objects.values_list("pk", "name", "kind", "charity_number", "version").order_by("pk")),
        tuple(PartnershipMembership.objects.values_list("pk", "role").order_by("pk")),
    )


def staff_snapshot(p: Personas) -> tuple[object, ...]:
    return (
        tuple(StaffMember.objects.values_list("pk", "is_active").order_by("pk")),
        tuple(StaffRole.objects.values_list("staff_member_id", "role").order_by("staff_member_id", "role")),
    )


CASES = [
    AccessCase(route="web:area_overview", url=lambda p: reverse("web:area_overview"), allowed=MANAGER),
    AccessCase(
        route="web:area_participants",
        url=lambda p: reverse("web:area_participants"),
        allowed=MANAGER,
        audited_participant=lambda p: p.other_participant,
        secrets=olive_secrets,
    ),
    AccessCase(
        route="web:partnership_settings",
        url=lambda p: reverse("web:partnership_settings"),
        method="POST",
        data=lambda p: {"caseload_limit": 30, "version": p.fife.version},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=lambda p: tuple(Partnership.objects.values_list("pk", "caseload_limit", "version").order_by("pk")),
    ),
    # Enquiries.
    AccessCase(
        route="web:enquiry_list", url=lambda p: reverse("web:enquiry_list"), allowed=MANAGER, secrets=erin_secrets
    ),
    AccessCase(
        route="web:enquiry_list",
        url=lambda p: reverse("web:enquiry_list") + "?status=all",
        allowed=MANAGER,
        secrets=erin_secrets,
        label="all statuses",
    ),
    AccessCase(
        route="web:enquiry_detail",
        url=lambda p: reverse("web:enquiry_detail", args=[p.enquiry.pk]),
        allowed=MANAGER,  # not allocated yet: Kim may not see it
        secrets=erin_secrets,
    ),
    AccessCase(
        route="web:enquiry_detail",
        url=lambda p: reverse("web:enquiry_detail", args=[erin_allocated_to_kim(p).enquiry.pk]),
        allowed=roles("partnership_manager", "keyworker"),
        secrets=erin_secrets,
        label="allocated to Kim",
    ),
    AccessCase(
        route="web:enquiry_allocate",
        url=lambda p: reverse("web:enquiry_allocate", args=[p.enquiry.pk]),
        method="POST",
        data=lambda p: {"allocate-keyworker": p.keyworker.pk, "allocate-version": p.enquiry.version},
        allowed=MANAGER,
        allowed_status=302,
        secrets=erin_secrets,
        snapshot=enquiry_snapshot,
    ),
    AccessCase(
        route="web:enquiry_close",
        url=lambda p: reverse("web:enquiry_close", args=[p.enquiry.pk]),
        method="POST",
        data=lambda p: {"close-reason": "Could not reach her after three tries.", "close-version": p.enquiry.version},
        allowed=MANAGER,
        allowed_status=302,
        secrets=erin_secrets,
        snapshot=enquiry_snapshot,
    ),
    AccessCase(
        route="web:enquiry_close",
        url=lambda p: reverse("web:enquiry_close", args=[erin_allocated_to_kim(p).enquiry.pk]),
        method="POST",
        data=lambda p: {"close-reason": "She found work on her own.", "close-version": p.enquiry.version},
        allowed=roles("partnership_manager", "keyworker"),
        allowed_status=302,
        secrets=erin_secrets,
        snapshot=lambda p: enquiry_snapshot(erin_allocated_to_kim(p)),  # the snapshot is taken first
        label="allocated to Kim",
    ),
    # One participant: moving them, and who looked.
    AccessCase(
        route="web:participant_reallocate",
        url=lambda p: reverse("web:participant_reallocate", args=[p.other_participant.pk]),
        allowed=MANAGER,
        audited_participant=lambda p: p.other_participant,
        secrets=olive_secrets,
    ),
    AccessCase(
        route="web:participant_reallocate",
        url=lambda p: reverse("web:participant_reallocate", args=[p.other_participant.pk]),
        method="POST",
        data=lambda p: {"keyworker": p.keyworker.pk, "version": p.other_participant.version},
        allowed=MANAGER,
        allowed_status=302,
        audited_participant=lambda p: p.other_participant,
        secrets=olive_secrets,
        snapshot=lambda p: tuple(Participant.objects.values_list("pk", "keyworker_id", "version").order_by("pk")),
    ),
    AccessCase(
        route="web:participant_audit",
        url=lambda p: reverse("web:participant_audit", args=[p.participant.pk]),
        allowed=MANAGER,
        audited_participant=lambda p: p.participant,
        secrets=pat_secrets,
    ),
    # Organisations.
    AccessCase(route="web:organisation_list", url=lambda p: reverse("web:organisation_list"), allowed=MANAGER),
    AccessCase(route="web:organisation_add", url=lambda p: reverse("web:organisation_add"), allowed=MANAGER),
    AccessCase(
        route="web:organisation_add",
        url=lambda p: reverse("web:organisation_add"),
        method="POST",
        data=lambda p: {"name": "Fife Childcare Collective", "kind": "third_sector", "membership_role": "member"},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=structure_snapshot,
    ),
    AccessCase(
        route="web:organisation_edit",
        url=lambda p: reverse("web:organisation_edit", args=[p.partner_agency.pk]),
        allowed=MANAGER,
    ),
    AccessCase(
        route="web:organisation_edit",
        url=lambda p: reverse("web:organisation_edit", args=[p.partner_agency.pk]),
        method="POST",
        data=lambda p: {
            "name": "Kingdom Money Advice",
            "kind": "third_sector",
            "charity_number": "SC099999",
            "version": p.partner_agency.version,
        },
        allowed=MANAGER,
        allowed_status=302,
        snapshot=structure_snapshot,
    ),
    AccessCase(
        route="web:membership_role",
        url=lambda p: reverse("web:membership_role", args=[agency_membership(p).pk]),
        method="POST",
        data=lambda p: {"role": "co_lead"},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=structure_snapshot,
    ),
    # Staff.
    AccessCase(
        route="web:staff_list",
        url=lambda p: reverse("web:staff_list"),
        allowed=MANAGER,
        secrets=lambda p: [p.other_keyworker.user.email],
    ),
    AccessCase(route="web:staff_add", url=lambda p: reverse("web:staff_add"), allowed=MANAGER),
    AccessCase(
        route="web:staff_add",
        url=lambda p: reverse("web:staff_add"),
        method="POST",
        data=lambda p: {
            "display_name": "Nina New",
            "email": "nina@fifelpt.example.org",
            "organisation": p.lead_organisation.pk,
            "roles": ["keyworker"],
        },
        allowed=MANAGER,
        allowed_status=302,
        snapshot=staff_snapshot,
    ),
    AccessCase(
        route="web:staff_edit",
        url=lambda p: reverse("web:staff_edit", args=[p.other_keyworker.pk]),
        allowed=MANAGER,
        secrets=lambda p: [p.other_keyworker.user.email],
    ),
    AccessCase(
        route="web:staff_edit",
        url=lambda p: reverse("web:staff_edit", args=[p.other_keyworker.pk]),
        method="POST",
        data=lambda p: {"roles": ["keyworker", "partner_worker"], "is_active": "on"},
        allowed=MANAGER,
        allowed_status=302,
        snapshot=staff_snapshot,
    ),
    AccessCase(
        route="web:staff_sign_in_link",
        url=lambda p: reverse("web:staff_sign_in_link", args=[p.other_keyworker.pk]),
        method="POST",
        allowed=MANAGER,
        secrets=lambda p: [p.other_keyworker.user.email, "/set-password/"],
    ),
    # The funder, the evaluator and the partner worker.
    AccessCase(route="web:funder_home", url=lambda p: reverse("web:funder_home"), allowed=roles("funder")),
    AccessCase(route="web:research_home", url=lambda p: reverse("web:research_home"), allowed=roles("evaluator")),
    AccessCase(
        route="web:partner_home",
        url=lambda p: reverse("web:partner_home"),
        allowed=roles("partner_worker"),
        secrets=lambda p: [p.partner_agency.charity_number],
    ),
]

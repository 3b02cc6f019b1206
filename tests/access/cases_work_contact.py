"""Access cases for "Your work contact details": each member of staff of an organisation sees and sets
their own work phone and email. Participants, administrators without a staff record and anonymous
visitors are refused, and nobody's details change when they are."""

from django.urls import reverse

from coproduce.programmes.models import StaffMember
from tests.access.matrix import AccessCase, roles

WORKING_STAFF = roles("keyworker", "partner_worker", "partnership_manager", "funder", "evaluator")


def work_contacts(p) -> tuple[object, ...]:
    return tuple(StaffMember.objects.order_by("pk").values_list("pk", "work_phone", "work_email"))


CASES = [
    AccessCase(route="web:work_contact", url=lambda p: reverse("web:work_contact"), allowed=WORKING_STAFF),
    AccessCase(
        route="web:work_contact",
        url=lambda p: reverse("web:work_contact"),
        method="POST",
        data=lambda p: {"work_phone": "01632 960001", "work_email": "work@example.org"},
        allowed=WORKING_STAFF,
        allowed_status=302,
        snapshot=work_contacts,
    ),
]

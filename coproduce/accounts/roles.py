"""The roles of DESIGN.md §3, and which of them a signed-in person holds."""

from django.db import models


class Role(models.TextChoices):
    PARTICIPANT = "participant", "Participant"
    KEYWORKER = "keyworker", "Keyworker"
    PARTNER_WORKER = "partner_worker", "Partner worker"
    PARTNERSHIP_MANAGER = "partnership_manager", "Partnership manager"
    FUNDER = "funder", "Funder"
    EVALUATOR = "evaluator", "Evaluator"
    ADMINISTRATOR = "administrator", "Administrator"
    BOARD_MEMBER = "board_member", "Lived-experience board member"


# Participants and lived-experience board members are not staff: a StaffRole cannot hold them.
STAFF_ROLES = [role for role in Role if role not in (Role.PARTICIPANT, Role.BOARD_MEMBER)]

# When a person holds several roles, their home page is the first of these they hold.
HOME_ORDER = [
    Role.PARTNERSHIP_MANAGER,
    Role.KEYWORKER,
    Role.PARTNER_WORKER,
    Role.FUNDER,
    Role.EVALUATOR,
    Role.ADMINISTRATOR,
    Role.PARTICIPANT,
    Role.BOARD_MEMBER,
]

"""The main menu, by role: each role sees the pages of its own work.

A role with many pages (the partnership manager) sees them in named groups (MENU_GROUPS), so the
menu is not one flat list; a person with several roles sees each role's pages under its name.
On a phone the menu folds away behind a "Menu" button (web/base.html, static/js/menu.js).
"""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from coproduce.accounts.roles import Role
from coproduce.programmes.standing import standing_of

# Participants' menu is translated; staff pages stay English.
MENU: dict[Role, list[tuple[StrOrPromise, str]]] = {
    Role.PARTICIPANT: [
        (_("My page"), "web:my_page"),
        (_("My plan"), "web:my_plan"),
        (_("My appointments"), "web:my_appointments"),
        (_("My progress"), "web:my_progress"),
        (_("Job search"), "web:my_job_search"),
        (_("What is recorded about me"), "web:my_record"),
        (_("Who has looked at my record"), "web:my_record_views"),
        (_("Requests and feedback"), "web:my_requests"),
        (_("Money spent on me"), "web:my_money"),
        (_("Find a service"), "web:directory_search"),
    ],
    Role.KEYWORKER: [
        ("My caseload", "web:caseload"),
        ("Today’s visits", "web:visits"),
        ("Register someone", "web:participant_register"),
        ("Requests board", "web:requests_board"),
        ("Feedback", "web:my_feedback"),
        ("Find a service", "web:directory_search"),
    ],
    Role.PARTNERSHIP_MANAGER: [
        ("Area overview", "web:area_overview"),
        ("Dashboard", "web:partnership_dashboard"),
        ("Participants", "web:area_participants"),
        ("Enquiries", "web:enquiry_list"),
        ("Organisations", "web:organisation_list"),
        ("Staff", "web:staff_list"),
        ("Requests board", "web:requests_board"),
        ("Group sessions", "web:group_session_list"),
        ("Budgets", "web:area_budgets"),
        ("Feedback", "web:feedback_list"),
        ("Service ratings", "web:service_ratings"),
        ("Data requests", "web:subject_access_list"),
        ("Targets", "web:area_targets"),
        ("Grants", "web:area_grants"),
        ("Find a service", "web:directory_search"),
        ("Directory entries", "web:directory_your_services"),
        ("Partnership board", "web:board"),
    ],
    Role.PARTNER_WORKER: [
        ("Referrals", "web:partner_home"),
        ("Find a service", "web:directory_search"),
        ("Your services", "web:directory_your_services"),
    ],
    Role.FUNDER: [
        ("Programme", "web:funder_home"),
        ("Targets", "web:funder_targets"),
        ("Grants", "web:funder_grants"),
        ("Labour market", "web:funder_labour_market"),
        ("360Giving data", "web:funder_giving"),
    ],
    Role.EVALUATOR: [
        ("Evaluation", "web:research_home"),
        ("Interviews", "web:research_interviews"),
        ("Transcripts", "web:research_transcripts"),
        ("Coding", "web:research_coding"),
        ("Agreement", "web:research_agreement"),
        ("Quotes", "web:research_quotes"),
        ("Analytics", "web:research_analytics"),
        ("Surveys", "web:research_surveys"),
    ],
    Role.ADMINISTRATOR: [("Administration", "admin:index")],
    Role.BOARD_MEMBER: [
        ("Partnership board", "web:board_home"),
        ("Dashboard", "web:partnership_dashboard"),
    ],
}


# Groups of a role's menu, by URL name, in the order shown. A page of MENU[role] that no group
# names goes into a last group, "More", so a page added to MENU is never lost from the menu.
MENU_GROUPS: dict[Role, list[tuple[StrOrPromise, list[str]]]] = {
    Role.PARTNERSHIP_MANAGER: [
        ("Overview", ["web:area_overview", "web:partnership_dashboard"]),
        ("People", ["web:area_participants", "web:enquiry_list", "web:staff_list"]),
        (
            "Services and referrals",
            [
                "web:organisation_list",
                "web:requests_board",
                "web:group_session_list",
                "web:service_ratings",
                "web:directory_search",
                "web:directory_your_services",
            ],
        ),
        ("Money", ["web:area_budgets", "web:area_grants", "web:area_targets"]),
        ("Governance", ["web:board", "web:feedback_list"]),
        ("Data protection", ["web:subject_access_list"]),
    ],
}

# The heading of a role's pages when a person's menu holds more than one role's.
ROLE_HEADINGS: dict[Role, StrOrPromise] = {Role.PARTICIPANT: _("My support")}


Pages = list[tuple[StrOrPromise, str]]


def _grouped(role: Role, pages: Pages) -> list[tuple[StrOrPromise | None, Pages]]:
    """A role's menu as (heading, pages) groups: its MENU_GROUPS, or one group with no heading."""
    if role not in MENU_GROUPS:
        return [(None, pages)]
    by_name = {name: label for label, name in pages}
    groups: list[tuple[StrOrPromise | None, Pages]] = []
    placed: set[str] = set()
    for heading, names in MENU_GROUPS[role]:
        members = [(by_name[name], name) for name in names if name in by_name]
        placed.update(name for _label, name in members)
        if members:
            groups.append((heading, members))
    rest = [(label, name) for label, name in pages if name not in placed]
    if rest:
        groups.append(("More", rest))
    return groups


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu twice: `nav_items`, every page in one list, and `nav_groups`, the same pages under headings.

    `nav_groups` is a list of {"heading", "items"}; a menu of one role with no groups is one
    group whose heading is None, shown as a plain row of links.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_groups": [], "actor_role_label": "", "works_here": False}
    standing = standing_of(user)
    roles = [role for role in Role if standing.has(role) and MENU[role]]
    items: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    seen: set[str] = set()
    for role in roles:
        for heading, pages in _grouped(role, MENU[role]):
            if heading is None and len(roles) > 1:
                heading = ROLE_HEADINGS.get(role, role.label)
            group_items: list[dict[str, Any]] = []
            for label, name in pages:
                if name in seen:
                    continue
                seen.add(name)
                url = reverse(name)
                item = {"label": label, "url": url, "active": request.path == url}
                items.append(item)
                group_items.append(item)
            if group_items:
                groups.append({"heading": heading, "items": group_items})
    primary = standing.primary_role
    works_here = standing.staff_member is not None or standing.has(Role.ADMINISTRATOR)
    return {
        "nav_items": items,
        "nav_groups": groups,
        "actor_role_label": primary.label if primary else "",
        "works_here": works_here,
    }

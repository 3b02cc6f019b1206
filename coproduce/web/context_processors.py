"""The main menu, by role: each role sees the pages of its own work."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from coproduce.accounts.roles import Role
from coproduce.programmes.actors import actor_for

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


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "actor_role_label": "", "works_here": False}
    actor = actor_for(user)
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for role in Role:
        if not actor.has(role):
            continue
        for label, name in MENU[role]:
            if name in seen:
                continue
            seen.add(name)
            url = reverse(name)
            items.append({"label": label, "url": url, "active": request.path == url})
    primary = actor.primary_role
    works_here = actor.staff_member is not None or actor.has(Role.ADMINISTRATOR)
    return {"nav_items": items, "actor_role_label": primary.label if primary else "", "works_here": works_here}

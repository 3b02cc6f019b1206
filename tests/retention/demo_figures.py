"""Every figure the programme publishes, in full, so that a test can compare them before and after.

The funder's programme statistics (and their tables, the funder's home page and the CSV
downloads), each partnership's dashboard as its manager and as its board members see it (with
every table's CSV), the managers' area counts, Table 1, the evaluators' consent counts and
outcome analytics, and the 360Giving file.
"""

import dataclasses
import datetime
import json
from typing import Any

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.demo import data
from coproduce.programmes.giving import grants_package, grants_to_export
from coproduce.programmes.models import BoardMember, Programme
from coproduce.reporting.exports import to_csv
from coproduce.reporting.partnership import DashTable, partnership_dashboard, table_csv
from coproduce.reporting.research_outcomes import (
    ModelNotEstimable,
    counted_people,
    paid_work_model_of,
    paid_work_rates_of,
    time_to_work_of,
)
from coproduce.reporting.selectors import area_status_counts, research_consent_counts
from coproduce.reporting.statistics import dashboard_tables, programme_statistics
from coproduce.reporting.tables import funder_home_report
from coproduce.research.table1 import table_one

PUBLISHED_AT = datetime.datetime(2023, 7, 1, 9, 0, tzinfo=datetime.UTC)


def demo_user(role: Role) -> User:
    return User.objects.get(email__iexact=data.DEMO_LOGIN_BY_ROLE[role].email)


def _dashboard(user: User, today: datetime.date) -> dict[str, Any]:
    dashboard = partnership_dashboard(user, today)
    tables = {
        field.name: table_csv(value)
        for field in dataclasses.fields(dashboard)
        if isinstance(value := getattr(dashboard, field.name), DashTable)
    }
    return {"dashboard": dashboard, "csv": tables}


def _analytics(evaluator: User, today: datetime.date) -> dict[str, Any]:
    people = counted_people(evaluator, today)
    try:
        model: Any = paid_work_model_of(people)
    except ModelNotEstimable as error:
        model = f"not estimable: {error}"
    return {
        "time to work": time_to_work_of(people, today),
        "paid work model": model,
        "rates": paid_work_rates_of(people),
    }


def published_figures(today: datetime.date) -> dict[str, Any]:
    programmes = list(Programme.objects.order_by("starts_on", "pk"))
    every_stats = [programme_statistics(today, programme) for programme in programmes]
    funder = demo_user(Role.FUNDER)
    evaluator = demo_user(Role.EVALUATOR)
    managers = User.objects.filter(
        staff_member__roles__role=Role.PARTNERSHIP_MANAGER, staff_member__is_active=True
    ).order_by("pk")
    board_members = User.objects.filter(
        pk__in=BoardMember.objects.filter(kind=BoardMember.Kind.LIVED_EXPERIENCE, left_on__isnull=True).values(
            "user_id"
        )
    ).order_by("pk")
    grants = list(grants_to_export(funder))
    return {
        "programme statistics": every_stats,
        "funder tables": [[to_csv(table) for table in dashboard_tables(stats)] for stats in every_stats],
        "funder home": [funder_home_report(stats) for stats in every_stats],
        "dashboards": {user.email: _dashboard(user, today) for user in managers},
        "board dashboards": {user.email: _dashboard(user, today) for user in board_members},
        "area counts": {user.email: area_status_counts(user) for user in managers},
        "table 1": [table_one(evaluator, programme_id=pk) for pk in Programme.objects.values_list("pk", flat=True)],
        "research consent counts": research_consent_counts(evaluator),
        "outcome analytics": _analytics(evaluator, today),
        "360giving": json.dumps(
            grants_package(grants, publisher=grants[0].funder, now=PUBLISHED_AT), sort_keys=True, indent=1
        ),
    }

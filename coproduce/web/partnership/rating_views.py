"""Service ratings for the partnership manager: how participants rated the services they were referred to.

Counted and averaged in the database (`service_rating_summaries`); a service with fewer than 5
ratings shows only that, never an average. No names: the page shows no personal data.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coproduce.accounts.roles import Role
from coproduce.referrals.selectors import RATINGS_SHOWN_FROM, service_rating_summaries
from coproduce.web.access import require_roles
from coproduce.web.pagination import paginate

RATINGS_PER_PAGE = 50


@require_roles(Role.PARTNERSHIP_MANAGER)
def service_ratings(request: HttpRequest) -> HttpResponse:
    pages = paginate(request, service_rating_summaries(request.user), RATINGS_PER_PAGE)
    context = {"page_title": "Service ratings", "pages": pages, "shown_from": RATINGS_SHOWN_FROM}
    return render(request, "web/partnership/service_ratings.html", context)

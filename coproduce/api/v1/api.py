"""The REST API, version 1, at /api/v1/. Routes live by resource in this package.

Every route but asking for help needs a bearer token or a signed-in session (see auth.py);
every row comes from the domain's visibility functions and every change from its services.
"""

from ninja import NinjaAPI
from ninja.operation import Operation

from coproduce.api.v1 import (
    budgets,
    contacts,
    directory,
    enquiries,
    funding,
    giving,
    outcomes,
    participants,
    plans,
    programme,
    progress,
    referrals,
    research_agreement,
    research_analytics,
    research_coding,
    research_consent,
    research_interviews,
    research_surveys,
    research_transcripts,
    stats,
    subject_access,
    voice,
)
from coproduce.api.v1.access_first import refuse_before_complaining
from coproduce.api.v1.auth import api_auth
from coproduce.api.v1.docs import OfflineDocs
from coproduce.api.v1.errors import install_error_handlers


class CoproduceAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The URL pattern's name ("list_participants"), which is also what tests reverse.
        return getattr(operation, "url_name", None) or operation.view_func.__name__


api = CoproduceAPI(
    title="Coproduce API",
    version="1",
    description=(
        "Participants, enquiries and the programme's structure, for the people who may see them. "
        'Authenticate with `Authorization: Bearer <key>` (make keys on the "API tokens" page, `/account/api-tokens/`; '
        "each works until it expires or is revoked) "
        "or a signed-in session with the `X-CSRFToken` header on changes. Errors are "
        '`{"detail": "…"}`, with `"errors": {field: [messages]}` for bad input (400).'
    ),
    urls_namespace="api-v1",
    auth=api_auth,
    docs=OfflineDocs(),
)
install_error_handlers(api)
# Whoever may not see a record is refused before being told what is wrong with their body.
api.add_decorator(refuse_before_complaining, mode="view")
api.add_router("", participants.router)
api.add_router("", enquiries.router)
api.add_router("", programme.router)
api.add_router("", plans.router)
api.add_router("", voice.router)
api.add_router("", contacts.router)
api.add_router("", progress.router)
api.add_router("", directory.router)
api.add_router("", referrals.router)
# Before funding: "/grants/360giving" must not be taken for "/grants/{grant_id}".
api.add_router("", giving.router)
api.add_router("", funding.router)
api.add_router("", outcomes.router)
api.add_router("", stats.router)
api.add_router("", budgets.router)
api.add_router("", research_consent.router)
api.add_router("", research_interviews.router)
api.add_router("", research_transcripts.router)
api.add_router("", research_coding.router)
api.add_router("", research_agreement.router)
api.add_router("", research_analytics.router)
api.add_router("", research_surveys.router)
api.add_router("", subject_access.router)

"""The funder's grants as a 360Giving data package (the 360Giving Data Standard 1.4.3).

For the funder (every grant) and partnership managers (their partnership's grants); everyone
else is refused with 403. The package holds no personal data; each export is audited (channel
"api"). Built and checked against the official schema by coproduce/programmes/giving.py.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from coproduce.api.v1.auth import caller
from coproduce.api.v1.programme_param import programme_query
from coproduce.api.v1.schemas import error_responses
from coproduce.programmes.giving import export_grants_360giving

router = Router(tags=["grants"])


@router.get(
    "/grants/360giving",
    response={200: dict[str, Any], **error_responses(401, 403, 404)},
    summary="The grants as a 360Giving data package",
    description=(
        'A 360Giving data package (schema 1.4.3, `version` "1.4"): `publisher`, `license` and '
        "`grants`, each with its `360G-` identifier, amount in GBP, award and planned dates, "
        "recipient and funder (org-id.guide identifiers) and the area it benefits (GSS code). "
        "One programme's grants (one file per programme): the funder gets every grant to its areas, "
        "a partnership manager their partnership's. 404 when there is no grant yet (a package needs "
        "at least one), or for a programme you do not oversee."
    ),
    url_name="grants_360giving",
)
def grants_360giving(request: HttpRequest, programme: int | None = programme_query()) -> dict[str, Any]:
    return export_grants_360giving(actor=caller(request), programme_id=programme)

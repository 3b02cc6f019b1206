"""Access cases for research consent, waves, stakeholders, interviews, sampling and Table 1.

Evaluators do the evaluation's work; a participant, their keyworker and their area's manager
record research consent; nobody else reaches either. Refused roles see no pseudonym, name or
contact detail, and change nothing. Built on the research story (tests/research/story.py).
"""

from typing import Any

from django.urls import reverse

from coproduce.participants.models import Consent
from coproduce.research.models import Interview, ResearchConsent, Stakeholder, Wave
from tests.access.matrix import EVERYONE_SIGNED_IN, AccessCase, roles
from tests.personas import Personas
from tests.research.factories import ResearchConsentFactory

EVALUATOR = roles("evaluator")
CASEWORKERS = roles("keyworker", "partnership_manager")
CONSENT_RECORDERS = CASEWORKERS | roles("participant")
ALL = {"interview": True, "recording": True, "quotation": True, "service_data": True, "contact_for_interview": True}


def story_secrets(p: Personas) -> list[str]:
    p.research  # noqa: B018 (built for its side effect)
    # Not names: the header shows the signed-in person's own ("Signed in as Pat Participant").
    return ["R-TESTPAT", "R-TESTGEM", "pat@example.net", "+447700900001", "MIW-FIF-00001"]


def waves(p: Personas) -> tuple[object, ...]:
    p.research  # noqa: B018
    return tuple(Wave.objects.order_by("pk").values_list("name", "year", "version"))


def stakeholders(p: Personas) -> tuple[object, ...]:
    p.research  # noqa: B018
    return tuple(Stakeholder.objects.order_by("pk").values_list("name", "version", "withdrawn_on"))


def interviews(p: Personas) -> tuple[object, ...]:
    p.research  # noqa: B018
    return tuple(Interview.objects.order_by("pk").values_list("pk", "status", "version"))


def consents_of(participant: Any) -> tuple[object, ...]:
    return (
        tuple(Consent.objects.filter(participant=participant).order_by("pk").values_list("purpose", "withdrawn_at")),
        tuple(ResearchConsent.objects.filter(participant=participant).values_list("consent_id", "version", *ALL)),
    )


def paula_in_research(p: Personas) -> tuple[object, ...]:
    """Paula agreed to the research (made once), and the state of her consents."""
    if not ResearchConsent.objects.filter(participant=p.second_participant).exists():
        ResearchConsentFactory(participant=p.second_participant, pseudonym="R-TESTPAU")
    return consents_of(p.second_participant)


def pat_in_research(p: Personas) -> tuple[object, ...]:
    p.research  # noqa: B018
    return consents_of(p.participant)


def pat(p: Personas) -> object:
    return p.participant


def paula(p: Personas) -> object:
    return p.second_participant


def wave_form(p: Personas, **extra: object) -> dict[str, object]:
    return {"year": "2019", "name": "Wave 6 (2019)", "starts_on": "2019-01-01", "ends_on": "2019-12-31", **extra}


def stakeholder_form(p: Personas, **extra: object) -> dict[str, object]:
    return {"name": "Sam Signpost", "role": "signposting_provider", "partnership_id": p.fife.pk, **extra}


def web(route: str, url: object, allowed: frozenset[str], **fields: object) -> AccessCase:
    return AccessCase(route=f"web:{route}", url=url, allowed=allowed, **fields)  # type: ignore[arg-type]


def api(route: str, url: object, allowed: frozenset[str], **fields: object) -> AccessCase:
    return AccessCase(route=f"api-v1:{route}", url=url, allowed=allowed, api=True, **fields)  # type: ignore[arg-type]


CASES = [
    # ---- research consent pages ----
    web(
        "my_research_consent",
        lambda p: reverse("web:my_research_consent"),
        roles("participant"),
        audited_participant=pat,
    ),
    web(
        "my_research_consent",
        lambda p: reverse("web:my_research_consent"),
        roles("participant"),
        label="agree",
        method="POST",
        data=lambda p: {"interview": "on"},
        allowed_status=302,
        snapshot=lambda p: consents_of(p.participant),
    ),
    web(
        "my_research_consent_stop",
        lambda p: reverse("web:my_research_consent_stop"),
        roles("participant"),
        method="POST",
        allowed_status=302,
        snapshot=pat_in_research,
    ),
    web(
        "participant_research_consent",
        lambda p: reverse("web:participant_research_consent", args=[p.second_participant.pk]),
        CASEWORKERS,
        audited_participant=paula,
        secrets=lambda p: ["MIW-FIF-00002", "Paula Second"],
    ),
    web(
        "participant_research_consent",
        lambda p: reverse("web:participant_research_consent", args=[p.second_participant.pk]),
        CASEWORKERS,
        label="record",
        method="POST",
        data=lambda p: {"interview": "on", "how": "phone"},
        allowed_status=302,
        secrets=lambda p: ["MIW-FIF-00002", "Paula Second"],
        snapshot=lambda p: consents_of(p.second_participant),
    ),
    web(
        "participant_research_consent_stop",
        lambda p: reverse("web:participant_research_consent_stop", args=[p.second_participant.pk]),
        CASEWORKERS,
        method="POST",
        data=lambda p: {"stop-how": "phone"},
        allowed_status=302,
        snapshot=paula_in_research,
    ),
    # ---- research consent API ----
    api(
        "get_research_consent",
        lambda p: reverse("api-v1:get_research_consent", args=[p.participant.pk]),
        CONSENT_RECORDERS,
        audited_participant=pat,
    ),
    api(
        "give_research_consent",
        lambda p: reverse("api-v1:give_research_consent", args=[p.second_participant.pk]),
        CASEWORKERS,
        method="PUT",
        json=True,
        data=lambda p: {**ALL, "how": "phone"},
        snapshot=lambda p: consents_of(p.second_participant),
    ),
    api(
        "give_research_consent",
        lambda p: reverse("api-v1:give_research_consent", args=[p.participant.pk]),
        CONSENT_RECORDERS,
        label="own",
        method="PUT",
        json=True,
        data=lambda p: {**ALL, "how": "phone"},
        snapshot=lambda p: consents_of(p.participant),
    ),
    api(
        "withdraw_research_consent",
        lambda p: reverse("api-v1:withdraw_research_consent", args=[p.participant.pk]) + "?how=phone",
        CONSENT_RECORDERS,
        method="DELETE",
        snapshot=pat_in_research,
    ),
    # ---- waves ----
    web("research_waves", lambda p: reverse("web:research_waves"), EVALUATOR, snapshot=waves),
    web("research_wave_add", lambda p: reverse("web:research_wave_add"), EVALUATOR),
    web(
        "research_wave_add",
        lambda p: reverse("web:research_wave_add"),
        EVALUATOR,
        label="save",
        method="POST",
        data=wave_form,
        allowed_status=302,
        snapshot=waves,
    ),
    web("research_wave_edit", lambda p: reverse("web:research_wave_edit", args=[p.research.wave_2015.pk]), EVALUATOR),
    web(
        "research_wave_edit",
        lambda p: reverse("web:research_wave_edit", args=[p.research.wave_2015.pk]),
        EVALUATOR,
        label="save",
        method="POST",
        data=lambda p: wave_form(p, version=p.research.wave_2015.version),
        allowed_status=302,
        snapshot=waves,
    ),
    api("list_research_waves", lambda p: reverse("api-v1:list_research_waves"), EVERYONE_SIGNED_IN),
    api(
        "create_research_wave",
        lambda p: reverse("api-v1:create_research_wave"),
        EVALUATOR,
        method="POST",
        json=True,
        data=lambda p: {"year": 2019, "name": "W", "starts_on": "2019-01-01", "ends_on": "2019-12-31"},
        allowed_status=201,
        snapshot=waves,
    ),
    api(
        "research_wave_detail",
        lambda p: reverse("api-v1:research_wave_detail", args=[p.research.wave_2015.pk]),
        EVALUATOR,
    ),
    api(
        "update_research_wave",
        lambda p: reverse("api-v1:update_research_wave", args=[p.research.wave_2015.pk]),
        EVALUATOR,
        method="PATCH",
        json=True,
        data=lambda p: {"version": p.research.wave_2015.version, "name": "Renamed"},
        snapshot=waves,
    ),
    # ---- stakeholders ----
    web(
        "research_stakeholders",
        lambda p: reverse("web:research_stakeholders"),
        EVALUATOR,
        secrets=story_secrets,
    ),
    web("research_stakeholder_add", lambda p: reverse("web:research_stakeholder_add"), EVALUATOR),
    web(
        "research_stakeholder_add",
        lambda p: reverse("web:research_stakeholder_add"),
        EVALUATOR,
        label="save",
        method="POST",
        data=stakeholder_form,
        allowed_status=302,
        snapshot=stakeholders,
    ),
    web(
        "research_stakeholder_edit",
        lambda p: reverse("web:research_stakeholder_edit", args=[p.research.kim_stakeholder.pk]),
        EVALUATOR,
        secrets=lambda p: ["kim@fifelpt.example.org"],
    ),
    web(
        "research_stakeholder_edit",
        lambda p: reverse("web:research_stakeholder_edit", args=[p.research.kim_stakeholder.pk]),
        EVALUATOR,
        label="save",
        method="POST",
        data=lambda p: stakeholder_form(p, name="Kim K", version=p.research.kim_stakeholder.version),
        allowed_status=302,
        snapshot=stakeholders,
    ),
    web(
        "research_stakeholder_withdraw",
        lambda p: reverse("web:research_stakeholder_withdraw", args=[p.research.kim_stakeholder.pk]),
        EVALUATOR,
        method="POST",
        data=lambda p: {"version": p.research.kim_stakeholder.version},
        allowed_status=302,
        snapshot=stakeholders,
    ),
    api("list_research_stakeholders", lambda p: reverse("api-v1:list_research_stakeholders"), EVERYONE_SIGNED_IN),
    api(
        "create_research_stakeholder",
        lambda p: reverse("api-v1:create_research_stakeholder"),
        EVALUATOR,
        method="POST",
        json=True,
        data=lambda p: {"name": "Sam", "role": "funder", "partnership_id": p.fife.pk},
        allowed_status=201,
        snapshot=stakeholders,
    ),
    api(
        "research_stakeholder_detail",
        lambda p: reverse("api-v1:research_stakeholder_detail", args=[p.research.kim_stakeholder.pk]),
        EVALUATOR,
        secrets=lambda p: ["kim@fifelpt.example.org"],
    ),
    api(
        "update_research_stakeholder",
        lambda p: reverse("api-v1:update_research_stakeholder", args=[p.research.kim_stakeholder.pk]),
        EVALUATOR,
        method="PATCH",
        json=True,
        data=lambda p: {"version": p.research.kim_stakeholder.version, "phone": "01592 000000"},
        snapshot=stakeholders,
    ),
    api(
        "withdraw_research_stakeholder",
        lambda p: reverse("api-v1:withdraw_research_stakeholder", args=[p.research.kim_stakeholder.pk]),
        EVALUATOR,
        method="POST",
        json=True,
        data=lambda p: {"version": p.research.kim_stakeholder.version},
        snapshot=stakeholders,
    ),
    # ---- interviews ----
    web(
        "research_interviews",
        lambda p: reverse("web:research_interviews"),
        EVALUATOR,
        audited_participant=lambda p: p.research and p.participant,
        secrets=story_secrets,
    ),
    web(
        "research_interview_add",
        lambda p: reverse("web:research_interview_add"),
        EVALUATOR,
        secrets=story_secrets,
    ),
    web(
        "research_interview_add",
        lambda p: reverse("web:research_interview_add"),
        EVALUATOR,
        label="save",
        method="POST",
        data=lambda p: {"wave_id": p.research.wave_2016.pk, "pseudonym": "R-TESTPAT", "status": "invited"},
        allowed_status=302,
        snapshot=interviews,
    ),
    web(
        "research_interview_detail",
        lambda p: reverse("web:research_interview_detail", args=[p.research.pat_interview.pk]),
        EVALUATOR,
        audited_participant=pat,
        secrets=story_secrets,
    ),
    web(
        "research_interview_edit",
        lambda p: reverse("web:research_interview_edit", args=[p.research.gemma_interview.pk]),
        EVALUATOR,
        audited_participant=lambda p: p.glasgow_participant,
        secrets=story_secrets,
    ),
    web(
        "research_interview_edit",
        lambda p: reverse("web:research_interview_edit", args=[p.research.gemma_interview.pk]),
        EVALUATOR,
        label="save",
        method="POST",
        data=lambda p: {
            "status": "done",
            "held_on": "2016-04-05",
            "version": p.research.gemma_interview.version,
        },
        allowed_status=302,
        snapshot=interviews,
    ),
    api(
        "list_research_interviews",
        lambda p: p.research and reverse("api-v1:list_research_interviews"),
        EVERYONE_SIGNED_IN,
    ),
    api(
        "create_research_interview",
        lambda p: reverse("api-v1:create_research_interview"),
        EVALUATOR,
        method="POST",
        json=True,
        data=lambda p: {"wave_id": p.research.wave_2016.pk, "pseudonym": "R-TESTPAT"},
        allowed_status=201,
        snapshot=interviews,
    ),
    api(
        "research_interview_detail",
        lambda p: reverse("api-v1:research_interview_detail", args=[p.research.pat_interview.pk]),
        EVALUATOR,
        audited_participant=pat,
        secrets=story_secrets,
    ),
    api(
        "update_research_interview",
        lambda p: reverse("api-v1:update_research_interview", args=[p.research.gemma_interview.pk]),
        EVALUATOR,
        method="PATCH",
        json=True,
        data=lambda p: {"version": p.research.gemma_interview.version, "notes": "Bring the consent form."},
        snapshot=interviews,
    ),
    # ---- Table 1 ----
    web("research_table1", lambda p: p.research and reverse("web:research_table1"), EVALUATOR),
    web(
        "research_table1_download",
        lambda p: p.research and reverse("web:research_table1_download", args=["csv"]),
        EVALUATOR,
    ),
    api("research_table1", lambda p: p.research and reverse("api-v1:research_table1"), EVALUATOR),
    # ---- sampling ----
    web("research_sampling", lambda p: reverse("web:research_sampling"), EVALUATOR),
    web(
        "research_sampling",
        lambda p: f"{reverse('web:research_sampling')}?wave={p.research.wave_2016.pk}&quota_{p.fife.pk}=2",
        EVALUATOR,
        label="proposal",
        audited_participant=pat,
        secrets=story_secrets,
    ),
    web(
        "research_sampling_invite",
        lambda p: reverse("web:research_sampling_invite"),
        EVALUATOR,
        method="POST",
        data=lambda p: {"wave": p.research.wave_2016.pk, "research_consent": [p.research.pat_consent.pk]},
        allowed_status=302,
        snapshot=interviews,
    ),
    api(
        "research_sampling_proposal",
        lambda p: reverse("api-v1:research_sampling_proposal"),
        EVALUATOR,
        method="POST",
        json=True,
        data=lambda p: {"wave_id": p.research.wave_2016.pk, "quotas": [{"partnership_id": p.fife.pk, "number": 2}]},
        audited_participant=pat,
        secrets=story_secrets,
    ),
    api(
        "research_sampling_accept",
        lambda p: reverse("api-v1:research_sampling_accept"),
        EVALUATOR,
        method="POST",
        json=True,
        data=lambda p: {"wave_id": p.research.wave_2016.pk, "research_consent_ids": [p.research.pat_consent.pk]},
        snapshot=interviews,
    ),
]

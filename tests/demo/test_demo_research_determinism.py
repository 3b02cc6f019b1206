"""The demo's evaluation is the same for the same seed, never breaks its rules when small, and goes with `remove_demo`.

In a module of its own: the other evaluation tests share a full demo built once for their module.
"""

import datetime
from typing import Any

from coproduce.demo.builder import build_demo, remove_demo
from coproduce.participants.models import Participant
from coproduce.programmes.models import Organisation
from coproduce.research.models import (
    Code,
    CodedSegment,
    Interview,
    Quote,
    ResearchConsent,
    Stakeholder,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    Transcript,
    Wave,
)
from tests.demo.test_demo_research import PAPER

TODAY = datetime.date(2026, 11, 27)
SMALL = 150
SEED = 7


def research_snapshot() -> dict[str, list[Any]]:
    """What the seed decides, without primary keys, timestamps or pseudonyms (worked out from ids)."""
    return {
        "consents": list(
            ResearchConsent.objects.order_by("participant__reference").values_list(
                "participant__reference", *ResearchConsent.ELEMENTS
            )
        ),
        "interviews": list(
            Interview.objects.order_by(
                "wave__year",
                "partnership__short_code",
                "kind",
                "research_consent__participant__reference",
                "stakeholder__name",
                "held_on",
                "status",
                "interviewer__email",
            ).values_list(
                "wave__year",
                "partnership__short_code",
                "kind",
                "status",
                "held_on",
                "interviewer__email",
                "research_consent__participant__reference",
                "stakeholder__name",
            )
        ),
        "segments": list(
            CodedSegment.objects.order_by(
                "transcript__title", "start", "end", "coder__email", "code__name", "is_consensus"
            ).values_list("transcript__title", "start", "end", "coder__email", "code__name", "is_consensus")
        ),
        "transcripts": list(Transcript.objects.order_by("title").values_list("title", "status", "text")),
        "survey": list(
            SurveyAnswer.objects.order_by(
                "response__partnership__short_code",
                "response__submitted_on",
                "question__position",
                "number",
                "choice",
                "text",
            ).values_list(
                "response__partnership__short_code",
                "response__submitted_on",
                "question__position",
                "number",
                "choice",
                "text",
            )
        ),
    }


def test_the_same_seed_gives_the_same_evaluation_and_remove_demo_takes_it_away(db: None) -> None:
    build_demo(participants=SMALL, seed=SEED, today=TODAY)
    first = research_snapshot()
    assert len(first["segments"]) == 73 + 4  # two coders on seven transcripts, and four settled
    assert len(first["transcripts"]) == 8
    # Too few consented people in a small demo to fill every cell, but never more than the paper's.
    done = Interview.objects.filter(status=Interview.Status.DONE)
    for (area, year), (participants, stakeholders) in PAPER.items():
        cell = done.filter(partnership__area_name=area, wave__year=year)
        assert cell.filter(kind=Interview.Kind.PARTICIPANT).count() <= participants
        assert cell.filter(kind=Interview.Kind.STAKEHOLDER).count() == stakeholders
    for interview in done.filter(kind=Interview.Kind.PARTICIPANT).select_related("research_consent__participant"):
        participant = interview.research_consent.participant
        assert participant.joined_on <= interview.held_on - datetime.timedelta(days=28)

    remove_demo()
    models: list[Any] = [
        ResearchConsent,
        Wave,
        Stakeholder,
        Interview,
        Transcript,
        CodedSegment,
        Quote,
        Code,
        SurveyInvitation,
        SurveyResponse,
        Participant,
        Organisation,
    ]
    assert [model.__name__ for model in models if model._default_manager.exists()] == []
    assert not Interview.history.exists()
    assert not ResearchConsent.history.exists()

    build_demo(participants=SMALL, seed=SEED, today=TODAY)
    assert research_snapshot() == first

from coproduce.research.selectors import (
    interviews_visible_to,
    quotes_visible_to,
    research_consents_visible_to,
    transcripts_visible_to,
)
from tests.personas import build_personas


def test_story(db):
    p = build_personas()
    s = p.research
    assert set(transcripts_visible_to(p.evaluator.user)) == {s.pat_transcript, s.kim_transcript}
    assert list(transcripts_visible_to(p.keyworker.user)) == []
    assert set(quotes_visible_to(p.evaluator.user)) == {s.quote}
    assert interviews_visible_to(p.evaluator.user).count() == 3
    assert set(research_consents_visible_to(p.evaluator.user)) == {s.pat_consent, s.gemma_consent}
    assert set(research_consents_visible_to(p.keyworker.user)) == {s.pat_consent}

"""Redaction suggestions, on hand-made transcripts whose answers are known.

Fife's people (tests/personas.py): Pat Participant, Paula Second and Olive Other are participants;
Kim Keyworker, Owen Other and Mo Manager are staff. Glasgow has Gemma Glasgow and Gail Glasgow.
"""

from typing import Any

import pytest

from coproduce.research.models import Interview, Transcript
from coproduce.research.redaction import suggest_redactions
from tests.directory.factories import AddressFactory
from tests.participants.factories import ParticipantFactory
from tests.personas import Personas
from tests.research.factories import InterviewFactory, ResearchConsentFactory, TranscriptFactory

pytestmark = pytest.mark.django_db


def found(transcript: Transcript) -> list[tuple[str, str, str]]:
    return [(s.text, s.kind, s.replacement) for s in suggest_redactions(transcript)]


def pat_transcript(personas: Personas, text: str) -> Transcript:
    transcript = personas.research.pat_transcript
    Transcript.objects.filter(pk=transcript.pk).update(text=text)
    return Transcript.objects.get(pk=transcript.pk)


def test_names_of_people_places_and_children_in_pats_interview(personas: Personas) -> None:
    AddressFactory(city="Kirkcaldy")
    text = (
        "Pat: My son Jamie started at the nursery in Kirkcaldy. Jamie loves it.\n"
        "Kim from Fife Lone Parents Together helped, and Paula told me about it.\n"
        "I hope May comes. Will said my daughter, Grace is fine. pat the dog, Patrick and Kim's pen.\n"
    )
    transcript = pat_transcript(personas, text)
    suggestions = suggest_redactions(transcript)
    assert [(s.text, s.kind, s.replacement) for s in suggestions] == [
        ("Pat", "participant", "[participant]"),
        ("Jamie", "child", "[child]"),
        ("Kirkcaldy", "place", "[place]"),
        ("Jamie", "child", "[child]"),
        ("Kim", "staff", "[staff]"),
        ("Fife Lone Parents Together", "place", "[place]"),
        ("Paula", "participant", "[participant]"),
        ("Grace", "child", "[child]"),
        ("Kim", "staff", "[staff]"),
    ]
    assert all(text[s.start : s.end] == s.text for s in suggestions)
    assert [s.why for s in suggestions[:3]] == [
        "The interviewee's own name.",
        "Named as a child: “My son Jamie”.",
        "A town in the services directory's addresses.",
    ]
    assert suggestions[3].why == "Named as a child elsewhere in the transcript (“Jamie”)."
    assert suggestions[6].why == "The name of a participant in Fife."
    assert suggestions[7].why == "Named as a child: “my daughter, Grace”."


def test_kims_stakeholder_interview_from_the_story(personas: Personas) -> None:
    AddressFactory(city="Kirkcaldy")
    kim = personas.research.kim_transcript
    assert found(kim) == [
        ("Kim", "staff", "[staff]"),
        ("Pat", "participant", "[participant]"),
        ("Kirkcaldy", "place", "[place]"),
        ("Pat", "participant", "[participant]"),
        ("Kim", "staff", "[staff]"),
        ("Jamie", "child", "[child]"),
    ]
    assert suggest_redactions(kim)[0].why == "The interviewee's own name."


def test_other_areas_participants_are_not_suggested_but_area_names_are(personas: Personas) -> None:
    transcript = pat_transcript(personas, "Gemma moved to Glasgow. Olive stayed in Fife.")
    assert found(transcript) == [
        ("Glasgow", "place", "[place]"),  # the area's name outranks Gail Glasgow's family name
        ("Olive", "participant", "[participant]"),
        ("Fife", "place", "[place]"),
    ]


def test_common_words_are_names_only_for_the_interviewee(personas: Personas) -> None:
    grace = ParticipantFactory(keyworker=personas.keyworker, given_name="Grace", family_name="Hope")
    ParticipantFactory(keyworker=personas.keyworker, given_name="May", family_name="Young")
    interview = InterviewFactory(research_consent=ResearchConsentFactory(participant=grace))
    transcript = TranscriptFactory(
        interview=interview, text="Grace Hope: May I say? Young people need hope. Grace again."
    )
    assert found(transcript) == [
        ("Grace Hope", "participant", "[participant]"),
        ("Grace", "participant", "[participant]"),
    ]


def test_multi_word_places_need_their_words_together_and_capitalised(personas: Personas) -> None:
    text = "Fife Council said no. The fife council said yes. Fife. Council again. Fife\nCouncil."
    transcript = pat_transcript(personas, text)
    assert found(transcript) == [
        ("Fife Council", "place", "[place]"),
        ("Fife", "place", "[place]"),
        ("Fife\nCouncil", "place", "[place]"),
    ]


def test_words_after_child_phrases_that_are_not_names(personas: Personas) -> None:
    text = "With my son I went out. Our wee girl Ava and my little one Ben. my boy. Then my eldest is away."
    transcript = pat_transcript(personas, text)
    assert found(transcript) == [("Ava", "child", "[child]"), ("Ben", "child", "[child]")]


def test_a_survey_transcript_with_no_area_uses_the_programmes_names(personas: Personas) -> None:
    story = personas.research
    transcript = Transcript.objects.create(
        source=Transcript.Source.SURVEY,
        survey_question=story.text_question,
        wave=story.wave_2015,
        speaker_label="Survey respondent",
        title="What would you change?",
        text="More evenings, like Gemma said. Paula too.",
        uploaded_by=personas.evaluator.user,
    )
    assert found(transcript) == [("Gemma", "participant", "[participant]"), ("Paula", "participant", "[participant]")]


def test_queries_do_not_grow_with_the_area(personas: Personas, django_assert_num_queries: Any) -> None:
    transcript = pat_transcript(personas, "Pat met Zara and Kim in Fife.")
    with django_assert_num_queries(11):
        assert [s.text for s in suggest_redactions(transcript)] == ["Pat", "Kim", "Fife"]
    for number in range(200):
        ParticipantFactory(keyworker=personas.keyworker, given_name=f"Name{number}", family_name="Zed")
    ParticipantFactory(keyworker=personas.keyworker, given_name="Zara", family_name="Zed")
    transcript = Transcript.objects.get(pk=transcript.pk)
    with django_assert_num_queries(11):
        assert [s.text for s in suggest_redactions(transcript)] == ["Pat", "Zara", "Kim", "Fife"]


def test_the_interview_kind_decides_the_interviewees_kind(personas: Personas) -> None:
    kim = personas.research.kim_interview
    assert kim.kind == Interview.Kind.STAKEHOLDER
    transcript = Transcript.objects.get(interview=kim)
    transcript.text = "Kim Keyworker here."
    assert found(transcript) == [("Kim Keyworker", "staff", "[staff]")]


def test_a_whole_name_is_one_passage_and_staff_and_places_keep_their_kind(personas: Personas) -> None:
    ParticipantFactory(keyworker=personas.keyworker, given_name="Kirsty", family_name="Morrison")
    ParticipantFactory(keyworker=personas.keyworker, given_name="Owen", family_name="Rankin")
    AddressFactory(city="Kirkcaldy")
    text = (
        "Pat Participant: Kirsty Morrison and Pat Second came. "
        "Owen Other, my keyworker Owen, and Paula Morrison met in Kirkcaldy.\n"
        "Kirsty. Morrison"
    )
    transcript = pat_transcript(personas, text)
    suggestions = suggest_redactions(transcript)
    assert [(s.text, s.kind, s.replacement) for s in suggestions] == [
        ("Pat Participant", "participant", "[participant]"),
        ("Kirsty Morrison", "participant", "[participant]"),
        ("Pat Second", "participant", "[participant]"),  # Pat's own first name and Paula's family name
        ("Owen Other", "staff", "[staff]"),
        ("Owen", "staff", "[staff]"),  # a participant is called Owen too: staff first
        ("Paula Morrison", "participant", "[participant]"),
        ("Kirkcaldy", "place", "[place]"),
        ("Kirsty", "participant", "[participant]"),  # not side by side: two passages
        ("Morrison", "participant", "[participant]"),
    ]
    assert all(text[s.start : s.end] == s.text for s in suggestions)

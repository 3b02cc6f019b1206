"""The purposive sampling assistant: hand-made cases where the right sample is known."""

import datetime

import pytest
from django.utils import timezone

from coproduce.accounts.roles import Role
from coproduce.core.errors import NotAllowed
from coproduce.participants.models import Participant
from coproduce.plans.models import Barrier
from coproduce.research.models import Interview
from coproduce.research.sampling import (
    Candidate,
    Spread,
    barrier_profile,
    candidates_for,
    choose,
    family_circumstances,
    progress,
    propose,
)
from tests.outcomes.factories import JobStartFactory, TrainingFactory
from tests.participants.factories import ChildFactory
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory
from tests.programmes.factories import PartnershipFactory, ProgrammeFactory, StaffMemberFactory
from tests.research.factories import InterviewFactory, ResearchConsentFactory, WaveFactory


def person(
    pseudonym: str,
    *,
    barriers: str | None = None,
    family: str | None = None,
    progress: str | None = None,
    before: bool = False,
    shares: bool = True,
    area: int = 1,
) -> Candidate:
    return Candidate(
        research_consent_id=int.from_bytes(pseudonym.encode(), "big") % 100000,
        participant_id=0,
        pseudonym=pseudonym,
        partnership_id=area,
        shares_service_data=shares,
        interviewed_before=before,
        barrier_profile=barriers,
        family=family,
        progress=progress,
    )


def names(choices: list) -> list[str]:
    return [choice.candidate.pseudonym for choice in choices]


def test_one_spread_takes_each_stratum_in_turn():
    people = [
        person("R-A", progress="in_work"),
        person("R-B", progress="in_work"),
        person("R-C", progress="training"),
        person("R-D", progress="facing_barriers"),
        person("R-E", progress="facing_barriers"),
    ]
    assert names(choose(people, quota=3, spreads=[Spread.PROGRESS])) == ["R-A", "R-C", "R-D"]
    assert names(choose(people, quota=5, spreads=[Spread.PROGRESS])) == ["R-A", "R-C", "R-D", "R-B", "R-E"]


def test_people_not_interviewed_before_come_first():
    people = [person("R-A", progress="in_work", before=True), person("R-B", progress="in_work")]
    assert names(choose(people, quota=1, spreads=[Spread.PROGRESS])) == ["R-B"]
    assert names(choose(people, quota=1, spreads=[])) == ["R-B"]


def test_two_spreads_cover_most_new_values_first():
    people = [
        person("R-P1", barriers="few", family="under_5"),
        person("R-P2", barriers="few", family="12_plus"),
        person("R-P3", barriers="many", family="under_5"),
        person("R-P4", barriers="many_childcare", family="no_children"),
    ]
    chosen = choose(people, quota=2, spreads=[Spread.BARRIERS, Spread.FAMILY])
    assert names(chosen) == ["R-P1", "R-P4"]
    assert chosen[0].explanation == (
        "R-P1: one or two barriers; youngest child under 5; not interviewed before — "
        "adds one or two barriers and youngest child under 5 to the sample."
    )


def test_those_not_sharing_service_data_fill_places_only_after():
    people = [
        person("R-0", shares=False),
        person("R-A", progress="in_work"),
        person("R-B", progress="in_work"),
        person("R-1", shares=False, before=True),
    ]
    chosen = choose(people, quota=4, spreads=[Spread.PROGRESS])
    assert names(chosen) == ["R-A", "R-B", "R-0", "R-1"]
    assert chosen[2].explanation == (
        "R-0: service data not shared; not interviewed before — "
        "fills a place left after those who share their service data."
    )
    assert chosen[3].explanation == (
        "R-1: service data not shared; interviewed in an earlier wave — "
        "fills a place left after those who share their service data."
    )


def test_propose_per_area_and_says_when_short():
    people = [person("R-A", area=1), person("R-B", area=1), person("R-C", area=2)]
    proposals = propose(
        people, quotas={1: 1, 2: 3, 3: 0}, spreads=set(), area_names={1: "Fife", 2: "Glasgow", 3: "Ayr"}
    )
    assert [(p.area, p.quota, p.eligible, names(list(p.chosen)), p.short_by) for p in proposals] == [
        ("Fife", 1, 2, ["R-A"], 0),
        ("Glasgow", 3, 1, ["R-C"], 2),
    ]


@pytest.mark.parametrize(
    ("barriers", "expected"),
    [
        (set(), "none"),
        ({Barrier.SKILLS}, "few"),
        ({Barrier.SKILLS, Barrier.CHILDCARE}, "few_childcare"),
        ({Barrier.SKILLS, Barrier.HOUSING, Barrier.DIGITAL}, "many"),
        ({Barrier.SKILLS, Barrier.HOUSING, Barrier.CHILDCARE}, "many_childcare"),
    ],
)
def test_barrier_profiles(barriers, expected):
    assert barrier_profile(barriers) == expected


def test_family_and_progress():
    on = datetime.date(2016, 1, 1)
    assert family_circumstances([], on) == "no_children"
    assert family_circumstances([2013, 2004], on) == "under_5"
    assert family_circumstances([2010], on) == "5_to_11"  # 5 at its youngest
    assert family_circumstances([2004], on) == "5_to_11"  # 11
    assert family_circumstances([2003], on) == "12_plus"
    assert progress({"job_start", "training"}) == "in_work"
    assert progress({"training"}) == "training"
    assert progress(set()) == "facing_barriers"


def test_candidates_use_service_data_only_when_shared(db, django_assert_num_queries):
    programme = ProgrammeFactory(name="Sampling")
    fife = PartnershipFactory(programme=programme, area_name="Fife")
    keyworker = StaffMemberFactory(partnership=fife)
    wave_2015 = WaveFactory(programme=programme, year=2015)
    wave = WaveFactory(programme=programme, year=2016)

    def consent(pseudonym: str, **fields: object):
        return ResearchConsentFactory(participant__keyworker=keyworker, pseudonym=pseudonym, **fields)

    sharing = consent("R-SHARE")
    old = AssessmentFactory(participant=sharing.participant, assessed_on=datetime.date(2015, 1, 5))
    for barrier in (Barrier.SKILLS, Barrier.HOUSING, Barrier.DIGITAL, Barrier.TRANSPORT):
        AssessmentBarrierFactory(assessment=old, barrier=barrier)
    latest = AssessmentFactory(participant=sharing.participant, assessed_on=datetime.date(2015, 9, 1))
    AssessmentBarrierFactory(assessment=latest, barrier=Barrier.CHILDCARE)
    AssessmentBarrierFactory(assessment=latest, barrier=Barrier.TRANSPORT)
    ChildFactory(participant=sharing.participant, birth_year=2013)
    ChildFactory(participant=sharing.participant, birth_year=2005)
    JobStartFactory(participant=sharing.participant, achieved_on=datetime.date(2015, 11, 2))
    InterviewFactory(research_consent=sharing, wave=wave_2015)

    private = consent("R-PRIV", service_data=False)
    ChildFactory(participant=private.participant, birth_year=2013)
    TrainingFactory(participant=private.participant)
    consent("R-NOINT", interview=False, recording=False, contact_for_interview=False)
    withdrawn = consent("R-GONE")
    withdrawn.consent.withdrawn_at = timezone.now()
    withdrawn.consent.save()
    invited = consent("R-INVITED")
    Interview.objects.create(wave=wave, partnership=fife, kind="participant", research_consent=invited)
    ResearchConsentFactory(pseudonym="R-ELSEWHERE")  # another programme
    anonymised = consent("R-ANON")  # erased: nobody can contact them any more
    Participant.objects.filter(pk=anonymised.participant_id).update(anonymised_at=timezone.now())

    user = StaffMemberFactory(partnership=None, roles=[Role.EVALUATOR], programmes=[programme]).user
    # who (3), the programmes they oversee, consents, earlier interviews, barriers, children, outcomes
    with django_assert_num_queries(9):
        candidates = candidates_for(user, wave)
    assert candidates == [
        Candidate(
            research_consent_id=private.pk,
            participant_id=private.participant_id,
            pseudonym="R-PRIV",
            partnership_id=fife.pk,
            shares_service_data=False,
            interviewed_before=False,
        ),
        Candidate(
            research_consent_id=sharing.pk,
            participant_id=sharing.participant_id,
            pseudonym="R-SHARE",
            partnership_id=fife.pk,
            shares_service_data=True,
            interviewed_before=True,
            barrier_profile="few_childcare",
            family="under_5",
            progress="in_work",
        ),
    ]


def test_only_evaluators_get_candidates(db):
    wave = WaveFactory()
    with pytest.raises(NotAllowed):
        candidates_for(StaffMemberFactory().user, wave)

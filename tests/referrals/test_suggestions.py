"""Service suggestions: hand-made cases where the right order is known, then Pat's suggestions from the database.

The hand-made cases use unsaved `Service` objects and plain dataclasses, so each reads as a
small story: who the participant is, which services there are, and which should come first
and why. Scores are exact, so any change to the weights shows up here.
"""

import datetime
import random
import uuid
from typing import Any

import pytest

from coproduce.directory.models import Attribute, Location, Service
from coproduce.participants.models import AvailabilitySlot, Participant
from coproduce.plans.models import Barrier
from coproduce.referrals.suggestions import (
    Candidate,
    NeedsProfile,
    OpeningTime,
    Suggestion,
    keywords,
    postcode_area,
    postcode_district,
    rank_services,
    suggest_services,
)
from tests.directory.factories import (
    AddressFactory,
    LocationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from tests.personas import Personas
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory

FIFE = 1
GLASGOW = 2
MORNING = AvailabilitySlot.PartOfDay.MORNING
AFTERNOON = AvailabilitySlot.PartOfDay.AFTERNOON
AFTER_SCHOOL = AvailabilitySlot.PartOfDay.LATE_AFTERNOON
EVENING = AvailabilitySlot.PartOfDay.EVENING
TUESDAY, THURSDAY, SATURDAY = 1, 3, 5


def candidate(name: str, number: int = 0, *, columns: dict[str, Any] | None = None, **related: Any) -> Candidate:
    """A service nobody has saved, reached from Fife unless `related` says otherwise."""
    related.setdefault("partnership_ids", frozenset({FIFE}))
    service_id = uuid.UUID(int=number) if number else uuid.uuid5(uuid.NAMESPACE_URL, name)
    service = Service(id=service_id, name=name, **(columns or {}))
    return Candidate(service=service, **related)


def names(suggestions: list[Suggestion]) -> list[str]:
    return [suggestion.service.name for suggestion in suggestions]


def table(suggestions: list[Suggestion]) -> list[tuple[str, int, list[str]]]:
    return [(suggestion.service.name, suggestion.score, suggestion.reasons) for suggestion in suggestions]


# --- small pieces -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "district", "area"),
    [
        ("KY1 1XX", "KY1", "KY"),
        ("ky11 2ab", "KY11", "KY"),
        ("KY111AB", "KY11", "KY"),
        ("G1 1XX", "G1", "G"),
        ("EC1A 1BB", "EC1A", "EC"),
        ("KY1", "KY1", "KY"),
        ("", "", ""),
        ("not a postcode", "", ""),
    ],
)
def test_postcode_district_and_area(postcode: str, district: str, area: str) -> None:
    assert (postcode_district(postcode), postcode_area(postcode)) == (district, area)


def test_keywords_leave_out_stop_words_and_the_words_every_service_uses() -> None:
    assert keywords("I'd love to work with children, maybe in a nursery; children's jobs!") == {
        "love": "love",
        "children": "children",
        "maybe": "maybe",
        "nursery": "nursery",
    }
    assert keywords("Courses and classes in caring for families") == {
        "course": "courses",
        "class": "classes",
        "caring": "caring",
        "family": "families",
    }


# --- hand-made ranking cases --------------------------------------------------------------------


def test_a_barrier_that_matters_a_great_deal_beats_being_close_by() -> None:
    needs = NeedsProfile(
        barriers={Barrier.MONEY_AND_DEBT: 3, Barrier.CONFIDENCE: 1}, partnership_id=FIFE, postcode="KY1 1XX"
    )
    services = [
        candidate("Confidence Club", barriers=frozenset({Barrier.CONFIDENCE}), postcodes=("KY1 3BB",)),
        candidate("Debt Clinic", barriers=frozenset({Barrier.MONEY_AND_DEBT}), postcodes=("KY7 5AA",)),
    ]
    assert table(rank_services(needs, services)) == [
        (
            "Debt Clinic",
            105,
            [
                "Helps with money and debt, which matters a great deal to you",
                "In your postcode area (KY)",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
        (
            "Confidence Club",
            55,
            [
                "Helps with confidence and self-esteem, which matters a little to you",
                "In your postcode district (KY1)",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
    ]


def test_more_barriers_helped_with_score_more_and_are_listed_most_important_first() -> None:
    needs = NeedsProfile(
        barriers={Barrier.HOUSING: 1, Barrier.MONEY_AND_DEBT: 2, Barrier.MENTAL_HEALTH: 2}, partnership_id=FIFE
    )
    services = [
        candidate("Money Only", barriers=frozenset({Barrier.MONEY_AND_DEBT})),
        candidate("Whole Person", barriers=frozenset({Barrier.HOUSING, Barrier.MONEY_AND_DEBT, Barrier.MENTAL_HEALTH})),
    ]
    assert table(rank_services(needs, services)) == [
        (
            "Whole Person",
            158,
            [
                "Helps with mental health, which matters quite a lot to you",
                "Helps with money and debt, which matters quite a lot to you",
                "Helps with housing, which matters a little to you",
                "Part of your local partnership",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
        (
            "Money Only",
            68,
            [
                "Helps with money and debt, which matters quite a lot to you",
                "Part of your local partnership",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
    ]


def test_childcare_on_site_wins_for_the_parent_of_a_toddler() -> None:
    services = [
        candidate("Back to Work Skills", barriers=frozenset({Barrier.SKILLS}), postcodes=("KY1 2AB",)),
        candidate(
            "Skills with a Creche",
            barriers=frozenset({Barrier.SKILLS}),
            postcodes=("KY1 2AB",),
            columns={"childcare_on_site": True},
        ),
    ]
    with_toddler = NeedsProfile(barriers={Barrier.SKILLS: 2}, postcode="KY1 1XX", has_child_under_five=True)
    assert table(rank_services(with_toddler, services)) == [
        (
            "Skills with a Creche",
            105,
            [
                "Helps with skills and qualifications, which matters quite a lot to you",
                "In your postcode district (KY1)",
                "Childcare on site",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
        (
            "Back to Work Skills",
            85,
            [
                "Helps with skills and qualifications, which matters quite a lot to you",
                "In your postcode district (KY1)",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
    ]
    # With older children only, the crèche is not a reason: the two tie and go by name.
    school_age = NeedsProfile(barriers={Barrier.SKILLS: 2}, postcode="KY1 1XX")
    assert [(name, score) for name, score, _ in table(rank_services(school_age, services))] == [
        ("Back to Work Skills", 85),
        ("Skills with a Creche", 85),
    ]
    # Childcare as a barrier counts as much as a young child does.
    childcare_barrier = NeedsProfile(barriers={Barrier.SKILLS: 2, Barrier.CHILDCARE: 1}, postcode="KY1 1XX")
    assert names(rank_services(childcare_barrier, services)) == ["Skills with a Creche", "Back to Work Skills"]


def test_the_same_postcode_district_beats_the_same_postcode_area_which_beats_the_partnership() -> None:
    needs = NeedsProfile(barriers={Barrier.HOUSING: 2}, partnership_id=FIFE, postcode="KY1 1XX")
    housing = frozenset({Barrier.HOUSING})
    services = [
        candidate("Anywhere in Fife", barriers=housing),
        candidate("Dunfermline Housing", barriers=housing, postcodes=("KY11 4AB",)),
        candidate("Kirkcaldy Housing", barriers=housing, postcodes=("KY12 9ZZ", "KY1 2AB")),
        candidate("Glasgow Housing", barriers=housing, postcodes=("G1 1XX",), partnership_ids=frozenset({GLASGOW})),
    ]
    assert [(name, score, reasons[1]) for name, score, reasons in table(rank_services(needs, services))] == [
        ("Kirkcaldy Housing", 85, "In your postcode district (KY1)"),
        ("Dunfermline Housing", 75, "In your postcode area (KY)"),
        ("Anywhere in Fife", 68, "Part of your local partnership"),
    ]


def test_online_services_reach_everyone_between_the_district_and_the_area() -> None:
    needs = NeedsProfile(barriers={Barrier.DIGITAL: 1}, partnership_id=GLASGOW, postcode="G1 1XX")
    digital = frozenset({Barrier.DIGITAL})
    services = [
        candidate("Fife Computer Club", barriers=digital, postcodes=("KY1 2AB",)),
        candidate("Online Digital Skills", barriers=digital, online=True, partnership_ids=frozenset()),
        candidate("Glasgow Computer Club", barriers=digital, postcodes=("G2 3CD",), partnership_ids=frozenset()),
    ]
    assert table(rank_services(needs, services)) == [
        (
            "Online Digital Skills",
            50,
            [
                "Helps with digital skills and access, which matters a little to you",
                "Online or by phone, so there is no journey",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
        (
            "Glasgow Computer Club",
            45,
            [
                "Helps with digital skills and access, which matters a little to you",
                "In your postcode area (G)",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
    ]


def test_a_full_service_drops_below_a_comparable_one_with_places_and_a_weak_fit_that_is_full_is_left_out() -> None:
    needs = NeedsProfile(
        barriers={Barrier.MONEY_AND_DEBT: 3, Barrier.CONFIDENCE: 1}, partnership_id=FIFE, postcode="KY1 1XX"
    )
    money = frozenset({Barrier.MONEY_AND_DEBT})
    services = [
        candidate("Able Money Advice", barriers=money, postcodes=("KY1 2AB",), columns={"places_available": 0}),
        candidate("Zed Money Advice", barriers=money, postcodes=("KY1 2AB",), columns={"places_available": 2}),
        candidate("Quiet Confidence", barriers=frozenset({Barrier.CONFIDENCE}), columns={"places_available": 0}),
        candidate("Single Place", barriers=frozenset({Barrier.CONFIDENCE}), columns={"places_available": 1}),
    ]
    assert table(rank_services(needs, services)) == [
        (
            "Zed Money Advice",
            115,
            [
                "Helps with money and debt, which matters a great deal to you",
                "In your postcode district (KY1)",
                "Opening times not stated",
                "2 places free",
            ],
        ),
        (
            "Able Money Advice",
            75,
            [
                "Helps with money and debt, which matters a great deal to you",
                "In your postcode district (KY1)",
                "Opening times not stated",
                "No places free at the moment",
            ],
        ),
        (
            "Single Place",
            38,
            [
                "Helps with confidence and self-esteem, which matters a little to you",
                "Part of your local partnership",
                "Opening times not stated",
                "1 place free",
            ],
        ),
    ]


def test_services_open_when_the_participant_is_free_rise_and_ones_open_only_when_they_are_not_drop() -> None:
    needs = NeedsProfile(
        barriers={Barrier.SOCIAL_ISOLATION: 2},
        partnership_id=FIFE,
        free_at=frozenset({(TUESDAY, MORNING), (THURSDAY, AFTERNOON), (THURSDAY, AFTER_SCHOOL)}),
    )
    isolation = frozenset({Barrier.SOCIAL_ISOLATION})
    services = [
        candidate(
            "Alpha Saturday Group",
            barriers=isolation,
            opening_times=(OpeningTime(frozenset({SATURDAY}), datetime.time(10), datetime.time(14)),),
        ),
        candidate("Beta Drop-in", barriers=isolation),
        candidate(
            "Gamma Tuesday Group",
            barriers=isolation,
            opening_times=(
                OpeningTime(frozenset({TUESDAY}), datetime.time(9, 30), datetime.time(11, 30)),
                OpeningTime(frozenset({THURSDAY}), datetime.time(13), datetime.time(16)),
            ),
        ),
        candidate(
            # Open on Tuesday, but only from 12: the morning (9 to 12) does not overlap.
            "Delta Tuesday Lunch",
            barriers=isolation,
            opening_times=(OpeningTime(frozenset({TUESDAY}), datetime.time(12), datetime.time(13)),),
        ),
    ]
    assert table(rank_services(needs, services)) == [
        (
            "Gamma Tuesday Group",
            83,
            [
                "Helps with social isolation, which matters quite a lot to you",
                "Part of your local partnership",
                "Open on Tuesday mornings, Thursday afternoons and Thursday after school, when you said you are free",
                "Places not stated",
            ],
        ),
        (
            "Beta Drop-in",
            68,
            [
                "Helps with social isolation, which matters quite a lot to you",
                "Part of your local partnership",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
        (
            "Alpha Saturday Group",
            43,
            [
                "Helps with social isolation, which matters quite a lot to you",
                "Part of your local partnership",
                "Not open at the times you said you are free",
                "Places not stated",
            ],
        ),
        (
            "Delta Tuesday Lunch",
            43,
            [
                "Helps with social isolation, which matters quite a lot to you",
                "Part of your local partnership",
                "Not open at the times you said you are free",
                "Places not stated",
            ],
        ),
    ]
    # Someone who has not said when they are free is not held back by any opening times.
    unsaid = NeedsProfile(barriers={Barrier.SOCIAL_ISOLATION: 2}, partnership_id=FIFE)
    assert {suggestion.score for suggestion in rank_services(unsaid, services)} == {68}


def test_days_free_at_the_same_time_are_said_together() -> None:
    needs = NeedsProfile(
        barriers={Barrier.SKILLS: 1},
        partnership_id=FIFE,
        free_at=frozenset({(0, MORNING), (1, MORNING), (4, MORNING), (2, EVENING), (6, EVENING)}),
    )
    every_day = OpeningTime(frozenset(range(7)))  # no hours stated: open all day
    [suggestion] = rank_services(
        needs, [candidate("Open All Week", barriers=frozenset({Barrier.SKILLS}), opening_times=(every_day,))]
    )
    assert suggestion.reasons[2] == (
        "Open on Monday, Tuesday and Friday mornings and Wednesday and Sunday evenings, when you said you are free"
    )


def test_an_inactive_service_never_appears_however_well_it_fits() -> None:
    needs = NeedsProfile(barriers={Barrier.HOUSING: 3}, postcode="KY1 1XX", has_child_under_five=True)
    perfect = {
        "barriers": frozenset({Barrier.HOUSING}),
        "postcodes": ("KY1 2AB",),
        "online": True,
    }
    services = [
        candidate(
            "Closed Housing Service", columns={"status": Service.Status.INACTIVE, "childcare_on_site": True}, **perfect
        ),
        candidate("Defunct Housing Service", columns={"status": Service.Status.DEFUNCT}, **perfect),
        candidate("Paused Housing Service", columns={"status": Service.Status.TEMPORARILY_CLOSED}, **perfect),
        candidate("Open Housing Service", barriers=frozenset({Barrier.HOUSING}), postcodes=("KY1 2AB",)),
    ]
    assert names(rank_services(needs, services)) == ["Open Housing Service"]


def test_words_shared_with_the_aspirations_lift_a_service() -> None:
    needs = NeedsProfile(
        barriers={Barrier.SKILLS: 2},
        aspirations="I'd love to train as a childminder and work with children.",
        partnership_id=FIFE,
    )
    skills = frozenset({Barrier.SKILLS})
    services = [
        candidate("Alpha Computing Course", barriers=skills, columns={"description": "Basic computer skills."}),
        candidate(
            "Childminding Start-up",
            barriers=skills,
            columns={"description": "Training to become a registered childminder, for people who love children."},
        ),
        # No barrier in common, but the aspirations alone make it worth suggesting.
        candidate("Kids Club Volunteers", columns={"description": "Volunteer with children after school."}),
        # Nothing in common at all: not suggested.
        candidate("Garden Project", columns={"description": "Grow vegetables with your neighbours."}),
    ]
    assert table(rank_services(needs, services)) == [
        (
            "Childminding Start-up",
            98,
            [
                "Helps with skills and qualifications, which matters quite a lot to you",
                "Fits what you said you want (love, childminder and children)",
                "Part of your local partnership",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
        (
            "Alpha Computing Course",
            68,
            [
                "Helps with skills and qualifications, which matters quite a lot to you",
                "Part of your local partnership",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
        (
            "Kids Club Volunteers",
            18,
            [
                "Fits what you said you want (children)",
                "Part of your local partnership",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
    ]


def test_at_most_three_shared_words_count() -> None:
    needs = NeedsProfile(aspirations="nursery garden cooking music painting", partnership_id=FIFE)
    everything = candidate("Everything Centre", columns={"description": "Nursery, garden, cooking, music, painting."})
    [suggestion] = rank_services(needs, [everything])
    assert (suggestion.score, suggestion.reasons[0]) == (
        38,
        "Fits what you said you want (nursery, garden, cooking, music and painting)",
    )


def test_a_service_that_takes_referrals_comes_a_little_before_a_signposting_one() -> None:
    mind = frozenset({Barrier.MENTAL_HEALTH})
    services = [
        candidate("Alpha Wellbeing", barriers=mind),
        candidate("Beta Wellbeing", barriers=mind, columns={"takes_referrals": True}),
        # Being close by counts for more than the route.
        candidate("Gamma Wellbeing", barriers=mind, postcodes=("KY1 2AB",)),
    ]
    needs = NeedsProfile(barriers={Barrier.MENTAL_HEALTH: 2}, partnership_id=FIFE, postcode="KY1 1XX")
    assert table(rank_services(needs, services)) == [
        (
            "Gamma Wellbeing",
            85,
            [
                "Helps with mental health, which matters quite a lot to you",
                "In your postcode district (KY1)",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
        (
            "Beta Wellbeing",
            73,
            [
                "Helps with mental health, which matters quite a lot to you",
                "Part of your local partnership",
                "Opening times not stated",
                "Places not stated",
                "Your keyworker can refer you through Coproduce",
            ],
        ),
        (
            "Alpha Wellbeing",
            68,
            [
                "Helps with mental health, which matters quite a lot to you",
                "Part of your local partnership",
                "Opening times not stated",
                "Places not stated",
            ],
        ),
    ]


def test_ties_go_by_name_then_id_whatever_order_the_services_come_in() -> None:
    needs = NeedsProfile(barriers={Barrier.TRANSPORT: 2}, partnership_id=FIFE)
    transport = frozenset({Barrier.TRANSPORT})
    services = [
        candidate("Bus Buddies", 3, barriers=transport),
        candidate("Community Transport", 9, barriers=transport),
        candidate("Community Transport", 2, barriers=transport),
        candidate("Aardvark Lifts", 7, barriers=transport),
    ]
    expected = [
        ("Aardvark Lifts", 7),
        ("Bus Buddies", 3),
        ("Community Transport", 2),
        ("Community Transport", 9),
    ]
    shuffled = random.Random(4)
    for _ in range(10):
        shuffled.shuffle(services)
        ranked = rank_services(needs, services)
        assert [(s.service.name, s.service.pk.int) for s in ranked] == expected
        assert {s.score for s in ranked} == {68}
    assert names(rank_services(needs, services, limit=2)) == ["Aardvark Lifts", "Bus Buddies"]


def test_nothing_is_suggested_to_someone_with_no_needs_recorded() -> None:
    services = [candidate("Anything", barriers=frozenset({Barrier.HOUSING}), postcodes=("KY1 2AB",))]
    assert rank_services(NeedsProfile(partnership_id=FIFE, postcode="KY1 1XX"), services) == []


# --- from the database --------------------------------------------------------------------------


def barrier_tag(service: Service, barrier: str) -> None:
    term = TaxonomyTermFactory(code=barrier, name=Barrier(barrier).label)
    Attribute.objects.create(taxonomy_term=term, service=service, link_id=service.id, link_entity="service")


def located(service: Service, postcode: str = "", *, online: bool = False) -> None:
    location_type = Location.LocationType.VIRTUAL if online else Location.LocationType.PHYSICAL
    location = LocationFactory(organization=service.organization, location_type=location_type)
    if postcode:
        AddressFactory(location=location, postal_code=postcode)
    ServiceAtLocationFactory(service=service, location=location)


def give_pat_an_assessment(pat: Participant) -> None:
    older = AssessmentFactory(participant=pat, assessed_on=datetime.date(2018, 1, 10))
    AssessmentBarrierFactory(assessment=older, barrier=Barrier.HOUSING, importance=3)
    latest = AssessmentFactory(
        participant=pat,
        assessed_on=datetime.date(2019, 5, 1),
        aspirations="I want to work in a care home near the school.",
    )
    AssessmentBarrierFactory(assessment=latest, barrier=Barrier.MONEY_AND_DEBT, importance=3)
    AssessmentBarrierFactory(assessment=latest, barrier=Barrier.CHILDCARE, importance=2)
    AvailabilitySlot.objects.create(participant=pat, weekday=TUESDAY, part_of_day=MORNING)


PAT_TODAY = datetime.date(2019, 6, 4)  # Pat's younger child, born 2016, is a toddler


def test_pats_suggestions_from_the_directory(personas: Personas) -> None:
    pat = personas.participant
    give_pat_an_assessment(pat)
    barrier_tag(personas.partner_service, Barrier.MONEY_AND_DEBT)  # Kingdom Money Advice, in Fife
    barrier_tag(personas.other_partner_service, Barrier.CHILDCARE)  # Fife Childcare Links
    care = ServiceFactory(
        name="Care Academy", description="Training for a career in social care.", childcare_on_site=True
    )
    located(care, "KY1 2AB")
    ScheduleFactory(service=care, byday="MO,TU,WE,TH,FR", opens_at=datetime.time(9), closes_at=datetime.time(17))
    helpline = ServiceFactory(name="Debt Helpline", description="Phone and web chat.", places_available=0)
    barrier_tag(helpline, Barrier.MONEY_AND_DEBT)
    located(helpline, online=True)
    ScheduleFactory(service=helpline, byday="SA", opens_at=datetime.time(10), closes_at=datetime.time(12))
    # Never suggested: closed, in Glasgow, about housing (a barrier only in Pat's older assessment).
    closed = ServiceFactory(name="Closed Debt Service", status=Service.Status.INACTIVE, partnerships=[personas.fife])
    barrier_tag(closed, Barrier.MONEY_AND_DEBT)
    glasgow = ServiceFactory(name="Glasgow Money Help", partnerships=[personas.glasgow])
    barrier_tag(glasgow, Barrier.MONEY_AND_DEBT)
    located(glasgow, "G1 2AB")
    housing = ServiceFactory(name="Fife Housing Advice", partnerships=[personas.fife])
    barrier_tag(housing, Barrier.HOUSING)

    suggestions = suggest_services(pat, today=PAT_TODAY)

    assert [(s.service.pk, s.score, s.reasons) for s in suggestions] == [
        (
            personas.partner_service.pk,
            103,
            [
                "Helps with money and debt, which matters a great deal to you",
                "Part of your local partnership",
                "Opening times not stated",
                "4 places free",
                "Your keyworker can refer you through Coproduce",
            ],
        ),
        (
            personas.other_partner_service.pk,
            73,
            [
                "Helps with childcare, which matters quite a lot to you",
                "Part of your local partnership",
                "Opening times not stated",
                "4 places free",
                "Your keyworker can refer you through Coproduce",
            ],
        ),
        (
            care.pk,
            70,
            [
                "Fits what you said you want (care)",
                "In your postcode district (KY1)",
                "Childcare on site",
                "Open on Tuesday mornings, when you said you are free",
                "Places not stated",
            ],
        ),
        (
            helpline.pk,
            45,
            [
                "Helps with money and debt, which matters a great deal to you",
                "Online or by phone, so there is no journey",
                "Not open at the times you said you are free",
                "No places free at the moment",
            ],
        ),
    ]
    assert [s.service.name for s in suggest_services(pat, today=PAT_TODAY, limit=2)] == [
        "Money and debt advice",
        "Help finding childcare",
    ]


def test_someone_with_no_assessment_gets_no_suggestions(personas: Personas) -> None:
    barrier_tag(personas.partner_service, Barrier.MONEY_AND_DEBT)
    assert suggest_services(personas.second_participant, today=PAT_TODAY) == []


def test_schedules_out_of_date_or_on_the_service_at_a_location_are_read_right(personas: Personas) -> None:
    pat = personas.participant
    give_pat_an_assessment(pat)
    group = ServiceFactory(name="Money Group", partnerships=[personas.fife])
    barrier_tag(group, Barrier.MONEY_AND_DEBT)
    # Ran on Tuesdays until last year: not counted, so the times are not stated.
    ScheduleFactory(service=group, byday="TU", valid_to=datetime.date(2018, 12, 31))
    assert reasons_for(suggest_services(pat, today=PAT_TODAY), "Money Group") == [
        "Helps with money and debt, which matters a great deal to you",
        "Part of your local partnership",
        "Opening times not stated",
        "Places not stated",
    ]
    # Now on the first Tuesday of the month, at its centre.
    at_centre = ServiceAtLocationFactory(service=group)
    ScheduleFactory(
        service=None, service_at_location=at_centre, freq="MONTHLY", byday="1TU", opens_at=datetime.time(10)
    )
    assert reasons_for(suggest_services(pat, today=PAT_TODAY), "Money Group") == [
        "Helps with money and debt, which matters a great deal to you",
        "Part of your local partnership",
        "Open on Tuesday mornings, when you said you are free",
        "Places not stated",
    ]


def reasons_for(suggestions: list[Suggestion], name: str) -> list[str]:
    [suggestion] = [suggestion for suggestion in suggestions if suggestion.service.name == name]
    return suggestion.reasons


def fill_directory(personas: Personas, count: int) -> None:
    for number in range(count):
        service = ServiceFactory(
            name=f"Money service {number}", partnerships=[personas.fife], takes_referrals=True, places_available=2
        )
        barrier_tag(service, Barrier.MONEY_AND_DEBT)
        located(service, f"KY{number + 1} 1AB")
        located(service, online=True)
        ScheduleFactory(service=service, byday="TU")
        at_location = service.service_at_locations.first()
        ScheduleFactory(service=None, service_at_location=at_location, byday="WE")


@pytest.mark.parametrize("services", [1, 8])
def test_suggestions_take_the_same_number_of_queries_however_many_services(
    personas: Personas, django_assert_num_queries: Any, services: int
) -> None:
    pat = personas.participant
    give_pat_an_assessment(pat)
    fill_directory(personas, services)
    # Profile: assessment, its barriers, children, free times. Services: the services, their
    # partnerships, barrier tags, services at locations (with the location), addresses, and
    # the schedules of each service and each service at a location.
    with django_assert_num_queries(11):
        suggestions = suggest_services(pat, today=PAT_TODAY, limit=50)
    # The personas' two partner services are in Fife too, but untagged here, so they fit no need.
    assert len(suggestions) == services

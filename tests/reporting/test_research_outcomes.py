"""Outcome analytics for evaluators: Kaplan–Meier, logistic regression and Wilson rates over the
research-consented participants who let the evaluators use their service records."""

import datetime
import math
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd
import pytest
import statsmodels
import statsmodels.formula.api as smf

from coproduce.audit.context import audit_context
from coproduce.audit.models import AuditEvent
from coproduce.core.errors import NotAllowed
from coproduce.participants.models import Participant
from coproduce.programmes.standing import standing_of
from coproduce.reporting.charts import StepCurve, step_chart
from coproduce.reporting.research_outcomes import (
    NO_ASSESSMENT,
    Followed,
    Person,
    ResearchOutcomes,
    analytics_tables,
    counted_groups,
    counted_people,
    fit_odds_ratios,
    grouped,
    kaplan_meier,
    paid_work_model_of,
    paid_work_rates_of,
    read_paid_work_model,
    read_paid_work_rates,
    read_research_outcomes,
    read_time_to_work,
    time_to_work_of,
)
from coproduce.reporting.statistics import SECONDARY_REASON, SMALL_REASON, wilson_interval
from coproduce.reporting.suppression import Reason
from coproduce.research.models import ResearchConsent
from tests.outcomes.factories import JobStartFactory
from tests.participants.factories import ParticipantFactory
from tests.personas import ALL_ROLES, Personas
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory
from tests.research.factories import ResearchConsentFactory

TODAY = datetime.date(2017, 1, 1)
JOINED = datetime.date(2015, 1, 1)
MONTH = 365.25 / 12
BARRIER_NAMES = [
    "childcare",
    "skills_and_qualifications",
    "confidence",
    "mental_health",
    "physical_health",
    "money_and_debt",
]


def day(days: int, since: datetime.date = JOINED) -> datetime.date:
    return since + datetime.timedelta(days=days)


ASSESSED_ON = day(7)


# ---- the cohort ------------------------------------------------------------------------------
#
# Fife, ten people who joined on 1 January 2015 unless said otherwise (days from joining):
#   found work on day 30, 60, 60, 120 and 400;
#   cases closed without work on day 45, 90 and 200;
#   still without work today (1 January 2017), having joined 500 and 800 days before.
# By hand: at day 30, 1 of 10 → 9/10; day 45 censored (8 left); day 60, 2 of 8 → 9/10 · 6/8 = 0.675;
# day 90 censored (5 left); day 120, 1 of 5 → 0.675 · 4/5 = 0.54; day 200 censored (3 left);
# day 400, 1 of 3 → 0.54 · 2/3 = 0.36; 500 and 800 censored.
# 3 months = 91.3 days → 0.675; 6 months = 182.6 days → 0.54; 12 months = 365.25 days → 0.54;
# 24 months = 730.5 days → 0.36 (followed up to 800 days). Median: day 400 = 13.14 months.
#
# Glasgow, fourteen people who joined on 1 January 2015: seven found work on 1 June 2015 (day
# 151), seven are still without work today (day 731): S = 1/2 from day 151, median 151 days.
FIFE_EVENTS = (30, 60, 60, 120, 400)
FIFE_CLOSED = (45, 90, 200)
FIFE_WAITING_SINCE = (500, 800)
# Barriers on each Fife person's latest assessment, in the order above (events, closed, waiting).
FIFE_BARRIERS = (0, 2, 3, 1, 0, 1, 4, 2, 5, 3)
GLASGOW_BARRIERS = (0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3)  # the first seven found work


@dataclass
class Cohort:
    fife: list[Participant]
    glasgow: list[Participant]
    not_counted: list[Participant]


def assess(participant: Participant, barriers: int, on: datetime.date = ASSESSED_ON) -> None:
    assessment = AssessmentFactory(participant=participant, assessed_on=on)
    for name in BARRIER_NAMES[:barriers]:
        AssessmentBarrierFactory(assessment=assessment, barrier=name)


def consented(keyworker: object, **fields: object) -> Participant:
    participant = cast(Participant, ParticipantFactory(keyworker=keyworker, **{"joined_on": JOINED, **fields}))
    ResearchConsentFactory(participant=participant)
    return participant


def build_cohort(personas: Personas) -> Cohort:
    kim, gail = personas.keyworker, personas.glasgow_keyworker
    fife: list[Participant] = []
    for days in FIFE_EVENTS:
        person = consented(kim)
        JobStartFactory(participant=person, achieved_on=day(days))
        fife.append(person)
    for days in FIFE_CLOSED:
        fife.append(consented(kim, status=Participant.Status.CLOSED, status_since=day(days)))
    for days in FIFE_WAITING_SINCE:
        fife.append(consented(kim, joined_on=TODAY - datetime.timedelta(days=days)))
    # Ignored: a job before joining, and one after today.
    JobStartFactory(participant=fife[-1], achieved_on=fife[-1].joined_on - datetime.timedelta(days=10))
    JobStartFactory(participant=fife[-1], achieved_on=day(5, TODAY))
    for person, barriers in zip(fife, FIFE_BARRIERS, strict=True):
        assess(person, barriers)
    # An earlier assessment with other barriers: only the latest counts.
    assess(fife[0], 6, on=day(1))

    glasgow: list[Participant] = []
    for index, barriers in enumerate(GLASGOW_BARRIERS):
        person = consented(gail)
        if index < 7:
            JobStartFactory(participant=person, achieved_on=datetime.date(2015, 6, 1))
        assess(person, barriers)
        glasgow.append(person)

    # None of these count: service records not allowed, consent withdrawn, no research consent,
    # joined after today.
    no_service_data = cast(Participant, ParticipantFactory(keyworker=kim, joined_on=JOINED))
    ResearchConsentFactory(participant=no_service_data, service_data=False)
    JobStartFactory(participant=no_service_data, achieved_on=day(3))
    withdrawn = consented(kim)
    JobStartFactory(participant=withdrawn, achieved_on=day(3))
    consent = withdrawn.research_consent.consent
    consent.withdrawn_at = datetime.datetime(2016, 1, 1, tzinfo=datetime.UTC)
    consent.save()
    never_asked = cast(Participant, ParticipantFactory(keyworker=kim, joined_on=JOINED))
    JobStartFactory(participant=never_asked, achieved_on=day(3))
    not_yet = consented(kim, joined_on=day(1, TODAY))
    return Cohort(fife=fife, glasgow=glasgow, not_counted=[no_service_data, withdrawn, never_asked, not_yet])


@pytest.fixture
def cohort(personas: Personas) -> Cohort:
    return build_cohort(personas)


# ---- Kaplan–Meier on a hand-made cohort --------------------------------------------------------


def test_kaplan_meier_on_six_people_matches_the_products_worked_out_by_hand() -> None:
    # Months: found work at 2, 3, 5 and 10; no work when last seen at 3 and 8.
    # t=2: 6 at risk, 1 event → 5/6. t=3: 5 at risk (the one censored at 3 still counts), 1 event →
    # 5/6 · 4/5 = 2/3. t=5: 3 at risk → 2/3 · 2/3 = 4/9. t=8 censored. t=10: 1 at risk → 0.
    estimate = kaplan_meier([2, 3, 3, 5, 8, 10], [True, True, False, True, False, True], at=(1, 2, 4, 6, 12))

    assert (estimate.n, estimate.events) == (6, 4)
    assert [time for time, _ in estimate.steps] == [0, 2, 3, 5, 8, 10]
    assert [share for _, share in estimate.steps] == pytest.approx([1, 5 / 6, 2 / 3, 4 / 9, 4 / 9, 0], rel=1e-12)
    assert [months for months, _ in estimate.at] == [1, 2, 4, 6, 12]
    assert [share for _, share in estimate.at] == pytest.approx([1, 5 / 6, 2 / 3, 4 / 9, 0], rel=1e-12)
    # The median: the first time S(t) ≤ 1/2, at 5 months.
    assert estimate.median == 5
    # Its interval, from the exponential Greenwood band: v(t) = Σ d/(n(n−d)) / log(S)², band
    # S^exp(±1.96√v). At 2 months v = (1/30)/log(5/6)², and the lower band is already below 1/2.
    v_at_2 = (1 / 30) / math.log(5 / 6) ** 2
    assert (5 / 6) ** math.exp(1.959964 * math.sqrt(v_at_2)) == pytest.approx(0.2731, abs=1e-4)
    # At 5 months v = (1/30 + 1/20 + 1/6)/log(4/9)², and the upper band is still 0.785: it first
    # reaches 1/2 when the curve falls to nought at 10 months.
    v_at_5 = (1 / 30 + 1 / 20 + 1 / 6) / math.log(4 / 9) ** 2
    assert (4 / 9) ** math.exp(-1.959964 * math.sqrt(v_at_5)) == pytest.approx(0.7849, abs=1e-4)
    assert (estimate.median_low, estimate.median_high) == (2, 10)
    assert estimate.median_label == "5.0 months (95% CI 2.0 to 10.0)"


def test_a_share_beyond_the_follow_up_is_not_known_and_an_unreached_median_says_so() -> None:
    estimate = kaplan_meier([1, 2, 3, 4], [True, False, False, False], at=(3, 6))

    assert estimate.at[0][1] == pytest.approx(0.75, rel=1e-12)
    assert estimate.at[1] == (6, None)
    assert estimate.median is None
    assert estimate.median_label.startswith("not reached")


def test_time_to_work_from_the_records_by_area(cohort: Cohort, personas: Personas) -> None:
    result = read_time_to_work(actor=personas.evaluator.user, today=TODAY)

    fife, glasgow = result.areas
    assert (fife.area, fife.people.value, fife.found_work.value, fife.not_in_work.value) == ("Fife", 10, 5, 5)
    assert fife.estimate is not None
    assert [months for months, _ in fife.estimate.at] == [3, 6, 12, 24]
    assert [share for _, share in fife.estimate.at] == pytest.approx([0.675, 0.54, 0.54, 0.36], rel=1e-12)
    assert fife.estimate.median == pytest.approx(400 / MONTH, rel=1e-12)
    assert fife.estimate.steps[1][0] == pytest.approx(30 / MONTH, rel=1e-12)
    assert fife.estimate.steps[1][1] == pytest.approx(0.9, rel=1e-12)
    assert (glasgow.area, glasgow.people.value, glasgow.found_work.value) == ("Glasgow", 14, 7)
    assert glasgow.estimate is not None
    assert glasgow.estimate.median == pytest.approx(151 / MONTH, rel=1e-12)
    assert [share for _, share in glasgow.estimate.at] == pytest.approx([1.0, 0.5, 0.5, 0.5], rel=1e-12)
    overall = result.overall
    assert (overall.area, overall.people.value, overall.found_work.value, overall.not_in_work.value) == (
        "All areas",
        24,
        12,
        12,
    )


def test_an_area_whose_counts_are_hidden_gets_no_curve() -> None:
    people = [Person("Fife", JOINED, day(30 * i) if i < 6 else None, None, 1) for i in range(12)]
    people += [Person("Leith", JOINED, day(40), None, 2), Person("Leith", JOINED, None, None, 2)]

    result = time_to_work_of(people, TODAY)

    fife, leith = result.areas
    assert leith.people.reason is Reason.SMALL
    assert leith.estimate is None
    assert leith.note == f"Not estimated: a number of people here is {SMALL_REASON}."
    # Fife's counts would give Leith's back from the total: hidden too, and so no curve.
    assert fife.estimate is None
    assert fife.note == f"Not estimated: a number of people here is {SECONDARY_REASON}."


# ---- who is counted ----------------------------------------------------------------------------


def test_only_people_in_force_with_service_data_count_and_a_withdrawal_counts_at_once(
    cohort: Cohort, personas: Personas
) -> None:
    eve = personas.evaluator.user
    assert len(counted_people(eve, TODAY)) == 24

    consent = cohort.fife[0].research_consent.consent
    consent.withdrawn_at = datetime.datetime(2016, 12, 31, tzinfo=datetime.UTC)
    consent.save()
    ResearchConsent.objects.filter(participant=cohort.glasgow[0]).update(service_data=False)

    outcomes = read_research_outcomes(actor=eve, today=TODAY)
    assert outcomes.time_to_work.overall.people.value == 22
    assert [row.people.value for row in outcomes.time_to_work.areas] == [9, 13]
    assert outcomes.paid_work_model.n == 22


def test_what_counts_per_person(cohort: Cohort, personas: Personas) -> None:
    people = counted_people(personas.evaluator.user, TODAY)

    fife = [(p.area, p.first_job_on, p.closed_on, p.barriers) for p in people if p.area == "Fife"]
    # The latest assessment's barriers (not the earlier six); the ignored jobs give no first job.
    assert sorted((row[1], row[3]) for row in fife if row[1] is not None) == sorted(
        (day(days), barriers) for days, barriers in zip(FIFE_EVENTS, FIFE_BARRIERS, strict=False)
    )
    assert sorted(row[2] for row in fife if row[2] is not None) == [day(days) for days in FIFE_CLOSED]
    assert sorted(row[3] or 0 for row in fife if row[1] is None and row[2] is None) == [3, 5]


@pytest.mark.parametrize("role", [role for role in ALL_ROLES if role not in ("evaluator", "anonymous")])
def test_nobody_but_an_evaluator_gets_them(role: str, cohort: Cohort, personas: Personas) -> None:
    user = personas.user_for(role)
    for read in (read_research_outcomes, read_time_to_work, read_paid_work_model, read_paid_work_rates):
        with pytest.raises(NotAllowed):
            read(actor=user, today=TODAY)
    with pytest.raises(NotAllowed):
        counted_people(user, TODAY)
    assert not AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.VIEW, path="").exists()


def test_the_read_is_audited_as_aggregates(cohort: Cohort, personas: Personas) -> None:
    eve = personas.evaluator.user

    with audit_context(channel=AuditEvent.Channel.PAGE, path="/research/analytics/"):
        read_research_outcomes(actor=eve, today=TODAY)

    event = AuditEvent.objects.get(actor=eve, path="/research/analytics/")
    assert (event.action, event.channel, event.participant_id, event.record_type) == (
        "view",
        "page",
        None,
        "programmes.Programme",
    )


def test_the_rows_load_in_two_queries_however_many_people(
    personas: Personas, django_assert_num_queries: object
) -> None:
    eve = personas.evaluator.user
    build_cohort(personas)
    assert standing_of(eve).programmes  # who Eve is and what she oversees, cached: not part of loading the rows
    with django_assert_num_queries(2):  # type: ignore[operator]
        assert len(counted_people(eve, TODAY)) == 24
    for index in range(30):
        person = consented(personas.keyworker)
        assess(person, index % 5)
        if index % 2:
            JobStartFactory(participant=person, achieved_on=day(index + 1))
    with django_assert_num_queries(2):  # type: ignore[operator]
        assert len(counted_people(eve, TODAY)) == 54


def test_the_whole_read_takes_as_many_queries_with_more_people(
    personas: Personas, django_assert_num_queries: object
) -> None:
    eve = personas.evaluator.user
    build_cohort(personas)
    assert standing_of(eve).programmes
    # The people, grouped in the database (1), and the event (which names the programme read, already known).
    with django_assert_num_queries(2):  # type: ignore[operator]
        read_research_outcomes(actor=eve, today=TODAY)
    for _ in range(20):
        consented(personas.glasgow_keyworker)
    with django_assert_num_queries(2):  # type: ignore[operator]
        read_research_outcomes(actor=eve, today=TODAY)


def test_the_groups_counted_in_the_database_are_the_people_counted_one_by_one(
    cohort: Cohort, personas: Personas, django_assert_num_queries: object
) -> None:
    eve = personas.evaluator.user
    assert standing_of(eve).programmes
    # Someone closed after `today` is followed up to `today`; someone closed on it, to it.
    late, on_the_day = cohort.glasgow[-2:]
    Participant.objects.filter(pk=late.pk).update(status=Participant.Status.CLOSED, status_since=day(900))
    Participant.objects.filter(pk=on_the_day.pk).update(status=Participant.Status.CLOSED, status_since=TODAY)
    people = counted_people(eve, TODAY)
    with django_assert_num_queries(1):  # type: ignore[operator]
        groups = counted_groups(eve, TODAY)
    assert groups == grouped(people, TODAY)
    assert sum(group.count for group in groups) == len(people) == 24
    assert any(group.count > 1 for group in groups)
    assert sorted((group.months, group.found_work) for group in groups for _ in range(group.count)) == sorted(
        person.follow_up(TODAY) for person in people
    )


def test_kaplan_meier_from_counts_is_kaplan_meier_person_by_person() -> None:
    durations = [2.0, 3.0, 3.0, 3.0, 5.0, 8.0, 8.0, 10.0, 10.0, 10.0, 12.0]
    events = [True, True, True, False, True, False, False, True, True, False, False]
    one_by_one = kaplan_meier(durations, events, at=(1, 3, 6, 12))
    pairs = sorted(set(zip(durations, events, strict=True)))
    counted = kaplan_meier(
        [duration for duration, _ in pairs],
        [event for _, event in pairs],
        at=(1, 3, 6, 12),
        weights=[sum(1 for pair in zip(durations, events, strict=True) if pair == key) for key in pairs],
    )
    assert (counted.n, counted.events, counted.at) == (one_by_one.n, one_by_one.events, one_by_one.at)
    assert [value for step in counted.steps for value in step] == pytest.approx(
        [value for step in one_by_one.steps for value in step]
    )
    assert (counted.median, counted.median_low, counted.median_high) == pytest.approx(
        (one_by_one.median, one_by_one.median_low, one_by_one.median_high)
    )


# ---- logistic regression -------------------------------------------------------------------


def spector() -> pd.DataFrame:
    path = Path(statsmodels.__file__).parent / "datasets" / "spector" / "spector.csv"
    frame = pd.read_csv(path, sep=" ")
    frame.columns = [column.strip("'") for column in frame.columns]
    return frame


def test_the_odds_ratios_match_greenes_published_logit_of_the_spector_data() -> None:
    # Spector and Mazzeo (1980), 32 students: did a new teaching method (PSI) raise grades, given
    # GPA and TUCE? Greene, Econometric Analysis (5th ed., Table 21.1) publishes the logit
    # coefficients: constant −13.021, GPA 2.826, TUCE 0.095, PSI 2.379. PSI goes in as the group
    # variable with "0" (without the method) as the reference.
    frame = spector()
    frame["PSI"] = frame["PSI"].astype(int).astype(str)

    fitted = fit_odds_ratios(frame, outcome="GRADE", numeric=["GPA", "TUCE"], categorical="PSI", reference="0")

    assert list(fitted) == ["PSI=1", "GPA", "TUCE"]
    assert math.log(fitted["GPA"][0]) == pytest.approx(2.826, abs=5e-4)
    assert math.log(fitted["TUCE"][0]) == pytest.approx(0.095, abs=5e-4)
    assert math.log(fitted["PSI=1"][0]) == pytest.approx(2.379, abs=5e-4)
    # And the same as statsmodels called directly, to the last digit.
    direct = smf.logit("GRADE ~ GPA + TUCE + PSI", data=spector()).fit(disp=0)
    for ours, theirs in (("GPA", "GPA"), ("TUCE", "TUCE"), ("PSI=1", "PSI")):
        low, high = direct.conf_int().loc[theirs]
        assert fitted[ours] == pytest.approx(
            (math.exp(direct.params[theirs]), math.exp(low), math.exp(high), direct.pvalues[theirs]), rel=1e-9
        )


def test_the_model_fitted_on_groups_is_the_logit_fitted_person_by_person() -> None:
    # A varied fixture: four areas of different sizes and rates, barriers 0–7 (some unassessed),
    # groups of one person and of hundreds. Fitted on the groups with frequency weights, the odds
    # ratios, intervals and p-values are those of statsmodels' logit with one row a person.
    rng = np.random.default_rng(14)
    groups = []
    for area, size, shift in (("Arran", 40, 0.8), ("Bute", 300, 0.0), ("Coll", 1500, -0.4), ("Dalry", 90, 0.3)):
        for _ in range(size):
            barriers = int(rng.integers(0, 8))
            found = bool(rng.random() < 1 / (1 + math.exp(-(shift - 0.25 * barriers))))
            days = int(rng.integers(0, 900))
            groups.append(Followed(area, days, found, None if rng.random() < 0.05 else barriers))
    people = grouped(groups, TODAY)
    assert len(people) < len(groups)
    assert any(group.count > 1 for group in people)

    model = paid_work_model_of(people)

    modelled = [group for group in groups if group.barriers is not None]
    frame = pd.DataFrame(
        {
            "paid": [int(group.found_work) for group in modelled],
            "barriers": [group.barriers for group in modelled],
            "area": pd.Categorical([group.area for group in modelled], categories=["Coll", "Arran", "Bute", "Dalry"]),
        }
    )
    direct = smf.logit("paid ~ barriers + C(area)", data=frame).fit(disp=0)
    assert model.fitted
    assert model.reference_area == "Coll"
    assert model.n == len(modelled)
    names = {"Each extra barrier": "barriers", **{area: f"C(area)[T.{area}]" for area in ("Arran", "Bute", "Dalry")}}
    assert [ratio.term for ratio in model.odds_ratios] == list(names)
    for ratio in model.odds_ratios:
        name = names[ratio.term]
        low, high = direct.conf_int().loc[name]
        assert math.log(ratio.odds_ratio) == pytest.approx(direct.params[name], abs=1e-8)
        assert (math.log(ratio.ci_low), math.log(ratio.ci_high)) == pytest.approx((low, high), abs=1e-8)
        assert ratio.p_value == pytest.approx(direct.pvalues[name], rel=1e-8, abs=1e-12)


def test_the_paid_work_model_is_statsmodels_logit_of_paid_on_barriers_and_area(cohort: Cohort) -> None:
    people = [
        Person("Fife", JOINED, day(1) if index < 5 else None, None, barriers)
        for index, barriers in enumerate(FIFE_BARRIERS)
    ] + [
        Person("Glasgow", JOINED, day(1) if index < 7 else None, None, barriers)
        for index, barriers in enumerate(GLASGOW_BARRIERS)
    ]

    model = paid_work_model_of(people)

    frame = pd.DataFrame(
        {
            "paid": [1] * 5 + [0] * 5 + [1] * 7 + [0] * 7,
            "barriers": [*FIFE_BARRIERS, *GLASGOW_BARRIERS],
            "glasgow": [0] * 10 + [1] * 14,
        }
    )
    # Fife is the reference only if it is the largest: here Glasgow (14) is, so Fife is compared to it.
    frame["fife"] = 1 - frame["glasgow"]
    direct = smf.logit("paid ~ barriers + fife", data=frame).fit(disp=0)
    assert (model.n, model.in_work, model.fitted, model.reference_area) == (24, 12, True, "Glasgow")
    barriers, fife = model.odds_ratios
    for ours, term in ((barriers, "barriers"), (fife, "fife")):
        low, high = direct.conf_int().loc[term]
        assert (ours.odds_ratio, ours.ci_low, ours.ci_high, ours.p_value) == pytest.approx(
            (math.exp(direct.params[term]), math.exp(low), math.exp(high), direct.pvalues[term]), rel=1e-9
        )
    assert (barriers.term, barriers.people, fife.term, fife.people) == ("Each extra barrier", None, "Fife", 10)
    assert model.reading[0].startswith(
        f"Each extra barrier goes with odds of paid work {barriers.odds_ratio:.2f} times as high (95% CI "
    )
    assert model.reading[1].startswith(
        f"In Fife the odds of paid work were {fife.odds_ratio:.2f} times those in Glasgow"
    )
    assert model.message.startswith("Read with care: with 12 people in the rarer outcome and 2 odds ratios")


def test_the_largest_area_is_the_reference_alphabetical_among_equals() -> None:
    people = [
        Person(area, JOINED, day(1) if index % 2 else None, None, index % 4)
        for area in ("Leith", "Ayr")
        for index in range(12)
    ]

    model = paid_work_model_of(people)

    assert model.reference_area == "Ayr"
    assert [ratio.term for ratio in model.odds_ratios] == ["Each extra barrier", "Leith"]


def test_perfect_separation_gives_a_message_not_a_crash() -> None:
    # Everyone in Leith found work.
    people = [Person("Fife", JOINED, day(1) if index % 2 else None, None, index % 3) for index in range(12)]
    people += [Person("Leith", JOINED, day(1), None, index % 3) for index in range(6)]

    model = paid_work_model_of(people)

    assert (model.fitted, model.odds_ratios, model.reading) == (False, (), ())
    assert model.message == (
        "The model cannot be estimated: in Leith everyone in the model found paid work, so its odds ratio "
        "would be infinite (perfect separation). Read the rates below instead."
    )


def test_separation_by_barriers_gives_a_message_not_a_crash() -> None:
    # Everyone with two barriers or fewer found work; nobody with more did.
    people = [Person("Fife", JOINED, day(1) if barriers <= 2 else None, None, barriers) for barriers in range(6)] * 3

    model = paid_work_model_of(people)

    assert model.fitted is False
    assert model.message.startswith("The model cannot be estimated:")
    assert "separation" in model.message


def test_too_few_people_gives_a_message_and_small_areas_and_the_unassessed_are_left_out() -> None:
    people = [Person("Fife", JOINED, day(1) if index < 3 else None, None, 1) for index in range(10)]
    people += [Person("Leith", JOINED, day(1), None, 1), Person("Fife", JOINED, None, None, None)]

    model = paid_work_model_of(people)

    assert (model.n, model.in_work, model.fitted) == (10, 3, False)
    assert model.message == (
        "Too few people to fit the model: it needs at least 5 people in paid work and 5 not, and has 3 and 7."
    )
    assert model.left_out == (
        "1 with no assessment recorded",
        "everyone in Leith (fewer than 5 people with an assessment)",
    )


# ---- rates -------------------------------------------------------------------------------------


def test_rates_by_area_and_barriers_use_the_wilson_interval(cohort: Cohort, personas: Personas) -> None:
    rates = read_paid_work_rates(actor=personas.evaluator.user, today=TODAY)

    assert [(row.label, row.people.value, row.paid_work.count.value) for row in rates.by_area] == [
        ("Fife", 10, 5),
        ("Glasgow", 14, 7),
        ("All areas", 24, 12),
    ]
    fife = rates.by_area[0].paid_work
    assert (fife.rate, fife.ci_low, fife.ci_high) == (0.5, *wilson_interval(5, 10))
    assert fife.label == "50% (24%–76%)"
    # Barriers: 0–1 → Fife 0,1,0,1 (3 in work) + Glasgow 0,1,0,1,0,1 (4 in work) = 10, 7 in work, 3 not;
    # 2–3 → Fife 2,3,2,3 (2) + Glasgow 2,3,2,3,2,3 (2) = 10, 4 in work; 4+ → Fife 4,5 (0) + Glasgow 4,4 (1)
    # = 4, 1 in work. The 3, the 4 and the 4+ row are under five; 0–1's total and 2–3's 6 not in work
    # are hidden so that they cannot be worked out from the totals.
    labels = [
        (row.label, row.people.label, row.paid_work.count.label, row.paid_work.label) for row in rates.by_barriers
    ]
    assert labels == [
        ("0–1", "hidden", "7", "hidden"),
        ("2–3", "10", "fewer than 5", "hidden"),
        ("4+", "fewer than 5", "fewer than 5", "hidden"),
        ("All", "24", "12", "50% (31%–69%)"),
    ]


def test_people_with_no_assessment_have_their_own_line() -> None:
    people = [
        Person("Fife", JOINED, day(1) if index < 5 else None, None, None if index % 2 else 2) for index in range(20)
    ]

    rates = paid_work_rates_of(people)

    assert [row.label for row in rates.by_barriers] == ["0–1", "2–3", "4+", NO_ASSESSMENT, "All"]
    assert [row.people.value for row in rates.by_barriers] == [0, 10, 0, 10, 20]


def test_the_tables_say_n_and_hide_nothing_they_should_show(cohort: Cohort, personas: Personas) -> None:
    outcomes: ResearchOutcomes = read_research_outcomes(actor=personas.evaluator.user, today=TODAY)

    tables = {table.slug: table for table in analytics_tables(outcomes)}

    assert tables["time-to-work"].display_rows == [
        ["Fife", "10", "5", "5", "13.1 months (95% CI 1.0 to not reached)", "67.5%", "54.0%", "54.0%", "36.0%"],
        ["Glasgow", "14", "7", "7", "5.0 months (95% CI 5.0 to not reached)", "100.0%", "50.0%", "50.0%", "50.0%"],
        ["All areas", "24", "12", "12", "13.1 months (95% CI 5.0 to not reached)", "87.1%", "50.4%", "50.4%", "45.4%"],
    ]
    assert tables["paid-work-model"].title == "Odds of paid work by barriers and area (logistic regression, n = 24)"
    assert [row[:2] for row in tables["paid-work-model"].rows] == [
        ("Each extra barrier", 24),
        ("Fife (against Glasgow)", 10),
    ]
    # Where each curve falls, from its start to the end of follow-up (800 days in Fife).
    curves = tables["time-to-work-curves"]
    assert [row for row in curves.display_rows if row[0] == "Fife"] == [
        ["Fife", "0.00", "1.0000"],
        ["Fife", "0.99", "0.9000"],
        ["Fife", "1.97", "0.6750"],
        ["Fife", "3.94", "0.5400"],
        ["Fife", "13.14", "0.3600"],
        ["Fife", "26.28", "0.3600"],
    ]
    # A file holds them as numbers: months, and the share as a percentage.
    assert curves.file_columns == ("Area", "Months since joining", "Still not in work %")
    assert [[value for value, _format in row] for row in curves.file_rows][:3] == [
        ["Fife", 0.0, 100.0],
        ["Fife", 0.99, 90.0],
        ["Fife", 1.97, 67.5],
    ]


# ---- the step chart ----------------------------------------------------------------------------


def test_the_step_chart_draws_falls_as_steps_and_cuts_the_curve_at_the_edge() -> None:
    chart = step_chart(
        title="Still not in work <by area>",
        curves=[
            StepCurve("Fife", [(0, 1.0), (2, 0.5), (3, 0.5), (5, 0.25)], "median 2 months"),
            StepCurve("Leith", [], "Not estimated"),
        ],
        x_label="Months since joining",
        y_label="Still not in work",
        x_max=4,
    )

    # x = 46 + months · 294/4, y = 172 − share · 160: flat to 2 months, down to one half, flat to the edge.
    assert '<polyline points="46,12 193,12 193,92 340,92" fill="none" stroke="#1d70b8"' in chart
    assert chart.count("<polyline") == 1
    assert "<title>Still not in work &lt;by area&gt;</title>" in chart
    assert "<desc>Fife: median 2 months. Leith: Not estimated.</desc>" in chart
    assert ">Leith (not drawn)</text>" in chart
    assert 'stroke-dasharray="6 4"' in chart  # the second curve's dashes, in the legend

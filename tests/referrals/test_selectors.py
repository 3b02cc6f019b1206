import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from coproduce.core.errors import NotFound
from coproduce.participants.models import Consent
from coproduce.plans.models import Barrier
from coproduce.referrals import services
from coproduce.referrals.models import Referral
from coproduce.referrals.selectors import (
    SharedRecord,
    caseload_referrals_for,
    organisations_holding_data,
    partner_inbox,
    referrals_of,
    referrals_visible_to,
    shared_record,
    visible_referral,
    working_days_after,
)
from tests.personas import Personas
from tests.plans.factories import AssessmentBarrierFactory, AssessmentFactory
from tests.programmes.factories import StaffMemberFactory
from tests.referrals.factories import ReferralFactory, SignpostingFactory

State = Referral.State


# --- Who sees which referrals ---------------------------------------------------------------


def test_each_persona_sees_the_referrals_their_role_allows(personas: Personas) -> None:
    signposting = SignpostingFactory(participant=personas.participant)
    pat = {personas.referral, personas.other_organisation_referral, signposting}

    def visible(user: object) -> set[Referral]:
        return set(referrals_visible_to(user))

    assert visible(personas.participant.user) == pat
    assert visible(personas.keyworker.user) == pat | {personas.proposed_referral}
    assert visible(personas.other_keyworker.user) == {personas.withdrawn_referral}
    assert visible(personas.manager.user) == pat | {personas.proposed_referral, personas.withdrawn_referral}
    assert visible(personas.partner_worker.user) == {personas.referral}
    for nobody in (
        None,
        personas.glasgow_keyworker.user,
        personas.glasgow_manager.user,
        personas.funder.user,
        personas.evaluator.user,
        personas.administrator,
    ):
        assert visible(nobody) == set()


def test_priya_sees_only_sent_referrals_to_her_organisation_with_consent_in_force(personas: Personas) -> None:
    priya = personas.partner_worker.user
    assert visible_referral(priya, personas.referral.pk) == personas.referral
    for hidden in (personas.proposed_referral, personas.withdrawn_referral, personas.other_organisation_referral):
        with pytest.raises(NotFound) as not_found:
            visible_referral(priya, hidden.pk)
        assert not_found.value.message == "No such referral."
    with pytest.raises(NotFound):
        visible_referral(priya, 10**6)


def test_priya_stops_seeing_a_referral_the_moment_the_consent_is_withdrawn(personas: Personas) -> None:
    priya = personas.partner_worker.user
    # Even a referral that has ended: the consent decides, not the state.
    ended = ReferralFactory(participant=personas.second_participant, service=personas.partner_service, sent=True)
    Referral.objects.filter(pk=ended.pk).update(state=State.COMPLETED)
    assert set(referrals_visible_to(priya)) == {personas.referral, ended}

    assert ended.consent is not None
    Consent.objects.filter(pk=ended.consent.pk).update(withdrawn_at=timezone.now())

    assert set(referrals_visible_to(priya)) == {personas.referral}


def test_a_worker_at_the_other_agency_sees_only_referrals_to_it(personas: Personas) -> None:
    other_agency_worker = StaffMemberFactory(
        organisation=personas.other_partner_agency, partnership=personas.fife, roles=["partner_worker"]
    )
    assert set(referrals_visible_to(other_agency_worker.user)) == {personas.other_organisation_referral}
    assert list(partner_inbox(personas.keyworker.user)) == []


# --- Inbox and overdue -------------------------------------------------------------------------


def test_the_inbox_flags_overdue_referrals(personas: Personas) -> None:
    today = datetime.date(2026, 12, 8)
    due_yesterday = ReferralFactory(
        participant=personas.second_participant,
        service=personas.partner_service,
        sent=True,
        answer_due_on=datetime.date(2026, 12, 7),
    )
    due_today = ReferralFactory(
        participant=personas.second_participant,
        service=personas.partner_service,
        sent=True,
        answer_due_on=today,
    )
    answered_late = ReferralFactory(
        participant=personas.second_participant,
        service=personas.partner_service,
        accepted=True,
        answer_due_on=datetime.date(2026, 12, 1),
    )
    Referral.objects.filter(pk=personas.referral.pk).update(answer_due_on=datetime.date(2026, 12, 3))
    to_other = personas.other_organisation_referral
    Referral.objects.filter(pk=to_other.pk).update(answer_due_on=datetime.date(2026, 12, 4))

    inbox = {referral.pk: referral.is_overdue for referral in partner_inbox(personas.partner_worker.user, today=today)}

    assert inbox == {
        personas.referral.pk: True,
        due_yesterday.pk: True,
        due_today.pk: False,
        answered_late.pk: False,
    }
    overdue, _waiting = caseload_referrals_for(personas.keyworker.user, today=today)
    assert overdue == [personas.referral, to_other, due_yesterday]
    for nobodys in (personas.other_keyworker, personas.participant, personas.manager, personas.partner_worker):
        assert caseload_referrals_for(nobodys.user, today=today)[0] == []


def test_the_inbox_reads_in_a_fixed_number_of_queries(
    personas: Personas, django_assert_num_queries: Callable[..., object]
) -> None:
    priya = personas.partner_worker.user
    Referral.objects.filter(pk=personas.referral.pk).update(shared_fields=["name", "children", "barriers", "keyworker"])
    AssessmentBarrierFactory(assessment=AssessmentFactory(participant=personas.participant))
    partner_inbox(priya).count()  # works out who Priya is, once

    def read_all() -> list[SharedRecord]:
        return [shared_record(referral) for referral in partner_inbox(priya)]

    with django_assert_num_queries(4):  # referrals, children, assessments, their barriers
        one = read_all()
    for _ in range(3):
        referral = ReferralFactory(participant=personas.second_participant, service=personas.partner_service, sent=True)
        Referral.objects.filter(pk=referral.pk).update(shared_fields=["name", "children", "barriers", "keyworker"])
    AssessmentBarrierFactory(assessment=AssessmentFactory(participant=personas.second_participant))
    with django_assert_num_queries(4):
        many = read_all()
    assert (len(one), len(many)) == (1, 4)


def test_referrals_of_a_participant_for_their_record_page(personas: Personas) -> None:
    rows = referrals_of(personas.keyworker.user, personas.participant.pk, today=datetime.date(2030, 1, 1))
    assert {(row.pk, row.is_overdue) for row in rows} == {
        (personas.referral.pk, True),
        (personas.other_organisation_referral.pk, True),
    }
    assert list(referrals_of(personas.other_keyworker.user, personas.participant.pk)) == []


# --- What the partner sees ------------------------------------------------------------------


def test_shared_record_fills_only_the_shared_fields(personas: Personas) -> None:
    assessment = AssessmentFactory(participant=personas.participant, aspirations="A job in care.")
    AssessmentBarrierFactory(assessment=assessment, barrier=Barrier.CHILDCARE, own_words="No one for the school run.")
    AssessmentBarrierFactory(assessment=assessment, barrier=Barrier.MONEY_AND_DEBT, own_words="", importance=3)

    record = shared_record(visible_referral(personas.partner_worker.user, personas.referral.pk))

    assert record == SharedRecord(
        shared_fields=("name", "mobile", "barriers"),
        name="Pat Participant",
        mobile="+447700900001",
        barriers=(Barrier.MONEY_AND_DEBT.label, "No one for the school run."),
    )
    assert (record.email, record.address, record.postcode, record.aspirations, record.children_ages) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert record.shares("mobile")
    assert not record.shares("email")


def test_shared_record_with_everything_shared(personas: Personas) -> None:
    AssessmentFactory(participant=personas.participant, aspirations="A job in care.")
    referral = personas.referral
    referral.shared_fields = ["keyworker", "aspirations", "children", "address", "email", "name"]
    pat = referral.participant
    pat.address = "1 High Street, Kirkcaldy"
    pat.save()

    record = shared_record(referral, today=datetime.date(2026, 11, 27))

    assert record == SharedRecord(
        shared_fields=("name", "email", "address", "children", "aspirations", "keyworker"),
        name="Pat Participant",
        email="pat@example.net",
        address="1 High Street, Kirkcaldy",
        postcode="KY1 1XX",
        children_ages=(13, 9),
        aspirations="A job in care.",
        keyworker_name="Kim Keyworker",
        keyworker_contact="kim@fifelpt.example.org",
    )


def test_shared_record_is_empty_without_a_consent_in_force(personas: Personas) -> None:
    assert shared_record(SignpostingFactory(participant=personas.participant)) == SharedRecord(shared_fields=())
    assert shared_record(personas.proposed_referral) == SharedRecord(shared_fields=())
    assert shared_record(personas.withdrawn_referral) == SharedRecord(shared_fields=())


# --- Who holds my data ------------------------------------------------------------------------


def test_pat_sees_every_organisation_that_holds_her_data_and_why(personas: Personas) -> None:
    holders = organisations_holding_data(personas.participant)

    assert [(holder.organisation.name, holder.referrals, holder.fields, holder.field_labels) for holder in holders] == [
        (
            "Kingdom Money Advice",
            (personas.referral,),
            ("name", "mobile", "barriers"),
            ["Name", "Mobile number", "What gets in the way, in their own words"],
        ),
        (
            "Fife Childcare Links",
            (personas.other_organisation_referral,),
            ("name", "mobile", "children"),
            ["Name", "Mobile number", "Ages of their children"],
        ),
    ]
    assert holders[0].since == personas.referral.consent.given_at  # type: ignore[union-attr]

    consent = personas.referral.consent
    assert consent is not None
    services.withdraw_sharing_consent(actor=personas.participant.user, consent_id=consent.pk, how="online")
    assert [holder.organisation.name for holder in organisations_holding_data(personas.participant)] == [
        "Fife Childcare Links"
    ]
    assert organisations_holding_data(personas.other_participant) == []
    assert organisations_holding_data(personas.glasgow_participant) == []


# --- Working days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (datetime.date(2026, 11, 23), 0, datetime.date(2026, 11, 23)),
        (datetime.date(2026, 11, 23), 1, datetime.date(2026, 11, 24)),  # Monday to Tuesday
        (datetime.date(2026, 11, 19), 1, datetime.date(2026, 11, 20)),  # Thursday to Friday
        (datetime.date(2026, 11, 20), 1, datetime.date(2026, 11, 23)),  # Friday, over the weekend
        (datetime.date(2026, 11, 21), 1, datetime.date(2026, 11, 23)),  # from a Saturday
        # Friday 27 November: Monday 30 November is St Andrew's Day, a Scottish bank holiday.
        (datetime.date(2026, 11, 27), 1, datetime.date(2026, 12, 1)),
        (datetime.date(2026, 11, 27), 5, datetime.date(2026, 12, 7)),
        # Christmas Day (Friday) and Boxing Day observed on Monday 28 December.
        (datetime.date(2026, 12, 24), 1, datetime.date(2026, 12, 29)),
        # 1 and 2 January are both holidays in Scotland (2 January 2027 falls on a Saturday: Monday 4th off).
        (datetime.date(2026, 12, 31), 1, datetime.date(2027, 1, 5)),
        # The first Monday in August is the Scottish summer holiday, not the last.
        (datetime.date(2026, 7, 31), 1, datetime.date(2026, 8, 4)),
        (datetime.date(2026, 8, 28), 1, datetime.date(2026, 8, 31)),  # 31 August is a working day in Scotland
    ],
)
def test_working_days_skip_weekends_and_scottish_bank_holidays(
    start: datetime.date, days: int, expected: datetime.date
) -> None:
    assert working_days_after(start, days) == expected


def test_working_days_cannot_go_backwards() -> None:
    with pytest.raises(ValueError, match="days must not be negative"):
        working_days_after(datetime.date(2026, 11, 27), -1)

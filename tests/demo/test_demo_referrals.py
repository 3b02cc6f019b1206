"""The demo's services directory, availability and referrals: every state, consented, and the same every time."""

import datetime
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import Count

from coproduce.accounts.models import User
from coproduce.demo import data
from coproduce.demo.builder import build_demo, remove_demo
from coproduce.directory.models import (
    Address,
    Attribute,
    DirectoryOrganisation,
    Location,
    Schedule,
    Service,
    Taxonomy,
)
from coproduce.participants.models import AvailabilitySlot, Consent, Participant
from coproduce.plans.models import Barrier
from coproduce.programmes.models import Partnership
from coproduce.referrals.models import Referral
from coproduce.referrals.selectors import organisations_holding_data, partner_inbox, referrals_visible_to
from coproduce.referrals.services import CONSENT_WITHDRAWN_REASON

SMALL = 150
SEED = 7
TODAY = datetime.date(2026, 11, 27)
FIONA = "fiona.baird@kingdommoney.example.org"
NICOLA = "nicola.watt@example.net"


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The small demo, built once for this module and removed afterwards (tests only read it)."""
    with django_db_blocker.unblock():
        build_demo(participants=SMALL, seed=SEED, today=TODAY)
    yield
    with django_db_blocker.unblock():
        remove_demo()
        Taxonomy.objects.all().delete()
        # Built outside the tests' transactions, so check nothing is left for the next module.
        models: list[Any] = [User, Participant, Referral, Consent, DirectoryOrganisation, Service, Location]
        assert [model.__name__ for model in models if model._default_manager.exists()] == []
        assert not Service.history.exists()
        assert not Referral.history.exists()


@pytest.fixture
def small_demo(demo: None, db: None) -> None:
    return None


def referral_snapshot() -> dict[str, list[Any]]:
    return {
        "directory": sorted(str(pk) for pk in DirectoryOrganisation.objects.values_list("pk", flat=True)),
        "services": list(
            Service.objects.order_by("pk").values_list(
                "pk", "name", "places_available", "response_working_days", "last_checked_on", "childcare_on_site"
            )
        ),
        "locations": sorted(str(pk) for pk in Location.objects.values_list("pk", flat=True)),
        "attributes": sorted(str(pk) for pk in Attribute.objects.values_list("pk", flat=True)),
        "schedules": list(Schedule.objects.order_by("pk").values_list("pk", "byday", "opens_at", "closes_at")),
        "availability": list(
            AvailabilitySlot.objects.order_by("participant__reference", "weekday", "part_of_day").values_list(
                "participant__reference", "weekday", "part_of_day"
            )
        ),
        "referrals": list(
            Referral.objects.order_by("participant__reference", "proposed_at", "service_id", "state").values_list(
                "participant__reference",
                "kind",
                "state",
                "service_id",
                "outside_service_name",
                "proposed_at",
                "agreed_at",
                "sent_at",
                "answer_due_on",
                "answered_at",
                "started_on",
                "ended_on",
                "withdrawn_at",
                "shared_fields",
                "decline_reason",
                "consent__given_at",
                "consent__withdrawn_at",
            )
        ),
    }


def test_there_are_referrals_in_every_state(small_demo: None) -> None:
    states = Counter(Referral.objects.values_list("state", flat=True))
    assert set(states) == set(Referral.State.values)
    assert all(count > 0 for count in states.values())
    reasons = set(Referral.objects.filter(state="declined").values_list("decline_reason", flat=True))
    assert reasons == set(Referral.DeclineReason.values)
    withdrawn = Referral.objects.filter(state="withdrawn")
    assert withdrawn.filter(withdrawn_reason=CONSENT_WITHDRAWN_REASON, consent__withdrawn_at__isnull=False).exists()
    assert withdrawn.filter(consent__isnull=True).exists()  # withdrawn before the participant agreed
    assert withdrawn.filter(consent__withdrawn_at__isnull=True, consent__isnull=False).exists()
    overdue = Referral.objects.filter(state="sent", answer_due_on__lt=TODAY)
    in_time = Referral.objects.filter(state="sent", answer_due_on__gte=TODAY)
    assert overdue.exists()
    assert in_time.exists()
    signposted = Referral.objects.filter(state="signposted")
    assert signposted.filter(service__isnull=False).exists()  # to an outside service in the directory
    assert signposted.filter(service__isnull=True).exclude(outside_service_name="").exists()
    completed = Referral.objects.filter(state="completed")
    assert not completed.filter(delivered="").exists()
    assert not completed.filter(ended_on__isnull=True).exists()
    assert not Referral.objects.filter(state="did_not_start", outcome_note="").exists()


def test_every_partnership_has_partner_services_for_every_need(small_demo: None) -> None:
    for partnership in Partnership.objects.all():
        services = Service.objects.filter(partnerships=partnership, takes_referrals=True)
        codes = set(services.values_list("attributes__taxonomy_term__code", flat=True))
        assert codes == set(Barrier.values), partnership
        for need in ("childcare", "money_and_debt"):
            assert services.filter(attributes__taxonomy_term__code=need).exists(), (partnership, need)
        assert services.filter(childcare_on_site=True).exists()


def test_each_partner_agency_is_in_the_directory_with_one_to_three_services(small_demo: None) -> None:
    agencies = {spec.name: area for area in data.AREAS for spec in area.agencies}
    entries = DirectoryOrganisation.objects.filter(member__isnull=False).annotate(services_count=Count("services"))
    assert {entry.member.name for entry in entries} == set(agencies)
    assert {entry.name for entry in entries} == set(agencies)
    for entry in entries:
        assert 1 <= entry.services_count <= 3, entry
        area = agencies[entry.name]
        districts = {district for district, _ in area.districts}
        addresses = Address.objects.filter(location__organization=entry)
        assert addresses.count() == 1
        assert all(address.postal_code.split()[0] in districts for address in addresses)
        for service in entry.services.all():
            assert service.takes_referrals
            # The area's partnership in each programme: Making It Work's and the live one's.
            linked = service.partnerships.values_list("short_code", "programme__name")
            assert sorted(linked) == [
                (area.short_code, data.PROGRAMME_NAME),
                (area.short_code, data.LIVE_PROGRAMME_NAME),
            ]
            assert service.schedules.exists()
            assert all(schedule.opens_at < schedule.closes_at for schedule in service.schedules.all())
            assert "invented" in service.description
    outside = DirectoryOrganisation.objects.filter(member__isnull=True)
    assert outside.count() == 3
    assert not Service.objects.filter(organization__in=outside, takes_referrals=True).exists()
    assert Service.objects.filter(places_available=0).exists()
    stale = TODAY - datetime.timedelta(days=183)
    assert Service.objects.filter(last_checked_on__lt=stale).exists()
    assert Service.objects.filter(last_checked_on__gte=stale).exists()


def test_every_referral_past_proposed_has_consent_for_exactly_its_organisation(small_demo: None) -> None:
    for referral in Referral.objects.select_related("consent", "service__organization", "participant"):
        referral.full_clean()
        if referral.kind == Referral.Kind.SIGNPOSTING:
            assert referral.consent is None
            assert referral.organisation_id is None
            assert referral.shared_fields == []
            continue
        assert referral.organisation_id == referral.service.organization.member_id
        if referral.agreed_at is None:
            assert referral.state in ("proposed", "withdrawn")
            assert referral.consent is None
            continue
        consent = referral.consent
        assert consent is not None, referral
        consent.full_clean()
        assert consent.purpose == Consent.Purpose.SHARE_WITH_ORGANISATION
        assert consent.organisation_id == referral.organisation_id
        assert consent.participant_id == referral.participant_id
        assert consent.given_at == referral.agreed_at
        assert referral.shared_fields[0] == "name"
        if consent.withdrawn_at is not None:
            assert referral.state == "withdrawn"
            assert referral.withdrawn_reason == CONSENT_WITHDRAWN_REASON
            assert consent.withdrawn_at == referral.withdrawn_at
    # One consent per referral, never shared between two.
    counts = Counter(Referral.objects.exclude(consent=None).values_list("consent", flat=True))
    assert set(counts.values()) == {1}
    assert Consent.objects.filter(purpose="share_with_organisation").count() == len(counts)


def test_referral_dates_follow_the_workflow_and_the_participants_time_in_it(small_demo: None) -> None:
    for referral in Referral.objects.select_related("participant"):
        participant = referral.participant
        last = participant.status_since if participant.status == "closed" else TODAY
        moments = [
            referral.proposed_at,
            referral.agreed_at,
            referral.sent_at,
            referral.answered_at,
        ]
        known = [moment for moment in moments if moment is not None]
        assert known == sorted(known), referral
        days = [moment.date() for moment in known]
        days += [day for day in (referral.started_on, referral.ended_on) if day is not None]
        if referral.withdrawn_at is not None:
            assert referral.withdrawn_at >= known[-1]
            days.append(referral.withdrawn_at.date())
        assert days == sorted(days), referral
        assert participant.joined_on <= days[0], referral
        assert days[-1] <= last, referral
        if referral.sent_at is not None:
            assert referral.answer_due_on > referral.sent_at.date()
        if participant.status == "closed":
            assert referral.state not in ("proposed", "agreed", "sent", "accepted", "started"), referral


def test_the_demo_partner_worker_has_an_inbox_with_an_overdue_referral(small_demo: None) -> None:
    fiona = User.objects.get(email=FIONA)
    inbox = list(partner_inbox(fiona, today=TODAY))
    assert {referral.state for referral in inbox} == {
        "sent",
        "accepted",
        "started",
        "completed",
        "declined",
        "did_not_start",
    }
    assert [referral.is_overdue for referral in inbox].count(True) >= 1
    assert {referral.organisation.name for referral in inbox} == {"Kingdom Money Matters"}
    visible = referrals_visible_to(fiona)
    assert set(visible.values_list("pk", flat=True)) == {referral.pk for referral in inbox}
    # Nothing withdrawn or not yet sent reaches her.
    assert not visible.filter(consent__withdrawn_at__isnull=False).exists()


def test_the_demo_participant_has_referrals_and_an_organisation_holding_her_data(small_demo: None) -> None:
    nicola = Participant.objects.get(user__email=NICOLA)
    assert set(referrals_visible_to(nicola.user).values_list("state", flat=True)) == {
        "accepted",
        "proposed",
        "signposted",
    }
    holders = organisations_holding_data(nicola)
    assert [holder.organisation.name for holder in holders] == ["Kingdom Money Matters"]
    assert holders[0].fields[0] == "name"
    assert nicola.availability.exists()


def test_open_participants_say_when_they_are_available(small_demo: None) -> None:
    open_slots = Participant.objects.exclude(status="closed").annotate(slots=Count("availability"))
    assert min(open_slots.values_list("slots", flat=True)) >= 1
    closed_slots = set(
        Participant.objects.filter(status="closed")
        .annotate(slots=Count("availability"))
        .values_list("slots", flat=True)
    )
    assert 0 in closed_slots
    assert len(closed_slots) > 1  # some closed cases said when they could come, most did not
    parts = Counter(AvailabilitySlot.objects.values_list("part_of_day", flat=True))
    assert set(parts) == set(AvailabilitySlot.PartOfDay.values)
    assert parts["morning"] > parts["evening"]
    weekdays = Counter(AvailabilitySlot.objects.values_list("weekday", flat=True))
    assert set(weekdays) == set(range(7))


def test_the_same_seed_builds_the_same_directory_and_referrals(small_demo: None) -> None:
    first = referral_snapshot()
    assert len(first["services"]) > 25
    assert len(first["referrals"]) > SMALL // 2
    remove_demo()
    assert not DirectoryOrganisation.objects.exists()
    assert not Referral.objects.exists()
    build_demo(participants=SMALL, seed=SEED, today=TODAY)
    assert referral_snapshot() == first


def test_the_demo_participant_gets_suggestions_from_the_directory(small_demo: None) -> None:
    from coproduce.referrals.suggestions import suggest_services

    nicola = Participant.objects.get(user__email=NICOLA)
    suggestions = suggest_services(nicola, today=TODAY)
    assert suggestions
    assert all(suggestion.reasons for suggestion in suggestions)
    fife = nicola.partnership
    assert all(fife in suggestion.service.partnerships.all() for suggestion in suggestions)


def test_most_finished_referrals_are_rated_by_the_people_referred(small_demo: None) -> None:
    from coproduce.referrals.models import ServiceRating

    completed = Referral.objects.filter(state=Referral.State.COMPLETED).count()
    ratings = list(ServiceRating.objects.select_related("referral"))
    assert 0 < len(ratings) <= completed
    for rating in ratings:
        assert rating.referral.state == Referral.State.COMPLETED
        referral = rating.referral
        assert (rating.service_id, rating.participant_id) == (referral.service_id, referral.participant_id)
        assert 1 <= rating.score <= 5

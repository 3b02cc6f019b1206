"""Searching the directory, the barrier taxonomy, and who keeps which entries."""

import datetime
import uuid

import pytest

from coproduce.core.errors import NotFound
from coproduce.directory.models import DirectoryOrganisation, Service, Taxonomy, TaxonomyTerm
from coproduce.directory.selectors import (
    BARRIER_TAXONOMY_ID,
    editable_service,
    needs_checking,
    organisations_editable_by,
    search_services,
    services_editable_by,
    visible_service,
)
from coproduce.directory.services import barrier_term_id, ensure_barrier_taxonomy
from coproduce.plans.models import Barrier
from tests.directory.factories import (
    DirectoryOrganisationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    service_for_need,
    tag_service,
)
from tests.personas import Personas, build_personas
from tests.programmes.factories import PartnershipFactory


@pytest.fixture
def personas(db: None) -> Personas:
    """With the referral story (Pat's sent referral, Paula's proposed one, Olive's withdrawn one)."""
    return build_personas().with_referrals()


pytestmark = pytest.mark.django_db


def agency_entry(p: Personas) -> DirectoryOrganisation:
    """Priya's agency's directory entry (the personas' "Money and debt advice" is its service)."""
    assert p.partner_service.organization is not None
    return p.partner_service.organization


def names(services: object) -> list[str]:
    return [service.name for service in services]  # type: ignore[attr-defined]


def test_the_barrier_taxonomy_has_one_term_per_barrier_with_fixed_ids() -> None:
    taxonomy = ensure_barrier_taxonomy()
    assert (taxonomy.id, taxonomy.name) == (
        uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "https://coproduce.scot/hsds/taxonomies/barriers"), "taxonomy"),
        "Coproduce barriers and needs",
    )
    terms = {term.code: term for term in taxonomy.terms.all()}
    assert sorted(terms) == sorted(Barrier.values)
    assert terms["money_and_debt"].name == "Money and debt"
    assert terms["money_and_debt"].id == barrier_term_id("money_and_debt")
    assert terms["money_and_debt"].taxonomy_name == "Coproduce barriers and needs"
    assert all(term.description for term in terms.values())


def test_publishing_the_taxonomy_twice_changes_nothing() -> None:
    ensure_barrier_taxonomy()
    ensure_barrier_taxonomy()
    assert Taxonomy.objects.filter(pk=BARRIER_TAXONOMY_ID).count() == 1
    assert TaxonomyTerm.objects.count() == len(Barrier.values)


def test_only_active_services_are_found() -> None:
    ServiceFactory(name="Open door")
    ServiceFactory(name="Closed door", status=Service.Status.DEFUNCT)
    ServiceFactory(name="Shut for summer", status=Service.Status.TEMPORARILY_CLOSED)
    assert names(search_services()) == ["Open door"]


def test_words_match_name_description_or_organisation_and_all_must_match() -> None:
    ServiceFactory(name="Debt clinic", description="Free advice")
    ServiceFactory(name="Budgeting", description="Help with debt and bills")
    ServiceFactory(name="Drop in", organization=DirectoryOrganisationFactory(name="Debt Free Fife"))
    ServiceFactory(name="Walking group", description="Fresh air")
    assert names(search_services(text="DEBT")) == ["Budgeting", "Debt clinic", "Drop in"]
    assert names(search_services(text="debt advice")) == ["Debt clinic"]


def test_need_finds_services_tagged_with_that_barrier() -> None:
    service_for_need(Barrier.MONEY_AND_DEBT, name="Money advice")
    service_for_need(Barrier.HOUSING, Barrier.MONEY_AND_DEBT, name="Housing and money")
    service_for_need(Barrier.HOUSING, name="Housing only")
    ServiceFactory(name="Untagged")
    assert names(search_services(need=Barrier.MONEY_AND_DEBT)) == ["Housing and money", "Money advice"]


def test_a_term_with_the_same_code_in_another_taxonomy_does_not_count() -> None:
    from tests.directory.factories import AttributeFactory, TaxonomyTermFactory

    service = ServiceFactory(name="Other taxonomy")
    AttributeFactory(service=service, taxonomy_term=TaxonomyTermFactory(code="housing"))
    assert names(search_services(need=Barrier.HOUSING)) == []


def test_area_finds_services_of_that_partnership(personas: Personas) -> None:
    ServiceFactory(name="Fife only", partnerships=[personas.fife])
    ServiceFactory(name="Both", partnerships=[personas.fife, personas.glasgow])
    ServiceFactory(name="Glasgow only", partnerships=[personas.glasgow])
    assert names(search_services(partnership_id=personas.fife.pk)) == [
        "Both",
        "Fife only",
        "Help finding childcare",
        "Money and debt advice",
    ]
    assert names(search_services(partnership_id=personas.glasgow.pk)) == ["Both", "Glasgow only"]


def test_childcare_finds_services_with_childcare_on_site() -> None:
    ServiceFactory(name="Creche", childcare_on_site=True)
    ServiceFactory(name="No creche")
    assert names(search_services(childcare=True)) == ["Creche"]
    assert names(search_services(childcare=False)) == ["Creche", "No creche"]


def test_day_and_time_match_one_schedule_row() -> None:
    weekdays = ScheduleFactory(byday="MO,TU,WE", opens_at=datetime.time(9), closes_at=datetime.time(12)).service
    weekdays.name = "Mornings early week"
    weekdays.save()
    split = ServiceFactory(name="Split")
    ScheduleFactory(service=split, byday="MO", opens_at=datetime.time(9), closes_at=datetime.time(10))
    ScheduleFactory(service=split, byday="SA", opens_at=datetime.time(13), closes_at=datetime.time(17))
    at_place = ServiceAtLocationFactory(service=ServiceFactory(name="At the centre"))
    ScheduleFactory(
        service=None, service_at_location=at_place, byday="TH", opens_at=datetime.time(18), closes_at=datetime.time(20)
    )
    ServiceFactory(name="No times")

    assert names(search_services(day="MO")) == ["Mornings early week", "Split"]
    assert names(search_services(day=0)) == ["Mornings early week", "Split"]
    assert names(search_services(day="TH")) == ["At the centre"]
    assert names(search_services(time=datetime.time(9, 30))) == ["Mornings early week", "Split"]
    assert names(search_services(time=datetime.time(12))) == []  # closed at closing time
    # Monday at 2pm: Split is open on Mondays and at 2pm, but not in the same row.
    assert names(search_services(day="MO", time=datetime.time(14))) == []
    assert names(search_services(day="SA", time=datetime.time(14))) == ["Split"]
    assert names(search_services(day="TH", time=datetime.time(19))) == ["At the centre"]


def test_filters_combine() -> None:
    service_for_need(Barrier.CHILDCARE, name="Tagged with creche", childcare_on_site=True)
    service_for_need(Barrier.CHILDCARE, name="Tagged without creche")
    assert names(search_services(need=Barrier.CHILDCARE, childcare=True)) == ["Tagged with creche"]


def test_search_results_take_the_same_queries_for_one_or_many(django_assert_num_queries: object) -> None:
    fife = PartnershipFactory()
    ensure_barrier_taxonomy()

    def build(count: int) -> None:
        for _ in range(count):
            service = ServiceAtLocationFactory(service__partnerships=[fife]).service
            tag_service(service, Barrier.HOUSING, Barrier.TRANSPORT)
            ScheduleFactory(service=service)

    build(1)
    with django_assert_num_queries(6):  # type: ignore[operator]
        assert len([(s.need_tags, s.open_times, s.places, list(s.partnerships.all())) for s in search_services()]) == 1
    build(4)
    with django_assert_num_queries(6):  # type: ignore[operator]
        assert len([(s.need_tags, s.open_times, s.places, list(s.partnerships.all())) for s in search_services()]) == 5


def test_visible_service_is_any_active_one_and_nothing_else() -> None:
    active = ServiceFactory()
    gone = ServiceFactory(status=Service.Status.DEFUNCT)
    assert visible_service(str(active.pk)) == active
    with pytest.raises(NotFound):
        visible_service(gone.pk)
    with pytest.raises(NotFound):
        visible_service("not-a-uuid")


def test_who_keeps_which_services(personas: Personas) -> None:
    agency = agency_entry(personas)
    priyas = ServiceFactory(name="Priya's agency service", organization=agency)
    linked = ServiceFactory(name="Linked to Fife", partnerships=[personas.fife])
    glasgows = ServiceFactory(name="Linked to Glasgow", partnerships=[personas.glasgow])
    outside = ServiceFactory(name="Outside")

    assert names(services_editable_by(personas.partner_worker.user)) == [
        "Money and debt advice",
        "Priya's agency service",
    ]
    # Mo: services linked to Fife, and those of Fife's member organisations (Priya's and Childcare Links).
    assert names(services_editable_by(personas.manager.user)) == [
        "Help finding childcare",
        "Linked to Fife",
        "Money and debt advice",
        "Priya's agency service",
    ]
    assert names(services_editable_by(personas.glasgow_manager.user)) == ["Linked to Glasgow"]
    assert names(services_editable_by(personas.participant.user)) == []
    assert names(services_editable_by(personas.keyworker.user)) == []
    assert editable_service(personas.partner_worker.user, priyas.pk) == priyas
    for service in (linked, glasgows, outside):
        with pytest.raises(NotFound):
            editable_service(personas.partner_worker.user, service.pk)
    assert list(organisations_editable_by(personas.partner_worker.user)) == [agency]
    assert list(organisations_editable_by(personas.manager.user)) == [
        personas.other_partner_service.organization,
        agency,
    ]
    assert list(organisations_editable_by(personas.glasgow_manager.user)) == []


def test_a_service_needs_checking_after_six_months() -> None:
    today = datetime.date(2026, 11, 28)
    assert needs_checking(ServiceFactory.build(last_checked_on=None), today=today) is True
    assert needs_checking(ServiceFactory.build(last_checked_on=datetime.date(2026, 5, 29)), today=today) is False
    assert needs_checking(ServiceFactory.build(last_checked_on=datetime.date(2026, 5, 28)), today=today) is True

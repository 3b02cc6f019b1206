"""The demo's services directory: every partner agency's services, and a few outside services.

Each partnership's five invented partner agencies get a directory entry (`member` = the
agency) with one to three services between them covering the whole barrier taxonomy, a
centre with an invented street address in the area's postcode districts, phone numbers from
Ofcom's drama ranges, contacts by role (no people), weekly opening times, and capacity to take
referrals. Three invented outside organisations (an advice line, a health self-referral line,
a work coach service) are in the directory for signposting only.

Every directory id is a uuid5 of the record's place in the demo (never of the seed), so the
same demo has the same ids on every machine and every run. Availability slots for open
participants are written here too, since suggestions read them against opening times.
"""

import datetime
import random
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.demo.data import AREAS, STREETS, AreaSpec, OrganisationSpec
from coproduce.directory.models import (
    Address,
    Attribute,
    Contact,
    DirectoryOrganisation,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from coproduce.directory.services import barrier_term_id, ensure_barrier_taxonomy
from coproduce.participants.models import AvailabilitySlot, Participant
from coproduce.programmes.models import StaffMember

if TYPE_CHECKING:
    from coproduce.demo.builder import _Builder

# Every demo directory id hangs off this namespace.
DEMO_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://coproduce.example.org/demo/directory")
INVENTED = "(Demo data: invented.)"


# The centre of each post town (WGS84), so that the demo's centres sit on a map where their addresses are.
TOWN_POINTS: dict[str, tuple[float, float]] = {
    "Airdrie": (55.866, -3.980),
    "Anstruther": (56.223, -2.701),
    "Bellshill": (55.816, -4.026),
    "Biggar": (55.623, -3.525),
    "Blantyre": (55.797, -4.097),
    "Burntisland": (56.060, -3.232),
    "Carluke": (55.735, -3.836),
    "Coatbridge": (55.862, -4.027),
    "Cowdenbeath": (56.111, -3.343),
    "Cumbernauld": (55.946, -3.992),
    "Cupar": (56.320, -3.010),
    "Dunfermline": (56.072, -3.452),
    "East Kilbride": (55.764, -4.177),
    "Edinburgh": (55.953, -3.189),
    "Glasgow": (55.861, -4.250),
    "Glenrothes": (56.195, -3.173),
    "Hamilton": (55.777, -4.039),
    "Kilsyth": (55.980, -4.058),
    "Kirkcaldy": (56.112, -3.159),
    "Kirkliston": (55.955, -3.403),
    "Lanark": (55.673, -3.781),
    "Larkhall": (55.737, -3.972),
    "Leven": (56.195, -2.994),
    "Lochgelly": (56.135, -3.311),
    "Motherwell": (55.789, -3.991),
    "Rutherglen": (55.829, -4.214),
    "Shotts": (55.819, -3.799),
    "South Queensferry": (55.990, -3.398),
    "St Andrews": (56.340, -2.796),
    "Strathaven": (55.677, -4.065),
    "Wishaw": (55.773, -3.918),
}


def town_point(town: str, location_id: uuid.UUID) -> tuple[float | None, float | None]:
    """Somewhere within about a kilometre of the town's centre, the same every build. Taken from the
    location's id, not the demo's random numbers, so that adding points changes nothing else."""
    if town not in TOWN_POINTS:
        return None, None
    latitude, longitude = TOWN_POINTS[town]
    spread = location_id.bytes
    return (
        round(latitude + (spread[0] - 128) / 128 * 0.008, 5),
        round(longitude + (spread[1] - 128) / 128 * 0.012, 5),
    )


def demo_id(*parts: str) -> uuid.UUID:
    """The fixed id of one demo directory record, named by where it sits in the demo."""
    return uuid.uuid5(DEMO_NAMESPACE, "/".join(parts))


def demo_directory_ids() -> list[uuid.UUID]:
    """The ids of every demo directory organisation (their services, places and tags hang off them)."""
    domains = [spec.domain for area in AREAS for spec in area.agencies] + [spec.domain for spec in OUTSIDE]
    return [demo_id("organisation", domain) for domain in domains]


@dataclass(frozen=True)
class ServiceSpec:
    key: str
    name: str
    description: str
    needs: tuple[str, ...]  # plans.Barrier values
    childcare_on_site: bool = False
    # Opening patterns to draw from: (byday, opens, closes, words).
    schedules: tuple[tuple[str, str, str, str], ...] = ()
    eligibility: str = "Parents living in the area, referred by their keyworker or coming along themselves."


WEEKDAYS_DAY = ("MO,TU,WE,TH,FR", "09:30", "16:30", "Monday to Friday, 9.30am to 4.30pm")
MON_WED_FRI = ("MO,WE,FR", "10:00", "14:30", "Monday, Wednesday and Friday, 10am to 2.30pm")
TUE_THU_MORNING = ("TU,TH", "09:30", "12:00", "Tuesday and Thursday mornings, 9.30am to 12 noon")
WED_EVENING = ("WE", "18:00", "20:30", "Wednesday evenings, 6pm to 8.30pm")
THU_EVENING = ("TH", "18:30", "20:30", "Thursday evenings, 6.30pm to 8.30pm")
SATURDAY = ("SA", "10:00", "13:00", "Saturday mornings, 10am to 1pm")
AFTER_SCHOOL = ("MO,TU,WE,TH", "15:00", "18:00", "Monday to Thursday, 3pm to 6pm")
MON_TUE_AFTERNOON = ("MO,TU", "12:30", "15:00", "Monday and Tuesday afternoons, 12.30pm to 3pm")
DAYTIME = (WEEKDAYS_DAY, MON_WED_FRI, TUE_THU_MORNING, MON_TUE_AFTERNOON)

# By the kind of agency (`OrganisationSpec.offer`): its core service, and extras to draw from.
# The extra named in NEEDED_EXTRA is always offered, so that every partnership covers every barrier.
CATALOGUE: dict[str, tuple[ServiceSpec, ...]] = {
    "money_and_debt": (
        ServiceSpec(
            "money-advice",
            "Money, benefits and debt advice",
            "Free, confidential advice from a trained money adviser: benefit checks, dealing with debts and "
            "rent arrears, and making a plan you can stick to.",
            ("money_and_debt", "housing"),
            schedules=(WEEKDAYS_DAY, MON_WED_FRI, THU_EVENING),
        ),
        ServiceSpec(
            "better-off",
            "Better off in work calculations",
            "Sit down with an adviser and work out what you would have coming in with a job of so many hours, "
            "including help with childcare costs.",
            ("money_and_debt", "work_history_gaps"),
            schedules=(TUE_THU_MORNING, MON_TUE_AFTERNOON, WED_EVENING),
        ),
        ServiceSpec(
            "tenancy",
            "Housing and tenancy advice",
            "Help to keep your home or find a new one: tenancy rights, repairs, housing applications and homelessness.",
            ("housing",),
            schedules=(MON_WED_FRI, TUE_THU_MORNING),
        ),
    ),
    "mental_health": (
        ServiceSpec(
            "wellbeing",
            "One-to-one wellbeing support",
            "Six to ten sessions with a wellbeing practitioner to talk through what is weighing on you and "
            "find ways of coping.",
            ("mental_health",),
            schedules=(WEEKDAYS_DAY, MON_WED_FRI, WED_EVENING),
        ),
        ServiceSpec(
            "walk-and-talk",
            "Walk and talk group",
            "A gentle weekly walk with other parents, at your own pace, with a cuppa at the end.",
            ("physical_health", "social_isolation", "mental_health"),
            schedules=(TUE_THU_MORNING, SATURDAY),
        ),
        ServiceSpec(
            "peer-support",
            "Parents' peer support group",
            "A friendly group for parents going through a hard time, run by people who have been there. "
            "Crèche in the next room.",
            ("mental_health", "social_isolation"),
            childcare_on_site=True,
            schedules=(MON_TUE_AFTERNOON, WED_EVENING),
        ),
    ),
    "childcare": (
        ServiceSpec(
            "childcare-search",
            "Help to find and pay for childcare",
            "A childcare coordinator finds places that fit your hours (nursery, childminder, after-school "
            "club) and helps you apply for funding for the first months of work or training.",
            ("childcare",),
            schedules=(WEEKDAYS_DAY, MON_WED_FRI),
        ),
        ServiceSpec(
            "parent-carers",
            "Support for parents who care",
            "For parents caring for a disabled child or a relative as well as bringing up children: carer's "
            "assessments, short breaks and a monthly carers' café.",
            ("caring", "childcare"),
            schedules=(TUE_THU_MORNING, MON_TUE_AFTERNOON),
        ),
        ServiceSpec(
            "holiday-club",
            "School holiday and after-school club places",
            "Funded places in after-school and holiday clubs while you start work or a course.",
            ("childcare",),
            childcare_on_site=True,
            schedules=(AFTER_SCHOOL,),
        ),
    ),
    "skills": (
        ServiceSpec(
            "return-to-learn",
            "Return to learn course",
            "A twelve-week course to get back into learning: English, maths, computers and planning your next "
            "step. Crèche provided.",
            ("skills", "work_history_gaps", "digital"),
            childcare_on_site=True,
            schedules=(TUE_THU_MORNING, MON_WED_FRI),
        ),
        ServiceSpec(
            "english",
            "English conversation café",
            "Practise speaking English in a relaxed group, and get help with forms and letters.",
            ("language", "social_isolation"),
            schedules=(MON_TUE_AFTERNOON, WED_EVENING, SATURDAY),
        ),
        ServiceSpec(
            "digital",
            "Getting online drop-in",
            "Help with email, job websites and online forms, and a loan laptop if you need one.",
            ("digital",),
            schedules=(MON_WED_FRI, THU_EVENING),
        ),
    ),
    "personal_development": (
        ServiceSpec(
            "confidence",
            "Confidence and personal development course",
            "An eight-week group course on confidence, self-esteem and what you want next. Crèche on site.",
            ("confidence", "social_isolation"),
            childcare_on_site=True,
            schedules=(TUE_THU_MORNING, MON_WED_FRI),
        ),
        ServiceSpec(
            "travel",
            "Travel to work support",
            "Travel training, a bus pass for your first month in work or training, and help towards driving lessons.",
            ("transport",),
            schedules=(WEEKDAYS_DAY, MON_TUE_AFTERNOON),
        ),
        ServiceSpec(
            "volunteering",
            "Volunteering and work placements",
            "Try out work in a friendly placement, a morning or two a week, with a reference at the end.",
            ("work_history_gaps", "confidence"),
            schedules=(WEEKDAYS_DAY, SATURDAY),
        ),
    ),
}
NEEDED_EXTRA = {
    "mental_health": "walk-and-talk",
    "childcare": "parent-carers",
    "skills": "english",
    "personal_development": "travel",
}


@dataclass(frozen=True)
class OutsideSpec:
    """An outside organisation, in the directory for signposting only (it takes no referrals)."""

    key: str
    name: str
    description: str
    domain: str
    phone: str
    services: tuple[ServiceSpec, ...]


OUTSIDE: tuple[OutsideSpec, ...] = (
    OutsideSpec(
        "advice-line",
        "Open Door Advice Scotland",
        "An independent advice charity, Citizens Advice-style, with a free national phone line and local drop-ins.",
        "opendooradvice.example.org",
        "0808 157 0101",
        (
            ServiceSpec(
                "advice-line",
                "Free advice line: money, benefits, housing and work",
                "Phone or drop in for free, independent advice on benefits, debt, housing, employment rights "
                "and consumer problems.",
                ("money_and_debt", "housing"),
                schedules=(WEEKDAYS_DAY,),
                eligibility="Anyone living in Scotland.",
            ),
        ),
    ),
    OutsideSpec(
        "health-line",
        "Healthy Lives Health Board",
        "An NHS-style health board: self-referral to community health services.",
        "healthylives.example.scot",
        "0808 157 0202",
        (
            ServiceSpec(
                "self-referral",
                "Self-referral to physiotherapy and psychological therapies",
                "Refer yourself, without seeing your GP first, to physiotherapy or to talking therapies for "
                "anxiety and low mood.",
                ("physical_health", "mental_health"),
                schedules=(WEEKDAYS_DAY,),
                eligibility="Anyone registered with a GP in the board's area.",
            ),
        ),
    ),
    OutsideSpec(
        "work-coach",
        "Scottish Work Coach Service",
        "A Jobcentre-style public employment service: work coaches, job matching and in-work support.",
        "workcoach.example.gov.uk",
        "0808 157 0303",
        (
            ServiceSpec(
                "work-coach",
                "Work coach appointments",
                "Meet a work coach to talk about jobs, training and the support you can get while you look.",
                ("skills", "work_history_gaps"),
                schedules=(WEEKDAYS_DAY,),
                eligibility="Anyone of working age.",
            ),
        ),
    ),
)

# Ofcom's drama numbers: 0131 496 0xxx (Edinburgh), 0141 496 0xxx (Glasgow) and 01632 960xxx
# (no real area) are never given to anyone.
PHONE_PREFIX = {"EDI": "0131 496 0", "GLA": "0141 496 0", "FIF": "01632 960", "NLA": "01632 960", "SLA": "01632 960"}
PHONE_BLOCK = {"EDI": 0, "GLA": 0, "FIF": 0, "NLA": 300, "SLA": 600}
BUILDINGS = ("The Hub", "Community Centre", "Family Centre", "Resource Centre", "Wellbeing Centre", "Learning Centre")
CONTACT_TITLES = ("Referrals coordinator", "Service manager", "Duty worker")
RESPONSE_DAYS = (3, 5, 5, 5, 10)


@dataclass
class DirectoryPlan:
    """What the referrals need from the directory once it is written."""

    # Services that take referrals, by partnership short code.
    by_area: dict[str, list[Service]] = field(default_factory=dict)
    # The needs each service helps with, by service id.
    needs: dict[uuid.UUID, tuple[str, ...]] = field(default_factory=dict)
    outside: list[Service] = field(default_factory=list)
    # The partner worker who answers referrals to each agency, by Organisation pk.
    partner_user: dict[int, User] = field(default_factory=dict)


def _time(text: str) -> datetime.time:
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


class _Rows:
    def __init__(self) -> None:
        self.organisations: list[DirectoryOrganisation] = []
        self.services: list[Service] = []
        self.locations: list[Location] = []
        self.addresses: list[Address] = []
        self.at_locations: list[ServiceAtLocation] = []
        self.contacts: list[Contact] = []
        self.phones: list[Phone] = []
        self.schedules: list[Schedule] = []
        self.areas: list[ServiceArea] = []
        self.attributes: list[Attribute] = []
        self.links: list[tuple[Service, list[int]]] = []


def write_directory(builder: "_Builder") -> DirectoryPlan:
    """Write the demo directory; return what the referrals need to know about it."""
    ensure_barrier_taxonomy()
    rng = builder.rng("directory")
    plan = DirectoryPlan()
    workers = StaffMember.objects.filter(
        organisation__name__in=[spec.name for area in AREAS for spec in area.agencies],
        roles__role=Role.PARTNER_WORKER,
    ).select_related("user")
    plan.partner_user = {member.organisation_id: member.user for member in workers.order_by("pk")}
    rows = _Rows()
    for area in AREAS:
        plan.by_area[area.short_code] = []
        for index, spec in enumerate(area.agencies):
            _agency(builder, rng, rows, plan, area, index, spec)
    for outside in OUTSIDE:
        _outside(builder, rows, plan, outside)

    builder.save(DirectoryOrganisation, rows.organisations)
    builder.save(Location, rows.locations)
    builder.save(Address, rows.addresses)
    builder.save(Service, rows.services)
    builder.save(ServiceAtLocation, rows.at_locations)
    builder.save(Contact, rows.contacts)
    builder.save(Phone, rows.phones)
    builder.save(Schedule, rows.schedules)
    builder.save(ServiceArea, rows.areas)
    builder.save(Attribute, rows.attributes)
    through = Service.partnerships.through
    through._default_manager.bulk_create(
        [
            through(service_id=service.pk, partnership_id=partnership_id)
            for service, partnerships in rows.links
            for partnership_id in partnerships
        ]
    )
    builder.counts.update(
        {
            "support:directory_organisations": len(rows.organisations),
            "support:directory_services": len(rows.services),
        }
    )
    return plan


def _agency(
    builder: "_Builder",
    rng: random.Random,
    rows: _Rows,
    plan: DirectoryPlan,
    area: AreaSpec,
    index: int,
    spec: OrganisationSpec,
) -> None:
    member = builder.organisations[spec.name]
    partnership = builder.partnerships[area.short_code]
    worker = plan.partner_user.get(member.pk)
    org_id = demo_id("organisation", spec.domain)
    organisation = DirectoryOrganisation(
        id=org_id,
        name=spec.name,
        description=f"{spec.description} A partner agency of the {area.area_name} partnership. {INVENTED}",
        email=f"hello@{spec.domain}",
        website=f"https://{spec.domain}/",
        member=member,
    )
    rows.organisations.append(organisation)

    district, town = rng.choice(area.districts)
    inward = f"{rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    centre_id = demo_id("location", spec.domain, "centre")
    latitude, longitude = town_point(town, centre_id)
    centre = Location(
        id=centre_id,
        organization=organisation,
        location_type=Location.LocationType.PHYSICAL,
        name=f"{spec.name}, {rng.choice(BUILDINGS)}",
        description=f"Our centre in {town}. Step-free access and a baby-changing room.",
        transportation=f"Buses stop outside; ask at reception for the {town} bus times.",
        latitude=latitude,
        longitude=longitude,
    )
    rows.locations.append(centre)
    rows.addresses.append(
        Address(
            id=demo_id("address", spec.domain, "centre"),
            location=centre,
            address_1=f"{rng.randrange(1, 140)} {rng.choice(STREETS)}",
            city=town,
            state_province="Scotland",
            region=area.council_area,
            postal_code=f"{district} {inward}",
            country="GB",
            address_type=Location.LocationType.PHYSICAL,
        )
    )
    # Partner agencies are local: one centre each (the outside services are the ones online or by phone).
    locations = [centre]
    number = PHONE_BLOCK[area.short_code] + AREAS.index(area) * 60 + index * 10
    rows.phones.append(
        Phone(
            id=demo_id("phone", spec.domain),
            organization=organisation,
            number=f"{PHONE_PREFIX[area.short_code]}{number:03d}",
            type="voice",
            description="Reception",
        )
    )
    rows.contacts.append(
        Contact(
            id=demo_id("contact", spec.domain),
            organization=organisation,
            title=rng.choice(CONTACT_TITLES),
            department="Referrals",
            email=f"referrals@{spec.domain}",
        )
    )

    core, *extras = CATALOGUE[spec.offer]
    chosen = rng.sample(extras, rng.choice((0, 1, 1, 2)))
    needed = NEEDED_EXTRA.get(spec.offer)
    if needed and all(extra.key != needed for extra in chosen):
        needed_spec = next(extra for extra in extras if extra.key == needed)
        chosen = [needed_spec, *chosen[:1]]
    for number_offset, service_spec in enumerate([core, *sorted(chosen, key=lambda item: item.key)], start=1):
        service = _service(builder, rng, rows, organisation, spec.domain, service_spec, worker, [partnership.pk])
        service.takes_referrals = True
        full = rng.random() < 0.15
        service.places_available = 0 if full else rng.randint(1, 12)
        service.capacity_updated_at = builder.at(builder.today - datetime.timedelta(days=rng.randint(1, 40)), 0)
        service.response_working_days = rng.choice(RESPONSE_DAYS)
        rows.phones.append(
            Phone(
                id=demo_id("phone", spec.domain, service_spec.key),
                service=service,
                number=f"{PHONE_PREFIX[area.short_code]}{number + number_offset:03d}",
                type="voice",
            )
        )
        for location in locations:
            rows.at_locations.append(
                ServiceAtLocation(
                    id=demo_id("service-at-location", spec.domain, service_spec.key, str(location.id)),
                    service=service,
                    location=location,
                )
            )
        rows.areas.append(
            ServiceArea(
                id=demo_id("service-area", spec.domain, service_spec.key),
                service=service,
                name=area.council_area,
                description=f"Parents living in {area.area_name}.",
            )
        )
        plan.by_area[area.short_code].append(service)
        plan.needs[service.id] = service_spec.needs


def _outside(builder: "_Builder", rows: _Rows, plan: DirectoryPlan, spec: OutsideSpec) -> None:
    rng = builder.rng(f"directory {spec.key}")
    organisation = DirectoryOrganisation(
        id=demo_id("organisation", spec.domain),
        name=spec.name,
        description=f"{spec.description} Not a partner agency: signposting only. {INVENTED}",
        email=f"hello@{spec.domain}",
        website=f"https://{spec.domain}/",
    )
    rows.organisations.append(organisation)
    online = Location(
        id=demo_id("location", spec.domain, "online"),
        organization=organisation,
        location_type=Location.LocationType.VIRTUAL,
        name=f"{spec.name} by phone and online",
        url=f"https://{spec.domain}/",
    )
    rows.locations.append(online)
    rows.phones.append(
        Phone(id=demo_id("phone", spec.domain), organization=organisation, number=spec.phone, type="voice")
    )
    everywhere = [partnership.pk for partnership in builder.partnerships.values()]
    for service_spec in spec.services:
        service = _service(builder, rng, rows, organisation, spec.domain, service_spec, None, everywhere)
        rows.at_locations.append(
            ServiceAtLocation(
                id=demo_id("service-at-location", spec.domain, service_spec.key, str(online.id)),
                service=service,
                location=online,
            )
        )
        rows.areas.append(
            ServiceArea(id=demo_id("service-area", spec.domain, service_spec.key), service=service, name="Scotland")
        )
        plan.outside.append(service)
        plan.needs[service.id] = service_spec.needs


def _service(
    builder: "_Builder",
    rng: random.Random,
    rows: _Rows,
    organisation: DirectoryOrganisation,
    domain: str,
    spec: ServiceSpec,
    checker: User | None,
    partnerships: list[int],
) -> Service:
    # Most entries were checked in the last few months; about one in five has not been for over six.
    stale = rng.random() < 0.2
    checked = builder.today - datetime.timedelta(days=rng.randint(190, 500) if stale else rng.randint(3, 170))
    service = Service(
        id=demo_id("service", domain, spec.key),
        organization=organisation,
        name=spec.name,
        description=f"{spec.description} {INVENTED}",
        url=f"https://{domain}/{spec.key}/",
        email=f"{spec.key}@{domain}",
        status=Service.Status.ACTIVE,
        application_process="Ask your keyworker to refer you, or phone us to book a first chat.",
        eligibility_description=spec.eligibility,
        fees_description="Free.",
        minimum_age=16,
        childcare_on_site=spec.childcare_on_site,
        last_modified=builder.at(checked, 0),
        last_checked_on=checked,
        last_checked_by=checker,
    )
    rows.services.append(service)
    rows.links.append((service, partnerships))
    patterns = list(spec.schedules) or list(DAYTIME)
    first = rng.choice(patterns)
    chosen = [first]
    first_days = set(first[0].split(","))
    others = [pattern for pattern in patterns if not set(pattern[0].split(",")) & first_days]
    if others and rng.random() < 0.35:
        chosen.append(rng.choice(others))
    for number, (byday, opens, closes, words) in enumerate(chosen):
        rows.schedules.append(
            Schedule(
                id=demo_id("schedule", domain, spec.key, str(number)),
                service=service,
                freq=Schedule.Frequency.WEEKLY,
                byday=byday,
                opens_at=_time(opens),
                closes_at=_time(closes),
                description=words,
            )
        )
    rows.contacts.append(
        Contact(
            id=demo_id("contact", domain, spec.key),
            service=service,
            title=rng.choice(("Service coordinator", "Lead worker", "Group facilitator", "Adviser")),
            email=f"{spec.key}@{domain}",
        )
    )
    for need in spec.needs:
        rows.attributes.append(
            Attribute(
                id=demo_id("attribute", domain, spec.key, need),
                taxonomy_term_id=barrier_term_id(need),
                service=service,
                link_id=service.id,
                link_entity="service",
                link_type="need",
            )
        )
    return service


# ---------------------------------------------------------------------------------------------
# Availability

# Most parents can come in school hours; fewer after school, in the evening or at weekends.
PART_OF_DAY_WEIGHTS = {"morning": 40, "afternoon": 30, "late_afternoon": 12, "evening": 18}
WEEKEND_SHARE = 0.15


def write_availability(builder: "_Builder") -> None:
    """When each open participant says they can take part, and for a fifth of closed ones too."""
    rows: list[AvailabilitySlot] = []
    for person in builder.people:
        rng = builder.rng(f"availability {person.reference}")
        wanted = rng.randint(2, 8)
        has_slots = person.status != Participant.Status.CLOSED or rng.random() < 0.2
        chosen: set[tuple[int, str]] = set()
        for _ in range(wanted):
            weekday = rng.randrange(5, 7) if rng.random() < WEEKEND_SHARE else rng.randrange(5)
            parts = list(PART_OF_DAY_WEIGHTS)
            part = rng.choices(parts, weights=[PART_OF_DAY_WEIGHTS[item] for item in parts])[0]
            chosen.add((weekday, part))
        if not has_slots:
            continue
        rows.extend(
            AvailabilitySlot(participant=person.row, weekday=weekday, part_of_day=part)
            for weekday, part in sorted(chosen)
        )
    builder.save(AvailabilitySlot, rows)
    builder.counts["support:availability_slots"] = len(rows)

"""The invented people, organisations and words of the demo programme.

Everything here is made up, except the council areas themselves: their names, GSS codes and
postcode districts are public facts, and the councils are public bodies. Organisation names are
invented to sound local; charity numbers use the SC09xxxx range, which the Scottish Charity
Regulator has not reached, so no real charity's number is borrowed.
"""

import datetime
from dataclasses import dataclass

from coproduce.accounts.roles import Role

PROGRAMME_NAME = "Making It Work"
PROGRAMME_PREFIX = "MIW"
PROGRAMME_STARTS_ON = datetime.date(2013, 4, 1)
PROGRAMME_ENDS_ON = datetime.date(2017, 12, 31)
PROGRAMME_DESCRIPTION = (
    "Voluntary, personalised support for lone parents who want to move towards work, delivered "
    "by keyworkers and local partnerships in five Scottish council areas. (Demo data: every "
    "person and organisation in it is invented.)"
)
FIRST_JOINING_DAY = datetime.date(2013, 6, 1)
# The last referrals came in the autumn of 2017, so that every case could close by the end of the year.
LAST_JOINING_DAY = datetime.date(2017, 9, 29)
FULL_SIZE = 3115
# Sustainment checks of the last jobs fell due up to a year after the programme ended; nothing about
# Making It Work is dated after this day.
HISTORY_ENDS_ON = datetime.date(2018, 12, 31)

# The current successor programme: the same five partnerships, a new grant from the same funder,
# and the live casework the demo logins see. About a tenth of Making It Work's size.
LIVE_PROGRAMME_NAME = "Making It Work Together"
LIVE_PROGRAMME_PREFIX = "MWT"
LIVE_PROGRAMME_STARTS_ON = datetime.date(2025, 4, 1)
LIVE_PROGRAMME_ENDS_ON = datetime.date(2028, 3, 31)
LIVE_FIRST_JOINING_DAY = datetime.date(2025, 5, 1)
LIVE_PROGRAMME_DESCRIPTION = (
    "The successor to Making It Work: the same five partnerships offering keyworker support to lone "
    "parents moving towards work, 2025 to 2028. (Demo data: every person and organisation in it is invented.)"
)
LIVE_SHARE = 0.1  # the live programme's participants, as a share of Making It Work's
LIVE_MINIMUM = 70
LIVE_GRANTS_TOTAL = 2_400_000  # pounds, over the three years, shared like Making It Work's
# People who took part in Making It Work and joined the live programme too, as a share of its participants.
RETURNING_SHARE = 0.1


@dataclass(frozen=True)
class ProgrammeSpec:
    """What differs between the demo's two programmes."""

    name: str
    prefix: str
    description: str
    starts_on: datetime.date
    ends_on: datetime.date
    first_joining_day: datetime.date
    last_joining_day: datetime.date | None  # None: up to the day the demo is built
    closed: bool  # ended: every case closed, nothing dated after HISTORY_ENDS_ON


CLOSED_PROGRAMME = ProgrammeSpec(
    PROGRAMME_NAME,
    PROGRAMME_PREFIX,
    PROGRAMME_DESCRIPTION,
    PROGRAMME_STARTS_ON,
    PROGRAMME_ENDS_ON,
    FIRST_JOINING_DAY,
    LAST_JOINING_DAY,
    closed=True,
)
LIVE_PROGRAMME = ProgrammeSpec(
    LIVE_PROGRAMME_NAME,
    LIVE_PROGRAMME_PREFIX,
    LIVE_PROGRAMME_DESCRIPTION,
    LIVE_PROGRAMME_STARTS_ON,
    LIVE_PROGRAMME_ENDS_ON,
    LIVE_FIRST_JOINING_DAY,
    None,
    closed=False,
)

# Every demo account signs in with this password. It is public, in the README and here: demo
# databases only, never a real deployment.
DEMO_PASSWORD = "coproduce-demo"

PARTICIPANT_EMAIL_DOMAINS = ("example.net", "example.com")
# Ofcom keeps 07700 900000–900999 for drama; only these thousand numbers are safe to invent.
DRAMA_MOBILES = tuple(f"+447700900{number:03d}" for number in range(1000))


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    kind: str  # Organisation.Kind value
    domain: str  # for staff email addresses
    description: str
    charity_number: str = ""
    # For partner agencies: what they offer, and the job title of their partner worker.
    offer: str = ""
    worker_title: str = ""


@dataclass(frozen=True)
class AreaSpec:
    short_code: str
    area_name: str  # as the programme and its evaluation name the area
    council_area: str  # the official council-area name the GSS code belongs to
    gss_code: str
    participants: int  # at full size (3,115 in all)
    keyworkers: int
    lead: OrganisationSpec
    council: OrganisationSpec
    agencies: tuple[OrganisationSpec, ...]
    # Postcode districts in the council area, with the post town for addresses.
    districts: tuple[tuple[str, str], ...]


def _agencies(
    code: int, domain_names: tuple[tuple[str, str], ...], descriptions: tuple[str, ...] = ()
) -> tuple[OrganisationSpec, ...]:
    """The five kinds of partner agency every partnership had, in the paper's order."""
    offers = (
        ("money_and_debt", "Money adviser", "Free, confidential money, benefits and debt advice."),
        ("mental_health", "Wellbeing practitioner", "One-to-one and group support for mental health and wellbeing."),
        (
            "childcare",
            "Childcare coordinator",
            "Finds and funds childcare so that parents can take up work or training.",
        ),
        ("skills", "Skills and training adviser", "Courses, qualifications and work placements."),
        (
            "personal_development",
            "Personal development worker",
            "Confidence building, peer groups and personal development.",
        ),
    )
    return tuple(
        OrganisationSpec(
            name=name,
            kind="third_sector",
            domain=domain,
            description=description,
            charity_number=f"SC09{code}{index + 1:03d}",
            offer=offer,
            worker_title=title,
        )
        for index, ((name, domain), (offer, title, description)) in enumerate(zip(domain_names, offers, strict=True))
    )


# The split of 3,115 participants across the areas. The real programme's split is not in the
# paper; Glasgow, the largest city, has the most, and the rest follow population and the number
# of lone-parent households, roughly. Keyworkers are set so that each ends with about 19 open
# cases (15–25 active).
AREAS: tuple[AreaSpec, ...] = (
    AreaSpec(
        short_code="EDI",
        area_name="Edinburgh",
        council_area="City of Edinburgh",
        gss_code="S12000036",
        participants=620,
        keyworkers=6,
        lead=OrganisationSpec(
            "Capital Families Forward",
            "third_sector",
            "capitalfamilies.example.org",
            "Edinburgh charity run with and for lone-parent families.",
            "SC091000",
        ),
        council=OrganisationSpec(
            "City of Edinburgh Council", "local_government", "edinburgh.example.gov.uk", "Local authority."
        ),
        agencies=_agencies(
            1,
            (
                ("Old Town Money Matters", "oldtownmoney.example.org"),
                ("Pentland Wellbeing Collective", "pentlandwellbeing.example.org"),
                ("Castle Rock Childcare Network", "castlerockchildcare.example.org"),
                ("Forth Skills Hub", "forthskills.example.org"),
                ("New Chapter Edinburgh", "newchapter.example.org"),
            ),
        ),
        districts=(
            *((f"EH{number}", "Edinburgh") for number in range(1, 18)),
            ("EH29", "Kirkliston"),
            ("EH30", "South Queensferry"),
        ),
    ),
    AreaSpec(
        short_code="FIF",
        area_name="Fife",
        council_area="Fife",
        gss_code="S12000047",
        participants=600,
        keyworkers=6,
        lead=OrganisationSpec(
            "Kingdom Lone Parents Together",
            "third_sector",
            "kingdomlpt.example.org",
            "Fife-wide charity founded by lone parents, for lone parents.",
            "SC092000",
        ),
        council=OrganisationSpec("Fife Council", "local_government", "fife.example.gov.uk", "Local authority."),
        agencies=_agencies(
            2,
            (
                ("Kingdom Money Matters", "kingdommoney.example.org"),
                ("Fife Calm Minds", "fifecalmminds.example.org"),
                ("Lomond Childcare Partnership", "lomondchildcare.example.org"),
                ("Kingdom Skills Works", "kingdomskills.example.org"),
                ("Firth Confidence Project", "firthconfidence.example.org"),
            ),
        ),
        # KY13 (Kinross) is in Perth and Kinross, so it is left out.
        districts=(
            ("KY1", "Kirkcaldy"),
            ("KY2", "Kirkcaldy"),
            ("KY3", "Burntisland"),
            ("KY4", "Cowdenbeath"),
            ("KY5", "Lochgelly"),
            ("KY6", "Glenrothes"),
            ("KY7", "Glenrothes"),
            ("KY8", "Leven"),
            ("KY9", "Leven"),
            ("KY10", "Anstruther"),
            ("KY11", "Dunfermline"),
            ("KY12", "Dunfermline"),
            ("KY14", "Cupar"),
            ("KY15", "Cupar"),
            ("KY16", "St Andrews"),
        ),
    ),
    AreaSpec(
        short_code="GLA",
        area_name="Glasgow",
        council_area="Glasgow City",
        gss_code="S12000049",
        participants=900,
        keyworkers=8,
        lead=OrganisationSpec(
            "Clyde Families Work",
            "third_sector",
            "clydefamilies.example.org",
            "Glasgow charity supporting lone parents into work, learning and volunteering.",
            "SC093000",
        ),
        council=OrganisationSpec(
            "Glasgow City Council", "local_government", "glasgow.example.gov.uk", "Local authority."
        ),
        agencies=_agencies(
            3,
            (
                ("Southside Money Advice Centre", "southsidemoney.example.org"),
                ("Clydeside Wellbeing Space", "clydesidewellbeing.example.org"),
                ("Wee Ones Childcare Co-operative", "weeones.example.org"),
                ("Kelvin Skills Exchange", "kelvinskills.example.org"),
                ("Second City Steps", "secondcitysteps.example.org"),
            ),
        ),
        districts=tuple(
            (f"G{number}", "Glasgow")
            for number in (
                1,
                2,
                3,
                4,
                5,
                11,
                12,
                13,
                14,
                15,
                20,
                21,
                22,
                23,
                31,
                32,
                33,
                34,
                40,
                41,
                42,
                43,
                44,
                45,
                51,
                52,
                53,
            )
        ),
    ),
    AreaSpec(
        short_code="NLA",
        area_name="North Lanarkshire",
        council_area="North Lanarkshire",
        gss_code="S12000050",
        participants=505,
        keyworkers=5,
        lead=OrganisationSpec(
            "Monklands Parents Forward",
            "third_sector",
            "monklandsparents.example.org",
            "Community charity working with parents across North Lanarkshire.",
            "SC094000",
        ),
        council=OrganisationSpec(
            "North Lanarkshire Council", "local_government", "northlanarkshire.example.gov.uk", "Local authority."
        ),
        agencies=_agencies(
            4,
            (
                ("Airdrie and Coatbridge Money Matters", "acmoneymatters.example.org"),
                ("North Lanarkshire Wellbeing Circle", "nlwellbeing.example.org"),
                ("Cumbernauld Family Childcare", "cumbernauldchildcare.example.org"),
                ("Motherwell Skills Bridge", "motherwellskills.example.org"),
                ("Kilsyth Fresh Start", "kilsythfreshstart.example.org"),
            ),
        ),
        districts=(
            ("ML1", "Motherwell"),
            ("ML2", "Wishaw"),
            ("ML4", "Bellshill"),
            ("ML5", "Coatbridge"),
            ("ML6", "Airdrie"),
            ("ML7", "Shotts"),
            ("G65", "Kilsyth"),
            ("G67", "Cumbernauld"),
            ("G68", "Cumbernauld"),
        ),
    ),
    AreaSpec(
        short_code="SLA",
        area_name="South Lanarkshire",
        council_area="South Lanarkshire",
        gss_code="S12000029",
        participants=490,
        keyworkers=5,
        lead=OrganisationSpec(
            "Clydesdale Lone Parent Alliance",
            "third_sector",
            "clydesdalelpa.example.org",
            "Alliance of lone parents' groups across South Lanarkshire.",
            "SC095000",
        ),
        council=OrganisationSpec(
            "South Lanarkshire Council", "local_government", "southlanarkshire.example.gov.uk", "Local authority."
        ),
        agencies=_agencies(
            5,
            (
                ("East Kilbride Money Help", "ekmoneyhelp.example.org"),
                ("Avondale Wellbeing Project", "avondalewellbeing.example.org"),
                ("Hamilton Family Childcare Network", "hamiltonchildcare.example.org"),
                ("Lanark Skills for Work", "lanarkskills.example.org"),
                ("Rutherglen Rising", "rutherglenrising.example.org"),
            ),
        ),
        districts=(
            ("ML3", "Hamilton"),
            ("ML8", "Carluke"),
            ("ML9", "Larkhall"),
            ("ML10", "Strathaven"),
            ("ML11", "Lanark"),
            ("ML12", "Biggar"),
            ("G72", "Blantyre"),
            ("G73", "Rutherglen"),
            ("G74", "East Kilbride"),
            ("G75", "East Kilbride"),
        ),
    ),
)
assert sum(area.participants for area in AREAS) == FULL_SIZE

FUNDER = OrganisationSpec(
    "Saltire Good Causes Fund",
    "funder",
    "saltiregoodcauses.example.org",
    "Grant-maker distributing good-causes money across Scotland. Funds the programme.",
)
EVALUATION_TEAM = OrganisationSpec(
    "Carrick University Employment Research Unit",
    "research",
    "carrick.example.ac.uk",
    "University team evaluating the programme with yearly waves of interviews.",
)
# The paper's analysis was done by four researchers in two institutions, to limit bias: the
# university team above and this one (invented, like everything else here).
SECOND_EVALUATION_TEAM = OrganisationSpec(
    "Pennine Institute for Social Research",
    "research",
    "pennine.example.ac.uk",
    "Independent research institute; codes the evaluation's interviews with the university team.",
)


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    given_name: str
    family_name: str
    email: str
    area: str = ""  # short code of the area they work or live in
    job_title: str = ""
    label: str = ""  # how `demo_logins` names a login that is not the one chosen for its role

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


# One chosen person per role, found again by email address (`demo_logins` reads these). The
# keyworker, the manager, the partner worker and the participant are all in Fife, so the
# demo tells one story: Nicola is on Kirsty's caseload, Morag manages the Fife partnership.
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(Role.PARTICIPANT, "Nicola", "Watt", "nicola.watt@example.net", area="FIF"),
    DemoLogin(Role.KEYWORKER, "Kirsty", "Morrison", "kirsty.morrison@kingdomlpt.example.org", "FIF", "Keyworker"),
    DemoLogin(Role.PARTNER_WORKER, "Fiona", "Baird", "fiona.baird@kingdommoney.example.org", "FIF", "Money adviser"),
    DemoLogin(
        Role.PARTNERSHIP_MANAGER,
        "Morag",
        "Henderson",
        "morag.henderson@kingdomlpt.example.org",
        "FIF",
        "Partnership manager",
    ),
    DemoLogin(
        Role.FUNDER, "Douglas", "Reid", "douglas.reid@saltiregoodcauses.example.org", job_title="Funding officer"
    ),
    DemoLogin(Role.EVALUATOR, "Aileen", "McKay", "aileen.mckay@carrick.example.ac.uk", job_title="Research fellow"),
    DemoLogin(Role.ADMINISTRATOR, "Iain", "Fraser", "iain.fraser@coproduce.example.org", job_title="Administrator"),
    # A lone parent the programme supported, now on the Fife partnership board (not a participant record).
    DemoLogin(
        Role.BOARD_MEMBER,
        "Lorraine",
        "Kerr",
        "lorraine.kerr@example.net",
        "FIF",
        "Lived-experience board member",
    ),
)
DEMO_LOGIN_BY_ROLE = {login.role: login for login in DEMO_LOGINS}

# The other three evaluators who code the interviews with Aileen (see `coproduce.demo.research`),
# with their organisation. Priya codes the same transcripts as Aileen, from the other institution,
# so `demo_logins` prints her too: sign in as both to see where coders agree and differ.
SECOND_CODER = DemoLogin(
    Role.EVALUATOR,
    "Priya",
    "Nair",
    "priya.nair@pennine.example.ac.uk",
    job_title="Senior research fellow",
    label="evaluator (second coder)",
)
OTHER_EVALUATORS: tuple[tuple[DemoLogin, OrganisationSpec], ...] = (
    (
        DemoLogin(
            Role.EVALUATOR, "Rory", "Buchanan", "rory.buchanan@carrick.example.ac.uk", job_title="Research associate"
        ),
        EVALUATION_TEAM,
    ),
    (SECOND_CODER, SECOND_EVALUATION_TEAM),
    (
        DemoLogin(
            Role.EVALUATOR, "Tom", "Ashworth", "tom.ashworth@pennine.example.ac.uk", job_title="Research associate"
        ),
        SECOND_EVALUATION_TEAM,
    ),
)
# Printed by `demo_logins` after the one login per role.
EXTRA_DEMO_LOGINS: tuple[DemoLogin, ...] = (SECOND_CODER,)

# Lone parents are mostly mothers; about one in ten in the demo is a father.
WOMEN_GIVEN_NAMES = (
    "Nicola", "Claire", "Lisa", "Gillian", "Lynsey", "Kirsty", "Laura", "Gemma", "Stacey", "Leanne",
    "Jennifer", "Emma", "Sarah", "Louise", "Amanda", "Donna", "Karen", "Michelle", "Lorraine", "Shona",
    "Fiona", "Ashley", "Jade", "Chloe", "Danielle", "Natalie", "Rebecca", "Hayley", "Kayleigh", "Carly",
    "Kelly", "Lindsey", "Pamela", "Angela", "Tracy", "Joanne", "Elaine", "Ailsa", "Morag", "Eilidh",
    "Catriona", "Mhairi", "Iona", "Kerry", "Samantha", "Amy", "Rachel", "Heather", "Victoria", "Stephanie",
    "Jillian", "Lynne", "Marie", "Siobhan", "Caitlin", "Megan", "Zoe", "Aimee", "Shannon", "Toni",
    "Dionne", "Sharon", "Yvonne", "Julie", "Katie", "Rhona", "Kimberley", "Holly", "Jodie", "Paula",
    "Agnieszka", "Joanna", "Marta", "Monika", "Ewa", "Oksana", "Aisha", "Amina", "Nadia", "Sadia",
    "Fatima", "Grace", "Blessing", "Precious", "Roisin", "Ciara", "Morven", "Kirsten", "Debbie", "Suzanne",
)  # fmt: skip
MEN_GIVEN_NAMES = (
    "Craig", "Scott", "Darren", "Gary", "Stuart", "Steven", "Paul", "Mark", "Jamie", "Ryan",
    "Martin", "Barry", "Kevin", "Graeme", "Derek", "Callum", "Euan", "Ross", "Kenny", "Iain",
)  # fmt: skip
FAMILY_NAMES = (
    "Smith", "Brown", "Wilson", "Campbell", "Stewart", "Thomson", "Robertson", "Anderson", "MacDonald", "Scott",
    "Reid", "Murray", "Taylor", "Clark", "Ross", "Watson", "Morrison", "Paterson", "Young", "Mitchell",
    "Walker", "Fraser", "Miller", "McDonald", "Gray", "Henderson", "Hamilton", "Johnston", "Duncan", "Graham",
    "Ferguson", "Kerr", "Davidson", "Bell", "Cameron", "Kelly", "Martin", "Hunter", "Allan", "Mackenzie",
    "Grant", "Simpson", "MacLeod", "Mackay", "McLean", "Black", "Wallace", "Russell", "Marshall", "Gibson",
    "Sutherland", "Gordon", "Burns", "Kennedy", "Wood", "Munro", "Docherty", "Muir", "Hughes", "Craig",
    "Milne", "Christie", "Sinclair", "Ritchie", "Watt", "Crawford", "McKenzie", "Baird", "Boyle", "Gallacher",
    "Quinn", "Donnelly", "McGregor", "Rankin", "Shaw", "Whyte", "Jamieson", "Love", "Rae", "Houston",
    "Lamont", "Dunlop", "McIntyre", "Logan", "Brodie", "Buchanan", "Currie", "Drummond", "Forsyth", "Hendry",
    "Imrie", "Kidd", "Laing", "McCallum", "McEwan", "McFarlane", "McGuire", "McKay", "McMillan", "Nicol",
    "Ogilvie", "Pollock", "Rennie", "Shearer", "Tait", "Urquhart", "Weir", "Wylie", "Malik", "Ahmed",
    "Khan", "Hussain", "Kowalska", "Nowak", "Zielinska", "Okafor", "Mensah", "O'Neill", "McLaughlin", "Devlin",
)  # fmt: skip

STREETS = (
    "Main Street", "High Street", "Station Road", "Church Street", "Park Avenue", "Victoria Road",
    "Burnside Crescent", "Glebe Street", "Mill Road", "Hillview Drive", "Rowan Court", "Birch Grove",
    "Thistle Place", "Wellside Road", "Kirk Wynd", "Loch View", "Beech Terrace", "Manse Road",
    "Meadow Way", "Ash Grove", "Bank Street", "Quarry Road", "School Lane", "Hawthorn Gardens",
)  # fmt: skip
# Letters used in the inward half of a UK postcode (never C, I, K, M, O or V).
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# How many children, and how old the youngest is at joining: lone parents who come forward
# mostly have one or two children, the youngest often under five.
CHILDREN_COUNT_WEIGHTS = {1: 50, 2: 32, 3: 13, 4: 5}
YOUNGEST_AGE_WEIGHTS = dict(enumerate((14, 14, 13, 12, 11, 10, 8, 7, 6, 5, 4, 3, 3, 2, 2, 1, 1)))

HEARD_ABOUT_WEIGHTS = {
    "jobcentre": 25,
    "friend_or_family": 22,
    "school_or_nursery": 14,
    "partner_agency": 14,
    "health_visitor": 8,
    "community_event": 8,
    "social_media": 6,
    "other": 3,
}

# Childcare, confidence, skills and gaps in work history come up most often.
BARRIER_WEIGHTS = {
    "childcare": 60,
    "confidence": 55,
    "skills": 45,
    "work_history_gaps": 45,
    "money_and_debt": 30,
    "mental_health": 25,
    "transport": 20,
    "social_isolation": 18,
    "housing": 15,
    "digital": 15,
    "physical_health": 10,
    "caring": 8,
    "language": 5,
}
BARRIER_COUNT_WEIGHTS = {1: 12, 2: 25, 3: 30, 4: 20, 5: 13}
IMPORTANCE_WEIGHTS = {1: 20, 2: 45, 3: 35}

# What people said about each barrier, in their own words (invented, first person).
OWN_WORDS: dict[str, tuple[str, ...]] = {
    "childcare": (
        "There's nobody to pick the kids up from school if I'm working past three.",
        "Nursery hours don't fit round any job I've seen.",
        "I can't pay for childcare until I've been paid, and I can't start without it.",
        "My wee one has never been left with anyone but my mum.",
        "The summer holidays are the worst. What do I do with them for seven weeks?",
        "After-school club has a waiting list as long as your arm.",
    ),
    "confidence": (
        "I used to be good at my job but I feel like I've forgotten how to talk to people.",
        "I freeze in interviews. My mind just goes blank.",
        "I don't think anyone would want to employ me.",
        "I've been at home so long I don't know who I am at work any more.",
        "Walking into a room full of strangers makes me feel sick.",
        "I know I can do more, I just need someone to believe it with me.",
    ),
    "skills": (
        "I left school at sixteen with nothing much to show for it.",
        "Everything wants a qualification now, even cleaning jobs.",
        "I'd like to do an SVQ but I don't know where to start.",
        "My maths is rusty and it puts me off anything with a till.",
        "I did half a college course years ago and never finished it.",
    ),
    "work_history_gaps": (
        "I haven't worked since my eldest was born, and that's nine years now.",
        "How do I explain the gap on my CV?",
        "The last job I had was in a shop that doesn't exist any more.",
        "I've only ever done bits of cash-in-hand work, nothing I can put down.",
        "Employers see the gap and that's it, you're out.",
    ),
    "mental_health": (
        "Some days the anxiety means I can't get out the door.",
        "I've been up and down since the split.",
        "I'm tired all the time and it's not just the kids.",
        "I get panicky on buses and in queues.",
        "I want to work but I need to get myself right first.",
    ),
    "physical_health": (
        "My back gives me bother if I stand for long.",
        "I've got hospital appointments every few weeks.",
        "I have asthma and cold places set it off.",
        "I can't do heavy lifting since the operation.",
    ),
    "money_and_debt": (
        "The council tax arrears letters keep coming and I can't bring myself to open them.",
        "I'm scared that if I work, my money will stop and I'll be worse off.",
        "I've got catalogue debts I took on when he left.",
        "By the end of the fortnight there's nothing left for the meter.",
        "I don't understand how my benefits would work if I got a job.",
    ),
    "housing": (
        "We're in temporary accommodation and could be moved any time.",
        "The flat's damp and the kids keep getting chest infections.",
        "I'm on the list for a bigger place but it's years.",
        "I don't want to start a job and then get moved to the other side of town.",
    ),
    "transport": (
        "Two buses to get anywhere, and the first one's at quarter past seven.",
        "I don't drive and there's no bus after six out here.",
        "A monthly bus pass costs more than I'd have left over.",
        "By the time I drop the kids off there's no way to get into town for nine.",
    ),
    "social_isolation": (
        "I don't really see anyone apart from the kids.",
        "Most of my friends drifted off when I had the baby.",
        "I moved here to get away and I don't know a soul.",
        "Some weeks the only adult I talk to is at the school gate.",
    ),
    "caring": (
        "I look after my mum as well as the kids.",
        "My son has additional support needs and the school phones me a lot.",
        "My dad's not well and I'm round there most days.",
    ),
    "language": (
        "My English is good for talking but forms are hard.",
        "I want better English so I can use my nursing qualification here.",
        "I understand more than I can say, and that knocks me back.",
    ),
    "digital": (
        "I only have my phone, no computer, and the job sites don't work on it.",
        "I don't know how to set up an email address that looks professional.",
        "Online applications time out before I finish them.",
        "My data runs out and then I can't look for anything.",
    ),
}

STRENGTHS = (
    "I'm organised. You have to be with three kids.",
    "I'm good with people; I worked in a café for years.",
    "I never give up on things.",
    "I'm a good listener. My pals always come to me.",
    "I can budget down to the last penny.",
    "I'm good with my hands and I like fixing things.",
    "I'm patient, which you need with toddlers.",
    "I sorted all the paperwork for my mum's care, so forms don't scare me.",
    "I like learning new things when I get the chance.",
    "I'm reliable. If I say I'll be there, I'm there.",
    "I help out at the toddler group on Fridays.",
    "I speak two languages.",
    "I'm creative. I make the kids' costumes and birthday cakes.",
    "I'm calm in a crisis.",
    "I know the area inside out.",
    "I'm a hard worker once I get going.",
)

ASPIRATIONS = (
    "I want a job that fits round school hours.",
    "I'd love to work in a nursery or as a classroom assistant.",
    "I want to go back to college and do hairdressing.",
    "Something in care. I think I'd be good at it.",
    "I want to show my kids that you can work and be a good parent.",
    "Admin work in an office, part-time to start.",
    "I'd like my own wee business one day, maybe baking.",
    "I want to stop worrying about money every fortnight.",
    "Get my confidence back first, then think about work.",
    "Retail to start with, then maybe a supervisor.",
    "I'd like to finish the nursing degree I started.",
    "Anything that means I'm not stuck in the house all day.",
    "Learn to drive so I'm not stuck with the buses.",
    "Work in a kitchen. I love cooking.",
    "I'd like to help other lone parents the way I've been helped.",
    "An apprenticeship, if they take people my age.",
)

CONTACT_KIND_WEIGHTS = {"centre": 35, "phone": 25, "home_visit": 15, "message": 15, "group": 10}
CONTACT_NOTES: dict[str, tuple[str, ...]] = {
    "centre": (
        "Caught up on how the week went. Agreed to look at after-school clubs together next time.",
        "Talked through a better-off calculation. Wants to think about hours before deciding.",
        "Went over the job-search log so it's ready for the Jobcentre appointment.",
        "Practised interview questions. Feeling more ready.",
        "Talked about childcare funding for the first month of work.",
        "Offered a place on the confidence group. Would like to try the first session.",
        "Agreed a referral to the wellbeing service, with consent recorded.",
    ),
    "home_visit": (
        "Home visit. Worked on the CV together; chose what to say about the gap.",
        "Home visit as the youngest was unwell. Looked at the gas arrears letter together and phoned the supplier.",
        "Home visit. Decided to hold off on applications until the housing move settles.",
    ),
    "phone": (
        "Phone catch-up. Child unwell, so the college visit moves to next week.",
        "Quick call to confirm the nursery place. Start date agreed.",
        "Called to talk through volunteering as a first step; keen on the food bank.",
        "Called after the first week in the new job. Talked about in-work support.",
    ),
    "message": (
        "Message to check the money advice appointment went ahead. It did.",
        "Sent the link for the online application, as asked.",
        "Reminder about Thursday's group, as requested.",
    ),
    "group": (
        "Group session: CVs and cover letters. Good discussion about interview nerves.",
        "Group session: coffee morning and a visit from the college.",
        "Group session: money and benefits when you start work.",
    ),
}
FIRST_MEETING_NOTE = "First meeting. Talked about what matters most right now and what help would be welcome."
CONTACT_MINUTES = {"centre": (30, 90), "home_visit": (45, 90), "phone": (10, 30), "group": (90, 150)}

ENQUIRY_MESSAGES = (
    "I'm on my own with two kids and I'd like some help getting back to work.",
    "My friend told me about you. Can someone phone me after 3pm?",
    "I want to go back to college but I don't know what to do about childcare.",
    "I've been out of work for years and need help with a CV.",
    "Is there anything for dads? I'm on my own with my daughter.",
    "I'm worried about money and the Jobcentre keep sending letters.",
    "Looking for part-time work that fits school hours.",
    "Could I come to one of your groups before I decide?",
    "",
)
ENQUIRY_BEST_TIMES = ("Mornings after 9.30", "School hours", "After 7pm", "Any time", "")
ENQUIRIES_PER_AREA = 4

# Accounts: most participants never sign in; a few per area do (the demo participant among them).
PARTICIPANT_ACCOUNTS_PER_AREA = 10
# In the live programme most participants are still open (active or paused); some have already closed.
OPEN_SHARE = 0.8
PAUSED_SHARE_OF_OPEN = 0.1
NOT_SEEN_SHARE_OF_ACTIVE = 0.25

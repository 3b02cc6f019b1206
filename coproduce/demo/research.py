"""The demo's evaluation: research consent, waves, stakeholders, interviews, transcripts, coding and a survey.

The paper's evaluation ran four yearly waves of interviews (2014–2017) with lone parents and
stakeholders in each area, and four researchers in two institutions analysed them. The demo
reproduces its Table 1 exactly: the interviews done, by area, wave and kind, are `TABLE_1`
(copied from the paper). Everything else is INVENTED: who was interviewed and when, the
stakeholders' names, the transcripts (written for the demo in the interviewees' voice; none is a
quotation from the paper), the codes the coders applied and the survey answers.

Who is interviewed follows the evaluation's rules: a participant only with research consent in
force that covers interviews, in their own area, at least four weeks after joining and within a
year of their case closing; some are interviewed again in a later wave. The draws come from the
builder's seeded streams, so the same seed gives the same evaluation. With fewer participants
than the full demo, an area may not have enough consented people for a wave: the table is then
short of the paper's rather than breaking those rules (it is exact at full size).
"""

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from coproduce.accounts.models import User
from coproduce.accounts.roles import Role
from coproduce.demo import data
from coproduce.participants.models import Consent, Participant
from coproduce.programmes.models import Organisation, Partnership, Programme, StaffMember, StaffRole
from coproduce.research.models import (
    Code,
    Codebook,
    CodedSegment,
    Interview,
    Quote,
    ResearchConsent,
    Stakeholder,
    StakeholderRole,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyPoint,
    SurveyQuestion,
    SurveyResponse,
    Theme,
    Transcript,
    Wave,
)
from coproduce.research.pseudonyms import pseudonym_for

if TYPE_CHECKING:
    from coproduce.demo.builder import _Builder, _Person

# The paper's Table 1, "Interviews undertaken for MIW research": for each area and wave year,
# (lone parents, stakeholders) interviewed. Totals: 36 34 | 34 35 | 20 35 | 12 13.
TABLE_1: dict[str, dict[int, tuple[int, int]]] = {
    "Edinburgh": {2014: (6, 12), 2015: (8, 8), 2016: (6, 7), 2017: (3, 3)},
    "Fife": {2014: (8, 9), 2015: (8, 9), 2016: (5, 8), 2017: (3, 3)},
    "Glasgow": {2014: (11, 5), 2015: (4, 5), 2016: (2, 8), 2017: (2, 2)},
    "North Lanarkshire": {2014: (5, 3), 2015: (5, 7), 2016: (2, 6), 2017: (1, 2)},
    "South Lanarkshire": {2014: (6, 5), 2015: (9, 6), 2016: (5, 6), 2017: (3, 3)},
}
WAVE_YEARS = (2014, 2015, 2016, 2017)

# What research-consented participants agreed to: most to interviews, quotation and the use of
# their service records; fewer to recording and to being contacted by the evaluators.
CONSENT_ELEMENT_SHARES = {
    "interview": 0.88,
    "recording": 0.55,
    "quotation": 0.8,
    "service_data": 0.86,
    "contact_for_interview": 0.45,
}
MIN_DAYS_BEFORE_INTERVIEW = 28
MAX_DAYS_AFTER_CLOSING = 365
REPEAT_SHARE = 0.35  # of a wave's lone parents, people interviewed in an earlier wave too
MAX_WAVES_PER_PERSON = 3
# Which stakeholders are asked, in proportion (without replacement within a wave).
STAKEHOLDER_WEIGHTS = {
    StakeholderRole.KEYWORKER: 4,
    StakeholderRole.MANAGEMENT: 3,
    StakeholderRole.LEAD_PARTNER: 3,
    StakeholderRole.PARTNER_STAFF: 2,
    StakeholderRole.SIGNPOSTING_PROVIDER: 1,
}
STAKEHOLDER_FIELDWORK = ((3, 1), (11, 30))  # stakeholders were seen between March and November

# Interviews that do not count in Table 1: (area, year, kind, status).
OTHER_INTERVIEWS: tuple[tuple[str, int, str, str], ...] = (
    ("NLA", 2014, Interview.Kind.PARTICIPANT, Interview.Status.DECLINED),
    ("EDI", 2015, Interview.Kind.PARTICIPANT, Interview.Status.DECLINED),
    ("SLA", 2016, Interview.Kind.STAKEHOLDER, Interview.Status.DECLINED),
    ("EDI", 2017, Interview.Kind.PARTICIPANT, Interview.Status.INVITED),
    ("GLA", 2017, Interview.Kind.STAKEHOLDER, Interview.Status.INVITED),
    ("FIF", 2017, Interview.Kind.PARTICIPANT, Interview.Status.SCHEDULED),
    ("GLA", 2017, Interview.Kind.PARTICIPANT, Interview.Status.SCHEDULED),
)
OTHER_INTERVIEW_NOTES: dict[str, str] = {
    Interview.Status.DECLINED: "Said no thanks when asked; no reason needed.",
    Interview.Status.INVITED: "Invitation sent through their keyworker; waiting to hear back.",
    Interview.Status.SCHEDULED: "Meeting at the project's centre; crèche booked.",
}

# Invented stakeholders who are not demo staff: (given, family, job) by role.
INVENTED_STAKEHOLDERS: dict[str, tuple[str, ...]] = {
    StakeholderRole.MANAGEMENT: ("Project coordinator",),
    StakeholderRole.LEAD_PARTNER: ("Chief executive", "Chair of the board"),
    StakeholderRole.SIGNPOSTING_PROVIDER: ("Employability team leader", "Early years development officer"),
}

# -- The codebook -------------------------------------------------------------------------------

CODEBOOK_NAME = "Making it Work evaluation"
CODEBOOK_DESCRIPTION = (
    "Codes for the interviews with lone parents and stakeholders, 2014–2017. The first themes came "
    "from the evaluation's questions; co-production emerged as a theme during the analysis."
)
# (theme, description, colour, [(code, definition, [(child code, definition)])])
CODEBOOK: tuple[tuple[str, str, str, tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]], ...] = (
    (
        "Co-producing employability journeys",
        "How lone parents and keyworkers shape the support together.",
        "#1d70b8",
        (
            (
                "Choice and control",
                "The participant decides what they take part in, when and how far; nobody pushes them.",
                (
                    ("Being listened to", "Staff ask what the participant wants and act on what they hear."),
                    (
                        "Personalised support",
                        "Support fitted to the person's circumstances, rather than a standard package.",
                    ),
                ),
            ),
        ),
    ),
    (
        "Jobcentre Plus and conditionality",
        "Encounters with the mainstream benefits and welfare-to-work system.",
        "#d4351c",
        (
            (
                "Jobcentre Plus",
                "Experiences of Jobcentre Plus and its requirements, good or bad.",
                (
                    ("Fear of sanctions", "Worry that benefits will be stopped or cut for not doing enough."),
                    (
                        "Job-search pressure",
                        "Required job-search activity counted by volume, whatever the fit of the jobs.",
                    ),
                ),
            ),
        ),
    ),
    (
        "Barriers to work",
        "What stands between the participant and the work they want.",
        "#f47738",
        (
            (
                "Barriers",
                "Any barrier to work or progression the interviewee describes.",
                (
                    ("Childcare", "Finding, affording, fitting or trusting childcare."),
                    ("Transport", "Getting to work, training or appointments: cost, distance, timetables."),
                    ("Confidence", "Self-belief, anxiety about work or new people, feeling ready."),
                    ("Money and debt", "Arrears, debt, and fear of being worse off in work."),
                ),
            ),
        ),
    ),
    (
        "Co-governance and co-management",
        "How the funder, lead partners and partner agencies ran the programme together.",
        "#4c2c92",
        (
            ("Partnership working", "Partners sharing expertise, referrals and premises.", ()),
            (
                "Third-sector leadership",
                "Charities and lone parents' groups leading the partnership, and what that changes.",
                (),
            ),
            ("Funder flexibility", "A funder that sets priorities, then trusts partners to deliver.", ()),
        ),
    ),
    (
        "Outcomes",
        "Where participants got to.",
        "#00703c",
        (
            ("Moved into work", "Starting paid work, and how it came about.", ()),
            ("Job quality", "Hours, pay, security and fit with family life of the work on offer.", ()),
        ),
    ),
)
# Added during the analysis by the coders at the second institution: (code, parent, definition, coder, added on).
EMERGENT_CODES: tuple[tuple[str, str, str, str, datetime.date], ...] = (
    (
        "Home visits",
        "Personalised support",
        "Keyworkers meeting the participant at home, often when a child is ill or travel is hard.",
        data.SECOND_CODER.email,
        datetime.date(2015, 9, 14),
    ),
    (
        "Keyworker as advocate",
        "Jobcentre Plus",
        "The keyworker speaks up for the participant with Jobcentre Plus or another agency.",
        "tom.ashworth@pennine.example.ac.uk",
        datetime.date(2016, 10, 3),
    ),
)

# -- Transcripts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TranscriptSpec:
    """An invented, already redacted transcript, who it is with, and how the two coders coded it.

    `segments`: (passage, code from the first coder or "", code from the second coder or "").
    `consensus`: (passage, the code the coders settled on). `quotes`: passages chosen as quotes.
    """

    area: str
    year: int
    role: str  # "participant" or a StakeholderRole value
    speaker_label: str
    coders: tuple[str, str]  # emails: one coder from each institution
    text: str
    segments: tuple[tuple[str, str, str], ...]
    consensus: tuple[tuple[str, str], ...] = ()
    quotes: tuple[str, ...] = ()
    quotable: bool = True  # the interviewee agreed to be quoted


AILEEN = data.DEMO_LOGIN_BY_ROLE[Role.EVALUATOR].email
RORY = data.OTHER_EVALUATORS[0][0].email
PRIYA = data.SECOND_CODER.email
TOM = data.OTHER_EVALUATORS[2][0].email

TRANSCRIPTS: tuple[TranscriptSpec, ...] = (
    TranscriptSpec(
        area="FIF",
        year=2014,
        role="participant",
        speaker_label="Service User",
        coders=(AILEEN, PRIYA),
        text=(
            "Interviewer: How did you first hear about the project?\n"
            "Participant: The health visitor mentioned it when [child] was about two. I nearly didn't go. "
            "I thought it would be like the Jobcentre, somebody ticking boxes.\n"
            "Interviewer: And was it?\n"
            "Participant: No, not at all. The first time I met [staff member] she just asked what I wanted "
            "out of life. Nobody had asked me that in years. I said I didn't know, and she said that was "
            "fine, we'd work it out together.\n"
            "Interviewer: What did you decide to do first?\n"
            "Participant: Money, to be honest. I had letters piling up behind the door. She sat with me "
            "while I phoned the council and it wasn't half as bad as I thought.\n"
            "Interviewer: How does that compare with the Jobcentre?\n"
            "Participant: At the Jobcentre I'm counting the days to my next appointment, because if I've "
            "not done enough applications they can stop my money. I've had that fear in my stomach for "
            "months.\n"
            "Interviewer: And now?\n"
            "Participant: Now I feel like I've got somebody in my corner. She came with me to the Jobcentre "
            "once and explained what I was already doing. I'd never have managed that on my own.\n"
            "Interviewer: What's next for you?\n"
            "Participant: I've started the confidence group on a Wednesday. I'm not ready for a job yet, "
            "but I'm not scared of the idea any more.\n"
        ),
        segments=(
            (
                "she just asked what I wanted out of life. Nobody had asked me that in years.",
                "Being listened to",
                "Being listened to",
            ),
            ("we'd work it out together", "Choice and control", "Choice and control"),
            ("I had letters piling up behind the door.", "Money and debt", "Money and debt"),
            (
                "if I've not done enough applications they can stop my money. I've had that fear in my "
                "stomach for months.",
                "Fear of sanctions",
                "Job-search pressure",
            ),
            (
                "She came with me to the Jobcentre once and explained what I was already doing.",
                "Personalised support",
                "Keyworker as advocate",
            ),
            ("I've started the confidence group on a Wednesday.", "Confidence", ""),
        ),
        consensus=(
            (
                "she just asked what I wanted out of life. Nobody had asked me that in years.",
                "Being listened to",
            ),
            (
                "if I've not done enough applications they can stop my money. I've had that fear in my "
                "stomach for months.",
                "Fear of sanctions",
            ),
            (
                "She came with me to the Jobcentre once and explained what I was already doing.",
                "Keyworker as advocate",
            ),
            ("I've started the confidence group on a Wednesday.", "Confidence"),
        ),
        quotes=("she just asked what I wanted out of life. Nobody had asked me that in years.",),
    ),
    TranscriptSpec(
        area="GLA",
        year=2015,
        role="participant",
        speaker_label="Service User",
        coders=(AILEEN, PRIYA),
        text=(
            "Interviewer: Can you tell me what a normal week looks like for you?\n"
            "Participant: School run, then home, then school run again. [child] has a hospital appointment "
            "most months, so I can't just take any job going.\n"
            "Interviewer: How has the project fitted round that?\n"
            "Participant: They come to me. When [child] was off sick, [staff member] came to the house "
            "instead of me trying to get two buses into town. That made all the difference.\n"
            "Interviewer: What has been hardest about looking for work?\n"
            "Participant: Childcare, every time. The after-school club near us is full and my mum works. "
            "I was offered a job in a café, but the shifts finished at six and there was no way.\n"
            "Interviewer: What did you do?\n"
            "Participant: We talked it through and I said no to that one, and nobody made me feel bad about "
            "it. [staff member] found a childminder who could do two afternoons and the project paid the "
            "first month.\n"
            "Interviewer: And now?\n"
            "Participant: I'm doing a care course at the college two days a week. It's my choice, it's what "
            "I've wanted to do since I looked after my gran.\n"
            "Interviewer: Is there anything you'd change?\n"
            "Participant: More evening groups. Daytime is hard when you've got wee ones at home.\n"
        ),
        segments=(
            (
                "[staff member] came to the house instead of me trying to get two buses into town.",
                "Personalised support",
                "Home visits",
            ),
            ("The after-school club near us is full and my mum works.", "Childcare", "Childcare"),
            ("the shifts finished at six and there was no way", "Childcare", "Job quality"),
            (
                "I said no to that one, and nobody made me feel bad about it.",
                "Choice and control",
                "Choice and control",
            ),
            (
                "found a childminder who could do two afternoons and the project paid the first month",
                "",
                "Childcare",
            ),
            (
                "It's my choice, it's what I've wanted to do since I looked after my gran.",
                "Choice and control",
                "Choice and control",
            ),
        ),
        quotes=("It's my choice, it's what I've wanted to do since I looked after my gran.",),
    ),
    TranscriptSpec(
        area="EDI",
        year=2015,
        role=StakeholderRole.KEYWORKER,
        speaker_label="Keyworker",
        coders=(RORY, TOM),
        text=(
            "Interviewer: What does your role involve day to day?\n"
            "Keyworker: It's one-to-one mostly. I've got about twenty people at any one time, which means I "
            "can actually get to know them. In other jobs I had sixty and you're just processing people.\n"
            "Interviewer: How do you decide what support someone gets?\n"
            "Keyworker: They decide. I'll lay out what's there, the money advice, the wellbeing group, the "
            "college courses, and we talk about what fits. Sometimes the answer is nothing this month, and "
            "that's alright.\n"
            "Interviewer: How do the partners work together?\n"
            "Keyworker: Really well, because we sit in the same building two days a week. If somebody needs "
            "debt advice I can walk them along the corridor to [staff member] rather than hand them a "
            "leaflet.\n"
            "Interviewer: And the Jobcentre?\n"
            "Keyworker: It's mixed. Some advisers understand what we're doing. Others just want to know how "
            "many applications someone's made. I've written letters explaining that a parent is working "
            "with us so they don't get sanctioned.\n"
            "Interviewer: What have you learned?\n"
            "Keyworker: That you can't plan everything from the top. The coffee morning started because two "
            "mums asked for it, and now it's the busiest thing we do.\n"
        ),
        segments=(
            (
                "I've got about twenty people at any one time, which means I can actually get to know them.",
                "Personalised support",
                "Personalised support",
            ),
            ("They decide.", "Choice and control", "Choice and control"),
            ("we sit in the same building two days a week", "Partnership working", "Partnership working"),
            (
                "I can walk them along the corridor to [staff member] rather than hand them a leaflet",
                "Partnership working",
                "Money and debt",
            ),
            (
                "I've written letters explaining that a parent is working with us so they don't get sanctioned.",
                "Fear of sanctions",
                "Keyworker as advocate",
            ),
            (
                "The coffee morning started because two mums asked for it, and now it's the busiest thing we do.",
                "Being listened to",
                "Being listened to",
            ),
        ),
        quotes=("The coffee morning started because two mums asked for it, and now it's the busiest thing we do.",),
    ),
    TranscriptSpec(
        area="SLA",
        year=2016,
        role=StakeholderRole.LEAD_PARTNER,
        speaker_label="Lead Partner Representative",
        coders=(AILEEN, PRIYA),
        text=(
            "Interviewer: How was the partnership put together?\n"
            "Lead partner: We started with who knew lone parents best. That meant the parents' groups, the "
            "money advice people, the childcare network, the college. It wasn't about who could bid the "
            "cheapest.\n"
            "Interviewer: How did leading it as a charity work?\n"
            "Lead partner: Some people expected the council to be in charge. But the funder wanted the third "
            "sector at the front, and parents trust a charity they've seen at the school gate more than they "
            "trust a council office.\n"
            "Interviewer: What was the relationship with the funder like?\n"
            "Lead partner: Honestly, the best I've had. We agreed how many parents we'd work with and what "
            "we'd report, and then they let us get on with it. When we needed to move money from training "
            "into childcare, one phone call sorted it.\n"
            "Interviewer: Were there difficulties?\n"
            "Lead partner: Of course. Getting partners to share information took months, until [staff member] "
            "at the council sorted out an agreement, and there's never enough childcare in the rural bits. And "
            "the jobs out there are often part-time, low-paid, zero hours. We can't fix the labour market.\n"
            "Interviewer: What would you keep if you did it again?\n"
            "Lead partner: The keyworkers, with small caseloads. Everything else hangs off that.\n"
        ),
        segments=(
            ("It wasn't about who could bid the cheapest.", "Partnership working", "Funder flexibility"),
            (
                "parents trust a charity they've seen at the school gate more than they trust a council office",
                "Third-sector leadership",
                "Third-sector leadership",
            ),
            (
                "We agreed how many parents we'd work with and what we'd report, and then they let us get on with it.",
                "Funder flexibility",
                "Funder flexibility",
            ),
            (
                "When we needed to move money from training into childcare, one phone call sorted it.",
                "Funder flexibility",
                "Funder flexibility",
            ),
            ("there's never enough childcare in the rural bits", "Childcare", "Childcare"),
            ("the jobs out there are often part-time, low-paid, zero hours", "Job quality", ""),
        ),
        quotes=(
            "We agreed how many parents we'd work with and what we'd report, and then they let us get on with it.",
        ),
    ),
    TranscriptSpec(
        area="NLA",
        year=2016,
        role=StakeholderRole.PARTNER_STAFF,
        speaker_label="Partner Organisation Staff",
        coders=(RORY, PRIYA),
        text=(
            "Interviewer: How do lone parents come to you?\n"
            "Partner staff: Nearly always through their keyworker. By the time they get to me, they've "
            "already talked through what's worrying them, so we're not starting cold.\n"
            "Interviewer: What are the usual problems?\n"
            "Partner staff: Council tax arrears, catalogue debt, gas on a prepayment meter. And a big fear "
            "that taking a job will leave them worse off, which sometimes it would have, before we worked "
            "it out properly.\n"
            "Interviewer: How do you work it out?\n"
            "Partner staff: A better-off calculation, line by line, with their actual hours and their actual "
            "childcare costs. Once people can see the numbers, the decision is theirs.\n"
            "Interviewer: How does being part of the partnership change your work?\n"
            "Partner staff: We meet the other partners every month. I know the childcare coordinator by "
            "name, so if money for a nursery place is the problem, I can pick up the phone. Before this we'd "
            "never have met.\n"
            "Interviewer: Anything that didn't work?\n"
            "Partner staff: Referrals dried up for a while when [staff member] left and the new keyworker didn't "
            "know us. It's relationships, really. When people move on, you start again.\n"
        ),
        segments=(
            ("Council tax arrears, catalogue debt, gas on a prepayment meter.", "Money and debt", "Money and debt"),
            ("a big fear that taking a job will leave them worse off", "Money and debt", "Money and debt"),
            ("Once people can see the numbers, the decision is theirs.", "Choice and control", "Choice and control"),
            (
                "I know the childcare coordinator by name, so if money for a nursery place is the problem, I "
                "can pick up the phone.",
                "Partnership working",
                "Childcare",
            ),
            ("When people move on, you start again.", "", "Partnership working"),
        ),
        quotes=("Once people can see the numbers, the decision is theirs.",),
    ),
    TranscriptSpec(
        area="NLA",
        year=2017,
        role="participant",
        speaker_label="Service User",
        coders=(AILEEN, TOM),
        text=(
            "Interviewer: What's changed since we last spoke?\n"
            "Participant: I'm working! Twenty hours a week in the school kitchen, so I'm home when [child] "
            "gets out.\n"
            "Interviewer: How did that come about?\n"
            "Participant: Slowly. When I started I couldn't even walk into a room of people I didn't know. "
            "The group helped, just sitting with other mums who'd been through the same thing.\n"
            "Interviewer: What did your keyworker do?\n"
            "Participant: She never pushed. She'd say, here's what's out there, what do you think? When I saw "
            "the kitchen job I wanted to apply straight away and she helped me with the form and did a "
            "practice interview with me.\n"
            "Interviewer: How is the job going?\n"
            "Participant: It's hard work but I love it. The money's not brilliant, but with the tax credits "
            "I'm better off and I know where I stand.\n"
            "Interviewer: Any worries?\n"
            "Participant: The summer holidays. Six weeks with no school kitchen means six weeks with no pay, "
            "and I'll have to sign on again. That's the bit that frightens me.\n"
        ),
        segments=(
            (
                "Twenty hours a week in the school kitchen, so I'm home when [child] gets out.",
                "Moved into work",
                "Moved into work",
            ),
            ("I couldn't even walk into a room of people I didn't know", "Confidence", "Confidence"),
            (
                "She never pushed. She'd say, here's what's out there, what do you think?",
                "Choice and control",
                "Being listened to",
            ),
            (
                "The money's not brilliant, but with the tax credits I'm better off and I know where I stand.",
                "Job quality",
                "Job quality",
            ),
            (
                "Six weeks with no school kitchen means six weeks with no pay, and I'll have to sign on again.",
                "Job quality",
                "Money and debt",
            ),
        ),
        quotes=("She never pushed. She'd say, here's what's out there, what do you think?",),
    ),
    TranscriptSpec(
        area="EDI",
        year=2016,
        role="participant",
        speaker_label="Service User",
        coders=(RORY, TOM),
        quotable=False,
        text=(
            "Interviewer: How long have you been coming to the project?\n"
            "Participant: About a year now. I came in after my hours got cut and the Jobcentre put me on the "
            "full job search.\n"
            "Interviewer: What was that like?\n"
            "Participant: Thirty-five hours a week of looking, on a phone with a cracked screen. I was "
            "applying for anything, jobs in [place] I couldn't get to, just so the numbers looked right.\n"
            "Interviewer: What was different here?\n"
            "Participant: [staff member] asked what I actually wanted instead of how many I'd sent. I said an "
            "office job, part-time, near the school. So we looked for that and nothing else.\n"
            "Interviewer: Did it help?\n"
            "Participant: I got a computer course out of it, and they lent me a laptop for six weeks. I'd "
            "never have done the course on my phone.\n"
            "Interviewer: Anything else?\n"
            "Participant: The bus. Two buses and an hour each way to get anywhere decent. I've turned down "
            "interviews because I couldn't get there and back for three o'clock.\n"
        ),
        segments=(
            (
                "I was applying for anything, jobs in [place] I couldn't get to, just so the numbers looked right.",
                "Job-search pressure",
                "Job-search pressure",
            ),
            (
                "[staff member] asked what I actually wanted instead of how many I'd sent.",
                "Being listened to",
                "Being listened to",
            ),
            ("they lent me a laptop for six weeks", "Personalised support", ""),
            ("Two buses and an hour each way to get anywhere decent.", "Transport", "Transport"),
            (
                "I've turned down interviews because I couldn't get there and back for three o'clock.",
                "Transport",
                "Childcare",
            ),
        ),
    ),
)

# Still being redacted: the interviewee's name, their keyworker's and their town are still in it.
REDACTING_TRANSCRIPT = (
    "GLA",
    2017,
    "Interviewer: Thanks for seeing me again. How have things been?\n"
    "{given}: Busy, but good busy. {keyworker} got me a place on the retail course at the college in "
    "{town}, and I start my placement in the new year.\n"
    "Interviewer: How did the course come up?\n"
    "{given}: {keyworker} mentioned it at one of the groups and I said I'd give it a go. [child] goes to "
    "nursery three mornings now, so I can fit it in round that.\n"
    "Interviewer: What has the support been like this year?\n"
    "{given}: The same as always. {keyworker} phones to see how I'm getting on and doesn't make a big "
    "deal if I need to cancel. When the Jobcentre changed my appointment to a day I had the course, she "
    "phoned them with me and got it moved.\n"
    "Interviewer: What worries you about the next step?\n"
    "{given}: Getting the hours right. I want enough to be better off, but not so many that I never see "
    "the wean. We're going to do the sums together before I say yes to anything.\n",
)

# -- The survey ---------------------------------------------------------------------------------

SURVEY_TITLE = "Making it Work participant survey"
SURVEY_INTRODUCTION = (
    "A few questions about the support you get. Your keyworker will not see your answers, and they are "
    "not linked to your name."
)
LIKERT_QUESTIONS = (
    "My keyworker listens to what I want.",
    "I choose what I take part in.",
    "I feel more confident about working than when I started.",
)
CHOICE_QUESTION = "What has helped you most so far?"
CHOICES = (
    "Time with my keyworker",
    "Money and benefits advice",
    "Help with childcare",
    "Courses and training",
    "Groups with other parents",
)
TEXT_QUESTION = "What would you change about the service?"
CHANGE_ANSWERS = (
    "More evening groups, daytime is hard with the wee one.",
    "Nothing really, it's been great.",
    "A crèche at the centre so I could bring my youngest.",
    "More help with the bus fares.",
    "I'd like to see my keyworker more often.",
    "Longer than a year. I'm not ready to stop.",
    "More courses nearer where I live.",
    "Let people know about it sooner. I only heard by chance.",
    "A group for dads.",
    "Help with driving lessons.",
)
POINTS = (("On joining", 0), ("Six months later", 182))
FIRST_SURVEY_DAY = datetime.date(2014, 1, 1)
LAST_SURVEY_DAY = datetime.date(2017, 12, 31)
# Share of invitations answered, a little different by area; about 60% in all.
ANSWER_RATES = {"EDI": 0.62, "FIF": 0.64, "GLA": 0.55, "NLA": 0.58, "SLA": 0.61}
# How much more agreement than the baseline each area's answers show (invented).
AREA_TILT = {"EDI": 1, "FIF": 2, "GLA": -1, "NLA": 0, "SLA": 1}
LIKERT_WEIGHTS = {1: 3, 2: 5, 3: 14, 4: 40, 5: 38}


def write_research(builder: "_Builder") -> None:
    """Write the demo's evaluation (after participants, consents, assessments and outcomes exist)."""
    _Research(builder).write()


def demo_research_rows(programme: Programme, partnerships: QuerySet[Partnership]) -> list[QuerySet[Any]]:
    """The demo's research rows, in an order in which each can be deleted before what it protects."""
    transcripts = Transcript.objects.filter(wave__programme=programme)
    return [
        Quote.objects.filter(transcript__in=transcripts),
        CodedSegment.objects.filter(transcript__in=transcripts),
        transcripts,
        Interview.objects.filter(wave__programme=programme),
        Stakeholder.objects.filter(programme=programme),
        Code.objects.filter(codebook__programme=programme).exclude(parent=None),
        Codebook.objects.filter(programme=programme),
        SurveyResponse.objects.filter(survey__programme=programme),
        Survey.objects.filter(programme=programme),
        Wave.objects.filter(programme=programme),
        ResearchConsent.objects.filter(participant__partnership__in=partnerships),
    ]


def _weekday(day: datetime.date) -> datetime.date:
    """The Friday before a Saturday, the Monday after a Sunday."""
    if day.weekday() == 5:
        return day - datetime.timedelta(days=1)
    if day.weekday() == 6:
        return day + datetime.timedelta(days=1)
    return day


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A weekday from first to last (both included, and assumed to be at least a week apart)."""
    day = _weekday(first + datetime.timedelta(days=rng.randint(0, (last - first).days)))
    if day > last:
        day -= datetime.timedelta(days=3)
    if day < first:
        day += datetime.timedelta(days=3)
    return day


@dataclass(eq=False)
class _Planned:
    """An interview being planned, with what the transcripts need to know about it."""

    row: Interview
    area: str
    year: int
    person: "_Person | None" = None
    consent: ResearchConsent | None = None
    stakeholder: Stakeholder | None = None


@dataclass
class _Interviewees:
    people: dict[str, list[tuple["_Person", ResearchConsent]]] = field(default_factory=dict)
    stakeholders: dict[str, list[Stakeholder]] = field(default_factory=dict)


class _Research:
    def __init__(self, builder: "_Builder") -> None:
        self.builder = builder
        self.partnerships = builder.partnerships
        self.programme = next(iter(builder.partnerships.values())).programme
        self.areas = {area.short_code: area for area in data.AREAS}
        self.evaluators: dict[str, User] = {}
        self.waves: dict[int, Wave] = {}
        self.codes: dict[str, Code] = {}

    def write(self) -> None:
        self.write_evaluators()
        consents = self.write_research_consents()
        self.write_waves()
        interviewees = _Interviewees(people=self.interviewable_people(consents), stakeholders=self.plan_stakeholders())
        planned = self.plan_interviews(interviewees)
        transcripts = self.plan_transcripts(planned)
        self.builder.save(Stakeholder, [row for rows in interviewees.stakeholders.values() for row in rows])
        self.builder.save(Interview, [plan.row for plan in planned])
        self.write_codebook()
        self.write_transcripts(transcripts)
        self.write_survey(consents)
        self.builder.counts.update(
            {
                "research:research_consents": len(consents),
                "research:interviews": len(planned),
                "research:transcripts": len(transcripts),
            }
        )

    # -- Evaluators -----------------------------------------------------------------------------

    def write_evaluators(self) -> None:
        """Aileen's colleague at the university, and two coders at a second institution."""
        builder = self.builder
        aileen = builder.demo_staff[Role.EVALUATOR]
        second_team = builder.save(
            Organisation,
            [
                Organisation(
                    name=data.SECOND_EVALUATION_TEAM.name,
                    kind=data.SECOND_EVALUATION_TEAM.kind,
                    website=f"https://{data.SECOND_EVALUATION_TEAM.domain}/",
                    description=data.SECOND_EVALUATION_TEAM.description,
                )
            ],
        )[0]
        builder.organisations[second_team.name] = second_team
        users = [
            User(
                username=login.email,
                email=login.email,
                first_name=login.given_name,
                last_name=login.family_name,
                display_name=login.display_name,
                password=builder.password,
            )
            for login, _ in data.OTHER_EVALUATORS
        ]
        builder.save(User, users)
        staff = builder.save(
            StaffMember,
            [
                StaffMember(
                    user=user,
                    organisation=builder.organisations[spec.name],
                    partnership=None,
                    job_title=login.job_title,
                )
                for user, (login, spec) in zip(users, data.OTHER_EVALUATORS, strict=True)
            ],
        )
        builder.save(StaffRole, [StaffRole(staff_member=member, role=Role.EVALUATOR) for member in staff])
        builder.counts["staff"] += len(staff)
        self.evaluators = {aileen.user.email: aileen.user, **{user.email: user for user in users}}

    # -- Research consent -----------------------------------------------------------------------

    def write_research_consents(self) -> dict[int, ResearchConsent]:
        """A ResearchConsent beside every research-purpose Consent, in force or withdrawn, by participant id."""
        rng = self.builder.rng("research consents")
        by_participant = {person.row.pk: person for person in self.builder.people if person.row is not None}
        consents = (
            Consent.objects.filter(purpose=Consent.Purpose.RESEARCH, participant__in=list(by_participant))
            .order_by("participant_id", "pk")
            .values_list("pk", "participant_id")
        )
        used = set(ResearchConsent.objects.values_list("pseudonym", flat=True))
        rows = []
        for consent_id, participant_id in sorted(consents, key=lambda row: by_participant[row[1]].reference):
            elements = {element: rng.random() < share for element, share in CONSENT_ELEMENT_SHARES.items()}
            attempt = 0
            pseudonym = pseudonym_for(participant_id, attempt=attempt)
            while pseudonym in used:
                attempt += 1
                pseudonym = pseudonym_for(participant_id, attempt=attempt)
            used.add(pseudonym)
            rows.append(
                ResearchConsent(
                    participant=by_participant[participant_id].row,
                    consent_id=consent_id,
                    pseudonym=pseudonym,
                    **elements,
                )
            )
        self.builder.save(ResearchConsent, rows)
        return {row.participant_id: row for row in rows}

    def write_waves(self) -> None:
        waves = [
            Wave(
                programme=self.programme,
                year=year,
                name=f"Wave {number} ({year})",
                starts_on=datetime.date(year, 1, 1),
                ends_on=datetime.date(year, 12, 31),
            )
            for number, year in enumerate(WAVE_YEARS, start=1)
        ]
        self.waves = {wave.year: wave for wave in self.builder.save(Wave, waves)}

    # -- Interviewees ---------------------------------------------------------------------------

    def interviewable_people(
        self, consents: dict[int, ResearchConsent]
    ) -> dict[str, list[tuple["_Person", ResearchConsent]]]:
        """By area: participants whose research consent is in force and covers interviews."""
        withdrawn = set(
            Consent.objects.filter(
                pk__in=[consent.consent_id for consent in consents.values()], withdrawn_at__isnull=False
            ).values_list("pk", flat=True)
        )
        people: dict[str, list[tuple[_Person, ResearchConsent]]] = defaultdict(list)
        for person in self.builder.people:
            assert person.row is not None
            consent = consents.get(person.row.pk)
            if consent is not None and consent.interview and consent.consent_id not in withdrawn:
                people[person.area.short_code].append((person, consent))
        return people

    def plan_stakeholders(self) -> dict[str, list[Stakeholder]]:
        """By area: the keyworkers, the manager and partner workers (demo staff), and invented others."""
        rng = self.builder.rng("research stakeholders")
        staff = (
            StaffMember.objects.filter(partnership__in=list(self.partnerships.values()))
            .select_related("user", "organisation", "partnership")
            .prefetch_related("roles")
            .order_by("user__email")
        )
        by_area: dict[str, list[tuple[StaffMember, str]]] = defaultdict(list)
        role_of_staff = {
            Role.KEYWORKER: StakeholderRole.KEYWORKER,
            Role.PARTNERSHIP_MANAGER: StakeholderRole.MANAGEMENT,
            Role.PARTNER_WORKER: StakeholderRole.PARTNER_STAFF,
        }
        for member in staff:
            roles = {role.role for role in member.roles.all()}
            for staff_role, stakeholder_role in role_of_staff.items():
                if staff_role in roles:
                    assert member.partnership is not None
                    by_area[member.partnership.short_code].append((member, stakeholder_role))
                    break
        demo_names = {(login.given_name, login.family_name) for login in data.DEMO_LOGINS}
        stakeholders: dict[str, list[Stakeholder]] = {}
        for area in data.AREAS:
            rows = [
                Stakeholder(
                    programme=self.programme,
                    partnership=self.partnerships[area.short_code],
                    name=member.user.display_name,
                    role=role,
                    organisation=member.organisation,
                    staff_member=member,
                    email=member.user.email,
                )
                for member, role in by_area[area.short_code]
            ]
            for role, jobs in INVENTED_STAKEHOLDERS.items():
                spec = area.council if role == StakeholderRole.SIGNPOSTING_PROVIDER else area.lead
                for _ in jobs:
                    given = rng.choice(data.WOMEN_GIVEN_NAMES + data.MEN_GIVEN_NAMES)
                    family = rng.choice(data.FAMILY_NAMES)
                    while (given, family) in demo_names:
                        family = rng.choice(data.FAMILY_NAMES)
                    rows.append(
                        Stakeholder(
                            programme=self.programme,
                            partnership=self.partnerships[area.short_code],
                            name=f"{given} {family}",
                            role=role,
                            organisation=self.builder.organisations[spec.name],
                            email=f"{given.lower()}.{family.lower().replace(' ', '')}@{spec.domain}".replace("'", ""),
                        )
                    )
            for row in rows:
                row.agreed_to_recording = rng.random() < 0.8
                row.agreed_to_quotation = rng.random() < 0.85
            stakeholders[area.short_code] = rows
        return stakeholders

    # -- Interviews -----------------------------------------------------------------------------

    def window(self, person: "_Person", year: int) -> tuple[datetime.date, datetime.date] | None:
        """When in `year` they could be interviewed: four weeks after joining, within a year of closing."""
        assert person.status_since is not None
        first = max(datetime.date(year, 1, 1), person.joined_on + datetime.timedelta(days=MIN_DAYS_BEFORE_INTERVIEW))
        last = datetime.date(year, 12, 31)
        if person.status == Participant.Status.CLOSED:
            last = min(last, person.status_since + datetime.timedelta(days=MAX_DAYS_AFTER_CLOSING))
        if (last - first).days < 7:
            return None
        return first, last

    def plan_interviews(self, interviewees: _Interviewees) -> list[_Planned]:
        rng = self.builder.rng("research interviews")
        interviewers = list(self.evaluators.values())
        planned: list[_Planned] = []
        first_interviews: dict[int, datetime.date] = {}  # by id() of the stakeholder
        for area in data.AREAS:
            code = area.short_code
            partnership = self.partnerships[code]
            pool = interviewees.people.get(code, [])
            waves_of: Counter[int] = Counter()  # by id() of the person
            seen: list[tuple[_Person, ResearchConsent]] = []
            done_in: dict[int, set[int]] = defaultdict(set)  # year -> id() of people and stakeholders interviewed
            for year in WAVE_YEARS:
                wanted, stakeholders_wanted = TABLE_1[area.area_name][year]
                eligible = [(person, consent) for person, consent in pool if self.window(person, year) is not None]
                eligible_ids = {id(person) for person, _ in eligible}
                returning = [
                    pair
                    for pair in seen
                    if id(pair[0]) in eligible_ids and waves_of[id(pair[0])] < MAX_WAVES_PER_PERSON
                ]
                chosen = rng.sample(returning, min(len(returning), round(wanted * REPEAT_SHARE)))
                fresh = [pair for pair in eligible if waves_of[id(pair[0])] == 0]
                chosen += rng.sample(fresh, min(len(fresh), wanted - len(chosen)))
                if len(chosen) < wanted:  # few new people left: ask more of those seen before
                    more = [pair for pair in returning if pair not in chosen]
                    chosen += more[: wanted - len(chosen)]
                for person, consent in chosen:
                    window = self.window(person, year)
                    assert window is not None
                    if waves_of[id(person)] == 0:
                        seen.append((person, consent))
                    waves_of[id(person)] += 1
                    done_in[year].add(id(person))
                    planned.append(
                        _Planned(
                            row=Interview(
                                wave=self.waves[year],
                                partnership=partnership,
                                kind=Interview.Kind.PARTICIPANT,
                                research_consent=consent,
                                status=Interview.Status.DONE,
                                held_on=_day_between(rng, *window),
                                interviewer=rng.choice(interviewers),
                                consent_confirmed=True,
                                recorded=consent.recording,
                            ),
                            area=code,
                            year=year,
                            person=person,
                            consent=consent,
                        )
                    )
                candidates = list(interviewees.stakeholders[code])
                weights = [STAKEHOLDER_WEIGHTS[StakeholderRole(row.role)] for row in candidates]
                for _ in range(min(stakeholders_wanted, len(candidates))):
                    index = rng.choices(range(len(candidates)), weights=weights)[0]
                    stakeholder = candidates.pop(index)
                    weights.pop(index)
                    (first_month, first_day), (last_month, last_day) = STAKEHOLDER_FIELDWORK
                    held_on = _day_between(
                        rng, datetime.date(year, first_month, first_day), datetime.date(year, last_month, last_day)
                    )
                    first_interviews[id(stakeholder)] = min(first_interviews.get(id(stakeholder), held_on), held_on)
                    done_in[year].add(id(stakeholder))
                    planned.append(
                        _Planned(
                            row=Interview(
                                wave=self.waves[year],
                                partnership=partnership,
                                kind=Interview.Kind.STAKEHOLDER,
                                stakeholder=stakeholder,
                                status=Interview.Status.DONE,
                                held_on=held_on,
                                interviewer=rng.choice(interviewers),
                                consent_confirmed=True,
                                recorded=stakeholder.agreed_to_recording,
                            ),
                            area=code,
                            year=year,
                            stakeholder=stakeholder,
                        )
                    )
            planned += self.plan_other_interviews(rng, code, pool, done_in, interviewees.stakeholders[code])
        for rows in interviewees.stakeholders.values():
            for stakeholder in rows:
                first = first_interviews.get(id(stakeholder))
                stakeholder.agreed_to_interview = first is not None
                stakeholder.consent_recorded_on = (
                    first - datetime.timedelta(days=rng.randint(3, 20)) if first is not None else None
                )
        return planned

    def plan_other_interviews(
        self,
        rng: random.Random,
        code: str,
        pool: list[tuple["_Person", ResearchConsent]],
        done_in: dict[int, set[int]],
        stakeholders: list[Stakeholder],
    ) -> list[_Planned]:
        """Invitations not yet answered, interviews booked for December 2017, and people who said no."""
        planned = []
        interviewers = list(self.evaluators.values())
        for area, year, kind, status in OTHER_INTERVIEWS:
            if area != code:
                continue
            row = Interview(
                wave=self.waves[year],
                partnership=self.partnerships[code],
                kind=kind,
                status=status,
                notes=OTHER_INTERVIEW_NOTES[status],
            )
            if status == Interview.Status.SCHEDULED:
                row.interviewer = rng.choice(interviewers)
                moment = datetime.datetime(year, 12, rng.randint(4, 15), 10, 30)
                row.scheduled_for = timezone.make_aware(moment, timezone.get_default_timezone())
            plan = _Planned(row=row, area=code, year=year)
            if kind == Interview.Kind.PARTICIPANT:
                free = [
                    (person, consent)
                    for person, consent in pool
                    if id(person) not in done_in[year] and self.window(person, year) is not None
                ]
                if not free:
                    continue
                plan.person, plan.consent = rng.choice(free)
                row.research_consent = plan.consent
                done_in[year].add(id(plan.person))
            else:
                others = [stakeholder for stakeholder in stakeholders if id(stakeholder) not in done_in[year]]
                if not others:
                    continue
                plan.stakeholder = row.stakeholder = rng.choice(others)
                done_in[year].add(id(plan.stakeholder))
            planned.append(plan)
        return planned

    # -- Codebook, transcripts, coding, quotes --------------------------------------------------

    def write_codebook(self) -> None:
        builder = self.builder
        aileen = self.evaluators[AILEEN]
        codebook = builder.save(
            Codebook, [Codebook(programme=self.programme, name=CODEBOOK_NAME, description=CODEBOOK_DESCRIPTION)]
        )[0]
        themes = builder.save(
            Theme,
            [
                Theme(codebook=codebook, name=name, description=description, position=position)
                for position, (name, description, _, _) in enumerate(CODEBOOK, start=1)
            ],
        )
        parents: list[Code] = []
        children: list[tuple[Code, str]] = []
        for theme, (_, _, colour, codes) in zip(themes, CODEBOOK, strict=True):
            for name, definition, child_codes in codes:
                parents.append(
                    Code(
                        codebook=codebook,
                        theme=theme,
                        name=name,
                        definition=definition,
                        colour=colour,
                        created_by=aileen,
                    )
                )
                for child_name, child_definition in child_codes:
                    child = Code(
                        codebook=codebook,
                        theme=theme,
                        name=child_name,
                        definition=child_definition,
                        colour=colour,
                        created_by=aileen,
                    )
                    children.append((child, name))
        self.codes = {code.name: code for code in builder.save(Code, parents)}
        for child, parent in children:
            child.parent = self.codes[parent]
        self.codes.update({code.name: code for code in builder.save(Code, [child for child, _ in children])})
        emergent = []
        for name, parent, definition, coder, _ in EMERGENT_CODES:
            code = Code(
                codebook=codebook,
                parent=self.codes[parent],
                theme=self.codes[parent].theme,
                name=name,
                definition=definition,
                emergent=True,
                colour="#00703c",
                created_by=self.evaluators[coder],
            )
            emergent.append(code)
        self.codes.update({code.name: code for code in builder.save(Code, emergent)})
        # When the coders added them, during the analysis (bulk_create stamps "now").
        for name, _, _, _, added_on in EMERGENT_CODES:
            moment = timezone.make_aware(datetime.datetime.combine(added_on, datetime.time(11)))
            Code.objects.filter(pk=self.codes[name].pk).update(created_at=moment)

    def plan_transcripts(self, planned: list[_Planned]) -> list[tuple[TranscriptSpec | None, _Planned, str]]:
        """Which done interview each transcript is of: the spec's area and wave if possible, else any.

        Participant transcripts with quotes go to people who agreed to be quoted; stakeholders with
        quotes are marked as having agreed (they are planned, not yet saved).
        """
        done = [plan for plan in planned if plan.row.status == Interview.Status.DONE]
        used: set[int] = set()
        chosen: list[tuple[TranscriptSpec | None, _Planned, str]] = []

        def fits(plan: _Planned, role: str, quotable: bool) -> bool:
            if id(plan) in used:
                return False
            if role == "participant":
                return plan.consent is not None and plan.consent.quotation == quotable
            return plan.stakeholder is not None and plan.stakeholder.role == role

        for spec in TRANSCRIPTS:
            candidates = [plan for plan in done if fits(plan, spec.role, spec.quotable)]
            preferred = [plan for plan in candidates if (plan.area, plan.year) == (spec.area, spec.year)]
            if not candidates:
                continue
            match = (preferred or candidates)[0]
            used.add(id(match))
            if match.stakeholder is not None and spec.quotes:
                match.stakeholder.agreed_to_quotation = True
            chosen.append((spec, match, spec.text))

        area, year, template = REDACTING_TRANSCRIPT
        candidates = [plan for plan in done if id(plan) not in used and plan.person is not None]
        preferred = [plan for plan in candidates if (plan.area, plan.year) == (area, year)]
        if candidates:
            match = (preferred or candidates)[0]
            person = match.person
            assert person is not None
            assert person.keyworker is not None
            text = template.format(
                given=person.given_name,
                keyworker=person.keyworker.user.first_name,
                town=self.areas[match.area].districts[0][1],
            )
            chosen.append((None, match, text))
        return chosen

    def write_transcripts(self, transcripts: list[tuple[TranscriptSpec | None, _Planned, str]]) -> None:
        aileen = self.evaluators[AILEEN]
        rows: list[Transcript] = []
        for spec, plan, text in transcripts:
            label = spec.speaker_label if spec is not None else "Service User"
            area_name = self.areas[plan.area].area_name
            rows.append(
                Transcript(
                    source=Transcript.Source.INTERVIEW,
                    interview=plan.row,
                    partnership=plan.row.partnership,
                    wave=plan.row.wave,
                    speaker_label=label,
                    title=f"{label}, {area_name}, {plan.year}",
                    text=text,
                    original_filename=f"interview-{plan.area.lower()}-{plan.year}-{len(rows) + 1:02d}.docx",
                    status=Transcript.Status.READY if spec is not None else Transcript.Status.REDACTING,
                    uploaded_by=aileen,
                )
            )
        saved = self.builder.save(Transcript, rows)
        segments: list[CodedSegment] = []
        quoted: list[tuple[Transcript, CodedSegment, str]] = []
        for transcript, (spec, plan, _) in zip(saved, transcripts, strict=True):
            if spec is None:
                continue
            first_coder, second_coder = (self.evaluators[email] for email in spec.coders)
            for passage, first_code, second_code in spec.segments:
                for coder, code in ((first_coder, first_code), (second_coder, second_code)):
                    if code:
                        segment = self.segment(transcript, passage, code, coder)
                        segments.append(segment)
                        if coder is first_coder and passage in spec.quotes:
                            area_name = self.areas[plan.area].area_name
                            quoted.append((transcript, segment, f"{spec.speaker_label}, {area_name}, {plan.year}"))
            for passage, code in spec.consensus:
                segments.append(self.segment(transcript, passage, code, self.evaluators[AILEEN], consensus=True))
        CodedSegment.objects.bulk_create(segments)
        Quote.objects.bulk_create(
            [
                Quote(
                    transcript=transcript,
                    segment=segment,
                    start=segment.start,
                    end=segment.end,
                    text=segment.text,
                    attribution=attribution,
                    selected_by=aileen,
                )
                for transcript, segment, attribution in quoted
            ]
        )

    def segment(
        self, transcript: Transcript, passage: str, code: str, coder: User, consensus: bool = False
    ) -> CodedSegment:
        if transcript.text.count(passage) != 1:
            raise ValueError(f"The passage {passage!r} must occur once in {transcript.title}.")
        start = transcript.text.index(passage)
        return CodedSegment(
            transcript=transcript,
            code=self.codes[code],
            coder=coder,
            start=start,
            end=start + len(passage),
            text=transcript.text[start : start + len(passage)],
            is_consensus=consensus,
        )

    # -- Survey ---------------------------------------------------------------------------------

    def write_survey(self, consents: dict[int, ResearchConsent]) -> None:
        """The survey, asked on joining and six months later of participants with research consent in force."""
        builder = self.builder
        rng = builder.rng("research survey")
        aileen = self.evaluators[AILEEN]
        survey = builder.save(
            Survey,
            [
                Survey(
                    programme=self.programme,
                    title=SURVEY_TITLE,
                    introduction=SURVEY_INTRODUCTION,
                    status=Survey.Status.OPEN,
                    created_by=aileen,
                )
            ],
        )[0]
        questions = [
            SurveyQuestion(survey=survey, position=position, kind=SurveyQuestion.Kind.LIKERT, text=text, required=True)
            for position, text in enumerate(LIKERT_QUESTIONS, start=1)
        ]
        questions.append(
            SurveyQuestion(
                survey=survey,
                position=len(questions) + 1,
                kind=SurveyQuestion.Kind.CHOICE,
                text=CHOICE_QUESTION,
                choices=list(CHOICES),
            )
        )
        questions.append(
            SurveyQuestion(
                survey=survey, position=len(questions) + 1, kind=SurveyQuestion.Kind.TEXT, text=TEXT_QUESTION
            )
        )
        questions = SurveyQuestion.objects.bulk_create(questions)
        points = SurveyPoint.objects.bulk_create(
            [SurveyPoint(survey=survey, label=label, days_after_joining=days) for label, days in POINTS]
        )
        in_force = set(
            Consent.objects.filter(
                pk__in=[consent.consent_id for consent in consents.values()], withdrawn_at__isnull=True
            ).values_list("pk", flat=True)
        )
        invitations: list[SurveyInvitation] = []
        responses: list[SurveyResponse] = []
        answers: list[list[SurveyAnswer]] = []
        for person in builder.people:
            assert person.row is not None
            consent = consents.get(person.row.pk)
            if consent is None or consent.consent_id not in in_force:
                continue
            code = person.area.short_code
            for point in points:
                sent_on = person.joined_on + datetime.timedelta(days=point.days_after_joining)
                answered = rng.random() < ANSWER_RATES[code]
                delay = rng.randint(0, 12)
                if not FIRST_SURVEY_DAY <= sent_on <= LAST_SURVEY_DAY or sent_on > builder.last_day(person):
                    continue
                wave = self.waves[sent_on.year]
                partnership = self.partnerships[code]
                invitations.append(
                    SurveyInvitation(
                        survey=survey,
                        point=point,
                        participant=person.row,
                        partnership=partnership,
                        wave=wave,
                        sent_on=sent_on,
                        answered=answered,
                    )
                )
                if answered:
                    responses.append(
                        SurveyResponse(
                            survey=survey,
                            point=point,
                            partnership=partnership,
                            wave=wave,
                            submitted_on=sent_on + datetime.timedelta(days=delay),
                        )
                    )
                    answers.append(self.answers(rng, questions, code, later=point.days_after_joining > 0))
        SurveyInvitation.objects.bulk_create(invitations, batch_size=500)
        # Responses are written in an order of their own, so their ids say nothing about who was invited first.
        order = list(range(len(responses)))
        rng.shuffle(order)
        saved = SurveyResponse.objects.bulk_create([responses[index] for index in order], batch_size=500)
        rows: list[SurveyAnswer] = []
        for response, index in zip(saved, order, strict=True):
            for answer in answers[index]:
                answer.response = response
                rows.append(answer)
        SurveyAnswer.objects.bulk_create(rows, batch_size=1000)
        builder.counts.update(
            {"research:survey_invitations": len(invitations), "research:survey_responses": len(saved)}
        )

    def answers(
        self, rng: random.Random, questions: list[SurveyQuestion], code: str, *, later: bool
    ) -> list[SurveyAnswer]:
        """One participant's answers: mostly agreeing, a little more in some areas and six months on."""
        tilt = AREA_TILT[code] + (2 if later else 0)
        weights = {**LIKERT_WEIGHTS, 4: LIKERT_WEIGHTS[4] + 2 * tilt, 5: LIKERT_WEIGHTS[5] + 4 * tilt}
        weights[2] = max(1, weights[2] - tilt)
        rows = []
        for question in questions:
            if question.kind == SurveyQuestion.Kind.LIKERT:
                number = rng.choices(list(weights), weights=list(weights.values()))[0]
                rows.append(SurveyAnswer(question=question, number=number))
            elif question.kind == SurveyQuestion.Kind.CHOICE:
                if rng.random() < 0.9:
                    rows.append(SurveyAnswer(question=question, choice=rng.choice(CHOICES)))
            elif rng.random() < 0.55:
                rows.append(SurveyAnswer(question=question, text=rng.choice(CHANGE_ANSWERS)))
        return rows

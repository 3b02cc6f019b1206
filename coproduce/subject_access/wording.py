"""Plain-English words for the audit log, as the person it is about reads it in their copy."""

from coproduce.accounts.roles import Role

ROLE_NAMES: dict[str, str] = {role.value: role.label for role in Role} | {"public": "Member of the public"}

# What kind of record an audit event was about, told to the person it is about.
RECORD_NAMES: dict[str, str] = {
    "participants.Participant": "your record",
    "participants.Consent": "a consent",
    "participants.Child": "your household",
    "participants.CoverShare": "cover for your keyworker",
    "participants.AvailabilitySlot": "when you can take part",
    "participants.Enquiry": "your first enquiry",
    "plans.Assessment": "an assessment",
    "plans.Contact": "a note of a meeting or call",
    "plans.Goal": "a goal in your plan",
    "plans.Step": "a step in your plan",
    "plans.Appointment": "an appointment",
    "plans.ProgressCheck": "a progress check",
    "plans.JobSearchEntry": "an entry in your job-search log",
    "referrals.Referral": "a referral",
    "outcomes.Outcome": "an achievement",
    "outcomes.WorkWish": "the work you want",
    "outcomes.SustainmentCheck": "a check that you are still in work",
    "budgets.Spend": "money spent on you",
    "voice.Request": "one of your requests",
    "voice.Feedback": "your feedback",
    "voice.Invitation": "an invitation to a group session",
    "research.ResearchConsent": "your research consent",
    "research.Interview": "a research interview",
    "research.Transcript": "a research interview's transcript",
    "subject_access.SubjectAccessRequest": "a request for a copy of your data",
}

DEFAULT_RECORD_NAME = "your record"


def record_name(record_type: str) -> str:
    return RECORD_NAMES.get(record_type, DEFAULT_RECORD_NAME)


def role_name(role: str) -> str:
    return ROLE_NAMES.get(role, "")

"""Every text and email we send: named, versioned, in plain English, translated.

A template's text changes only with a new version number, so a message in the log can always be
read as it was sent. Nothing here may reveal why someone gets support: no "debt", "mental health",
"safeguarding" and no service's name (tests/notifications/test_templates.py checks). Gaps are filled
from the message's personalisation; a gap whose name ends in "_at" is a date and time, written out
in the reader's language.
"""

import datetime
from dataclasses import dataclass

from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coproduce.notifications.models import ParticipantTopic, StaffTopic


class Audience:
    PARTICIPANT = "participant"
    ENQUIRER = "enquirer"
    STAFF = "staff"
    ANYONE = "anyone"


@dataclass(frozen=True)
class MessageTemplate:
    name: str
    version: int
    audience: str
    # The topic the person must have chosen; "" for a message they asked for (a sign-in link) or
    # that answers their own request (an enquiry).
    topic: str
    trigger: str
    subject: str | Promise
    body: str | Promise
    # Gaps that must not outlive the send (a one-time link): emptied once the message is sent or given up.
    secret_fields: tuple[str, ...] = ()


TEMPLATES: dict[str, MessageTemplate] = {
    template.name: template
    for template in [
        MessageTemplate(
            name="enquiry-received",
            version=1,
            audience=Audience.ENQUIRER,
            topic="",
            trigger="Someone asks for help (Ask for help page or the API)",
            subject=_("We got your request for help"),
            body=_(
                "Thank you for asking for help. Your reference is {reference}. Someone will contact you, "
                "usually within five working days."
            ),
        ),
        MessageTemplate(
            name="enquiry-allocated",
            version=1,
            audience=Audience.ENQUIRER,
            topic="",
            trigger="A manager gives the enquiry to a keyworker",
            subject=_("Someone will contact you soon"),
            body=_("Hello {name}. {keyworker} from {organisation} will call you soon. Your reference is {reference}."),
        ),
        MessageTemplate(
            name="sign-in-link",
            version=1,
            audience=Audience.ANYONE,
            topic="",
            trigger="The person asks for a sign-in link at /sign-in/link/",
            subject=_("Your sign-in link"),
            body=_(
                "Here is your link to sign in and choose a password: {link} It works once and for 3 days. "
                "If you did not ask for it, you can ignore this message."
            ),
            secret_fields=("link",),
        ),
        MessageTemplate(
            name="appointment-booked",
            version=1,
            audience=Audience.PARTICIPANT,
            topic=ParticipantTopic.APPOINTMENTS,
            trigger="An appointment is booked",
            subject=_("Your appointment"),
            body=_(
                "Hello {name}. You will meet {keyworker} on {starts_at}. If this time does not suit you, "
                "tell us here: {link}"
            ),
        ),
        MessageTemplate(
            name="appointment-changed",
            version=1,
            audience=Audience.PARTICIPANT,
            topic=ParticipantTopic.APPOINTMENTS,
            trigger="An appointment's time or place is changed",
            subject=_("Your appointment has changed"),
            body=_("Hello {name}. Your meeting with {keyworker} is now on {starts_at}. See the details: {link}"),
        ),
        MessageTemplate(
            name="appointment-cancelled",
            version=1,
            audience=Audience.PARTICIPANT,
            topic=ParticipantTopic.APPOINTMENTS,
            trigger="An appointment is cancelled",
            subject=_("Your appointment is cancelled"),
            body=_("Hello {name}. Your meeting with {keyworker} on {starts_at} is cancelled. See more: {link}"),
        ),
        MessageTemplate(
            name="appointment-reminder-day-before",
            version=1,
            audience=Audience.PARTICIPANT,
            topic=ParticipantTopic.APPOINTMENTS,
            trigger="The day before an appointment, at the programme's reminder time",
            subject=_("See you tomorrow"),
            body=_("Hello {name}. A reminder: you meet {keyworker} tomorrow, {starts_at}. To change it: {link}"),
        ),
        MessageTemplate(
            name="appointment-reminder-morning",
            version=1,
            audience=Audience.PARTICIPANT,
            topic=ParticipantTopic.APPOINTMENTS,
            trigger="The morning of an appointment, at the programme's morning reminder time",
            subject=_("See you today"),
            body=_("Hello {name}. A reminder: you meet {keyworker} today, {starts_at}."),
        ),
        MessageTemplate(
            name="step-offered",
            version=1,
            audience=Audience.PARTICIPANT,
            topic=ParticipantTopic.PLAN_OFFERS,
            trigger="A keyworker offers a step in the participant's plan",
            subject=_("Something new in your plan"),
            body=_("Hello {name}. {keyworker} added something new to your plan. Have a look and tell us: {link}"),
        ),
        MessageTemplate(
            name="referral-sent",
            version=1,
            audience=Audience.PARTICIPANT,
            topic=ParticipantTopic.REFERRALS,
            trigger="A referral the participant agreed to is sent",
            subject=_("We passed on your details"),
            body=_(
                "Hello {name}. As you agreed, we passed your details to another organisation. "
                "They should be in touch soon. See more: {link}"
            ),
        ),
        MessageTemplate(
            name="referral-accepted",
            version=1,
            audience=Audience.PARTICIPANT,
            topic=ParticipantTopic.REFERRALS,
            trigger="The organisation accepts the referral",
            subject=_("Good news about your referral"),
            body=_("Hello {name}. The organisation we contacted for you can help. See what happens next: {link}"),
        ),
        MessageTemplate(
            name="referral-declined",
            version=1,
            audience=Audience.PARTICIPANT,
            topic=ParticipantTopic.REFERRALS,
            trigger="The organisation declines the referral",
            subject=_("News about your referral"),
            body=_(
                "Hello {name}. The organisation we contacted for you cannot help this time. "
                "Your keyworker will talk with you about what else could work."
            ),
        ),
        MessageTemplate(
            name="group-session-invitation",
            version=1,
            audience=Audience.PARTICIPANT,
            topic=ParticipantTopic.GROUP_SESSIONS,
            trigger="A participant is invited to a group session",
            subject=_("You are invited to a group session"),
            body=_("Hello {name}. You are invited to a group session on {starts_at}. Tell us if you can come: {link}"),
        ),
        MessageTemplate(
            name="you-said-we-did",
            version=1,
            audience=Audience.PARTICIPANT,
            topic=ParticipantTopic.GROUP_SESSIONS,
            trigger="A manager answers the participant's request (you said, we did)",
            subject=_("You said, we did"),
            body=_("Hello {name}. You told us what you think, and we have answered. See what we did: {link}"),
        ),
        MessageTemplate(
            name="survey-invitation",
            version=1,
            audience=Audience.PARTICIPANT,
            topic=ParticipantTopic.SURVEYS,
            trigger="A participant is invited to a survey",
            subject=_("Tell us what you think"),
            body=_("Hello {name}. We would like to hear what you think. Our short survey is here: {link}"),
        ),
        MessageTemplate(
            name="sustainment-check-in",
            version=1,
            audience=Audience.PARTICIPANT,
            topic=ParticipantTopic.SURVEYS,
            trigger="A check on a new job is due (4, 13, 26 and 52 weeks)",
            subject=_("How is the new job going?"),
            body=_("Hello {name}. How is the new job going? Your keyworker would like to hear. Tell us here: {link}"),
        ),
        MessageTemplate(
            name="staff-referral-waiting",
            version=1,
            audience=Audience.STAFF,
            topic=StaffTopic.REFERRALS_WAITING,
            trigger="A referral to the staff member's organisation waits for an answer",
            subject=_("A referral is waiting for your answer"),
            body=_("A referral is waiting for your answer: {link}"),
        ),
        MessageTemplate(
            name="staff-enquiry-allocated",
            version=1,
            audience=Audience.STAFF,
            topic=StaffTopic.ENQUIRIES_ALLOCATED,
            trigger="A manager gives an enquiry to the keyworker",
            subject=_("An enquiry was given to you"),
            body=_("An enquiry was given to you. Please contact them soon: {link}"),
        ),
        MessageTemplate(
            name="staff-requests-due",
            version=1,
            audience=Audience.STAFF,
            topic=StaffTopic.REQUESTS_DUE,
            trigger="Once a day, while requests for a copy of someone's data are due within a week or late",
            subject=_("A request is due for an answer"),
            body=_("A request is due for an answer: {link}"),
        ),
    ]
}


def _fill(values: dict[str, str]) -> dict[str, str]:
    filled = {}
    for key, value in values.items():
        if key.endswith("_at") and value:
            moment = timezone.localtime(datetime.datetime.fromisoformat(value))
            # E: the month as it reads after a day in languages that decline it (Polish "11 marca").
            filled[key] = formats.date_format(moment, "l j E, H:i")
        else:
            filled[key] = value
    return filled


def render(name: str, personalisation: dict[str, str], language: str) -> tuple[str, str]:
    """The subject and body of a message, in `language`."""
    template = TEMPLATES[name]
    with translation.override(language):
        values = _fill(personalisation)
        return str(template.subject), str(template.body).format_map(_Gaps(values))


class _Gaps(dict[str, str]):
    """A gap with no value stays empty rather than stopping the message (older rows, renamed gaps)."""

    def __missing__(self, key: str) -> str:
        return ""

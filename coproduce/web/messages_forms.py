"""Forms for choosing how we contact someone, and for a programme's message timings (all audiences)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.notifications.models import ChannelChoice, Message, ParticipantTopic, StaffTopic
from coproduce.web.forms import GovukForm

PARTICIPANT_CHANNELS = [
    (ChannelChoice.TEXT.value, _("By text message")),
    (ChannelChoice.EMAIL.value, _("By email")),
    (ChannelChoice.BOTH.value, _("By text message and email")),
    (ChannelChoice.NONE.value, _("Do not send me messages")),
]
PARTICIPANT_TOPICS = [
    (ParticipantTopic.APPOINTMENTS.value, _("My appointments, and reminders of them")),
    (ParticipantTopic.PLAN_OFFERS.value, _("Something new in my plan")),
    (ParticipantTopic.REFERRALS.value, _("News about other services I am put in touch with")),
    (ParticipantTopic.GROUP_SESSIONS.value, _("Group sessions, and what you did about what I said")),
    (ParticipantTopic.SURVEYS.value, _("Surveys and check-ins")),
]


class ContactChoiceForm(GovukForm):
    channel = forms.ChoiceField(
        label=_("How may we send you messages?"),
        choices=PARTICIPANT_CHANNELS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how we may send you messages.")},
    )
    topics = forms.MultipleChoiceField(
        label=_("What about?"),
        help_text=_("Choose all that you want."),
        choices=PARTICIPANT_TOPICS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class StaffContactChoiceForm(GovukForm):
    channel = forms.ChoiceField(
        label="How should we tell you?",
        choices=ChannelChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how we should tell you."},
    )
    topics = forms.MultipleChoiceField(
        label="About what?", choices=StaffTopic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MessageSettingsForm(GovukForm):
    reminder_time = forms.TimeField(
        label="Reminder the day before, at",
        help_text="For example, 18:00.",
        widget=forms.TimeInput(format="%H:%M"),
        error_messages={"required": "Enter the time of the reminder the day before, like 18:00."},
    )
    morning_reminder_time = forms.TimeField(
        label="Reminder on the morning, at",
        help_text="For example, 07:30.",
        widget=forms.TimeInput(format="%H:%M"),
        error_messages={"required": "Enter the time of the reminder on the morning, like 07:30."},
    )
    quiet_hours = forms.CharField(
        label="Quiet hours",
        help_text="Nothing is sent in these times; messages wait until they end. One a line, like 08:15-09:15.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MessageFilterForm(GovukForm):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *Message.Status.choices])

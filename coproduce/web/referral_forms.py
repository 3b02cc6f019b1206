"""Forms for referrals and signposting, for keyworkers, participants and partner workers.

They only parse what was sent; coproduce/referrals/services.py decides what is allowed.
"""

from collections.abc import Iterable, Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.participants.models import AvailabilitySlot, Consent
from coproduce.referrals.models import Referral, SharedField
from coproduce.web.forms import DateInput, GovukForm

# The ways a keyworker hears the participant's answer (online is the participant's own).
STAFF_HOW = [(value, label) for value, label in Consent.How.choices if value != Consent.How.ONLINE]


class VersionForm(GovukForm):
    """The version of the referral the person was looking at, so a stale change is refused (409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class InboxFilterForm(GovukForm):
    """The partner worker's inbox, narrowed to overdue referrals or one state (sent by GET, so it works without JS)."""

    state = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "All referrals"),
            ("overdue", "Overdue: waiting for your answer"),
            *[(value, str(label)) for value, label in Referral.State.choices if value in Referral.PARTNER_STATES],
        ],
    )


class ReferralMessageForm(GovukForm):
    """A message to the other organisation about a referral (staff only)."""

    text = forms.CharField(
        label="Your message",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only staff of the keyworker's organisation and of the partner see it. Not the participant.",
        error_messages={
            "required": "Write your message.",
            "max_length": "Write your message in 2000 characters or fewer.",
        },
    )


SCORES = [
    (5, _("5 – Very good")),
    (4, _("4 – Good")),
    (3, _("3 – All right")),
    (2, _("2 – Poor")),
    (1, _("1 – Very poor")),
]


class RateServiceForm(GovukForm):
    """The participant's rating of a service they were referred to (their own page: translated, plain English)."""

    score = forms.TypedChoiceField(
        label=_("How good was the service for you?"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Tell us why in a sentence (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Write 500 characters or fewer.")},
    )
    anonymous = forms.BooleanField(
        label=_("Do not show my name to the service"),
        required=False,
        help_text=_("If you tick this, the service will not see your name next to your score or your words."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ProposeReferralForm(GovukForm):
    service = forms.ChoiceField(
        label=_("Which service?"),
        error_messages={"required": _("Choose the service."), "invalid_choice": _("Choose a service from the list.")},
    )
    reason = forms.CharField(
        label=_("Why, in plain words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Words the participant agrees with. The partner reads this if they agree to share it."),
        error_messages={"required": _("Say why, in plain words.")},
    )
    goal = forms.TypedChoiceField(
        label=_("Which goal in their plan is it for?"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        services: Sequence[tuple[str, str]],
        goals: Sequence[tuple[int, str]],
        own: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service"]).choices = [("", _("Choose a service")), *services]
        cast(forms.ChoiceField, self.fields["goal"]).choices = [("", _("Not for a particular goal")), *goals]
        if not goals:
            del self.fields["goal"]
        if own:
            self.fields["service"].label = "Which service would you like?"
            self.fields["reason"].label = "Why would you like it? In your own words"
            self.fields["reason"].help_text = "For example: “I want help to sort out my debts before I start work.”"
            if "goal" in self.fields:
                self.fields["goal"].label = "Which of your goals is it for?"


class SignpostingForm(GovukForm):
    service = forms.ChoiceField(
        label=_("A service in the directory"),
        required=False,
        help_text=_("Or leave this and write the name of a service outside the directory below."),
    )
    outside_service_name = forms.CharField(
        label=_("Name of a service outside the directory"), max_length=200, required=False
    )
    outside_service_details = forms.CharField(
        label=_("How to get in touch with it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("An address, phone number, website or opening times, to give the participant."),
    )
    reason = forms.CharField(
        label=_("Why, in plain words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why, in plain words.")},
    )
    goal = forms.TypedChoiceField(
        label=_("Which goal in their plan is it for?"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self, *args: Any, services: Sequence[tuple[str, str]], goals: Sequence[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service"]).choices = [("", _("Not in the directory")), *services]
        cast(forms.ChoiceField, self.fields["goal"]).choices = [("", _("Not for a particular goal")), *goals]
        if not goals:
            del self.fields["goal"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("service") and not data.get("outside_service_name", "").strip():
            self.add_error("outside_service_name", _("Choose a service in the directory or write the name of one."))
        return data


class AgreeToReferralForm(VersionForm):
    """Exactly which fields are shared: the participant chooses each one."""

    shared_fields = forms.MultipleChoiceField(
        label=_("What will be shared"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose what will be shared. Their name is needed for the partner to act on it.")
        },
    )
    how = forms.ChoiceField(
        label=_("How did they agree?"),
        choices=STAFF_HOW,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how they agreed: in person or on the phone.")},
    )

    def __init__(self, *args: Any, ask_how: bool = True, contents: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_how:
            # The participant agrees online, themselves: nothing to ask.
            del self.fields["how"]
            self.fields["shared_fields"].label = "What you agree to share"
        if contents is not None:
            # Each box says what it contains, so the choice is informed.
            cast(forms.ChoiceField, self.fields["shared_fields"]).choices = [
                (value, f"{label}: {contents[value]}" if contents.get(value) else f"{label} (nothing recorded)")
                for value, label in SharedField.choices
            ]


class WithdrawReferralForm(VersionForm):
    reason = forms.CharField(label=_("Why (optional)"), max_length=200, required=False)


class StopSharingForm(GovukForm):
    """Withdrawing a sharing consent: one step. Staff say how they were told; the participant just confirms."""

    how = forms.ChoiceField(
        label=_("How did they tell you?"),
        choices=STAFF_HOW,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how they told you.")},
    )

    def __init__(self, *args: Any, ask_how: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_how:
            del self.fields["how"]


class DeclineReferralForm(VersionForm):
    reason = forms.ChoiceField(
        label=_("Why can you not take this referral?"),
        choices=Referral.DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you cannot take it.")},
    )
    detail = forms.CharField(
        label=_("Anything more the keyworker should know (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StartReferralForm(VersionForm):
    started_on = forms.DateField(
        label=_("Date they started"),
        widget=DateInput,
        error_messages={"required": _("Enter the date they started."), "invalid": _("Enter a real date.")},
    )


class CompleteReferralForm(VersionForm):
    ended_on = forms.DateField(
        label=_("Date it ended"),
        widget=DateInput,
        error_messages={"required": _("Enter the date it ended."), "invalid": _("Enter a real date.")},
    )
    delivered = forms.CharField(
        label=_("What you delivered"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: “Four sessions of money advice; a debt repayment plan agreed with two lenders.”"),
        error_messages={"required": _("Say what you delivered.")},
    )
    outcome_note = forms.CharField(
        label=_("How it ended"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say how it ended.")},
    )


class DidNotStartForm(VersionForm):
    outcome_note = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: “We offered three dates; she found work before the first one.”"),
        error_messages={"required": _("Say what happened.")},
    )


def availability_field_name(weekday: int) -> str:
    return f"day_{weekday}"


class AvailabilityForm(GovukForm):
    """When someone can take part: for each day of the week, the parts of the day that suit them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for weekday, day in AvailabilitySlot.Weekday.choices:
            self.fields[availability_field_name(weekday)] = forms.MultipleChoiceField(
                label=day,
                choices=AvailabilitySlot.PartOfDay.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    @classmethod
    def initial_for(cls, slots: Iterable[AvailabilitySlot]) -> dict[str, list[str]]:
        initial: dict[str, list[str]] = {}
        for slot in slots:
            initial.setdefault(availability_field_name(slot.weekday), []).append(slot.part_of_day)
        return initial

    def slots(self) -> list[tuple[int, str]]:
        """The chosen (weekday, part of day) pairs, in week order."""
        chosen = []
        for weekday, _label in AvailabilitySlot.Weekday.choices:
            for part in self.cleaned_data.get(availability_field_name(weekday), []):
                chosen.append((weekday, part))
        return chosen

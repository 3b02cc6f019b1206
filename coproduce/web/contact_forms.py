"""Forms for contacts, appointments and cover: they parse input; the services decide what is allowed."""

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone

from coproduce.core.errors import DomainError
from coproduce.plans.models import Appointment, Contact
from coproduce.plans.services.appointments import TimeNeedsConfirming
from coproduce.web.forms import DateInput, GovukForm


class TimeInput(forms.TimeInput):
    input_type = "time"


class ContactForm(GovukForm):
    happened_on = forms.DateField(label="Date", widget=DateInput)
    kind = forms.ChoiceField(
        label="What kind of contact was it?",
        choices=Contact.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of contact it was."},
    )
    duration_minutes = forms.IntegerField(
        label="How long, in minutes", required=False, min_value=1, max_value=24 * 60, help_text="Leave empty if unsure."
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The participant can read these notes, unless one is restricted for a safeguarding reason.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("happened_on", "kind", "duration_minutes", "notes")}


class RestrictContactForm(GovukForm):
    reason = forms.CharField(
        label="Safeguarding reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the participant must not see this note. Partnership managers see the reason; it is audited.",
        error_messages={"required": "Give the safeguarding reason for hiding this note from the participant."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AppointmentForm(GovukForm):
    date = forms.DateField(label="Date", widget=DateInput)
    time = forms.TimeField(label="Time", widget=TimeInput, help_text="For example, 10:30.")
    duration_minutes = forms.IntegerField(label="How long, in minutes", min_value=5, max_value=480, initial=60)
    place = forms.ChoiceField(
        label="Where would they like to meet?",
        error_messages={"required": "Choose where they would like to meet."},
        choices=Appointment.Place.choices,
        widget=forms.RadioSelect,
        help_text="The participant chooses.",
    )
    place_details = forms.CharField(
        label="Place details", required=False, max_length=300, help_text="An address, a room, a phone number or a link."
    )
    childcare_needed = forms.BooleanField(label="They need childcare to come", required=False)
    childcare_notes = forms.CharField(label="About the childcare", required=False, max_length=300)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Shown only once the service has warned that the time may not suit the family.
    confirm_time = forms.BooleanField(
        label="I have checked: this time suits them", required=False, widget=forms.HiddenInput
    )

    def starts_at(self) -> datetime.datetime:
        naive = datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(naive)

    def details(self) -> dict[str, Any]:
        names = ("duration_minutes", "place", "place_details", "childcare_needed", "childcare_notes")
        return {"starts_at": self.starts_at(), **{name: self.cleaned_data[name] for name in names}}

    def ask_to_confirm_time(self) -> None:
        """Show the confirm box, unticked, beside the warning."""
        self.fields["confirm_time"].widget = forms.CheckboxInput()

    def add_domain_error(self, error: DomainError) -> None:
        # A time that may not suit the family is booked only once the keyworker confirms it.
        if isinstance(error, TimeNeedsConfirming):
            self.ask_to_confirm_time()
        super().add_domain_error(error)


class RearrangeForm(GovukForm):
    message = forms.CharField(
        label="What would suit you better?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, a different day or time, or meeting by phone instead.",
        error_messages={"required": "Tell your keyworker what would suit you better."},
    )


class CoverForm(GovukForm):
    covering_keyworker = forms.TypedChoiceField(label="Keyworker who will cover", coerce=int)
    starts_on = forms.DateField(label="First day of cover", widget=DateInput)
    ends_on = forms.DateField(label="Last day of cover", widget=DateInput)
    reason = forms.CharField(label="Reason", max_length=200, help_text="For example, annual leave.")

    def __init__(self, *args: Any, keyworkers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["covering_keyworker"]).choices = [("", "Choose a keyworker"), *keyworkers]

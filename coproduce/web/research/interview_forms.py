"""Forms for waves, stakeholders, interviews, the sampling assistant and research consent."""

from typing import Any, cast

from django import forms

from coproduce.core.form_messages import NamedErrorsMixin
from coproduce.research.models import Interview, StakeholderRole
from coproduce.research.sampling import SPREAD_LABELS, Spread
from coproduce.web.forms import DateInput, GovukForm

Choices = list[tuple[Any, str]]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _choices(form: forms.Form, name: str, choices: Choices, blank: str | None = None) -> None:
    field = cast(forms.ChoiceField, form.fields[name])
    field.choices = ([("", blank)] if blank is not None else []) + choices


class VersionMixin(NamedErrorsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class WaveForm(GovukForm):
    year = forms.IntegerField(
        label="Year", min_value=2000, max_value=2100, error_messages={"required": "Enter the year, like 2015."}
    )
    name = forms.CharField(label="Name", max_length=100, error_messages={"required": "Give the wave a name."})
    starts_on = forms.DateField(label="Starts on", widget=DateInput, error_messages={"required": "Enter the start."})
    ends_on = forms.DateField(label="Ends on", widget=DateInput, error_messages={"required": "Enter the end."})


class WaveEditForm(WaveForm, VersionMixin):
    pass


class StakeholderForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter their name."})
    role = forms.ChoiceField(label="Role", choices=StakeholderRole.choices)
    partnership_id = forms.TypedChoiceField(label="Area", coerce=int, required=False, empty_value=None)
    organisation_id = forms.TypedChoiceField(label="Organisation", coerce=int, required=False, empty_value=None)
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", max_length=20, required=False)
    agreed_to_interview = forms.BooleanField(label="Agreed to be interviewed", required=False)
    agreed_to_recording = forms.BooleanField(label="Agreed to be audio-recorded", required=False)
    agreed_to_quotation = forms.BooleanField(label="Agreed to be quoted, by role and area only", required=False)
    consent_recorded_on = forms.DateField(label="Agreement recorded on", widget=DateInput, required=False)

    def __init__(self, *args: Any, areas: Choices, organisations: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "partnership_id", areas, "No one area")
        _choices(self, "organisation_id", organisations, "No organisation")


class StakeholderEditForm(StakeholderForm, VersionMixin):
    pass


class InterviewFilterForm(forms.Form):
    wave = forms.TypedChoiceField(label="Wave", coerce=int, required=False, empty_value=None)
    area = forms.TypedChoiceField(label="Area", coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label="Interviewee", required=False, choices=[("", "All"), *Interview.Kind.choices])
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "All"), *Interview.Status.choices])

    def __init__(self, *args: Any, waves: Choices, areas: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "wave", waves, "All")
        _choices(self, "area", areas, "All")
        for field in self.fields.values():
            field.widget.attrs["class"] = "govuk-select"


class InterviewDetailsForm(GovukForm):
    status = forms.ChoiceField(label="Status", choices=Interview.Status.choices)
    scheduled_for = forms.DateTimeField(
        label="Arranged for",
        required=False,
        widget=DateTimeInput,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": "Enter a date and time, like 2016-04-05 10:30."},
    )
    held_on = forms.DateField(
        label="Held on", required=False, widget=DateInput, help_text="The day it was held, once it is done."
    )
    interviewer_id = forms.TypedChoiceField(label="Interviewer", coerce=int, required=False, empty_value=None)
    consent_confirmed = forms.BooleanField(label="Consent checked with them on the day", required=False)
    recorded = forms.BooleanField(label="Audio-recorded, with their agreement", required=False)
    notes = forms.CharField(
        label="Arrangements",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Arrangements only: nothing from the interview itself.",
    )

    def __init__(self, *args: Any, interviewers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "interviewer_id", interviewers, "Not decided")


class InterviewForm(InterviewDetailsForm):
    wave_id = forms.TypedChoiceField(label="Wave", coerce=int, error_messages={"required": "Choose a wave."})
    pseudonym = forms.ChoiceField(
        label="Participant", required=False, help_text="Only participants who agreed to be interviewed."
    )
    stakeholder_id = forms.TypedChoiceField(
        label="Or a stakeholder", coerce=int, required=False, empty_value=None, help_text="Choose one or the other."
    )
    partnership_id = forms.TypedChoiceField(
        label="Area", coerce=int, required=False, empty_value=None, help_text="Leave it to use the interviewee's own."
    )
    field_order = ["wave_id", "pseudonym", "stakeholder_id", "partnership_id"]

    def __init__(
        self,
        *args: Any,
        waves: Choices,
        pseudonyms: Choices,
        stakeholders: Choices,
        areas: Choices,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "wave_id", waves, "Choose a wave")
        _choices(self, "pseudonym", pseudonyms, "No participant")
        _choices(self, "stakeholder_id", stakeholders, "No stakeholder")
        _choices(self, "partnership_id", areas, "The interviewee's own area")
        self.order_fields(self.field_order)


class InterviewEditForm(InterviewDetailsForm, VersionMixin):
    pass


class SamplingForm(GovukForm):
    wave = forms.TypedChoiceField(label="Wave", coerce=int, error_messages={"required": "Choose a wave."})
    spreads = forms.MultipleChoiceField(
        label="Spreads to cover",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(spread.value, SPREAD_LABELS[spread]) for spread in Spread],
    )

    def __init__(self, *args: Any, waves: Choices, areas: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "wave", waves, "Choose a wave")
        for partnership_id, name in areas:
            self.fields[f"quota_{partnership_id}"] = forms.IntegerField(
                label=f"{name}: how many people",
                min_value=0,
                max_value=100,
                required=False,
                initial=0,
                widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
            )
        self.area_ids = [partnership_id for partnership_id, _ in areas]

    def quotas(self) -> dict[int, int]:
        return {pk: self.cleaned_data.get(f"quota_{pk}") or 0 for pk in self.area_ids}

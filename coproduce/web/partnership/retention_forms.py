"""Forms for erasure requests. They check the shape of input; the retention services decide."""

from typing import Any

from django import forms

from coproduce.retention.models import ErasureRequest
from coproduce.retention.services import ERASE_NOW, KEEP_FOR_NOW
from coproduce.web.forms import DateInput, GovukForm, VersionedForm


class ErasureRequestForm(GovukForm):
    received_on = forms.DateField(
        label="When was the request received?",
        widget=DateInput,
        help_text="The legal clock starts on this day.",
        error_messages={"required": "Enter the date the request was received.", "invalid": "Enter a real date."},
    )
    how_made = forms.ChoiceField(
        label="How was it made?",
        choices=ErasureRequest.HowMade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how the request was made."},
    )


class KeepForNowForm(VersionedForm):
    """Keep the person's data for now, for a lawful reason, until a date."""

    decision = forms.CharField(widget=forms.HiddenInput, initial=KEEP_FOR_NOW)
    keep_reason = forms.ChoiceField(
        label="Why must their data be kept for now?",
        choices=ErasureRequest.KeepReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the lawful reason to keep their data for now."},
    )
    keep_detail = forms.CharField(
        label="What the reason is",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for another lawful reason. Do not write their name or details: this is kept "
        "after their record is anonymised.",
    )
    keep_until = forms.DateField(
        label="When does the reason end?",
        widget=DateInput,
        help_text="Their record is anonymised the day after. For the funder's audit period: six years "
        "after the end of the grant.",
        error_messages={"required": "Enter the date the reason ends.", "invalid": "Enter a real date."},
    )


class EraseNowForm(VersionedForm):
    """Anonymise the person's record now: there is no lawful reason to keep it."""

    decision = forms.CharField(widget=forms.HiddenInput, initial=ERASE_NOW)
    understood = forms.BooleanField(
        label="I understand that this cannot be undone",
        error_messages={"required": "Tick the box to confirm that you understand this cannot be undone."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["understood"].widget.attrs["class"] = "govuk-checkboxes__input"

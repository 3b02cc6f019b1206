"""The research consent forms the participant's and the keyworker's pages share."""

from typing import Any

from django import forms

from coproduce.participants.models import Consent
from coproduce.research.services.consent import ELEMENT_WORDS, ELEMENTS
from coproduce.web.forms import GovukForm


class ResearchConsentForm(GovukForm):
    """What the participant agrees to for the evaluation, one box per element, in plain words."""

    interview = forms.BooleanField(required=False)
    recording = forms.BooleanField(required=False)
    quotation = forms.BooleanField(required=False)
    service_data = forms.BooleanField(required=False)
    contact_for_interview = forms.BooleanField(required=False)
    how = forms.ChoiceField(
        label="How did they agree?",
        choices=Consent.How.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they agreed."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, ask_how: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ELEMENTS:
            label, hint = ELEMENT_WORDS[name]
            self.fields[name].label = label
            self.fields[name].help_text = hint
        if not ask_how:
            del self.fields["how"]


class StopTakingPartForm(GovukForm):
    how = forms.ChoiceField(
        label="How did they tell you?",
        choices=Consent.How.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they told you they are stopping."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, ask_how: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_how:
            del self.fields["how"]

"""Forms for casework pages: they parse input; the participant services decide what is allowed."""

import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html

from coproduce.participants.models import Consent, HeardAbout, Participant
from coproduce.web.forms import DateInput, GovukForm

YEAR = re.compile(r"^\d{4}$")
YEARS_FORMAT = "Enter years of birth as four-digit years separated by commas, like 2012, 2016."


def parse_birth_years(text: str) -> list[int]:
    """ "2012, 2016" → [2012, 2016]. Strict: four-digit years separated by commas, nothing else."""
    text = text.strip()
    if not text:
        return []
    years = []
    for part in text.split(","):
        part = part.strip()
        if not YEAR.match(part):
            raise forms.ValidationError(YEARS_FORMAT)
        year = int(part)
        if not 1990 <= year <= timezone.localdate().year:
            raise forms.ValidationError(f"{year} is not a possible year of birth for a child.")
        years.append(year)
    return sorted(years)


def format_birth_years(years: list[int]) -> str:
    return ", ".join(str(year) for year in sorted(years))


ALL_STATUSES = "all"


class CaseloadFilterForm(GovukForm):
    """The caseload opens on active cases; "Any status" (or paused, closed) is one choice away."""

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = Participant.Status.ACTIVE
        super().__init__(data, **kwargs)

    search = forms.CharField(label="Search", required=False, max_length=100, help_text="Name, reference or postcode.")
    status = forms.ChoiceField(
        label="Status", required=False, choices=[*Participant.Status.choices, (ALL_STATUSES, "Any status")]
    )
    not_seen = forms.BooleanField(
        label=f"Only people not seen in the last {settings.COPRODUCE_NOT_SEEN_DAYS // 7} weeks", required=False
    )


class ParticipantDetailsForm(GovukForm):
    """The details a keyworker records with the participant, when registering and when editing."""

    given_name = forms.CharField(
        label="First name", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    preferred_name = forms.CharField(
        label="Name they like to be called", required=False, max_length=100, help_text="If it is not their first name."
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="With an email address or mobile number they can sign in to see their record.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    mobile = forms.CharField(
        label="Mobile number",
        required=False,
        max_length=20,
        help_text="For example, 07700 900123.",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    postcode = forms.CharField(
        label="Postcode", required=False, max_length=8, widget=forms.TextInput(attrs={"class": "govuk-input--width-10"})
    )
    children = forms.CharField(
        label="Children’s years of birth",
        required=False,
        max_length=100,
        help_text="Years only, never names, separated by commas, like 2012, 2016. "
        "Leave empty if no children live with them.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-20"}),
    )
    heard_about = forms.ChoiceField(
        label="How did they hear about us?", required=False, choices=[("", "Choose one"), *HeardAbout.choices]
    )
    heard_about_detail = forms.CharField(label="Anything more about how they heard?", required=False, max_length=200)
    language = forms.ChoiceField(
        label="Language for their pages, texts, emails and documents",
        required=False,
        choices=[("", "Choose one"), *settings.LANGUAGES],
        help_text="Choose it with them. They can change it themselves on their own page.",
    )
    interpreter_language = forms.CharField(
        label="Do they need an interpreter? Which language?",
        required=False,
        max_length=60,
        help_text="For example, Urdu. Leave empty if they do not need one. Shown on your caseload and appointments.",
    )

    def clean_children(self) -> list[int]:
        return parse_birth_years(self.cleaned_data.get("children", ""))

    def details(self) -> dict[str, Any]:
        """The cleaned values that are participant fields (everything but children)."""
        names = ["given_name", "family_name", "preferred_name", "email", "mobile", "address", "postcode"]
        names += ["heard_about", "heard_about_detail", "interpreter_language"]
        # An empty language keeps the one they have (or, registered from an enquiry, the one they asked for).
        names += ["language"] if self.cleaned_data.get("language") else []
        return {name: self.cleaned_data[name] for name in names}


class RegisterParticipantForm(ParticipantDetailsForm):
    joined_on = forms.DateField(
        label="Date they joined", required=False, help_text="Leave empty for today.", widget=DateInput
    )
    consent_how = forms.ChoiceField(
        label="How did they agree to get support from the service?",
        help_text="Nobody is registered without their consent. They can withdraw it at any time.",
        choices=Consent.How.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they agreed to get support. Nobody is registered without consent."},
    )
    keyworker = forms.TypedChoiceField(label="Keyworker", coerce=int, required=True)
    enquiry = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, keyworkers: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if keyworkers is None:
            # A keyworker registers people onto their own caseload: nothing to choose.
            del self.fields["keyworker"]
        else:
            cast(forms.ChoiceField, self.fields["keyworker"]).choices = [("", "Choose a keyworker"), *keyworkers]

    def clean_joined_on(self) -> Any:
        joined_on = self.cleaned_data.get("joined_on")
        if joined_on and joined_on > timezone.localdate():
            raise forms.ValidationError("The date they joined cannot be in the future.")
        return joined_on


class EditParticipantForm(ParticipantDetailsForm):
    status = forms.ChoiceField(
        label="Status",
        choices=Participant.Status.choices,
        widget=forms.RadioSelect,
        help_text="Paused: taking a break, and welcome back at any time. Closed: has left the service.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def details(self) -> dict[str, Any]:
        return {**super().details(), "status": self.cleaned_data["status"]}


class RecordConsentForm(GovukForm):
    # Research consent has its own page (what it covers, and the pseudonym), so it is not offered here.
    purpose = forms.ChoiceField(
        label="What did they agree to?",
        error_messages={"required": "Choose what they agreed to."},
        choices=[choice for choice in Consent.Purpose.choices if choice[0] != Consent.Purpose.RESEARCH],
        widget=forms.RadioSelect,
    )
    organisation = forms.TypedChoiceField(
        label="Which organisation may we share with?",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Only for sharing their information with an organisation.",
    )
    how = forms.ChoiceField(
        label="How did they agree?",
        choices=Consent.How.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they agreed."},
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], research_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [("", "Choose an organisation"), *organisations]
        if research_url:
            self.fields["purpose"].help_text = format_html(
                'To record consent to take part in the evaluation research, use <a class="govuk-link" '
                'href="{}">their research consent page</a>.',
                research_url,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("purpose") == Consent.Purpose.SHARE_WITH_ORGANISATION:
            if not cleaned.get("organisation"):
                self.add_error("organisation", "Choose the organisation they agreed we may share with.")
        else:
            cleaned["organisation"] = None
        return cleaned


class WithdrawConsentForm(GovukForm):
    how = forms.ChoiceField(
        label="How did they tell you?",
        choices=Consent.How.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they told you they are withdrawing their consent."},
    )

    def __init__(self, *args: Any, ask_how: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_how:
            # The participant withdraws online, themselves: nothing to ask.
            del self.fields["how"]

"""Forms for the directory pages. They check the shape of input; the directory services decide."""

import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.directory.coordinates import coordinate_errors
from coproduce.directory.models import Service
from coproduce.directory.selectors import DAY_CODES, DAY_NAMES
from coproduce.directory.services import OpeningTimes
from coproduce.plans.models import Barrier
from coproduce.web.forms import GovukForm

DAY_CHOICES = [(code, DAY_NAMES[code]) for code in DAY_CODES]
NEED_CHOICES = [(barrier.value, barrier.label) for barrier in Barrier]
# Empty rows offered on the opening times page beyond the ones already there (no JavaScript to add rows).
SPARE_TIME_ROWS = 2


class TimeInput(forms.TimeInput):
    input_type = "time"


class VersionedForm(GovukForm):
    """Carries the version of the record the person started from, so that edits never overwrite."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DirectorySearchForm(GovukForm):
    text = forms.CharField(
        label=_("Words to look for"),
        required=False,
        max_length=100,
        help_text=_("For example: debt, driving, nursery."),
    )
    need = forms.ChoiceField(label=_("Helps with"), required=False, choices=[("", _("Anything")), *NEED_CHOICES])
    area = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None)
    childcare = forms.BooleanField(label=_("Only services with childcare on site"), required=False)
    day = forms.ChoiceField(label=_("Open on"), required=False, choices=[("", _("Any day")), *DAY_CHOICES])
    time = forms.TimeField(
        label=_("Open at"),
        required=False,
        widget=TimeInput,
        help_text=_("A time of day, like 18:30."),
        error_messages={"invalid": _("Enter a time of day, like 18:30.")},
    )

    def __init__(self, *args: Any, areas: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["area"]).choices = [("", _("Any area")), *areas]


class ServiceDetailsForm(GovukForm):
    """What the people who run a service keep current (add and edit)."""

    name = forms.CharField(
        label=_("Name of the service"), max_length=200, error_messages={"required": _("Enter the name of the service.")}
    )
    description = forms.CharField(
        label=_("What it offers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In plain words, as you would say it to someone who might use it."),
    )
    needs = forms.MultipleChoiceField(
        label=_("What it helps with"),
        required=False,
        choices=NEED_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Used to suggest the service to people who say this is holding them back."),
        error_messages={"invalid_choice": _("Choose needs from the list.")},
    )
    eligibility_description = forms.CharField(
        label=_("Who it is for"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    application_process = forms.CharField(
        label=_("How to get it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: phone to book, drop in, or by referral."),
    )
    fees_description = forms.CharField(
        label=_("Cost"), required=False, max_length=500, help_text=_("Leave empty if free.")
    )
    url = forms.URLField(
        label=_("Web page"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, like https://example.org.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        error_messages={"invalid": _("Enter an email address, like name@example.org.")},
    )
    minimum_age = forms.IntegerField(label=_("Youngest age"), required=False, min_value=0, max_value=120)
    maximum_age = forms.IntegerField(label=_("Oldest age"), required=False, min_value=0, max_value=120)
    childcare_on_site = forms.BooleanField(label=_("Childcare on site"), required=False)
    takes_referrals = forms.BooleanField(
        label=_("Takes referrals through Coproduce"),
        required=False,
        help_text=_("Keyworkers can then send referrals, with the person's consent."),
    )
    places_available = forms.IntegerField(
        label=_("Places free now"),
        required=False,
        min_value=0,
        max_value=10000,
        help_text=_("For new referrals. Leave empty if you do not know."),
        error_messages={"min_value": _("Enter 0 or more places, or leave it empty if you do not know.")},
    )
    response_working_days = forms.IntegerField(
        label=_("Working days to answer a referral"),
        min_value=1,
        max_value=30,
        initial=5,
        error_messages={
            "required": _("Enter a number of working days from 1 to 30."),
            "min_value": _("Enter a number of working days from 1 to 30."),
            "max_value": _("Enter a number of working days from 1 to 30."),
        },
    )

    def fields_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        for name in (
            "description",
            "eligibility_description",
            "application_process",
            "fees_description",
            "url",
            "email",
        ):
            data[name] = data.get(name) or ""
        return data


class ServiceEditForm(VersionedForm, ServiceDetailsForm):
    status = forms.ChoiceField(
        label=_("Is it running?"),
        choices=Service.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the service is running.")},
    )

    field_order = ["version", "name", "status"]


class OpeningTimesForm(VersionedForm):
    """A fixed number of rows (no JavaScript): each row is some days, an opening and a closing time."""

    def __init__(self, *args: Any, rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row_numbers = list(range(1, rows + 1))
        for number in self.row_numbers:
            self.fields[f"days_{number}"] = forms.MultipleChoiceField(
                label=f"Days (row {number})", required=False, choices=DAY_CHOICES, widget=forms.CheckboxSelectMultiple
            )
            self.fields[f"opens_{number}"] = forms.TimeField(
                label=f"Opens at (row {number})",
                required=False,
                widget=TimeInput,
                error_messages={"invalid": _("Enter a time of day, like 09:30.")},
            )
            self.fields[f"closes_{number}"] = forms.TimeField(
                label=f"Closes at (row {number})",
                required=False,
                widget=TimeInput,
                error_messages={"invalid": _("Enter a time of day, like 17:00.")},
            )
        # GovukForm styles the fields it knew at construction; these rows are added after.
        for name, field in self.fields.items():
            if name.startswith(("opens_", "closes_")):
                field.widget.attrs["class"] = "govuk-input govuk-input--width-5"

    def rows(self) -> list[dict[str, Any]]:
        """The row fields grouped for the template."""
        return [
            {"number": n, "days": self[f"days_{n}"], "opens": self[f"opens_{n}"], "closes": self[f"closes_{n}"]}
            for n in self.row_numbers
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for number in self.row_numbers:
            days, opens, closes = (cleaned.get(f"{part}_{number}") for part in ("days", "opens", "closes"))
            if not days and opens is None and closes is None:
                continue
            if not days:
                self.add_error(f"days_{number}", f"Row {number}: choose at least one day.")
            if opens is None and f"opens_{number}" not in self.errors:
                self.add_error(f"opens_{number}", f"Row {number}: enter the opening time.")
            if closes is None and f"closes_{number}" not in self.errors:
                self.add_error(f"closes_{number}", f"Row {number}: enter the closing time.")
        return cleaned

    def opening_times(self) -> list[OpeningTimes]:
        rows = []
        for number in self.row_numbers:
            days = self.cleaned_data.get(f"days_{number}") or []
            opens: datetime.time | None = self.cleaned_data.get(f"opens_{number}")
            closes: datetime.time | None = self.cleaned_data.get(f"closes_{number}")
            if days and opens is not None and closes is not None:
                rows.append(OpeningTimes(days=tuple(days), opens_at=opens, closes_at=closes))
        return rows


class AddressForm(VersionedForm):
    location_name = forms.CharField(
        label=_("Name of the place"),
        required=False,
        max_length=200,
        help_text=_("For example: Kirkcaldy Community Centre."),
    )
    address_1 = forms.CharField(
        label=_("Address line 1"),
        max_length=200,
        error_messages={"required": _("Enter the first line of the address.")},
    )
    address_2 = forms.CharField(label=_("Address line 2"), required=False, max_length=200)
    city = forms.CharField(
        label=_("Town or city"), max_length=100, error_messages={"required": _("Enter the town or city.")}
    )
    postal_code = forms.CharField(
        label=_("Postcode"), max_length=10, error_messages={"required": _("Enter a full UK postcode, like KY1 1XX.")}
    )
    # Ranges and "both or neither" are the directory's rules (coproduce/directory/coordinates.py).
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        help_text=_("Where it is on a map, in decimal degrees, like 56.1165. Leave both empty if you do not know."),
        error_messages={"invalid": _("Enter the latitude as a number in decimal degrees, like 56.1165.")},
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        help_text=_("West of Greenwich is below 0, like -3.1584."),
        error_messages={"invalid": _("Enter the longitude as a number in decimal degrees, like -3.1584.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["postal_code"].widget.attrs["class"] += " govuk-input--width-10"
        self.fields["postal_code"].widget.attrs["autocomplete"] = "postal-code"
        for name in ("latitude", "longitude"):
            # Text, not type=number: a browser's number box rounds and refuses some decimals.
            self.fields[name].widget.input_type = "text"
            self.fields[name].widget.attrs.update(
                {
                    "class": self.fields[name].widget.attrs.get("class", "") + " govuk-input--width-10",
                    "inputmode": "decimal",
                }
            )
            self.fields[name].widget.attrs.pop("step", None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "latitude" not in self.errors and "longitude" not in self.errors:
            for name, messages in coordinate_errors(cleaned.get("latitude"), cleaned.get("longitude")).items():
                self.add_error(name, messages)
        return cleaned


class OrganisationEntryForm(VersionedForm):
    name = forms.CharField(
        label=_("Name"), max_length=200, error_messages={"required": _("Enter the name of the organisation.")}
    )
    alternate_name = forms.CharField(label=_("Other name people know it by"), required=False, max_length=200)
    description = forms.CharField(
        label=_("What the organisation does"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say in a sentence or two what the organisation does.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        error_messages={"invalid": _("Enter an email address, like name@example.org.")},
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, like https://example.org.")},
    )

    def changes(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name] or ""
            for name in ("name", "alternate_name", "description", "email", "website")
        }


class ImportForm(GovukForm):
    file = forms.FileField(
        label=_("HSDS file"),
        help_text=_(
            "An HSDS JSON file (.json), or an HSDS tabular data package: its CSV files and datapackage.json in a .zip."
        ),
        error_messages={"required": _("Choose a file to import."), "empty": _("The file is empty.")},
    )

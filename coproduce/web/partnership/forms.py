"""Forms for the partnership manager's pages. They check the shape of input; the services decide."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from coproduce.core.errors import DomainError
from coproduce.core.form_messages import NamedErrorsMixin
from coproduce.core.validation import InvalidInput
from coproduce.participants.models import Enquiry, Participant
from coproduce.programmes.models import Organisation, PartnershipMembership, StaffMember
from coproduce.programmes.services import ROLES_A_MANAGER_GIVES
from coproduce.web.forms import GovukForm, VersionedForm
from coproduce.web.giving_forms import OrganisationGivingFields

NOT_IN_THIS_PARTNERSHIP = "Choose a keyworker who works in this partnership."


def keyworker_choices(
    keyworkers: Iterable[StaffMember], caseloads: dict[int, int] | None = None, limit: int | None = None
) -> list[Any]:
    """Each keyworker with, when known, their active caseload against the partnership's limit."""
    choices: list[Any] = [("", "Choose a keyworker")]
    for keyworker in keyworkers:
        label = f"{keyworker.user} ({keyworker.organisation})"
        if caseloads is not None:
            active = caseloads.get(keyworker.pk, 0)
            if limit is None:
                label += f" – {active} active participant{'' if active == 1 else 's'}"
            else:
                label += f" – {active} of {limit} active{', at the limit' if active >= limit else ''}"
        choices.append((keyworker.pk, label))
    return choices


class KeyworkerNameForm(GovukForm):
    """Narrows the keyworkers offered to those with this in their name (an area may have thousands)."""

    keyworker_name = forms.CharField(
        label="Keyworker's name", required=False, max_length=100, help_text="Their name, or part of it."
    )

    def name(self) -> str:
        return self.cleaned_data["keyworker_name"] if self.is_valid() else ""


class KeyworkerForm(VersionedForm):
    keyworker = forms.TypedChoiceField(
        label="Keyworker",
        coerce=int,
        error_messages={"required": "Choose a keyworker.", "invalid_choice": NOT_IN_THIS_PARTNERSHIP},
    )

    # Shown only once the service has said the keyworker would go over the caseload limit.
    over_limit_confirmed = forms.BooleanField(
        label="Yes, they can take one more", required=False, widget=forms.HiddenInput
    )

    def __init__(
        self, *args: Any, keyworkers: list[Any], label: str = "Keyworker", hint: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["keyworker"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = keyworkers
        field.label = label
        field.help_text = hint

    def add_domain_error(self, error: DomainError) -> None:
        if isinstance(error, InvalidInput) and "over_limit_confirmed" in error.errors:
            self.fields["over_limit_confirmed"].widget = forms.CheckboxInput()
        super().add_domain_error(error)


class CloseEnquiryForm(VersionedForm):
    reason = forms.CharField(
        label="Why is the enquiry being closed?",
        max_length=200,
        help_text="For example: could not reach them after three tries; they chose another service.",
        error_messages={"required": "Say why the enquiry is being closed."},
    )


class EnquiryFilterForm(NamedErrorsMixin, forms.Form):
    status = forms.ChoiceField(choices=[*Enquiry.Status.choices, ("all", "All")], required=False)

    def chosen(self) -> str:
        if self.is_valid() and self.cleaned_data["status"]:
            return self.cleaned_data["status"]
        return Enquiry.Status.WAITING


class CaseloadLimitForm(VersionedForm):
    caseload_limit = forms.IntegerField(
        label="Caseload limit",
        min_value=1,
        max_value=200,
        help_text="How many active participants one keyworker can support well. A caseload above "
        "this shows a warning on the area overview.",
        error_messages={
            "required": "Enter a caseload limit.",
            "invalid": "A caseload limit is a whole number from 1 to 200.",
            "min_value": "A caseload limit is a whole number from 1 to 200.",
            "max_value": "A caseload limit is a whole number from 1 to 200.",
        },
    )


class OrganisationDetailsForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the organisation's name."})
    kind = forms.ChoiceField(label="Type of organisation", choices=Organisation.Kind.choices, widget=forms.RadioSelect)
    charity_number = forms.CharField(
        label="Charity number", max_length=20, required=False, help_text="Scottish charities start SC, like SC012345."
    )
    company_number = forms.CharField(label="Company number", max_length=10, required=False)
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    description = forms.CharField(
        label="What they do", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class OrganisationAddForm(OrganisationDetailsForm):
    membership_role = forms.ChoiceField(
        label="Their part in the partnership",
        choices=PartnershipMembership.Role.choices,
        initial=PartnershipMembership.Role.MEMBER,
        widget=forms.RadioSelect,
        help_text="Co-leads run the partnership together; members take part in it.",
    )

    field_order = ["name", "kind", "membership_role", "charity_number", "company_number", "website", "description"]


class OrganisationEditForm(VersionedForm, OrganisationDetailsForm, OrganisationGivingFields):
    field_order = [
        "name",
        "kind",
        "charity_number",
        "company_number",
        "org_id",
        "website",
        "description",
        "street_address",
        "address_locality",
        "postal_code",
    ]


class MembershipRoleForm(NamedErrorsMixin, forms.Form):
    role = forms.ChoiceField(
        choices=PartnershipMembership.Role.choices,
        error_messages={"required": "Choose the organisation's part in the partnership."},
    )


def roles_field() -> forms.MultipleChoiceField:
    # Not required here: the service says "Choose at least one role." in its own words.
    return forms.MultipleChoiceField(
        label="What they do",
        choices=[(role.value, role.label) for role in ROLES_A_MANAGER_GIVES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply.",
    )


class StaffRolesForm(GovukForm):
    roles = roles_field()
    is_active = forms.BooleanField(
        label="They can sign in and work",
        required=False,
        help_text="Untick to stop their access, for example when they leave. Nothing they recorded is lost.",
    )


class StaffAddForm(GovukForm):
    display_name = forms.CharField(
        label="Name", max_length=150, error_messages={"required": "Enter the person's name."}
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Their work email address. They sign in with it.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    mobile = forms.CharField(
        label="Mobile number",
        max_length=20,
        required=False,
        help_text="If they have no work email address. For example, 07700 900123.",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    job_title = forms.CharField(label="Job title", max_length=120, required=False)
    organisation = forms.TypedChoiceField(
        label="Organisation they work for",
        coerce=int,
        error_messages={
            "required": "Choose the organisation they work for.",
            "invalid_choice": "Choose an organisation in your partnership.",
        },
    )
    roles = roles_field()

    def __init__(self, *args: Any, organisations: Iterable[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Choose an organisation"),
            *[(organisation.pk, organisation.name) for organisation in organisations],
        ]


class AreaParticipantsFilterForm(GovukForm):
    """Find people in the area. The keyworker is found by the name typed: an area may have thousands of
    keyworkers, too many for a drop-down, and it works without JavaScript."""

    search = forms.CharField(label="Search", required=False, max_length=100, help_text="Name, reference or postcode.")
    status = forms.ChoiceField(label="Status", required=False)
    keyworker_name = forms.CharField(
        label="Keyworker", required=False, max_length=100, help_text="Their name, or part of it."
    )
    not_seen = forms.BooleanField(label="Only active people not seen in the last 4 weeks", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", "Any status"), *Participant.Status.choices]

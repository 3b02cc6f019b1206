"""The fields 360Giving data takes from an organisation (its org-id.guide identifier and address) and from a
programme (its classification): one set of fields for the funder's own page and the partnership manager's."""

from django import forms

from coproduce.web.forms import GovukForm


class OrganisationGivingFields(GovukForm):
    org_id = forms.CharField(
        label="Organisation identifier (from org-id.guide)",
        required=False,
        max_length=60,
        help_text=(
            "The register the organisation is in and its number there: GB-SC-SC012345 for a Scottish charity, "
            "GB-CHC-1164883 for a charity in England and Wales, GB-COH-SC123456 for a company, GB-LAS-FIF for a "
            "Scottish council. Find it at org-id.guide."
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    street_address = forms.CharField(label="Street address", required=False, max_length=200)
    address_locality = forms.CharField(label="Town or city", required=False, max_length=100)
    postal_code = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}),
    )


class GivingOrganisationForm(OrganisationGivingFields):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ProgrammeClassificationForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    classification_vocabulary = forms.CharField(
        label="List the code comes from",
        required=False,
        max_length=100,
        help_text="A published list of what grants are for, like ICNPO (the International Classification of "
        "Non-Profit Organisations).",
    )
    classification_code = forms.CharField(
        label="Code", required=False, max_length=40, help_text="The code in that list, like 6300 in ICNPO."
    )
    classification_title = forms.CharField(
        label="What the code means",
        required=False,
        max_length=200,
        help_text="Its title in that list, like Employment and training.",
    )

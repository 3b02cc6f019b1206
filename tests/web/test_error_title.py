"""A page whose form was refused says "Error: " first in its title and focuses the error summary."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client

from coproduce.web.forms import GovukForm


class NameForm(GovukForm):
    name = forms.CharField(label="Your name")


def title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return match.group(1)


@pytest.mark.django_db
def test_a_refused_form_puts_error_first_in_the_title_and_focuses_the_summary(client: Client) -> None:
    shown = client.get("/ask-for-help/").content.decode()
    refused = client.post("/ask-for-help/", {"name": ""}).content.decode()

    assert not title(shown).startswith("Error:")
    assert title(refused).startswith("Error: ")
    assert title(refused).count("Error:") == 1
    assert '<div class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1" autofocus>' in refused
    assert "Enter your name" in refused
    assert "This field is required." not in refused


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({"form": NameForm()}, ""),
        ({"form": NameForm({"name": "Jo"})}, ""),
        ({"form": NameForm({})}, "Error: "),
        ({"forms_with_errors": [NameForm({})]}, "Error: "),
        ({"formset": forms.formset_factory(NameForm)({})}, "Error: "),
    ],
)
def test_the_prefix_is_worked_out_from_any_form_on_the_page(context: dict, expected: str) -> None:
    template = Template("{% load error_title %}{% error_title_prefix %}")
    assert template.render(Context(context)) == expected

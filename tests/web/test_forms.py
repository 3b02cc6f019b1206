"""GovukForm: every field points at the hint and error the page shows for it, whatever the prefix."""

import re

import pytest
from django import forms

from coproduce.core.errors import DomainError
from coproduce.web.forms import GovukForm


class ChildcareForm(GovukForm):
    hours = forms.IntegerField(help_text="Hours a week, 0 to 50.", min_value=0, max_value=50)
    days = forms.MultipleChoiceField(
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every day you need.",
    )
    notes = forms.CharField(required=False)


def described_ids_missing_from_the_page(html: str) -> set[str]:
    described = {name for value in re.findall(r'aria-describedby="([^"]*)"', html) for name in value.split()}
    present = set(re.findall(r'\bid="([^"]+)"', html))
    return described - present


@pytest.mark.parametrize("prefix", [None, "childcare"])
def test_an_unbound_form_points_each_field_at_its_hint(prefix: str | None) -> None:
    form = ChildcareForm(prefix=prefix)
    html = str(form)
    expected = f"{form['hours'].auto_id}-hint"
    assert f'aria-describedby="{expected}"' in str(form["hours"])
    assert "aria-describedby" not in str(form["notes"])
    assert described_ids_missing_from_the_page(html) == set()


@pytest.mark.parametrize("prefix", [None, "childcare"])
def test_a_refused_form_points_each_field_at_its_hint_and_its_error(prefix: str | None) -> None:
    key = f"{prefix}-" if prefix else ""
    form = ChildcareForm({f"{key}hours": "70", f"{key}notes": ""}, prefix=prefix)
    assert not form.is_valid()
    hours = str(form["hours"])
    auto_id = form["hours"].auto_id
    assert f'aria-describedby="{auto_id}-hint {auto_id}-error"' in hours
    assert hours.count("govuk-input--error") == 1
    assert described_ids_missing_from_the_page(str(form)) == set()


def test_a_service_error_added_after_validation_is_pointed_at_too() -> None:
    form = ChildcareForm({"care-hours": "10", "care-days": ["mon"], "care-notes": "After school"}, prefix="care")
    assert form.is_valid()
    form.add_domain_error(DomainError("Notes must not name a child.", field="notes"))
    assert 'aria-describedby="id_care-notes-error"' in str(form["notes"])
    assert described_ids_missing_from_the_page(str(form)) == set()


class WordsSetLaterForm(GovukForm):
    quotation = forms.BooleanField(required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["quotation"].label = "Be quoted, without your name"
        self.fields["quotation"].help_text = "Your words may appear in reports."


def test_labels_and_hints_a_subclass_sets_after_init_are_shown_and_pointed_at() -> None:
    html = str(WordsSetLaterForm())
    assert "Be quoted, without your name" in html
    assert '<div id="id_quotation-hint" class="govuk-hint">Your words may appear in reports.</div>' in html
    assert 'aria-describedby="id_quotation-hint"' in html

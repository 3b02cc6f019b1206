"""Every form in Coproduce names the field and says what to do when it is left empty or is wrong.

Django's generic words ("This field is required.", "Enter a whole number.") tell nobody which
answer is missing. This walks every form class in the code, binds it with nothing filled in and
with nonsense, and fails on any generic message left.
"""

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

import coproduce
from coproduce.accounts.models import User
from coproduce.core.form_messages import required_message

GENERIC = {
    "This field is required.",
    "Enter a whole number.",
    "Enter a number.",
    "Enter a valid date.",
    "Enter a valid time.",
    "Enter a valid date/time.",
    "Enter a valid email address.",
    "Enter a valid URL.",
}

# Keyword arguments the forms' constructors take, with values that need nothing from the database.
ARGUMENTS: dict[str, Any] = {
    "rows": 1,
    "user": AnonymousUser(),
    "code_ids": [1],
    "keys": ["a"],
    "area": "confidence",
}


def _all_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(coproduce.__path__, "coproduce."):
        if ".tests" not in module.name and ".migrations" not in module.name:
            importlib.import_module(module.name)

    def subclasses(cls: type) -> list[type]:
        found = []
        for sub in cls.__subclasses__():
            found += [sub, *subclasses(sub)]
        return found

    classes = {cls for cls in subclasses(forms.BaseForm) if cls.__module__.startswith("coproduce.")}
    return sorted(classes, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _bind(cls: type[forms.BaseForm], data: dict[str, Any]) -> forms.BaseForm:
    kwargs: dict[str, Any] = {}
    for klass in cls.__mro__:  # a subclass may pass its own arguments on to its parent's
        if "__init__" in vars(klass):
            for parameter in inspect.signature(vars(klass)["__init__"]).parameters.values():
                if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty:
                    kwargs[parameter.name] = ARGUMENTS.get(parameter.name, [])
    if issubclass(cls, SetPasswordForm):  # takes the user first
        return cls(User(), data, **kwargs)
    return cls(data, **kwargs)


FORM_CLASSES = _all_form_classes()


def test_the_walk_finds_the_forms_of_every_audience() -> None:
    modules = {cls.__module__ for cls in FORM_CLASSES}
    assert len(FORM_CLASSES) > 100
    assert {"coproduce.web.public.forms", "coproduce.web.keyworker.forms", "coproduce.retention.admin"} <= modules


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
@pytest.mark.parametrize("language", ["en-gb", "pl"])
def test_an_empty_or_nonsense_form_names_each_field_and_says_what_to_do(
    form_class: type[forms.BaseForm], language: str
) -> None:
    with translation.override(language):
        generic = {str(translation.gettext(message)) for message in GENERIC}
        for data in ({}, dict.fromkeys(_bind(form_class, {}).fields, "nonsense")):
            form = _bind(form_class, data)
            form.is_valid()
            left = {
                (name, str(message))
                for name, messages in form.errors.items()
                for message in messages
                if str(message) in generic
            }
            assert left == set(), f"{form_class.__qualname__} still says {left}"


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (forms.CharField(label="Postcode"), "Enter the postcode"),
        (forms.CharField(label="Your name"), "Enter your name"),
        (forms.ChoiceField(label="Goal", choices=[("1", "One")]), "Choose the goal"),
        (forms.DateField(label="Start date"), "Enter the start date"),
        (forms.BooleanField(label="I understand"), "Tick ‘I understand’ to go on"),
        (forms.IntegerField(widget=forms.HiddenInput), "This page is out of date. Reload it and try again."),
        (forms.ChoiceField(label="Is it open?", choices=[("1", "One")]), "Choose an answer to ‘Is it open?’"),
        (forms.CharField(label="HSDS file"), "Enter the HSDS file"),
    ],
)
def test_a_message_is_made_from_the_label(field: forms.Field, expected: str) -> None:
    assert required_message(field, "name") == expected


class HoursForm(forms.Form):
    hours = forms.IntegerField(label="Hours a week", min_value=0, max_value=50)


def test_limits_and_wrong_kinds_name_the_field() -> None:
    from coproduce.core.form_messages import name_the_fields

    form = HoursForm({"hours": "lots"})
    name_the_fields(form)
    assert form.errors["hours"] == ["The hours a week must be a whole number, like 5"]
    form = HoursForm({"hours": "70"})
    name_the_fields(form)
    assert form.errors["hours"] == ["The hours a week must be 50 or less"]

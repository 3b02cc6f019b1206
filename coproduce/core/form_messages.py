"""Error messages that name the field and say what to do, in place of Django's generic ones.

GOV.UK's pattern: "Enter the start date", "Choose the status", "The amount must be a number".
A field with its own message keeps it; only Django's generic wording ("This field is required.",
"Enter a whole number.") is replaced, with words made from the field's label. Interfaces call
`name_the_fields(form)` once the form's fields are set up (GovukForm does it for every page).
"""

from typing import Any

from django import forms
from django.utils.translation import gettext

# Words that already make a label read as a phrase, so "the" is not put in front of it.
_NO_ARTICLE = {
    "a",
    "an",
    "the",
    "your",
    "their",
    "his",
    "her",
    "its",
    "our",
    "my",
    "how",
    "what",
    "which",
    "who",
    "when",
    "where",
    "why",
    "whether",
}

_CHOICE_FIELDS = (forms.ChoiceField, forms.ModelChoiceField, forms.ModelMultipleChoiceField)


def _django_default(field_class: type[forms.Field], key: str) -> str | None:
    for klass in field_class.__mro__:
        messages = getattr(klass, "default_error_messages", None) or {}
        if key in messages:
            return str(messages[key])
    return None


def _is_generic(field: forms.Field, key: str) -> bool:
    current = field.error_messages.get(key)
    return current is not None and str(current) == _django_default(type(field), key)


def _phrase(label: str) -> str:
    """The label as words inside a sentence: "First day of cover" -> "the first day of cover"."""
    words = label.split()
    if not words:
        return label
    first = words[0]
    # Keep "UK", "HSDS" and names as written; lower an ordinary capitalised first word.
    if not (len(first) > 1 and first[:2].isupper()):
        label = label[0].lower() + label[1:]
    if first.lower() in _NO_ARTICLE:
        return label
    return gettext("the %(label)s") % {"label": label}


def _subject(label: str) -> str:
    """The label as the subject of a sentence: "The first day of cover"."""
    phrase = _phrase(label)
    return phrase[:1].upper() + phrase[1:]


def _clean_label(field: forms.Field, name: str) -> tuple[str, bool]:
    label = str(field.label) if field.label else name.replace("_", " ").capitalize()
    label = label.replace(gettext("(optional)"), "").strip().rstrip(":").strip()
    return label, label.endswith("?")


def required_message(field: forms.Field, name: str) -> str:
    """What to do when a required field is left empty, in words made from its label."""
    if field.widget.is_hidden:
        # The person cannot see or fill a hidden field: the page they used is out of date.
        return gettext("This page is out of date. Reload it and try again.")
    label, question = _clean_label(field, name)
    if question:
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            return gettext("Choose at least one answer to ‘%(question)s’") % {"question": label}
        if isinstance(field, (*_CHOICE_FIELDS, forms.NullBooleanField)):
            return gettext("Choose an answer to ‘%(question)s’") % {"question": label}
        if isinstance(field, forms.BooleanField):
            return gettext("Tick the box to answer ‘%(question)s’") % {"question": label}
        return gettext("Answer ‘%(question)s’") % {"question": label}
    if isinstance(field, forms.BooleanField):
        return gettext("Tick ‘%(label)s’ to go on") % {"label": label}
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return gettext("Choose at least one of %(label)s") % {"label": _phrase(label)}
    if isinstance(field, (*_CHOICE_FIELDS, forms.FileField)):
        return gettext("Choose %(label)s") % {"label": _phrase(label)}
    return gettext("Enter %(label)s") % {"label": _phrase(label)}


def _escaped(text: str) -> str:
    # Messages below are %-formatted again by ValidationError with the limit's value.
    return text.replace("%", "%%")


def _other_messages(field: forms.Field, name: str) -> dict[str, str]:
    if field.widget.is_hidden:
        # Nobody typed it: a hidden value that is wrong means the page is out of date.
        out_of_date = _escaped(required_message(field, name))
        return dict.fromkeys(("invalid", "invalid_choice", "min_value", "max_value"), out_of_date)
    label, question = _clean_label(field, name)
    subject = gettext("The answer to ‘%(question)s’") % {"question": label} if question else _subject(label)
    subject = _escaped(subject)
    messages = {
        "min_value": gettext("%(subject)s must be %%(limit_value)s or more") % {"subject": subject},
        "max_value": gettext("%(subject)s must be %%(limit_value)s or less") % {"subject": subject},
        "max_length": gettext("%(subject)s must be %%(limit_value)d characters or fewer") % {"subject": subject},
        "min_length": gettext("%(subject)s must be %%(limit_value)d characters or more") % {"subject": subject},
        "invalid_choice": _escaped(gettext("Choose one of the options given for %(label)s") % {"label": label}),
    }
    if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = gettext("%(subject)s must be a whole number, like 5") % {"subject": subject}
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = gettext("%(subject)s must be a number, like 12.50") % {"subject": subject}
        messages["max_digits"] = gettext("%(subject)s is too long: use fewer digits") % {"subject": subject}
        messages["max_decimal_places"] = gettext(
            "%(subject)s must have no more than %%(max)s digits after the point"
        ) % {"subject": subject}
    elif isinstance(field, forms.DateTimeField):
        messages["invalid"] = gettext("%(subject)s must be a real date and time") % {"subject": subject}
    elif isinstance(field, forms.DateField):
        messages["invalid"] = gettext("%(subject)s must be a real date") % {"subject": subject}
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = gettext("%(subject)s must be a real time, like 14:30") % {"subject": subject}
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = gettext("Enter an email address in the right format, like name@example.com")
    elif isinstance(field, forms.URLField):
        messages["invalid"] = gettext("Enter a web address in the right format, like https://example.org")
    return messages


def name_the_fields(form: forms.BaseForm) -> None:
    """Give every field of `form` messages that name it, where it only has Django's generic ones."""
    for name, field in form.fields.items():
        if field.required and _is_generic(field, "required"):
            field.error_messages["required"] = required_message(field, name)
        for key, message in _other_messages(field, name).items():
            # Absent keys are added too: validators (email, min and max) carry Django's generic
            # words, and Django shows the field's message for a validator's code instead.
            if key not in field.error_messages or _is_generic(field, key):
                field.error_messages[key] = message


class NamedErrorsMixin:
    """For forms that are not GovukForms (filters, the admin): the same named messages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_the_fields(self)  # type: ignore[arg-type]

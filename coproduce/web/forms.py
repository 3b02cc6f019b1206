"""Form rendering in GOV.UK Frontend patterns, shared by every audience's pages."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest

from coproduce.core.errors import ConflictError, DomainError, NotAllowed, NotFound
from coproduce.core.form_messages import name_the_fields
from coproduce.core.validation import InvalidInput


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"


WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "",
    forms.CheckboxSelectMultiple: "",
}


class GovukForm(forms.Form):
    """A form whose widgets carry GOV.UK classes and point at their hints and errors.

    Fields left with Django's generic messages ("This field is required.") get ones that name
    the field and say what to do (coproduce.core.form_messages), when the form is made and again
    before it is cleaned, so fields a subclass adds after __init__ get them too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_the_fields(self)
        for field in self.fields.values():
            widget = field.widget
            css = next((css for kind, css in WIDGET_CLASSES.items() if isinstance(widget, kind)), "govuk-input")
            if css:
                widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            if isinstance(widget, forms.NumberInput | forms.DateInput):
                widget.attrs["class"] += " govuk-input--width-10"

    def full_clean(self) -> None:
        name_the_fields(self)
        super().full_clean()

    def __getitem__(self, name: str) -> forms.BoundField:
        # Pointed when the field is about to be shown, so that hints and errors a subclass or a
        # service adds after __init__ are included.
        bound = super().__getitem__(name)
        self._point_at_hint_and_error(name)
        return bound

    def _point_at_hint_and_error(self, name: str) -> None:
        field = self.fields[name]
        auto_id = self._auto_id(name)
        if not auto_id:
            return
        errors = getattr(self, "_errors", None) or {}  # None until the form is cleaned
        described_by = []
        if field.help_text:
            described_by.append(f"{auto_id}-hint")
        if name in errors:
            described_by.append(f"{auto_id}-error")
            classes = field.widget.attrs.get("class", "").split()
            if "govuk-input--error" not in classes:
                field.widget.attrs["class"] = " ".join([*classes, "govuk-input--error"])
        if described_by:
            field.widget.attrs["aria-describedby"] = " ".join(described_by)

    def _auto_id(self, name: str) -> str:
        """The id the field's template writes, as BoundField.auto_id makes it (prefix included).

        Worked out here because making a BoundField early would freeze its label and hint.
        """
        html_name = self.add_prefix(name)
        if self.auto_id and "%s" in str(self.auto_id):
            return str(self.auto_id) % html_name
        return html_name if self.auto_id else ""

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's error on the form: per field where it names fields, else at the top."""
        if isinstance(error, InvalidInput):
            for field, messages in error.errors.items():
                target = self._field_named(field)
                for message in messages:
                    self.add_error(target, message)
        else:
            self.add_error(self._field_named(error.field), error.message)

    def _field_named(self, name: str | None) -> str | None:
        """The form's field for a name a service uses. A service takes a record by its id
        (`goal_id`) where the form offers the record itself (`goal`): the same field."""
        if name is None:
            return None
        for candidate in (name, name.removesuffix("_id")):
            if candidate in self.fields:
                return candidate
        return None


class VersionedForm(GovukForm):
    """Carries the version of the record the person started from, so that edits never overwrite."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO 8601 whatever the language (en-GB would
    otherwise write 28/11/2026, which a date input shows as empty)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or "%Y-%m-%d")


@dataclass
class Submission:
    """How a service call made from a page went: `ok`, or the error now shown to the person."""

    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def message(self) -> str:
        """The error's message, or nothing when it went through."""
        return self.error.message if self.error is not None else ""

    @property
    def problems(self) -> list[str]:
        """The messages to show, one per problem (for pages that list them rather than use a form)."""
        if isinstance(self.error, InvalidInput):
            return [message for messages_ in self.error.errors.values() for message in messages_]
        return [self.error.message] if self.error is not None else []

    @property
    def status(self) -> int:
        """200 when it went through, else the error's own status (400 for a mistake in the input)."""
        return 200 if self.error is None else self.error.status_code


@contextmanager
def submitting(shown_on: GovukForm | HttpRequest | None = None) -> Iterator[Submission]:
    """Run the service call in the block; a mistake the person can fix is shown, not raised.

    InvalidInput, or any DomainError that is not a refusal, goes on the form (per field where it
    names fields) or, given the request, into a message on the next page (given neither, the
    page lists `submission.problems` itself); `submission.failed` then says so. NotFound,
    NotAllowed and ConflictError are not the person's mistake: they escape to
    coproduce.web.errors.DomainErrorMiddleware, which answers 404, 403 or 409.
    """
    submission = Submission()
    try:
        yield submission
    except (NotFound, NotAllowed, ConflictError):
        raise
    except DomainError as error:
        submission.error = error
        if isinstance(shown_on, GovukForm):
            shown_on.add_domain_error(error)
        elif shown_on is not None:
            messages.error(shown_on, error.message)

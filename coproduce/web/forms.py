"""Form rendering in GOV.UK Frontend patterns, shared by every audience's pages."""

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

from coproduce.core.errors import DomainError
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
                target = field if field in self.fields else None
                for message in messages:
                    self.add_error(target, message)
        else:
            self.add_error(error.field if error.field in self.fields else None, error.message)


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO 8601 whatever the language (en-GB would
    otherwise write 28/11/2026, which a date input shows as empty)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or "%Y-%m-%d")

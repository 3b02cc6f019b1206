"""The "Error: " GOV.UK puts before a page's title when a form on it was refused.

Worked out from the page's context, so that every page with a form gets it without its view
saying so: a screen reader announces the title first, and hears at once that something needs fixing.
"""

from collections.abc import Iterable
from typing import Any

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext

register = template.Library()


def _has_errors(value: Any) -> bool:
    if isinstance(value, forms.BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, BaseFormSet):
        return value.is_bound and (bool(value.non_form_errors()) or any(value.errors))
    return False


def _candidates(context: template.Context) -> Iterable[Any]:
    for value in context.flatten().values():
        yield value
        if isinstance(value, list | tuple):  # forms_with_errors and the like
            yield from value


@register.simple_tag(takes_context=True)
def error_title_prefix(context: template.Context) -> str:
    """ "Error: " when a form or formset on the page has errors, else nothing."""
    if any(_has_errors(value) for value in _candidates(context)):
        return gettext("Error:") + " "
    return ""

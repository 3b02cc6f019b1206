"""Compare a record's choice field with one of its model's choices, named: `step|is_choice:"state.OFFERED"`.

A template that compares with a literal (`step.state == "offered"`) stays silently false after a
typo or a renamed value. Naming the TextChoices member instead fails loudly: an unknown field or
member raises here when the page renders, and `tests/web/test_choice_tag.py` checks every use in
every template without rendering it (Django's `{% if %}` turns an exception inside `or`, `and` or
`not` into False, so rendering alone would not catch them all).
"""

import functools
import sys

from django import template
from django.db import models

register = template.Library()


@functools.cache
def choices_of(model: type[models.Model], field_name: str) -> type[models.Choices]:
    """The TextChoices (or IntegerChoices) class whose values the model's field takes.

    A field keeps only its `choices` list, not the class it came from: the class is found among
    those its model's module defines or imports, at the top or nested in a class (`Step.State`),
    by having exactly the field's values.
    """
    field = model._meta.get_field(field_name)
    values = [value for value, _label in field.flatchoices]  # type: ignore[union-attr]
    if not values:
        raise ValueError(f"{model.__name__}.{field_name} has no choices")
    module = sys.modules[model.__module__]
    holders = [module, *(value for value in vars(module).values() if isinstance(value, type))]
    matches = {
        value
        for holder in holders
        for value in vars(holder).values()
        if isinstance(value, type) and issubclass(value, models.Choices) and list(value.values) == values
    }
    if len({tuple(match.names) for match in matches}) != 1:
        raise ValueError(f"{model.__name__}.{field_name}: no single Choices class in {module.__name__} has its values")
    return next(iter(matches))


@register.filter
def is_choice(record: models.Model, field_and_member: str) -> bool:
    """Whether `record`'s field holds the named choice: `goal|is_choice:"status.SET_ASIDE"`."""
    if not isinstance(record, models.Model):
        raise TypeError(f"is_choice needs a model instance, not {type(record).__name__}")
    field_name, _, member = field_and_member.partition(".")
    choices = choices_of(type(record), field_name)
    if member not in choices.names:
        raise ValueError(
            f"{type(record).__name__}.{field_name} has no choice named {member!r}; it has {', '.join(choices.names)}"
        )
    return bool(getattr(record, field_name) == choices[member])

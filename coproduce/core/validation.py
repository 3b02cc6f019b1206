"""Turning Django validation errors into the one domain error type."""

from django.core.exceptions import ValidationError
from django.db import models

from coproduce.core.errors import DomainError


class InvalidInput(DomainError):
    """Input failed validation. `errors` maps field names to plain-English messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        summary = "; ".join(
            f"{'' if field == '__all__' else field + ': '}{' '.join(messages)}" for field, messages in errors.items()
        )
        super().__init__(summary or "The input was not valid.")


def validate_model(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Run the model's field, constraint and `clean()` checks; raise InvalidInput with all problems."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise InvalidInput(error.message_dict) from error

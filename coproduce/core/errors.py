"""The one error type users can act on. Interfaces turn it into a form error, a 400 or a 409."""


class DomainError(Exception):
    """A rule was broken; `message` is plain English that can be shown to the person."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """Someone else changed the record since it was read: nothing was saved."""

    status_code = 409


class NotAllowed(DomainError):
    """The actor may not do this. Interfaces answer 403 (or 404 where existence would leak)."""

    status_code = 403


class NotFound(DomainError):
    """No such record, or not one this person may see: the same answer, so nothing leaks."""

    status_code = 404

    def __init__(self, message: str = "No such record.") -> None:
        super().__init__(message)

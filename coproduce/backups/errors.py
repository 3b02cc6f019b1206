"""What can go wrong with a backup or a restore, in words an operator can act on."""

from coproduce.core.errors import DomainError


class BackupError(DomainError):
    """A backup could not be made or restored; the message says why and what to do."""


class BackupKeyError(BackupError):
    """COPRODUCE_BACKUP_KEY is missing or is not a key this program can use."""


class BackupUnreadable(BackupError):
    """The file is not a Coproduce backup, was made with another key, or is damaged or cut short.

    Raised before anything is restored: the whole file is checked first.
    """


class RestoreRefused(BackupError):
    """The target already holds data that the restore would write over; nothing was changed."""


class RestoreMismatch(BackupError):
    """What was restored differs from what the backup's manifest says was backed up."""

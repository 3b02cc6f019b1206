"""Development settings: a local SQLite database and a fixed, public secret."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("DJANGO_SECRET_KEY", "development-only-secret-key-not-for-production-use")
DEBUG = True

# `make demo` runs one process: background tasks (scheduling sustainment checks) run at once
# instead of waiting for a `db_worker` nobody started. Production keeps the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

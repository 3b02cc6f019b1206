"""`make load` only: the development settings with DEBUG off and background work queued in the
database, as production runs them, for gunicorn on loopback over a bench database.

Nothing here is read by config.settings.production: a load run cannot be switched on there.
"""

from .local import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

"""`make load` only: the development settings with DEBUG off, background work queued in the
database and database connections kept open, as production runs them, for gunicorn on loopback
over a bench database.

Nothing here is read by config.settings.production: a load run cannot be switched on there.
"""

from .base import DATABASES, env
from .local import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# As in production (config/settings/production.py): each gunicorn worker keeps its connection
# instead of opening one per request, which costs PostgreSQL a new backend process every time
# (~15 ms of the two cores' time, more than most pages' own queries).
for alias in DATABASES:
    DATABASES[alias]["CONN_MAX_AGE"] = int(env("DATABASE_CONN_MAX_AGE", "60"))

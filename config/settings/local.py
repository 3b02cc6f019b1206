"""Development settings: a local SQLite database and a fixed, public secret."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("DJANGO_SECRET_KEY", "development-only-secret-key-not-for-production-use")
DEBUG = True

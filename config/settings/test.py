"""Test settings: fast hashing, in-memory email, immediate background tasks."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, env

SECRET_KEY = "test-only-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", "test_coproduce")}
# The read replica's alias, mirroring the test database (Django's TEST["MIRROR"]): only the
# replica router's tests install the router (tests/core/test_replica.py); every other test reads
# and writes "default" alone.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = []
# Each test process has its own cache, emptied before every test (tests/conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Audit checkpoints go to a fresh temporary directory per test process, and nothing is sealed
# automatically (tests/audit turns it on where it tests it).
COPRODUCE_AUDIT_CHECKPOINT_DIR = Path(tempfile.mkdtemp(prefix="coproduce-test-audit-"))
COPRODUCE_AUDIT_SEAL_INTERVAL_SECONDS = 0
COPRODUCE_AUDIT_ARCHIVE_DIR = Path(tempfile.mkdtemp(prefix="coproduce-test-audit-archive-"))

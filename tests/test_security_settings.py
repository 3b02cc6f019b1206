"""Production settings refuse to start without their secrets and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k3Vq9-tZp2LxWm8RfYb4NhJs6DcGe1Ua7Ko0Ti5Qw-Xy3Vn8Mb2Lz6Hr9Pd4Sf1Gj",
    "DATABASE_URL": "postgres://coproduce@db.internal/coproduce",
    "DJANGO_ALLOWED_HOSTS": "coproduce.example.org",
    "COPRODUCE_AUDIT_CHECKPOINT_DIR": "/var/lib/coproduce/audit",
    "COPRODUCE_MESSAGES_BACKEND": "notify",
    "COPRODUCE_NOTIFY_API_KEY": "coproduce-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0",
    "COPRODUCE_NOTIFY_SMS_TEMPLATE_ID": "f33517ff-2a88-4f6e-b855-c550268ce08a",
    "COPRODUCE_NOTIFY_EMAIL_TEMPLATE_ID": "a6d4e8b1-3c2f-4e7a-9b10-2f5c8d7e6a41",
    "COPRODUCE_NOTIFY_CALLBACK_TOKEN": "n0t1fy-c4llb4ck-t0k3n-f0r-t3sts-0nly-5k2m",
    "COPRODUCE_SITE_URL": "https://coproduce.example.org",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "COPRODUCE_MESSAGES_", "COPRODUCE_NOTIFY_", "COPRODUCE_SITE_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    [
        "DJANGO_SECRET_KEY",
        "DATABASE_URL",
        "DJANGO_ALLOWED_HOSTS",
        "COPRODUCE_MESSAGES_BACKEND",
        "COPRODUCE_NOTIFY_API_KEY",
        "COPRODUCE_NOTIFY_SMS_TEMPLATE_ID",
        "COPRODUCE_NOTIFY_EMAIL_TEMPLATE_ID",
        "COPRODUCE_NOTIFY_CALLBACK_TOKEN",
        "COPRODUCE_SITE_URL",
    ],
)
def test_production_refuses_to_start_without_its_secrets(missing: str) -> None:
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_passwords_are_hashed_with_argon2() -> None:
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_static_files_collect_with_hashed_names(tmp_path: Path) -> None:
    """Production's hashed static files build: every file our CSS refers to exists.

    Production also compresses them (WhiteNoise), which takes minutes; hashing alone is what
    fails when a stylesheet points at a missing file, so the test stops there.
    """
    from django.core.management import call_command
    from django.test import override_settings

    storages = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()


def test_production_refuses_the_demo_console_for_messages() -> None:
    result = run_manage("check", env={**PRODUCTION_ENV, "COPRODUCE_MESSAGES_BACKEND": "console"})
    assert result.returncode != 0
    assert "COPRODUCE_MESSAGES_BACKEND must be notify" in result.stderr


def test_production_sends_email_alone_through_smtp_without_notify_keys() -> None:
    smtp_only = {key: value for key, value in PRODUCTION_ENV.items() if not key.startswith("COPRODUCE_NOTIFY_")}
    result = run_manage("check", env={**smtp_only, "COPRODUCE_MESSAGES_BACKEND": "smtp"})
    assert result.returncode == 0, result.stderr

"""Production never keeps the audit's checkpoints in the code tree by default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_security_settings import PRODUCTION_ENV as FULL_PRODUCTION_ENV

ROOT = Path(__file__).resolve().parent.parent.parent
# Everything else production needs (tests/test_security_settings.py), but no checkpoint directory.
PRODUCTION_ENV = {key: value for key, value in FULL_PRODUCTION_ENV.items() if key != "COPRODUCE_AUDIT_CHECKPOINT_DIR"}


def check_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "COPRODUCE_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("directory", "complaint"),
    [
        (None, "COPRODUCE_AUDIT_CHECKPOINT_DIR must name the directory for the audit's checkpoints."),
        (str(ROOT / "var" / "audit"), "COPRODUCE_AUDIT_CHECKPOINT_DIR must be outside the code tree."),
    ],
)
def test_production_refuses_to_start_without_a_checkpoint_directory_of_its_own(
    directory: str | None, complaint: str
) -> None:
    result = check_with({"COPRODUCE_AUDIT_CHECKPOINT_DIR": directory} if directory else {})
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_starts_with_a_checkpoint_directory_outside_the_code_tree(tmp_path: Path) -> None:
    result = check_with({"COPRODUCE_AUDIT_CHECKPOINT_DIR": str(tmp_path / "audit")})
    assert result.returncode == 0, result.stderr

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def checkpoint_dir(settings: Any, tmp_path: Path) -> Path:
    """Every audit test writes its checkpoints to its own temporary directory, and seals events
    as soon as they are committed (no grace) unless it says otherwise."""
    settings.COPRODUCE_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.COPRODUCE_AUDIT_SEAL_GRACE_SECONDS = 0
    return tmp_path / "checkpoints"

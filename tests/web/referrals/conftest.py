import pytest

from tests.personas import Personas, build_personas


@pytest.fixture
def personas(db: None) -> Personas:
    """Every story here is about referrals: the personas come with theirs (see tests/personas.py)."""
    return build_personas().with_referrals()

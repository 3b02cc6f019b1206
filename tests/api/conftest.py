from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_throttle_cache() -> Iterator[None]:
    """The enquiry throttle counts requests in Django's cache: start and leave each test with none."""
    cache.clear()
    yield
    cache.clear()

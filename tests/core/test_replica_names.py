"""Every route REPLICA_READ_URL_NAMES names exists: a renamed route would quietly go back to the primary."""

from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.urls import URLResolver, get_resolver


def _view_names(patterns: Sequence[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _view_names(
                pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            )
        elif pattern.name:
            yield prefix + pattern.name


def test_every_route_read_from_the_replica_exists() -> None:
    names = set(_view_names(get_resolver().url_patterns))

    assert set(settings.REPLICA_READ_URL_NAMES) <= names
    assert "web:funder_dashboard" in settings.REPLICA_READ_URL_NAMES

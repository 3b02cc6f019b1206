"""Helpers for tables whose columns are data: each cell names its column (data-label), which a
table with the cp-table--stack class shows beside the cell on a phone."""

from collections.abc import Sequence
from typing import Any

from django import template

register = template.Library()


@register.filter
def column(columns: Sequence[Any], index: int) -> Any:
    """The heading of column `index` (from 0), or "" past the end: `{{ table.columns|column:forloop.counter0 }}`."""
    try:
        return columns[index]
    except (IndexError, TypeError):
        return ""

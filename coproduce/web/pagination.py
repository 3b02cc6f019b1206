"""Splitting long lists into pages, with the page links GOV.UK pagination shows."""

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


@dataclass(frozen=True)
class Pages:
    page: Page
    # Page numbers to link to, with Paginator.ELLIPSIS where some are left out.
    numbers: list[int | str]


def paginate(request: HttpRequest, rows: Any, per_page: int) -> Pages:
    """The page the `page` query parameter asks for (the first or last one if it is out of range)."""
    paginator = Paginator(rows, per_page)
    page = paginator.get_page(request.GET.get("page"))
    numbers = list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return Pages(page=page, numbers=numbers)

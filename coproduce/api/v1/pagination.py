"""Pages of results: `?page=N`, `settings.COPRODUCE_API_PAGE_SIZE` items a page, and the total count.

A route whose items are personal data passes `audit=`, called once with the items actually
returned, so that one bulk audit write covers exactly what the caller saw.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

PageAudit = Callable[[HttpRequest, list[Any]], None]


class PageNumber(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, description="Which page, counting from 1.")

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="How many items there are in all (on every page).")

    def __init__(self, *, audit: PageAudit | None = None, **kwargs: Any) -> None:
        self.audit = audit
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any) -> Any:
        size = settings.COPRODUCE_API_PAGE_SIZE
        offset = (pagination.page - 1) * size
        count = queryset.count()
        items = list(queryset[offset : offset + size]) if offset < count else []
        if self.audit is not None and items:
            self.audit(request, items)
        return {"items": items, "count": count}

from collections.abc import Callable
from typing import Any, cast

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response


class DefaultPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                # What is accepted: any value; one that is not a whole number from 1 gives the
                # default size, and more than 200 gives 200 (tests/finance/test_transactions.py).
                parameter["schema"] = {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string"}]}
        return parameters


class NoCountPagination(DefaultPagination):
    """Page numbers without COUNT(*): one extra row tells whether there is a next page. For lists
    that grow to millions of rows, where counting would cost more than the page itself. A page is
    25 rows unless `page_size` asks for more (up to 200): a phone screen shows about that many."""

    page_size = 25
    max_page_number = 10**9

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        return self.paginate_fetch(lambda limit, offset: list(queryset[offset : offset + limit]), request)

    def paginate_fetch(self, fetch: Callable[[int, int], list[Any]], request: Request) -> list[Any] | None:
        """The page's rows from `fetch(limit, offset)`, for lists that read rows their own way."""
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        raw = request.query_params.get(self.page_query_param) or 1
        try:
            self.page_number = max(1, int(raw))
        except (TypeError, ValueError):
            self.page_number = 0
        if not 1 <= self.page_number <= self.max_page_number:
            # Past this no list has rows, and the offset would overflow the database's integers.
            raise NotFound("Invalid page.")
        offset = (self.page_number - 1) * page_size
        rows = fetch(page_size + 1, offset)
        self.has_next = len(rows) > page_size
        self.page_size_used = page_size
        return rows[:page_size]

    def _url(self, number: int) -> str:
        from rest_framework.utils.urls import remove_query_param, replace_query_param

        url = cast(Request, self.request).build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "next": self._url(self.page_number + 1) if self.has_next else None,
                "previous": self._url(self.page_number - 1) if self.page_number > 1 else None,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: Any) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

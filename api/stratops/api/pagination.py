"""Pagination every growing list shares: `limit`/`offset` query parameters with a ceiling,
a stable order enforced at the query, and the page facts echoed in the response.

A list that can grow (strategies, trades, backtests, sweep results) answers
one page at a time, so neither the database nor the client pays for rows
nobody shows. Offsets are only meaningful over a total order: `Page.apply`
refuses a query without ordering keys, and callers end their keys with a
unique column so equal values never swap places between two pages.
"""

# No `from __future__ import annotations`: FastAPI reads the parameter annotations of the
# dependency `paging` builds at run time, and they refer to its local `maximum`.
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import Select

MAX_OFFSET = 10**9
S = TypeVar("S", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int

    def apply(self, query: S, *order: Any) -> S:
        """`query` ordered by `order` (ending with a unique key), cut to this page."""
        if not order:
            raise ValueError("a page needs an order: pass the ordering keys, a unique one last")
        return query.order_by(*order).limit(self.limit).offset(self.offset)

    def cut(self, items: list[Any]) -> list[Any]:
        """This page of an already ordered list."""
        return items[self.offset : self.offset + self.limit]


class PageInfo(BaseModel):
    """What a paged list reports next to its items."""

    total: int = Field(description="Items matching the request across all pages.")
    limit: int = Field(description="Page size used.")
    offset: int = Field(description="Items skipped before this page.")


def paging(default: int, maximum: int) -> Callable[..., Page]:
    """A FastAPI dependency reading `limit` (1..maximum, default `default`) and `offset`."""

    def page(
        limit: Annotated[
            int, Query(ge=1, le=maximum, description=f"Page size (at most {maximum}).")
        ] = default,
        offset: Annotated[
            int, Query(ge=0, le=MAX_OFFSET, description="Items to skip (for the next page).")
        ] = 0,
    ) -> Page:
        return Page(limit=limit, offset=offset)

    return page

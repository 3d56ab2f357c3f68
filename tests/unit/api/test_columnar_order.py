"""Arrays aggregated from an ordered subquery come in date order, and are put in it if not."""

from __future__ import annotations

import datetime as dt

from stratops.api.queries.columnar import _in_date_order

D = [dt.date(2025, 1, d) for d in (2, 3, 6)]


def test_columns_in_date_order_are_kept_as_they_are() -> None:
    columns = (D, [1.0, 2.0, 3.0], ["a", "b", "c"])
    assert _in_date_order(columns) is columns


def test_columns_out_of_order_are_reordered_by_date_together() -> None:
    shuffled = ([D[2], D[0], D[1]], [3.0, 1.0, 2.0], ["c", "a", "b"])
    assert _in_date_order(shuffled) == (D, [1.0, 2.0, 3.0], ["a", "b", "c"])

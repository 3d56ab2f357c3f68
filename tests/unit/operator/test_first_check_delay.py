"""The first schedule check of each resource: within one interval, spread by uid."""

from __future__ import annotations

import uuid

from stratops.operator.observe import first_check_delay


def test_the_first_check_comes_within_one_interval_and_the_same_for_the_same_uid() -> None:
    uids = [str(uuid.UUID(int=i * 7919 + 1)) for i in range(500)]
    delays = [first_check_delay(uid, 60.0) for uid in uids]
    assert all(0.0 <= d < 60.0 for d in delays)
    assert delays == [first_check_delay(uid, 60.0) for uid in uids]


def test_a_fleet_is_spread_over_the_interval_not_checked_at_once() -> None:
    uids = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"strategy-{i}")) for i in range(500)]
    tenths = {int(first_check_delay(uid, 1.0) * 10) for uid in uids}
    assert tenths == set(range(10))
    busiest = max(
        sum(1 for uid in uids if int(first_check_delay(uid, 1.0) * 10) == t) for t in range(10)
    )
    assert busiest < 100  # no tenth of the interval holds a fifth of the fleet

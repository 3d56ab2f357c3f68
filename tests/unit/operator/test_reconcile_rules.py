"""Which other resources a reconcile must rewrite when claims come and go."""

from __future__ import annotations

from stratops.core.election import elect
from stratops.operator.reconcile import _conflicts_moved
from stratops.operator.resources import View


def view(name: str, primary: bool, status: dict | None = None) -> View:  # type: ignore[type-arg]
    spec = {"strategyId": name.replace("-", "_"), "primary": primary}
    return View(name=name, namespace="ns", uid=name, generation=1, raw_spec=spec,
                status=status or {})  # fmt: skip


def test_a_new_claim_flags_the_holder_too() -> None:
    b, d, x = view("b", True), view("d", True), view("x", False)
    before = elect([b.claim(), view("d", False).claim(), x.claim()], "b")
    now = elect([b.claim(), d.claim(), x.claim()], "b")
    assert [v.name for v in _conflicts_moved([b, d, x], before, now, target=d)] == ["b"]


def test_nothing_to_rewrite_when_nothing_changed() -> None:
    b, x = view("b", True), view("x", False)
    election = elect([b.claim(), x.claim()], "b")
    assert _conflicts_moved([b, x], election, election, target=x) == []


def test_after_a_start_statuses_stand_in_for_the_last_election() -> None:
    holder = view("b", True, {"effectivePrimary": True})
    stale = view("x", False, {"effectivePrimary": True})
    now = elect([holder.claim(), stale.claim()], "b")
    assert [v.name for v in _conflicts_moved([holder, stale], None, now, target=holder)] == ["x"]

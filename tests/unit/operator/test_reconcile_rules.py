"""Which resources' verdicts an election moves, so a reconcile rewrites their status too."""

from __future__ import annotations

from stratops.core.election import decide, elect
from stratops.operator.resources import View


def view(name: str, primary: bool, status: dict | None = None) -> View:  # type: ignore[type-arg]
    spec = {"strategyId": name.replace("-", "_"), "primary": primary}
    return View(name=name, namespace="ns", uid=name, generation=1, raw_spec=spec,
                status=status or {})  # fmt: skip


def conflict(message: str) -> dict:  # type: ignore[type-arg]
    return {"conditions": [{"type": "PrimaryConflict", "status": "True", "message": message}]}


def test_a_new_claim_flags_the_holder_too() -> None:
    b, d, x = view("b", True), view("d", True), view("x", False)
    before = elect([b.claim(), view("d", False).claim(), x.claim()], "b")
    now = decide([b.claim(), d.claim(), x.claim()], before)
    assert (now.effective, now.changed) == ("b", False)
    assert now.moved == {"b", "d"}, "both parties of the new conflict are rewritten"


def test_nothing_to_rewrite_when_nothing_changed() -> None:
    b, x = view("b", True), view("x", False)
    election = elect([b.claim(), x.claim()], "b")
    assert decide([b.claim(), x.claim()], election).moved == frozenset()


def test_after_a_start_statuses_stand_in_for_the_last_election() -> None:
    holder = view("b", True, {"effectivePrimary": True})
    stale = view("x", False, {"effectivePrimary": True})
    now = decide([holder.claim(), stale.claim()], None)
    assert (now.previous, now.effective) == ("b", "b")
    assert now.moved == {"x"}


def test_a_conflict_in_status_that_is_resolved_moves_the_verdict() -> None:
    holder = view("b", True, {"effectivePrimary": True, **conflict("spec.primary is claimed")})
    other = view("x", False)
    now = decide([holder.claim(), other.claim()], None)
    assert now.verdicts["b"].conflict is None
    assert now.moved == {"b"}


def test_a_conflict_already_in_status_is_not_rewritten() -> None:
    b, d = view("b", True), view("d", True)
    before = elect([b.claim(), d.claim()], "b")
    written = {"effectivePrimary": True, **conflict(before.conflict_message("b"))}
    b_now = view("b", True, written)
    d_now = view("d", True, conflict(before.conflict_message("d")))
    now = decide([b_now.claim(), d_now.claim()], None)
    assert now.moved == frozenset()

"""Primary election through every order in which a GitOps sync can apply a promotion."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stratops.core.election import Claim, Election, decide, elect, previous_from_status, verdict

B, D = "v3-5b", "v3-5d"


def world(b: bool | None, d: bool | None) -> list[Claim]:
    """Claims of v3-5b and v3-5d; None means the resource is being deleted."""
    return [
        Claim(B, claims=bool(b), deleting=b is None),
        Claim(D, claims=bool(d), deleting=d is None),
    ]


def replay(steps: list[tuple[bool | None, bool | None]], start: str | None) -> list[Election]:
    """Apply the states in order, feeding each outcome in as the next previous holder."""
    results, holder = [], start
    for b, d in steps:
        result = elect(world(b, d), holder)
        results.append(result)
        holder = result.effective
    return results


def test_first_claim_takes_the_role() -> None:
    result = elect(world(True, False), None)
    assert (result.effective, result.changed, result.conflicting) == (B, True, frozenset())


def test_new_primary_flipped_first_then_old_released() -> None:
    mid, end = replay([(True, True), (False, True)], B)
    assert (mid.effective, mid.changed) == (B, False)
    assert mid.conflicting == {B, D}
    assert (end.effective, end.previous, end.changed, end.conflicting) == (D, B, True, frozenset())


def test_old_primary_released_first_then_new_claimed() -> None:
    mid, end = replay([(False, False), (False, True)], B)
    assert (mid.effective, mid.changed, mid.conflicting) == (B, False, {B})
    assert (end.effective, end.changed) == (D, True)


def test_both_flipped_in_one_request() -> None:
    (end,) = replay([(False, True)], B)
    assert (end.effective, end.changed, end.conflicting) == (D, True, frozenset())


def test_primary_deleted_while_new_one_claims() -> None:
    mid, end = replay([(True, True), (None, True)], B)
    assert mid.effective == B
    assert (end.effective, end.changed) == (D, True)


def test_primary_deleted_before_new_one_claims() -> None:
    mid, end = replay([(None, False), (None, True)], B)
    assert (mid.effective, mid.changed, mid.conflicting) == (None, True, frozenset())
    assert (end.effective, end.previous) == (D, None)


def test_two_claims_without_holder_elect_nobody() -> None:
    result = elect(world(True, True), None)
    assert result.effective is None
    assert result.conflicting == {B, D}
    assert "nobody keeps" in result.conflict_message(B)


def _flip_d_on(b: bool | None, d: bool | None) -> tuple[bool | None, bool | None]:
    return b, True


def _flip_b_off(b: bool | None, d: bool | None) -> tuple[bool | None, bool | None]:
    return (None if b is None else False), d


def _delete_b(b: bool | None, d: bool | None) -> tuple[bool | None, bool | None]:
    return None, d


STEPS = {"flip d on": _flip_d_on, "flip b off": _flip_b_off, "delete b": _delete_b}
ORDERS = [
    list(order)
    for size in (2, 3)
    for order in itertools.permutations(STEPS, size)
    if "flip d on" in order and ("flip b off" in order or "delete b" in order)
]


@pytest.mark.parametrize("order", ORDERS, ids=" then ".join)
def test_every_promotion_order_ends_on_d_with_one_recorded_change(order: list[str]) -> None:
    """From b primary, any order of the promotion's edits: the role moves once, to d.

    A move to nobody (b deleted before d claims) is not a primary change row;
    the role is never split, and never handed to a resource that is not the sole claimant.
    """
    state: tuple[bool | None, bool | None] = (True, False)
    holder: str | None = B
    recorded = []
    for step in order:
        state = STEPS[step](*state)
        result = elect(world(*state), holder)
        if result.changed:
            assert result.effective is None or result.claimants == (result.effective,)
            if result.effective is not None:
                recorded.append((result.previous, result.effective))
        holder = result.effective
    assert holder == D
    assert len(recorded) == 1
    assert recorded[0][1] == D


claims_st = st.lists(
    st.builds(Claim, name=st.sampled_from("abcde"), claims=st.booleans(), deleting=st.booleans()),
    unique_by=lambda c: c.name,
)


@given(claims=claims_st, previous=st.none() | st.sampled_from("abcdez"))
def test_election_invariants(claims: list[Claim], previous: str | None) -> None:
    result = elect(claims, previous)
    alive = {c.name for c in claims if not c.deleting}
    claimants = sorted(c.name for c in claims if c.claims and not c.deleting)
    assert result.effective is None or result.effective in alive
    if len(claimants) == 1:
        assert result.effective == claimants[0]
    elif result.effective is not None:
        assert result.effective == previous, "the role only moves to a sole claimant"
    assert result == elect(reversed(claims), previous), "order of listing does not matter"


def test_previous_from_status() -> None:
    assert previous_from_status([Claim(B, True, marked_effective=True), Claim(D, False)]) == B
    assert previous_from_status([Claim(B, True), Claim(D, False)]) is None
    both = [Claim(B, False, marked_effective=True), Claim(D, True, marked_effective=True)]
    assert previous_from_status(both) == D
    gone = [Claim(B, True, deleting=True, marked_effective=True)]
    assert previous_from_status(gone) is None


def test_verdict_per_resource() -> None:
    torn = elect(world(True, True), B)
    assert verdict(torn, B)[0] is True
    assert verdict(torn, D)[0] is False
    assert verdict(torn, D)[1] is not None
    assert verdict(elect(world(False, True), B), D) == (True, None)
    assert verdict(None, D) == (False, None)


marked_claims_st = st.lists(
    st.builds(
        Claim,
        name=st.sampled_from("abcde"),
        claims=st.booleans(),
        deleting=st.booleans(),
        marked_effective=st.booleans(),
        marked_conflict=st.none() | st.sampled_from(["an old message"]),
    ),
    unique_by=lambda c: c.name,
)


@given(claims=marked_claims_st, earlier=claims_st, previous=st.none() | st.sampled_from("abc"))
def test_moved_names_every_resource_whose_verdict_changed(
    claims: list[Claim], earlier: list[Claim], previous: str | None
) -> None:
    before = elect(earlier, previous)
    now = decide(claims, before)
    assert now.effective == elect(claims, before.effective).effective
    expected = {c.name for c in claims if verdict(before, c.name) != verdict(now, c.name)}
    assert now.moved == expected


@given(claims=marked_claims_st)
def test_after_a_start_moved_compares_with_what_statuses_say(claims: list[Claim]) -> None:
    now = decide(claims, None)
    assert now.previous == previous_from_status(claims)
    expected = {
        c.name for c in claims if (c.marked_effective, c.marked_conflict) != verdict(now, c.name)
    }
    assert now.moved == expected

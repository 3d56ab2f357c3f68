"""Election of the effective primary of a namespace: pure, sticky, at most one.

GitOps tools apply a promotion in any order (the new primary first, the old
one first, both at once, or a deletion), so states with two or zero claims
are normal for a moment. The rule that keeps trading safe through them:

* exactly one live resource claims `spec.primary` -> it is the effective primary;
* otherwise the previous effective primary keeps the role while it exists
  (sticky), and nobody takes over until exactly one resource claims it.

A resource being deleted is no longer eligible. Resources caught in an
unresolved transient are reported as conflicting.

An `Election` is plain data: besides the holder it carries each resource's
verdict (holder or not, conflict message) and which verdicts moved since the
election before, so a reconcile decides once (`decide`) and everything it
writes reads fields, never re-deriving the rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Claim:
    """One resource as the election sees it."""

    name: str
    claims: bool
    deleting: bool = False
    marked_effective: bool = False  # status.effectivePrimary as last written
    marked_conflict: str | None = None  # the PrimaryConflict message as last written


@dataclass(frozen=True)
class Verdict:
    """What an election says about one resource."""

    holder: bool
    conflict: str | None = None  # why it is flagged with PrimaryConflict, if it is
    conflict_reason: str = field(default="MultipleClaims", compare=False)


NOBODY = Verdict(holder=False)


@dataclass(frozen=True)
class Election:
    """The outcome: who holds the role, who claims it, and every resource's verdict.

    `moved` names the resources whose verdict differs from the election before
    (or, with none, from what their status says): their status must be rewritten
    although nothing of theirs changed.
    """

    effective: str | None
    previous: str | None
    claimants: tuple[str, ...]
    moved: frozenset[str] = frozenset()
    changed: bool = field(init=False)
    conflicting: frozenset[str] = field(init=False)
    conflict_reason: str = field(init=False)
    verdicts: Mapping[str, Verdict] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        holder = (self.effective,) if self.effective is not None else ()
        parties = frozenset((*self.claimants, *holder))
        conflicting = frozenset() if len(self.claimants) == 1 else parties
        reason = "NoClaim" if not self.claimants else "MultipleClaims"
        verdicts = {
            name: Verdict(
                holder=name == self.effective,
                conflict=_conflict_message(self, name) if name in conflicting else None,
                conflict_reason=reason,
            )
            for name in parties
        }
        object.__setattr__(self, "changed", self.effective != self.previous)
        object.__setattr__(self, "conflicting", conflicting)
        object.__setattr__(self, "conflict_reason", reason)
        object.__setattr__(self, "verdicts", MappingProxyType(verdicts))

    def conflict_message(self, name: str) -> str:
        """Why `name` is flagged, in words for `kubectl describe`."""
        return _conflict_message(self, name)

    def verdict_of(self, name: str) -> Verdict:
        """Only the parties have a verdict of their own; everyone else's is NOBODY."""
        return self.verdicts.get(name, NOBODY)


def _conflict_message(election: Election, name: str) -> str:
    holder = election.effective or "nobody"
    if not election.claimants:
        return f"no resource claims spec.primary; {holder} keeps the primary role"
    others = ", ".join(c for c in election.claimants if c != name) or "nobody else"
    return (
        f"spec.primary is claimed by {len(election.claimants)} resources "
        f"({', '.join(election.claimants)}; besides this one: {others}); "
        f"{holder} keeps the primary role until exactly one claims it"
    )


def verdict(election: Election | None, name: str) -> tuple[bool, str | None]:
    """What an election says about one resource: holder or not, and its conflict message."""
    if election is None:
        return (False, None)
    found = election.verdict_of(name)
    return (found.holder, found.conflict)


def elect(claims: Iterable[Claim], previous: str | None) -> Election:
    """The effective primary given every resource of a namespace and the previous holder."""
    every = list(claims)
    alive = {c.name: c for c in every if not c.deleting}
    claimants = tuple(sorted(name for name, c in alive.items() if c.claims))
    still_there = previous if previous in alive else None
    effective = claimants[0] if len(claimants) == 1 else still_there
    return Election(effective=effective, previous=previous, claimants=claimants)


def decide(claims: Iterable[Claim], before: Election | None) -> Election:
    """The reconcile's one election: the holder before is the last election's (or, after
    a start, the one statuses record), and `moved` is filled in against it."""
    every = list(claims)
    previous = before.effective if before is not None else previous_from_status(every)
    now = elect(every, previous)
    present = {c.name for c in every}
    if before is not None:  # a verdict can only move for a party of either election
        parties = before.verdicts.keys() | now.verdicts.keys()
        moved = {n for n in parties & present if before.verdict_of(n) != now.verdict_of(n)}
    else:  # or for a resource whose status says it was a party
        marked = {c.name: _as_marked(c) for c in every if c.marked_effective or c.marked_conflict}
        candidates = (marked.keys() | now.verdicts.keys()) & present
        moved = {n for n in candidates if marked.get(n, (False, None)) != verdict(now, n)}
    return Election(
        effective=now.effective,
        previous=now.previous,
        claimants=now.claimants,
        moved=frozenset(moved),
    )


def _as_marked(claim: Claim) -> tuple[bool, str | None]:
    return (claim.marked_effective, claim.marked_conflict)


def previous_from_status(claims: Iterable[Claim]) -> str | None:
    """The holder recorded in statuses, for an operator that just started.

    The operator clears the old holder's flag before setting the new one, so
    normally at most one is marked. Should several be (edited by hand), the
    one that still claims wins, then the first by name: deterministic, and
    the election settles it right away.
    """
    marked = sorted((c for c in claims if c.marked_effective and not c.deleting), key=_order)
    return marked[0].name if marked else None


def _order(claim: Claim) -> tuple[bool, str]:
    return (not claim.claims, claim.name)

"""Election of the effective primary of a namespace: pure, sticky, at most one.

GitOps tools apply a promotion in any order (the new primary first, the old
one first, both at once, or a deletion), so states with two or zero claims
are normal for a moment. The rule that keeps trading safe through them:

* exactly one live resource claims `spec.primary` -> it is the effective primary;
* otherwise the previous effective primary keeps the role while it exists
  (sticky), and nobody takes over until exactly one resource claims it.

A resource being deleted is no longer eligible. Resources caught in an
unresolved transient are reported as conflicting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    """One resource as the election sees it."""

    name: str
    claims: bool
    deleting: bool = False
    marked_effective: bool = False  # status.effectivePrimary as last written


@dataclass(frozen=True)
class Election:
    """The outcome: who holds the role, who claims it, and who is in conflict."""

    effective: str | None
    previous: str | None
    claimants: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.effective != self.previous

    @property
    def conflicting(self) -> frozenset[str]:
        """Resources to flag with PrimaryConflict: every party of an unresolved transient."""
        if len(self.claimants) == 1:
            return frozenset()
        parties = set(self.claimants)
        if self.effective is not None:
            parties.add(self.effective)
        return frozenset(parties)

    @property
    def conflict_reason(self) -> str:
        return "NoClaim" if not self.claimants else "MultipleClaims"

    def conflict_message(self, name: str) -> str:
        """Why `name` is flagged, in words for `kubectl describe`."""
        holder = self.effective or "nobody"
        if not self.claimants:
            return f"no resource claims spec.primary; {holder} keeps the primary role"
        others = ", ".join(c for c in self.claimants if c != name) or "nobody else"
        return (
            f"spec.primary is claimed by {len(self.claimants)} resources "
            f"({', '.join(self.claimants)}; besides this one: {others}); "
            f"{holder} keeps the primary role until exactly one claims it"
        )


def verdict(election: Election | None, name: str) -> tuple[bool, str | None]:
    """What an election says about one resource: holder or not, and its conflict message."""
    if election is None:
        return (False, None)
    conflict = election.conflict_message(name) if name in election.conflicting else None
    return (election.effective == name, conflict)


def elect(claims: Iterable[Claim], previous: str | None) -> Election:
    """The effective primary given every resource of a namespace and the previous holder."""
    alive = {c.name: c for c in claims if not c.deleting}
    claimants = tuple(sorted(name for name, c in alive.items() if c.claims))
    still_there = previous if previous in alive else None
    effective = claimants[0] if len(claimants) == 1 else still_there
    return Election(effective=effective, previous=previous, claimants=claimants)


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

"""Checks the CRD cannot make, git revisions, and reading failed Jobs."""

from __future__ import annotations

import json
from typing import Any

from stratops.operator.alerts import ALERTED, failure_of
from stratops.operator.resources import View, check_spec, git_revision, mark_duplicates


def _spec(**changes: Any) -> str:
    spec = {"strategyId": "v3_5b", "strategyClass": "Hierarchical_Adaptive_v3_5b"}
    return json.dumps(spec | changes, sort_keys=True)


def test_valid_spec_gives_symbols() -> None:
    checked = check_spec(_spec())
    assert checked.error is None
    assert checked.spec is not None
    assert {"QQQ", "TQQQ"} <= set(checked.symbols)


def test_unknown_class_names_the_field() -> None:
    checked = check_spec(_spec(strategyClass="Nope"))
    assert checked.error is not None
    assert checked.error.startswith("spec.strategyClass: unknown strategyClass 'Nope'")
    assert checked.spec is not None, "the spec itself is fine: state can still be created"


def test_bad_parameter_names_the_field() -> None:
    checked = check_spec(_spec(parameters={"sma_fast": -3}))
    assert checked.error is not None
    assert "spec.parameters.sma_fast" in checked.error


def test_malformed_spec() -> None:
    checked = check_spec(_spec(initialCapital=-1))
    assert checked.spec is None
    assert checked.error is not None
    assert "spec.initialCapital" in checked.error


def test_git_revision_sources() -> None:
    flux = {"kustomize.toolkit.fluxcd.io/revision": "main@sha1:" + "a" * 40}
    assert git_revision(flux, {}) == "main@sha1:" + "a" * 40
    ours = {"stratops.dev/git-revision": "abc123", **flux}
    assert git_revision(ours, {}) == "abc123"
    argo = {"argocd.argoproj.io/tracking-id": "strategies:trading.stratops.dev/x" + "y" * 80}
    assert len(git_revision(argo, {}) or "") == 64
    assert git_revision({}, {"kustomize.toolkit.fluxcd.io/revision": "r1"}) == "r1"
    assert git_revision({}, {}) is None


def test_view_from_body() -> None:
    body = {
        "metadata": {"name": "b", "namespace": "ns", "uid": "u", "generation": 2,
                     "deletionTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"strategyId": "v3_5b", "primary": True},
        "status": {"effectivePrimary": True},
    }  # fmt: skip
    view = View.from_body(body)
    assert (view.deleting, view.claims_primary, view.active, view.strategy_id) == (
        True, True, True, "v3_5b",
    )  # fmt: skip
    assert view.claim().marked_effective
    assert view.ref()["metadata"] == {"name": "b", "namespace": "ns", "uid": "u"}


def _job(conditions: list[dict[str, str]], annotations: dict[str, str] | None = None) -> dict:  # type: ignore[type-arg]
    return {
        "metadata": {"name": "b-runner-1", "namespace": "ns", "annotations": annotations or {},
                     "labels": {"stratops.dev/strategy": "b"}},
        "status": {"conditions": conditions},
    }  # fmt: skip


def test_failed_job_is_read_once() -> None:
    failed = [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
               "message": "Job has reached the specified backoff limit"}]  # fmt: skip
    failure = failure_of(_job(failed))
    assert failure is not None
    assert (failure.strategy, failure.reason) == ("b", "BackoffLimitExceeded")
    assert failure_of(_job(failed, {ALERTED: "2026-01-01T00:00:00Z"})) is None
    assert failure_of(_job([{"type": "Complete", "status": "True"}])) is None
    assert failure_of(_job([])) is None


def _v(name: str, sid: str, created: str, namespace: str = "ns") -> View:
    return View(name=name, namespace=namespace, uid=f"{namespace}-{name}", generation=1,
                raw_spec={"strategyId": sid, "strategyClass": "Hierarchical_Adaptive_v3_5b"},
                created=created)  # fmt: skip


def test_a_strategy_id_belongs_to_the_oldest_resource() -> None:
    old, new = _v("b", "v3_5b", "2026-01-01T00:00:00Z"), _v("copy", "v3_5b", "2026-02-01T00:00:00Z")
    elsewhere = _v("b", "v3_5b", "2026-03-01T00:00:00Z", namespace="other")
    marked = mark_duplicates([old, new, elsewhere], [new, elsewhere, old])
    assert [v.duplicate_of for v in marked] == [None, "ns/b", "ns/b"]
    error = marked[1].check().error
    assert error is not None
    assert error.startswith("spec.strategyId: 'v3_5b' is already used by ns/b")
    assert marked[0].check().error is None

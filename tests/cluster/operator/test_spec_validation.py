"""The operator judges specs as `stratops validate` does, on the real control plane.

Every fixture under tests/fixtures/manifests/invalid that the API server can
store (JSON has no inf/nan, so those never reach it) is applied: the operator
must answer `Ready=False/InvalidSpec` with the same field and rule that
`validate` prints, create no CronJob, and not retry in a loop (one Warning
event). A secondary whose schedule cannot be offset is scheduled with a
`ScheduleNotOffset` warning condition and event.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from stratops.core.manifest_check import check_file

from ..controlplane import Kubectl, wait_for
from ..kubeclient import KubeClient
from ..operators import OperatorProcess
from .support import CHILD_PATHS, TS, apply, condition, events, manifest, wait_children, wait_status

pytestmark = pytest.mark.cluster
INVALID = Path(__file__).resolve().parents[2] / "fixtures" / "manifests" / "invalid"


def _storable(doc: dict[str, Any]) -> bool:
    """Whether kubectl can send it: JSON holds no inf or nan."""

    def finite(value: Any) -> bool:
        if isinstance(value, float):
            return math.isfinite(value)
        if isinstance(value, dict):
            return all(finite(v) for v in value.values())
        if isinstance(value, list):
            return all(finite(v) for v in value)
        return True

    return finite(doc)


def _fixtures() -> list[tuple[Path, dict[str, Any]]]:
    found = [(p, yaml.safe_load(p.read_text())) for p in sorted(INVALID.glob("*.yaml"))]
    return [(p, doc) for p, doc in found if _storable(doc)]


def test_every_invalid_fixture_is_invalid_spec_with_the_field_validate_names(
    operator: OperatorProcess, kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    fixtures = _fixtures()
    assert len(fixtures) >= 9
    for _, doc in fixtures:
        doc["spec"]["primary"] = False
        apply(kubectl, namespace, doc)
    for path, doc in fixtures:
        name = doc["metadata"]["name"]
        (line,) = check_file(path)
        assert not line.ok
        said = line.text.removeprefix(f"{path.name}: ")
        obj = wait_status(kube, namespace, name, timeout=30, phase="Error")
        ready = condition(obj, "Ready")
        assert (ready["status"], ready["reason"]) == ("False", "InvalidSpec"), name
        assert said in ready["message"], (said, ready["message"])
        cronjob = CHILD_PATHS["cronjob"].format(ns=namespace, name=name)
        assert kube.get_or_none(cronjob) is None, f"{name}: nothing is scheduled"
    time.sleep(5)  # a retry loop would post more events and reconcile again and again
    for _, doc in fixtures:
        name = doc["metadata"]["name"]
        warnings = [r for t, r, _ in events(kube, namespace, name) if t == "Warning"]
        assert warnings.count("InvalidSpec") == 1, (name, warnings)


def test_fixing_an_invalid_time_zone_schedules_the_runner(
    operator: OperatorProcess, kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    apply(kubectl, namespace, manifest("v3-5b", timeZone="Mars/Olympus"))
    obj = wait_status(kube, namespace, "v3-5b", phase="Error")
    assert "spec.timeZone: unknown time zone 'Mars/Olympus'" in condition(obj, "Ready")["message"]
    assert kube.get_or_none(CHILD_PATHS["cronjob"].format(ns=namespace, name="v3-5b")) is None
    apply(kubectl, namespace, manifest("v3-5b"))
    wait_status(kube, namespace, "v3-5b", phase="Active")
    cronjob = wait_children(kube, namespace, "v3-5b")["cronjob"]
    assert cronjob["spec"]["timeZone"] == "America/New_York"


def test_a_secondary_that_cannot_be_offset_is_a_warning_condition_and_event(
    operator: OperatorProcess, kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    apply(
        kubectl,
        namespace,
        manifest("v3-5b"),
        manifest("v3-5d", primary=False, schedule="*/15 9 * * 1-5"),
    )
    obj = wait_status(kube, namespace, "v3-5d", phase="Active")
    offset = wait_for(
        lambda: c if (c := _offset(kube, namespace)).get("status") == "True" else None,
        15,
        "ScheduleNotOffset=True on v3-5d",
    )
    assert offset["reason"] == "CannotShift"
    assert "'*/15 9 * * 1-5'" in offset["message"]
    wait_for(
        lambda: any(r == "ScheduleNotOffset" for _, r, _ in events(kube, namespace, "v3-5d")),
        15,
        "a ScheduleNotOffset Warning event",
    )
    assert condition(obj, "Ready")["status"] == "True", "still scheduled: only a warning"
    primary = wait_status(kube, namespace, "v3-5b", phase="Active", effectivePrimary=True)
    assert condition(primary, "ScheduleNotOffset")["status"] == "False"

    apply(kubectl, namespace, manifest("v3-5d", primary=False))
    wait_for(
        lambda: _offset(kube, namespace).get("status") == "False",
        15,
        "ScheduleNotOffset=False once the schedule can be offset",
    )
    assert wait_children(kube, namespace, "v3-5d")["cronjob"]["spec"]["schedule"] == "50 9 * * 1-5"


def _offset(kube: KubeClient, namespace: str) -> dict[str, Any]:
    return condition(kube.get(f"{TS.format(ns=namespace)}/v3-5d"), "ScheduleNotOffset")

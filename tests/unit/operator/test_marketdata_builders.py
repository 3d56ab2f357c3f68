"""The namespace's shared market-data PVC and fetch CronJob."""

from __future__ import annotations

from stratops.operator.children import Owner, build_market_data_cronjob, build_market_data_pvc
from stratops.operator.children.marketdata import Member
from stratops.operator.settings import OperatorSettings


def member(
    name: str,
    symbols: tuple[str, ...],
    schedule: str = "45 9 * * 1-5",
    runnable: bool = True,
    primary: bool = False,
) -> Member:
    owner = Owner(name=name, namespace="ns", uid=f"uid-{name}", strategy_id=name.replace("-", "_"))
    return Member(owner, runnable, schedule, "America/New_York", symbols, primary)


def test_fetches_union_of_runnable_symbols_before_earliest_runner(
    settings: OperatorSettings,
) -> None:
    members = [
        member("b", ("QQQ", "TQQQ", "TLT"), primary=True),
        member("d", ("QQQ", "TMF"), schedule="50 9 * * 1-5"),
        member("x", ("SPY",), runnable=False, schedule="0 8 * * 1-5"),
    ]
    cj = build_market_data_cronjob("ns", members, settings)
    spec = cj["spec"]
    assert cj["metadata"]["name"] == "stratops-market-data"
    assert spec["schedule"] == "35 9 * * 1-5"
    assert spec["timeZone"] == "America/New_York"
    assert spec["suspend"] is False
    assert spec["concurrencyPolicy"] == "Forbid"
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] == [
        "stratops", "data", "fetch", "--provider", "yahoo",
        "--symbols", "QQQ,TLT,TMF,TQQQ", "--cache", "/data",
    ]  # fmt: skip
    assert container["volumeMounts"][0] == {
        "name": "market-data",
        "mountPath": "/data",
        "readOnly": False,
    }
    assert pod["automountServiceAccountToken"] is False
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    owners = [ref["name"] for ref in cj["metadata"]["ownerReferences"]]
    assert owners == ["b", "d", "x"]
    assert not any(ref["controller"] for ref in cj["metadata"]["ownerReferences"])


def test_nothing_runnable_suspends_fetch(settings: OperatorSettings) -> None:
    cj = build_market_data_cronjob("ns", [member("b", ("QQQ",), runnable=False)], settings)
    assert cj["spec"]["suspend"] is True


def test_provider_source_is_passed(settings: OperatorSettings) -> None:
    local = settings.model_copy(
        update={"market_data_provider": "dir", "market_data_source": "/seed"}
    )
    cj = build_market_data_cronjob("ns", [member("b", ("QQQ",))], local)
    command = cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command[3:7] == ["--provider", "dir", "--source", "/seed"]


def test_pvc_is_shared_and_sized(settings: OperatorSettings) -> None:
    pvc = build_market_data_pvc("ns", [member("d", ()), member("b", ())], settings)
    assert pvc["metadata"]["name"] == "stratops-market-data"
    assert pvc["spec"] == {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}},
    }
    assert [r["name"] for r in pvc["metadata"]["ownerReferences"]] == ["b", "d"]
    classy = settings.model_copy(update={"market_data_storage_class": "fast"})
    assert build_market_data_pvc("ns", [], classy)["spec"]["storageClassName"] == "fast"

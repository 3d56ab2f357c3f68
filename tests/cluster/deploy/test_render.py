"""Every overlay renders, and what it renders keeps the promises the docs make."""

from __future__ import annotations

import base64

import pytest

from stratops.operator.settings import OperatorSettings

from .support import (
    MANIFESTS,
    OVERLAYS,
    by_kind,
    container,
    env_value,
    kustomize,
    one,
)

pytestmark = pytest.mark.cluster


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_overlay_renders_named_objects(overlay: str) -> None:
    objects = kustomize(OVERLAYS[overlay])
    assert objects, f"{overlay} rendered nothing"
    for obj in objects:
        assert obj["apiVersion"]
        assert obj["kind"]
        assert obj["metadata"]["name"]


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_namespaced_objects_land_in_the_stratops_namespace(overlay: str) -> None:
    objects = kustomize(OVERLAYS[overlay])
    scoped = {"Namespace", "CustomResourceDefinition", "ClusterRole"}
    scoped |= {"ClusterRoleBinding", "PriorityClass"}
    namespaces = {o["metadata"].get("namespace") for o in objects if o["kind"] not in scoped}
    assert namespaces == {"stratops"}


@pytest.mark.parametrize(
    ("overlay", "image"),
    [("kind", "stratops:dev"), ("prod", "registry.example.com/stratops:0.1.0")],
)
def test_runners_get_the_operators_own_image(overlay: str, image: str) -> None:
    operator = one(kustomize(OVERLAYS[overlay]), "Deployment", "stratops-operator")
    main = container(operator, "operator")
    assert main["image"] == image
    assert env_value(main, "STRATOPS_OPERATOR_IMAGE") == image
    init = operator["spec"]["template"]["spec"]["initContainers"][0]
    assert init["image"] == image


def test_operator_is_one_replica_replaced_not_surged_and_watches_its_namespace() -> None:
    operator = one(kustomize(OVERLAYS["base"]), "Deployment", "stratops-operator")
    assert operator["spec"]["replicas"] == 1
    assert operator["spec"]["strategy"] == {"type": "Recreate"}
    main = container(operator, "operator")
    assert main["args"] == ["operator", "--standalone"]
    namespace = env_value(main, "STRATOPS_OPERATOR_NAMESPACE")
    assert namespace == {"fieldRef": {"fieldPath": "metadata.namespace"}}
    assert main["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_api_probes_and_secret_reference() -> None:
    objects = kustomize(OVERLAYS["base"])
    api = container(one(objects, "Deployment", "stratops-api"), "api")
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    ref = env_value(api, "STRATOPS_API_DB_URL")["secretKeyRef"]
    assert ref == {"name": "stratops-api-db", "key": "url"}
    assert one(objects, "Service", "stratops-api")["spec"]["ports"][0]["targetPort"] == "http"


@pytest.mark.parametrize("overlay", ["base", "prod"])
def test_no_secret_is_shipped_outside_kind(overlay: str) -> None:
    assert by_kind(kustomize(OVERLAYS[overlay]), "Secret") == []


def test_kind_secrets_are_obviously_for_development() -> None:
    secrets = by_kind(kustomize(OVERLAYS["kind"]), "Secret")
    assert {s["metadata"]["name"] for s in secrets} == {
        "stratops-postgres",
        "stratops-db",
        "stratops-api-db",
    }
    for secret in secrets:
        for value in secret["data"].values():
            assert "dev-only" in base64.b64decode(value).decode()


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_every_container_is_restricted(overlay: str) -> None:
    for obj in kustomize(OVERLAYS[overlay]):
        template = (obj.get("spec") or {}).get("template")
        if obj["kind"] not in ("Deployment", "StatefulSet") or template is None:
            continue
        pod = template["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        for spec in [*pod.get("initContainers", []), *pod["containers"]]:
            context = spec["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, spec["name"]
            assert context["readOnlyRootFilesystem"] is True, spec["name"]
            assert context["capabilities"] == {"drop": ["ALL"]}, spec["name"]


def test_kind_ships_the_example_strategies_and_prod_does_not() -> None:
    kind = {o["metadata"]["name"] for o in by_kind(kustomize(OVERLAYS["kind"]), "TradingStrategy")}
    assert kind == {"v3-5b", "v3-5d"}
    assert by_kind(kustomize(OVERLAYS["prod"]), "TradingStrategy") == []


def test_strategies_kustomization_lists_every_strategy_file() -> None:
    folder = MANIFESTS / "strategies"
    rendered = {o["metadata"]["name"] for o in kustomize(folder)}
    files = sorted(folder.glob("*.yaml"))
    assert len(rendered) == len(files), "a strategy file is missing from kustomization.yml"


def test_prod_isolates_runners_and_api() -> None:
    policies = {
        p["metadata"]["name"]: p["spec"]
        for p in by_kind(kustomize(OVERLAYS["prod"]), "NetworkPolicy")
    }
    assert policies["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    runner_ports = {
        port["port"] for rule in policies["runner-egress"]["egress"] for port in rule["ports"]
    }
    assert runner_ports == {443, 6443, 5432}
    api_ports = {port["port"] for rule in policies["api"]["egress"] for port in rule["ports"]}
    assert api_ports == {5432}


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_the_operators_environment_is_one_its_settings_accept(
    overlay: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each literal env value reaches the real settings model (a replacement once wrote
    the image name into the pull policy, which the operator refuses at start)."""
    operator = one(kustomize(OVERLAYS[overlay]), "Deployment", "stratops-operator")
    main = container(operator, "operator")
    literal = {e["name"]: e["value"] for e in main.get("env", []) if "value" in e}
    for name, value in literal.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("STRATOPS_DB_URL", "sqlite://")  # a secretKeyRef in the manifests
    settings = OperatorSettings()  # raises on a value the operator would refuse at start
    assert settings.image == literal["STRATOPS_OPERATOR_IMAGE"]
    assert settings.image_pull_policy == literal.get(
        "STRATOPS_OPERATOR_IMAGE_PULL_POLICY", "IfNotPresent"
    )

"""TestKubelet: a test double for the kubelet, running Job pods as local processes.

The cluster tier has a real API server, etcd and controller manager but no
container runtime.  This double plays the node: it registers a Ready Node,
binds the namespace's pending pods to it (there is no scheduler either), runs
each pod's first container as a local subprocess and reports the outcome
through the pods/status subresource, so the real Job and CronJob controllers
see pods succeed or fail exactly as they would on a node.

What a pod gets, and how it differs from a container:

* Command: ``command`` + ``args`` of the first container, with Kubernetes'
  ``$(VAR)`` expansion.  Images are ignored, so an explicit ``command`` is
  required.  Init containers and further containers are not run.  Pods with
  ``restartPolicy: Always`` are left alone (only Job pods are in scope).
* Environment: ``value``, ``valueFrom`` (``configMapKeyRef``,
  ``secretKeyRef``, ``fieldRef`` for metadata.name/namespace/uid/labels/
  annotations, spec.serviceAccountName, spec.nodeName, status.hostIP/podIP)
  and ``envFrom``.  On top: ``PATH`` of the host with the running Python's
  bin directory first (so console scripts of the test virtualenv resolve),
  ``HOME`` in the pod's scratch directory, and ``KUBERNETES_SERVICE_HOST`` /
  ``KUBERNETES_SERVICE_PORT`` pointing at the test API server, as in-cluster
  config expects.
* Volumes become host directories: a PVC ``claimName`` maps to one directory
  per namespace and claim (two pods with the same claim share files), an
  emptyDir to a fresh directory per pod, ConfigMap/Secret/projected/downwardAPI
  volumes to directories of files written from the API objects.
* Mount path rule: the process cannot see ``mountPath``, so every occurrence
  of a mount path *as a path prefix* in the command, args, env values and
  workingDir is replaced by the mapped host directory, longest mount path
  first, in one pass.  "As a path prefix" means the mount path is not glued to
  a preceding path character and is followed by ``/`` or a non-path
  character: with a mount at ``/data``, ``--dir=/data/x`` becomes
  ``--dir=<host>/x`` while ``/database`` and ``/var/data`` stay as they are.
  Paths the program builds at run time from other strings are not rewritten.
* Service account: the ServiceAccount admission plugin adds the usual
  projected volume at ``/var/run/secrets/kubernetes.io/serviceaccount`` when
  automount is on; the double fills it with a real token from the TokenRequest
  API (bound to the pod), ``ca.crt`` from the ``kube-root-ca.crt`` ConfigMap
  and ``namespace``, and sets ``STRATOPS_SA_DIR`` to that directory.  A real
  pod reads the fixed path; code under test should honour ``STRATOPS_SA_DIR``
  when it is set.
* Logs: each pod's stdout and stderr go to ``<work_dir>/pods/<pod>/``.
"""

from __future__ import annotations

import base64
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .kubeclient import JsonObject, KubeClient, KubeError

SA_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
SA_DIR_ENV = "STRATOPS_SA_DIR"
RUNNABLE_RESTART_POLICIES = ("Never", "OnFailure")
KILL_GRACE_S = 5.0


class PodSetupError(Exception):
    """The container cannot start yet (missing ConfigMap, unsupported field): it stays Pending."""


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_EXPANSION = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def expand_vars(text: str, env: dict[str, str]) -> str:
    """Kubernetes' $(VAR) expansion: known names expand, unknown stay literal, $$ escapes."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        return env.get(match.group(1), match.group(0))

    return _EXPANSION.sub(substitute, text)


def mount_rewriter(mounts: dict[str, Path]) -> Callable[[str], str]:
    """Replace mount paths used as path prefixes by their host directories (see module doc)."""
    table = {path.rstrip("/"): host for path, host in mounts.items() if path.rstrip("/")}
    if not table:
        return lambda text: text
    alternatives = "|".join(re.escape(p) for p in sorted(table, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.~/-])({alternatives})(?![\w.-])")
    return lambda text: pattern.sub(lambda m: str(table[m.group(1)]), text)


@dataclass
class PreparedContainer:
    """Everything needed to start the process, resolved from the pod and the API."""

    argv: list[str]
    env: dict[str, str]
    cwd: Path


@dataclass
class PodRun:
    """Book-keeping for one pod the double has taken on."""

    name: str
    uid: str
    directory: Path
    start_time: str = field(default_factory=now_rfc3339)
    process: subprocess.Popen[bytes] | None = None
    cancelled: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None


class TestKubelet:
    """Runs the Job pods of one namespace on a fake Ready node (see module doc)."""

    __test__ = False  # a test double, not a pytest test class

    def __init__(
        self,
        client: KubeClient,
        namespace: str,
        work_dir: Path,
        node_name: str | None = None,
        poll_interval: float = 0.2,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.client = client
        self.namespace = namespace
        self.work_dir = work_dir
        self.node_name = node_name or f"test-node-{namespace}"
        self.poll_interval = poll_interval
        self.extra_env = dict(extra_env or {})
        self._stop = threading.Event()
        self._runs: dict[str, PodRun] = {}
        self._confirmed_deletions: set[str] = set()
        self._lock = threading.Lock()
        self._loop_thread: threading.Thread | None = None
        self._journal = work_dir / "kubelet.log"

    # ------------------------------------------------------------ lifecycle

    def start(self) -> TestKubelet:
        """Register the node and start watching pods in a background thread."""
        (self.work_dir / "pods").mkdir(parents=True, exist_ok=True)
        self._register_node()
        self._loop_thread = threading.Thread(
            target=self._loop, name=f"kubelet-{self.namespace}", daemon=True
        )
        self._loop_thread.start()
        return self

    def stop(self) -> None:
        """Kill every process still running, join all threads and remove the node."""
        self._stop.set()
        if self._loop_thread is not None:
            self._loop_thread.join(timeout=10)
        with self._lock:
            runs = list(self._runs.values())
        for run in runs:
            run.cancelled.set()
            self._kill(run)
        for run in runs:
            if run.thread is not None:
                run.thread.join(timeout=10)
        self.client.delete_if_present(f"/api/v1/nodes/{self.node_name}")

    def __enter__(self) -> TestKubelet:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ debugging aids

    def pod_dir(self, pod_name: str) -> Path:
        return self.work_dir / "pods" / pod_name

    def logs(self, pod_name: str, stream: str = "stdout") -> str:
        """What the pod's process wrote to stdout (or stderr) so far."""
        path = self.pod_dir(pod_name) / stream
        return path.read_text(errors="replace") if path.exists() else ""

    def pod_names(self) -> list[str]:
        with self._lock:
            return sorted(run.name for run in self._runs.values())

    def journal(self) -> str:
        return self._journal.read_text() if self._journal.exists() else ""

    def _note(self, message: str) -> None:
        with self._lock, open(self._journal, "a") as out:
            out.write(f"{now_rfc3339()} {message}\n")

    # ------------------------------------------------------------ node

    def _register_node(self) -> None:
        """A Node object whose Ready condition lets controllers treat it as healthy."""
        node = {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": self.node_name,
                "labels": {
                    "kubernetes.io/hostname": self.node_name,
                    "stratops.dev/test-kubelet": "true",
                },
            },
        }
        if self.client.get_or_none(f"/api/v1/nodes/{self.node_name}") is None:
            self.client.create("/api/v1/nodes", node)
        now = now_rfc3339()
        capacity = {"cpu": "2", "memory": "8Gi", "pods": "110"}
        status = {
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "KubeletReady",
                    "message": "stratops test kubelet",
                    "lastHeartbeatTime": now,
                    "lastTransitionTime": now,
                }
            ],
            "addresses": [
                {"type": "InternalIP", "address": "127.0.0.1"},
                {"type": "Hostname", "address": self.node_name},
            ],
            "capacity": capacity,
            "allocatable": capacity,
        }
        self.client.merge_patch(f"/api/v1/nodes/{self.node_name}/status", {"status": status})

    # ------------------------------------------------------------ pod loop

    def _loop(self) -> None:
        """Poll rather than watch: on loopback it costs nothing and cannot miss an event."""
        while not self._stop.is_set():
            try:
                self._sync()
            except KubeError as err:
                self._note(f"sync failed: {err}")
            self._stop.wait(self.poll_interval)

    def _sync(self) -> None:
        pods = self.client.get(f"/api/v1/namespaces/{self.namespace}/pods")["items"]
        for pod in pods:
            meta = pod["metadata"]
            if meta.get("deletionTimestamp"):
                self._handle_deletion(pod)
            elif meta["uid"] not in self._runs and self._should_run(pod):
                self._admit(pod)

    def _should_run(self, pod: JsonObject) -> bool:
        spec, status = pod["spec"], pod.get("status", {})
        return (
            spec.get("nodeName") in (None, "", self.node_name)
            and spec.get("restartPolicy") in RUNNABLE_RESTART_POLICIES
            and status.get("phase", "Pending") == "Pending"
        )

    def _admit(self, pod: JsonObject) -> None:
        """Bind the pod to our node (we are its scheduler) and run it in its own thread."""
        name = pod["metadata"]["name"]
        if not pod["spec"].get("nodeName"):
            binding = {
                "apiVersion": "v1",
                "kind": "Binding",
                "metadata": {"name": name},
                "target": {"apiVersion": "v1", "kind": "Node", "name": self.node_name},
            }
            self.client.create(f"/api/v1/namespaces/{self.namespace}/pods/{name}/binding", binding)
        run = PodRun(name=name, uid=pod["metadata"]["uid"], directory=self.pod_dir(name))
        run.directory.mkdir(parents=True, exist_ok=True)
        run.thread = threading.Thread(
            target=self._run_pod, args=(run, pod), name=f"pod-{name}", daemon=True
        )
        with self._lock:
            self._runs[run.uid] = run
        self._note(f"bound pod {name} to {self.node_name}")
        run.thread.start()

    def _handle_deletion(self, pod: JsonObject) -> None:
        """Graceful deletion of a pod on our node waits for the kubelet: kill, report, confirm."""
        meta = pod["metadata"]
        if (
            pod["spec"].get("nodeName") != self.node_name
            or meta["uid"] in self._confirmed_deletions
        ):
            return
        run = self._runs.get(meta["uid"])
        if run is not None:
            run.cancelled.set()
            self._kill(run)
        path = f"/api/v1/namespaces/{self.namespace}/pods/{meta['name']}"
        self.client.delete_if_present(
            path, {"gracePeriodSeconds": 0, "preconditions": {"uid": meta["uid"]}}
        )
        self._confirmed_deletions.add(meta["uid"])
        self._note(f"confirmed deletion of pod {meta['name']}")

    # ------------------------------------------------------------ one pod

    def _run_pod(self, run: PodRun, pod: JsonObject) -> None:
        """Thread body: set up (retrying while config is missing), run, report the outcome."""
        try:
            prepared = self._prepare_until_ready(run, pod)
            if prepared is None:
                return
            self._run_container(run, pod, prepared)
        except (KubeError, OSError) as err:
            self._note(f"pod {run.name}: {type(err).__name__}: {err}")

    def _prepare_until_ready(self, run: PodRun, pod: JsonObject) -> PreparedContainer | None:
        """Like a kubelet, keep a pod Pending with CreateContainerConfigError until it can start."""
        while not (self._stop.is_set() or run.cancelled.is_set()):
            try:
                return self._prepare(run, pod)
            except PodSetupError as err:
                self._note(f"pod {run.name}: cannot start yet: {err}")
                waiting = {"waiting": {"reason": "CreateContainerConfigError", "message": str(err)}}
                self._report(run, pod, "Pending", waiting)
                self._stop.wait(1.0)
        return None

    def _run_container(self, run: PodRun, pod: JsonObject, prepared: PreparedContainer) -> None:
        """Run once (Never) or until success (OnFailure), reporting each transition."""
        restart_policy = pod["spec"]["restartPolicy"]
        restarts = 0
        last_state: JsonObject | None = None
        while True:
            started = now_rfc3339()
            self._report(
                run, pod, "Running", {"running": {"startedAt": started}}, restarts, last_state, True
            )
            exit_code, reason, message = self._execute(run, prepared)
            if run.cancelled.is_set() or self._stop.is_set():
                return
            terminated = {
                "exitCode": exit_code,
                "reason": reason,
                "startedAt": started,
                "finishedAt": now_rfc3339(),
            }
            if message:
                terminated["message"] = message
            if exit_code == 0 or restart_policy == "Never":
                phase = "Succeeded" if exit_code == 0 else "Failed"
                self._report(run, pod, phase, {"terminated": terminated}, restarts, last_state)
                self._note(f"pod {run.name} {phase.lower()} with exit code {exit_code}")
                return
            restarts += 1
            last_state = {"terminated": terminated}
            if self._stop.wait(min(10.0, 0.5 * 2**restarts)):
                return

    def _execute(self, run: PodRun, prepared: PreparedContainer) -> tuple[int, str, str]:
        """Start the process with its output in files; (exit code, reason, message)."""
        if run.cancelled.is_set():
            return 137, "Error", "pod deleted before start"
        with (
            open(run.directory / "stdout", "ab") as out,
            open(run.directory / "stderr", "ab") as err,
        ):
            try:
                run.process = subprocess.Popen(
                    prepared.argv,
                    env=prepared.env,
                    cwd=prepared.cwd,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                    start_new_session=True,
                )
            except OSError as error:
                return 128, "StartError", f"{prepared.argv[0]}: {error.strerror}"
            code = run.process.wait()
        if code < 0:  # killed by a signal: report it the way container runtimes do
            return 128 - code, "Error", f"killed by signal {-code}"
        return code, "Completed" if code == 0 else "Error", ""

    def _kill(self, run: PodRun) -> None:
        """SIGTERM the process group, SIGKILL after a short grace period."""
        process = run.process
        if process is None or process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, KILL_GRACE_S), (signal.SIGKILL, None)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                return
            try:
                process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def _report(
        self,
        run: PodRun,
        pod: JsonObject,
        phase: str,
        state: JsonObject,
        restarts: int = 0,
        last_state: JsonObject | None = None,
        ready: bool = False,
    ) -> None:
        """Write the pod status the way the kubelet does, through pods/status."""
        container = pod["spec"]["containers"][0]
        flag = "True" if ready else "False"
        now = now_rfc3339()
        condition_status = {
            "PodScheduled": "True",
            "Initialized": "True",
            "ContainersReady": flag,
            "Ready": flag,
        }
        status = {
            "phase": phase,
            "hostIP": "127.0.0.1",
            "hostIPs": [{"ip": "127.0.0.1"}],
            "podIP": "127.0.0.1",
            "podIPs": [{"ip": "127.0.0.1"}],
            "startTime": run.start_time,
            "conditions": [
                {"type": kind, "status": value, "lastTransitionTime": now}
                for kind, value in condition_status.items()
            ],
            "containerStatuses": [
                {
                    "name": container["name"],
                    "image": container.get("image", ""),
                    "imageID": "",
                    "ready": ready,
                    "started": "running" in state,
                    "restartCount": restarts,
                    "state": state,
                    "lastState": last_state or {},
                }
            ],
        }
        self.client.merge_patch(
            f"/api/v1/namespaces/{self.namespace}/pods/{run.name}/status", {"status": status}
        )

    # ------------------------------------------------------------ container set-up

    def _prepare(self, run: PodRun, pod: JsonObject) -> PreparedContainer:
        container = pod["spec"]["containers"][0]
        if not container.get("command"):
            raise PodSetupError(
                f"container {container['name']} has no command; images are not run here"
            )
        volumes = self._prepare_volumes(run, pod)
        mounts = self._mounts(container, volumes)
        rewrite = mount_rewriter(mounts)
        env = self._base_env(run, pod)
        if SA_MOUNT_PATH in mounts:
            env[SA_DIR_ENV] = str(mounts[SA_MOUNT_PATH])
        for name, value in self._container_env(pod, container).items():
            env[name] = rewrite(value)
        argv = [
            rewrite(expand_vars(arg, env))
            for arg in [*container["command"], *container.get("args", [])]
        ]
        cwd = run.directory / "rootfs"
        if container.get("workingDir"):
            cwd = Path(rewrite(container["workingDir"]))
            if not cwd.is_absolute() or not cwd.exists():
                cwd = run.directory / "rootfs" / container["workingDir"].lstrip("/")
        cwd.mkdir(parents=True, exist_ok=True)
        return PreparedContainer(argv=argv, env=env, cwd=cwd)

    def _base_env(self, run: PodRun, pod: JsonObject) -> dict[str, str]:
        """Seen by every container besides its own env: PATH, HOME, the API server address."""
        endpoint = self.client.endpoint
        home = run.directory / "home"
        home.mkdir(exist_ok=True)
        path = os.pathsep.join(
            [str(Path(sys.executable).parent), os.environ.get("PATH", os.defpath)]
        )
        env = {
            "PATH": path,
            "HOME": str(home),
            "HOSTNAME": pod["metadata"]["name"],
            "KUBERNETES_SERVICE_HOST": endpoint.host,
            "KUBERNETES_SERVICE_PORT": str(endpoint.port),
            "KUBERNETES_SERVICE_PORT_HTTPS": str(endpoint.port),
        }
        for name in ("LANG", "LC_ALL", "TZ"):
            if name in os.environ:
                env[name] = os.environ[name]
        env.update(self.extra_env)
        return env

    def _container_env(self, pod: JsonObject, container: JsonObject) -> dict[str, str]:
        """envFrom first, then env in order, with $(VAR) referring to earlier entries."""
        env: dict[str, str] = {}
        for source in container.get("envFrom", []):
            prefix = source.get("prefix", "")
            if "configMapRef" in source:
                ref = source["configMapRef"]
                data = self._config_map_data(ref["name"], ref.get("optional", False))
            elif "secretRef" in source:
                ref = source["secretRef"]
                data = self._secret_data(ref["name"], ref.get("optional", False))
            else:
                raise PodSetupError(f"unsupported envFrom source {sorted(source)}")
            env.update({prefix + key: value.decode() for key, value in (data or {}).items()})
        for var in container.get("env", []):
            if "valueFrom" in var:
                value = self._value_from(pod, var["name"], var["valueFrom"])
                if value is not None:
                    env[var["name"]] = value
            else:
                env[var["name"]] = expand_vars(var.get("value", ""), env)
        return env

    def _value_from(self, pod: JsonObject, name: str, source: JsonObject) -> str | None:
        """Resolve one valueFrom; None when an optional source is missing."""
        if "fieldRef" in source:
            return field_value(pod, source["fieldRef"]["fieldPath"])
        for kind, getter in (
            ("configMapKeyRef", self._config_map_data),
            ("secretKeyRef", self._secret_data),
        ):
            if kind in source:
                ref = source[kind]
                optional = bool(ref.get("optional", False))
                data = getter(ref["name"], optional)
                if data is None or ref["key"] not in data:
                    if optional:
                        return None
                    raise PodSetupError(
                        f"env {name}: key {ref['key']!r} not found in {kind} {ref['name']!r}"
                    )
                return data[ref["key"]].decode()
        raise PodSetupError(f"env {name}: unsupported valueFrom {sorted(source)}")

    def _config_map_data(self, name: str, optional: bool) -> dict[str, bytes] | None:
        obj = self.client.get_or_none(f"/api/v1/namespaces/{self.namespace}/configmaps/{name}")
        if obj is None:
            if optional:
                return None
            raise PodSetupError(f'configmap "{name}" not found')
        data = {key: value.encode() for key, value in obj.get("data", {}).items()}
        data.update(
            {key: base64.b64decode(value) for key, value in obj.get("binaryData", {}).items()}
        )
        return data

    def _secret_data(self, name: str, optional: bool) -> dict[str, bytes] | None:
        obj = self.client.get_or_none(f"/api/v1/namespaces/{self.namespace}/secrets/{name}")
        if obj is None:
            if optional:
                return None
            raise PodSetupError(f'secret "{name}" not found')
        return {key: base64.b64decode(value) for key, value in obj.get("data", {}).items()}

    # ------------------------------------------------------------ volumes

    def _prepare_volumes(self, run: PodRun, pod: JsonObject) -> dict[str, Path]:
        """Map every volume of the pod to a host directory (volume name -> directory)."""
        mapped: dict[str, Path] = {}
        for volume in pod["spec"].get("volumes", []):
            name = volume["name"]
            if "persistentVolumeClaim" in volume:
                mapped[name] = self._claim_dir(volume["persistentVolumeClaim"]["claimName"])
            elif "emptyDir" in volume:
                mapped[name] = run.directory / "volumes" / name
                mapped[name].mkdir(parents=True, exist_ok=True)
            elif (
                "configMap" in volume
                or "secret" in volume
                or "projected" in volume
                or "downwardAPI" in volume
            ):
                mapped[name] = run.directory / "volumes" / name
                mapped[name].mkdir(parents=True, exist_ok=True)
                for source in projection_sources(volume):
                    self._project(pod, source, mapped[name])
            else:
                raise PodSetupError(f"volume {name}: type not supported by the test kubelet")
        return mapped

    def _claim_dir(self, claim: str) -> Path:
        """One directory per namespace and claim: pods that share a PVC share the files."""
        if (
            self.client.get_or_none(
                f"/api/v1/namespaces/{self.namespace}/persistentvolumeclaims/{claim}"
            )
            is None
        ):
            raise PodSetupError(f'persistentvolumeclaim "{claim}" not found')
        path = self.work_dir / "volumes" / "pvc" / claim
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _project(self, pod: JsonObject, source: JsonObject, target: Path) -> None:
        """Write the files of one configMap/secret/downwardAPI/serviceAccountToken source."""
        if "serviceAccountToken" in source:
            spec = source["serviceAccountToken"]
            write_file(target / spec["path"], self._request_token(pod, spec).encode(), None)
        elif "configMap" in source or "secret" in source:
            kind = "configMap" if "configMap" in source else "secret"
            ref = source[kind]
            ref_name = ref.get("name") or ref.get("secretName", "")
            optional = bool(ref.get("optional", False))
            getter = self._config_map_data if kind == "configMap" else self._secret_data
            data = getter(ref_name, optional)
            if data is not None:
                write_items(target, data, ref.get("items"), ref.get("defaultMode"), optional)
        elif "downwardAPI" in source:
            for item in source["downwardAPI"].get("items", []):
                if "fieldRef" not in item:
                    raise PodSetupError("downwardAPI: only fieldRef items are supported")
                value = field_value(pod, item["fieldRef"]["fieldPath"])
                write_file(target / item["path"], value.encode(), item.get("mode"))
        else:
            raise PodSetupError(
                f"projected source {sorted(source)} not supported by the test kubelet"
            )

    def _request_token(self, pod: JsonObject, spec: JsonObject) -> str:
        """A real, pod-bound token from the TokenRequest API, as the kubelet obtains it."""
        account = pod["spec"].get("serviceAccountName", "default")
        token_spec: JsonObject = {
            "expirationSeconds": int(spec.get("expirationSeconds", 3607)),
            "boundObjectRef": {
                "apiVersion": "v1",
                "kind": "Pod",
                "name": pod["metadata"]["name"],
                "uid": pod["metadata"]["uid"],
            },
        }
        if spec.get("audience"):
            token_spec["audiences"] = [spec["audience"]]
        body = {
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenRequest",
            "spec": token_spec,
        }
        path = f"/api/v1/namespaces/{self.namespace}/serviceaccounts/{account}/token"
        try:
            answer = self.client.create(path, body)
        except KubeError as err:
            raise PodSetupError(
                f"token request for serviceaccount {account!r} failed: {err}"
            ) from err
        return str(answer["status"]["token"])

    @staticmethod
    def _mounts(container: JsonObject, volumes: dict[str, Path]) -> dict[str, Path]:
        """mountPath -> host path, honouring subPath."""
        mounts: dict[str, Path] = {}
        for mount in container.get("volumeMounts", []):
            if mount["name"] not in volumes:
                raise PodSetupError(f"volumeMount {mount['name']!r} names no volume of the pod")
            host = volumes[mount["name"]]
            if mount.get("subPath"):
                host = host / mount["subPath"]
                if not host.exists():
                    host.mkdir(parents=True)
            mounts[mount["mountPath"]] = host
        return mounts


# ---------------------------------------------------------------- pure helpers

_FIELD_PATHS: dict[str, Callable[[JsonObject], Any]] = {
    "metadata.name": lambda pod: pod["metadata"]["name"],
    "metadata.namespace": lambda pod: pod["metadata"]["namespace"],
    "metadata.uid": lambda pod: pod["metadata"]["uid"],
    "spec.serviceAccountName": lambda pod: pod["spec"].get("serviceAccountName", "default"),
    "spec.nodeName": lambda pod: pod["spec"].get("nodeName", ""),
    "status.hostIP": lambda pod: "127.0.0.1",
    "status.podIP": lambda pod: "127.0.0.1",
}
_MAP_FIELD = re.compile(r"^metadata\.(labels|annotations)\['([^']+)'\]$")


def field_value(pod: JsonObject, field_path: str) -> str:
    """The downward API value for a fieldRef.fieldPath."""
    if field_path in _FIELD_PATHS:
        return str(_FIELD_PATHS[field_path](pod))
    match = _MAP_FIELD.match(field_path)
    if match:
        return str(pod["metadata"].get(match.group(1), {}).get(match.group(2), ""))
    raise PodSetupError(f"fieldRef {field_path!r} not supported by the test kubelet")


def projection_sources(volume: JsonObject) -> Iterable[JsonObject]:
    """Treat configMap/secret/downwardAPI volumes as projected volumes with one source."""
    if "projected" in volume:
        return list(volume["projected"].get("sources", []))
    if "secret" in volume:
        secret = dict(volume["secret"])
        secret["name"] = secret.pop("secretName", "")
        return [{"secret": secret}]
    if "configMap" in volume:
        return [{"configMap": volume["configMap"]}]
    return [{"downwardAPI": volume["downwardAPI"]}]


def write_items(
    target: Path,
    data: dict[str, bytes],
    items: list[JsonObject] | None,
    default_mode: int | None,
    optional: bool,
) -> None:
    """Write all keys, or only the listed items (key -> path), as files."""
    if not items:
        for key, value in data.items():
            write_file(target / key, value, default_mode)
        return
    for item in items:
        if item["key"] not in data:
            if optional:
                continue
            raise PodSetupError(f"key {item['key']!r} not found for volume item {item['path']!r}")
        write_file(target / item["path"], data[item["key"]], item.get("mode", default_mode))


def write_file(path: Path, content: bytes, mode: int | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    if mode is not None:
        path.chmod(mode)

"""A real node for tests: containerd, runc, CNI, kubelet, scheduler, kube-proxy, CoreDNS.

Isolation: every node process runs inside namespaces that `up` creates for it
(network, mount and PID), held by one `unshare` process.  The node talks to the
host only through a veth pair whose host end carries the API server's address;
its own end is the node's InternalIP.  So the node's iptables rules, bridge,
pod interfaces, mounts (overlay root filesystems, volumes, /run, /var/log) and
processes (containerd shims and every container) live in those namespaces, and
`down` removes all of them by killing the holder: the kernel then kills every
process of the PID namespace and drops the network and mount namespaces with
their interfaces, rules and mounts.  What remains on the host is removed
explicitly: the cgroup folders of the containers and the files under DIR/node.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODE_NAME = "stratops-testnode"
POD_CIDR = "10.244.0.0/24"
CLUSTER_DOMAIN = "cluster.local"
CNI_BIN_DIR = "/usr/lib/cni"
CONTAINERD_SOCKET = "/run/containerd/containerd.sock"  # inside the node's own /run
LINK_NET = "10.213.{n}.{host}"
NODE_READY_TIMEOUT_S = 60.0
CGROUP_ROOT = Path("/sys/fs/cgroup")


class NodeError(RuntimeError):
    """The node failed to start; the message names the component."""


@dataclass(frozen=True)
class NodeNet:
    """The veth pair between host and node: host end = API server address."""

    host_ip: str
    node_ip: str
    host_link: str
    prefix: int = 30


def node_id(state: Path) -> str:
    return hashlib.sha256(str(state).encode()).hexdigest()[:8]


def host_addresses() -> set[str]:
    out = subprocess.run(["ip", "-o", "-4", "addr"], capture_output=True, text=True).stdout
    return {line.split()[3].split("/")[0] for line in out.splitlines() if len(line.split()) > 3}


def allocate_net(state: Path) -> NodeNet:
    """A /30 in 10.213.0.0/16 no host interface uses, picked from the state dir's hash."""
    used = host_addresses()
    start = int(node_id(state), 16)
    for i in range(256 * 64):
        slot = (start + i) % (256 * 64)
        third, fourth = divmod(slot * 4, 256)
        host_ip = LINK_NET.format(n=third, host=fourth + 1)
        node_ip = LINK_NET.format(n=third, host=fourth + 2)
        if host_ip not in used and node_ip not in used:
            return NodeNet(host_ip, node_ip, f"stn{node_id(state)}")
    raise NodeError("no free address for the node's link in 10.213.0.0/16")


def cgroup_name(state: Path) -> str:
    return f"stratops-testnode-{node_id(state)}"


def cgroup_dirs(state: Path) -> list[Path]:
    """The node's cgroup folder in every mounted hierarchy (v1 controllers, or v2)."""
    name = cgroup_name(state)
    if (CGROUP_ROOT / "cgroup.controllers").exists():
        return [CGROUP_ROOT / name]
    return [d / name for d in sorted(CGROUP_ROOT.iterdir()) if d.is_dir() and not d.is_symlink()]


# ------------------------------------------------------------------ configuration


def containerd_config(node: Path, pause_image: str) -> str:
    wrapper = HERE / "runc-sandbox-wrapper"
    return f"""version = 2
root = "{node / "containerd/root"}"
state = "{node / "containerd/state"}"
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.grpc.v1.cri.tracing", "io.containerd.tracing.processor.v1.otlp",
]

[grpc]
  address = "{CONTAINERD_SOCKET}"

[plugins."io.containerd.internal.v1.opt"]
  path = "{node / "containerd/opt"}"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{pause_image}"
  enable_selinux = false
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "{wrapper}"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "{CNI_BIN_DIR}"
    conf_dir = "{node / "cni/net.d"}"
"""


def cni_config(node: Path) -> dict[str, object]:
    return {
        "cniVersion": "1.0.0",
        "name": "stratops-testnode",
        "plugins": [
            {
                "type": "bridge",
                "bridge": "cni0",
                "isGateway": True,
                "ipMasq": True,
                "hairpinMode": True,
                "ipam": {
                    "type": "host-local",
                    "ranges": [[{"subnet": POD_CIDR}]],
                    "routes": [{"dst": "0.0.0.0/0"}],
                    "dataDir": str(node / "cni/ipam"),
                },
            },
            {"type": "portmap", "capabilities": {"portMappings": True}},
        ],
    }


def kubelet_config(node: Path, net: NodeNet, ca: Path, cgroup: str) -> dict[str, object]:
    return {
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        "containerRuntimeEndpoint": f"unix://{CONTAINERD_SOCKET}",
        "address": net.node_ip,
        "readOnlyPort": 0,
        "healthzBindAddress": "127.0.0.1",
        "clusterDNS": [net.node_ip],
        "clusterDomain": CLUSTER_DOMAIN,
        "resolvConf": str(node / "resolv.conf"),
        "authentication": {
            "anonymous": {"enabled": False},
            "webhook": {"enabled": False},
            "x509": {"clientCAFile": str(ca)},
        },
        "authorization": {"mode": "AlwaysAllow"},
        # What this sandbox needs (see the module docstring of k8s-testenv).
        "cgroupDriver": "cgroupfs",
        "cgroupRoot": f"/{cgroup}",
        "cgroupsPerQOS": False,
        "enforceNodeAllocatable": [],
        "failCgroupV1": False,
        "failSwapOn": False,
        "localStorageCapacityIsolation": False,
        "volumePluginDir": str(node / "volume-plugins"),
        "serializeImagePulls": False,
        "imageGCHighThresholdPercent": 100,
        "evictionHard": {"memory.available": "1Mi", "nodefs.available": "1%"},
        "nodeStatusReportFrequency": "10s",
        "syncFrequency": "10s",
        "fileCheckFrequency": "10s",
    }


def kube_proxy_config(kubeconfig: Path) -> dict[str, object]:
    return {
        "apiVersion": "kubeproxy.config.k8s.io/v1alpha1",
        "kind": "KubeProxyConfiguration",
        "clientConnection": {"kubeconfig": str(kubeconfig)},
        "hostnameOverride": NODE_NAME,
        "mode": "iptables",
        "clusterCIDR": POD_CIDR,
        "healthzBindAddress": "127.0.0.1:10256",
        "metricsBindAddress": "127.0.0.1:10249",
        # Pod -> Service -> pod on the same bridge needs the reply un-NATed: masquerade it.
        "iptables": {"masqueradeAll": True},
        # Host-wide conntrack sysctls are not the node's to change.
        "conntrack": {"maxPerCore": 0, "min": 0},
    }


def corefile(net: NodeNet, kubeconfig: Path) -> str:
    """Cluster names only: the node has no upstream resolver (no internet)."""
    return f""".:53 {{
    bind {net.node_ip}
    errors
    kubernetes {CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {{
        kubeconfig {kubeconfig} stratops-test
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }}
    cache 5
}}
"""


def write_configs(state: Path, net: NodeNet, pause_image: str) -> None:
    node = state / "node"
    for sub in ("cni/net.d", "cni/ipam", "containerd", "kubelet", "volume-plugins", "volumes"):
        (node / sub).mkdir(parents=True, exist_ok=True)
    ca = state / "pki" / "ca.crt"
    (node / "containerd.toml").write_text(containerd_config(node, pause_image))
    conflist = json.dumps(cni_config(node), indent=2)
    (node / "cni/net.d/10-stratops.conflist").write_text(conflist)
    (node / "resolv.conf").write_text("")
    config = kubelet_config(node, net, ca, cgroup_name(state))
    (node / "kubelet.yaml").write_text(json.dumps(config, indent=2))
    proxy = kube_proxy_config(state / "kubeconfig")
    (node / "kube-proxy.yaml").write_text(json.dumps(proxy, indent=2))
    (node / "Corefile").write_text(corefile(net, state / "kubeconfig"))


# ------------------------------------------------------------------ namespaces

# PID 1 of the node's PID namespace: private /run and /var/log (the node's sockets,
# pod logs and netns handles never touch the host's) and containerd's root in memory
# (images unpack faster and vanish with the namespace), then reap orphans until killed.
INIT = """
import os, signal, subprocess, sys, time
for path in ("/run", "/var/log", sys.argv[1]):
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=755", "tmpfs", path], check=True)
os.makedirs("/run/netns")
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
open("/run/stratops-node-ready", "w").close()
while True:
    try:
        os.wait()
    except ChildProcessError:
        time.sleep(1)
"""


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def start_namespaces(
    state: Path, net: NodeNet, log_file: Path
) -> tuple[subprocess.Popen[bytes], int]:
    """The holder (`unshare`), its PID 1 inside, and the veth pair between host and node."""
    cmd = ["unshare", "--net", "--mount", "--pid", "--fork", "--mount-proc"]
    containerd_root = state / "node" / "containerd"
    containerd_root.mkdir(parents=True, exist_ok=True)
    cmd += ["--propagation", "private", "--kill-child", "/usr/bin/python3", "-c", INIT]
    cmd.append(str(containerd_root))
    with open(log_file, "ab") as out:
        holder = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=state,
        )
    deadline = time.monotonic() + 10
    init = 0
    while time.monotonic() < deadline:
        if holder.poll() is not None:
            raise NodeError(f"the node's namespaces could not be created (see {log_file})")
        kids = children(holder.pid)
        if kids and in_node(kids[0], ["test", "-e", "/run/stratops-node-ready"]).returncode == 0:
            init = kids[0]
            break
        time.sleep(0.05)
    if not init:
        raise NodeError("the node's namespaces did not come up within 10s")
    prefix = f"/{net.prefix}"
    sh(
        [
            "ip",
            "link",
            "add",
            net.host_link,
            "type",
            "veth",
            "peer",
            "name",
            "eth0",
            "netns",
            str(init),
        ]
    )
    sh(["ip", "addr", "add", net.host_ip + prefix, "dev", net.host_link])
    sh(["ip", "link", "set", net.host_link, "up"])
    in_node(init, ["ip", "addr", "add", net.node_ip + prefix, "dev", "eth0"], check=True)
    in_node(init, ["ip", "link", "set", "eth0", "up"], check=True)
    in_node(init, ["sysctl", "-qw", "net.ipv4.ip_forward=1"], check=True)
    in_node(init, ["sysctl", "-qw", "net.ipv4.conf.all.route_localnet=1"], check=True)
    return holder, init


def nsenter(init: int) -> list[str]:
    return ["nsenter", f"--target={init}", "--net", "--mount", "--pid", "--"]


def in_node(init: int, cmd: list[str], check: bool = False) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*nsenter(init), *cmd], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise NodeError(f"{' '.join(cmd)} in the node failed: {proc.stderr.strip()}")
    return proc


def sh(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise NodeError(f"{' '.join(cmd)} failed: {proc.stderr.strip()}")


def make_cgroups(state: Path) -> None:
    for path in cgroup_dirs(state):
        path.mkdir(exist_ok=True)


def remove_cgroups(state: Path, timeout: float = 15.0) -> list[Path]:
    """Remove the node's cgroup trees bottom-up; retried while killed tasks exit."""
    deadline = time.monotonic() + timeout
    left: list[Path] = []
    while True:
        left = []
        for top in cgroup_dirs(state):
            if not top.exists():
                continue
            for path in sorted(
                (p for p in top.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)
            ):
                try:
                    path.rmdir()
                except OSError:
                    left.append(path)
            try:
                top.rmdir()
            except OSError:
                left.append(top)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


# ------------------------------------------------------------------ components


def component_args(state: Path, bin_dir: Path, net: NodeNet) -> dict[str, list[str]]:
    node = state / "node"
    kubeconfig = str(state / "kubeconfig")
    return {
        "containerd": ["containerd", f"--config={node / 'containerd.toml'}", "--log-level=warn"],
        "kubelet": [
            str(bin_dir / "kubelet"),
            f"--config={node / 'kubelet.yaml'}",
            f"--kubeconfig={kubeconfig}",
            f"--root-dir={node / 'kubelet'}",
            f"--hostname-override={NODE_NAME}",
            f"--node-ip={net.node_ip}",
            "--v=1",
        ],
        "kube-scheduler": [
            str(bin_dir / "kube-scheduler"),
            f"--kubeconfig={kubeconfig}",
            f"--authentication-kubeconfig={kubeconfig}",
            f"--authorization-kubeconfig={kubeconfig}",
            "--leader-elect=false",
            "--bind-address=127.0.0.1",
            "--v=1",
        ],
        "kube-proxy": [
            str(bin_dir / "kube-proxy"),
            f"--config={node / 'kube-proxy.yaml'}",
            "--v=1",
        ],
        "coredns": [str(bin_dir / "coredns"), "-conf", str(node / "Corefile")],
    }


def wait_socket(init: int, path: str, holder: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if holder.poll() is not None:
            raise NodeError("the node's namespaces died")
        if in_node(init, ["test", "-S", path]).returncode == 0:
            return
        time.sleep(0.1)
    raise NodeError(f"containerd did not create {path} within 20s")


def ctr(init: int) -> list[str]:
    return [*nsenter(init), "ctr", "--address", CONTAINERD_SOCKET]

"""Images for the test node, built without pulling anything.

The test node cannot pull images, so everything a pod runs is built here:

- a base image: a `debootstrap --variant=minbase bookworm` root filesystem
  (Python 3.11, like `python:3.11-slim`) plus a wheelhouse built on the host,
  with pip told to install from that wheelhouse only, because a build
  container cannot reach the package index;
- the project image, from the project's own Dockerfile (`BASE_IMAGE` build
  argument pointing at that base);
- a Postgres image from Debian's `postgresql` package (postgres.Containerfile);
- a pause image FROM scratch (a static Go program that sleeps).

Everything is cached under ~/.cache/stratops/images, keyed by content: a run
after no change only re-imports the saved archives into the node.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "stratops" / "images"
SUITE = "bookworm"
MIRROR = os.environ.get("STRATOPS_DEBIAN_MIRROR", "http://deb.debian.org/debian")
BASE_PACKAGES = ("python3", "python3-pip", "python3-venv", "ca-certificates", "passwd")
WHEELHOUSE_IN_IMAGE = "/opt/stratops-wheels"
# Image names as the kubelet normalises them, so nothing is ever looked up remotely.
PROJECT_IMAGE = "docker.io/library/stratops:testnode"
POSTGRES_IMAGE = "docker.io/library/stratops-postgres:testnode"
PAUSE_IMAGE = "registry.k8s.io/pause:stratops-testnode"
# What the Dockerfile copies into the build: the project image's cache key.
DOCKER_CONTEXT = ("Dockerfile", "pyproject.toml", "setup.py", "README.md", "core", "operator")
DOCKER_CONTEXT += ("runner", "api", "alembic")


def log(message: str) -> None:
    print(f"k8s-testenv images: {message}", file=sys.stderr, flush=True)


class ImageError(RuntimeError):
    """A build step failed; the message names the step."""


def run(cmd: list[str], cwd: Path | None = None, quiet: bool = True) -> str:
    log("$ " + " ".join(cmd))
    proc = subprocess.run(cmd, cwd=cwd, text=True, capture_output=True)
    if proc.returncode != 0:
        sys.stderr.write((proc.stdout + proc.stderr)[-6000:])
        raise ImageError(f"command failed ({proc.returncode}): {' '.join(cmd[:4])} ...")
    if not quiet:
        sys.stderr.write(proc.stdout)
    return proc.stdout


def digest(parts: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()[:16]


def tree_digest(root: Path, names: Iterable[str], salt: str = "") -> str:
    """Content hash of files (and folders, recursively), skipping bytecode and build output."""
    parts: list[bytes] = [salt.encode()]
    for name in names:
        path = root / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            rel = file.relative_to(root).as_posix()
            if "__pycache__" in rel or ".egg-info" in rel or rel.endswith(".pyc"):
                continue
            parts += [rel.encode(), file.read_bytes()]
    return digest(parts)


# ----------------------------------------------------------------- container storage


def storage_flags() -> list[str]:
    """Own storage under the cache: never the machine's /var/lib/containers."""
    return [
        "--root",
        str(CACHE / "storage"),
        "--runroot",
        str(CACHE / "storage-run"),
        "--storage-driver",
        "overlay",
    ]


def buildah(*args: str) -> str:
    return run(["buildah", *storage_flags(), *args])


def image_exists(name: str) -> bool:
    cmd = ["buildah", *storage_flags(), "inspect", "--type", "image", name]
    return subprocess.run(cmd, capture_output=True).returncode == 0


# ----------------------------------------------------------------- base


def base_rootfs() -> Path:
    """The debootstrap root filesystem as a tar (about 100 s the first time, then cached)."""
    key = digest([SUITE.encode(), MIRROR.encode(), " ".join(BASE_PACKAGES).encode()])
    tar = CACHE / f"rootfs-{SUITE}-minbase-{key}.tar"
    if tar.is_file():
        return tar
    if shutil.which("debootstrap") is None:
        raise ImageError("debootstrap is not installed (Debian package `debootstrap`)")
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="rootfs.", dir=CACHE))
    try:
        started = time.monotonic()
        log(f"debootstrap {SUITE} (minbase) ...")
        include = "--include=" + ",".join(BASE_PACKAGES)
        run(["debootstrap", "--variant=minbase", include, SUITE, str(work / "root"), MIRROR])
        root = work / "root"
        # Behave like python:3.11-slim for the Dockerfile: `python`/`pip` on PATH, and
        # pip allowed to install into the system interpreter (the image is the venv).
        for name, target in (("python", "python3"), ("pip", "pip3")):
            if not (root / "usr/bin" / name).exists():
                (root / "usr/bin" / name).symlink_to(target)
        for marker in root.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
            marker.unlink()
        shutil.rmtree(root / "var/cache/apt/archives", ignore_errors=True)
        shutil.rmtree(root / "var/lib/apt/lists", ignore_errors=True)
        (root / "var/lib/apt/lists/partial").mkdir(parents=True, exist_ok=True)
        partial = work / "rootfs.tar"
        run(["tar", "--numeric-owner", "-C", str(root), "-cf", str(partial), "."])
        os.replace(partial, tar)
        prune(tar)
        log(f"root filesystem cached in {time.monotonic() - started:.0f}s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tar


def prune(current: Path) -> None:
    """Drop older versions of a cache entry (same name up to the key) once a new one exists."""
    stem = current.name.rsplit("-", 1)[0]
    for stale in current.parent.glob(f"{stem}-*"):
        if stale != current and stale.suffix == current.suffix:
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)


def requirements() -> dict[str, object]:
    """What the wheelhouse depends on: the declared requirements, not the whole pyproject."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    return {
        "build": project["build-system"]["requires"],
        "runtime": project["project"]["dependencies"],
        "yahoo": project["project"]["optional-dependencies"]["yahoo"],
    }


def wheelhouse() -> Path:
    """Wheels of every dependency the Dockerfile installs, resolved and built by the host's
    Debian Python: the same bookworm 3.11 as the image, so every pin fits it (a newer
    3.11 would pick releases that refuse bookworm's 3.11.2)."""
    python = shutil.which("python3", path="/usr/bin")
    if python is None:
        raise ImageError("the wheelhouse needs Debian's /usr/bin/python3 and python3-pip")
    version = run([python, "-c", "import sys; print(sys.version.split()[0])"]).strip()
    key = digest(
        [b"wheels-v2", version.encode(), json.dumps(requirements(), sort_keys=True).encode()]
    )
    target = CACHE / f"wheels-{key}"
    if target.is_dir():
        return target
    work = Path(tempfile.mkdtemp(prefix="wheels.", dir=CACHE))
    started = time.monotonic()
    log(f"building the wheelhouse with Python {version} ...")
    reqs = ["build", "setuptools>=69", "wheel", f"{PROJECT}[yahoo]"]
    run([python, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(work), *reqs])
    for own in work.glob("stratops-*.whl"):
        own.unlink()  # the Dockerfile builds and installs its own wheel
    os.replace(work, target)
    prune(target)
    log(f"wheelhouse cached in {time.monotonic() - started:.0f}s")
    return target


def debian_image() -> str:
    """The debootstrap root filesystem as an image; the Postgres image starts from it."""
    rootfs = base_rootfs()
    name = f"localhost/stratops-debian:{rootfs.stem.rsplit('-', 1)[1]}"
    if image_exists(name):
        return name
    container = buildah("from", "scratch").strip()
    try:
        buildah("add", container, str(rootfs), "/")
        buildah("config", "--env=LANG=C.UTF-8", "--cmd=/bin/bash", container)
        buildah("commit", "--rm", container, name)
    except ImageError:
        subprocess.run(["buildah", *storage_flags(), "rm", container], capture_output=True)
        raise
    return name


def base_image(debian: str) -> str:
    """The Debian image plus the wheelhouse, pip pointed at it: the Dockerfile's base.

    A layer on top of `debian`, so a dependency change leaves the Postgres image alone.
    """
    wheels = wheelhouse()
    name = f"{debian.replace('stratops-debian', 'stratops-testbase')}-{wheels.name[7:]}"
    if image_exists(name):
        return name
    container = buildah("from", "--pull-never", debian).strip()
    try:
        buildah("copy", container, str(wheels), WHEELHOUSE_IN_IMAGE)
        env = ["PIP_NO_INDEX=1", f"PIP_FIND_LINKS={WHEELHOUSE_IN_IMAGE}"]
        buildah("config", *(f"--env={e}" for e in env), container)
        buildah("commit", "--rm", container, name)
    except ImageError:
        subprocess.run(["buildah", *storage_flags(), "rm", container], capture_output=True)
        raise
    return name


# ----------------------------------------------------------------- images


def archive(name: str, key: str) -> Path:
    return CACHE / "archives" / f"{name}-{key}.tar"


def save(image: str, target: Path) -> None:
    """A docker-archive keeps the repo tag, which `ctr images import` turns into the name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    buildah("push", image, f"docker-archive:{partial}:{image}")
    os.replace(partial, target)
    prune(target)


def build(containerfile: Path, context: Path, tag: str, build_args: dict[str, str]) -> None:
    args = ["build", "--pull-never", "--isolation", "chroot", "--layers", "-f", str(containerfile)]
    args += [f"--build-arg={k}={v}" for k, v in build_args.items()]
    buildah(*args, "-t", tag, str(context))


def project_image(base: str) -> Path:
    key = tree_digest(PROJECT, DOCKER_CONTEXT, salt=base)
    target = archive("stratops", key)
    if not target.is_file():
        started = time.monotonic()
        log("building the project image from the Dockerfile ...")
        build(PROJECT / "Dockerfile", PROJECT, PROJECT_IMAGE, {"BASE_IMAGE": base})
        save(PROJECT_IMAGE, target)
        log(f"project image built in {time.monotonic() - started:.0f}s")
    return target


def postgres_image(base: str) -> Path:
    key = tree_digest(HERE, ["postgres.Containerfile", "postgres-entrypoint"], salt=base)
    target = archive("postgres", key)
    if not target.is_file():
        started = time.monotonic()
        log("building the Postgres image from Debian's package ...")
        build(HERE / "postgres.Containerfile", HERE, POSTGRES_IMAGE, {"BASE_IMAGE": base})
        save(POSTGRES_IMAGE, target)
        log(f"Postgres image built in {time.monotonic() - started:.0f}s")
    return target


def pause_image() -> Path:
    key = tree_digest(HERE, ["pause"])
    target = archive("pause", key)
    if target.is_file():
        return target
    work = Path(tempfile.mkdtemp(prefix="pause.", dir=CACHE))
    try:
        env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=mod", GO111MODULE="on")
        shutil.copy(HERE / "pause" / "main.go", work / "main.go")
        (work / "go.mod").write_text("module stratops.local/pause\n\ngo 1.22\n")
        proc = subprocess.run(
            ["go", "build", "-trimpath", "-ldflags=-s -w", "-o", "pause", "."],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise ImageError(f"building the pause binary failed: {proc.stderr.strip()}")
        (work / "Containerfile").write_text(
            'FROM scratch\nCOPY pause /pause\nENTRYPOINT ["/pause"]\n'
        )
        build(work / "Containerfile", work, PAUSE_IMAGE, {})
        save(PAUSE_IMAGE, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def build_all() -> list[Path]:
    """Every image the test node needs, as archives ready for `ctr images import`."""
    for tool in ("buildah", "go"):
        if shutil.which(tool) is None:
            raise ImageError(f"`{tool}` is needed to build the test node's images")
    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    archives = [pause_image()]
    debian = debian_image()
    archives += [postgres_image(debian), project_image(base_image(debian))]
    log(f"images ready in {time.monotonic() - started:.1f}s")
    return archives


def import_into_node(archives: list[Path], ctr: list[str]) -> None:
    """Load the archives into the node's containerd (`ctr` argv prefix with its socket)."""
    for path in archives:
        run([*ctr, "-n", "k8s.io", "images", "import", str(path)])

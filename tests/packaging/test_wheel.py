"""The built wheel, installed in a fresh virtualenv, runs without the source tree.

These are the Dockerfile's own steps: build a wheel, install it into a clean
environment, run the CLI and import every subpackage.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "manifests" / "strategies"
INVALID = ROOT / "tests" / "fixtures" / "manifests" / "invalid"
SUBPACKAGE_DIRS = {
    "stratops.core": ROOT / "core" / "stratops" / "core",
    "stratops.operator": ROOT / "operator" / "stratops" / "operator",
    "stratops.runner": ROOT / "runner" / "stratops" / "runner",
    "stratops.api": ROOT / "api" / "stratops" / "api",
    # The legacy migration ships with the migrations (env.py and the revisions run only
    # under Alembic, so they are not imported on their own).
    "stratops.migrations.legacy": ROOT / "alembic" / "legacy",
}


def _all_modules() -> list[str]:
    names = []
    for package, directory in SUBPACKAGE_DIRS.items():
        for path in sorted(directory.rglob("*.py")):
            rel = path.relative_to(directory).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            names.append(".".join([package, *parts]))
    return names


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (work / "dist").glob("stratops-*.whl")
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, cwd=work
    )
    return env_dir


def _run(env_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Run from a directory without the source tree so nothing leaks in from it.
    return subprocess.run(
        list(args), cwd=env_dir, capture_output=True, text=True, check=False, env={}
    )


def test_cli_help_and_version_run_from_the_wheel(installed: Path) -> None:
    exe = str(installed / "bin" / "stratops")
    assert _run(installed, exe, "--help").returncode == 0
    version = _run(installed, exe, "--version")
    assert version.returncode == 0
    assert version.stdout.startswith("stratops 0.")


def test_every_module_imports_from_the_wheel(installed: Path) -> None:
    modules = _all_modules()
    code = "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)\n"
    result = _run(installed, str(installed / "bin" / "python"), "-c", code, *modules)
    assert result.returncode == 0, result.stderr
    probe = "import stratops.core, sys; print(stratops.core.__file__)"
    where = _run(installed, str(installed / "bin" / "python"), "-c", probe).stdout
    assert str(installed) in where, "imported from the source tree, not the wheel"


def test_validate_resolves_classes_and_parameter_models_from_the_wheel(installed: Path) -> None:
    """Both entry-point groups ship: classes and their engine-free parameter models."""
    exe = str(installed / "bin" / "stratops")
    good = _run(installed, exe, "validate", *map(str, sorted(MANIFESTS.glob("*.yaml"))))
    assert good.returncode == 0, good.stderr
    bad = _run(installed, exe, "validate", str(INVALID / "sma-fast-not-below-slow.yaml"))
    assert bad.returncode == 1
    assert "spec.parameters.sma_fast: must be below sma_slow" in bad.stderr


def test_migrations_ship_in_the_wheel(installed: Path) -> None:
    code = (
        "from importlib.resources import files\n"
        "root = files('stratops.migrations')\n"
        "assert root.joinpath('env.py').is_file(), 'env.py missing'\n"
        "assert any(p.name.endswith('.py') for p in root.joinpath('versions').iterdir())\n"
        "legacy = root.joinpath('legacy').joinpath('adoption').joinpath('steps.py')\n"
        "assert legacy.is_file(), 'the legacy migration is missing'\n"
    )
    result = _run(installed, str(installed / "bin" / "python"), "-c", code)
    assert result.returncode == 0, result.stderr


def test_no_top_level_module_shadows_the_standard_library() -> None:
    # Running Python from the repository root must still give the stdlib operator.
    code = "import operator, alembic; print(operator.__file__); print(alembic.__file__)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    operator_file, alembic_file = result.stdout.splitlines()
    assert not operator_file.startswith(str(ROOT / "operator"))
    assert not alembic_file.startswith(str(ROOT / "alembic"))


# Every role the one image runs (the Deployment, CronJob and Job commands of
# manifests/ and of the operator's children), plus the two deployment tools.
ROLE_COMMANDS = [
    ("operator",),
    ("api",),
    ("run",),
    ("data", "fetch"),
    ("db", "upgrade"),
    ("promote-check",),
    ("migrate-registry",),
]


@pytest.mark.parametrize("command", ROLE_COMMANDS, ids=" ".join)
def test_each_role_answers_help_from_the_wheel(installed: Path, command: tuple[str, ...]) -> None:
    result = _run(installed, str(installed / "bin" / "stratops"), *command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: stratops {' '.join(command)}")

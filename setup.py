"""Maps the user-facing top-level folders onto subpackages of `stratops`.

Each folder holds one component (core/, operator/, runner/, api/) and alembic/
holds the migrations; none is importable as a top-level module, so running
Python from the repository root never shadows the standard library's
`operator` or the `alembic` library. Subpackages are discovered, not listed,
so a new one cannot be forgotten in the wheel.
"""

from setuptools import find_namespace_packages, find_packages, setup

COMPONENTS = {
    "stratops.core": "core/stratops/core",
    "stratops.operator": "operator/stratops/operator",
    "stratops.runner": "runner/stratops/runner",
    "stratops.api": "api/stratops/api",
}
MIGRATIONS = {"stratops.migrations": "alembic"}


def _packages() -> list[str]:
    found = []
    for name, folder in COMPONENTS.items():
        found += [name, *(f"{name}.{sub}" for sub in find_packages(folder))]
    for name, folder in MIGRATIONS.items():
        found += [name, *(f"{name}.{sub}" for sub in find_namespace_packages(folder))]
    return found


setup(packages=_packages(), package_dir={**COMPONENTS, **MIGRATIONS})

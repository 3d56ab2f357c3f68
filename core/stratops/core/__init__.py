"""The shared domain of stratops: the resource model, market data, strategies,
the paper broker, metrics and persistence. Components (operator, runner, api)
build on it; it imports none of them."""

import os.path

# The packaging metadata takes its version from this same file (pyproject.toml);
# read with os.path, not pathlib or importlib.metadata, which `--version` would pay for.
with open(os.path.join(os.path.dirname(__file__), "VERSION"), encoding="utf-8") as _file:
    __version__ = _file.read().strip()

"""The shared domain of stratops: the resource model, market data, strategies,
the paper broker, metrics and persistence. Components (operator, runner, api)
build on it; it imports none of them."""

from pathlib import Path

# The packaging metadata takes its version from this same file (pyproject.toml).
__version__ = (Path(__file__).parent / "VERSION").read_text(encoding="utf-8").strip()

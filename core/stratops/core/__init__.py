"""The shared domain of stratops: the resource model, market data, strategies,
the paper broker, metrics and persistence. Components (operator, runner, api)
build on it; it imports none of them."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("stratops")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

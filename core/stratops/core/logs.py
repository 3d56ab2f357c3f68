"""One logging set-up for every role: JSON lines for machines, text for people.

`stratops --log-format json|text` picks the format (default: text when
stderr is a terminal, JSON otherwise, so pods and CI get JSON lines and a
developer gets readable text), and `--log-level` the level (default
warning, so commands stay quiet; the operator logs at info). Every line concerning a run carries its
`strategy_id`, `trade_date`, `run_id` and `resource` (the TradingStrategy's
name), plus `namespace` in a cluster. Code states those fields once, with
`log_context(...)`, around the work they concern; a context variable
carries them to every line logged inside, across function calls and within
one asyncio task, so nobody has to repeat them in each message.

Records of kopf's per-object loggers also carry the object reference; its
name and namespace become `resource` and `namespace`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import IO, Literal

LogFormat = Literal["json", "text"]
FORMATS: tuple[LogFormat, ...] = ("json", "text")
LEVELS = ("debug", "info", "warning", "error")
FIELDS = ("strategy_id", "trade_date", "run_id", "resource", "namespace")
NOISY = ("httpx", "httpcore", "httpx2", "httpcore2")
DEFAULT_LEVEL = "warning"

_EMPTY: Mapping[str, str] = MappingProxyType({})
_context: ContextVar[Mapping[str, str]] = ContextVar("stratops_log_context", default=_EMPTY)


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Attach `fields` (None values skipped) to every line logged inside the block."""
    token = _context.set({**_context.get(), **_clean(fields)})
    try:
        yield
    finally:
        _context.reset(token)


def add_log_fields(**fields: object) -> None:
    """Add fields learnt inside a `log_context` block (a run id); they end with the block."""
    _context.set({**_context.get(), **_clean(fields)})


def _clean(fields: Mapping[str, object]) -> dict[str, str]:
    return {key: str(value) for key, value in fields.items() if value is not None}


class ContextFilter(logging.Filter):
    """Copies the context fields (and kopf's object reference) onto each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        ref = getattr(record, "k8s_ref", None)
        if isinstance(ref, Mapping):
            _set_default(record, "resource", ref.get("name"))
            _set_default(record, "namespace", ref.get("namespace"))
        for key, value in _context.get().items():
            _set_default(record, key, value)
        return True


def _set_default(record: logging.LogRecord, key: str, value: object) -> None:
    if value is not None and getattr(record, key, None) is None:
        setattr(record, key, value)


def record_fields(record: logging.LogRecord) -> dict[str, str]:
    """The run fields present on a record, in their fixed order."""
    found = {key: getattr(record, key, None) for key in FIELDS}
    return {key: str(value) for key, value in found.items() if value is not None}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the run fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = dt.datetime.fromtimestamp(record.created, dt.UTC)
        doc: dict[str, object] = {
            "time": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **record_fields(record),
        }
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, default=str)


class TextFormatter(logging.Formatter):
    """`LEVEL logger: message [strategy_id=... trade_date=...]` for a terminal."""

    def __init__(self) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = record_fields(record)
        if not fields:
            return line
        tags = " ".join(f"{key}={value}" for key, value in fields.items())
        head, newline, rest = line.partition("\n")
        return f"{head} [{tags}]{newline}{rest}"


class StratopsHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The one root handler this module installs (recognised when set up again).

    Without an explicit stream it writes to whatever `sys.stderr` is at the
    time of each line, so a process that swaps stderr (a test capturing it,
    a daemon redirecting it) never leaves the handler writing to a closed file.
    """

    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__(stream)
        self._fixed = stream

    @property
    def stream(self) -> IO[str]:
        return self._fixed if self._fixed is not None else sys.stderr

    @stream.setter
    def stream(self, value: IO[str]) -> None:
        self._fixed = value


def resolve_format(requested: str | None, stream: IO[str]) -> LogFormat:
    """The requested format, else text on a terminal and JSON anywhere else."""
    if requested in FORMATS:
        return requested
    if requested is not None:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {requested!r}")
    isatty = getattr(stream, "isatty", None)
    return "text" if callable(isatty) and isatty() else "json"


def setup_logging(
    log_format: str | None = None, level: str | None = None, stream: IO[str] | None = None
) -> LogFormat:
    """Install the root handler (replacing an earlier one of ours); returns the format used."""
    chosen = resolve_format(log_format, stream if stream is not None else sys.stderr)
    handler = StratopsHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if chosen == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, StratopsHandler)]
    root.addHandler(handler)
    name = (level or DEFAULT_LEVEL).upper()
    root.setLevel(name)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(name if name == "DEBUG" else "WARNING")
    return chosen


def keep_only_ours() -> None:
    """Drop root handlers others installed (kopf's own), keeping one of ours.

    kopf's `configure` adds its stream handler to the root logger; called
    after it, this leaves a single handler, so every line is written once
    and in the chosen format. Without an earlier `setup_logging` it sets up
    the default format.
    """
    root = logging.getLogger()
    ours = [h for h in root.handlers if isinstance(h, StratopsHandler)]
    if not ours:
        level = logging.getLevelName(root.level).lower()
        setup_logging(level=level if level in LEVELS else None)
        ours = [h for h in root.handlers if isinstance(h, StratopsHandler)]
    root.handlers[:] = ours

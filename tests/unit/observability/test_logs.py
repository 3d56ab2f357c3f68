"""Structured logs: JSON lines with the run fields, text for a terminal, one root handler."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest

from stratops.core import logs
from stratops.core.cli import build_parser


@pytest.fixture
def root_handlers() -> Iterator[None]:
    """Leave the root logger as the test found it."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    yield
    root.handlers[:] = saved
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.usefixtures("root_handlers")
def test_json_lines_carry_the_run_fields_inside_a_context() -> None:
    out = io.StringIO()
    assert logs.setup_logging("json", "info", stream=out) == "json"
    log = logging.getLogger("stratops.test")
    with logs.log_context(strategy_id="v3_5b", trade_date="2025-11-28", resource="v3-5b"):
        log.info("started")
        logs.add_log_fields(run_id="r-1")
        log.warning("refused %s", "stale_data")
    log.info("outside")
    first, second, third = lines(out)
    assert first["message"] == "started"
    assert (first["strategy_id"], first["trade_date"], first["resource"]) == (
        "v3_5b",
        "2025-11-28",
        "v3-5b",
    )
    assert "run_id" not in first
    assert (second["level"], second["message"], second["run_id"]) == (
        "warning",
        "refused stale_data",
        "r-1",
    )
    assert "strategy_id" not in third
    assert third["logger"] == "stratops.test"
    assert first["time"].endswith("Z")


@pytest.mark.usefixtures("root_handlers")
def test_exceptions_stay_inside_one_json_line() -> None:
    out = io.StringIO()
    logs.setup_logging("json", stream=out)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("x").exception("failed")
    (line,) = lines(out)
    assert "RuntimeError: boom" in line["exception"]


@pytest.mark.usefixtures("root_handlers")
def test_kopf_object_reference_becomes_resource_and_namespace() -> None:
    out = io.StringIO()
    logs.setup_logging("json", "info", stream=out)
    ref = {"name": "v3-5d", "namespace": "trading", "kind": "TradingStrategy"}
    logging.getLogger("kopf.objects").info("reconciled", extra={"k8s_ref": ref})
    (line,) = lines(out)
    assert (line["resource"], line["namespace"]) == ("v3-5d", "trading")


@pytest.mark.usefixtures("root_handlers")
def test_context_is_per_asyncio_task() -> None:
    out = io.StringIO()
    logs.setup_logging("json", "info", stream=out)

    async def handle(name: str) -> None:
        with logs.log_context(resource=name):
            await asyncio.sleep(0)
            logging.getLogger("op").info("tick")

    async def both() -> None:
        await asyncio.gather(handle("a"), handle("b"))

    asyncio.run(both())
    assert sorted(line["resource"] for line in lines(out)) == ["a", "b"]


@pytest.mark.usefixtures("root_handlers")
def test_text_format_puts_fields_at_the_end() -> None:
    out = io.StringIO()
    logs.setup_logging("text", "info", stream=out)
    with logs.log_context(strategy_id="v3_5b", trade_date="2025-11-28"):
        logging.getLogger("stratops.runner").info("run traded")
    assert out.getvalue() == (
        "INFO stratops.runner: run traded [strategy_id=v3_5b trade_date=2025-11-28]\n"
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_default_format_is_text_on_a_terminal_json_elsewhere() -> None:
    assert logs.resolve_format(None, _Terminal()) == "text"
    assert logs.resolve_format(None, io.StringIO()) == "json"
    assert logs.resolve_format("json", _Terminal()) == "json"
    with pytest.raises(ValueError, match="log format"):
        logs.resolve_format("xml", io.StringIO())


@pytest.mark.usefixtures("root_handlers")
def test_setting_up_twice_and_after_kopf_leaves_one_handler() -> None:
    import kopf

    logs.setup_logging("json")
    logs.setup_logging("text")
    kopf.configure(verbose=False)
    logs.keep_only_ours()
    handlers = logging.getLogger().handlers
    assert len(handlers) == 1
    assert isinstance(handlers[0], logs.StratopsHandler)
    assert isinstance(handlers[0].formatter, logs.TextFormatter)
    assert logging.getLogger().level == logging.INFO  # kopf's level stays


def test_global_flags_are_parsed_before_the_subcommand() -> None:
    args = build_parser().parse_args(
        ["--log-format", "json", "--log-level", "info", "validate", "x.yaml"]
    )
    assert (args.log_format, args.log_level) == ("json", "info")

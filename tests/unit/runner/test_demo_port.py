"""The demo's free-port probe: a live listener refuses, a TIME-WAIT leftover does not."""

from __future__ import annotations

import socket

import pytest

from stratops.core.errors import UserError
from stratops.runner.demo import _require_free_port

HOST = "127.0.0.1"


def _leave_time_wait() -> int:
    """A port whose server side closed a connection first (TIME-WAIT), with no listener:
    what a browser tab leaves behind after `make demo` is stopped."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, 0))
    listener.listen(1)
    port: int = listener.getsockname()[1]
    client = socket.create_connection((HOST, port))
    served, _ = listener.accept()
    served.close()  # the server closes first: its end goes to TIME-WAIT
    listener.close()
    client.recv(1)
    client.close()
    return port


def test_a_time_wait_connection_does_not_block_a_restart() -> None:
    port = _leave_time_wait()
    # Without SO_REUSEADDR the port reads as taken:
    with socket.socket() as plain, pytest.raises(OSError, match="in use"):
        plain.bind((HOST, port))
    _require_free_port(HOST, port)


def test_a_live_listener_is_one_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(UserError, match=rf"cannot listen on {HOST}:{port} .*pass --port"):
            _require_free_port(HOST, port)

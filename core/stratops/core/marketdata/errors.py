"""The one error type for unusable market data.

Runners must record *why* they refused to trade, so the error carries a
machine-readable `reason` next to the one-line message the CLI prints.
"""

from __future__ import annotations

from typing import Literal

from stratops.core.errors import UserError

DataErrorReason = Literal["bad_data", "stale_data"]

EXIT_BAD_DATA = 1
EXIT_STALE_DATA = 3


class DataError(UserError):
    """Market data that is malformed, corrupted, missing or too old to trade on.

    `reason` is `bad_data` (unreadable, inconsistent, unknown symbol, checksum
    mismatch) or `stale_data` (valid, but the last bar is older than the last
    completed session).
    """

    def __init__(self, message: str, reason: DataErrorReason = "bad_data") -> None:
        code = EXIT_STALE_DATA if reason == "stale_data" else EXIT_BAD_DATA
        super().__init__(message, exit_code=code)
        self.reason: DataErrorReason = reason

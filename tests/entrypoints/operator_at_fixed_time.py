"""`python tests/entrypoints/operator_at_fixed_time.py TIME ARGS...`: the operator, with the
clock that missed-run detection judges against frozen at TIME (RFC 3339), so a cluster test
can say which sessions are missed without waiting for a real trading day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys

from stratops.operator.__main__ import main
from stratops.operator.schedule_check import Clock
from stratops.operator.settings import OperatorSettings


def freeze(moment: dt.datetime) -> None:
    real = Clock.of

    def of(settings: OperatorSettings) -> Clock:
        return dataclasses.replace(real(settings), now=lambda: moment)

    Clock.of = of  # type: ignore[method-assign]


if __name__ == "__main__":
    freeze(dt.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")))
    sys.exit(main(sys.argv[2:]))

"""What the operator loads to start: no exchange calendar and no Alembic.

The operator decides missed sessions with the standard-library NYSE rule and
only reads and writes rows, so neither belongs in its memory.
"""

from __future__ import annotations

import subprocess
import sys

NOT_LOADED = ("exchange_calendars", "alembic")


def test_the_operator_start_path_loads_no_calendar_library_and_no_alembic() -> None:
    probe = (
        "import sys\n"
        "import kopf\n"
        "from stratops.core.db import create_engine_for\n"
        "from stratops.operator import kopf_handlers, observe, prometheus\n"
        "from stratops.operator.commands import serve\n"
        "from stratops.operator.context import Context\n"
        f"print(' '.join(m for m in {NOT_LOADED!r} if m in sys.modules) or 'none')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["none"]

"""`stratops demo` (placeholder until built)."""

from __future__ import annotations

import argparse

from stratops.core.errors import UserError


def demo(args: argparse.Namespace) -> int:
    raise UserError("demo: not built yet")

"""`python -m stratops.operator [flags]`: the same as `stratops operator [flags]`.

Loads only this component, which keeps the operator's start-up lean and lets
its tests run it without importing the other roles.
"""

from __future__ import annotations

import argparse
import sys

from stratops.core.errors import UserError
from stratops.operator.commands import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stratops.operator")
    serve.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["operator", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.handler(args))
    except UserError as exc:
        print(f"stratops: error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())

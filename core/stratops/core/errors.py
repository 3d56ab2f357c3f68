"""Errors a user can cause and fix. The CLI prints them as one line, never a traceback."""


class UserError(Exception):
    """A mistake in input (a flag, a file, a manifest) the user can correct.

    `exit_code` lets commands keep the documented codes (1 for invalid input,
    3 for stale data, 4 for a refused state, ...).
    """

    exit_code: int = 1

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

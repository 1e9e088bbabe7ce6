"""The one error type preflight reports to the user: a clear message and the exit status."""

from __future__ import annotations

EXIT_OK = 0
EXIT_MANDATORY_VIOLATION = 1
EXIT_NOT_EVALUATED = 2
EXIT_INTERRUPTED = 130


class PreflightError(Exception):
    """The program, its config or the policy pack could not be evaluated.

    ``message`` is shown to the user as it is: its first line names the file (or resource) and the
    cause; further lines (a trimmed traceback, the fixture entry to add) are optional detail.
    """

    def __init__(self, message: str, exit_code: int = EXIT_NOT_EVALUATED) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

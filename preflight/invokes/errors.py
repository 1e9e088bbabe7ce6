"""Errors raised while answering a program's invokes (data-source calls) offline."""

from __future__ import annotations

from preflight.errors import PreflightError


class InvokeError(PreflightError):
    """An invoke that preflight could not answer; ``message`` is the one text to show the user.

    Exit status 2: the program cannot be evaluated without the answer.
    """


class UnansweredInvokeError(InvokeError):
    """An invoke with neither a built-in offline answer nor a matching fixture.

    The message names the token, the call site in the user's program and the fixture entry to add.
    """

    def __init__(self, message: str, token: str, call_site: str | None) -> None:
        super().__init__(message)
        self.token = token
        self.call_site = call_site


class InvalidInvokeArgumentsError(InvokeError):
    """Arguments the real provider would reject too (e.g. a duplicate policy statement Sid)."""


class FixtureFileError(InvokeError):
    """``preflight.yaml`` cannot be read or does not follow its schema."""


class InvokeResultUnknown(Exception):
    """The invoke's arguments hold unknown values (outputs of resources not yet created).

    In a preview the engine answers such an invoke with an unknown result; the mock monitor
    should do the same: ``ResourceInvokeResponse(unknown=True)``.
    """

    def __init__(self, token: str) -> None:
        super().__init__(f"{token}: arguments are unknown during preview")
        self.token = token

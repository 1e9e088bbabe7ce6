"""The stack's own config, as the engine sent it to the analyzer's ``ConfigureStack``.

It is the second source of trust (after the policy config, see ``pack_config``): the stack's
``aws:allowedAccountIds`` and ``oci:tenancyOcid`` are set by the platform team in the stack file,
not by the program under review. The engine sends every key as a string (a list-valued key such
as ``aws:allowedAccountIds`` as its JSON text). ``residency_pack.servicer`` captures the request;
nothing here reads a provider resource of the program.

Before any ``ConfigureStack`` (an engine that does not send one) the config is empty, so nothing
is trusted from the stack: fail closed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Final

from residency_pack.engine.props import UNKNOWN, as_string_list

AWS_ALLOWED_ACCOUNT_IDS: Final = "aws:allowedAccountIds"
OCI_TENANCY_OCID: Final = "oci:tenancyOcid"

_EMPTY: Final[Mapping[str, str]] = MappingProxyType({})
_current: Mapping[str, str] = _EMPTY


def capture(config: Mapping[str, str]) -> None:
    """Keep the stack config of a ``ConfigureStack`` request (``"ns:key"`` -> string)."""
    global _current
    _current = MappingProxyType({str(k): str(v) for k, v in config.items()})


def current() -> Mapping[str, str]:
    """The captured stack config (read-only; empty before ``ConfigureStack``)."""
    return _current


@contextmanager
def overridden(config: Mapping[str, str]) -> Iterator[None]:
    """Tests: run with ``config`` as the stack config, then put the previous one back."""
    previous = _current
    capture(config)
    try:
        yield
    finally:
        _restore(previous)


def _restore(config: Mapping[str, str]) -> None:
    global _current
    _current = config


def _strings(key: str) -> frozenset[str]:
    values = as_string_list(_current.get(key))
    if values is UNKNOWN or not isinstance(values, list):
        return frozenset()
    return frozenset(v.strip() for v in values if v.strip())


def account_ids() -> frozenset[str]:
    """The stack's ``aws:allowedAccountIds`` (a JSON-encoded list, or a single id)."""
    return _strings(AWS_ALLOWED_ACCOUNT_IDS)


def tenancy_ocids() -> frozenset[str]:
    """The stack's ``oci:tenancyOcid``."""
    return _strings(OCI_TENANCY_OCID)

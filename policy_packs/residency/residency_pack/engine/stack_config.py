"""The stack's own config, as the engine sent it to the analyzer's ``ConfigureStack``.

It is the second source of trust (after the policy config, see ``pack_config``): the stack's
``aws:allowedAccountIds`` and ``oci:tenancyOcid`` are set by the platform team in the stack file,
not by the program under review. The engine sends every key as a string (a list-valued key such
as ``aws:allowedAccountIds`` as its JSON text). ``residency_pack.servicer`` captures the request;
nothing here reads a provider resource of the program.

Before any ``ConfigureStack`` (an engine too old to send one) the config is the
``PULUMI_CONFIG`` that the CLI puts in every policy pack's environment (the same stack config,
JSON); without either, it is empty, so nothing is trusted from the stack: fail closed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Final

from residency_pack.engine.props import UNKNOWN, as_string_list

AWS_ALLOWED_ACCOUNT_IDS: Final = "aws:allowedAccountIds"
OCI_TENANCY_OCID: Final = "oci:tenancyOcid"

_EMPTY: Final[Mapping[str, str]] = MappingProxyType({})
_captured: Mapping[str, str] | None = None  # None until a ConfigureStack
_environment: tuple[str, Mapping[str, str]] = ("", _EMPTY)  # PULUMI_CONFIG, parsed


def _read_only(config: Mapping[str, object]) -> Mapping[str, str]:
    return MappingProxyType(
        {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    )


def capture(config: Mapping[str, str]) -> None:
    """Keep the stack config of a ``ConfigureStack`` request (``"ns:key"`` -> string)."""
    global _captured
    _captured = _read_only(config)


def _from_environment() -> Mapping[str, str]:
    global _environment
    raw = os.environ.get("PULUMI_CONFIG", "")
    if raw != _environment[0]:
        try:
            decoded = json.loads(raw) if raw else {}
        except ValueError:
            decoded = {}
        _environment = (raw, _read_only(decoded if isinstance(decoded, dict) else {}))
    return _environment[1]


def current() -> Mapping[str, str]:
    """The stack config (read-only): the last ``ConfigureStack``'s, else ``PULUMI_CONFIG``'s."""
    return _captured if _captured is not None else _from_environment()


@contextmanager
def overridden(config: Mapping[str, str] | None) -> Iterator[None]:
    """Tests: run with ``config`` as the captured stack config (None: as before any
    ``ConfigureStack``), then put the previous one back."""
    global _captured
    previous = _captured
    _captured = None if config is None else _read_only(config)
    try:
        yield
    finally:
        _captured = previous


# The lists parsed out of one stack config, by key. Every ``capture`` / ``overridden`` / change
# of ``PULUMI_CONFIG`` makes a new read-only mapping, so the memo holds the mapping it was
# parsed from and is used only while that very mapping is the current one.
_parsed: tuple[Mapping[str, str], dict[str, frozenset[str]]] = (_EMPTY, {})


def _parse(config: Mapping[str, str], key: str) -> frozenset[str]:
    values = as_string_list(config.get(key))
    if values is UNKNOWN or not isinstance(values, list):
        return frozenset()
    return frozenset(v.strip() for v in values if v.strip())


def _strings(key: str) -> frozenset[str]:
    global _parsed
    config = current()
    if _parsed[0] is not config:
        _parsed = (config, {})
    found = _parsed[1].get(key)
    if found is None:
        found = _parsed[1][key] = _parse(config, key)
    return found


def account_ids() -> frozenset[str]:
    """The stack's ``aws:allowedAccountIds`` (a JSON-encoded list, or a single id)."""
    return _strings(AWS_ALLOWED_ACCOUNT_IDS)


def tenancy_ocids() -> frozenset[str]:
    """The stack's ``oci:tenancyOcid``."""
    return _strings(OCI_TENANCY_OCID)

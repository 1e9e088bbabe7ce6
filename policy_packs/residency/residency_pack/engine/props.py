"""Reading resource property bags without ever raising.

The policy SDK wraps every bag it hands a policy in ``unknown_checking_proxy``: reading a value
that is unknown during preview raises ``UnknownValueError``, which the SDK turns into an
*advisory* diagnostic. A residency rule must never be downgraded that way, so rules read bags
only through these helpers, which turn every unknown into the :data:`UNKNOWN` sentinel and leave
the decision about what an unknown means to the rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    _DictProxy,
    _ListProxy,
)
from pulumi_policy.secret import Secret, _DictSecretsProxy, _ListSecretsProxy

ENGINE_UNKNOWN_SENTINELS: Final = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)

PathStep = str | int
Path = tuple[PathStep, ...]


class _Unknown:
    """A value the engine does not know yet (it is computed during the update)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __copy__(self) -> _Unknown:
        return self

    def __deepcopy__(self, memo: object) -> _Unknown:
        return self

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
"""Every engine unknown reads as this one object. Compare with ``is`` or :func:`is_unknown`."""


def is_unknown(value: Any) -> bool:
    """True for :data:`UNKNOWN` and for the engine's raw unknown sentinel strings."""
    return value is UNKNOWN or (isinstance(value, str) and value in ENGINE_UNKNOWN_SENTINELS)


_PLAIN_TYPES: Final = frozenset({dict, list, str, int, float, bool, type(None)})


def _target(value: Any) -> Any:
    """The object a policy-SDK proxy wraps (reading ``__target`` never raises), else the value."""
    if type(value) in _PLAIN_TYPES:  # not a proxy nor a secret: skip the ABC checks below
        return value
    while isinstance(value, _DictProxy | _ListProxy | _DictSecretsProxy | _ListSecretsProxy):
        value = value["__target"]
    if isinstance(value, Secret):
        return _target(value.value)
    return value


def unwrap(props: Any) -> Any:
    """A deep plain copy of ``props``: dicts, lists and scalars, unknowns as :data:`UNKNOWN`.

    Accepts raw bags and bags wrapped by ``unknown_checking_proxy`` or the secrets proxy. Never
    raises; a value of a type it does not understand is returned as it is.
    """
    # Every policy call unwraps every bag it is given, so the shapes the SDK builds (its two
    # proxies around plain dicts, lists and JSON scalars) take exact-type shortcuts; anything
    # else goes the general way. Both give the same result.
    cls = type(props)
    if cls is str:
        return UNKNOWN if props in ENGINE_UNKNOWN_SENTINELS else props
    if cls is _DictProxy or cls is _ListProxy:
        return unwrap(props["__target"])
    if cls is dict:
        return {key: unwrap(item) for key, item in props.items()}
    if cls is list:
        return [unwrap(item) for item in props]
    if props is None or cls is bool or cls is int or cls is float:
        return props
    return _unwrap_any(props)


def _unwrap_any(props: Any) -> Any:
    value = _target(props)
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {key: unwrap(_target_item(value, key)) for key in list(_keys(value))}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [unwrap(_target_index(value, i)) for i in range(_length(value))]
    return value


def _keys(mapping: Mapping[Any, Any]) -> Iterator[Any]:
    try:
        yield from iter(mapping)
    except Exception:
        return


def _length(seq: Sequence[Any]) -> int:
    try:
        return len(seq)
    except Exception:
        return 0


def _target_item(mapping: Mapping[Any, Any], key: Any) -> Any:
    try:
        return _target(mapping)[key]
    except Exception:
        return UNKNOWN


def _target_index(seq: Sequence[Any], index: int) -> Any:
    raw = _target(seq)
    try:
        return raw[index]
    except Exception:
        return UNKNOWN


_MISSING: Final = object()


def get(props: Any, *path: PathStep, default: Any = None) -> Any:
    """The value at ``path`` inside ``props``.

    Returns :data:`UNKNOWN` as soon as a step (or the value) is unknown, and ``default`` when a
    step is missing or does not fit (a string key into a list, an index out of range). Never
    raises.
    """
    current: Any = _target(props)
    for step in path:
        if is_unknown(current):
            return UNKNOWN
        if isinstance(current, Mapping) and isinstance(step, str):
            if step not in current:
                return default
            current = _target(_target_item(current, step))
        elif (
            isinstance(current, Sequence)
            and not isinstance(current, str | bytes)
            and isinstance(step, int)
            and not isinstance(step, bool)
            and -_length(current) <= step < _length(current)
        ):
            current = _target(_target_index(current, step))
        else:
            return default
    if is_unknown(current):
        return UNKNOWN
    if current is None:
        return default
    return unwrap(current)


def iter_strings(value: Any, _prefix: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every known string leaf in ``value`` with its path (unknowns are skipped)."""
    value = _target(value)
    if is_unknown(value):
        return
    if isinstance(value, str):
        yield _prefix, value
    elif isinstance(value, Mapping):
        for key in list(_keys(value)):
            yield from iter_strings(_target_item(value, key), (*_prefix, str(key)))
    elif isinstance(value, Sequence) and not isinstance(value, bytes):
        for i in range(_length(value)):
            yield from iter_strings(_target_index(value, i), (*_prefix, i))


def contains_unknown(value: Any) -> bool:
    """True if ``value`` is unknown or holds an unknown anywhere inside."""
    value = _target(value)
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(_target_item(value, k)) for k in list(_keys(value)))
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return any(contains_unknown(_target_index(value, i)) for i in range(_length(value)))
    return False


def as_string_list(value: Any) -> list[str] | _Unknown:
    """A list of strings from a list, a single string, or a JSON-encoded list (as the engine
    passes list-valued config to a default provider). UNKNOWN if any part is unknown."""
    value = unwrap(value)
    if value is UNKNOWN:
        return UNKNOWN
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                decoded = json.loads(text)
            except ValueError:
                return [value]
            return as_string_list(decoded)
        return [text] if text else []
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            if item is UNKNOWN:
                return UNKNOWN
            if isinstance(item, str | int) and not isinstance(item, bool):
                out.append(str(item))
        return out
    return []

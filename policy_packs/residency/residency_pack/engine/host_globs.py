"""How much of the internet a host glob in the config covers.

A glob such as ``*.partner.example`` stands for one owner's hosts only if the literal labels after
its last wildcard name something one owner controls. ``*.co.uk`` and ``*.ngrok-free.app`` end on
public suffixes, where anyone registers a name; ``*.s3.us-east-1.amazonaws.com`` and
``*.oraclecloud.com`` end on a cloud's own domain, where every customer's buckets get a host.
The Public Suffix List (``publicsuffixlist``, its bundled snapshot with the private section: no
network at run time) tells the first; the pack's own endpoint parser tells the second.

A suffix that is public only through a wildcard rule of the list (``*.us-east-1.rds.amazonaws.com``
makes ``c9akciq32.us-east-1.rds.amazonaws.com`` public) names one customer's label and is not too
broad: the list marks it public to keep that customer's hosts apart, not because anyone may
register under it.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from publicsuffixlist import PublicSuffixList

from residency_pack.engine.places import AWS_OWNED, OCI_OWNED, parse_host

_GLOB_CHARS: Final = frozenset("*?[]")
# Services whose hosts under the cloud's own domain are customers' buckets; any other service
# domain (``kms.<region>.oraclecloud.com`` for a tenancy's vault endpoints) is left to the
# platform team's declaration, whose region and owner are still judged.
_STORAGE_SERVICES: Final = frozenset({"s3", "s3-website", "objectstorage", "swiftobjectstorage"})
# A label no rule of the list names: it shows whether a wildcard rule covers a suffix.
_PROBE: Final = "zz0-residency-probe"


@cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList(only_icann=False)


def literal_suffix(pattern: str) -> str:
    """The labels of a host glob after its last label with a wildcard (all of a literal host)."""
    labels = pattern.strip().lower().rstrip(".").split(".")
    last = max((i for i, label in enumerate(labels) if _GLOB_CHARS & set(label)), default=-1)
    return ".".join(labels[last + 1 :])


def has_glob(pattern: str) -> bool:
    return bool(_GLOB_CHARS & set(pattern))


def too_broad(pattern: str) -> str | None:
    """Why the host glob ``pattern`` covers hosts of many owners, or None if it does not (a
    literal host never does)."""
    if not has_glob(pattern):
        return None
    suffix = literal_suffix(pattern)
    if suffix.count(".") < 1:
        return "the labels after its last wildcard must name a domain (e.g. `*.partner.example`)"
    psl = _suffixes()
    if psl.is_public(f"{_PROBE}.{suffix}"):
        return f"every name under `{suffix}` is a public suffix (anyone can own one)"
    if psl.is_public(suffix) and not psl.is_public(f"{_PROBE}.{suffix.split('.', 1)[1]}"):
        return f"`{suffix}` is a public suffix: anyone can register a name under it"
    endpoint = parse_host(suffix)
    if endpoint.account in (AWS_OWNED, OCI_OWNED) and (
        endpoint.service is None or endpoint.service in _STORAGE_SERVICES
    ):
        cloud = "AWS" if endpoint.account == AWS_OWNED else "OCI"
        return f"`{suffix}` is a domain of {cloud} where every customer's buckets have hosts"
    return None


__all__ = ["has_glob", "literal_suffix", "too_broad"]

"""Account-less S3 bucket names, decided on the whole stack.

An S3 bucket ARN (``arn:aws:s3:::name``) or ``s3://name`` URL carries neither account nor
region: one resource alone cannot tell a bucket of this stack from someone else's. Bucket names
are global, so a bucket the stack declares under that name is the stack's own, and the rules
that judge buckets judge it there. Which of two independent resources the engine analyses first
is not fixed, so a rule keeps such a finding (:class:`PendingBucketFindings`) and its stack
follow-up reports it only if the stack has no bucket of that name (:func:`bucket_names`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

from residency_pack.engine.rule import Finding

S3_BUCKET_TYPES: Final = frozenset(
    {"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/directoryBucket:DirectoryBucket"}
)
OCI_BUCKET_TYPES: Final = frozenset({"oci:ObjectStorage/bucket:Bucket"})
_URL_SCHEMES: Final = ("s3://", "s3a://", "s3n://")
# An OCI Object Storage URL's path: ``/n/<namespace>/b/<bucket>[/o/<object>]``.
_OCI_BUCKET_PATH: Final = re.compile(r"/n/([^/?#]+)/b/([^/?#]+)")


def oci_bucket_key(bucket: str, namespace: str) -> str:
    """How an OCI bucket is known among the stack's buckets: ``bucket@namespace`` (bucket names
    are unique per namespace, and a namespace is one tenancy's)."""
    return f"{bucket.strip()}@{namespace.strip()}"


def oci_bucket_of(value: str) -> str | None:
    """The ``bucket@namespace`` an ``oci://bucket@namespace/path`` URI or an Object Storage URL
    (``https://objectstorage.<region>.oraclecloud.com/n/<ns>/b/<bucket>/...``) names."""
    text = value.strip()
    if text[:6].lower() == "oci://":
        authority = re.split(r"[/?#]", text[6:], maxsplit=1)[0]
        bucket, at, namespace = authority.partition("@")
        return oci_bucket_key(bucket, namespace) if at and bucket and namespace else None
    if "://" in text and (found := _OCI_BUCKET_PATH.search(text.split("://", 1)[1])):
        return oci_bucket_key(found.group(2), found.group(1))
    return None


def bucket_name_of(value: str) -> str | None:
    """The bucket an account-less S3 ARN or ``s3://`` URL names; None for anything else."""
    text = value.strip()
    lowered = text.lower()
    if lowered.startswith("arn:"):
        parts = text.split(":", 5)
        if len(parts) == 6 and parts[2] == "s3" and not parts[3] and not parts[4]:
            return parts[5].split("/", 1)[0] or None
        return None
    for scheme in _URL_SCHEMES:
        if lowered.startswith(scheme):
            return text[len(scheme) :].split("/", 1)[0] or None
    return None


def stack_of(urn: str) -> str:
    """The ``urn:pulumi:<stack>::<project>`` prefix: findings of one stack operation."""
    return "::".join(urn.split("::")[:2])


def bucket_names(resources: Iterable[Any]) -> frozenset[str]:
    """The names of the S3 buckets (and ``name@namespace`` of the OCI buckets) among ``resources``
    (objects with ``type`` and ``props``)."""
    names = set()
    for r in resources:
        if (name := own_bucket_name(r.type, r.props)) is not None:
            names.add(name)
    return frozenset(names)


def own_bucket_name(resource_type: str, props: Any) -> str | None:
    """The name a bucket resource is known by among the stack's buckets: an S3 bucket's
    ``bucket``, an OCI bucket's ``name@namespace``; None for anything else."""
    if not isinstance(props, dict):
        return None
    if resource_type in S3_BUCKET_TYPES:
        name = props.get("bucket")
        return name.strip() if isinstance(name, str) and name.strip() else None
    if resource_type in OCI_BUCKET_TYPES:
        name, namespace = props.get("name"), props.get("namespace")
        if isinstance(name, str) and isinstance(namespace, str) and name.strip() and namespace:
            return oci_bucket_key(name, namespace)
    return None


class PendingBucketFindings:
    """Findings waiting for the stack follow-up, per stack, each with the bucket it names.
    Bounded per process (a pack process serves one stack operation)."""

    _LIMIT: Final = 100_000

    def __init__(self) -> None:
        self._pending: dict[str, dict[tuple[str, str], tuple[str, Finding]]] = {}

    def add(self, urn: str, key: str, bucket: str, finding: Finding) -> None:
        pending = self._pending.setdefault(stack_of(urn), {})
        if len(pending) < self._LIMIT:
            pending[(urn, key)] = (bucket, finding)

    def discard(self, urn: str) -> None:
        """Forget a resource's pending findings: it is being analysed again."""
        pending = self._pending.get(stack_of(urn))
        if pending:
            for key in [key for key in pending if key[0] == urn]:
                del pending[key]

    def take(self, stack: str) -> list[tuple[str, Finding]]:
        """The stack's pending findings, in a fixed order (by URN, then key)."""
        pending = self._pending.pop(stack, {})
        return [pending[key] for key in sorted(pending)]

    def clear(self) -> None:
        self._pending.clear()

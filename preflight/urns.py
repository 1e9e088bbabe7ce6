"""Engine URNs: ``urn:pulumi:<stack>::<project>::<qualified type>::<name>``.

The qualified type carries the parent chain (``parentType$childType``), except that the root
stack is never part of it, as in the engine's ``resource.NewURN``.
"""

from __future__ import annotations

import re

STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"


def qualified_type(urn: str) -> str:
    parts = urn.split("::", 3)
    return parts[2] if len(parts) == 4 else ""


def make_urn(stack: str, project: str, parent_urn: str, type_: str, name: str) -> str:
    qualified = type_
    if parent_urn:
        parent_type = qualified_type(parent_urn)
        if parent_type and parent_type != STACK_TYPE:
            qualified = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


def package_of(type_: str) -> str:
    """``aws:s3/bucketV2:BucketV2`` -> ``aws``; ``pulumi:providers:oci`` -> ``oci``."""
    if type_.startswith(PROVIDER_TYPE_PREFIX):
        return type_[len(PROVIDER_TYPE_PREFIX) :]
    return type_.split(":", 1)[0]


def is_provider_type(type_: str) -> bool:
    return type_.startswith(PROVIDER_TYPE_PREFIX)


def provider_ref_urn(ref: str) -> str:
    """A provider reference is ``<urn>::<id>``."""
    return ref.rsplit("::", 1)[0] if "::" in ref else ref


def default_provider_name(version: str, download_url: str = "") -> str:
    """``default_7_51_1`` for version ``7.51.1``, as ``ProviderRequest.DefaultName`` builds it."""
    base = "default"
    match = re.fullmatch(
        r"v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?", version
    )
    if match:
        major, minor, patch, pre, build = match.groups()
        base += f"_{major}_{minor}_{patch}"
        for part in (pre.split(".") if pre else []) + (build.split(".") if build else []):
            base += f"_{part}"
    if download_url:
        base += "_" + re.sub(r"[^A-Za-z0-9_.]", "_", download_url)
    return base

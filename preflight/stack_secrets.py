"""Where a stack's secrets key lives: a check of the stack file's `secretsprovider` and
`encryptedkey` against the regions allowed for US user data.

A stack's config secrets (database passwords, tokens) are user-data-adjacent: whoever holds
the key that wraps them can read them. So the key must sit in a region allowed for
`us-user-data`, like the data itself. The check fails closed: a provider whose key region
cannot be read from the stack file (a KMS alias without `?region=`, a passphrase, the
backend's default) is reported, with the setting that fixes it.

This module is pure: it takes the parsed stack file (the mapping `yaml.safe_load` returns
for `Pulumi.<stack>.yaml`) and returns warnings; it reads no file and calls no cloud.

Formats, as the Pulumi CLI writes them (`pulumi stack init --secrets-provider=...`,
`pulumi stack change-secrets-provider ...`):

    secretsprovider: awskms://alias/residency-pulumi-secrets?region=us-east-1
    encryptedkey: <base64 of the data key's KMS ciphertext>

The key of `awskms` may also be a key id, or a key ARN (`awskms:///arn:aws:kms:...`).
Pulumi's cloud secrets providers are `awskms`, `azurekeyvault`, `gcpkms` and `hashivault`
(besides `default` and `passphrase`); there is none for OCI Vault, so for this blueprint
the allowed choice is an AWS KMS key in an allowed AWS region.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from residency_pack.engine import pack_config, region_catalog
from residency_pack.engine.classification import US_USER_DATA
from residency_pack.engine.region_catalog import Cloud

SECRETS_PROVIDER = "secretsprovider"
ENCRYPTED_KEY = "encryptedkey"
ENCRYPTION_SALT = "encryptionsalt"

RECOMMENDED_PROVIDER = "awskms://alias/residency-pulumi-secrets?region=us-east-1"
_FIX_PROVIDER = (
    f'run `pulumi stack change-secrets-provider "{RECOMMENDED_PROVIDER}"` '
    "(a KMS key in an allowed region; the CLI rewrites `secretsprovider` and `encryptedkey`)."
)

# A KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<id> or :alias/<name>.
_KMS_ARN = re.compile(r"arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(?:key|alias)/[A-Za-z0-9/_+=.@-]+")
# An OCI Vault key OCID: ocid1.key.<realm>.<region key or name>.<...>
_OCI_KEY_OCID = re.compile(r"ocid1\.key\.(oc\d+)\.([a-z0-9-]+)\.[a-z0-9.]*", re.IGNORECASE)


@dataclass(frozen=True)
class StackSecretsWarning:
    """One finding about where a stack's secrets key lives."""

    setting: str  # `secretsprovider` or `encryptedkey`
    message: str  # "<what is wrong> Fix: <how>"

    def __str__(self) -> str:
        return f"{self.setting}: {self.message}"


@dataclass(frozen=True)
class _KeyLocation:
    cloud: str  # "aws", "oci", "gcp", "azure", ...
    region: str | None  # None: the stack file does not say
    described_as: str  # how the warning names the key


def check_stack_secrets(
    stack_file: Mapping[str, Any] | None,
    *,
    allowed: Mapping[str, Iterable[str]] | Mapping[Cloud, frozenset[str]] | None = None,
    file_name: str = "the stack file",
) -> list[StackSecretsWarning]:
    """Warnings for a secrets key outside `allowed` (cloud -> region names), or unverifiable.

    `allowed` is the table for `us-user-data`: the pack config's
    `allowed_regions(config, "us-user-data")`, by default the pack's defaults.
    `file_name` names the file in messages.
    """
    table = pack_config.allowed_regions({}, US_USER_DATA) if allowed is None else allowed
    allowed_sets = {str(cloud): frozenset(regions) for cloud, regions in table.items()}
    settings: Mapping[str, Any] = stack_file or {}
    provider = settings.get(SECRETS_PROVIDER)
    encrypted_key = settings.get(ENCRYPTED_KEY)

    warnings: list[StackSecretsWarning] = []
    provider_key = _check_provider(provider, settings, allowed_sets, file_name, warnings)
    if encrypted_key is not None:
        warnings.extend(_check_encrypted_key(encrypted_key, provider_key, allowed_sets, file_name))
    return warnings


def _check_provider(
    provider: Any,
    settings: Mapping[str, Any],
    allowed: Mapping[str, frozenset[str]],
    file_name: str,
    warnings: list[StackSecretsWarning],
) -> _KeyLocation | None:
    def warn(message: str) -> None:
        warnings.append(StackSecretsWarning(SECRETS_PROVIDER, message))

    if provider is None or (isinstance(provider, str) and not provider.strip()):
        if settings.get(ENCRYPTION_SALT):
            warn(
                f"{file_name} has no `secretsprovider` but an `encryptionsalt`: its secrets are "
                "encrypted with a passphrase-derived key, which no region holds or audits. "
                f"Fix: {_FIX_PROVIDER}"
            )
        else:
            warn(
                f"{file_name} declares no `secretsprovider`: its secrets are encrypted with the "
                "backend's default key, whose region the stack file does not show. "
                f"Fix: {_FIX_PROVIDER}"
            )
        return None
    if not isinstance(provider, str):
        warn(
            f"{file_name}: `secretsprovider` must be a string such as "
            f"`{RECOMMENDED_PROVIDER}`, not {type(provider).__name__}. Fix: {_FIX_PROVIDER}"
        )
        return None

    value = provider.strip()
    scheme, sep, _ = value.partition("://")
    scheme = scheme.lower() if sep else value.lower()
    if scheme == "passphrase":
        warn(
            f"{file_name}: `secretsprovider: passphrase` encrypts secrets with a key derived from "
            f"a passphrase, not a key held in an allowed region. Fix: {_FIX_PROVIDER}"
        )
        return None
    if scheme in ("default", "service"):
        warn(
            f"{file_name}: `secretsprovider: {value}` uses the Pulumi Cloud managed key; the stack "
            "file cannot show that it stays in an allowed region. "
            f"Fix: {_FIX_PROVIDER}"
        )
        return None
    if scheme == "awskms":
        location = _awskms_location(value)
    elif scheme == "gcpkms":
        location = _gcpkms_location(value)
    elif scheme == "azurekeyvault":
        location = _KeyLocation("azure", None, f"the Azure Key Vault key `{value}`")
    elif scheme == "hashivault":
        location = _KeyLocation("hashivault", None, f"the HashiCorp Vault key `{value}`")
    else:
        warn(
            f"{file_name}: `secretsprovider: {value}` is not a secrets provider the Pulumi CLI "
            "knows (default, passphrase, awskms, azurekeyvault, gcpkms, hashivault). "
            f"Fix: {_FIX_PROVIDER}"
        )
        return None

    if isinstance(location, str):  # a contradiction inside the URL
        warn(f"{file_name}: {location} Fix: {_FIX_PROVIDER}")
        return None
    message = _outside_allowed(location, allowed, file_name, SECRETS_PROVIDER)
    if message:
        warn(message)
    return location


def _awskms_location(value: str) -> _KeyLocation | str:
    parts = urlsplit(value)
    key_id = unquote((parts.netloc + parts.path).lstrip("/"))
    query = parse_qs(parts.query)
    region_param = query.get("region", [None])[-1]
    arn = _KMS_ARN.fullmatch(key_id)
    described = f"the AWS KMS key `{key_id}`"
    if arn:
        key_region = arn.group(1)
        if region_param and region_param != key_region:
            return (
                f"`secretsprovider` names {described} in {key_region} but asks for "
                f"`region={region_param}`; the key's own region is the one that counts."
            )
        return _KeyLocation("aws", key_region, described)
    return _KeyLocation("aws", region_param, described)


def _gcpkms_location(value: str) -> _KeyLocation:
    match = re.search(r"/locations/([^/]+)/", value + "/")
    return _KeyLocation("gcp", match.group(1) if match else None, f"the Cloud KMS key `{value}`")


def _outside_allowed(
    location: _KeyLocation,
    allowed: Mapping[str, frozenset[str]],
    file_name: str,
    setting: str,
) -> str | None:
    """The message when `location` is outside `allowed` or cannot be placed; else None."""
    regions = allowed.get(location.cloud)
    if not regions:
        return (
            f"{file_name}: `{setting}` points at {location.described_as}, on a cloud where user "
            f"data may not live (allowed: {_describe(allowed)}). Fix: {_FIX_PROVIDER}"
        )
    if location.region is None:
        return (
            f"{file_name}: `{setting}` points at {location.described_as} without saying its "
            "region, so the key's region depends on the environment of whoever runs the CLI. "
            f"Fix: add `?region=<allowed region>` to the URL; {_FIX_PROVIDER}"
        )
    if not _is_known_region(location.cloud, location.region):
        return (
            f"{file_name}: `{setting}` points at {location.described_as} in `{location.region}`, "
            f"which is not a known {location.cloud.upper()} region. Fix: {_FIX_PROVIDER}"
        )
    if location.region not in regions:
        return (
            f"{file_name}: `{setting}` points at {location.described_as} in {location.region}, "
            f"outside the regions allowed for US user data ({_describe(allowed)}). "
            f"Fix: {_FIX_PROVIDER}"
        )
    return None


def _is_known_region(cloud: str, region: str) -> bool:
    """False for a region name the catalog of an AWS or OCI key does not know."""
    if cloud == "aws":
        return region_catalog.lookup("aws", region) is not None
    if cloud == "oci":
        return region_catalog.lookup("oci", region) is not None
    return True


def _check_encrypted_key(
    encrypted_key: Any,
    provider_key: _KeyLocation | None,
    allowed: Mapping[str, frozenset[str]],
    file_name: str,
) -> Iterator[StackSecretsWarning]:
    if not isinstance(encrypted_key, str) or not encrypted_key.strip():
        yield StackSecretsWarning(
            ENCRYPTED_KEY,
            f"{file_name}: `encryptedkey` must be the base64 ciphertext the CLI writes, not "
            f"{encrypted_key!r}. Fix: {_FIX_PROVIDER}",
        )
        return
    try:
        ciphertext = base64.b64decode(encrypted_key.strip(), validate=True)
    except (binascii.Error, ValueError):
        yield StackSecretsWarning(
            ENCRYPTED_KEY,
            f"{file_name}: `encryptedkey` is not base64, so it was not written by the CLI and "
            f"the key that wraps the secrets cannot be known. Fix: {_FIX_PROVIDER}",
        )
        return
    # A ciphertext may carry a readable reference to its key (an ARN or an OCID); where it
    # does, that reference, not the provider URL, says where the data key can be unwrapped.
    text = ciphertext.decode("latin-1") + "\n" + encrypted_key
    for location in _key_references(text):
        message = _outside_allowed(location, allowed, file_name, ENCRYPTED_KEY)
        if message:
            yield StackSecretsWarning(ENCRYPTED_KEY, message)
        elif (
            provider_key is not None
            and provider_key.region is not None
            and (provider_key.cloud, provider_key.region) != (location.cloud, location.region)
        ):
            yield StackSecretsWarning(
                ENCRYPTED_KEY,
                f"{file_name}: `encryptedkey` was wrapped by {location.described_as} in "
                f"{location.region}, not by the `secretsprovider` key in {provider_key.region}; "
                f"the CLI cannot decrypt it. Fix: {_FIX_PROVIDER}",
            )


def _key_references(text: str) -> Iterator[_KeyLocation]:
    seen: set[tuple[str, str | None]] = set()
    for match in _KMS_ARN.finditer(text):
        found = ("aws", match.group(1))
        if found not in seen:
            seen.add(found)
            yield _KeyLocation("aws", match.group(1), f"the AWS KMS key `{match.group(0)}`")
    for match in _OCI_KEY_OCID.finditer(text):
        segment = match.group(2).lower()
        region = region_catalog.oci_region_by_key(segment) or region_catalog.lookup("oci", segment)
        name = region.name if region else segment
        found = ("oci", name)
        if found not in seen:
            seen.add(found)
            yield _KeyLocation("oci", name, f"the OCI Vault key `{match.group(0)}`")


def _describe(allowed: Mapping[str, frozenset[str]]) -> str:
    parts = [f"{cloud.upper()} {', '.join(sorted(regions))}" for cloud, regions in allowed.items()]
    return "; ".join(parts) if parts else "none"

"""Typed, validated stack configuration for the residency blueprint.

Every setting the program reads is declared once in ``SETTINGS`` (mirrored by the ``config:``
block of ``Pulumi.yaml``, which a test keeps in step). ``load_config`` reads and checks all of
them before the program declares a single resource; every problem found is reported at once,
each naming its key and the values it accepts.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
from residency_pack.engine import region_catalog

PROJECT = "residency-blueprint"

SettingType = Literal["string", "integer", "boolean", "array"]


@dataclass(frozen=True)
class Setting:
    """One project setting: its key (in the project's namespace), type, default and meaning."""

    key: str
    type: SettingType
    default: Any
    description: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "primaryRegion",
        "string",
        "us-ashburn-1",
        "OCI region of the primary copy of US user data. Must be a US region of the tenancy's "
        "realm.",
    ),
    Setting(
        "drRegion",
        "string",
        "us-phoenix-1",
        "OCI region of the disaster-recovery copy (replica bucket, Data Guard standby). Must be "
        "a US region of the tenancy's realm other than primaryRegion. Empty string: no DR.",
    ),
    Setting(
        "backupRegion",
        "string",
        "us-east-1",
        "AWS region that holds backups of US user data. Must be a US region of the commercial "
        "AWS partition.",
    ),
    Setting(
        "restrictedRegion",
        "string",
        "ap-southeast-1",
        "AWS region being phased out. It may hold only non-personal data (the build-artifact "
        "bucket).",
    ),
    Setting(
        "restrictedRegionRetired",
        "boolean",
        False,
        "true removes everything in restrictedRegion from the stack.",
    ),
    Setting(
        "primaryVcnCidr",
        "string",
        "10.10.0.0/16",
        "IPv4 CIDR of the primary region's VCN (a /16 to /24 private range).",
    ),
    Setting(
        "drVcnCidr",
        "string",
        "10.20.0.0/16",
        "IPv4 CIDR of the DR region's VCN; must not overlap primaryVcnCidr.",
    ),
    Setting(
        "dnsZoneName",
        "string",
        "usdata.example.com",
        "DNS zone (OCI DNS) whose 'app' record steers US user traffic between the OCI regions.",
    ),
    Setting(
        "auditRetentionDays",
        "integer",
        365,
        "Retention of the tenancy's OCI audit events, in days (90 to 365).",
    ),
    Setting(
        "logRetentionDays",
        "integer",
        90,
        "Retention of the bucket service logs, in days (30, 60, 90, 120, 150 or 180).",
    ),
    Setting(
        "backupRetentionDays",
        "integer",
        35,
        "Minimum retention of AWS backups: S3 object lock (compliance mode) and the backup "
        "vault lock, in days (1 to 3650).",
    ),
    Setting(
        "databaseComputeCount",
        "integer",
        2,
        "ECPUs of the Autonomous Database (2 to 512).",
    ),
    Setting(
        "databaseStorageTbs",
        "integer",
        1,
        "Storage of the Autonomous Database, in TB (1 to 384).",
    ),
)

SETTINGS_BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_TENANCY_OCID = re.compile(r"^ocid1\.tenancy\.(?P<realm>oc\d+)\.\.[a-z0-9]{20,}$")
_LOG_RETENTIONS = (30, 60, 90, 120, 150, 180)


@dataclass(frozen=True)
class ConfigProblem:
    """One invalid setting: the fully qualified key and what is wrong with it."""

    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


class ConfigError(pulumi.RunError):
    """Raised before any resource is declared when the stack configuration is invalid.

    A ``RunError`` makes the Pulumi CLI print the message without a Python traceback.
    """

    def __init__(self, stack: str, problems: list[ConfigProblem]) -> None:
        self.stack = stack
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"invalid stack configuration in Pulumi.{stack}.yaml "
            f"({len(problems)} problem{'s' if len(problems) != 1 else ''}):\n{lines}"
        )

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.problems]


@dataclass(frozen=True)
class OciAuth:
    """OCI authentication settings from the ``oci:`` namespace of the stack config.

    Explicit providers do not read the stack's ``oci:*`` config by themselves (only the default
    provider does), so the program passes these through; unset ones fall back to the provider's
    environment variables (``OCI_AUTH``, ``OCI_USER_OCID``, ...) and ``~/.oci/config``.
    """

    config_file_profile: str | None = None
    auth: str | None = None
    user_ocid: str | None = None
    fingerprint: str | None = None
    private_key_path: str | None = None


@dataclass(frozen=True)
class BlueprintConfig:
    """The validated settings of one stack."""

    stack: str
    tenancy_ocid: str
    realm: str
    aws_account_ids: tuple[str, ...]
    primary_region: str
    dr_region: str | None
    backup_region: str
    restricted_region: str
    restricted_region_retired: bool
    primary_vcn_cidr: str
    dr_vcn_cidr: str
    dns_zone_name: str
    audit_retention_days: int
    log_retention_days: int
    backup_retention_days: int
    database_compute_count: int
    database_storage_tbs: int
    oci_auth: OciAuth = field(default_factory=OciAuth)
    aws_profile: str | None = None

    @property
    def oci_regions(self) -> tuple[str, ...]:
        """The OCI regions the stack uses, primary first."""
        if self.dr_region is None:
            return (self.primary_region,)
        return (self.primary_region, self.dr_region)

    @property
    def aws_regions(self) -> tuple[str, ...]:
        """The AWS regions the stack uses, backup region first."""
        if self.restricted_region_retired:
            return (self.backup_region,)
        return (self.backup_region, self.restricted_region)

    @property
    def aws_partition(self) -> str:
        region = region_catalog.lookup("aws", self.backup_region)
        return region.partition if region and region.partition else "aws"


def allowed_oci_us_regions(realm: str) -> list[str]:
    """US OCI regions of ``realm`` (the tenancy's), from the generated catalog."""
    return [
        name
        for name in region_catalog.us_regions("oci")
        if (r := region_catalog.lookup("oci", name)) is not None and r.realm == realm
    ]


def allowed_aws_us_regions() -> list[str]:
    """US AWS regions of the commercial partition, from the generated catalog."""
    return [
        name
        for name in region_catalog.us_regions("aws")
        if (r := region_catalog.lookup("aws", name)) is not None and r.partition == "aws"
    ]


def _join(values: list[str]) -> str:
    return ", ".join(values) if values else "(none)"


class _Reader:
    """Reads typed values from the stack config, collecting problems instead of raising."""

    def __init__(self) -> None:
        self.problems: list[ConfigProblem] = []
        self._project = pulumi.Config(PROJECT)

    def problem(self, key: str, message: str) -> None:
        self.problems.append(ConfigProblem(key, message))

    def setting(self, key: str) -> Any:
        spec = SETTINGS_BY_KEY[key]
        qualified = f"{PROJECT}:{key}"
        getters: dict[str, Callable[[str], Any]] = {
            "string": self._project.get,
            "integer": self._project.get_int,
            "boolean": self._project.get_bool,
            "array": self._project.get_object,
        }
        getter = getters[spec.type]
        try:
            value = getter(key)
        except pulumi.ConfigTypeError:
            self.problem(qualified, f"must be {_article(spec.type)} {spec.type}")
            return spec.default
        return spec.default if value is None else value


def _article(type_name: str) -> str:
    return "an" if type_name[0] in "aeiou" else "a"


def _check_range(reader: _Reader, key: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        reader.problem(f"{PROJECT}:{key}", f"{value} is out of range; allowed: {low} to {high}")


def _read_tenancy(reader: _Reader) -> tuple[str, str]:
    key = "oci:tenancyOcid"
    tenancy = pulumi.Config("oci").get("tenancyOcid")
    if not tenancy:
        reader.problem(key, "is required: the OCID of the company's tenancy (ocid1.tenancy.oc1..…)")
        return "", "oc1"
    match = _TENANCY_OCID.match(tenancy.strip())
    if match is None:
        reader.problem(
            key, f"{tenancy!r} is not a tenancy OCID; expected ocid1.tenancy.<realm>..<unique id>"
        )
        return tenancy, "oc1"
    return tenancy.strip(), match.group("realm")


def _read_accounts(reader: _Reader) -> tuple[str, ...]:
    key = "aws:allowedAccountIds"
    raw = pulumi.Config("aws").get("allowedAccountIds")
    if raw is None:
        reader.problem(key, "is required: the list of the company's AWS account ids")
        return ()
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        parsed = raw
    if not isinstance(parsed, list) or not parsed:
        reader.problem(
            key, 'must be a non-empty list of 12-digit account ids, e.g. ["111122223333"]'
        )
        return ()
    accounts: list[str] = []
    for item in parsed:
        if not isinstance(item, str) or _ACCOUNT_ID.match(item) is None:
            reader.problem(
                key,
                f"{item!r} is not a 12-digit account id in quotes; "
                'write ["111122223333"] so YAML keeps it a string',
            )
            continue
        accounts.append(item)
    return tuple(accounts)


def _check_oci_region(reader: _Reader, key: str, value: str, realm: str) -> bool:
    allowed = allowed_oci_us_regions(realm)
    region = region_catalog.lookup("oci", value)
    if region is None:
        reader.problem(key, f"{value!r} is not a known OCI region; allowed: {_join(allowed)}")
        return False
    if region.name not in allowed:
        reader.problem(
            key,
            f"{value!r} is not a US region of the tenancy's realm {realm}; US user data must stay "
            f"in the US. Allowed: {_join(allowed)}",
        )
        return False
    return True


def _check_cidr(reader: _Reader, key: str, value: str) -> ipaddress.IPv4Network | None:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError:
        reader.problem(key, f"{value!r} is not an IPv4 CIDR such as 10.10.0.0/16")
        return None
    if not network.is_private or not 16 <= network.prefixlen <= 24:
        reader.problem(key, f"{value!r} must be a private range from /16 to /24")
        return None
    return network


def _read_oci_regions(reader: _Reader, realm: str) -> tuple[str, str | None]:
    p = f"{PROJECT}:"
    primary = str(reader.setting("primaryRegion")).strip().lower()
    primary_ok = _check_oci_region(reader, p + "primaryRegion", primary, realm)
    dr = str(reader.setting("drRegion")).strip().lower() or None
    dr_ok = dr is not None and _check_oci_region(reader, p + "drRegion", dr, realm)
    if dr_ok and primary_ok and dr == primary:
        reader.problem(
            p + "drRegion",
            f"{dr!r} equals primaryRegion; the DR copy must be in a second region. "
            f"Allowed: {_join([r for r in allowed_oci_us_regions(realm) if r != primary])}, "
            "or an empty string for no DR",
        )
    return primary, dr


def _read_aws_regions(reader: _Reader) -> tuple[str, str]:
    p = f"{PROJECT}:"
    backup = str(reader.setting("backupRegion")).strip().lower()
    aws_allowed = allowed_aws_us_regions()
    if region_catalog.lookup("aws", backup) is None:
        reader.problem(
            p + "backupRegion",
            f"{backup!r} is not a known AWS region; allowed: {_join(aws_allowed)}",
        )
    elif backup not in aws_allowed:
        reader.problem(
            p + "backupRegion",
            f"{backup!r} is outside the US jurisdiction; backups of US user data may only go to "
            f"{_join(aws_allowed)}",
        )
    restricted = str(reader.setting("restrictedRegion")).strip().lower()
    aws_commercial = sorted(
        name for name, r in region_catalog.regions("aws").items() if r.partition == "aws"
    )
    if restricted not in aws_commercial:
        reader.problem(
            p + "restrictedRegion",
            f"{restricted!r} is not a known AWS region; allowed: {_join(aws_commercial)}",
        )
    return backup, restricted


def _read_network(reader: _Reader, has_dr: bool) -> tuple[str, str, str]:
    p = f"{PROJECT}:"
    primary_cidr = str(reader.setting("primaryVcnCidr"))
    dr_cidr = str(reader.setting("drVcnCidr"))
    primary_net = _check_cidr(reader, p + "primaryVcnCidr", primary_cidr)
    dr_net = _check_cidr(reader, p + "drVcnCidr", dr_cidr)
    if has_dr and primary_net and dr_net and primary_net.overlaps(dr_net):
        reader.problem(p + "drVcnCidr", f"{dr_cidr} overlaps primaryVcnCidr {primary_cidr}")
    zone = str(reader.setting("dnsZoneName")).strip().rstrip(".").lower()
    if not re.fullmatch(r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", zone):
        reader.problem(p + "dnsZoneName", f"{zone!r} is not a DNS zone name such as example.com")
    return primary_cidr, dr_cidr, zone


def _read_sizes(reader: _Reader) -> dict[str, int]:
    """Retentions and database sizes, by setting key."""
    ranges = {
        "auditRetentionDays": (90, 365),
        "logRetentionDays": None,  # a fixed set of values, checked below
        "backupRetentionDays": (1, 3650),
        "databaseComputeCount": (2, 512),
        "databaseStorageTbs": (1, 384),
    }
    values: dict[str, int] = {}
    for key, bounds in ranges.items():
        values[key] = int(reader.setting(key))
        if bounds is not None:
            _check_range(reader, key, values[key], *bounds)
        elif values[key] not in _LOG_RETENTIONS:
            reader.problem(
                f"{PROJECT}:{key}",
                f"{values[key]} is not allowed; allowed: {', '.join(map(str, _LOG_RETENTIONS))}",
            )
    return values


def load_config(stack: str | None = None) -> BlueprintConfig:
    """Read and validate the stack configuration, or raise ``ConfigError`` naming every bad key."""
    stack = stack or pulumi.get_stack()
    reader = _Reader()
    tenancy, realm = _read_tenancy(reader)
    accounts = _read_accounts(reader)
    primary, dr = _read_oci_regions(reader, realm)
    backup, restricted = _read_aws_regions(reader)
    retired = bool(reader.setting("restrictedRegionRetired"))
    primary_cidr, dr_cidr, zone = _read_network(reader, dr is not None)
    sizes = _read_sizes(reader)
    _check_default_provider_regions(reader, primary, backup)

    if reader.problems:
        raise ConfigError(stack, reader.problems)

    oci = pulumi.Config("oci")
    return BlueprintConfig(
        stack=stack,
        tenancy_ocid=tenancy,
        realm=realm,
        aws_account_ids=accounts,
        primary_region=primary,
        dr_region=dr,
        backup_region=backup,
        restricted_region=restricted,
        restricted_region_retired=retired,
        primary_vcn_cidr=primary_cidr,
        dr_vcn_cidr=dr_cidr,
        dns_zone_name=zone,
        audit_retention_days=sizes["auditRetentionDays"],
        log_retention_days=sizes["logRetentionDays"],
        backup_retention_days=sizes["backupRetentionDays"],
        database_compute_count=sizes["databaseComputeCount"],
        database_storage_tbs=sizes["databaseStorageTbs"],
        oci_auth=OciAuth(
            config_file_profile=oci.get("configFileProfile"),
            auth=oci.get("auth"),
            user_ocid=oci.get("userOcid"),
            fingerprint=oci.get("fingerprint"),
            private_key_path=oci.get("privateKeyPath"),
        ),
        aws_profile=pulumi.Config("aws").get("profile"),
    )


def _check_default_provider_regions(reader: _Reader, primary: str, backup: str) -> None:
    """The default providers' regions (what tools see for a resource without a provider) must
    agree with the blueprint's: a mismatch means the stack file says two different things."""
    expectations: Mapping[str, tuple[str, str]] = {
        "oci:region": (primary, "primaryRegion"),
        "aws:region": (backup, "backupRegion"),
    }
    for key, (expected, setting) in expectations.items():
        namespace, name = key.split(":")
        value = pulumi.Config(namespace).get(name)
        if value is not None and value.strip().lower() != expected:
            reader.problem(
                key,
                f"{value!r} differs from {PROJECT}:{setting} ({expected!r}); allowed: {expected!r} "
                "or leave it unset",
            )

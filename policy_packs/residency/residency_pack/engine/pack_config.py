"""The pack's configuration: allowed regions per classification, trusted accounts and
tenancies, exemptions; the JSON-schema fragments rules put in their ``config_schema``; and the
validation that turns bad config into one clear message.

CrossGuard config is per policy (``{"residency-region-allowlist": {"allowedRegions": ...}}`` in
the file given to ``--policy-pack-config``), so every policy that needs the region table takes
``allowedRegions``, and every policy takes ``exemptions``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from types import MappingProxyType
from typing import Any, Final

import jsonschema

from residency_pack.engine import declared_places, host_globs, region_catalog, stack_config
from residency_pack.engine.classification import CLASSIFICATIONS, NON_PERSONAL, PUBLIC, US_USER_DATA
from residency_pack.engine.declared_places import DECLARED_PLACES
from residency_pack.engine.region_catalog import CLOUDS, Cloud

ALLOWED_REGIONS: Final = "allowedRegions"
TRUSTED_ACCOUNT_IDS: Final = "trustedAccountIds"
TRUSTED_TENANCY_OCIDS: Final = "trustedTenancyOcids"
TRUSTED_ORGANIZATION_IDS: Final = "trustedOrganizationIds"
TRUSTED_REALMS: Final = "trustedRealms"
ALLOWED_EGRESS_HOSTS: Final = "allowedEgressHosts"
EXEMPTIONS: Final = "exemptions"
EXEMPTION_HORIZON_DAYS: Final = "exemptionHorizonDays"
EXEMPTION_WARNING_DAYS: Final = "exemptionWarningDays"

DEFAULT_EXEMPTION_HORIZON_DAYS: Final = 90
DEFAULT_EXEMPTION_WARNING_DAYS: Final = 14
MAX_EXEMPTION_HORIZON_DAYS: Final = 365  # the config may shorten the horizon, never lift it

DEFAULT_TRUSTED_REALMS: Final = frozenset({"oc1"})

_US_OCI_REGIONS: Final = ["us-ashburn-1", "us-phoenix-1", "us-chicago-1", "us-sanjose-1"]

DEFAULT_ALLOWED_REGIONS: Final[dict[str, dict[str, list[str]]]] = {
    US_USER_DATA: {"oci": _US_OCI_REGIONS, "aws": ["us-east-1"]},
    NON_PERSONAL: {"oci": _US_OCI_REGIONS, "aws": ["us-east-1", "ap-southeast-1"]},
    PUBLIC: {"oci": _US_OCI_REGIONS, "aws": ["us-east-1", "ap-southeast-1"]},
}


class ConfigError(ValueError):
    """Policy config that the policy's schema (or a date in it) rejects."""


def _region_list_schema(cloud: Cloud) -> dict[str, Any]:
    return {
        "type": "array",
        "uniqueItems": True,
        "items": {"type": "string", "enum": sorted(region_catalog.regions(cloud))},
    }


def allowed_regions_schema() -> dict[str, Any]:
    """Schema of ``allowedRegions``: classification -> cloud -> region names."""
    per_class = {
        "type": "object",
        "properties": {cloud: _region_list_schema(cloud) for cloud in CLOUDS},
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "description": "Regions allowed per data classification and cloud. A classification "
        "that is listed replaces its default row; one that is not keeps its default.",
        "properties": {name: per_class for name in CLASSIFICATIONS},
        "additionalProperties": False,
        "default": copy.deepcopy(DEFAULT_ALLOWED_REGIONS),
    }


def trusted_account_ids_schema() -> dict[str, Any]:
    return {
        "type": "array",
        "description": "AWS account ids trusted with the data. When not set, the stack's own "
        "`aws:allowedAccountIds` (its stack config, never a provider of the program).",
        "items": {"type": "string", "pattern": "^[0-9]{12}$"},
    }


def trusted_tenancy_ocids_schema() -> dict[str, Any]:
    return {
        "type": "array",
        "description": "OCI tenancy OCIDs trusted with the data. When not set, the stack's own "
        "`oci:tenancyOcid` (its stack config, never a provider of the program).",
        "items": {"type": "string", "pattern": "^ocid1\\.tenancy\\.[a-z0-9-]+\\.[^.]*\\..+$"},
    }


def trusted_organization_ids_schema() -> dict[str, Any]:
    return {
        "type": "array",
        "description": "AWS Organizations ids (o-...) whose accounts are trusted when a policy "
        "pins `*` with aws:PrincipalOrgID or a grant shares with the organization.",
        "items": {"type": "string", "pattern": "^o-[a-z0-9]{10,32}$"},
    }


def trusted_realms_schema() -> dict[str, Any]:
    return {
        "type": "array",
        "description": "OCI realms (oc1 is the commercial realm) that providers and OCIDs may "
        "name.",
        "items": {"type": "string", "pattern": "^oc[0-9]+$"},
        "minItems": 1,
        "default": sorted(DEFAULT_TRUSTED_REALMS),
    }


def allowed_egress_hosts_schema() -> dict[str, Any]:
    return {
        "type": "array",
        "description": "Hosts outside AWS and OCI that may receive data (globs such as "
        "`*.example.com`; the last two labels must be literal). Empty by default.",
        "items": {"type": "string", "pattern": "^[A-Za-z0-9*?.-]+$"},
        "default": [],
    }


def trust_config_properties() -> dict[str, dict[str, Any]]:
    """Schema fragments of every trust key, for a rule's ``config_properties``."""
    return {
        TRUSTED_ACCOUNT_IDS: trusted_account_ids_schema(),
        TRUSTED_TENANCY_OCIDS: trusted_tenancy_ocids_schema(),
        TRUSTED_ORGANIZATION_IDS: trusted_organization_ids_schema(),
        TRUSTED_REALMS: trusted_realms_schema(),
        ALLOWED_EGRESS_HOSTS: allowed_egress_hosts_schema(),
    }


def exemptions_schema(policy_name: str) -> dict[str, Any]:
    """Schema of ``exemptions`` for one policy. Reason and expiry are required; what an
    exemption may cover (one URN, or a glob within one type) is checked by :func:`resolve`."""
    return {
        "type": "array",
        "description": "Resources this policy does not apply to, each with a reason and an "
        "expiry date (YYYY-MM-DD, inclusive) at most `exemptionHorizonDays` from today. An "
        "exemption names one URN, a URN glob whose type is literal, or a `name` glob with the "
        "`type` it is bounded to. An expired exemption no longer exempts.",
        "items": {
            "type": "object",
            "properties": {
                "urn": {
                    "type": "string",
                    "minLength": 1,
                    "description": "a URN, or a URN glob whose type part is literal",
                },
                "name": {"type": "string", "minLength": 1, "description": "name glob"},
                "type": {
                    "type": "string",
                    "minLength": 1,
                    "description": "the resource type a `name` glob is bounded to",
                },
                "policy": {"type": "string", "const": policy_name},
                "reason": {"type": "string", "pattern": "\\S"},
                "expires": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
            },
            "required": ["policy", "reason", "expires"],
            "anyOf": [{"required": ["urn"]}, {"required": ["name"]}],
            "additionalProperties": False,
        },
        "default": [],
    }


def exemption_horizon_schema() -> dict[str, Any]:
    return {
        "type": "integer",
        "description": "How far ahead an exemption's `expires` may be, in days from today "
        f"(at most {MAX_EXEMPTION_HORIZON_DAYS}).",
        "minimum": 1,
        "maximum": MAX_EXEMPTION_HORIZON_DAYS,
        "default": DEFAULT_EXEMPTION_HORIZON_DAYS,
    }


def exemption_warning_schema() -> dict[str, Any]:
    return {
        "type": "integer",
        "description": "An exemption expiring within this many days is reported as a warning "
        "(advisory), so that it is renewed or its resources fixed in time.",
        "minimum": 0,
        "maximum": MAX_EXEMPTION_HORIZON_DAYS,
        "default": DEFAULT_EXEMPTION_WARNING_DAYS,
    }


def exemption_warning_days(config: Mapping[str, Any]) -> int:
    return int(config.get(EXEMPTION_WARNING_DAYS, DEFAULT_EXEMPTION_WARNING_DAYS))


_URN_PREFIX: Final = "urn:pulumi:"
_GLOB: Final = re.compile(r"[*?\[\]]")
_TYPE_TOKEN: Final = re.compile(r"[^:\s]+:[^:\s]*:[^:\s]+")


@dataclass(frozen=True)
class UrnParts:
    """``urn:pulumi:<stack>::<project>::<qualified type>::<name>``; the qualified type is the
    parents' types and the resource's own, joined by ``$``."""

    stack: str
    project: str
    qualified_type: str
    name: str

    @property
    def type(self) -> str:
        return self.qualified_type.rsplit("$", 1)[-1]

    def fields(self) -> tuple[str, str, str, str]:
        return (self.stack, self.project, self.qualified_type, self.name)


def urn_parts(urn: str) -> UrnParts | None:
    """The parts of a URN (or of a URN glob), or None if it does not have them all."""
    if not urn.startswith(_URN_PREFIX):
        return None
    parts = urn[len(_URN_PREFIX) :].split("::", 3)
    if len(parts) != 4 or not all(parts):
        return None
    return UrnParts(*parts)


def is_literal_type(token: str) -> bool:
    """A resource type token (``aws:s3/bucket:Bucket``) with no glob character in it."""
    return _GLOB.search(token) is None and _TYPE_TOKEN.fullmatch(token) is not None


@dataclass(frozen=True)
class Exemption:
    """One exemption: a URN (or URN glob within one type), or a name glob with its type."""

    policy: str
    reason: str
    expires: dt.date
    urn: str | None = None
    name: str | None = None
    type: str | None = None

    def matches(self, policy: str, urn: str | None, name: str | None) -> bool:
        # Part by part, so that a glob in one part cannot reach across `::` into another type.
        target = urn_parts(urn) if policy == self.policy and urn else None
        if target is None:
            return False
        if self.urn is not None:
            pattern = urn_parts(self.urn)
            return (
                pattern is not None
                and target.type == pattern.type
                and all(map(fnmatchcase, target.fields(), pattern.fields()))
            )
        return (
            self.name is not None
            and target.type == self.type
            and fnmatchcase(name or target.name, self.name)
        )

    def expired(self, today: dt.date) -> bool:
        return today > self.expires

    def describe(self) -> str:
        target = f"urn `{self.urn}`" if self.urn is not None else f"name `{self.name}`"
        if self.urn is None:
            target += f" of type `{self.type}`"
        return f"exemption for {target} ({self.reason}) expiring {self.expires.isoformat()}"


def _exemption_target_problem(item: Mapping[str, Any]) -> str | None:
    urn, name, type_ = item.get("urn"), item.get("name"), item.get("type")
    if urn is not None and (name is not None or type_ is not None):
        return "give either `urn`, or `name` with `type`, not both"
    if urn is not None:
        parts = urn_parts(urn)
        if parts is None:
            return (
                f"urn {urn!r} is not a URN (urn:pulumi:<stack>::<project>::<type>::<name>, "
                "globs allowed except in the type)"
            )
        if not is_literal_type(parts.type):
            return (
                f"urn {urn!r} does not name one resource type (its type part "
                f"{parts.type!r} must be literal): an exemption covers one URN or a glob "
                "within one type"
            )
        return None
    if type_ is None:
        return f"name glob {name!r} needs `type`, the one resource type it is bounded to"
    if not is_literal_type(type_):
        return f"type {type_!r} must be one literal resource type such as `aws:s3/bucket:Bucket`"
    return None


def _parse_exemptions(
    items: list[dict[str, Any]], horizon_days: int, on: dt.date, problems: list[str]
) -> list[Exemption]:
    parsed: list[Exemption] = []
    latest = on + dt.timedelta(days=horizon_days)
    for index, item in enumerate(items):
        where = f"exemptions[{index}]"
        target_problem = _exemption_target_problem(item)
        if target_problem is not None:
            problems.append(f"{where}: {target_problem}")
            continue
        try:
            expires = dt.date.fromisoformat(item["expires"])
        except ValueError:
            problems.append(f"{where}.expires: {item['expires']!r} is not a date")
            continue
        if expires > latest:
            problems.append(
                f"{where}.expires: {expires.isoformat()} is more than {horizon_days} days after "
                f"today ({on.isoformat()}); an exemption may run until {latest.isoformat()} at "
                f"the latest (`{EXEMPTION_HORIZON_DAYS}`), and is renewed by a new review"
            )
            continue
        parsed.append(
            Exemption(
                policy=item["policy"], reason=item["reason"].strip(), expires=expires,
                urn=item.get("urn"), name=item.get("name"), type=item.get("type"),
            )
        )  # fmt: skip
    return parsed


def _us_user_data_problems(table: Mapping[str, Any]) -> list[str]:
    """``us-user-data`` may only be allowed in US regions, whatever the config says."""
    row = table.get(US_USER_DATA) or {}
    problems = []
    for cloud in CLOUDS:
        us = region_catalog.us_regions(cloud)
        outside = sorted(set(row.get(cloud) or []) - set(us))
        if outside:
            problems.append(
                f"{ALLOWED_REGIONS}.{US_USER_DATA}.{cloud}: {', '.join(outside)} "
                f"{'is' if len(outside) == 1 else 'are'} outside the US jurisdiction; "
                f"`{US_USER_DATA}` may only be allowed in US regions ({', '.join(us)})"
            )
    return problems


def _egress_host_problems(hosts: list[str]) -> list[str]:
    problems = []
    for index, host in enumerate(hosts):
        labels = host.split(".")
        if len(labels) < 2 or any(_GLOB.search(label) or not label for label in labels[-2:]):
            problems.append(
                f"{ALLOWED_EGRESS_HOSTS}[{index}]: {host!r} is too broad: the last two labels "
                "of a host glob must be literal (e.g. `*.partner.example`)"
            )
        elif (broad := host_globs.too_broad(host)) is not None:
            problems.append(
                f"{ALLOWED_EGRESS_HOSTS}[{index}]: {host!r} is too broad: {broad}; name the "
                "partner's own domain (e.g. `*.partner.example`) or the exact host"
            )
    return problems


def today() -> dt.date:
    """Today's date in UTC (a function so that tests can pin it)."""
    return dt.datetime.now(dt.UTC).date()


def _error_path(error: jsonschema.ValidationError) -> str:
    path = ""
    for step in error.absolute_path:
        path += f"[{step}]" if isinstance(step, int) else (f".{step}" if path else str(step))
    return path or "(top level)"


def resolve(
    policy_name: str, properties: Mapping[str, Any], raw: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Validate ``raw`` (a policy's config as the SDK hands it over) against the policy's
    ``properties`` schema and return it with defaults applied. Raises :class:`ConfigError`
    with one message naming every bad key and how to fix it."""
    given = {k: v for k, v in dict(raw or {}).items() if k != "enforcementLevel"}
    schema = {"type": "object", "properties": dict(properties), "additionalProperties": False}
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(given), key=lambda e: list(map(str, e.absolute_path)))
    problems = [f"{_error_path(e)}: {e.message}" for e in errors]
    config: dict[str, Any] = {}
    for key, prop_schema in properties.items():
        if key in given:
            config[key] = copy.deepcopy(given[key])
        elif "default" in prop_schema:
            config[key] = copy.deepcopy(prop_schema["default"])
    if not problems:
        problems += _us_user_data_problems(config.get(ALLOWED_REGIONS) or {})
        problems += _egress_host_problems(list(config.get(ALLOWED_EGRESS_HOSTS) or []))
        problems += declared_places.breadth_problems(config.get(DECLARED_PLACES) or [])
        if EXEMPTIONS in config:
            horizon = int(config.get(EXEMPTION_HORIZON_DAYS, DEFAULT_EXEMPTION_HORIZON_DAYS))
            config[EXEMPTIONS] = _parse_exemptions(config[EXEMPTIONS], horizon, today(), problems)
    if problems:
        known = ", ".join(f"`{k}`" for k in properties) or "none"
        raise ConfigError(
            f"The policy config for `{policy_name}` is invalid: {'; '.join(problems)}. "
            f"Fix: correct the `{policy_name}` section of the file passed to "
            f"--policy-pack-config (settings this policy takes: {known}; each exemption needs "
            "`policy`, `reason`, `expires` (YYYY-MM-DD, within `exemptionHorizonDays`) and "
            "`urn`, or `name` with `type`)."
        )
    return config


def _frozen(value: Any) -> Any:
    """A read-only deep copy: mappings as ``MappingProxyType``, lists as tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


class _Facts:
    """What is derived from one resolved config (the allowed regions, the trusted lists),
    computed once. Only configs that :class:`ConfigResolver` froze get one: they cannot
    change, so a fact derived from one stays true for as long as it lives."""

    __slots__ = ("config", "derived")

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config  # held, so that its id names it while the entry lives
        self.derived: dict[Any, Any] = {}


# id(frozen config) -> its facts. Bounded; a config not (or no longer) in here is simply
# derived afresh on every call, as if there were no memo.
_FACTS: dict[int, _Facts] = {}
_FACTS_LIMIT: Final = 256


def _remember(config: Mapping[str, Any]) -> Mapping[str, Any]:
    if len(_FACTS) >= _FACTS_LIMIT:
        _FACTS.clear()
    _FACTS[id(config)] = _Facts(config)
    return config


def _derived(config: Mapping[str, Any], key: Any, derive: Any) -> Any:
    """``derive()``, memoised on ``key`` for a config :class:`ConfigResolver` froze."""
    facts = _FACTS.get(id(config))
    if facts is None or facts.config is not config:
        return derive()
    found = facts.derived.get(key, _FACTS)
    if found is _FACTS:
        found = facts.derived[key] = derive()
    return found


class ConfigResolver:
    """:func:`resolve` for one policy, memoised on the raw config.

    The engine sends the config once (``Configure``) and the SDK hands it to every call, so
    validating it again on every ``Analyze`` would repeat the same work for each resource. The
    memo is keyed on the canonical JSON of the raw config, so a config changed by a later
    ``Configure`` is validated afresh. The result is read-only (it is shared between calls);
    bad config raises a new :class:`ConfigError` with the same message each time.

    The SDK hands every call a shallow copy of the config it decoded at ``Configure``: the
    same value objects each time, new ones after the next ``Configure``. So the last raw
    config is kept, and a call whose values are the very same objects (``is``) skips even the
    canonical JSON; anything else takes the keyed path.
    """

    _LIMIT: Final = 16  # distinct configs remembered; the engine configures a pack once

    def __init__(self, policy_name: str, properties: Mapping[str, Any]) -> None:
        self.policy_name = policy_name
        self.properties = properties
        self._memo: dict[str, Mapping[str, Any] | str] = {}
        self._last: tuple[dict[Any, Any] | None, Mapping[str, Any] | str] | None = None

    def _same_as_last(self, raw: Mapping[str, Any] | None) -> bool:
        last = self._last
        if last is None:
            return False
        previous = last[0]
        if raw is None or previous is None:
            return raw is previous
        if type(raw) is not dict or len(raw) != len(previous):
            return False
        return all(raw.get(key, previous) is value for key, value in previous.items())

    def __call__(self, raw: Mapping[str, Any] | None) -> Mapping[str, Any]:
        if self._same_as_last(raw):
            assert self._last is not None
            found = self._last[1]
        else:
            try:
                key = json.dumps(raw, sort_keys=True)
            except (TypeError, ValueError):  # not JSON (only a test can send that): no memo
                return _frozen(resolve(self.policy_name, self.properties, raw))
            found = self._keyed(key, raw)
            if raw is None or type(raw) is dict:
                self._last = (None if raw is None else dict(raw), found)
        if isinstance(found, str):
            raise ConfigError(found)
        return found

    def _keyed(self, key: str, raw: Mapping[str, Any] | None) -> Mapping[str, Any] | str:
        found = self._memo.get(key)
        if found is None:
            try:
                found = _remember(_frozen(resolve(self.policy_name, self.properties, raw)))
            except ConfigError as error:
                found = str(error)
            if len(self._memo) >= self._LIMIT:
                self._memo.clear()
            self._memo[key] = found
        return found


def _allowed_regions(
    config: Mapping[str, Any], classification: str
) -> dict[Cloud, frozenset[str]]:
    table = {**DEFAULT_ALLOWED_REGIONS, **dict(config.get(ALLOWED_REGIONS) or {})}
    row = table.get(classification)
    if row is None:
        return {cloud: frozenset() for cloud in CLOUDS}
    default_row = DEFAULT_ALLOWED_REGIONS.get(classification, {})
    return {cloud: frozenset(row.get(cloud, default_row.get(cloud, []))) for cloud in CLOUDS}


def allowed_regions(config: Mapping[str, Any], classification: str) -> dict[Cloud, frozenset[str]]:
    """Regions allowed for ``classification``, per cloud. An unknown classification gets none."""
    found = _derived(
        config, (ALLOWED_REGIONS, classification), lambda: _allowed_regions(config, classification)
    )
    return dict(found)


def _allowed_union(config: Mapping[str, Any]) -> dict[Cloud, frozenset[str]]:
    union: dict[Cloud, frozenset[str]] = {cloud: frozenset() for cloud in CLOUDS}
    for classification in CLASSIFICATIONS:
        for cloud, names in allowed_regions(config, classification).items():
            union[cloud] = union[cloud] | names
    return union


def allowed_union(config: Mapping[str, Any]) -> dict[Cloud, frozenset[str]]:
    """Regions allowed for any classification: nothing at all may be placed outside these."""
    return dict(_derived(config, "allowed-union", lambda: _allowed_union(config)))


def is_allowed(config: Mapping[str, Any], classification: str, cloud: Cloud, region: str) -> bool:
    return region in allowed_regions(config, classification)[cloud]


def _configured(config: Mapping[str, Any], key: str) -> frozenset[str] | None:
    """The policy config's list under ``key``, or None when the config does not set it."""
    found: frozenset[str] | None = _derived(
        config, ("configured", key), lambda: _configured_list(config, key)
    )
    return found


def _configured_list(config: Mapping[str, Any], key: str) -> frozenset[str] | None:
    if key not in config or config[key] is None:
        return None
    return frozenset(str(item).strip() for item in config[key] if str(item).strip())


def trusted_account_ids(config: Mapping[str, Any]) -> frozenset[str]:
    """The policy config's ``trustedAccountIds`` when set, else the stack's own
    ``aws:allowedAccountIds``. Never a provider of the program under review."""
    configured = _configured(config, TRUSTED_ACCOUNT_IDS)
    return configured if configured is not None else stack_config.account_ids()


def trusted_tenancy_ocids(config: Mapping[str, Any]) -> frozenset[str]:
    """The policy config's ``trustedTenancyOcids`` when set, else the stack's own
    ``oci:tenancyOcid``."""
    configured = _configured(config, TRUSTED_TENANCY_OCIDS)
    return configured if configured is not None else stack_config.tenancy_ocids()


def trusted_organization_ids(config: Mapping[str, Any]) -> frozenset[str]:
    """The policy config's ``trustedOrganizationIds`` (the stack config names none)."""
    return _configured(config, TRUSTED_ORGANIZATION_IDS) or frozenset()


def trusted_realms(config: Mapping[str, Any]) -> frozenset[str]:
    """The policy config's ``trustedRealms``; the commercial realm ``oc1`` by default."""
    configured = _configured(config, TRUSTED_REALMS)
    return configured if configured else DEFAULT_TRUSTED_REALMS


def trusted_partitions(config: Mapping[str, Any]) -> frozenset[str]:
    """The AWS partitions the trusted accounts live in: those of the allowed AWS regions,
    the commercial partition ``aws`` when none is known. An account number is unique only
    within its partition: ``arn:aws-us-gov:iam::<ours>:root`` is another account."""
    partitions = frozenset(
        found.partition
        for name in allowed_union(config)["aws"]
        if (found := region_catalog.lookup("aws", name)) is not None and found.partition
    )
    return partitions or frozenset({"aws"})


def allowed_egress_hosts(config: Mapping[str, Any]) -> tuple[str, ...]:
    """Host globs outside the clouds that may receive data: the policy config's
    ``allowedEgressHosts``, none by default."""
    return tuple(sorted(_configured(config, ALLOWED_EGRESS_HOSTS) or ()))


def exemptions(config: Mapping[str, Any]) -> Iterable[Exemption]:
    return [e for e in config.get(EXEMPTIONS) or [] if isinstance(e, Exemption)]

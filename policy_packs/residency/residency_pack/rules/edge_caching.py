"""residency-edge-caching (stack policy): US user data passes through CloudFront edges only
uncached, and nothing personal is replicated to every edge.

CloudFront keeps copies at edge locations worldwide. No price class is US-only
(`PriceClass_100` includes Europe, Canada and Israel) and a geo restriction limits viewers, not
where the edge caches; so the only way user data may cross an edge is uncached (transit).

1. **Distributions** (`aws.cloudfront.Distribution`, `aws.cloudfront.MultitenantDistribution`).
   An origin *carries us-user-data* when:

   * the distribution itself is labelled `us-user-data`, or its label is unknown (every origin);
   * the origin resolves (its `domainName` by value; while unknown in preview, through the
     property dependencies of `origins`, following a `VpcOrigin`, a DNS record or a function
     URL to what it names; an origin access control is not an origin) to a
     resource of the stack that us-user-data reaches in the data-flow graph
     (:mod:`residency_pack.engine.dataflow`: a store labelled so, or a compute/API/LB that
     reads or receives one), or to a resource of the stack without a known label (an
     unlabelled store, LB or function: fail closed), unless the distribution is labelled
     `non-personal`/`public`, which then speaks for unlabelled conduits;
   * the origin cannot be resolved to a resource of the stack (a host outside it, an unknown
     value that is no output of a cloud resource of the stack): fail closed, unless the
     distribution is labelled `non-personal`/`public` (`residency-named-places` judges the
     host itself).

   Several origins whose domains are unknown in preview cannot be told apart (the engine's
   property dependencies are per top-level input): each of them carries user data if any
   resource `origins` depends on does.

   Every cache behaviour (`defaultCacheBehavior`, `orderedCacheBehaviors` / `cacheBehaviors`)
   whose `targetOriginId` is such an origin, an origin group with such a member, or cannot be
   matched must have all TTLs zero: the managed `CachingDisabled` cache policy
   (`4135ea2d-6df8-44a3-9df3-4b5a84be39ad`), an `aws.cloudfront.CachePolicy` of the stack with
   `minTtl`, `defaultTtl` and `maxTtl` 0, or (no `cachePolicyId`, legacy `forwardedValues`)
   the behaviour's own `minTtl`, `defaultTtl` and `maxTtl` 0. Any other managed or foreign
   cache policy id, a TTL left to its provider default (`defaultTtl` 86400, `maxTtl`
   31536000; `minTtl` defaults to 0), or a TTL or policy id that cannot be read is a violation.
   Origin-request and response-headers policies do not cache and are not judged. A
   distribution whose origins carry no user data may cache.

   A Lightsail distribution (`aws.lightsail.Distribution`, CloudFront underneath) serves one
   origin named by `origin.name` (a Lightsail bucket, instance or load balancer), resolved the
   same way; when it carries user data, its `defaultCacheBehavior` and every `cacheBehaviors`
   path must be `dont-cache`, unless `cacheBehaviorSettings` sets every TTL to 0.

2. **Key-value stores** (`aws.cloudfront.KeyValueStore`) are replicated to every edge
   location, so they may hold only `non-personal` or `public` data: a store labelled
   `us-user-data`, or with no or an unknown label, is a violation (whatever its provider's
   region). Its keys (`KeyvaluestoreKey`, `KeyvaluestoreKeysExclusive`) take no tags and
   inherit their store's label; a key is a violation when its store is not a resource of the
   stack (its label cannot be seen), or when its value is an output of a resource that
   us-user-data reaches (classification laundering into the edge).

CloudFront Functions and connection functions are `moves-data` in the type catalog (code run
on requests, no store): requests pass through them uncached, which the decision allows; their
destinations are `residency-data-flow`'s and `residency-named-places`'s.

Unknowns: a stack policy runs when every output of the update is known; in preview, an unknown
cache policy id is resolved through the behaviour's property dependencies to the stack's cache
policies (all of them must disable caching); any other unknown that decides is a violation.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pulumi_policy import Severity

from residency_pack.engine import copy_fields, type_catalog
from residency_pack.engine.classification import NON_PERSONAL, PUBLIC, US_USER_DATA
from residency_pack.engine.dataflow import build_graph, is_origin
from residency_pack.engine.props import UNKNOWN, get
from residency_pack.engine.rule import Finding, RuleSpec, StackContext, StackResource, stack_policy

NAME = "residency-edge-caching"

DISTRIBUTION: Final = "aws:cloudfront/distribution:Distribution"
MULTITENANT_DISTRIBUTION: Final = "aws:cloudfront/multitenantDistribution:MultitenantDistribution"
# A Lightsail distribution is a CloudFront distribution managed by Lightsail: its edges cache
# what its behaviours say (``cache`` / ``dont-cache``), worldwide like any distribution.
LIGHTSAIL_DISTRIBUTION: Final = "aws:lightsail/distribution:Distribution"
DISTRIBUTIONS: Final = frozenset({DISTRIBUTION, MULTITENANT_DISTRIBUTION, LIGHTSAIL_DISTRIBUTION})
LIGHTSAIL_TTLS: Final = ("minimumTtl", "defaultTtl", "maximumTtl")
CACHE_POLICY: Final = "aws:cloudfront/cachePolicy:CachePolicy"
KEY_VALUE_STORE: Final = "aws:cloudfront/keyValueStore:KeyValueStore"
KVS_KEYS: Final = frozenset({
    "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey",
    "aws:cloudfront/keyvaluestoreKeysExclusive:KeyvaluestoreKeysExclusive",
})  # fmt: skip
# The managed cache policy "Managed-CachingDisabled": every TTL 0 (CloudFront Developer Guide,
# "Use managed cache policies").
CACHING_DISABLED: Final = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
TTLS: Final = ("minTtl", "defaultTtl", "maxTtl")
# The provider's defaults for a TTL left unset (pulumi-aws 7 / the AWS API): only `minTtl` is 0.
TTL_DEFAULTS: Final[Mapping[str, int]] = {"minTtl": 0, "defaultTtl": 86400, "maxTtl": 31536000}
EDGE_SAFE: Final = frozenset({NON_PERSONAL, PUBLIC})
# An origin that is one of these is followed to what it names: a VPC origin or a DNS record
# (global), a Lambda function URL (grants-access). An origin access control names nothing.
_FOLLOWED_ROLES: Final = frozenset({"global", "grants-access"})
_MAX_HOPS: Final = 4
_S3_HOST: Final = re.compile(r"^(.+?)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$")

SPEC = RuleSpec(
    name=NAME,
    display_name="US user data crosses CloudFront edges only uncached",
    description=(
        "CloudFront distributions reach origins that carry us-user-data only through cache "
        "behaviours with every TTL 0 (CachingDisabled, or a zero-TTL cache policy of the "
        "stack), and CloudFront key-value stores, replicated to every edge, hold only "
        "non-personal or public data."
    ),
    severity=Severity.HIGH,
    remediation=(
        "disable caching for the behaviour (`cache_policy_id` "
        f"`{CACHING_DISABLED}` (Managed-CachingDisabled), or a cache policy of the stack with "
        "`min_ttl`, `default_ttl` and `max_ttl` 0), or serve the origin without CloudFront; "
        "an origin that carries no user data may be cached: label it (and the distribution) "
        "`non-personal` or `public`. Or exempt the distribution in this policy with the reason "
        "and an expiry."
    ),
    frameworks=("residency", "gdpr-art-44", "project-texas"),
)

_KVS_FIX: Final = (
    "keep only non-personal or public data in the key-value store and label it so "
    "(`tags={'data-classification': 'non-personal'}`); keep user data in a store in a region "
    "allowed for it and look it up from the origin, not at the edge."
)


def check(ctx: StackContext) -> Iterator[Finding]:
    if not any(
        r.type in DISTRIBUTIONS or r.type == KEY_VALUE_STORE or r.type in KVS_KEYS
        for r in ctx.resources
    ):
        return
    reached = _reached_by_user_data(ctx.resources)
    cache_policies = {r.urn: r for r in ctx.resources if r.type == CACHE_POLICY}
    by_value = _stack_values(ctx.resources)
    for resource in ctx.resources:
        if resource.type == LIGHTSAIL_DISTRIBUTION:
            yield from _lightsail_distribution(ctx, resource, reached, by_value)
        elif resource.type in DISTRIBUTIONS:
            yield from _distribution(ctx, resource, reached, by_value, cache_policies)
        elif resource.type == KEY_VALUE_STORE:
            yield from _key_value_store(resource)
        elif resource.type in KVS_KEYS:
            yield from _kvs_key(ctx, resource, reached)


# --- who carries user data ---------------------------------------------------------------------


def _reached_by_user_data(resources: Sequence[StackResource]) -> frozenset[str]:
    """The URNs of the stack's resources that us-user-data reaches in the data-flow graph (a
    store labelled so or of unknown label, and what it flows into), not passing through a
    distribution: a distribution's own label is judged per distribution."""
    graph = build_graph(resources)
    origins = [r.urn for r in resources if is_origin(r)]
    origins += [key for key, node in graph.nodes.items() if node.origin]
    seen = set(origins)
    queue = deque(origins)
    types = {r.urn: r.type for r in resources}
    while queue:
        current = queue.popleft()
        if types.get(current) in DISTRIBUTIONS:
            continue
        for target in graph.successors(current):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return frozenset(seen)


@dataclass(frozen=True)
class _Origin:
    id: str | None  # None: unknown
    carries: str | None  # why it carries user data; None: it does not


def _origins(
    ctx: StackContext,
    dist: StackResource,
    reached: frozenset[str],
    by_value: Mapping[str, Sequence[str]],
) -> list[_Origin]:
    label = dist.classification
    own = (
        f"the distribution is labelled `{US_USER_DATA}`" if label == US_USER_DATA
        else "the distribution's label is unknown" if label is UNKNOWN
        else None
    )  # fmt: skip
    safe_label = label in EDGE_SAFE
    origins = get(dist.props, "origins")
    if not isinstance(origins, list):
        origins = [] if origins is None else [UNKNOWN]
    deps = _data_candidates(ctx, dist.property_dependencies.get("origins", ()), dist.urn)
    found: list[_Origin] = []
    for origin in origins:
        origin_id = get(origin, "originId")  # a multitenant distribution's origin: `id`
        origin_id = origin_id if isinstance(origin_id, str) else get(origin, "id")
        if not isinstance(origin_id, str):
            origin_id = None
        domain = get(origin, "domainName")
        if isinstance(domain, str) and domain:
            named = [
                urn for value in _domain_keys(domain) for urn in by_value.get(value, ())
            ]  # fmt: skip
            candidates = _data_candidates(ctx, named, dist.urn)
            what = f"`{domain}`"
        else:
            candidates = deps
            what = "an origin whose domain is unknown in preview"
        carries = _carries(ctx, what, candidates, reached, safe_label)
        found.append(_Origin(origin_id, carries or own))
    return found


def _domain_keys(domain: str) -> list[str]:
    """What an origin's domain may equal among the stack's values: itself, its host, and the
    bucket of an S3 host (``<bucket>.s3.<region>.amazonaws.com``, ``<bucket>.s3.amazonaws.com``,
    ``<bucket>.s3-website-<region>.amazonaws.com``, ``<bucket>.s3-website.<region>...``)."""
    host = copy_fields.host_of(domain) or domain
    keys = [domain, host]
    match = _S3_HOST.match(host.lower())
    if match:
        keys.append(match.group(1))
    return list(dict.fromkeys(keys))


def _carries(
    ctx: StackContext,
    what: str,
    candidates: Sequence[str],
    reached: frozenset[str],
    safe_label: bool,
) -> str | None:
    if not candidates:
        if safe_label:
            return None
        return (
            f"{what} is not a resource of this stack, so what it serves cannot be seen "
            "(fail closed)"
        )
    for urn in candidates:
        resource = ctx.by_urn(urn)
        name = resource.name if resource is not None else urn
        if urn in reached:
            return f"{what} is `{name}`, which {US_USER_DATA} reaches"
        if resource is not None and resource.classification is None and not safe_label:
            return f"{what} is `{name}`, which has no `data-classification` label (fail closed)"
    return None


def _stack_values(resources: Iterable[StackResource]) -> dict[str, list[str]]:
    """Every known top-level string output or input of the stack's cloud resources (a bucket's
    `bucketRegionalDomainName`, an ALB's `dnsName`, an API's endpoint host) -> its URNs."""
    index: dict[str, list[str]] = {}
    for resource in resources:
        if type_catalog.cloud_of(resource.type) is None or type_catalog.is_provider(resource.type):
            continue
        if not isinstance(resource.props, dict) or resource.type in DISTRIBUTIONS:
            continue
        for value in resource.props.values():
            if isinstance(value, str) and value:
                index.setdefault(value, []).append(resource.urn)
                host = copy_fields.host_of(value) if "://" in value else None
                if host:
                    index.setdefault(host, []).append(resource.urn)
    return index


def _data_candidates(
    ctx: StackContext, urns: Iterable[str], self_urn: str, depth: int = 0
) -> list[str]:
    """The cloud resources of the stack among ``urns`` that data can come from: a global or
    grants-access resource (a `VpcOrigin`, a DNS record, a function URL) is followed to what it
    names (an origin access control names nothing and drops out), and a command or random value
    only spells a place. A load balancer or an API (config-only: traffic passes) is an
    origin."""
    found: list[str] = []
    for urn in dict.fromkeys(urns):
        resource = ctx.by_urn(urn)
        if resource is None or urn == self_urn or type_catalog.is_provider(resource.type):
            continue
        if type_catalog.cloud_of(resource.type) is None:
            continue
        if type_catalog.role_of(resource.type) in _FOLLOWED_ROLES:
            # A VPC origin, a DNS record, a function URL: followed to what it names (an ALB,
            # a function); an origin access control names nothing and drops out.
            if depth < _MAX_HOPS:
                inner = [u for deps in resource.property_dependencies.values() for u in deps]
                found += _data_candidates(ctx, inner, self_urn, depth + 1)
            continue
        found.append(urn)
    return list(dict.fromkeys(found))


# --- distributions -----------------------------------------------------------------------------


def _behaviours(dist: StackResource) -> Iterator[tuple[str, str, Any]]:
    """(top-level input, display path, behaviour) of every cache behaviour."""
    default = get(dist.props, "defaultCacheBehavior")
    if default is not None:
        yield "defaultCacheBehavior", "defaultCacheBehavior", default
    for field in ("orderedCacheBehaviors", "cacheBehaviors"):
        listed = get(dist.props, field)
        if listed is UNKNOWN:
            yield field, field, UNKNOWN
        elif isinstance(listed, list):
            for index, behaviour in enumerate(listed):
                yield field, f"{field}[{index}]", behaviour


def _groups(dist: StackResource) -> dict[str, list[str | None]] | None:
    """Origin group id -> member origin ids (None: a member id unknown); None if unknown."""
    groups = get(dist.props, "originGroups")
    if groups is None:
        return {}
    if not isinstance(groups, list):
        return None
    found: dict[str, list[str | None]] = {}
    for group in groups:
        group_id = get(group, "originId")
        if not isinstance(group_id, str):
            group_id = get(group, "id")
        if not isinstance(group_id, str):
            return None
        members = get(group, "members")
        found[group_id] = [
            m if isinstance(m := get(member, "originId"), str) else None
            for member in (members if isinstance(members, list) else [UNKNOWN])
        ]
    return found


def _targets_user_data(
    behaviour: Any, origins: Sequence[_Origin], groups: dict[str, list[str | None]] | None
) -> str | None:
    """Why the behaviour routes to an origin that carries user data; None if it does not."""
    carrying = [o for o in origins if o.carries]
    if not carrying:
        return None
    target = get(behaviour, "targetOriginId")
    if not isinstance(target, str):
        return f"its target origin is unknown, and {carrying[0].carries}"
    ids: list[str | None] = [target]
    if groups is None:
        ids.append(None)
    elif target in groups:
        ids = list(groups[target])
    for origin_id in ids:
        for origin in carrying:
            if origin_id is None or origin.id is None or origin.id == origin_id:
                return f"it routes to origin `{origin.id or '?'}`: {origin.carries}"
    if not any(o.id == i for o in origins for i in ids):
        return f"its target origin `{target}` matches no origin, and {carrying[0].carries}"
    return None


def _cached(
    dist: StackResource,
    field: str,
    behaviour: Any,
    cache_policies: Mapping[str, StackResource],
) -> str | None:
    """Why the behaviour may cache; None if every TTL is 0."""
    if behaviour is UNKNOWN or not isinstance(behaviour, dict):
        return "the behaviour is unknown"
    policy_id = get(behaviour, "cachePolicyId")
    if policy_id is None:
        if dist.type == MULTITENANT_DISTRIBUTION:
            return "it names no cache policy"
        return _ttls_cached(behaviour, "the behaviour's legacy TTLs")
    if policy_id == CACHING_DISABLED:
        return None
    if isinstance(policy_id, str):
        policies = [p for p in cache_policies.values() if policy_id in (get(p.props, "id"), p.urn)]
        if not policies:
            return (
                f"cache policy `{policy_id}` is neither Managed-CachingDisabled nor a cache "
                "policy of this stack, so its TTLs cannot be seen"
            )
    else:
        policies = [
            p for u in dist.property_dependencies.get(field, ())
            if (p := cache_policies.get(u)) is not None
        ]  # fmt: skip
        if not policies:
            return "its `cachePolicyId` is unknown and is no cache policy of this stack"
    for policy in policies:
        why = _ttls_cached(policy.props, f"cache policy `{policy.name}`")
        if why:
            return why
    return None


def _ttls_cached(props: Any, what: str) -> str | None:
    parts: list[str] = []
    for ttl in TTLS:
        value = get(props, ttl)
        if value is UNKNOWN:
            parts.append(f"`{ttl}` unknown")
        elif value is None:
            if TTL_DEFAULTS[ttl]:
                parts.append(f"`{ttl}` unset (default {TTL_DEFAULTS[ttl]})")
        elif not isinstance(value, (int, float)) or isinstance(value, bool) or value != 0:
            shown = int(value) if isinstance(value, float) and value.is_integer() else value
            parts.append(f"`{ttl}` {shown!r}")
    return f"{what} cache: {', '.join(parts)}" if parts else None


def _distribution(
    ctx: StackContext,
    dist: StackResource,
    reached: frozenset[str],
    by_value: Mapping[str, Sequence[str]],
    cache_policies: Mapping[str, StackResource],
) -> Iterator[Finding]:
    origins = _origins(ctx, dist, reached, by_value)
    groups = _groups(dist)
    for field, path, behaviour in _behaviours(dist):
        routes = _targets_user_data(behaviour, origins, groups)
        if routes is None:
            continue
        cached = _cached(dist, field, behaviour, cache_policies)
        if cached is None:
            continue
        yield Finding(
            f"`{dist.name}`.{path} may cache {US_USER_DATA} at CloudFront edge locations "
            f"worldwide ({cached}); {routes}. No price class is US-only and a geo restriction "
            "limits viewers, not where the edges cache.",
            urn=dist.urn,
        )


def _lightsail_distribution(
    ctx: StackContext,
    dist: StackResource,
    reached: frozenset[str],
    by_value: Mapping[str, Sequence[str]],
) -> Iterator[Finding]:
    """A Lightsail distribution serves one origin (a Lightsail bucket, instance or load
    balancer, named by ``origin.name``); ``defaultCacheBehavior.behavior`` ``cache`` caches
    everything but the ``dont-cache`` paths of ``cacheBehaviors``, ``dont-cache`` caches only
    their ``cache`` paths. When the origin carries user data, every behaviour that caches is a
    violation, unless ``cacheBehaviorSettings`` sets every TTL to 0."""
    label = dist.classification
    own = (
        f"the distribution is labelled `{US_USER_DATA}`" if label == US_USER_DATA
        else "the distribution's label is unknown" if label is UNKNOWN
        else None
    )  # fmt: skip
    name = get(get(dist.props, "origin"), "name")
    if isinstance(name, str) and name:
        candidates = _data_candidates(ctx, by_value.get(name, ()), dist.urn)
        what = f"origin `{name}`"
    else:
        candidates = _data_candidates(ctx, dist.property_dependencies.get("origin", ()), dist.urn)
        what = "an origin whose name is unknown in preview"
    carries = _carries(ctx, what, candidates, reached, label in EDGE_SAFE) or own
    if carries is None:
        return
    settings = get(dist.props, "cacheBehaviorSettings")
    if isinstance(settings, dict) and _ttls_zero(settings):
        return
    behaviours: list[tuple[str, Any]] = [
        ("defaultCacheBehavior", get(get(dist.props, "defaultCacheBehavior"), "behavior"))
    ]
    listed = get(dist.props, "cacheBehaviors")
    if isinstance(listed, list):
        behaviours += [
            (f"cacheBehaviors[{i}]", get(item, "behavior")) for i, item in enumerate(listed)
        ]
    elif listed is UNKNOWN:
        behaviours.append(("cacheBehaviors", UNKNOWN))
    for path, behavior in behaviours:
        if behavior == "dont-cache" or (behavior is None and path != "defaultCacheBehavior"):
            continue
        shown = "unknown" if behavior is UNKNOWN or behavior is None else repr(behavior)
        yield Finding(
            f"Lightsail distribution `{dist.name}`.{path} may cache {US_USER_DATA} at CloudFront "
            f"edge locations worldwide (behavior {shown}); {carries}. No price class is US-only "
            "and the edges cache wherever viewers are.",
            urn=dist.urn,
            fix="set the behaviour to `dont-cache` (or serve the origin without a distribution); "
            "an origin that carries no user data may be cached: label it (and the distribution) "
            "`non-personal` or `public`.",
        )


def _ttls_zero(settings: Mapping[str, Any]) -> bool:
    return all(
        isinstance(v := settings.get(ttl), (int, float)) and not isinstance(v, bool) and v == 0
        for ttl in LIGHTSAIL_TTLS
    )


# --- key-value stores --------------------------------------------------------------------------


def _key_value_store(store: StackResource) -> Iterator[Finding]:
    label = store.classification
    if label in EDGE_SAFE:
        return
    shown = (
        "has an unknown `data-classification`" if label is UNKNOWN
        else "has no `data-classification` label" if label is None
        else f"is labelled `{label}`"
    )  # fmt: skip
    yield Finding(
        f"CloudFront key-value store `{store.name}` {shown}; a key-value store is replicated to "
        "every CloudFront edge location worldwide, so it may hold only non-personal or public "
        "data.",
        urn=store.urn,
        fix=_KVS_FIX,
    )


def _kvs_key(ctx: StackContext, key: StackResource, reached: frozenset[str]) -> Iterator[Finding]:
    arn = get(key.props, "keyValueStoreArn")
    stores = [
        u for u in key.property_dependencies.get("keyValueStoreArn", ())
        if (r := ctx.by_urn(u)) is not None and r.type == KEY_VALUE_STORE
    ] + [
        r.urn for r in ctx.resources
        if r.type == KEY_VALUE_STORE and isinstance(arn, str) and get(r.props, "arn") == arn
    ]  # fmt: skip
    if not stores:
        yield Finding(
            f"`{key.name}` writes to key-value store {arn!r}, which is not a resource of this "
            "stack: its classification cannot be seen, and a key-value store is replicated to "
            "every CloudFront edge location (fail closed).",
            urn=key.urn,
            fix="create the key-value store in this stack, labelled `non-personal` or `public`.",
        )
    for field in ("value", "resourceKeyValuePairs", "key"):
        for urn in key.property_dependencies.get(field, ()):
            source = ctx.by_urn(urn)
            if source is None or source.type in KVS_KEYS or source.type == KEY_VALUE_STORE:
                continue
            if urn in reached or source.classification in (US_USER_DATA, UNKNOWN):
                yield Finding(
                    f"`{key.name}`.{field} comes from `{source.name}`, which {US_USER_DATA} "
                    "reaches: the value is replicated to every CloudFront edge location "
                    "(classification laundering into the edge).",
                    urn=key.urn,
                    fix=_KVS_FIX,
                )
                break


POLICY = stack_policy(SPEC, check)

"""residency-edge-caching through the policy SDK's own AnalyzeStack: one compliant stack (a
user-data bucket behind CloudFront with caching disabled, a non-personal key-value store) and
one field changed per case."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from residency_pack.engine import pack_config
from residency_pack.rules.edge_caching import CACHING_DISABLED, POLICY, SPEC
from residency_pack.testing import (
    UNKNOWN_ARRAY,
    UNKNOWN_NUMBER,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
    Diagnostic,
    Resource,
    analyze_stack,
    aws_provider,
)

from ..flows.trust import STACK_CONFIG

US = aws_provider("us-east-1", name="us")
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"
KVS = "aws:cloudfront/keyValueStore:KeyValueStore"
KVS_KEY = "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey"


def tags(classification: str) -> dict[str, str]:
    return {"data-classification": classification}


USER_BUCKET = Resource("aws:s3/bucket:Bucket", "user-media", {"tags": tags("us-user-data")}, US)
PUBLIC_BUCKET = Resource(
    "aws:s3/bucket:Bucket", "assets", {"bucket": "assets", "tags": tags("public")}, US
)
LB = Resource("aws:lb/loadBalancer:LoadBalancer", "api", {"loadBalancerType": "application"}, US)
OAC = Resource(
    "aws:cloudfront/originAccessControl:OriginAccessControl", "oac",
    {"originAccessControlOriginType": "s3", "signingBehavior": "always"}, US,
)  # fmt: skip


def cache_policy(name: str, **ttls: Any) -> Resource:
    return Resource(CACHE_POLICY, name, {"name": name, **ttls}, US)


def behaviour(origin: str = "origin", **caching: Any) -> dict[str, Any]:
    return {
        "targetOriginId": origin,
        "viewerProtocolPolicy": "https-only",
        "allowedMethods": ["GET", "HEAD"],
        "cachedMethods": ["GET", "HEAD"],
        **(caching if caching else {"cachePolicyId": CACHING_DISABLED}),
    }


def distribution(
    origin: Resource = USER_BUCKET,
    *,
    default: dict[str, Any] | None = None,
    ordered: list[dict[str, Any]] | None = None,
    domain: Any = UNKNOWN_STRING,
    label: str | None = None,
    deps: dict[str, list[str]] | None = None,
    **props: Any,
) -> Resource:
    body: dict[str, Any] = {
        "enabled": True,
        "priceClass": "PriceClass_100",
        "origins": [{"originId": "origin", "domainName": domain, "originAccessControlId": "x"}],
        "defaultCacheBehavior": default or behaviour(),
        "restrictions": {"geoRestriction": {"restrictionType": "whitelist", "locations": ["US"]}},
        **props,
    }
    if ordered is not None:
        body["orderedCacheBehaviors"] = ordered
    if label is not None:
        body["tags"] = tags(label)
    property_dependencies = {"origins": [origin.resource_urn(), OAC.resource_urn()]}
    property_dependencies.update(deps or {})
    return Resource(DISTRIBUTION, "cdn", body, US, property_dependencies=property_dependencies)


def run(*resources: Resource) -> list[Diagnostic]:
    diagnostics = analyze_stack(POLICY, list(resources), None, STACK_CONFIG)
    assert all(d.enforcement == "mandatory" and d.policy == SPEC.name for d in diagnostics)
    return diagnostics


def stack(*extra: Resource, cdn: Resource | None = None) -> list[Diagnostic]:
    return run(USER_BUCKET, PUBLIC_BUCKET, LB, OAC, cdn or distribution(), *extra)


def test_caching_disabled_in_front_of_user_data_passes() -> None:
    assert stack() == []


def test_the_rule_is_mandatory_and_described() -> None:
    assert not SPEC.advisory and SPEC.frameworks and SPEC.severity


def test_a_managed_caching_policy_in_front_of_user_data_is_a_violation() -> None:
    [d] = stack(cdn=distribution(default=behaviour(cachePolicyId=CACHING_OPTIMIZED)))
    assert "`cdn`.defaultCacheBehavior may cache us-user-data" in d.message
    assert CACHING_OPTIMIZED in d.message and "user-media" in d.message
    assert d.urn.endswith("::cdn")


def test_price_class_and_geo_restriction_do_not_help() -> None:
    cdn = distribution(
        default=behaviour(cachePolicyId=CACHING_OPTIMIZED), priceClass="PriceClass_100"
    )
    assert len(stack(cdn=cdn)) == 1


def test_a_stack_cache_policy_with_ttls_is_a_violation() -> None:
    policy = cache_policy("per-user", minTtl=60, defaultTtl=300, maxTtl=3600)
    cdn = distribution(
        default=behaviour(cachePolicyId=UNKNOWN_STRING),
        deps={"defaultCacheBehavior": [policy.resource_urn()]},
    )
    [d] = stack(policy, cdn=cdn)
    assert "`minTtl` 60, `defaultTtl` 300, `maxTtl` 3600" in d.message


@pytest.mark.parametrize(
    "ttls",
    [{"minTtl": 0, "defaultTtl": 0, "maxTtl": 0}, {"defaultTtl": 0, "maxTtl": 0}],
    ids=["all-zero", "min-left-at-its-default-0"],
)
def test_a_zero_ttl_stack_cache_policy_passes(ttls: dict[str, int]) -> None:
    policy = cache_policy("no-cache", **ttls)
    cdn = distribution(
        default=behaviour(cachePolicyId=UNKNOWN_STRING),
        deps={"defaultCacheBehavior": [policy.resource_urn()]},
    )
    assert stack(policy, cdn=cdn) == []


@pytest.mark.parametrize(
    ("ttls", "shown"),
    [
        ({"minTtl": 0, "maxTtl": 0}, "`defaultTtl` unset (default 86400)"),
        ({"minTtl": 0, "defaultTtl": 0}, "`maxTtl` unset (default 31536000)"),
        ({"minTtl": 0, "defaultTtl": UNKNOWN_NUMBER, "maxTtl": 0}, "`defaultTtl` unknown"),
        ({"minTtl": 1, "defaultTtl": 0, "maxTtl": 0}, "`minTtl` 1"),
    ],
    ids=["default-unset", "max-unset", "default-unknown", "min-1"],
)
def test_a_cache_policy_ttl_not_zero_is_a_violation(ttls: dict[str, Any], shown: str) -> None:
    policy = cache_policy("almost", **ttls)
    cdn = distribution(
        default=behaviour(cachePolicyId=UNKNOWN_STRING),
        deps={"defaultCacheBehavior": [policy.resource_urn()]},
    )
    [d] = stack(policy, cdn=cdn)
    assert shown in d.message


def test_a_known_stack_cache_policy_id_is_matched_by_value() -> None:
    policy = cache_policy("no-cache", minTtl=0, defaultTtl=0, maxTtl=0)
    policy = replace(policy, props={**policy.props, "id": "abc-123"})
    assert stack(policy, cdn=distribution(default=behaviour(cachePolicyId="abc-123"))) == []


def test_an_unknown_cache_policy_id_that_is_no_stack_policy_is_a_violation() -> None:
    [d] = stack(cdn=distribution(default=behaviour(cachePolicyId=UNKNOWN_STRING)))
    assert "unknown" in d.message


def test_legacy_ttls_all_zero_pass_and_defaults_do_not() -> None:
    legacy = {"forwardedValues": {"queryString": False, "cookies": {"forward": "none"}}}
    zero = distribution(default=behaviour(**legacy, minTtl=0, defaultTtl=0, maxTtl=0))
    assert stack(cdn=zero) == []
    [d] = stack(cdn=distribution(default=behaviour(**legacy)))
    assert "legacy TTLs" in d.message and "86400" in d.message


def test_a_distribution_of_public_origins_may_cache() -> None:
    cdn = distribution(PUBLIC_BUCKET, default=behaviour(cachePolicyId=CACHING_OPTIMIZED))
    assert stack(cdn=cdn) == []


def test_a_distribution_labelled_user_data_may_not_cache_even_public_origins() -> None:
    cdn = distribution(
        PUBLIC_BUCKET, default=behaviour(cachePolicyId=CACHING_OPTIMIZED), label="us-user-data"
    )
    [d] = stack(cdn=cdn)
    assert "labelled `us-user-data`" in d.message


def test_an_unlabelled_load_balancer_origin_fails_closed() -> None:
    cdn = distribution(LB, default=behaviour(cachePolicyId=CACHING_OPTIMIZED))
    [d] = stack(cdn=cdn)
    assert "no `data-classification` label" in d.message


def test_a_non_personal_distribution_speaks_for_an_unlabelled_conduit() -> None:
    cdn = distribution(LB, default=behaviour(cachePolicyId=CACHING_OPTIMIZED), label="non-personal")
    assert stack(cdn=cdn) == []


def test_an_origin_that_user_data_reaches_carries_it_whatever_its_label() -> None:
    # A function labelled non-personal that names the user bucket (a scanned connector reads
    # what it names), served through its function URL: user data reaches the origin.
    fn = Resource(
        "aws:lambda/function:Function", "api-fn",
        {"environment": {"variables": {"BUCKET": "user-media"}}, "tags": tags("non-personal")},
        US,
    )  # fmt: skip
    url = Resource(
        "aws:lambda/functionUrl:FunctionUrl", "api-url",
        {"functionName": UNKNOWN_STRING, "authorizationType": "AWS_IAM"}, US,
        property_dependencies={"functionName": [fn.resource_urn()]},
    )  # fmt: skip
    user_bucket = replace(USER_BUCKET, props={**USER_BUCKET.props, "bucket": "user-media"})
    cdn = distribution(url, default=behaviour(cachePolicyId=CACHING_OPTIMIZED), label="public")
    [d] = run(user_bucket, fn, url, OAC, cdn)
    assert "is `api-fn`, which us-user-data reaches" in d.message
    other = replace(fn, props={**fn.props, "environment": {"variables": {"BUCKET": "assets"}}})
    assert run(user_bucket, other, url, OAC, cdn) == []


def test_an_origin_outside_the_stack_fails_closed_unless_the_distribution_is_non_personal() -> None:
    outside = distribution(
        default=behaviour(cachePolicyId=CACHING_OPTIMIZED), domain="media.example.org", deps={}
    )
    outside = replace(outside, property_dependencies={})
    [d] = stack(cdn=outside)
    assert "not a resource of this stack" in d.message
    labelled = replace(outside, props={**outside.props, "tags": tags("public")})
    assert stack(cdn=labelled) == []


def test_only_behaviours_routing_to_user_data_are_judged() -> None:
    cdn = Resource(
        DISTRIBUTION, "cdn",
        {"origins": [{"originId": "assets", "domainName": "assets.s3.us-east-1.amazonaws.com"},
                     {"originId": "media", "domainName": "media.s3.us-east-1.amazonaws.com"}],
         "defaultCacheBehavior": behaviour("assets", cachePolicyId=CACHING_OPTIMIZED),
         "orderedCacheBehaviors": [{**behaviour("media"), "pathPattern": "/media/*"}]},
        US,
    )  # fmt: skip
    assets = replace(
        PUBLIC_BUCKET,
        props={
            **PUBLIC_BUCKET.props,
            "bucketRegionalDomainName": "assets.s3.us-east-1.amazonaws.com",
        },
    )
    media = replace(
        USER_BUCKET,
        props={**USER_BUCKET.props, "bucketRegionalDomainName": "media.s3.us-east-1.amazonaws.com"},
    )
    assert run(assets, media, cdn) == []
    cached_media = replace(cdn, props={
        **cdn.props,
        "orderedCacheBehaviors": [
            {**behaviour("media", cachePolicyId=CACHING_OPTIMIZED), "pathPattern": "/media/*"}
        ],
    })  # fmt: skip
    [d] = run(assets, media, cached_media)
    assert "orderedCacheBehaviors[0]" in d.message


def test_an_origin_group_with_a_user_data_member_is_judged() -> None:
    cdn = distribution(
        default=behaviour("group", cachePolicyId=CACHING_OPTIMIZED),
        originGroups=[{"originId": "group", "members": [{"originId": "origin"}]}],
    )
    assert len(stack(cdn=cdn)) == 1


def test_kvs_labelled_non_personal_passes() -> None:
    store = Resource(KVS, "flags", {"tags": tags("non-personal")}, US)
    key = Resource(
        KVS_KEY, "flag", {"keyValueStoreArn": UNKNOWN_STRING, "key": "a", "value": "on"}, US,
        property_dependencies={"keyValueStoreArn": [store.resource_urn()]},
    )  # fmt: skip
    assert run(store, key) == []


@pytest.mark.parametrize(
    ("store_tags", "shown"),
    [
        (tags("us-user-data"), "is labelled `us-user-data`"),
        (None, "has no `data-classification` label"),
        ({"data-classification": UNKNOWN_STRING}, "unknown `data-classification`"),
    ],
    ids=["user-data", "unlabelled", "unknown"],
)
def test_kvs_not_non_personal_is_a_violation(store_tags: Any, shown: str) -> None:
    props = {} if store_tags is None else {"tags": store_tags}
    [d] = run(Resource(KVS, "sessions", props, US))
    assert shown in d.message and "every CloudFront edge location" in d.message


def test_kvs_key_of_a_store_outside_the_stack_fails_closed() -> None:
    key = Resource(
        KVS_KEY, "flag",
        {"keyValueStoreArn": "arn:aws:cloudfront::111122223333:key-value-store/abc", "key": "a",
         "value": "on"},
        US,
    )  # fmt: skip
    [d] = run(key)
    assert "not a resource of this stack" in d.message


def test_kvs_key_whose_value_comes_from_user_data_is_a_violation() -> None:
    store = Resource(KVS, "flags", {"tags": tags("non-personal")}, US)
    table = Resource("aws:dynamodb/table:Table", "users", {"tags": tags("us-user-data")}, US)
    key = Resource(
        KVS_KEY, "leak", {"keyValueStoreArn": UNKNOWN_STRING, "key": "a", "value": UNKNOWN_STRING},
        US,
        property_dependencies={"keyValueStoreArn": [store.resource_urn()],
                               "value": [table.resource_urn()]},
    )  # fmt: skip
    [d] = run(store, table, key)
    assert "`leak`.value comes from `users`" in d.message


def test_an_exemption_silences_a_distribution() -> None:
    cdn = distribution(default=behaviour(cachePolicyId=CACHING_OPTIMIZED))
    config = {SPEC.name: {"exemptions": [{
        "urn": cdn.resource_urn(), "policy": SPEC.name, "reason": "reviewed: signed public media",
        "expires": (pack_config.today() + dt.timedelta(days=30)).isoformat(),
    }]}}  # fmt: skip
    diagnostics = analyze_stack(POLICY, [USER_BUCKET, OAC, cdn], config, STACK_CONFIG)
    assert all(d.enforcement != "mandatory" for d in diagnostics)


@pytest.mark.parametrize(
    "host",
    [
        "user-media.s3.us-east-1.amazonaws.com",
        "user-media.s3.amazonaws.com",
        "user-media.s3-website-us-east-1.amazonaws.com",
    ],
)
def test_a_literal_s3_host_names_the_stack_bucket(host: str) -> None:
    user_bucket = replace(USER_BUCKET, props={**USER_BUCKET.props, "bucket": "user-media"})
    cdn = distribution(
        default=behaviour(cachePolicyId=CACHING_OPTIMIZED), domain=host, label="public"
    )
    cdn = replace(cdn, property_dependencies={})
    [d] = run(user_bucket, cdn)
    assert "is `user-media`, which us-user-data reaches" in d.message


def test_a_vpc_origin_is_followed_to_its_load_balancer() -> None:
    lb = replace(LB, props={**LB.props, "tags": tags("us-user-data")})
    vpc_origin = Resource(
        "aws:cloudfront/vpcOrigin:VpcOrigin", "vpc-origin",
        {"vpcOriginEndpointConfig": {"arn": UNKNOWN_STRING, "name": "api"}}, US,
        property_dependencies={"vpcOriginEndpointConfig": [lb.resource_urn()]},
    )  # fmt: skip
    cdn = distribution(vpc_origin, default=behaviour(cachePolicyId=CACHING_OPTIMIZED))
    [d] = run(lb, vpc_origin, OAC, cdn)
    assert "is `api`, which us-user-data reaches" in d.message
    uncached = distribution(vpc_origin)
    assert run(lb, vpc_origin, OAC, uncached) == []


def test_a_multitenant_distribution_is_judged_and_needs_a_cache_policy() -> None:
    cdn = distribution()
    props = {k: v for k, v in cdn.props.items() if k not in ("priceClass", "restrictions")}
    props["origins"] = [  # a multitenant distribution's origin is named by `id`
        {"id": "origin", "domainName": UNKNOWN_STRING},
        {"id": "static", "domainName": "assets.s3.us-east-1.amazonaws.com"},
    ]
    ok = replace(
        cdn,
        type="aws:cloudfront/multitenantDistribution:MultitenantDistribution",
        props={**props, "cacheBehaviors": [{**behaviour(), "pathPattern": "/a/*"}]},
    )
    assert stack(cdn=ok) == []
    cached = replace(ok, props={**ok.props, "cacheBehaviors": [
        {**behaviour(cachePolicyId=CACHING_OPTIMIZED), "pathPattern": "/a/*"}
    ]})  # fmt: skip
    [d] = stack(cdn=cached)
    assert "cacheBehaviors[0]" in d.message
    static = replace(ok, props={**ok.props, "cacheBehaviors": [
        {**behaviour("static", cachePolicyId=CACHING_OPTIMIZED), "pathPattern": "/a/*"}
    ]})  # fmt: skip
    assert stack(cdn=static) == []  # `static` is the public bucket `assets`
    legacy = replace(ok, props={**ok.props, "defaultCacheBehavior": {
        k: v for k, v in behaviour().items() if k != "cachePolicyId"
    }})  # fmt: skip
    [d] = stack(cdn=legacy)
    assert "names no cache policy" in d.message


def test_unknown_origins_and_behaviours_fail_closed() -> None:
    cdn = distribution(default=behaviour(cachePolicyId=CACHING_OPTIMIZED))
    unknown_origins = replace(cdn, props={**cdn.props, "origins": UNKNOWN_ARRAY})
    assert len(stack(cdn=unknown_origins)) == 1
    unknown_behaviour = replace(cdn, props={**cdn.props, "defaultCacheBehavior": UNKNOWN_OBJECT})
    [d] = stack(cdn=unknown_behaviour)
    assert "the behaviour is unknown" in d.message


# --- Lightsail distributions (CloudFront underneath) -------------------------------------------

LIGHTSAIL_BUCKET = Resource(
    "aws:lightsail/bucket:Bucket", "avatars",
    {"name": "user-avatars", "bundleId": "small_1_0", "tags": tags("us-user-data")}, US,
)  # fmt: skip
LIGHTSAIL_PUBLIC_BUCKET = Resource(
    "aws:lightsail/bucket:Bucket", "site",
    {"name": "site-assets", "bundleId": "small_1_0", "tags": tags("public")}, US,
)  # fmt: skip


def lightsail_cdn(
    origin: str = "user-avatars", behavior: str = "cache", label: str = "non-personal", **props: Any
) -> Resource:
    return Resource(
        "aws:lightsail/distribution:Distribution", "avatars-cdn",
        {"name": "avatars-cdn", "bundleId": "small_1_0", "tags": tags(label),
         "origin": {"name": origin, "regionName": "us-east-1"},
         "defaultCacheBehavior": {"behavior": behavior}, **props},
        US,
    )  # fmt: skip


def test_a_lightsail_distribution_caching_a_user_data_bucket_is_a_violation() -> None:
    [d] = run(LIGHTSAIL_BUCKET, lightsail_cdn())
    assert "Lightsail distribution `avatars-cdn`.defaultCacheBehavior may cache" in d.message
    assert "`avatars`, which us-user-data reaches" in d.message
    # a `cache` path under a `dont-cache` default caches too
    cdn = lightsail_cdn(
        behavior="dont-cache", cacheBehaviors=[{"path": "/img/*", "behavior": "cache"}]
    )
    [d] = run(LIGHTSAIL_BUCKET, cdn)
    assert "cacheBehaviors[0]" in d.message


def test_a_lightsail_distribution_that_does_not_cache_user_data_passes() -> None:
    assert run(LIGHTSAIL_BUCKET, lightsail_cdn(behavior="dont-cache")) == []
    assert run(LIGHTSAIL_PUBLIC_BUCKET, lightsail_cdn(origin="site-assets", label="public")) == []
    zero = {"minimumTtl": 0, "defaultTtl": 0, "maximumTtl": 0}
    assert run(LIGHTSAIL_BUCKET, lightsail_cdn(cacheBehaviorSettings=zero)) == []

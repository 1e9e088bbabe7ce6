"""US user data crosses CloudFront edges only uncached; key-value stores hold nothing personal.

No CloudFront price class is US-only and a geo restriction limits viewers, not where the edges
cache, so a behaviour that routes to an origin carrying user data must have every TTL 0. A
key-value store is replicated to every edge: only non-personal or public data.
"""

import pulumi
import pulumi_aws as aws

protected = pulumi.ResourceOptions(protect=True)
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ALL_VIEWERS = {"geo_restriction": {"restriction_type": "none"}}
US_VIEWERS = {"geo_restriction": {"restriction_type": "whitelist", "locations": ["US"]}}
DEFAULT_CERT = {"cloudfront_default_certificate": True}


def tags(classification: str) -> dict[str, str]:
    return {"data-classification": classification, "product": "media"}


key = aws.kms.Key("media-key", enable_key_rotation=True, tags=tags("us-user-data"), opts=protected)


def bucket(name: str, classification: str) -> aws.s3.Bucket:
    opts = protected if classification == "us-user-data" else None
    created = aws.s3.Bucket(name, tags=tags(classification), opts=opts)
    aws.s3.BucketPublicAccessBlock(
        f"{name}-block",
        bucket=created.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=created.id,
        rules=[{
            "apply_server_side_encryption_by_default": {
                "sse_algorithm": "aws:kms", "kms_master_key_id": key.arn,
            },
        }],
    )  # fmt: skip
    return created


user_media = bucket("user-media", "us-user-data")
# A distribution over both buckets does not carry the user media into the assets bucket:
# data flows origin -> distribution -> viewers (residency-data-flow).
# ok: residency-data-flow
site_assets = bucket("site-assets", "public")


def s3_origin(origin_id: str, source: aws.s3.Bucket) -> dict[str, object]:
    # One origin access control per origin bucket (one shared by distributions of different
    # buckets links them in residency-data-flow's graph).
    oac = aws.cloudfront.OriginAccessControl(
        f"{origin_id}-oac-{len(OACS)}",
        origin_access_control_origin_type="s3",
        signing_behavior="always",
        signing_protocol="sigv4",
    )
    OACS.append(oac)
    return {
        "origin_id": origin_id,
        "domain_name": source.bucket_regional_domain_name,
        "origin_access_control_id": oac.id,
    }


OACS: list[aws.cloudfront.OriginAccessControl] = []

# Viewers need signed URLs (residency-no-public-exposure: a user-data origin is not served to
# anyone); this program is about what the edges cache.
signer = aws.cloudfront.PublicKey(
    "viewer-signer",
    encoded_key=(
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n"
        "-----END PUBLIC KEY-----\n"
    ),
)
signers = aws.cloudfront.KeyGroup("viewer-signers", items=[signer.id])


def behaviour(origin_id: str, **caching: object) -> dict[str, object]:
    return {
        "target_origin_id": origin_id,
        "trusted_key_groups": [signers.id],
        "viewer_protocol_policy": "redirect-to-https",
        "allowed_methods": ["GET", "HEAD"],
        "cached_methods": ["GET", "HEAD"],
        **caching,
    }


# A user-data bucket behind the managed CachingOptimized policy, PriceClass_100 and a US-only
# geo restriction: still cached at edges in Europe, Canada and Israel.
# violation: residency-edge-caching
aws.cloudfront.Distribution(
    "media-cached",
    enabled=True,
    price_class="PriceClass_100",
    origins=[s3_origin("media", user_media)],
    default_cache_behavior=behaviour("media", cache_policy_id=CACHING_OPTIMIZED),
    restrictions=US_VIEWERS,
    viewer_certificate=DEFAULT_CERT,
)

# The same bucket, legacy forwarded values left at their default TTLs (a day, a year).
# violation: residency-edge-caching
aws.cloudfront.Distribution(
    "media-legacy-ttls",
    enabled=True,
    origins=[s3_origin("media", user_media)],
    default_cache_behavior=behaviour(
        "media", forwarded_values={"query_string": False, "cookies": {"forward": "none"}}
    ),
    restrictions=ALL_VIEWERS,
    viewer_certificate=DEFAULT_CERT,
)

# A cache policy of the stack keyed on Authorization: per-user responses cached at the edges.
per_user = aws.cloudfront.CachePolicy(
    "per-user",
    min_ttl=60,
    default_ttl=300,
    max_ttl=3600,
    parameters_in_cache_key_and_forwarded_to_origin={
        "cookies_config": {"cookie_behavior": "all"},
        "headers_config": {"header_behavior": "whitelist", "headers": {"items": ["Authorization"]}},
        "query_strings_config": {"query_string_behavior": "all"},
    },
)
# violation: residency-edge-caching
aws.cloudfront.Distribution(
    "media-per-user-cache",
    enabled=True,
    origins=[s3_origin("media", user_media)],
    default_cache_behavior=behaviour("media", cache_policy_id=per_user.id),
    restrictions=ALL_VIEWERS,
    viewer_certificate=DEFAULT_CERT,
)

# Transit only: CachingDisabled in front of the user-data bucket.
# ok: residency-edge-caching
aws.cloudfront.Distribution(
    "media-transit",
    enabled=True,
    origins=[s3_origin("media", user_media)],
    default_cache_behavior=behaviour("media", cache_policy_id=CACHING_DISABLED),
    restrictions=ALL_VIEWERS,
    viewer_certificate=DEFAULT_CERT,
)

# A zero-TTL cache policy of the stack, and legacy TTLs all 0, are transit too.
no_cache = aws.cloudfront.CachePolicy(
    "no-cache",
    min_ttl=0,
    default_ttl=0,
    max_ttl=0,
    parameters_in_cache_key_and_forwarded_to_origin={
        "cookies_config": {"cookie_behavior": "none"},
        "headers_config": {"header_behavior": "none"},
        "query_strings_config": {"query_string_behavior": "none"},
    },
)
# ok: residency-edge-caching
aws.cloudfront.Distribution(
    "media-zero-ttl-policy",
    enabled=True,
    origins=[s3_origin("media", user_media)],
    default_cache_behavior=behaviour("media", cache_policy_id=no_cache.id),
    restrictions=ALL_VIEWERS,
    viewer_certificate=DEFAULT_CERT,
)

# ok: residency-edge-caching
aws.cloudfront.Distribution(
    "media-legacy-zero",
    enabled=True,
    origins=[s3_origin("media", user_media)],
    default_cache_behavior=behaviour(
        "media",
        forwarded_values={"query_string": False, "cookies": {"forward": "none"}},
        min_ttl=0,
        default_ttl=0,
        max_ttl=0,
    ),
    restrictions=ALL_VIEWERS,
    viewer_certificate=DEFAULT_CERT,
)

# Only public assets: cached with any policy.
# ok: residency-edge-caching
aws.cloudfront.Distribution(
    "site",
    enabled=True,
    origins=[s3_origin("assets", site_assets)],
    default_cache_behavior=behaviour("assets", cache_policy_id=CACHING_OPTIMIZED),
    restrictions=ALL_VIEWERS,
    viewer_certificate=DEFAULT_CERT,
    tags=tags("public"),
)

# One distribution, two origins: user media (signed, uncached) and public assets (uncached).
# ok: residency-edge-caching
# ok: residency-data-flow
aws.cloudfront.Distribution(
    "media-and-assets",
    enabled=True,
    origins=[s3_origin("media", user_media), s3_origin("assets", site_assets)],
    default_cache_behavior=behaviour("media", cache_policy_id=CACHING_DISABLED),
    ordered_cache_behaviors=[
        {**behaviour("assets", cache_policy_id=CACHING_DISABLED), "path_pattern": "/static/*"}
    ],
    restrictions=ALL_VIEWERS,
    viewer_certificate=DEFAULT_CERT,
    tags=tags("us-user-data"),
)

# A key-value store is replicated to every edge location: user data may not be in it.
# violation: residency-edge-caching
aws.cloudfront.KeyValueStore(
    "user-sessions", comment="sessions", tags=tags("us-user-data"), opts=protected
)

# ok: residency-edge-caching
flags = aws.cloudfront.KeyValueStore("feature-flags", comment="flags", tags=tags("non-personal"))
# ok: residency-edge-caching
aws.cloudfront.KeyvaluestoreKey(
    "dark-mode", key_value_store_arn=flags.arn, key="dark-mode", value="on"
)

# A Lightsail distribution is CloudFront underneath: a `cache` behaviour in front of a Lightsail
# bucket of user data caches it at the edges; `dont-cache` lets it pass uncached.
avatars = aws.lightsail.Bucket(
    "avatars", name="fixture-user-avatars", bundle_id="small_1_0", tags=tags("us-user-data"),
    opts=protected,
)  # fmt: skip
# violation: residency-edge-caching
aws.lightsail.Distribution(
    "avatars-cdn-cached", name="avatars-cdn-cached", bundle_id="small_1_0",
    origin={"name": avatars.name, "region_name": "us-east-1"},
    default_cache_behavior={"behavior": "cache"}, tags=tags("non-personal"),
)  # fmt: skip
# ok: residency-edge-caching
aws.lightsail.Distribution(
    "avatars-cdn-uncached", name="avatars-cdn-uncached", bundle_id="small_1_0",
    origin={"name": avatars.name, "region_name": "us-east-1"},
    default_cache_behavior={"behavior": "dont-cache"}, tags=tags("non-personal"),
)  # fmt: skip

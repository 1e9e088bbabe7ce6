"""residency-reviewed-types: every custom resource and provider is of a reviewed type.

The engine sends a provider with every custom resource (an explicit one, or the default
provider of its package) and with a remote component; it sends none with a component or the
stack. A provider's own type names its package.
"""

from typing import Any

import pulumi
import pulumi_aws as aws

NON_PERSONAL = {"data-classification": "non-personal"}


class Provider(pulumi.ProviderResource):
    """A provider of any package, named first (as the annotations expect)."""

    def __init__(self, name: str, package: str, **inputs: Any) -> None:
        super().__init__(package, name, inputs)


class Custom(pulumi.CustomResource):
    """A custom resource of any type token, as a package's SDK would declare it."""

    def __init__(
        self, name: str, token: str, props: dict[str, Any], provider: Provider | None = None
    ) -> None:
        super().__init__(token, name, props, pulumi.ResourceOptions(provider=provider))


class RemoteComponent(pulumi.ComponentResource):
    """A multi-language component, constructed by its package's provider."""

    def __init__(self, name: str, token: str, provider: Provider) -> None:
        super().__init__(token, name, {}, pulumi.ResourceOptions(provider=provider), remote=True)


# A provider of a package nobody reviewed: what its resources do with data is unknown.
# violation: residency-reviewed-types
partner_cloud = Provider("gcp-europe", "gcp", region="europe-west1")

# violation: residency-reviewed-types
Custom("eu-user-bucket", "gcp:storage/bucket:Bucket", {"location": "EU"}, partner_cloud)

# A type the installed pulumi-aws does not define (a newer provider's, or a made-up token): it
# is unreviewed, and treated as data-bearing meanwhile (so it carries a classification here).
# violation: residency-reviewed-types
Custom("quantum-archive", "aws:s3/quantumBucket:QuantumBucket", {"tags": NON_PERSONAL})

# Reviewed types: an AWS queue on the default provider, and the local-only random package.
# ok: residency-reviewed-types
aws.sqs.Queue("order-events", tags=NON_PERSONAL)

# ok: residency-reviewed-types
local_random = Provider("local-random", "random")

# ok: residency-reviewed-types
Custom("release-name", "random:index/randomPet:RandomPet", {"length": 2}, local_random)


class UserStore(pulumi.ComponentResource):
    """A component holds nothing itself: only its children are judged."""

    def __init__(self, name: str) -> None:
        super().__init__("acme:storage:UserStore", name)
        aws.sqs.Queue(f"{name}-events", tags=NON_PERSONAL, opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


# ok: residency-reviewed-types
UserStore("user-store")

# A remote component comes with its package's provider: its type, and that provider's, must be
# reviewed like a custom resource's.
# violation: residency-reviewed-types
sites = Provider("acme-sites", "acme")

# violation: residency-reviewed-types
RemoteComponent("marketing-site", "acme:index:Website", sites)

"""Object Storage for user content: a private, versioned bucket encrypted with the Vault key of
its own region, with object events on, and (in the primary region) replication to the DR
bucket."""

from __future__ import annotations

import pulumi
import pulumi_oci as oci

from blueprint.classification import US_USER_DATA, classification_tags
from blueprint.providers import child_opts


def object_storage_namespace(provider: oci.Provider) -> pulumi.Output[str]:
    """The tenancy's Object Storage namespace, from the provider's own API."""
    return oci.objectstorage.get_namespace_output(
        opts=pulumi.InvokeOutputOptions(provider=provider)
    ).namespace


class UserContentBucket(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        *,
        region: str,
        bucket_name: str,
        namespace: pulumi.Input[str],
        compartment_id: pulumi.Input[str],
        kms_key_id: pulumi.Input[str],
        replica: bool,
        stack: str,
        provider: oci.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("residency:oci:UserContentBucket", name, None, opts)
        self.region = region
        self.bucket = oci.objectstorage.Bucket(
            f"{name}-bucket",
            compartment_id=compartment_id,
            namespace=namespace,
            name=bucket_name,
            access_type="NoPublicAccess",
            kms_key_id=kms_key_id,
            # A replica is read-only and written only by replication; the versions are kept on
            # the source bucket, which is the one users write to.
            versioning="Disabled" if replica else "Enabled",
            object_events_enabled=True,
            storage_tier="Standard",
            freeform_tags=classification_tags(US_USER_DATA, stack),
            opts=child_opts(self, provider, protect=True),
        )
        self.register_outputs({"bucketName": self.bucket.name})


class BucketReplication(pulumi.ComponentResource):
    """Replication of the primary bucket to the DR bucket. The policy lives on the source bucket,
    in the primary region; its destination is the DR region and nothing else."""

    def __init__(
        self,
        name: str,
        *,
        source: oci.objectstorage.Bucket,
        destination: oci.objectstorage.Bucket,
        destination_region: str,
        namespace: pulumi.Input[str],
        provider: oci.Provider,
        depends_on: list[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("residency:oci:BucketReplication", name, None, opts)
        self.policy = oci.objectstorage.ReplicationPolicy(
            f"{name}-policy",
            namespace=namespace,
            bucket=source.name,
            name=f"to-{destination_region}",
            destination_bucket_name=destination.name,
            destination_region_name=destination_region,
            delete_object_in_destination_bucket="ACCEPT",
            opts=child_opts(self, provider, depends_on=[destination, *depends_on]),
        )
        self.register_outputs({"destinationRegion": destination_region})

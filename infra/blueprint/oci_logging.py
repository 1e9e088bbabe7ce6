"""Logging: a log group per region with the write and read service logs of the region's
user-content bucket, and (once, for the tenancy) the audit retention."""

from __future__ import annotations

import pulumi
import pulumi_oci as oci

from blueprint.classification import US_USER_DATA, classification_tags
from blueprint.providers import child_opts


class BucketServiceLogs(pulumi.ComponentResource):
    """Object names in these logs can identify users: the logs are user data too."""

    def __init__(
        self,
        name: str,
        *,
        region: str,
        compartment_id: pulumi.Input[str],
        bucket_name: pulumi.Input[str],
        retention_days: int,
        stack: str,
        provider: oci.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("residency:oci:BucketServiceLogs", name, None, opts)
        self.region = region
        tags = classification_tags(US_USER_DATA, stack)
        self.log_group = oci.logging.LogGroup(
            f"{name}-log-group",
            compartment_id=compartment_id,
            display_name=f"us-user-data-{region}",
            description="Service logs of the US user-data stores",
            freeform_tags=tags,
            opts=child_opts(self, provider, protect=True),
        )
        self.logs = [
            oci.logging.Log(
                f"{name}-bucket-{category}",
                log_group_id=self.log_group.id,
                display_name=f"user-content-{category}",
                log_type="SERVICE",
                is_enabled=True,
                retention_duration=retention_days,
                configuration={
                    "compartment_id": compartment_id,
                    "source": {
                        "category": category,
                        "resource": bucket_name,
                        "service": "objectstorage",
                        "source_type": "OCISERVICE",
                    },
                },
                freeform_tags=tags,
                opts=child_opts(self, provider, protect=True),
            )
            for category in ("write", "read")
        ]
        self.register_outputs({"logGroupId": self.log_group.id})


class TenancyAudit(pulumi.ComponentResource):
    """The tenancy's audit retention (a tenancy-wide setting)."""

    def __init__(
        self,
        name: str,
        *,
        tenancy_ocid: str,
        retention_days: int,
        provider: oci.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("residency:oci:TenancyAudit", name, None, opts)
        self.configuration = oci.audit.Configuration(
            f"{name}-retention",
            compartment_id=tenancy_ocid,
            retention_period_days=retention_days,
            opts=child_opts(self, provider),
        )
        self.register_outputs({"retentionDays": retention_days})

"""The whole blueprint: providers, then one component per concern, then the stack outputs.

Reading order: the OCI foundation (compartment, IAM), the primary region, the DR region, the
traffic between them, the AWS backups and the restricted region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_oci as oci

from blueprint.aws_backup import UserDataBackups
from blueprint.aws_singapore import NonPersonalArtifacts
from blueprint.config import BlueprintConfig, load_config
from blueprint.oci_compartment import UserDataCompartment
from blueprint.oci_database import StandbyDatabase, UserRecordsDatabase
from blueprint.oci_iam import DataOperatorsAccess
from blueprint.oci_logging import BucketServiceLogs, TenancyAudit
from blueprint.oci_network import DataTierNetwork
from blueprint.oci_storage import BucketReplication, UserContentBucket, object_storage_namespace
from blueprint.oci_vault import RegionalVault
from blueprint.providers import Providers, create_providers
from blueprint.traffic import RegionalEntry, UserTraffic


@dataclass(frozen=True)
class OciFoundation:
    """What every OCI region of the stack shares."""

    compartment: UserDataCompartment
    namespace: pulumi.Output[str]
    access: DataOperatorsAccess

    @property
    def compartment_id(self) -> pulumi.Output[str]:
        return self.compartment.compartment.id


@dataclass(frozen=True)
class OciSite:
    """One OCI region's share of the user data: its vault, network, bucket and database."""

    region: str
    provider: oci.Provider
    vault: RegionalVault
    network: DataTierNetwork
    content: UserContentBucket
    database: UserRecordsDatabase | StandbyDatabase


def _foundation(cfg: BlueprintConfig, provider: oci.Provider) -> OciFoundation:
    compartment = UserDataCompartment(
        "user-data", tenancy_ocid=cfg.tenancy_ocid, stack=cfg.stack, provider=provider
    )
    access = DataOperatorsAccess(
        "access",
        tenancy_ocid=cfg.tenancy_ocid,
        compartment=compartment.compartment,
        compartment_name=compartment.compartment_name,
        regions=list(cfg.oci_regions),
        replicate=cfg.dr_region is not None,
        stack=cfg.stack,
        provider=provider,
    )
    TenancyAudit(
        "audit",
        tenancy_ocid=cfg.tenancy_ocid,
        retention_days=cfg.audit_retention_days,
        provider=provider,
    )
    return OciFoundation(compartment, object_storage_namespace(provider), access)


def _vault_network_and_bucket(
    cfg: BlueprintConfig,
    base: OciFoundation,
    *,
    prefix: str,
    region: str,
    cidr: str,
    provider: oci.Provider,
    replica: bool,
) -> tuple[RegionalVault, DataTierNetwork, UserContentBucket]:
    common: dict[str, Any] = {
        "region": region,
        "compartment_id": base.compartment_id,
        "stack": cfg.stack,
        "provider": provider,
    }
    vault = RegionalVault(prefix, **common)
    network = DataTierNetwork(prefix, cidr=cidr, **common)
    content = UserContentBucket(
        "user-content-replica" if replica else "user-content",
        bucket_name=f"us-user-content-{cfg.stack}-{region}"
        if replica
        else f"us-user-content-{cfg.stack}",
        namespace=base.namespace,
        kms_key_id=vault.key.id,  # the key of the bucket's own region
        replica=replica,
        opts=pulumi.ResourceOptions(depends_on=[base.access]),
        **common,
    )
    BucketServiceLogs(
        f"{prefix}-logs",
        bucket_name=content.bucket.name,
        retention_days=cfg.log_retention_days,
        **common,
    )
    return vault, network, content


def _primary_site(
    cfg: BlueprintConfig, base: OciFoundation, provider: oci.Provider
) -> tuple[OciSite, UserRecordsDatabase]:
    region = cfg.primary_region
    vault, network, content = _vault_network_and_bucket(
        cfg, base, prefix="primary", region=region, cidr=cfg.primary_vcn_cidr,
        provider=provider, replica=False,
    )  # fmt: skip
    database = UserRecordsDatabase(
        "user-records",
        region=region,
        compartment_id=base.compartment_id,
        vault=vault,
        network=network,
        compute_count=cfg.database_compute_count,
        storage_tbs=cfg.database_storage_tbs,
        stack=cfg.stack,
        provider=provider,
        opts=pulumi.ResourceOptions(depends_on=[base.access]),
    )
    return OciSite(region, provider, vault, network, content, database), database


def _dr_site(
    cfg: BlueprintConfig,
    base: OciFoundation,
    primary: OciSite,
    primary_database: UserRecordsDatabase,
    region: str,
    provider: oci.Provider,
) -> OciSite:
    vault, network, replica = _vault_network_and_bucket(
        cfg, base, prefix="dr", region=region, cidr=cfg.dr_vcn_cidr,
        provider=provider, replica=True,
    )  # fmt: skip
    BucketReplication(
        "user-content-to-dr",
        source=primary.content.bucket,
        destination=replica.bucket,
        destination_region=region,
        namespace=base.namespace,
        provider=primary.provider,  # the policy belongs to the source bucket
        depends_on=[base.access],
    )
    standby = StandbyDatabase(
        "user-records-standby",
        region=region,
        primary=primary_database,
        compartment_id=base.compartment_id,
        vault=vault,
        network=network,
        compute_count=cfg.database_compute_count,
        storage_tbs=cfg.database_storage_tbs,
        stack=cfg.stack,
        provider=provider,
    )
    return OciSite(region, provider, vault, network, replica, standby)


def _oci_outputs(base: OciFoundation, sites: list[OciSite]) -> dict[str, Any]:
    primary, *rest = sites
    outputs: dict[str, Any] = {
        "compartmentId": base.compartment_id,
        "userContentBucket": primary.content.bucket.name,
        "userRecordsDatabaseId": primary.database.database.id,
        "vaultIds": {site.region: site.vault.vault.id for site in sites},
        "masterKeyIds": {site.region: site.vault.key.id for site in sites},
    }
    for dr in rest:
        outputs["replicaBucket"] = dr.content.bucket.name
        outputs["standbyDatabaseId"] = dr.database.database.id
    return outputs


def _aws(cfg: BlueprintConfig, providers: Providers) -> dict[str, Any]:
    backups = UserDataBackups(
        "backups",
        region=cfg.backup_region,
        partition=cfg.aws_partition,
        account_ids=cfg.aws_account_ids,
        retention_days=cfg.backup_retention_days,
        stack=cfg.stack,
        provider=providers.aws_backup,
    )
    outputs: dict[str, Any] = {
        "backupBucket": backups.bucket.bucket,
        "backupVault": backups.vault.name,
        "backupKeyArn": backups.key.arn,
        "backupExportRoleArn": backups.export_role.arn,
    }
    # The restricted region exists in the stack only until it is retired.
    if providers.aws_restricted is not None:
        artifacts = NonPersonalArtifacts(
            "artifacts",
            region=cfg.restricted_region,
            stack=cfg.stack,
            account_id=cfg.aws_account_ids[0],
            provider=providers.aws_restricted,
        )
        outputs["artifactsBucket"] = artifacts.bucket.bucket
    return outputs


def build(cfg: BlueprintConfig) -> dict[str, Any]:
    """Declare every resource of the stack; return the stack outputs."""
    providers = create_providers(cfg)
    base = _foundation(cfg, providers.oci_primary)

    primary, database = _primary_site(cfg, base, providers.oci_primary)
    sites = [primary]
    if cfg.dr_region is not None and providers.oci_dr is not None:
        sites.append(_dr_site(cfg, base, primary, database, cfg.dr_region, providers.oci_dr))

    traffic = UserTraffic(
        "traffic",
        entries=[
            RegionalEntry(pool, site.region, site.network, site.provider)
            for pool, site in zip(("primary", "dr"), sites, strict=False)
        ],
        compartment_id=base.compartment_id,
        zone_name=cfg.dns_zone_name,
        stack=cfg.stack,
    )

    return {
        **_oci_outputs(base, sites),
        "appDomain": traffic.domain_name,
        "loadBalancerIps": traffic.ips,
        **_aws(cfg, providers),
        "regionMap": region_map(cfg),
    }


def region_map(cfg: BlueprintConfig) -> dict[str, Any]:
    """Where each kind of data lives, as a stack output people can read."""
    return {
        "oci": {"primary": cfg.primary_region, "dr": cfg.dr_region},
        "aws": {
            "usUserDataBackups": cfg.backup_region,
            "nonPersonalOnly": None if cfg.restricted_region_retired else cfg.restricted_region,
        },
    }


def main() -> None:
    """The program: validate the config (raising before any resource), build, export."""
    cfg = load_config()
    for name, value in build(cfg).items():
        pulumi.export(name, value)

"""The whole blueprint: providers, then one component per concern, then the stack outputs."""

from __future__ import annotations

from typing import Any

import pulumi

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
from blueprint.providers import create_providers
from blueprint.traffic import RegionalEntry, UserTraffic


def build(cfg: BlueprintConfig) -> dict[str, Any]:
    """Declare every resource of the stack; return the stack outputs."""
    providers = create_providers(cfg)
    stack = cfg.stack
    primary, dr = cfg.primary_region, cfg.dr_region
    oci_primary = providers.oci_primary

    compartment = UserDataCompartment(
        "user-data", tenancy_ocid=cfg.tenancy_ocid, stack=stack, provider=oci_primary
    )
    compartment_id = compartment.compartment.id
    namespace = object_storage_namespace(oci_primary)

    access = DataOperatorsAccess(
        "access",
        tenancy_ocid=cfg.tenancy_ocid,
        compartment=compartment.compartment,
        compartment_name=compartment.compartment_name,
        regions=list(cfg.oci_regions),
        replicate=dr is not None,
        stack=stack,
        provider=oci_primary,
    )

    vault = RegionalVault(
        "primary", region=primary, compartment_id=compartment_id, stack=stack, provider=oci_primary
    )
    network = DataTierNetwork(
        "primary",
        region=primary,
        cidr=cfg.primary_vcn_cidr,
        compartment_id=compartment_id,
        stack=stack,
        provider=oci_primary,
    )
    content = UserContentBucket(
        "user-content",
        region=primary,
        bucket_name=f"us-user-content-{stack}",
        namespace=namespace,
        compartment_id=compartment_id,
        kms_key_id=vault.key.id,
        replica=False,
        stack=stack,
        provider=oci_primary,
        opts=pulumi.ResourceOptions(depends_on=[access]),
    )
    database = UserRecordsDatabase(
        "user-records",
        region=primary,
        compartment_id=compartment_id,
        vault=vault,
        network=network,
        compute_count=cfg.database_compute_count,
        storage_tbs=cfg.database_storage_tbs,
        stack=stack,
        provider=oci_primary,
        opts=pulumi.ResourceOptions(depends_on=[access]),
    )
    BucketServiceLogs(
        "primary-logs",
        region=primary,
        compartment_id=compartment_id,
        bucket_name=content.bucket.name,
        retention_days=cfg.log_retention_days,
        stack=stack,
        provider=oci_primary,
    )
    TenancyAudit(
        "audit",
        tenancy_ocid=cfg.tenancy_ocid,
        retention_days=cfg.audit_retention_days,
        provider=oci_primary,
    )

    entries = [RegionalEntry("primary", primary, network, oci_primary)]
    outputs: dict[str, Any] = {
        "compartmentId": compartment_id,
        "userContentBucket": content.bucket.name,
        "userRecordsDatabaseId": database.database.id,
        "vaultIds": {primary: vault.vault.id},
        "masterKeyIds": {primary: vault.key.id},
    }

    if dr is not None and providers.oci_dr is not None:
        oci_dr = providers.oci_dr
        dr_vault = RegionalVault(
            "dr", region=dr, compartment_id=compartment_id, stack=stack, provider=oci_dr
        )
        dr_network = DataTierNetwork(
            "dr",
            region=dr,
            cidr=cfg.dr_vcn_cidr,
            compartment_id=compartment_id,
            stack=stack,
            provider=oci_dr,
        )
        replica = UserContentBucket(
            "user-content-replica",
            region=dr,
            bucket_name=f"us-user-content-{stack}-{dr}",
            namespace=namespace,
            compartment_id=compartment_id,
            kms_key_id=dr_vault.key.id,
            replica=True,
            stack=stack,
            provider=oci_dr,
            opts=pulumi.ResourceOptions(depends_on=[access]),
        )
        BucketReplication(
            "user-content-to-dr",
            source=content.bucket,
            destination=replica.bucket,
            destination_region=dr,
            namespace=namespace,
            provider=oci_primary,
            depends_on=[access],
        )
        standby = StandbyDatabase(
            "user-records-standby",
            region=dr,
            primary=database,
            compartment_id=compartment_id,
            vault=dr_vault,
            network=dr_network,
            compute_count=cfg.database_compute_count,
            storage_tbs=cfg.database_storage_tbs,
            stack=stack,
            provider=oci_dr,
        )
        BucketServiceLogs(
            "dr-logs",
            region=dr,
            compartment_id=compartment_id,
            bucket_name=replica.bucket.name,
            retention_days=cfg.log_retention_days,
            stack=stack,
            provider=oci_dr,
        )
        entries.append(RegionalEntry("dr", dr, dr_network, oci_dr))
        outputs["replicaBucket"] = replica.bucket.name
        outputs["standbyDatabaseId"] = standby.database.id
        outputs["vaultIds"][dr] = dr_vault.vault.id
        outputs["masterKeyIds"][dr] = dr_vault.key.id

    traffic = UserTraffic(
        "traffic",
        entries=entries,
        compartment_id=compartment_id,
        zone_name=cfg.dns_zone_name,
        stack=stack,
    )
    outputs["appDomain"] = traffic.domain_name
    outputs["loadBalancerIps"] = traffic.ips

    backups = UserDataBackups(
        "backups",
        region=cfg.backup_region,
        partition=cfg.aws_partition,
        account_ids=cfg.aws_account_ids,
        retention_days=cfg.backup_retention_days,
        stack=stack,
        provider=providers.aws_backup,
    )
    outputs["backupBucket"] = backups.bucket.bucket
    outputs["backupVault"] = backups.vault.name
    outputs["backupKeyArn"] = backups.key.arn
    outputs["backupExportRoleArn"] = backups.export_role.arn

    if providers.aws_restricted is not None:
        artifacts = NonPersonalArtifacts(
            "artifacts",
            region=cfg.restricted_region,
            stack=stack,
            account_id=cfg.aws_account_ids[0],
            provider=providers.aws_restricted,
        )
        outputs["artifactsBucket"] = artifacts.bucket.bucket

    outputs["regionMap"] = region_map(cfg)
    return outputs


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

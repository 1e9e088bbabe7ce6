"""Explicit providers, one per cloud region, each with its region set.

No resource of the blueprint uses a default provider (the stack files also set
``pulumi:disable-default-providers``), so the region of every resource is the region of the
provider it was given here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_oci as oci

from blueprint.config import BlueprintConfig


@dataclass(frozen=True)
class Providers:
    oci_primary: oci.Provider
    oci_dr: oci.Provider | None
    aws_backup: aws.Provider
    aws_restricted: aws.Provider | None


def _oci_provider(name: str, region: str, cfg: BlueprintConfig) -> oci.Provider:
    return oci.Provider(
        name,
        region=region,
        tenancy_ocid=cfg.tenancy_ocid,
        config_file_profile=cfg.oci_auth.config_file_profile,
        auth=cfg.oci_auth.auth,
        user_ocid=cfg.oci_auth.user_ocid,
        fingerprint=cfg.oci_auth.fingerprint,
        private_key_path=cfg.oci_auth.private_key_path,
    )


def _aws_provider(name: str, region: str, cfg: BlueprintConfig) -> aws.Provider:
    return aws.Provider(
        name,
        region=region,
        allowed_account_ids=list(cfg.aws_account_ids),
        profile=cfg.aws_profile,
    )


def create_providers(cfg: BlueprintConfig) -> Providers:
    return Providers(
        oci_primary=_oci_provider(f"oci-{cfg.primary_region}", cfg.primary_region, cfg),
        oci_dr=_oci_provider(f"oci-{cfg.dr_region}", cfg.dr_region, cfg) if cfg.dr_region else None,
        aws_backup=_aws_provider(f"aws-{cfg.backup_region}", cfg.backup_region, cfg),
        aws_restricted=None
        if cfg.restricted_region_retired
        else _aws_provider(f"aws-{cfg.restricted_region}", cfg.restricted_region, cfg),
    )


def child_opts(
    parent: pulumi.Resource,
    provider: pulumi.ProviderResource,
    *,
    protect: bool = False,
    depends_on: list[pulumi.Resource] | None = None,
) -> pulumi.ResourceOptions:
    """Options for a component's child: explicit provider, and protect where asked."""
    return pulumi.ResourceOptions(
        parent=parent, provider=provider, protect=protect, depends_on=depends_on
    )

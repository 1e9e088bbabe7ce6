"""Entry point of the guardrails project (``guardrails/__main__.py``)."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws
import pulumi_oci as oci

from blueprint.guardrails import settings
from blueprint.guardrails.components import OrganizationGuardrails, TenancyGuardrails

# Organizations is a global service whose endpoint is in us-east-1.
ORGANIZATIONS_ENDPOINT_REGION = "us-east-1"


def main(program_dir: Path) -> None:
    cfg = settings.load(program_dir)
    aws_org = aws.Provider(
        "aws-organizations",
        region=ORGANIZATIONS_ENDPOINT_REGION,
        allowed_account_ids=[cfg.management_account_id],
    )
    oci_home = oci.Provider("oci-home", region=cfg.home_region, tenancy_ocid=cfg.tenancy_ocid)
    aws_guardrails = OrganizationGuardrails(
        "residency",
        aws_regions=cfg.regions.anywhere["aws"],
        organization_id=cfg.organization_id,
        target_ids=cfg.user_data_ou_ids,
        provider=aws_org,
    )
    TenancyGuardrails(
        "residency",
        tenancy_ocid=cfg.tenancy_ocid,
        oci_regions=cfg.regions.user_data["oci"],
        compartments=cfg.compartments,
        deny_statements=cfg.oci_deny_statements,
        provider=oci_home,
    )
    pulumi.export("scpId", aws_guardrails.policies["SERVICE_CONTROL_POLICY"].id)
    pulumi.export("rcpId", aws_guardrails.policies["RESOURCE_CONTROL_POLICY"].id)
    pulumi.export(
        "guardrailRegions",
        {
            "source": cfg.regions.source,
            "aws": list(cfg.regions.anywhere["aws"]),
            "ociUserData": list(cfg.regions.user_data["oci"]),
        },
    )

"""The guardrails as Pulumi components: AWS Organizations policies with their attachments, and
OCI quotas and IAM policy on the tenancy."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_oci as oci

from blueprint.guardrails import aws_documents, oci_statements
from blueprint.providers import child_opts

SCP = "SERVICE_CONTROL_POLICY"
RCP = "RESOURCE_CONTROL_POLICY"


class OrganizationGuardrails(pulumi.ComponentResource):
    """The SCP and the RCP of the user-data OUs, each attached to every one of them."""

    def __init__(
        self,
        name: str,
        *,
        aws_regions: Sequence[str],
        organization_id: str,
        target_ids: Sequence[str],
        provider: aws.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("residency:aws:OrganizationGuardrails", name, None, opts)
        documents = {
            SCP: aws_documents.service_control_policy(aws_regions),
            RCP: aws_documents.resource_control_policy(aws_regions, organization_id),
        }
        what = {
            SCP: "region deny (Control Tower's global-service exemptions), region opt-in deny, "
            "S3 replication deny",
            RCP: "data perimeter: organization identities only; user-data services only in the "
            "allowed regions",
        }
        self.policies: dict[str, aws.organizations.Policy] = {}
        for kind, suffix in ((SCP, "scp"), (RCP, "rcp")):
            policy = aws.organizations.Policy(
                f"{name}-{suffix}",
                name=f"residency-{suffix}",
                type=kind,
                description=f"Data residency: {what[kind]}. Generated from the residency pack's "
                "allowed-regions table; do not edit in the console.",
                content=json.dumps(documents[kind], sort_keys=True),
                opts=child_opts(self, provider),
            )
            self.policies[kind] = policy
            for target in target_ids:
                aws.organizations.PolicyAttachment(
                    f"{name}-{suffix}-{target}",
                    policy_id=policy.id,
                    target_id=target,
                    opts=child_opts(self, provider),
                )
        self.register_outputs({"scpId": self.policies[SCP].id, "rcpId": self.policies[RCP].id})


class TenancyGuardrails(pulumi.ComponentResource):
    """Per user-data compartment: one quota per data family zeroing it outside the allowed
    regions, and the operators' grants conditioned on the allowed regions."""

    def __init__(
        self,
        name: str,
        *,
        tenancy_ocid: str,
        oci_regions: Sequence[str],
        compartments: Mapping[str, str],
        deny_statements: bool,
        provider: oci.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("residency:oci:TenancyGuardrails", name, None, opts)
        outside = oci_statements.regions_outside(oci_regions, oci_statements.realm_of(tenancy_ocid))
        self.quotas: list[oci.limits.Quota] = []
        for compartment, group in sorted(compartments.items()):
            for family in oci_statements.DATA_QUOTA_FAMILIES:
                self.quotas.append(
                    oci.limits.Quota(
                        f"{name}-{compartment}-{family}",
                        compartment_id=tenancy_ocid,  # quotas live in the root compartment
                        name=f"residency-{compartment}-{family}",
                        description=f"Zero {family} in {compartment} outside the regions the "
                        "residency pack allows for us-user-data (generated).",
                        statements=oci_statements.quota_statements(family, compartment, outside),
                        opts=child_opts(self, provider),
                    )
                )
            oci.identity.Policy(
                f"{name}-{compartment}-regions",
                compartment_id=tenancy_ocid,  # a policy naming a compartment sits above it
                name=f"residency-{compartment}-regions",
                description=f"{group} manages the data services of {compartment} only in the "
                "regions the residency pack allows for us-user-data (generated).",
                statements=oci_statements.iam_statements(group, compartment, oci_regions),
                opts=child_opts(self, provider),
            )
            if deny_statements:
                oci.identity.Policy(
                    f"{name}-{compartment}-deny-outside",
                    compartment_id=tenancy_ocid,
                    name=f"residency-{compartment}-deny-outside",
                    description=f"No one manages the data services of {compartment} outside the "
                    "regions the residency pack allows for us-user-data (generated).",
                    statements=oci_statements.deny_statements(compartment, oci_regions),
                    opts=child_opts(self, provider),
                )
        self.register_outputs({})

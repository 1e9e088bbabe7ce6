"""The AWS Organizations policy documents of the guardrails, built from the region table.

Sources (they decide the values below):

* Region deny: AWS Control Tower's Region deny control, ``CT.MULTISERVICE.PV.1`` / landing-zone
  ``GRREGIONDENY`` (https://docs.aws.amazon.com/controltower/latest/userguide/primary-region-deny-policy.html).
  Its ``NotAction`` list is the global services that control exempts, copied here unchanged in
  its order, and its ``ArnNotLike`` exception keeps Control Tower's own execution role working.
  ``aws:RequestedRegion`` is the global condition key for the region a request is sent to
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion).
* Region opt-in: ``account:EnableRegion`` / ``account:DisableRegion`` are denied outright, since
  the Control Tower list exempts ``account:*`` from the region condition.
* S3 replication: ``s3:PutReplicationConfiguration`` takes no condition key that names the
  destination bucket or its region (Service Authorization Reference for Amazon S3: its keys are
  only ``s3:authType``, ``s3:ResourceAccount``, ``s3:signatureAge``, ``s3:signatureversion``,
  ``s3:TlsVersion``, ``s3:x-amz-content-sha256``), and ``aws:RequestedRegion`` is the *source*
  bucket's region. So no condition can scope the deny to "outside the allowed regions": the SCP
  denies the action everywhere (the same choice as Control Tower's "Disallow cross-Region
  replication for Amazon S3 buckets" control); a replication inside the table is set up by the
  platform from the management account, which SCPs do not govern.
* RCP data perimeter: AWS's identity-perimeter RCP (aws-samples/data-perimeter-policy-examples,
  ``resource_control_policies/identity_perimeter_rcp.json``): ``aws:PrincipalOrgID`` with the
  ``aws:PrincipalIsAWSService`` exception for service principals, and its confused-deputy
  statement (``aws:SourceOrgID``, applied only when ``aws:SourceAccount`` is present). The STS
  actions are the ones RCPs support for STS. RCPs support ``Action`` but not ``NotAction``, and
  ``Principal`` must be ``"*"`` (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html).
* RCP region statement: the user-data services' resources (S3, KMS, Secrets Manager, SQS) are
  unreachable in a region outside the table, by any principal, in or out of the organization:
  it covers what an SCP cannot (principals outside the organization; resources made before the
  SCP). STS is left out of it: its global endpoint answers as us-east-1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

VERSION: Final = "2012-10-17"
REQUESTED_REGION: Final = "aws:RequestedRegion"

# CT.MULTISERVICE.PV.1 / GRREGIONDENY: the actions Control Tower's Region deny control exempts
# (global services, and the S3 account-level and multi-Region access point actions). Copied from
# the control's SCP as documented (see the module docstring); do not edit by hand.
CONTROL_TOWER_EXEMPT_ACTIONS: Final[tuple[str, ...]] = (
    "a4b:*",
    "access-analyzer:*",
    "account:*",
    "acm:*",
    "activate:*",
    "artifact:*",
    "aws-marketplace-management:*",
    "aws-marketplace:*",
    "aws-portal:*",
    "billing:*",
    "billingconductor:*",
    "budgets:*",
    "ce:*",
    "chatbot:*",
    "chime:*",
    "cloudfront:*",
    "cloudtrail:LookupEvents",
    "compute-optimizer:*",
    "config:*",
    "consoleapp:*",
    "consolidatedbilling:*",
    "cur:*",
    "datapipeline:GetAccountLimits",
    "devicefarm:*",
    "directconnect:*",
    "ec2:DescribeRegions",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways",
    "ecr-public:*",
    "fms:*",
    "freetier:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "importexport:*",
    "invoicing:*",
    "iq:*",
    "kms:*",
    "license-manager:ListReceivedLicenses",
    "lightsail:Get*",
    "mobileanalytics:*",
    "networkmanager:*",
    "notifications-contacts:*",
    "notifications:*",
    "organizations:*",
    "payments:*",
    "pricing:*",
    "quicksight:DescribeAccountSubscription",
    "resource-explorer-2:*",
    "route53-recovery-cluster:*",
    "route53-recovery-control-config:*",
    "route53-recovery-readiness:*",
    "route53:*",
    "route53domains:*",
    "s3:CreateMultiRegionAccessPoint",
    "s3:DeleteMultiRegionAccessPoint",
    "s3:DescribeMultiRegionAccessPointOperation",
    "s3:GetAccountPublicAccessBlock",
    "s3:GetBucketLocation",
    "s3:GetBucketPolicyStatus",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetMultiRegionAccessPoint",
    "s3:GetMultiRegionAccessPointPolicy",
    "s3:GetMultiRegionAccessPointPolicyStatus",
    "s3:GetStorageLensConfiguration",
    "s3:GetStorageLensDashboard",
    "s3:ListAllMyBuckets",
    "s3:ListMultiRegionAccessPoints",
    "s3:ListStorageLensConfigurations",
    "s3:PutAccountPublicAccessBlock",
    "s3:PutMultiRegionAccessPointPolicy",
    "savingsplans:*",
    "shield:*",
    "sso:*",
    "sts:*",
    "support:*",
    "supportapp:*",
    "supportplans:*",
    "sustainability:*",
    "tag:GetResources",
    "tax:*",
    "trustedadvisor:*",
    "vendor-insights:ListEntitledSecurityProfiles",
    "waf-regional:*",
    "waf:*",
    "wafv2:*",
)

# Control Tower's own role, exempted by its Region deny control so that it can keep governing.
CONTROL_TOWER_EXECUTION_ROLE: Final = "arn:*:iam::*:role/AWSControlTowerExecution"

REGION_OPT_IN_ACTIONS: Final = ("account:EnableRegion", "account:DisableRegion")
REPLICATION_ACTION: Final = "s3:PutReplicationConfiguration"

# The services whose resources hold user data and that RCPs support.
DATA_SERVICE_ACTIONS: Final = ("s3:*", "kms:*", "secretsmanager:*", "sqs:*")
# The STS actions of AWS's identity-perimeter RCP (the ones RCPs support for STS).
STS_PERIMETER_ACTIONS: Final = (
    "sts:AssumeRole",
    "sts:DecodeAuthorizationMessage",
    "sts:GetAccessKeyInfo",
    "sts:GetFederationToken",
    "sts:GetServiceBearerToken",
    "sts:GetSessionToken",
    "sts:SetContext",
)

# Statement ids the pack's `residency-guardrails` rule and the docs refer to.
SID_REGION_DENY: Final = "DenyOutsideAllowedRegions"
SID_REGION_OPT_IN: Final = "DenyRegionOptInChanges"
SID_REPLICATION: Final = "DenyS3Replication"
SID_ORG_IDENTITIES: Final = "EnforceOrgIdentities"
SID_CONFUSED_DEPUTY: Final = "EnforceConfusedDeputyProtection"
SID_DATA_REGIONS: Final = "DenyDataOutsideAllowedRegions"


def _regions(regions: Sequence[str]) -> list[str]:
    if not regions:
        raise ValueError(
            "the allowed-regions table allows no AWS region: a region deny would "
            "deny everything; give the table at least one AWS region"
        )
    return sorted(regions)


def service_control_policy(aws_regions: Sequence[str]) -> dict[str, Any]:
    """The SCP: region deny (Control Tower's exemptions), region opt-in deny, S3 replication
    deny. ``aws_regions``: the regions anything may be placed in (the table's union)."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": SID_REGION_DENY,
                "Effect": "Deny",
                "NotAction": list(CONTROL_TOWER_EXEMPT_ACTIONS),
                "Resource": "*",
                "Condition": {
                    "StringNotEquals": {REQUESTED_REGION: _regions(aws_regions)},
                    "ArnNotLike": {"aws:PrincipalARN": [CONTROL_TOWER_EXECUTION_ROLE]},
                },
            },
            {
                "Sid": SID_REGION_OPT_IN,
                "Effect": "Deny",
                "Action": list(REGION_OPT_IN_ACTIONS),
                "Resource": "*",
            },
            {
                "Sid": SID_REPLICATION,
                "Effect": "Deny",
                "Action": [REPLICATION_ACTION],
                "Resource": "*",
            },
        ],
    }


def resource_control_policy(aws_regions: Sequence[str], organization_id: str) -> dict[str, Any]:
    """The RCP: organization identity perimeter, confused-deputy protection, and the user-data
    services' resources only in the table's regions."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": SID_ORG_IDENTITIES,
                "Effect": "Deny",
                "Principal": "*",
                "Action": [*DATA_SERVICE_ACTIONS, *STS_PERIMETER_ACTIONS],
                "Resource": "*",
                "Condition": {
                    "StringNotEqualsIfExists": {"aws:PrincipalOrgID": organization_id},
                    "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                },
            },
            {
                "Sid": SID_CONFUSED_DEPUTY,
                "Effect": "Deny",
                "Principal": "*",
                "Action": [*DATA_SERVICE_ACTIONS, *STS_PERIMETER_ACTIONS],
                "Resource": "*",
                "Condition": {
                    "StringNotEqualsIfExists": {"aws:SourceOrgID": organization_id},
                    "Null": {"aws:SourceAccount": "false"},
                    "Bool": {"aws:PrincipalIsAWSService": "true"},
                },
            },
            {
                "Sid": SID_DATA_REGIONS,
                "Effect": "Deny",
                "Principal": "*",
                "Action": list(DATA_SERVICE_ACTIONS),
                "Resource": "*",
                "Condition": {"StringNotEquals": {REQUESTED_REGION: _regions(aws_regions)}},
            },
        ],
    }

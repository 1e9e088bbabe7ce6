"""Cloud-side guardrails that agree with the pack's table, and hand edits that do not.

The compliant documents are the ones the guardrails project generates from the table
(blueprint.guardrails); each violation is one hand edit of them.
"""

import copy
import json

import pulumi_aws as aws
import pulumi_oci as oci
from blueprint.guardrails import aws_documents
from blueprint.guardrails.table import from_config

TABLE = from_config({})
ORG = "o-fixtureorg01"
OU = "ou-fixt-userdata1"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaafixturetenancy"
SCP = aws_documents.service_control_policy(TABLE.anywhere["aws"])
RCP = aws_documents.resource_control_policy(TABLE.anywhere["aws"], ORG)


def edited(document: dict, sid: str, **changes: object) -> str:
    document = copy.deepcopy(document)
    for statement in document["Statement"]:
        if statement["Sid"] == sid:
            statement.update(changes)
    return json.dumps(document)


def attach(name: str, policy: aws.organizations.Policy) -> None:
    aws.organizations.PolicyAttachment(name, policy_id=policy.id, target_id=OU)


# --- Generated from the table and attached: the guardrail layer as it should be.
# ok: residency-guardrails
scp = aws.organizations.Policy("residency-scp", content=json.dumps(SCP))
attach("residency-scp-ou", scp)
# ok: residency-guardrails
rcp = aws.organizations.Policy(
    "residency-rcp", type="RESOURCE_CONTROL_POLICY", content=json.dumps(RCP)
)
attach("residency-rcp-ou", rcp)

# --- An SCP edited by hand to allow Frankfurt.
frankfurt_condition = copy.deepcopy(SCP["Statement"][0]["Condition"])
frankfurt_condition["StringNotEquals"]["aws:RequestedRegion"].append("eu-central-1")
# violation: residency-guardrails
frankfurt = aws.organizations.Policy(
    "scp-plus-frankfurt",
    content=edited(SCP, aws_documents.SID_REGION_DENY, Condition=frankfurt_condition),
)
attach("scp-plus-frankfurt-ou", frankfurt)

# --- An RCP whose region statement lets every EU region through by pattern.
# violation: residency-guardrails
eu_rcp = aws.organizations.Policy(
    "rcp-eu-pattern",
    type="RESOURCE_CONTROL_POLICY",
    content=edited(
        RCP,
        aws_documents.SID_DATA_REGIONS,
        Condition={"StringNotLike": {"aws:RequestedRegion": ["us-east-1", "eu-*"]}},
    ),
)
attach("rcp-eu-pattern-ou", eu_rcp)

# --- `s3:*` added to the region deny's exemptions: replication re-opened by a NotAction gap.
# violation: residency-guardrails
gap = aws.organizations.Policy(
    "scp-notaction-gap",
    content=edited(
        SCP,
        aws_documents.SID_REGION_DENY,
        NotAction=[*aws_documents.CONTROL_TOWER_EXEMPT_ACTIONS, "s3:*"],
    ),
)
attach("scp-notaction-gap-ou", gap)

# --- Generated, but attached to nothing.
# violation: residency-guardrails
aws.organizations.Policy("scp-detached", content=json.dumps(SCP))
# violation: residency-guardrails
aws.organizations.Policy("rcp-detached", type="RESOURCE_CONTROL_POLICY", content=json.dumps(RCP))

# --- A tag policy is not a guardrail of this kind: unattached is not this rule's business.
# ok: residency-guardrails
aws.organizations.Policy(
    "tag-policy",
    type="TAG_POLICY",
    content=json.dumps(
        {"tags": {"data-classification": {"tag_key": {"@@assign": "data-classification"}}}}
    ),
)

# --- OCI quotas: zeroing outside the table is the guardrail; re-opening Frankfurt is not.
# ok: residency-guardrails
oci.limits.Quota(
    "zero-outside",
    compartment_id=TENANCY,
    name="zero-outside",
    description="zero object storage in Frankfurt",
    statements=[
        "zero object-storage quotas in compartment us-user-data where "
        "request.region = 'eu-frankfurt-1'"
    ],
)
# violation: residency-guardrails
oci.limits.Quota(
    "reopen-frankfurt",
    compartment_id=TENANCY,
    name="reopen-frankfurt",
    description="unset object storage in Frankfurt",
    statements=[
        "unset object-storage quotas in compartment us-user-data where "
        "request.region = 'eu-frankfurt-1'"
    ],
)

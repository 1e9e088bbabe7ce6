"""residency-guardrails: SCPs, RCPs and OCI quotas agree with the allowed-regions table."""

from __future__ import annotations

import copy
import json
from typing import Any

from blueprint.guardrails import aws_documents
from blueprint.guardrails.table import from_config
from residency_pack.rules.guardrails import POLICY
from residency_pack.testing import (
    UNKNOWN_ARRAY,
    UNKNOWN_STRING,
    Resource,
    analyze_stack,
    aws_provider,
    oci_provider,
)

TABLE = from_config({})
SCP = aws_documents.service_control_policy(TABLE.anywhere["aws"])
RCP = aws_documents.resource_control_policy(TABLE.anywhere["aws"], "o-exampleorg01")
ORG = aws_provider("us-east-1", name="org")
POLICY_TYPE = "aws:organizations/policy:Policy"
ATTACHMENT_TYPE = "aws:organizations/policyAttachment:PolicyAttachment"
EU = {"non-personal": {"aws": ["us-east-1", "ap-southeast-1", "eu-central-1"]}}


def policy(name: str, document: Any, kind: str | None = None) -> Resource:
    props: dict[str, Any] = {
        "content": document if isinstance(document, str) else json.dumps(document)
    }
    if kind:
        props["type"] = kind
    return Resource(POLICY_TYPE, name, props, ORG)


def attachment(name: str, target: Resource) -> Resource:
    return Resource(
        ATTACHMENT_TYPE, name, {"policyId": UNKNOWN_STRING, "targetId": "ou-exam-userdata1"},
        ORG, property_dependencies={"policyId": [target.resource_urn()]},
    )  # fmt: skip


def attached(*policies: Resource) -> list[Resource]:
    return [r for p in policies for r in (p, attachment(f"{p.name}-ou", p))]


def with_region_condition(document: dict[str, Any], sid: str, condition: Any) -> dict[str, Any]:
    edited = copy.deepcopy(document)
    for statement in edited["Statement"]:
        if statement["Sid"] == sid:
            statement["Condition"] = condition
    return edited


def check(resources: list[Resource], config: Any = None) -> list[str]:
    return [d.message for d in analyze_stack(POLICY, resources, config)]


def test_generated_and_attached_guardrails_pass() -> None:
    scp, rcp = policy("scp", SCP), policy("rcp", RCP, "RESOURCE_CONTROL_POLICY")
    assert check(attached(scp, rcp)) == []


def test_a_region_added_by_hand_is_a_violation() -> None:
    condition = copy.deepcopy(SCP["Statement"][0]["Condition"])
    condition["StringNotEquals"]["aws:RequestedRegion"].append("eu-central-1")
    edited = with_region_condition(SCP, aws_documents.SID_REGION_DENY, condition)
    [message] = check(attached(policy("scp", edited)))
    assert "lets through eu-central-1" in message and "Fix:" in message


def test_the_same_region_passes_once_the_table_allows_it() -> None:
    condition = copy.deepcopy(SCP["Statement"][0]["Condition"])
    condition["StringNotEquals"]["aws:RequestedRegion"].append("eu-central-1")
    edited = with_region_condition(SCP, aws_documents.SID_REGION_DENY, condition)
    config = {"residency-guardrails": {"allowedRegions": EU}}
    assert check(attached(policy("scp", edited)), config) == []


def test_a_pattern_that_matches_an_outside_region_is_a_violation() -> None:
    edited = with_region_condition(
        RCP, aws_documents.SID_DATA_REGIONS,
        {"StringNotLikeIfExists": {"aws:RequestedRegion": ["us-east-1", "ap-*"]}},
    )  # fmt: skip
    [message] = check(attached(policy("rcp", edited, "RESOURCE_CONTROL_POLICY")))
    assert "RCP `rcp`" in message and "ap-northeast-1" in message


def test_a_deny_list_is_a_violation() -> None:
    edited = with_region_condition(
        SCP, aws_documents.SID_REGION_DENY, {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    )
    [message] = check(attached(policy("scp", edited)))
    assert "denies only the regions it lists" in message


def test_a_deny_list_on_top_of_a_region_allow_list_is_a_further_restriction() -> None:
    extra = {"Version": "2012-10-17", "Statement": [
        {"Sid": "NoEc2InOhio", "Effect": "Deny", "Action": "ec2:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-2"}}},
    ]}  # fmt: skip
    assert check(attached(policy("scp", SCP), policy("extra", extra))) == []
    [alone] = check(attached(policy("extra", extra)))
    assert "denies only the regions it lists" in alone


def test_an_allow_naming_an_outside_region_is_a_violation() -> None:
    document = {"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowEu", "Effect": "Allow", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}},
    ]}  # fmt: skip
    [message] = check(attached(policy("scp", document)))
    assert "lets through eu-west-1" in message


def test_a_notaction_gap_reopening_replication_is_a_violation() -> None:
    edited = copy.deepcopy(SCP)
    edited["Statement"][0]["NotAction"] = [*aws_documents.CONTROL_TOWER_EXEMPT_ACTIONS, "s3:Put*"]
    [message] = check(attached(policy("scp", edited)))
    assert "s3:PutReplicationConfiguration" in message and "NotAction" in message


def test_a_detached_scp_or_rcp_is_a_violation() -> None:
    scp, rcp = policy("scp", SCP), policy("rcp", RCP, "RESOURCE_CONTROL_POLICY")
    messages = check([scp, rcp])
    assert len(messages) == 2
    assert all("no PolicyAttachment" in m for m in messages)


def test_an_attachment_known_only_by_its_dependencies_counts() -> None:
    scp = policy("scp", SCP)
    link = Resource(
        ATTACHMENT_TYPE, "scp-ou", {"policyId": UNKNOWN_STRING, "targetId": "ou-exam-userdata1"},
        ORG, dependencies=[scp.resource_urn()],
    )  # fmt: skip
    assert check([scp, link]) == []


def test_other_organization_policies_are_not_guardrails() -> None:
    tags = policy("tags", {"tags": {}}, "TAG_POLICY")
    assert check([tags]) == []


def test_unknown_or_unreadable_content_fails_closed() -> None:
    [unknown] = check(attached(policy("scp", UNKNOWN_STRING)))
    assert "unknown in preview" in unknown
    [broken] = check(attached(policy("scp", "{not json")))
    assert "not valid JSON" in broken


def quota(name: str, statements: Any) -> Resource:
    return Resource(
        "oci:Limits/quota:Quota", name,
        {"compartmentId": "ocid1.tenancy.oc1..x", "name": name, "description": "d",
         "statements": statements},
        oci_provider("us-ashburn-1", name="home"),
    )  # fmt: skip


def test_quotas_that_zero_outside_the_table_pass() -> None:
    zero = "zero object-storage quotas in compartment c where request.region = 'eu-frankfurt-1'"
    unset_inside = (
        "unset object-storage quotas in compartment c where request.region = 'us-ashburn-1'"
    )
    assert check([quota("q", [zero, unset_inside])]) == []


def test_a_quota_reopened_outside_the_table_is_a_violation() -> None:
    reopen = (
        "set object-storage quota storage-bytes to 10 in compartment c "
        "where request.region = 'eu-frankfurt-1'"
    )
    [message] = check([quota("q", [reopen])])
    assert "re-opens a quota in OCI region eu-frankfurt-1" in message


def test_unknown_quota_statements_fail_closed() -> None:
    [message] = check([quota("q", UNKNOWN_ARRAY)])
    assert "unknown in preview" in message

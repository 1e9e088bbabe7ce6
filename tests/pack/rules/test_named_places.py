"""residency-named-places through the policy SDK's own Analyze: one compliant resource, one change
per case."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from residency_pack.rules import named_places
from residency_pack.rules.named_places import (
    PENDING_BUCKETS,
    PENDING_OUTPUTS,
    POLICY,
    STACK_BUCKETS,
)
from residency_pack.servicer import ConfigRejected
from residency_pack.testing import (
    UNKNOWN_STRING,
    Resource,
    analyze,
    analyze_stack,
    aws_provider,
    oci_provider,
)

NAME = "residency-named-places"
OURS = "111122223333"
PARTNER = "999999999999"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaaourtenancy"
STACK_CONFIG = {"aws:allowedAccountIds": json.dumps([OURS]), "oci:tenancyOcid": TENANCY}
NON_PERSONAL = {"data-classification": "non-personal"}
USER_DATA = {"data-classification": "us-user-data"}

# A Lambda destination config: moves data, carries no tags.
DESTINATION = Resource(
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    "orders-destinations",
    {
        "functionName": "orders",
        "destinationConfig": {
            "onFailure": {"destination": f"arn:aws:sqs:us-east-1:{OURS}:failures"}
        },
    },
    aws_provider("us-east-1"),
)
# A DMS endpoint: moves data, taggable.
DMS = Resource(
    "aws:dms/endpoint:Endpoint",
    "source",
    {
        "endpointId": "source",
        "endpointType": "source",
        "engineName": "postgres",
        "serverName": "orders.c9akciq32.us-east-1.rds.amazonaws.com",
        "tags": USER_DATA,
    },
    aws_provider("us-east-1"),
)
# A Firehose stream: data-bearing whatever the catalog's version.
FIREHOSE = Resource(
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    "events",
    {
        "destination": "http_endpoint",
        "httpEndpointConfiguration": {"url": "https://sqs.us-east-1.amazonaws.com"},
        "tags": USER_DATA,
    },
    aws_provider("us-east-1"),
)
OCI_CONNECTION = Resource(
    "oci:GoldenGate/connection:Connection",
    "ggs",
    {
        "compartmentId": TENANCY,
        "connectionType": "KAFKA",
        "technologyType": "OCI_STREAMING",
        "streamPoolId": "ocid1.streampool.oc1.iad.aaaaexample",
        "freeformTags": USER_DATA,
    },
    oci_provider("us-ashburn-1"),
)
ROLE_POLICY = Resource(
    "aws:iam/rolePolicy:RolePolicy",
    "send",
    {
        "role": "connector",
        "policy": json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sqs:SendMessage",
                        "Resource": f"arn:aws:sqs:us-east-1:{OURS}:inbox",
                    }
                ],
            }
        ),
    },
    aws_provider("us-east-1"),
)


@pytest.fixture(autouse=True)
def _fresh_stack_buckets() -> Iterator[None]:
    STACK_BUCKETS.clear()
    PENDING_BUCKETS.clear()
    PENDING_OUTPUTS.clear()
    yield
    STACK_BUCKETS.clear()
    PENDING_BUCKETS.clear()
    PENDING_OUTPUTS.clear()


def change(resource: Resource, **props: Any) -> Resource:
    return dataclasses.replace(resource, props={**resource.props, **props})


def messages(resource: Resource, config: dict[str, Any] | None = None) -> list[str]:
    diags = analyze(POLICY, resource, {NAME: config} if config else None, STACK_CONFIG)
    assert all(d.policy == NAME and d.enforcement == "mandatory" for d in diags), diags
    return [d.message for d in diags]


def stack_messages(resources: list[Resource]) -> list[tuple[str, str]]:
    """The policy's stack follow-up on the whole stack: (resource name, message)."""
    diags = analyze_stack(POLICY, resources, None, STACK_CONFIG)
    assert all(d.policy == NAME and d.enforcement == "mandatory" for d in diags), diags
    return [(d.urn.rsplit("::", 1)[-1], d.message) for d in diags]


def reachable(monkeypatch: pytest.MonkeyPatch, *types: str) -> None:
    """Data can reach these types, whatever the catalog's version says."""
    original = named_places._data_reachable
    monkeypatch.setattr(named_places, "_data_reachable", lambda t: t in types or original(t))


@pytest.mark.parametrize("resource", [DESTINATION, FIREHOSE, OCI_CONNECTION, ROLE_POLICY])
def test_compliant(resource: Resource) -> None:
    assert messages(resource) == []


def test_a_destination_in_another_region_is_a_violation() -> None:
    found = messages(
        change(DESTINATION, destinationConfig={
            "onFailure": {"destination": f"arn:aws:sqs:eu-west-1:{OURS}:failures"}
        })
    )  # fmt: skip
    assert len(found) == 1
    assert "`arn:aws:sqs:eu-west-1:111122223333:failures`" in found[0]
    assert "destinationConfig.onFailure.destination" in found[0]
    assert "region `eu-west-1`" in found[0] and "Fix:" in found[0]


def test_a_destination_in_an_untrusted_account_is_a_violation() -> None:
    found = messages(
        change(DESTINATION, destinationConfig={
            "onSuccess": {"destination": f"arn:aws:sqs:us-east-1:{PARTNER}:done"}
        })
    )  # fmt: skip
    assert len(found) == 1 and f"account `{PARTNER}`" in found[0]
    assert "not a trusted account" in found[0]


def test_trust_comes_from_the_policy_config_when_it_sets_it() -> None:
    partner = change(DESTINATION, destinationConfig={
        "onSuccess": {"destination": f"arn:aws:sqs:us-east-1:{PARTNER}:done"}
    })  # fmt: skip
    assert messages(partner, {"trustedAccountIds": [PARTNER]}) == []
    assert len(messages(DESTINATION, {"trustedAccountIds": [PARTNER]})) == 1


def test_a_region_held_for_user_data_or_for_any_classification() -> None:
    singapore = {"onFailure": {"destination": f"arn:aws:sqs:ap-southeast-1:{OURS}:failures"}}
    # An untaggable conduit moves another resource's data: the union of allowed regions.
    assert messages(change(DESTINATION, destinationConfig=singapore)) == []
    # A user-data resource: only the user-data regions.
    host = "https://sqs.ap-southeast-1.amazonaws.com"
    found = messages(change(FIREHOSE, httpEndpointConfiguration={"url": host}))
    assert len(found) == 1 and "`us-user-data` data may be only in us-east-1" in found[0]
    # ... and the same for non-personal data is allowed.
    non_personal = change(FIREHOSE, httpEndpointConfiguration={"url": host}, tags=NON_PERSONAL)
    assert messages(non_personal) == []


def test_an_untagged_data_bearing_resource_is_held_to_user_data() -> None:
    host = "https://sqs.ap-southeast-1.amazonaws.com"
    found = messages(change(FIREHOSE, httpEndpointConfiguration={"url": host}, tags={}))
    assert len(found) == 1 and "its classification is missing: fail closed" in found[0]


def test_a_host_outside_the_clouds_needs_the_egress_allowlist() -> None:
    partner = change(FIREHOSE, httpEndpointConfiguration={"url": "https://in.partner.example/x"})
    found = messages(partner)
    assert len(found) == 1 and "`in.partner.example`" in found[0]
    assert "allowedEgressHosts" in found[0]
    assert messages(partner, {"allowedEgressHosts": ["*.partner.example"]}) == []
    assert len(messages(partner, {"allowedEgressHosts": ["*.other.example"]})) == 1


def test_only_the_host_of_a_url_counts() -> None:
    for url in (
        "https://in.partner.example/x?next=https://sqs.us-east-1.amazonaws.com",
        "https://sqs.us-east-1.amazonaws.com@in.partner.example/x",
    ):
        found = messages(change(FIREHOSE, httpEndpointConfiguration={"url": url}))
        assert len(found) == 1 and "`in.partner.example`" in found[0], url


def test_a_place_that_cannot_be_told_fails_closed_where_data_can_reach(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reachable(monkeypatch, DMS.type)
    # It may be an output of a resource of this stack: decided once the stack is known.
    assert messages(DMS) == []
    found = [message for _, message in stack_messages([DMS])]
    assert len(found) == 1 and "who owns it cannot be told" in found[0]
    assert "declaredPlaces" in found[0]


def test_a_declared_place_supplies_region_and_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    reachable(monkeypatch, DMS.type)
    declared = {
        "match": "*.c9akciq32.us-east-1.rds.amazonaws.com", "cloud": "aws",
        "region": "us-east-1", "account": OURS, "reason": "the orders database",
    }  # fmt: skip
    assert messages(DMS, {"declaredPlaces": [declared]}) == []
    # A declaration is no exemption: its region and owner are judged.
    for wrong, text in ((
        {"account": PARTNER}, "not a trusted account"), ({"region": "eu-west-1"}, "eu-west-1"),
    ):  # fmt: skip
        found = messages(DMS, {"declaredPlaces": [{**declared, **wrong}]})
        assert len(found) == 1 and text in found[0] and "declared in declaredPlaces" in found[0]


@pytest.mark.parametrize(
    "match",
    [
        "*", "*.com", "*.amazonaws.com", "arn:*", "s3://*",
        "arn:aws:s3:::*", "https://*", "*.s3.us-east-1.amazonaws.com",
    ],
)  # fmt: skip
def test_a_declaration_cannot_cover_a_whole_cloud(match: str) -> None:
    declared = {"match": match, "cloud": "aws", "region": "us-east-1", "account": OURS,
                "reason": "too broad"}  # fmt: skip
    with pytest.raises(ConfigRejected, match="declaredPlaces"):
        messages(DMS, {"declaredPlaces": [declared]})


def test_a_region_in_an_rds_host_is_judged_wherever_the_resource_is() -> None:
    frankfurt = change(DMS, serverName="partner.c9akciq32.eu-central-1.rds.amazonaws.com")
    found = messages(frankfurt)
    assert any("region `eu-central-1`" in m for m in found)


def test_a_bucket_of_this_stack_is_known_by_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    reachable(monkeypatch, DESTINATION.type)
    to_bucket = change(DESTINATION, destinationConfig={
        "onFailure": {"destination": "arn:aws:s3:::fixture-failures"}
    })  # fmt: skip
    # Not seen yet: the verdict waits for the whole stack, which has no such bucket.
    assert messages(to_bucket) == []
    [(name, message)] = stack_messages([to_bucket])
    assert name == to_bucket.name and "who owns it cannot be told" in message
    bucket = Resource(
        "aws:s3/bucket:Bucket", "failures", {"bucket": "fixture-failures", "tags": NON_PERSONAL},
        aws_provider("us-east-1"),
    )  # fmt: skip
    assert messages(bucket) == []
    assert messages(to_bucket) == []  # the stack's own bucket: its own rules judge it
    assert stack_messages([bucket, to_bucket]) == []
    script = change(to_bucket, destinationConfig={
        "onFailure": {"destination": "s3://fixture-failures/dead-letters/"}
    })  # fmt: skip
    assert messages(script) == []


def test_the_verdict_on_a_stack_bucket_does_not_depend_on_the_order_of_analysis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reachable(monkeypatch, DESTINATION.type)
    to_bucket = change(DESTINATION, destinationConfig={
        "onFailure": {"destination": "arn:aws:s3:::fixture-failures"}
    })  # fmt: skip
    bucket = Resource(
        "aws:s3/bucket:Bucket", "failures", {"bucket": "fixture-failures", "tags": NON_PERSONAL},
        aws_provider("us-east-1"),
    )  # fmt: skip
    # The destination analysed before its bucket (the SDK registers them concurrently).
    assert messages(to_bucket) == [] and messages(bucket) == []
    assert stack_messages([to_bucket, bucket]) == []
    # ... and a bucket the stack does not have, in either order: reported once.
    other = change(to_bucket, destinationConfig={
        "onFailure": {"destination": "arn:aws:s3:::someone-elses-bucket"}
    })  # fmt: skip
    assert messages(other) == []
    assert [n for n, _ in stack_messages([bucket, other])] == [other.name]


def test_oci_places_are_judged_by_region_realm_and_tenancy() -> None:
    frankfurt = change(OCI_CONNECTION, streamPoolId="ocid1.streampool.oc1.fra.aaaaexample")
    found = messages(frankfurt)
    assert len(found) == 1 and "region `eu-frankfurt-1`" in found[0]
    other_realm = change(OCI_CONNECTION, streamPoolId="ocid1.streampool.oc2.iad.aaaaexample")
    assert any("realm `oc2`" in m for m in messages(other_realm))
    partner = change(OCI_CONNECTION, compartmentId="ocid1.tenancy.oc1..aaaapartner")
    found = messages(partner)
    assert len(found) == 1 and "not a trusted tenancy" in found[0]


def test_an_oci_webhook_query_string_is_not_its_host(monkeypatch: pytest.MonkeyPatch) -> None:
    reachable(monkeypatch, "oci:Ons/subscription:Subscription")
    webhook = Resource(
        "oci:Ons/subscription:Subscription",
        "alerts",
        {
            "compartmentId": TENANCY,
            "topicId": "ocid1.onstopic.oc1.iad.aaaa",
            "protocol": "CUSTOM_HTTPS",
            "endpoint": "https://hooks.attacker.example/n?r=https://x.us-ashburn-1.oraclecloud.com",
            "freeformTags": NON_PERSONAL,
        },
        oci_provider("us-ashburn-1"),
    )
    found = messages(webhook)
    assert any("`hooks.attacker.example`" in m for m in found), found
    function = dataclasses.replace(
        webhook,
        props={**webhook.props, "protocol": "ORACLE_FUNCTIONS",
               "endpoint": "ocid1.fnfunc.oc1.iad.aaaa"},
    )  # fmt: skip
    assert messages(function) == []


def test_config_only_resources_are_held_to_the_union_and_trusted_owners() -> None:
    assert messages(ROLE_POLICY) == []
    partner = change(ROLE_POLICY, policy=ROLE_POLICY.props["policy"].replace(OURS, PARTNER))
    assert len(messages(partner)) == 1
    # AWS-managed policies and "*" are no foreign places.
    managed = Resource(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "ro",
        {"role": "connector", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        aws_provider("us-east-1"),
    )
    assert messages(managed) == []
    # A host outside the clouds on a resource no data reaches is not egress.
    cert = Resource(
        "aws:acm/certificate:Certificate", "cert",
        {"domainName": "api.example.com", "validationMethod": "DNS"}, aws_provider("us-east-1"),
    )  # fmt: skip
    assert messages(cert) == []


def test_the_resources_own_region_is_left_to_the_region_rules() -> None:
    assert messages(change(DESTINATION, region="eu-west-1")) == []


def test_principals_in_policy_documents_are_left_to_the_access_rules() -> None:
    bucket_policy = Resource(
        "aws:s3/bucketPolicy:BucketPolicy",
        "logs",
        {
            "bucket": "logs",
            "policy": json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": "arn:aws:iam::127311923021:root"},
                            "Action": "s3:PutObject",
                            "Resource": "arn:aws:s3:::logs/*",
                        }
                    ]
                }
            ),
        },
        aws_provider("us-east-1"),
    )
    assert messages(bucket_policy) == []


def test_unknown_inputs_wait_for_the_update(monkeypatch: pytest.MonkeyPatch) -> None:
    unknown = change(DESTINATION, destinationConfig={"onFailure": {"destination": UNKNOWN_STRING}})
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    assert messages(unknown) == []
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    found = messages(unknown)
    assert len(found) == 1 and "still unknown outside a preview" in found[0]
    assert "destinationConfig.onFailure.destination" in found[0]


LAMBDA = Resource(
    "aws:lambda/function:Function",
    "sync",
    {
        "role": UNKNOWN_STRING,
        "kmsKeyArn": UNKNOWN_STRING,
        "environment": {"variables": {"MODE": "full"}},
        "tags": USER_DATA,
    },
    aws_provider("us-east-1"),
)


def preview_diagnostics(resource: Resource) -> list[Any]:
    diags = analyze(POLICY, resource, None, STACK_CONFIG)
    assert all(d.policy == NAME for d in diags), diags
    return diags


def test_a_composed_value_unknown_in_preview_is_a_visible_pending_notice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `Output.format("https://{0}.ingest.partner.example/", table.name)`: unknown as a whole.
    composed = change(LAMBDA, environment={"variables": {"SINK": UNKNOWN_STRING}})
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    [notice] = preview_diagnostics(composed)
    assert notice.enforcement == "advisory" and "during preview" in notice.message
    assert "`environment.variables.SINK`" in notice.message and "`role`" not in notice.message
    # During the update the value is known and judged.
    monkeypatch.setenv("PULUMI_DRY_RUN", "false")
    known = change(
        LAMBDA,
        role=f"arn:aws:iam::{OURS}:role/sync",
        kmsKeyArn=f"arn:aws:kms:us-east-1:{OURS}:key/k",
        environment={"variables": {"SINK": "https://users.ingest.partner.example/"}},
    )
    [violation] = messages(known)
    assert "users.ingest.partner.example" in violation


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        ("aws:sfn/stateMachine:StateMachine", {"definition": UNKNOWN_STRING}),
        ("aws:redshiftdata/statement:Statement", {"sql": UNKNOWN_STRING}),
        ("aws:emr/cluster:Cluster", {"steps": [{"hadoopJarStep": {"args": UNKNOWN_STRING}}]}),
    ],
)
def test_unknown_definitions_commands_and_sql_are_pending_in_preview(
    resource_type: str, props: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    resource = Resource(resource_type, "r", {**props, "tags": USER_DATA}, aws_provider("us-east-1"))
    [notice] = preview_diagnostics(resource)
    assert notice.enforcement == "advisory"


def test_unknown_references_to_stack_resources_give_no_notice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    assert preview_diagnostics(LAMBDA) == []  # role, kmsKeyArn: ARNs of the stack's resources
    references = change(
        LAMBDA,
        vpcConfig={"subnetIds": [UNKNOWN_STRING], "securityGroupIds": [UNKNOWN_STRING]},
        deadLetterConfig={"targetArn": UNKNOWN_STRING},
    )
    assert preview_diagnostics(references) == []
    # ...but a lower-case environment variable is still a key the program chose.
    [notice] = preview_diagnostics(change(LAMBDA, environment={"variables": {"t": UNKNOWN_STRING}}))
    assert notice.enforcement == "advisory"
    key = Resource(
        "oci:Kms/key:Key", "k",
        {"compartmentId": UNKNOWN_STRING, "managementEndpoint": UNKNOWN_STRING,
         "freeformTags": USER_DATA},
        oci_provider("us-ashburn-1"),
    )  # fmt: skip
    assert preview_diagnostics(key) == []
    # Not reachable by data (an identity policy built around a key ARN): no notice either.
    assert preview_diagnostics(change(ROLE_POLICY, policy=UNKNOWN_STRING)) == []


def test_providers_are_left_to_the_provider_trust_rule() -> None:
    provider = Resource(
        "pulumi:providers:aws", "partner",
        {"region": "eu-west-1", "assumeRoles": json.dumps(
            [{"roleArn": f"arn:aws:iam::{PARTNER}:role/x"}])},
    )  # fmt: skip
    assert messages(provider) == []


# --- places a value cannot tell (red team 3) ------------------------------------------------------

AUDIT_LOGGING = Resource(
    "aws:redshift/logging:Logging",
    "audit",
    {"clusterIdentifier": "dw", "logDestinationType": "s3", "bucketName": "fixture-audit"},
    aws_provider("us-east-1"),
)


def test_a_bare_bucket_name_is_a_place_that_cannot_be_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reachable(monkeypatch, AUDIT_LOGGING.type)
    # Decided once the whole stack is known: it has no bucket of that name.
    assert messages(AUDIT_LOGGING) == []
    [(name, found)] = stack_messages([AUDIT_LOGGING])
    assert name == AUDIT_LOGGING.name
    assert "S3 bucket name `fixture-audit` at `bucketName`" in found
    assert "who owns it cannot be told" in found
    # A bucket of this stack, known by its name.
    bucket = Resource(
        "aws:s3/bucket:Bucket", "audit", {"bucket": "fixture-audit", "tags": NON_PERSONAL},
        aws_provider("us-east-1"),
    )  # fmt: skip
    assert stack_messages([AUDIT_LOGGING, bucket]) == []


def test_a_bare_bucket_name_is_declared_by_its_bucket_arn(monkeypatch: pytest.MonkeyPatch) -> None:
    reachable(monkeypatch, AUDIT_LOGGING.type)
    declared = {
        "match": "arn:aws:s3:::fixture-audit", "cloud": "aws", "region": "us-east-1",
        "account": OURS, "reason": "the audit bucket of the data team's stack",
    }  # fmt: skip
    assert messages(AUDIT_LOGGING, {"declaredPlaces": [declared]}) == []
    [found] = messages(AUDIT_LOGGING, {"declaredPlaces": [{**declared, "account": PARTNER}]})
    assert "not a trusted account" in found


def test_a_resource_labelled_user_data_is_reached_by_data_whatever_its_role() -> None:
    firelens = json.dumps([{"logConfiguration": {"options": {"Host": "logs.apm.example"}}}])
    task = Resource(
        "aws:ecs/taskDefinition:TaskDefinition", "api",
        {"family": "api", "containerDefinitions": firelens, "tags": USER_DATA},
        aws_provider("us-east-1"),
    )  # fmt: skip
    [found] = messages(task)
    assert "host `logs.apm.example`" in found and "allowedEgressHosts" in found
    assert messages(task, {"allowedEgressHosts": ["logs.apm.example"]}) == []


@pytest.mark.parametrize(
    ("action", "violations"), [("s3:PutObject", 1), ("s3:*", 1), ("s3:GetObject", 0)]
)
def test_an_identity_policy_writing_to_a_bucket_that_cannot_be_told(
    action: str, violations: int
) -> None:
    statement = {"Effect": "Allow", "Action": action, "Resource": "arn:aws:s3:::dropbox/*"}
    policy = change(ROLE_POLICY, policy=json.dumps({"Statement": [statement]}))
    assert messages(policy) == []  # decided once the whole stack is known
    found = [message for _, message in stack_messages([policy])]
    assert len(found) == violations
    assert all("an identity policy lets its holder write there" in m for m in found)


def test_an_account_in_a_sharing_field_is_judged_as_an_owner() -> None:
    share = Resource(
        "aws:directoryservice/sharedDirectory:SharedDirectory", "share",
        {"directoryId": "d-1", "target": {"id": PARTNER, "type": "ACCOUNT"}},
        aws_provider("us-east-1"),
    )  # fmt: skip
    [found] = messages(share)
    assert f"account id `{PARTNER}` at `target.id`" in found and "not a trusted account" in found
    assert messages(change(share, target={"id": OURS, "type": "ACCOUNT"})) == []


# --- untold places that are outputs of a resource of this stack (decided by the stack follow-up)
VAULT_HOST = "https://abcd1234-management.kms.us-ashburn-1.oraclecloud.com"
OCI_ASHBURN = oci_provider("us-ashburn-1", tenancyOcid=TENANCY)
VAULT = Resource(
    "oci:Kms/vault:Vault", "vault",
    # the stack follow-up sees a resource's outputs (what `pulumi up` hands AnalyzeStack)
    {"compartmentId": TENANCY, "displayName": "v", "vaultType": "DEFAULT",
     "managementEndpoint": VAULT_HOST, "cryptoEndpoint": VAULT_HOST.replace("management", "crypto"),
     "freeformTags": USER_DATA},
    OCI_ASHBURN,
)  # fmt: skip
KEY = Resource(
    "oci:Kms/key:Key", "key",
    {"compartmentId": TENANCY, "displayName": "k", "managementEndpoint": VAULT_HOST,
     "keyShape": {"algorithm": "AES", "length": 32}, "freeformTags": USER_DATA},
    OCI_ASHBURN,
    property_dependencies={"managementEndpoint": [VAULT.resource_urn()]},
)  # fmt: skip


VAULT_INPUTS = change(VAULT, managementEndpoint=None, cryptoEndpoint=None)


def test_a_value_produced_by_a_resource_of_this_stack_is_that_resources_place() -> None:
    assert messages(VAULT_INPUTS) == []
    assert messages(KEY) == []  # waits for the stack: the vault's outputs are known there
    assert stack_messages([VAULT, KEY]) == []


def test_an_untold_literal_with_no_producer_in_the_stack_fails_closed() -> None:
    literal = dataclasses.replace(KEY, property_dependencies={})
    assert messages(VAULT_INPUTS) == [] and messages(literal) == []
    [(name, message)] = stack_messages([VAULT, literal])
    assert name == "key" and "who owns it cannot be told" in message
    assert "the output of the resource of this stack that created it" in message


def test_a_producer_whose_outputs_name_another_host_decides_nothing() -> None:
    messages(VAULT_INPUTS)
    other = change(VAULT, managementEndpoint="https://ffff-management.kms.us-ashburn-1.oraclecloud.com",
                   cryptoEndpoint=None)  # fmt: skip
    assert messages(KEY) == []
    assert [n for n, _ in stack_messages([other, KEY])] == ["key"]


def test_a_resource_that_echoes_its_own_input_produces_no_place() -> None:
    # A parameter holding someone's vault URL: its output is its input, judged where it is.
    echo = Resource(
        "aws:ssm/parameter:Parameter", "vault-url",
        {"name": "vault-url", "type": "String", "value": VAULT_HOST, "tags": NON_PERSONAL},
        aws_provider("us-east-1"),
    )  # fmt: skip
    key = dataclasses.replace(
        KEY, property_dependencies={"managementEndpoint": [echo.resource_urn()]}
    )
    messages(echo)
    assert messages(key) == []
    assert sorted(n for n, _ in stack_messages([echo, key])) == ["key", "vault-url"]


# An API gateway's JWT issuer and JWKS URL at an OCI identity domain: the host names no tenancy.
DOMAIN_URL = "https://idcs-0123456789abcdef.identity.oraclecloud.com"
DOMAIN = Resource(
    "oci:Identity/domain:Domain", "users-domain",
    {"compartmentId": TENANCY, "displayName": "users", "description": "d", "homeRegion":
     "us-ashburn-1", "licenseType": "free", "url": DOMAIN_URL, "freeformTags": USER_DATA},
    OCI_ASHBURN,
)  # fmt: skip
JWT_GATEWAY = Resource(
    "oci:ApiGateway/deployment:Deployment", "api",
    {"compartmentId": TENANCY, "gatewayId": "ocid1.apigateway.oc1.iad.aaaagw", "pathPrefix": "/v1",
     "specification": {"requestPolicies": {"authentication": {
         "type": "JWT_AUTHENTICATION", "issuers": [DOMAIN_URL], "audiences": ["app"],
         "publicKeys": {"type": "REMOTE_JWKS", "uri": f"{DOMAIN_URL}/admin/v1/SigningCert/jwk"},
     }}, "routes": []}},
    OCI_ASHBURN,
    property_dependencies={"specification": [DOMAIN.resource_urn()]},
)  # fmt: skip


def test_a_jwt_issuer_that_is_the_stacks_own_identity_domain_passes() -> None:
    messages(change(DOMAIN, url=None))
    assert messages(JWT_GATEWAY) == []
    assert stack_messages([DOMAIN, JWT_GATEWAY]) == []


def test_a_jwt_issuer_at_an_identity_domain_the_stack_did_not_create_is_judged() -> None:
    partner = dataclasses.replace(JWT_GATEWAY, property_dependencies={})
    assert messages(partner) == []
    found = [message for name, message in stack_messages([DOMAIN, partner]) if name == "api"]
    assert found and all("who owns it cannot be told" in message for message in found)


# --- code supply: layers and images are judged for their owner ---------------------------------

FUNCTION = Resource(
    "aws:lambda/function:Function",
    "proc",
    {
        "runtime": "python3.12",
        "handler": "h.h",
        "role": f"arn:aws:iam::{OURS}:role/fn",
        "layers": [f"arn:aws:lambda:us-east-1:{OURS}:layer:shared:3"],
        "tags": USER_DATA,
    },
    aws_provider("us-east-1"),
)
PARTNER_LAYER = f"arn:aws:lambda:us-east-1:{PARTNER}:layer:telemetry:7"
AWS_LAYER = (
    "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12"
)


def test_a_layer_of_a_trusted_account_or_published_by_aws_is_compliant() -> None:
    assert messages(FUNCTION) == []
    assert messages(change(FUNCTION, layers=[AWS_LAYER])) == []


def test_a_partner_layer_in_an_allowed_region_is_a_violation() -> None:
    [found] = messages(change(FUNCTION, layers=[PARTNER_LAYER]))
    assert f"AWS account `{PARTNER}`" in found and "code or an image" in found
    # AWS's reviewed publisher accounts cover only AWS's own layer names.
    aws_account_other_name = "arn:aws:lambda:us-east-1:177933569100:layer:telemetry:1"
    assert len(messages(change(FUNCTION, layers=[aws_account_other_name]))) == 1
    # Also on a function labelled non-personal: code of a foreign party runs there too.
    assert len(messages(change(FUNCTION, layers=[PARTNER_LAYER], tags=NON_PERSONAL))) == 1


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        ("aws:lambda/function:Function",
         {"packageType": "Image", "imageUri": f"{PARTNER}.dkr.ecr.us-east-1.amazonaws.com/x:1"}),
        ("aws:sagemaker/model:Model", {"executionRoleArn": f"arn:aws:iam::{OURS}:role/sm",
         "primaryContainer": {"image": f"{PARTNER}.dkr.ecr.us-east-1.amazonaws.com/m:1"}}),
        ("aws:sagemaker/model:Model", {"executionRoleArn": f"arn:aws:iam::{OURS}:role/sm",
         "containers": [{"image": f"{PARTNER}.dkr.ecr.us-east-1.amazonaws.com/m:1"}]}),
        ("aws:ecs/taskDefinition:TaskDefinition", {"family": "api", "containerDefinitions":
         json.dumps([{"name": "a", "image": f"{PARTNER}.dkr.ecr.us-east-1.amazonaws.com/a:1"}])}),
    ],
)  # fmt: skip
def test_a_partner_image_in_an_allowed_region_is_a_violation(
    resource_type: str, props: dict[str, Any]
) -> None:
    resource = Resource(resource_type, "x", {**props, "tags": USER_DATA}, aws_provider("us-east-1"))
    [found] = messages(resource)
    assert f"AWS account `{PARTNER}`" in found and "code or an image" in found
    own = json.loads(json.dumps(props).replace(PARTNER, OURS))
    assert messages(Resource(resource_type, "x", {**own, "tags": USER_DATA},
                             aws_provider("us-east-1"))) == []  # fmt: skip


def test_a_declared_partner_layer_is_accepted_and_its_region_still_judged() -> None:
    declared = {
        "match": PARTNER_LAYER, "cloud": "aws", "region": "us-east-1", "account": PARTNER,
        "reason": "the telemetry vendor's layer, reviewed (SEC-12)",
    }  # fmt: skip
    partner = change(FUNCTION, layers=[PARTNER_LAYER])
    assert messages(partner, {"declaredPlaces": [declared]}) == []
    [found] = messages(partner, {"declaredPlaces": [{**declared, "region": "eu-west-1"}]})
    assert "declared in declaredPlaces" in found and "eu-west-1" in found
    # A declaration of another owner does not vouch for this one.
    other = {**declared, "account": OURS}
    assert len(messages(partner, {"declaredPlaces": [other]})) == 1


def test_an_aws_owned_registry_is_declared_by_its_host() -> None:
    # SageMaker framework images live in AWS-owned registries no ARN marks as AWS's: the platform
    # team declares the registry host with its owner after review.
    host = "763104351884.dkr.ecr.us-east-1.amazonaws.com"
    model = Resource(
        "aws:sagemaker/model:Model",
        "m",
        {
            "executionRoleArn": f"arn:aws:iam::{OURS}:role/sm",
            "primaryContainer": {"image": f"{host}/pytorch-inference:2.1-cpu-py310"},
            "tags": USER_DATA,
        },
        aws_provider("us-east-1"),
    )
    assert len(messages(model)) == 1
    declared = {"match": host, "cloud": "aws", "region": "us-east-1", "account": "763104351884",
                "reason": "AWS Deep Learning Containers registry (reviewed)"}  # fmt: skip
    assert messages(model, {"declaredPlaces": [declared]}) == []


# --- container images from any registry (the catalog's image_fields) ---------------------------


def _task(image: str, tags: dict[str, str] | None = None) -> Resource:
    props: dict[str, Any] = {
        "family": "etl",
        "containerDefinitions": json.dumps([{"name": "etl", "image": image, "essential": True}]),
    }
    if tags is not None:
        props["tags"] = tags
    return Resource("aws:ecs/taskDefinition:TaskDefinition", "etl", props, aws_provider())


@pytest.mark.parametrize(
    ("image", "registry"),
    [
        ("nginx:latest", "docker.io"),
        ("partnerco/etl:latest", "docker.io"),
        ("docker.io/partnerco/etl:latest", "docker.io"),
        ("public.ecr.aws/partnerco/etl:1.4", "public.ecr.aws"),
        ("ghcr.io/partnerco/etl:1", "ghcr.io"),
        ("quay.io/partnerco/etl:1", "quay.io"),
        ("gcr.io/partner-project/etl:1", "gcr.io"),
        ("iad.ocir.io/partnerns/etl:1.0", "iad.ocir.io"),
    ],
)
def test_an_image_from_a_registry_outside_our_accounts_is_a_violation(image, registry):
    # Untagged (fail closed) and labelled us-user-data alike.
    for tags in (None, USER_DATA):
        [found] = messages(_task(image, tags))
        assert f"container image from `{registry}`" in found, found


def test_images_in_every_catalogued_image_field_are_judged():
    hub = "partnerco/etl:latest"
    cases = [
        ("aws:apprunner/service:Service",
         {"sourceConfiguration": {"imageRepository": {"imageIdentifier": f"public.ecr.aws/{hub}",
                                                      "imageRepositoryType": "ECR_PUBLIC"}}}),
        ("aws:lambda/function:Function", {"packageType": "Image", "imageUri": f"ghcr.io/{hub}"}),
        ("aws:batch/jobDefinition:JobDefinition",
         {"type": "container", "containerProperties": json.dumps({"image": hub})}),
        ("aws:sagemaker/model:Model", {"primaryContainer": {"image": hub}}),
    ]  # fmt: skip
    for resource_type, props in cases:
        resource = Resource(resource_type, "x", props, aws_provider())
        assert any("container image from" in m for m in messages(resource)), resource_type
    oci = Resource(
        "oci:ContainerEngine/containerInstance:ContainerInstance",
        "x",
        {"containers": [{"imageUrl": "docker.io/library/busybox:latest"}]},
        oci_provider(),
    )
    assert any("container image from `docker.io`" in m for m in messages(oci))


def test_an_image_of_our_private_ecr_is_compliant():
    own = f"{OURS}.dkr.ecr.us-east-1.amazonaws.com/etl@sha256:" + "a" * 64
    assert messages(_task(own)) == []
    assert messages(_task(own, USER_DATA)) == []


def _build_project(image: str) -> Resource:
    props = {
        "serviceRole": f"arn:aws:iam::{OURS}:role/build",
        "environment": {"image": image, "type": "LINUX_CONTAINER",
                        "computeType": "BUILD_GENERAL1_SMALL"},
        "tags": NON_PERSONAL,
    }  # fmt: skip
    return Resource("aws:codebuild/project:Project", "build", props, aws_provider())


def test_an_aws_curated_codebuild_image_is_aws_own_code():
    assert messages(_build_project("aws/codebuild/standard:7.0")) == []
    assert messages(_build_project("aws/codebuild/amazonlinux2-x86_64-standard:5.0")) == []


def test_an_aws_named_image_outside_codebuild_or_aws_namespace_is_docker_hub():
    # Only CodeBuild's image field takes AWS-curated names; elsewhere `aws/...` is Docker Hub's.
    [found] = messages(_task("aws/codebuild/standard:7.0", USER_DATA))
    assert "container image from `docker.io`" in found, found
    for image in ("partnerco/etl:latest", "aws/partner/etl:1", "docker.io/aws/codebuild/x:1"):
        [found] = messages(_build_project(image))
        assert "container image from `docker.io`" in found, (image, found)


def _container_recipe(parent: str) -> Resource:
    # Unlabelled: the images it builds may run next to any data (fail closed).
    props = {"name": "api", "containerType": "DOCKER", "parentImage": parent}
    return Resource(
        "aws:imagebuilder/containerRecipe:ContainerRecipe", "api", props, aws_provider()
    )


def test_a_container_recipe_parent_image_from_outside_is_a_violation():
    [found] = messages(_container_recipe("partnerco/base:latest"))
    assert "container image from `docker.io`" in found, found
    partner_arn = f"arn:aws:imagebuilder:us-east-1:{PARTNER}:image/base/1.0.0"
    assert len(messages(_container_recipe(partner_arn))) == 1


def test_a_container_recipe_parent_image_of_ours_or_aws_is_compliant():
    for parent in (
        f"{OURS}.dkr.ecr.us-east-1.amazonaws.com/base:1",
        "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-x86-2/x.x.x",
        f"arn:aws:imagebuilder:us-east-1:{OURS}:image/base/1.0.0",
    ):
        assert messages(_container_recipe(parent)) == [], parent


def test_an_image_on_a_config_only_resource_labelled_non_personal_is_not_judged():
    assert messages(_task("nginx:latest", NON_PERSONAL)) == []
    # A compute type runs next to whatever data it reaches: judged whatever its label.
    function = Resource(
        "aws:lambda/function:Function",
        "x",
        {"packageType": "Image", "imageUri": "nginx:latest", "tags": NON_PERSONAL},
        aws_provider(),
    )
    assert len(messages(function)) == 1


def test_a_declared_repository_with_a_trusted_owner_is_accepted():
    declared = {
        "match": "docker.io/partnerco/*", "cloud": "aws", "region": "us-east-1", "account": OURS,
        "reason": "partnerco's ETL image, reviewed and vouched for by the platform team (SEC-7)",
    }  # fmt: skip
    assert messages(_task("partnerco/etl:latest"), {"declaredPlaces": [declared]}) == []
    # The declaration covers that repository only, and its owner must be trusted.
    assert len(messages(_task("otherco/etl:1"), {"declaredPlaces": [declared]})) == 1
    [found] = messages(
        _task("partnerco/etl:latest"), {"declaredPlaces": [{**declared, "account": PARTNER}]}
    )
    assert "not a trusted account" in found


def test_an_ocir_image_is_declared_by_namespace_with_the_tenancy():
    declared = {
        "match": "iad.ocir.io/ournamespace/*", "cloud": "oci", "region": "us-ashburn-1",
        "account": TENANCY, "reason": "the tenancy's own OCIR namespace",
    }  # fmt: skip
    function = Resource(
        "oci:Functions/function:Function",
        "export",
        {"image": "iad.ocir.io/ournamespace/etl:1.0", "freeformTags": USER_DATA},
        oci_provider(),
    )
    assert messages(function, {"declaredPlaces": [declared]}) == []
    partner = dataclasses.replace(
        function, props={**function.props, "image": "iad.ocir.io/partnerns/etl:1.0"}
    )
    assert len(messages(partner, {"declaredPlaces": [declared]})) == 1
    # The registry host alone vouches for no namespace.
    by_host = {**declared, "match": "iad.ocir.io"}
    assert len(messages(partner, {"declaredPlaces": [by_host]})) == 1


@pytest.mark.parametrize("match", ["*.io/partnerco/*", "docker.io/*", "docker.io/partner*/etl"])
def test_a_repository_declaration_must_name_one_publisher(match):
    declared = {
        "match": match, "cloud": "aws", "region": "us-east-1", "account": OURS, "reason": "r",
    }  # fmt: skip
    with pytest.raises(ConfigRejected):
        messages(_task("partnerco/etl:latest"), {"declaredPlaces": [declared]})


def test_allowed_egress_hosts_do_not_admit_an_image():
    assert len(messages(_task("partnerco/etl:1"), {"allowedEgressHosts": ["docker.io"]})) == 1


def test_a_marketplace_subscriptions_terms_links_are_harmless():
    subscription = Resource(
        "oci:Core/appCatalogSubscription:AppCatalogSubscription",
        "tools-listing",
        {
            "compartmentId": "ocid1.compartment.oc1..aaaaaaaaourcompartment",
            "listingId": "ocid1.appcataloglisting.oc1..aaaaaaaaoraclelisting",
            "listingResourceVersion": "1.0",
            "oracleTermsOfUseLink": "https://cloudmarketplace.oracle.com/marketplace/content?x=1",
            "eulaLink": "https://partner.example/eula",
            "signature": "sig",
            "timeRetrieved": "2026-11-01T00:00:00Z",
        },
        oci_provider(),
    )
    assert messages(subscription) == []
    # Any other field of it is still read.
    other = dataclasses.replace(
        subscription, props={**subscription.props, "listingResourceVersion": "https://x.example/"}
    )
    assert len(messages(other)) == 1


# --- routing and log delivery of config-only resources (the catalog's reached_fields) -----------

LB_ARN = f"arn:aws:elasticloadbalancing:us-east-1:{OURS}:loadbalancer/app/web/0123456789abcdef"
TG_ARN = f"arn:aws:elasticloadbalancing:us-east-1:{OURS}:targetgroup/api/0123456789abcdef"
ALB = Resource(
    "aws:lb/loadBalancer:LoadBalancer",
    "web",
    {
        "loadBalancerType": "application",
        "accessLogs": {"bucket": "partner-alb-logs", "enabled": True},
    },
    aws_provider("us-east-1"),
)
LISTENER = Resource(
    "aws:lb/listener:Listener",
    "http",
    {
        "loadBalancerArn": LB_ARN,
        "port": 80,
        "defaultActions": [
            {
                "type": "redirect",
                "redirect": {
                    "host": "collect.partner.example",
                    "protocol": "HTTPS",
                    "port": "443",
                    "statusCode": "HTTP_302",
                },
            }
        ],
    },
    aws_provider("us-east-1"),
)
ATTACHMENT = Resource(
    "aws:lb/targetGroupAttachment:TargetGroupAttachment",
    "ext",
    {"targetGroupArn": TG_ARN, "targetId": "203.0.113.50", "availabilityZone": "all"},
    aws_provider("us-east-1"),
)
OCI_BACKEND = Resource(
    "oci:LoadBalancer/backend:Backend",
    "ext",
    {
        "loadBalancerId": "ocid1.loadbalancer.oc1.iad.aaaaexample",
        "backendsetName": "app",
        "ipAddress": "203.0.113.77",
        "port": 8080,
    },
    oci_provider("us-ashburn-1"),
)
NLB_BACKEND = Resource(
    "oci:NetworkLoadBalancer/backend:Backend",
    "ext",
    {
        "networkLoadBalancerId": "ocid1.networkloadbalancer.oc1.iad.aaaaexample",
        "backendSetName": "app",
        "ipAddress": "198.51.100.20",
        "port": 8443,
    },
    oci_provider("us-ashburn-1"),
)
ACCELERATOR = Resource(
    "aws:globalaccelerator/accelerator:Accelerator",
    "edge",
    {
        "name": "edge",
        "attributes": {"flowLogsEnabled": True, "flowLogsS3Bucket": "partner-ga-logs"},
    },
    aws_provider("us-west-2"),
)
DLP = Resource(
    "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy",
    "pii",
    {
        "logGroupName": "app",
        "policyDocument": json.dumps(
            {
                "Name": "pii",
                "Statement": [
                    {
                        "Sid": "audit",
                        "DataIdentifier": [
                            "arn:aws:dataprotection::aws:data-identifier/EmailAddress"
                        ],
                        "Operation": {
                            "Audit": {
                                "FindingsDestination": {"S3": {"Bucket": "partner-dlp-findings"}}
                            }
                        },
                    }
                ],
            }
        ),
    },
    aws_provider("us-east-1"),
)
CODEBUILD = Resource(
    "aws:codebuild/project:Project",
    "migrate",
    {
        "serviceRole": f"arn:aws:iam::{OURS}:role/cb",
        "tags": NON_PERSONAL,
        "logsConfig": {"s3Logs": {"status": "ENABLED", "location": "partner-build-logs/acme"}},
    },
    aws_provider("us-east-1"),
)


def task_definition(log_configuration: dict[str, Any]) -> Resource:
    return Resource(
        "aws:ecs/taskDefinition:TaskDefinition",
        "api",
        {
            "family": "api",
            "containerDefinitions": json.dumps(
                [
                    {
                        "name": "api",
                        "image": f"{OURS}.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2",
                        "logConfiguration": log_configuration,
                    }
                ]
            ),
        },
        aws_provider("us-east-1"),
    )


def verdict(resource: Resource, config: dict[str, Any] | None = None) -> list[str]:
    """What the resource check says at once and what the stack follow-up adds."""
    now = messages(resource, config)
    return now + [m for _, m in stack_messages([resource])]


@pytest.mark.parametrize(
    ("resource", "shown"),
    [
        (ALB, "S3 bucket name `partner-alb-logs` at `accessLogs.bucket`"),
        (LISTENER, "host `collect.partner.example` at `defaultActions[0].redirect.host`"),
        (ATTACHMENT, "IP address `203.0.113.50` at `targetId`"),
        (OCI_BACKEND, "IP address `203.0.113.77` at `ipAddress`"),
        (NLB_BACKEND, "IP address `198.51.100.20` at `ipAddress`"),
        (ACCELERATOR, "S3 bucket name `partner-ga-logs` at `attributes.flowLogsS3Bucket`"),
        (DLP, "`partner-dlp-findings` at `policyDocument.Statement[0].Operation.Audit."),
        (CODEBUILD, "S3 location `partner-build-logs/acme` (host `partner-build-logs`) at"),
        (
            task_definition(
                {
                    "logDriver": "splunk",
                    "options": {"splunk-url": "https://http-inputs-partner.splunkcloud.com"},
                }
            ),
            "at `containerDefinitions[0].logConfiguration.options.splunk-url`",
        ),
        (
            task_definition(
                {"logDriver": "syslog", "options": {"syslog-address": "tcp://203.0.113.10:514"}}
            ),
            "IP address `tcp://203.0.113.10:514`",
        ),
    ],
)
def test_an_untold_or_foreign_place_a_resource_routes_or_logs_to_is_a_violation(
    resource: Resource, shown: str
) -> None:
    [found] = verdict(resource)
    assert shown in found, found
    assert (
        "the requests or logs this resource routes go there" in found
        or "not in `allowedEgressHosts`" in found
        or "data can reach this resource" in found  # CodeBuild moves data anyway
    ), found


def test_the_same_fields_elsewhere_on_the_resource_stay_unjudged() -> None:
    # A host that is not in a routing field of a config-only type is not reached by data.
    other = change(
        LISTENER,
        defaultActions=[{"type": "forward", "targetGroupArn": TG_ARN}],
        tags={"owner": "collect.partner.example"},
        name="collect.partner.example",
    )
    assert verdict(other) == []


@pytest.mark.parametrize(
    "resource",
    [
        change(ATTACHMENT, targetId="10.0.1.25"),
        change(ATTACHMENT, targetId="i-0123456789abcdef0"),
        change(OCI_BACKEND, ipAddress="10.10.1.15"),
        change(NLB_BACKEND, ipAddress="192.168.4.2"),
        change(
            LISTENER,
            defaultActions=[
                {
                    "type": "redirect",
                    "redirect": {
                        "host": "#{host}",
                        "protocol": "HTTPS",
                        "port": "443",
                        "statusCode": "HTTP_301",
                    },
                }
            ],
        ),
        change(
            LISTENER,
            defaultActions=[
                {
                    "type": "redirect",
                    "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"},
                }
            ],
        ),
        change(ALB, accessLogs={"enabled": False}),
        task_definition(
            {
                "logDriver": "awslogs",
                "options": {"awslogs-group": "/ecs/api", "awslogs-region": "us-east-1"},
            }
        ),
        change(ACCELERATOR, attributes={"flowLogsEnabled": False}),
    ],
)
def test_routing_to_our_own_network_or_nowhere_passes(resource: Resource) -> None:
    assert verdict(resource) == []


def test_a_log_bucket_of_this_stack_passes() -> None:
    bucket = Resource(
        "aws:s3/bucket:Bucket",
        "alb-logs",
        {"bucket": "partner-alb-logs", "tags": NON_PERSONAL},
        aws_provider("us-east-1"),
    )
    assert messages(bucket) == [] and messages(ALB) == []
    assert stack_messages([bucket, ALB]) == []


def test_a_routed_place_can_be_allowed_or_declared() -> None:
    assert verdict(LISTENER, {"allowedEgressHosts": ["collect.partner.example"]}) == []
    declared = {
        "declaredPlaces": [
            {
                "match": "arn:aws:s3:::partner-alb-logs",
                "cloud": "aws",
                "region": "us-east-1",
                "account": OURS,
                "reason": "our log archive bucket (test)",
            }
        ]
    }
    assert verdict(ALB, declared) == []
    assert verdict(ATTACHMENT, {"allowedEgressHosts": ["203.0.113.50"]}) == []


@pytest.mark.parametrize("address", ["100.64.0.1", "0xa.1", "169.254.169.254", "8.8.8.8"])
def test_only_a_canonical_private_address_is_our_own_network(address: str) -> None:
    [found] = verdict(change(ATTACHMENT, targetId=address))
    assert "the requests or logs this resource routes go there" in found


def test_a_private_address_outside_a_routing_field_is_still_untold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A data-reached resource (a tagged DMS endpoint) at a private address: nothing says whose
    # network it is in, as before.
    [found] = verdict(change(DMS, serverName="10.0.0.5"))
    assert "data can reach this resource" in found


# --- routing to our own network, DNS records, OCI buckets of the stack ----------------------------

OCI_DEPLOYMENT = Resource(
    "oci:ApiGateway/deployment:Deployment", "api",
    {"compartmentId": TENANCY, "gatewayId": "ocid1.apigateway.oc1.iad.aaaagw", "pathPrefix": "/v1",
     "specification": {"routes": [{"path": "/users", "methods": ["POST"],
                                   "backend": {"type": "HTTP_BACKEND",
                                               "url": "http://10.10.1.5:8080/users"}}]}},
    oci_provider("us-ashburn-1", tenancyOcid=TENANCY),
)  # fmt: skip


def _backend(url: str) -> Resource:
    spec = json.loads(json.dumps(OCI_DEPLOYMENT.props["specification"]))
    spec["routes"][0]["backend"]["url"] = url
    return change(OCI_DEPLOYMENT, specification=spec)


def test_an_api_gateway_backend_in_our_own_network_passes() -> None:
    assert verdict(OCI_DEPLOYMENT) == []
    assert verdict(change(OCI_DEPLOYMENT, freeformTags=USER_DATA)) == []
    assert verdict(_backend("http://users.svc.internal:8080/users")) == []


def test_an_api_gateway_backend_outside_our_network_is_a_violation() -> None:
    [found] = verdict(_backend("http://203.0.113.15:8080/users"))
    assert "who owns it cannot be told" in found
    [found] = verdict(_backend("https://ingest.partner.example/users"))
    assert "not in `allowedEgressHosts`" in found


def record(record_type: str, *values: str) -> Resource:
    return Resource(
        "aws:route53/record:Record", "api",
        {"zoneId": "Z1", "name": "api.usdata.example.com", "type": record_type, "ttl": 300,
         "records": list(values)},
        aws_provider("us-east-1"),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("resource", "shown"),
    [
        (record("CNAME", "ingress.partner.example"), "host `ingress.partner.example`"),
        (record("A", "203.0.113.99"), "IP address `203.0.113.99`"),
        (
            Resource("aws:route53/resolverRule:ResolverRule", "fwd",
                     {"domainName": "dynamodb.us-east-1.amazonaws.com", "ruleType": "FORWARD",
                      "targetIps": [{"ip": "203.0.113.53"}]}, aws_provider("us-east-1")),
            "IP address `203.0.113.53` at `targetIps[0].ip`",
        ),
        (
            Resource("aws:servicediscovery/instance:Instance", "ext",
                     {"instanceId": "ext", "serviceId": "srv-1",
                      "attributes": {"AWS_INSTANCE_IPV4": "203.0.113.80"}},
                     aws_provider("us-east-1")),
            "IP address `203.0.113.80` at `attributes.AWS_INSTANCE_IPV4`",
        ),
    ],
)  # fmt: skip
def test_dns_and_service_discovery_pointing_outside_is_a_violation(
    resource: Resource, shown: str
) -> None:
    [found] = verdict(resource)
    assert shown in found, found


def test_dns_pointing_at_our_own_network_or_sending_no_request_passes() -> None:
    assert verdict(record("A", "10.0.3.7")) == []
    assert verdict(record("CNAME", "api.corp.internal")) == []
    assert verdict(record("TXT", "verify.partner.example")) == []
    assert verdict(record("MX", "10 mx.partner.example")) == []
    assert (
        verdict(
            record("CNAME", "api.partner.example"), {"allowedEgressHosts": ["*.partner.example"]}
        )
        == []
    )


OCI_BUCKET = Resource(
    "oci:ObjectStorage/bucket:Bucket", "exports",
    {"compartmentId": TENANCY, "namespace": "ourns", "name": "exports",
     "freeformTags": USER_DATA},
    oci_provider("us-ashburn-1", tenancyOcid=TENANCY),
)  # fmt: skip


def dataflow_app(uri: str) -> Resource:
    return Resource(
        "oci:DataFlow/application:Application", "export",
        {"compartmentId": TENANCY, "displayName": "export", "language": "PYTHON",
         "fileUri": uri, "freeformTags": USER_DATA},
        oci_provider("us-ashburn-1", tenancyOcid=TENANCY),
    )  # fmt: skip


def whole_stack(resources: list[Resource]) -> list[str]:
    """Each resource checked in order, then the stack follow-up: every message."""
    now = [m for r in resources for m in messages(r)]
    return now + [m for _, m in stack_messages(resources)]


@pytest.mark.parametrize(
    "uri",
    ["oci://exports@ourns/job.py",
     "https://objectstorage.us-ashburn-1.oraclecloud.com/n/ourns/b/exports/o/job.py"],
)  # fmt: skip
def test_an_oci_bucket_of_this_stack_is_known_by_name_and_namespace(uri: str) -> None:
    assert whole_stack([OCI_BUCKET, dataflow_app(uri)]) == []


def test_an_oci_bucket_uri_in_another_namespace_still_fails_closed() -> None:
    [message] = whole_stack([OCI_BUCKET, dataflow_app("oci://exports@partnerns/job.py")])
    assert "`export`" in message and "who owns it cannot be told" in message

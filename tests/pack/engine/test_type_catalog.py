"""The reviewed type catalog against the installed provider SDKs.

Every resource class of ``pulumi_aws`` and ``pulumi_oci`` must have one reviewed entry, and
every entry must name a type the SDKs still define: a provider upgrade that adds a type fails
here until someone reviews it (``uv run python scripts/generate_type_catalog.py`` proposes).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pulumi_aws
import pulumi_oci
import pytest
from residency_pack.engine import type_catalog as tc
from residency_pack.rules import classification_required, reviewed_types
from residency_pack.testing import Resource, analyze, aws_provider

from scripts import generate_type_catalog as generator

# The token a resource class passes to its base class: ``super(Bucket, __self__).__init__(
# 'aws:s3/bucket:Bucket', ...)``. Read from the sources (importing every module is slow).
_SUPER_TOKEN = re.compile(r"super\(\w+, __self__\)\.__init__\(\s*'((?:aws|oci):[^']+:[^']+)'")


@cache
def sdk_tokens() -> frozenset[str]:
    """Every resource type token of the installed SDKs, from every resource class."""
    tokens: set[str] = set()
    for package in (pulumi_aws, pulumi_oci):
        for path in Path(package.__file__).parent.rglob("*.py"):
            tokens.update(_SUPER_TOKEN.findall(path.read_text(encoding="utf-8")))
    return frozenset(tokens)


def test_the_sdk_walk_finds_every_registered_resource_class():
    # Guards the walk itself: the SDKs register their classes with the runtime too.
    registered: set[str] = set()
    for package in (pulumi_aws, pulumi_oci):
        text = Path(package.__file__).read_text(encoding="utf-8")
        table = re.search(r'resource_modules="""(.*?)"""', text, re.DOTALL)
        assert table is not None
        for module in json.loads(table.group(1)):
            registered.update(module["classes"])
    assert sdk_tokens() == registered
    assert len([t for t in sdk_tokens() if t.startswith("aws:")]) > 1700
    assert len([t for t in sdk_tokens() if t.startswith("oci:")]) > 1000


def test_every_sdk_resource_type_has_a_reviewed_entry():
    unreviewed = sorted(t for t in sdk_tokens() if tc.entry(t) is None)
    assert not unreviewed, (
        f"{len(unreviewed)} resource types have no reviewed catalog entry: {unreviewed[:20]}. "
        f"Run `{tc.GENERATOR}`, review the proposals in residency_pack/engine/catalog/ and "
        "delete their `unreviewed` markers."
    )


def test_every_aws_and_oci_entry_names_a_type_the_sdks_define():
    listed = {t for t in tc.reviewed_types() if tc.cloud_of(t) and not tc.is_provider(t)}
    stale = sorted(listed - sdk_tokens())
    assert not stale, f"catalog entries for types the installed SDKs no longer define: {stale}"


def test_no_entry_is_an_unreviewed_proposal():
    rows = tc.load_rows()
    assert not [t for t, row in rows.items() if row.get("unreviewed")]


def test_every_entry_has_a_valid_role_and_a_one_line_reason():
    for resource_type, row in tc.load_rows().items():
        assert row["role"] in tc.ROLES, resource_type
        reason = row["reason"]
        assert reason.strip() and "\n" not in reason and len(reason) < 300, resource_type
        assert not reason.startswith("proposed"), resource_type


def test_every_entry_uses_only_known_fields_of_the_right_shape():
    known = set(generator.FIELD_ORDER) - {"unreviewed"}
    for resource_type, row in tc.load_rows().items():
        assert set(row) <= known, resource_type
        assert all(isinstance(p, str) and p for p in row.get("tags_at", [])), resource_type
        assert all(isinstance(p, str) and p for p in row.get("location_fields", [])), resource_type
        for path, why in row.get("harmless_fields", {}).items():
            assert path and why.strip(), resource_type
        for path, why in row.get("reached_fields", {}).items():
            assert path and isinstance(why, str) and why.strip(), resource_type
        locations = row.get("s3_location_fields", [])
        assert all(isinstance(p, str) and p for p in locations), resource_type
        for path, why in row.get("image_fields", {}).items():
            assert path and isinstance(why, str) and why.strip(), resource_type
        assert isinstance(row.get("takes_key", False), bool), resource_type


def test_a_bad_entry_stops_the_catalog_from_loading(tmp_path):
    for name in tc.CATALOG_FILES:
        (tmp_path / name).write_text("{}")
    (tmp_path / "aws.json").write_text(json.dumps({"aws:x/y:Y": {"role": "stores", "reason": ""}}))
    with pytest.raises(tc.CatalogError, match=r"aws\.json: entry 'aws:x/y:Y' needs a `role`"):
        tc.load_rows(tmp_path)


def test_a_type_listed_in_two_files_stops_the_catalog_from_loading(tmp_path):
    row = {"role": "config-only", "reason": "r"}
    (tmp_path / "aws.json").write_text(json.dumps({"aws:x/y:Y": row}))
    (tmp_path / "oci.json").write_text("{}")
    (tmp_path / "other.json").write_text(json.dumps({"aws:x/y:Y": row}))
    with pytest.raises(tc.CatalogError, match="also listed"):
        tc.load_rows(tmp_path)


def test_tags_are_where_the_sdk_schema_puts_them():
    types = generator.sdk_types()
    drifted = {
        t: (tc.tag_paths(t), generator.tags_at(types[t]))
        for t in sdk_tokens()
        if list(tc.tag_paths(t)) != generator.tags_at(types[t])
    }
    assert drifted == {}
    assert tc.tag_paths("oci:Database/database:Database") == ("database.freeformTags",)
    assert tc.tag_paths("aws:s3/bucket:Bucket") == ("tags",)
    assert tc.tag_paths("oci:ObjectStorage/bucket:Bucket") == ("freeformTags",)
    assert tc.tag_paths("aws:s3/bucketMetric:BucketMetric") == ()  # filter.tags is a filter


def test_the_generator_finds_nothing_to_add_or_fix():
    assert generator.check() == []


def test_the_generator_never_overwrites_a_reviewed_entry():
    reviewed = {"aws:s3/bucket:Bucket": {"role": "config-only", "reason": "reviewed by hand"}}
    proposals = {
        "aws:s3/bucket:Bucket": {"role": "stores-data", "reason": "proposed", "unreviewed": True},
        "aws:new/thing:Thing": {"role": "stores-data", "reason": "proposed", "unreviewed": True},
    }
    merged = generator.merge(reviewed, proposals)
    assert merged["aws:s3/bucket:Bucket"] == reviewed["aws:s3/bucket:Bucket"]
    assert merged["aws:new/thing:Thing"]["unreviewed"] is True


def test_a_proposal_is_one_line_per_type_marked_unreviewed():
    schema = generator.sdk_types()["aws:mq/broker:Broker"]
    row = generator.propose(schema, {}, frozenset())
    assert row["unreviewed"] is True and row["role"] in tc.ROLES and row["reason"]
    rendered = generator.render({"aws:mq/broker:Broker": row})
    assert len(rendered.splitlines()) == 4  # braces, the about line, the entry
    assert json.loads(rendered)["aws:mq/broker:Broker"] == row


@pytest.mark.parametrize(
    "token",
    [
        # stores the issue saw passing unclassified in ap-southeast-1
        "aws:elasticsearch/domain:Domain",
        "aws:cognito/userPool:UserPool",
        "aws:mq/broker:Broker",
        "aws:dsql/cluster:Cluster",
        "aws:lightsail/database:Database",
        "aws:timestreaminfluxdb/dbInstance:DbInstance",
        # the core stores
        "aws:s3/bucket:Bucket",
        "aws:rds/instance:Instance",
        "aws:dynamodb/table:Table",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:backup/vault:Vault",
        "oci:ObjectStorage/bucket:Bucket",
        "oci:Database/autonomousDatabase:AutonomousDatabase",
        "oci:Database/database:Database",
        "oci:Core/volume:Volume",
        "oci:Vault/secret:Secret",
    ],
)
def test_stores_store_data(token):
    assert tc.role_of(token) == "stores-data"
    assert tc.is_data_bearing(token)


@pytest.mark.parametrize("token", ["aws:kms/key:Key", "oci:Kms/key:Key", "oci:Kms/vault:Vault"])
def test_keys_are_held_keys_and_data_bearing(token):
    assert tc.role_of(token) == "holds-keys"
    assert tc.is_data_bearing(token)


def test_an_oci_identity_domain_stores_identities_and_is_placed_by_its_home_region():
    domain = tc.entry("oci:Identity/domain:Domain")
    assert domain is not None and domain.role == "stores-data"
    assert domain.location_fields == ("homeRegion",)
    assert not tc.is_region_neutral("oci:Identity/domain:Domain")


@pytest.mark.parametrize(
    "token",
    [
        "aws:organizations/policy:Policy",  # a BACKUP_POLICY copies the organization's stores
        "aws:dms/replicationTask:ReplicationTask",
        "aws:datasync/task:Task",
        "aws:pipes/pipe:Pipe",
        "aws:rds/exportTask:ExportTask",
        "aws:sns/topicSubscription:TopicSubscription",
        "oci:ObjectStorage/replicationPolicy:ReplicationPolicy",
        "oci:Sch/connector:Connector",
        "oci:GoldenGate/pipeline:Pipeline",
        "command:local:Command",  # runs arbitrary code: never harmless
        "command:remote:Command",
        "command:remote:CopyToRemote",
    ],
)
def test_movers_move_data(token):
    assert tc.role_of(token) == "moves-data"
    assert not tc.is_data_bearing(token)


def test_iam_is_global_and_region_neutral():
    iam = [t for t in sdk_tokens() if t.startswith("aws:iam/")]
    assert len(iam) > 30
    assert {tc.role_of(t) for t in iam} == {"global"}
    assert all(tc.is_region_neutral(t) for t in iam)


def test_route53_resolver_endpoints_are_regional():
    for token in (
        "aws:route53/resolverEndpoint:ResolverEndpoint",
        "aws:route53/resolverRule:ResolverRule",
        "oci:Dns/resolverEndpoint:ResolverEndpoint",
    ):
        assert tc.role_of(token) != "global"
        assert not tc.is_region_neutral(token)
    assert tc.is_region_neutral("aws:route53/zone:Zone")


def test_a_global_aws_type_takes_no_region_input():
    # AWS v7 gives every regional resource a `region` input; a "global" one must have none.
    types = generator.sdk_types()
    regional = sorted(
        t for t in sdk_tokens()
        if t.startswith("aws:") and tc.role_of(t) == "global" and "region" in types[t].top_level
    )  # fmt: skip
    assert regional == []


@pytest.mark.parametrize(
    ("token", "role"),
    [
        ("pulumi:pulumi:Stack", "config-only"),
        ("pulumi:pulumi:StackReference", "moves-data"),
        ("pulumi:providers:aws", "config-only"),
        ("pulumi:providers:oci", "config-only"),
        ("pulumi:providers:random", "config-only"),
        ("pulumi:providers:tls", "config-only"),
        ("pulumi:providers:time", "config-only"),
        ("random:index/randomPassword:RandomPassword", "config-only"),
        ("tls:index/privateKey:PrivateKey", "config-only"),
        ("time:index/sleep:Sleep", "config-only"),
    ],
)
def test_other_packages_commonly_found_in_programs_are_reviewed(token, role):
    assert tc.role_of(token) == role
    assert not tc.is_data_bearing(token)


def test_an_unreviewed_aws_or_oci_type_fails_closed():
    assert tc.entry("aws:s3/quantumBucket:QuantumBucket") is None
    assert tc.is_data_bearing("aws:s3/quantumBucket:QuantumBucket")
    assert tc.is_data_bearing("oci:Newservice/thing:Thing")
    assert tc.is_unknown_data_service_type("oci:Newservice/thing:Thing")
    assert not tc.is_region_neutral("aws:iam/quantumRole:QuantumRole")
    # Another package's unreviewed type is not assumed to be data-bearing (residency-reviewed-
    # types reports it instead), nor is a component.
    assert not tc.is_data_bearing("gcp:storage/bucket:Bucket")
    assert not tc.is_data_bearing("acme:index:Website")


def test_a_proposal_left_unreviewed_counts_as_no_entry(monkeypatch):
    token = "aws:mq/broker:Broker"
    monkeypatch.setitem(tc._ROWS, token, {**tc._ROWS[token], "unreviewed": True})
    monkeypatch.delitem(tc._ROLES, token)
    monkeypatch.setattr(tc, "_ENTRIES", {})  # entries built meanwhile are dropped after
    assert tc.entry(token) is None and tc.role_of(token) is None
    assert tc.proposal(token) is not None and not tc.proposal(token).reviewed
    assert tc.is_data_bearing(token)


def test_untaggable_data_bearing_types_take_no_classification_tag():
    untaggable = tc.untaggable_data_bearing_types()
    assert "oci:ObjectStorage/storageObject:StorageObject" in untaggable
    assert "aws:dynamodb/tableItem:TableItem" in untaggable
    assert all(not tc.takes_classification_tag(t) for t in untaggable)
    assert tc.takes_classification_tag("oci:Database/database:Database")  # nested tags
    assert tc.takes_classification_tag("aws:s3/bucketPolicy:BucketPolicy")  # not data-bearing


def test_helper_lists_are_consistent():
    assert not tc.data_bearing_types() & tc.auxiliary_types()
    assert tc.data_bearing_types() | tc.auxiliary_types() <= tc.reviewed_types()
    assert tc.untaggable_data_bearing_types() <= tc.data_bearing_types()
    assert tc.catalog_file("aws:s3/bucket:Bucket") == "residency_pack/engine/catalog/aws.json"
    assert tc.catalog_file("pulumi:providers:oci") == "residency_pack/engine/catalog/other.json"
    assert tc.catalog_file("random:index/randomId:RandomId").endswith("other.json")


def _forget(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    """The loaded catalog without ``token``'s entry, as if nobody had reviewed it."""
    monkeypatch.delitem(tc._ROWS, token)
    monkeypatch.delitem(tc._ROLES, token)
    monkeypatch.setattr(tc, "_ENTRIES", {})  # entries built meanwhile are dropped after


def test_a_deleted_entry_fails_closed(monkeypatch):
    # aws:sqs/queuePolicy is config-like: without its entry it becomes unreviewed, reported,
    # and held to be data-bearing until someone classifies it again.
    token = "aws:sqs/queuePolicy:QueuePolicy"
    queue_policy = Resource(token, "orders-policy", {"queueUrl": "q", "policy": "{}"},
                            aws_provider("us-east-1"))  # fmt: skip
    assert analyze(reviewed_types.POLICY, queue_policy) == []
    assert analyze(classification_required.POLICY, queue_policy) == []

    _forget(monkeypatch, token)

    assert tc.entry(token) is None and tc.role_of(token) is None
    assert tc.is_data_bearing(token) and not tc.is_region_neutral(token)
    [unreviewed] = analyze(reviewed_types.POLICY, queue_policy)
    assert unreviewed.enforcement == "mandatory"
    assert f"`{token}`, which has no entry in the pack's type catalog" in unreviewed.message
    assert "treated as data-bearing" in unreviewed.message
    assert "scripts/generate_type_catalog.py" in unreviewed.message
    assert "residency_pack/engine/catalog/aws.json" in unreviewed.message
    [unclassified] = analyze(classification_required.POLICY, queue_policy)
    assert "no reviewed entry in the pack's type catalog, so it is treated as data-bearing" in (
        unclassified.message
    )


def test_personal_by_nature_is_reviewed_per_type_with_a_reason():
    personal = {t: row for t, row in tc.load_rows().items() if "personal_by_nature" in row}
    assert {"aws:cognito/userPool:UserPool", "oci:Identity/domain:Domain"} <= set(personal)
    for resource_type, row in personal.items():
        assert row["personal_by_nature"].strip(), resource_type
        assert tc.personal_by_nature(resource_type) == row["personal_by_nature"]
    assert tc.personal_by_nature("aws:s3/bucket:Bucket") is None
    assert tc.personal_by_nature("aws:nosuch/type:Type") is None


# --- routing and log delivery: the fields where data reaches a place whatever the role ----------

# Leaf names of inputs that route requests or deliver logs (``accessLogs``, ``logConfiguration``,
# ``redirect``, ``backends``, ``deliveryS3Bucket``...); not levels or switches.
_ROUTING_LEAF = re.compile(
    r"^(?:logs?|logging\w*|\w*Logs?|\w*LogSettings|\w*LogDelivery|\w*[lL]ogConfig(?:uration)?|"
    r"redirect\w*|\w*Redirect|backends?|dataDelivery|exportConfig|\w*S3Bucket|"
    r"findingsDestination)$"
)
_NOT_A_ROUTING_LEAF = re.compile(
    r"(?:^(?:enable|disable|apply|is)|(?:Level|Enabled|Status|Type)$)", re.IGNORECASE
)
# Inputs of non-data types that match the leaf names and deliver nothing there, each with why.
_NOT_ROUTING: dict[str, str] = {
    "aws:appfabric/appAuthorizationConnection:AppAuthorizationConnection authRequest.redirectUri": (
        "an OAuth sign-in redirect (identity federation), not request routing or log delivery"
    ),
    "aws:appflow/connectorProfile:ConnectorProfile connectorProfileConfig": (
        "OAuth sign-in redirects of connector profiles (identity federation)"
    ),
    "aws:appmesh/virtualGateway:VirtualGateway spec.logging": (
        "an Envoy access-log file path inside the gateway's own container"
    ),
    "aws:appmesh/virtualNode:VirtualNode spec.backends": (
        "virtual services of the same mesh by name (judged as the mesh's own resources)"
    ),
    "aws:appmesh/virtualNode:VirtualNode spec.logging": (
        "an Envoy access-log file path inside the node's own container"
    ),
    "aws:bedrock/agentcoreOnlineEvaluationConfig:AgentcoreOnlineEvaluationConfig "
    "dataSourceConfig.cloudwatchLogs": "the log groups it reads (a source, not a destination)",
    "aws:codegurureviewer/repositoryAssociation:RepositoryAssociation repository.s3Bucket": (
        "the repository bucket it reads"
    ),
    "aws:guardduty/detector:Detector datasources": "switches for the data sources GuardDuty reads",
    "aws:guardduty/organizationConfiguration:OrganizationConfiguration datasources": (
        "switches for the data sources GuardDuty reads"
    ),
    "aws:guardduty/malwareProtectionPlan:MalwareProtectionPlan protectedResource.s3Bucket": (
        "the bucket GuardDuty scans (reads), in the plan's own account"
    ),
    "aws:lambda/layerVersion:LayerVersion s3Bucket": "the layer's code is read from there",
    "aws:lb/trustStore:TrustStore caCertificatesBundleS3Bucket": (
        "CA certificates are read from there"
    ),
    "aws:lb/trustStoreRevocation:TrustStoreRevocation revocationsS3Bucket": (
        "revocation lists are read from there"
    ),
    "oci:CloudGuard/cloudGuardDataSource:CloudGuardDataSource dataSourceDetails": (
        "a logging query Cloud Guard reads (a source)"
    ),
    "oci:Identity/domainsApp:DomainsApp redirectUris": (
        "OAuth sign-in redirects (identity federation)"
    ),
    "oci:Identity/domainsIdentityProvider:DomainsIdentityProvider "
    "urnietfparamsscimschemasoracleidcsextensionsocialIdentityProvider": (
        "OAuth sign-in redirects (identity federation)"
    ),
    "oci:Identity/domainsSelfRegistrationProfile:DomainsSelfRegistrationProfile redirectUrl": (
        "where the browser goes after self-registration (identity federation)"
    ),
    "oci:Identity/domainsSocialIdentityProvider:DomainsSocialIdentityProvider redirectUrl": (
        "OAuth sign-in redirects (identity federation)"
    ),
}


def _covers(fields: object, path: str) -> bool:
    plain = {str(f).replace("[]", "") for f in fields}  # type: ignore[attr-defined]
    parts = path.split(".")
    return any(".".join(parts[:i]) in plain for i in range(1, len(parts) + 1))


def test_every_routing_or_log_field_of_a_non_data_type_is_reviewed():
    """A config-only, global or access-granting type whose input routes requests or delivers logs
    lists it in ``reached_fields`` (or ``harmless_fields``, or here with why it delivers nothing):
    the data it routes reaches the place named there."""
    types = generator.sdk_types()
    missing = []
    for token in sorted(sdk_tokens()):
        found = tc.entry(token)
        if found is None or found.role in ("stores-data", "moves-data", "holds-keys"):
            continue
        for item in types[token].inputs:
            leaf = item.path.rsplit(".", 1)[-1]
            if not _ROUTING_LEAF.match(leaf) or _NOT_A_ROUTING_LEAF.search(leaf):
                continue
            reviewed = [*found.reached_fields, *found.harmless_fields]
            excluded = [p.split(" ", 1)[1] for p in _NOT_ROUTING if p.split(" ", 1)[0] == token]
            if not _covers(reviewed, item.path) and not _covers(excluded, item.path):
                missing.append(f"{token} {item.path}")
    assert missing == []


def test_the_not_routing_list_names_inputs_the_sdks_define():
    types = generator.sdk_types()
    for key in _NOT_ROUTING:
        token, path = key.split(" ", 1)
        assert any(i.path == path or i.path.startswith(f"{path}.") for i in types[token].inputs), (
            key
        )


def test_reached_and_s3_location_fields_name_inputs_of_the_type():
    types = generator.sdk_types()
    checked = 0
    for token in sorted(sdk_tokens()):
        found = tc.entry(token)
        if found is None:
            continue
        for path in [*found.reached_fields, *found.s3_location_fields, *found.image_fields]:
            top = path.split(".", 1)[0].removesuffix("[]")
            assert top in types[token].top_level, f"{token}: {path}"
            checked += 1
    assert checked > 40


@pytest.mark.parametrize(
    ("token", "path"),
    [
        ("aws:lb/loadBalancer:LoadBalancer", "accessLogs"),
        ("aws:alb/loadBalancer:LoadBalancer", "connectionLogs"),
        ("aws:elb/loadBalancer:LoadBalancer", "accessLogs"),
        ("aws:lb/listener:Listener", "defaultActions[].redirect"),
        ("aws:lb/listenerRule:ListenerRule", "actions[].redirect"),
        ("aws:lb/targetGroupAttachment:TargetGroupAttachment", "targetId"),
        ("aws:globalaccelerator/accelerator:Accelerator", "attributes"),
        ("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions[].logConfiguration"),
        (
            "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy",
            "policyDocument.Statement[].Operation.Audit.FindingsDestination",
        ),
        ("oci:LoadBalancer/backend:Backend", "ipAddress"),
        ("oci:NetworkLoadBalancer/backend:Backend", "ipAddress"),
        ("oci:LoadBalancer/ruleSet:RuleSet", "items[].redirectUri"),
    ],
)
def test_routing_and_log_delivery_fields_are_reached(token, path):
    assert path in tc.reached_fields(token)


def test_codebuild_log_and_artifact_locations_are_s3_locations():
    assert "logsConfig.s3Logs.location" in tc.s3_location_fields("aws:codebuild/project:Project")
    assert tc.s3_location_fields("aws:s3/bucket:Bucket") == ()
    assert tc.reached_fields("aws:no/such:Type") == {}


@pytest.mark.parametrize(
    ("token", "path"),
    [
        ("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions[].image"),
        ("aws:apprunner/service:Service", "sourceConfiguration.imageRepository.imageIdentifier"),
        ("aws:lambda/function:Function", "imageUri"),
        ("aws:batch/jobDefinition:JobDefinition", "containerProperties.image"),
        ("aws:batch/jobDefinition:JobDefinition", "eksProperties.podProperties.containers[].image"),
        ("aws:sagemaker/model:Model", "primaryContainer.image"),
        ("oci:Functions/function:Function", "image"),
        ("oci:ContainerEngine/containerInstance:ContainerInstance", "containers[].imageUrl"),
    ],
)
def test_container_image_fields_are_catalogued(token, path):
    assert path in tc.image_fields(token)
    assert tc.image_fields("aws:s3/bucket:Bucket") == {}

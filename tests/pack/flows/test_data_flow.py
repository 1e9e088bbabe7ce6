"""residency-data-flow through the policy SDK's own AnalyzeStack (property dependencies,
parents and providers as the engine sends them), and the graph itself at scale."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from residency_pack.engine.dataflow import MAX_PATH_HOPS, build_graph, user_data_breaches
from residency_pack.engine.effective_region import EffectiveRegion
from residency_pack.engine.props import UNKNOWN
from residency_pack.rules.data_flow import POLICY, SPEC
from residency_pack.testing import (
    UNKNOWN_STRING,
    Diagnostic,
    Resource,
    analyze,
    analyze_stack,
    aws_provider,
    oci_provider,
)

from .trust import STACK_CONFIG

USER = {"data-classification": "us-user-data"}
COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaaexample"
NON_PERSONAL = {"data-classification": "non-personal"}
US = aws_provider("us-east-1", name="us")
SG = aws_provider("ap-southeast-1", name="singapore")


def run(resources: list[Resource], config: dict[str, Any] | None = None) -> list[Diagnostic]:
    diagnostics = analyze_stack(
        POLICY, resources, {SPEC.name: config} if config else None, STACK_CONFIG
    )
    assert all(d.enforcement == "mandatory" and d.policy == SPEC.name for d in diagnostics)
    return diagnostics


def bucket(name: str, tags: dict[str, str] | None, provider=US) -> Resource:
    props: dict[str, Any] = {"bucket": name}
    if tags is not None:
        props["tags"] = tags
    return Resource("aws:s3/bucketV2:BucketV2", name, props, provider)


def s3_replication(
    name: str, source: Resource, destination: Resource, *, preview: bool = False, provider=US
) -> Resource:
    """A replication configuration; in preview the source name and destination ARN are outputs
    of the buckets, so they are unknown and only property dependencies say where they lead."""
    src = UNKNOWN_STRING if preview else source.props["bucket"]
    dst = UNKNOWN_STRING if preview else f"arn:aws:s3:::{destination.props['bucket']}"
    return Resource(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig", name,
        {"bucket": src, "role": "arn:aws:iam::111122223333:role/replication",
         "rules": [{"id": "all", "status": "Enabled", "destination": {"bucket": dst}}]},
        provider,
        dependencies=[source.resource_urn(), destination.resource_urn()],
        property_dependencies={"bucket": [source.resource_urn()],
                               "rules": [destination.resource_urn()]},
    )  # fmt: skip


def test_user_data_replicated_to_an_allowed_user_data_store_passes():
    primary, replica = bucket("users", USER), bucket("users-replica", USER)
    assert run([primary, replica, s3_replication("repl", primary, replica)]) == []


def test_classification_laundering_into_singapore_is_reported_on_the_destination():
    primary, sink = bucket("users", USER), bucket("analytics-sg", NON_PERSONAL, SG)
    [d] = run([primary, sink, s3_replication("repl", primary, sink)])
    assert d.urn == sink.resource_urn()
    assert "ap-southeast-1" in d.message and "users -[replication via repl" in d.message
    assert "classified `non-personal`" in d.message  # both reasons are given


def test_a_lesser_label_in_an_allowed_region_is_laundering_too():
    primary, sink = bucket("users", USER), bucket("analytics", NON_PERSONAL)
    [d] = run([primary, sink, s3_replication("repl", primary, sink)])
    assert d.urn == sink.resource_urn() and "laundering" in d.message
    [d] = run(
        [
            primary,
            bucket("analytics", None),
            s3_replication("repl", primary, bucket("analytics", None)),
        ]
    )
    assert "not classified" in d.message


def test_non_personal_data_may_flow_to_singapore():
    source, sink = bucket("catalog", NON_PERSONAL), bucket("catalog-sg", NON_PERSONAL, SG)
    assert run([source, sink, s3_replication("repl", source, sink)]) == []


def test_a_replication_of_a_bucket_outside_the_stack_is_held_to_user_data():
    # The configuration names a source bucket the stack does not have: what it holds is not
    # known, so the copy to Singapore is followed as user data (fail closed).
    outside, sink = bucket("legacy-uploads", None), bucket("legacy-sg", NON_PERSONAL, SG)
    repl = replace(
        s3_replication("repl", outside, sink),
        property_dependencies={"rules": [sink.resource_urn()]},
        dependencies=[sink.resource_urn()],
    )
    [d] = run([sink, repl])
    assert d.urn == sink.resource_urn()
    assert "'legacy-uploads' outside the stack -[replication via repl" in d.message
    # The same configuration with its source in the stack carries the source's classification.
    source = bucket("legacy-uploads", NON_PERSONAL)
    assert run([source, sink, s3_replication("repl", source, sink)]) == []


def test_transitive_paths_are_followed_through_lesser_labels():
    a, b, c = bucket("users", USER), bucket("stage", NON_PERSONAL), bucket("far", USER, SG)
    diagnostics = run([a, b, c, s3_replication("a-b", a, b), s3_replication("b-c", b, c)])
    by_urn = {d.urn: d.message for d in diagnostics}
    assert set(by_urn) == {b.resource_urn(), c.resource_urn()}
    assert (
        "users -[replication via a-b.rules[0].destination]-> stage -[replication via "
        "b-c.rules[0].destination]-> far" in by_urn[c.resource_urn()]
    )


def test_preview_unknowns_resolve_through_property_dependencies():
    primary, replica = bucket("users", USER), bucket("users-replica", USER)
    assert run([primary, replica, s3_replication("repl", primary, replica, preview=True)]) == []
    sink = bucket("analytics-sg", NON_PERSONAL, SG)
    [d] = run([primary, sink, s3_replication("repl", primary, sink, preview=True)])
    assert d.urn == sink.resource_urn()


def test_an_unknown_destination_from_outside_the_stack_fails_closed():
    # The destination is an output of a stack reference: another stack's bucket, unknown here.
    primary, replica = bucket("users", USER), bucket("users-replica", USER)
    other_stack = Resource("pulumi:pulumi:StackReference", "shared", {"name": "org/shared/prod"})
    repl = s3_replication("repl", primary, replica, preview=True)
    outside = replace(repl, property_dependencies={"bucket": [primary.resource_urn()],
                                                   "rules": [other_stack.resource_urn()]})
    [d] = run([primary, replica, other_stack, outside])
    assert d.urn == outside.resource_urn() and "unknown during preview" in d.message


def test_an_unknown_the_program_did_not_set_is_computed_by_the_provider_not_a_destination():
    # In preview the engine sends a resource's outputs: what the provider computes (an OCI
    # NoSQL table's `replicas`, an optional input left unset) is unknown, with no property
    # dependency, because no input of the program feeds it.
    table = Resource("oci:Nosql/table:Table", "users", {
        "name": "users", "compartmentId": COMPARTMENT, "freeformTags": USER,
        "ddlStatement": "CREATE TABLE u (id INTEGER, PRIMARY KEY (id))",
        "replicas": UNKNOWN_STRING}, oci_provider("us-ashburn-1"))  # fmt: skip
    assert run([table]) == []
    dynamo = Resource("aws:dynamodb/table:Table", "sessions",
                      {"name": "sessions", "tags": USER, "replicas": UNKNOWN_STRING}, US)
    assert run([dynamo]) == []
    # Known after the update, the computed list says where replicas are, and is judged.
    abroad = replace(table, props={**table.props, "replicas": [{"region": "eu-frankfurt-1"}]})
    [d] = run([abroad])
    assert "eu-frankfurt-1" in d.message


def test_a_region_outside_the_stack_is_judged_for_user_data():
    table = Resource(
        "aws:dynamodb/table:Table",
        "users",
        {"name": "users", "tags": USER, "replicas": [{"regionName": "us-west-2"}]},
        US,
    )
    [d] = run([table])
    assert d.urn == table.resource_urn() and "aws region us-west-2" in d.message
    oregon_too = {"allowedRegions": {"us-user-data": {"aws": ["us-east-1", "us-west-2"]}}}
    assert run([table], oregon_too) == []


def test_backups_flow_from_selected_resources_through_the_plan_to_the_copy_vault():
    table = Resource(
        "aws:dynamodb/table:Table",
        "users",
        {"name": "users", "tags": USER, "arn": UNKNOWN_STRING},
        US,
    )
    plan = Resource("aws:backup/plan:Plan", "plan", {"name": "plan", "rules": [{
        "ruleName": "daily", "targetVaultName": "primary", "copyActions": [
            {"destinationVaultArn": "arn:aws:backup:eu-west-1:111122223333:backup-vault:x"}]}]},
        US)  # fmt: skip
    selection = Resource(
        "aws:backup/selection:Selection", "sel",
        {"name": "sel", "planId": UNKNOWN_STRING, "resources": [UNKNOWN_STRING],
         "iamRoleArn": "arn:aws:iam::111122223333:role/backup"}, US,
        property_dependencies={"planId": [plan.resource_urn()],
                               "resources": [table.resource_urn()]},
    )  # fmt: skip
    [d] = run([table, plan, selection])
    assert d.urn == plan.resource_urn() and "eu-west-1" in d.message
    assert "users -[backup via sel" in d.message
    # The same plan backing up non-personal data only is fine.
    other = replace(table, props={**table.props, "tags": NON_PERSONAL})
    assert run([other, plan, selection]) == []


def test_oci_cross_region_data_guard_standby_in_an_allowed_region_passes():
    primary = Resource(
        "oci:Database/autonomousDatabase:AutonomousDatabase",
        "users-db",
        {"freeformTags": USER, "id": UNKNOWN_STRING},
        oci_provider("us-ashburn-1", name="primary"),
    )
    standby = Resource(
        "oci:Database/autonomousDatabase:AutonomousDatabase", "users-db-standby",
        {"freeformTags": USER, "source": "CROSS_REGION_DATAGUARD", "sourceId": UNKNOWN_STRING},
        oci_provider("us-phoenix-1", name="dr"),
        property_dependencies={"sourceId": [primary.resource_urn()]},
    )  # fmt: skip
    assert run([primary, standby]) == []
    abroad = replace(standby, provider=oci_provider("eu-frankfurt-1", name="dr"))
    [d] = run([primary, abroad])
    assert d.urn == standby.resource_urn() and "eu-frankfurt-1" in d.message


def test_oci_bucket_replication_resolves_the_destination_by_name_and_region():
    primary = Resource(
        "oci:ObjectStorage/bucket:Bucket",
        "users",
        {"name": "users", "namespace": "ns", "freeformTags": USER},
        oci_provider("us-ashburn-1"),
    )
    replica = Resource("oci:ObjectStorage/bucket:Bucket", "users-dr", {
        "name": "users", "namespace": "ns", "freeformTags": NON_PERSONAL},
        oci_provider("us-phoenix-1", name="dr"))  # fmt: skip
    policy = Resource("oci:ObjectStorage/replicationPolicy:ReplicationPolicy", "repl", {
        "bucket": "users", "namespace": "ns", "name": "to-dr",
        "destinationBucketName": "users", "destinationRegionName": "us-phoenix-1"},
        oci_provider("us-ashburn-1"))  # fmt: skip
    # Same bucket name in both regions: the one in the named region is the destination.
    [d] = run([primary, replica, policy])
    assert d.urn == replica.resource_urn() and "classified `non-personal`" in d.message


def test_subscriptions_to_endpoints_outside_the_stack_fail_closed_only_for_user_data():
    topic = Resource("aws:sns/topic:Topic", "events", {"name": "events", "tags": USER}, US)
    sub = Resource("aws:sns/topicSubscription:TopicSubscription", "hook", {
        "topic": UNKNOWN_STRING, "protocol": "https", "endpoint": "https://example.com/hook"},
        US, property_dependencies={"topic": [topic.resource_urn()]})  # fmt: skip
    [d] = run([topic, sub])
    assert d.urn == sub.resource_urn() and "host `example.com`, outside AWS and OCI" in d.message
    quiet = replace(topic, props={"name": "events", "tags": NON_PERSONAL})
    assert run([quiet, sub]) == []
    # The platform team's egress allowlist: the host, not a query string that names another.
    assert run([topic, sub], {"allowedEgressHosts": ["*.example.com", "example.com"]}) == []
    sneaky = replace(sub, props={**sub.props,
                                 "endpoint": "https://evil.test/h?u=hooks.example.com"})
    [d] = run([topic, sneaky], {"allowedEgressHosts": ["*.example.com"]})
    assert "host `evil.test`" in d.message


# --- the graph at scale ----------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    type: str
    urn: str
    name: str
    props: Any
    region: EffectiveRegion
    classification: Any
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)


def chain(length: int) -> list[Node]:
    """A user-data bucket replicating through ``length - 1`` non-personal buckets in us-east-1
    to one more in Singapore, each bucket's replication configured by its own resource."""
    us = EffectiveRegion("aws", "us-east-1", "test", regions=("us-east-1",))
    sg = EffectiveRegion("aws", "ap-southeast-1", "test", regions=("ap-southeast-1",))
    nodes: list[Node] = []
    for i in range(length + 1):
        last = i == length
        nodes.append(
            Node(
                "aws:s3/bucketV2:BucketV2",
                f"b{i}",
                f"b{i}",
                {"bucket": f"b{i}"},
                sg if last else us,
                "us-user-data" if i == 0 else "non-personal",
            )
        )
        if i:
            nodes.append(Node(
                "aws:s3/bucketReplicationConfig:BucketReplicationConfig", f"r{i}", f"r{i}",
                {"bucket": f"b{i - 1}",
                 "rules": [{"destination": {"bucket": f"arn:aws:s3:::b{i}"}}]},
                us, None,
            ))  # fmt: skip
    return nodes


def test_a_graph_of_thousands_of_resources_is_built_with_one_edge_per_flow():
    nodes = chain(2000)
    graph = build_graph(nodes)
    assert len(graph.nodes) == len(nodes)  # every destination resolved inside the stack
    assert sum(1 for _ in graph.edges()) == 2000
    breaches = {b.node.key: b for b in user_data_breaches(graph, nodes, {})}
    assert len(breaches) == 2000  # every bucket downstream launders user data
    far = breaches["b2000"]
    assert far.origin == "b0" and far.length == 2000 and "ap-southeast-1" in far.reason
    assert len(far.path) == MAX_PATH_HOPS  # witness paths stay bounded: output is linear too
    assert far.describe_path(graph).startswith("b0 -> … 1984 more hops … -> b1984 -[")


def test_the_work_grows_linearly_with_the_stack(monkeypatch):
    from residency_pack.engine import dataflow

    calls = {"resolve": 0, "edges": 0}
    eligible, add_edge = dataflow._Resolver._eligible, dataflow.FlowGraph.add_edge

    def counted_eligible(self, *args):
        calls["resolve"] += 1
        return eligible(self, *args)

    def counted_add_edge(self, edge):
        calls["edges"] += 1
        return add_edge(self, edge)

    monkeypatch.setattr(dataflow._Resolver, "_eligible", counted_eligible)
    monkeypatch.setattr(dataflow.FlowGraph, "add_edge", counted_add_edge)
    work = []
    for size in (1000, 2000):
        calls.update(resolve=0, edges=0)
        nodes = chain(size)
        user_data_breaches(build_graph(nodes), nodes, {})
        work.append(calls["resolve"] + calls["edges"])
    # No all-pairs step: double the stack, double the work (up to the chain's one extra end).
    assert abs(work[1] - 2 * work[0]) <= 2


def connectors(length: int) -> list[Resource]:
    """``length`` user-data databases, each copied by a DMS task through two endpoints, and
    buckets, each synced by DataSync and notified through a scanned type; every tenth far end
    abroad."""
    out: list[Resource] = []
    for i in range(length):
        far = "eu-central-1" if i % 10 == 3 else "us-east-1"
        db = Resource("aws:rds/instance:Instance", f"db{i}", {"identifier": f"db{i}",
                      "tags": USER, "address": UNKNOWN_STRING}, US)
        src = Resource("aws:dms/endpoint:Endpoint", f"src{i}", {
            "endpointType": "source", "serverName": UNKNOWN_STRING}, US,
            property_dependencies={"serverName": [db.resource_urn()]})
        dst = Resource("aws:dms/endpoint:Endpoint", f"dst{i}", {
            "endpointType": "target", "serverName": f"w{i}.x.{far}.rds.amazonaws.com"}, US)
        task = Resource("aws:dms/replicationTask:ReplicationTask", f"t{i}", {
            "sourceEndpointArn": UNKNOWN_STRING, "targetEndpointArn": UNKNOWN_STRING}, US,
            property_dependencies={"sourceEndpointArn": [src.resource_urn()],
                                   "targetEndpointArn": [dst.resource_urn()]})
        # Bucket names of one length (three digits), so that each is read the same way.
        b = bucket(f"b{i:03}", USER)
        notify = Resource("aws:s3/bucketNotification:BucketNotification", f"n{i}", {
            "bucket": f"b{i:03}", "queues": [{"queueArn": f"arn:aws:sqs:{far}:111122223333:q"}]},
            US)
        loc = Resource("aws:datasync/s3Location:S3Location", f"l{i}", {
            "s3BucketArn": f"arn:aws:s3:::b{i:03}"}, US)
        nfs = Resource("aws:datasync/nfsLocation:NfsLocation", f"nfs{i}", {
            "serverHostname": f"nfs{i}.{far}.example"}, US)
        sync = Resource("aws:datasync/task:Task", f"s{i}", {
            "sourceLocationArn": UNKNOWN_STRING, "destinationLocationArn": UNKNOWN_STRING}, US,
            property_dependencies={"sourceLocationArn": [loc.resource_urn()],
                                   "destinationLocationArn": [nfs.resource_urn()]})
        out += [db, src, dst, task, b, notify, loc, nfs, sync]  # fmt: skip
    return out


def test_the_work_through_connectors_grows_linearly_with_the_stack(monkeypatch):
    from residency_pack.engine import dataflow

    calls = {"n": 0}
    eligible, add_edge = dataflow._Resolver._eligible, dataflow.FlowGraph.add_edge

    def counted_eligible(self, *args):
        calls["n"] += 1
        return eligible(self, *args)

    def counted_add_edge(self, edge):
        calls["n"] += 1
        return add_edge(self, edge)

    monkeypatch.setattr(dataflow._Resolver, "_eligible", counted_eligible)
    monkeypatch.setattr(dataflow.FlowGraph, "add_edge", counted_add_edge)
    work, found = [], []
    for size in (100, 200):
        calls["n"] = 0
        stack = [replace(r, provider=None) for r in connectors(size)]
        nodes = [
            Node(r.type, r.resource_urn(), r.name, dict(r.props),
                 EffectiveRegion("aws", "us-east-1", "test", regions=("us-east-1",)),
                 (r.props.get("tags") or {}).get("data-classification"),
                 {k: tuple(v) for k, v in r.property_dependencies.items()})
            for r in stack
        ]  # fmt: skip
        breaches = user_data_breaches(build_graph(nodes), nodes, {"trustedAccountIds": [
            "111122223333"], "allowedEgressHosts": ["*.us-east-1.example"]})
        work.append(calls["n"])
        found.append(len(breaches))
    # Every DMS target host (whose it is, a host cannot tell), and every tenth NFS server and
    # queue (abroad).
    assert found == [100 + 2 * 10, 200 + 2 * 20]
    assert abs(work[1] - 2 * work[0]) <= 4


def test_the_blueprints_replica_bucket_and_standby_pass_both_flow_rules_in_preview(monkeypatch):
    """The prod stack's flows as the engine sends them in preview: bucket names and the
    primary's OCID are outputs (unknown), property dependencies say where they come from."""
    from residency_pack.rules import no_cross_region_copy

    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    iad, phx = oci_provider("us-ashburn-1", name="primary"), oci_provider("us-phoenix-1", "dr")
    tags = {"data-classification": "us-user-data", "stack": "prod"}
    primary = Resource("oci:ObjectStorage/bucket:Bucket", "records", {
        "name": "user-records-prod", "namespace": UNKNOWN_STRING, "freeformTags": tags,
        "accessType": "NoPublicAccess"}, iad)  # fmt: skip
    replica = Resource("oci:ObjectStorage/bucket:Bucket", "records-dr", {
        "name": "user-records-prod", "namespace": UNKNOWN_STRING, "freeformTags": tags,
        "accessType": "NoPublicAccess"}, phx)  # fmt: skip
    policy = Resource(
        "oci:ObjectStorage/replicationPolicy:ReplicationPolicy", "records-policy",
        {"bucket": UNKNOWN_STRING, "namespace": UNKNOWN_STRING, "name": "to-us-phoenix-1",
         "destinationBucketName": UNKNOWN_STRING, "destinationRegionName": "us-phoenix-1",
         "deleteObjectInDestinationBucket": "ACCEPT"},
        iad, dependencies=[primary.resource_urn(), replica.resource_urn()],
        property_dependencies={"bucket": [primary.resource_urn()],
                               "destinationBucketName": [replica.resource_urn()]},
    )  # fmt: skip
    database = Resource("oci:Database/autonomousDatabase:AutonomousDatabase", "records-adb", {
        "compartmentId": UNKNOWN_STRING, "dbName": "records", "freeformTags": tags}, iad)
    standby = Resource(
        "oci:Database/autonomousDatabase:AutonomousDatabase", "records-standby-adb",
        {"compartmentId": UNKNOWN_STRING, "dbName": "records", "freeformTags": tags,
         "source": "CROSS_REGION_DATAGUARD", "sourceId": UNKNOWN_STRING},
        phx, property_dependencies={"sourceId": [database.resource_urn()]},
    )  # fmt: skip
    stack = [primary, replica, policy, database, standby]
    assert run(stack) == []
    copy_rule = no_cross_region_copy.POLICY
    assert [d for r in stack for d in analyze(copy_rule, r, None, STACK_CONFIG)] == []
    # The same stack with the DR provider moved abroad is caught by both rules.
    frankfurt = oci_provider("eu-frankfurt-1", name="dr")
    moved = [primary, replace(replica, provider=frankfurt), replace(
        policy, props={**policy.props, "destinationRegionName": "eu-frankfurt-1"}),
        database, replace(standby, provider=frankfurt)]  # fmt: skip
    assert {d.urn for d in run(moved)} == {replica.resource_urn(), standby.resource_urn()}
    assert {d.urn for r in moved for d in analyze(copy_rule, r, None, STACK_CONFIG)} == {
        policy.resource_urn(), standby.resource_urn()}


IRELAND_VAULT = "arn:aws:backup:eu-west-1:111122223333:backup-vault:dr"


def _plan_copying_to(vault_arn: str) -> Resource:
    return Resource("aws:backup/plan:Plan", "plan", {"name": "plan", "rules": [{
        "ruleName": "daily", "targetVaultName": "primary",
        "copyActions": [{"destinationVaultArn": vault_arn}]}]}, US)  # fmt: skip


def _selection(plan: Resource, **props: Any) -> Resource:
    return Resource(
        "aws:backup/selection:Selection", "sel",
        {"name": "sel", "planId": UNKNOWN_STRING,
         "iamRoleArn": "arn:aws:iam::111122223333:role/backup", **props},
        US, property_dependencies={"planId": [plan.resource_urn()]},
    )  # fmt: skip


def test_backup_selections_by_tag_and_by_wildcard_select_the_stores_they_name():
    table = Resource("aws:dynamodb/table:Table", "users",
                     {"name": "users", "tags": {**USER, "backup": "daily"}}, US)
    other = Resource("aws:dynamodb/table:Table", "catalog",
                     {"name": "catalog", "tags": {**NON_PERSONAL, "backup": "weekly"}}, US)
    plan = _plan_copying_to(IRELAND_VAULT)
    by_tag = _selection(plan, selectionTags=[
        {"type": "STRINGEQUALS", "key": "backup", "value": "daily"}])  # fmt: skip
    [d] = run([table, other, plan, by_tag])
    assert d.urn == plan.resource_urn() and "users -[backup via sel" in d.message
    weekly = _selection(plan, selectionTags=[
        {"type": "STRINGEQUALS", "key": "backup", "value": "weekly"}])  # fmt: skip
    assert run([table, other, plan, weekly]) == []
    wildcard = _selection(plan, resources=["arn:aws:dynamodb:*:*:table/*"])
    [d] = run([table, other, plan, wildcard])
    assert "every aws data store of the stack" in d.message
    assert run([table, other, _plan_copying_to(IRELAND_VAULT.replace("eu-west-1", "us-east-1")),
                wildcard]) == []


def test_dlm_copies_the_snapshots_of_the_volumes_its_target_tags_select():
    volume = Resource("aws:ebs/volume:Volume", "users-vol", {
        "availabilityZone": "us-east-1a", "size": 100, "tags": {**USER, "snap": "yes"}}, US)
    policy = Resource("aws:dlm/lifecyclePolicy:LifecyclePolicy", "snapshots", {
        "description": "d", "executionRoleArn": "arn:aws:iam::111122223333:role/dlm",
        "policyDetails": {"targetTags": {"snap": "yes"}, "schedules": [{
            "name": "daily", "crossRegionCopyRules": [{"target": "us-east-1"}]}]}}, US)
    assert run([volume, policy]) == []
    abroad = replace(policy, props={**policy.props, "policyDetails": {
        "targetTags": {"snap": "yes"}, "schedules": [{
            "name": "daily", "crossRegionCopyRules": [{"target": "ap-southeast-1"}]}]}})
    [d] = run([volume, abroad])
    assert d.urn == policy.resource_urn() and "users-vol -[copy via snapshots" in d.message
    untagged = replace(volume, props={**volume.props, "tags": USER})
    assert run([untagged, abroad]) == []


# --- The graph's building blocks, unit by unit.
def test_a_reference_is_matched_by_each_way_it_may_be_written():
    from residency_pack.engine.dataflow import _reference_keys

    assert _reference_keys("arn:aws:s3:::logs/prefix") == ["arn:aws:s3:::logs/prefix", "logs"]
    assert _reference_keys("s3://logs/a/b") == ["s3://logs/a/b", "logs"]
    assert _reference_keys("oci://logs@ns/a") == ["oci://logs@ns/a", "logs"]
    assert _reference_keys("/home/user/x") == ["/home/user/x", "home"]
    assert _reference_keys("logs/key") == ["logs/key", "logs"]
    assert _reference_keys("jdbc:postgresql://db.example.com:5432/app") == [
        "jdbc:postgresql://db.example.com:5432/app", "db.example.com",
    ]  # fmt: skip
    assert _reference_keys("db.example.com") == ["db.example.com", "db.example.com"]
    assert _reference_keys("plain-name") == ["plain-name"]


@dataclass
class _Bag:
    urn: str
    type: str
    props: Any
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    name: str = ""


def test_resources_are_found_by_every_identity_a_connector_may_name():
    from residency_pack.engine.dataflow import _Resolver

    identities = {
        "id": "i-1", "keyId": "k-1", "replicationGroupId": "rg-1", "streamArn": "arn:s",
        "name": "n-1",
    }  # fmt: skip
    store = _Bag("urn:store", "aws:dynamodb/table:Table", identities)
    provider = _Bag("urn:provider", "pulumi:providers:aws", {"id": "p-1", "name": "p"})
    resolver = _Resolver([store, provider])
    assert {value: resolver.by_value.get(value) for value in identities.values()} == {
        value: ["urn:store"] for value in identities.values()
    }
    assert "p-1" not in resolver.by_value and "p" not in resolver.by_value


def test_a_resource_is_located_in_a_place_only_by_a_region_it_is_in():
    from residency_pack.engine.dataflow import _located_in

    east = EffectiveRegion("aws", "us-east-1", "s", regions=("us-east-1",))
    assert _located_in(east, {("aws", "us-east-1")})
    assert not _located_in(east, {("aws", "eu-west-1")})
    assert not _located_in(east, {("oci", "us-east-1")})


def test_own_locations_are_every_region_a_placed_resource_touches():
    from residency_pack.engine.dataflow import _own_locations

    def at(region: EffectiveRegion) -> list[tuple[str, str]]:
        return _own_locations(_Bag("u", "aws:s3/bucket:Bucket", {}) and _Placed(region))

    both = EffectiveRegion("aws", "us-east-1", "s", regions=("us-east-1", "us-west-2"))
    assert at(both) == [("aws", "us-east-1"), ("aws", "us-west-2")]
    assert at(EffectiveRegion("aws", "us-east-1", "s")) == [("aws", "us-east-1")]
    assert at(EffectiveRegion("aws", None, "g", neutral=True, regions=("us-east-1",))) == []
    assert at(EffectiveRegion(None, "us-east-1", "s", regions=("us-east-1",))) == []
    undetermined = EffectiveRegion("aws", "us-east-1", "u", undetermined_reason="r",
                                   regions=("us-east-1",))  # fmt: skip
    assert at(undetermined) == []


@dataclass
class _Placed:
    region: EffectiveRegion
    type: str = "aws:s3/bucket:Bucket"
    classification: Any = "us-user-data"


def test_a_store_outside_the_allowed_regions_names_them_all():
    from residency_pack.engine.dataflow import _judge_resource

    allowed = {"aws": frozenset({"us-east-1", "us-west-2"}), "oci": frozenset()}
    far = _Placed(EffectiveRegion("aws", "eu-west-1", "s", regions=("eu-west-1",)))
    assert _judge_resource(far, allowed) == (
        "it is in aws region eu-west-1, which is not allowed for us-user-data (allowed: "
        "us-east-1, us-west-2)"
    )
    near = _Placed(EffectiveRegion("aws", "us-west-2", "s", regions=("us-west-2",)))
    assert _judge_resource(near, allowed) is None


def test_an_unresolved_destination_names_every_field_that_hides_it():
    from residency_pack.engine.copy_fields import CopyField, Destination, FlowKind
    from residency_pack.engine.dataflow import _unresolved_node

    entry = CopyField("aws:dms/endpoint:Endpoint", "", FlowKind.COPY, ("serverName", "port"))
    via = _Bag("urn:endpoint", entry.resource_type, {}, name="dst")
    pending = _unresolved_node(via, Destination(entry, "", (), (), ("serverName", "port")))
    assert pending.unknown and pending.reason == (
        "`serverName`, `port` is unknown during preview and is not an output of a cloud "
        "resource of this stack"
    )
    hidden = Destination(entry, "", (), (), (), opaque=(("secretsManagerArn", "s"), ("a", "b")))
    opaque = _unresolved_node(via, hidden)
    assert not opaque.unknown and opaque.reason == (
        "its far end is hidden in `secretsManagerArn`, `a`, which the pack cannot read"
    )


def _table(name: str, tags: dict[str, str], **props: Any) -> Resource:
    return Resource("aws:dynamodb/table:Table", name, {"name": name, "tags": tags, **props}, US)


def test_a_dynamodb_restore_by_name_copies_the_source_table():
    users = _table("users", USER)
    # A table restored from `users` by name, labelled non-personal: the copy is user data.
    restored = _table("users-copy", NON_PERSONAL, restoreSourceName="users")
    [d] = run([users, restored])
    assert d.urn == restored.resource_urn() and "laundering" in d.message
    # The same restore of a non-personal table passes.
    catalog = _table("catalog", NON_PERSONAL)
    assert run([catalog, _table("catalog-copy", NON_PERSONAL, restoreSourceName="catalog")]) == []


def _tag(resource_type: str, name: str, target: Resource, key: str, value: str) -> Resource:
    field = "resourceId" if resource_type == "aws:ec2/tag:Tag" else "resourceArn"
    return Resource(resource_type, name, {field: UNKNOWN_STRING, "key": key, "value": value}, US,
                    property_dependencies={field: [target.resource_urn()]})  # fmt: skip


def test_a_tag_writer_relabelling_a_store_keeps_its_strictest_label():
    table = Resource("aws:dynamodb/table:Table", "users", {"name": "users", "tags": USER}, US)
    plan = _plan_copying_to(IRELAND_VAULT)
    label = {"type": "STRINGEQUALS", "key": "data-classification", "value": "non-personal"}
    non_personal = _selection(plan, selectionTags=[label])
    assert run([table, plan, non_personal]) == []
    for writer in ("aws:dynamodb/tag:Tag", "aws:ecs/tag:Tag", "aws:ec2/tag:Tag"):
        downgrade = _tag(writer, "relabel", table, "data-classification", "non-personal")
        # The cloud now shows non-personal, so the selection takes the table; its data is
        # still US user data.
        [d] = run([table, downgrade, plan, non_personal])
        assert d.urn == plan.resource_urn() and "users -[backup via sel" in d.message, writer
    # An unrelated tag changes no classification.
    cost = _tag("aws:dynamodb/tag:Tag", "cost", table, "cost-center", "42")
    assert run([table, cost, plan, non_personal]) == []


def test_a_tag_writer_upgrading_a_label_makes_the_store_user_data():
    table = Resource("aws:dynamodb/table:Table", "catalog",
                     {"name": "catalog", "tags": NON_PERSONAL}, US)  # fmt: skip
    sink = bucket("catalog-sg", NON_PERSONAL, SG)
    export = Resource("aws:dynamodb/table:Table", "catalog-copy",
                      {"name": "catalog-copy", "tags": NON_PERSONAL, "restoreSourceName": "catalog",
                       "replicas": [{"regionName": "ap-southeast-1"}]}, US)  # fmt: skip
    assert run([table, sink, export]) == []
    upgrade = _tag("aws:dynamodb/tag:Tag", "label", table, "data-classification", USER[
        "data-classification"])  # fmt: skip
    assert run([table, sink, export, upgrade])


# --- data keeps its classification: objects and records built from a store's outputs ----------

OCI_AS = oci_provider("us-ashburn-1", name="ashburn")
PUBLIC = {"data-classification": "public"}


def _object(name: str, tags: dict[str, str] | None, deps: dict[str, list[str]], provider=US,
            **props: Any) -> Resource:  # fmt: skip
    body: dict[str, Any] = {"bucket": "exports", "key": f"{name}.json", **props}
    if tags is not None:
        body["tags"] = tags
    return Resource("aws:s3/bucketObjectv2:BucketObjectv2", name, body, provider,
                    dependencies=[u for urns in deps.values() for u in urns],
                    property_dependencies=deps)  # fmt: skip


def _item(name: str, table: Resource, item_deps: list[str] | None = None) -> Resource:
    deps = {"tableName": [table.resource_urn()], **({"item": item_deps} if item_deps else {})}
    return Resource("aws:dynamodb/tableItem:TableItem", name,
                    {"tableName": UNKNOWN_STRING, "hashKey": "id",
                     "item": UNKNOWN_STRING if item_deps else '{"id": {"S": "1"}}'},
                    US, property_dependencies=deps)  # fmt: skip


def test_an_object_whose_content_is_built_from_a_user_table_is_user_data():
    users = _table("users", USER)
    dump = _object("dump", NON_PERSONAL, {"content": [users.resource_urn()]}, SG,
                   content=UNKNOWN_STRING)  # fmt: skip
    [d] = run([users, dump])
    assert d.urn == dump.resource_urn()
    assert "classified `non-personal`" in d.message and "ap-southeast-1" in d.message
    assert "dump.content (built from an output of users)" in d.message
    # In an allowed region, labelled us-user-data: the copy is held to its data, and passes.
    assert run([users, _object("dump", USER, {"content": [users.resource_urn()]})]) == []


def test_only_data_bearing_inputs_taint_and_only_from_stores_or_connectors():
    users = _table("users", USER)
    key = Resource("aws:kms/key:Key", "key", {"tags": USER}, US)
    # A key's ARN in the object's content, the user table's name in its key or tags: no data.
    inert = [
        _object("a", NON_PERSONAL, {"content": [key.resource_urn()]}, content=UNKNOWN_STRING),
        _object("b", NON_PERSONAL, {"key": [users.resource_urn()], "tags": [users.resource_urn()]},
                content="static"),
    ]  # fmt: skip
    assert run([users, key, *inert]) == []


def test_an_item_read_out_of_a_user_table_keeps_its_classification():
    users, catalog = _table("users", USER), _table("catalog", NON_PERSONAL)
    seed = _item("seed", users)  # a literal item written into the user table: fine
    copied = _item("copied", catalog, [seed.resource_urn()])  # built from the user item
    [d] = run([users, catalog, seed, copied])
    assert d.urn == catalog.resource_urn() and "laundering" in d.message
    # A literal item in a non-personal table, and an item built from one: nothing reaches them.
    other = _item("other", catalog)
    assert run([users, catalog, seed, other, _item("again", catalog, [other.resource_urn()])]) == []
    # An object whose content is the user item.
    dump = _object("dump", NON_PERSONAL, {"content": [seed.resource_urn()]}, content=UNKNOWN_STRING)
    assert [d.urn for d in run([users, seed, dump])] == [dump.resource_urn()]


def test_an_oci_object_is_judged_by_the_bucket_it_is_written_to():
    def oci_bucket(name: str, tags: dict[str, str]) -> Resource:
        return Resource("oci:ObjectStorage/bucket:Bucket", name,
                        {"name": name, "namespace": "ns", "compartmentId": COMPARTMENT,
                         "freeformTags": tags}, OCI_AS)  # fmt: skip

    users, public = oci_bucket("users", USER), oci_bucket("press", PUBLIC)
    table = _table("users-table", USER)

    def obj(bucket_resource: Resource) -> Resource:
        return Resource("oci:ObjectStorage/storageObject:StorageObject", "export",
                        {"bucket": bucket_resource.props["name"], "namespace": "ns",
                         "object": "x.json", "content": UNKNOWN_STRING}, OCI_AS,
                        property_dependencies={"content": [table.resource_urn()]})  # fmt: skip

    assert run([users, table, obj(users)]) == []
    [d] = run([public, table, obj(public)])
    assert d.urn == public.resource_urn() and "classified `public`" in d.message


def test_a_function_or_connector_output_in_an_object_carries_no_data():
    function = Resource("aws:lambda/function:Function", "api", {"tags": USER}, US)
    pointer = _object("pointer", NON_PERSONAL, {"content": [function.resource_urn()]},
                      content=UNKNOWN_STRING)  # fmt: skip
    assert run([function, pointer]) == []


# --- where code and images come from: inbound, never a copy of the workload's data -------------

LAMBDA = "aws:lambda/function:Function"
ROLE_ARN = "arn:aws:iam::111122223333:role/fn"


def code_lambda(name: str, code_bucket: Resource, tags: dict[str, str], **props: Any) -> Resource:
    """A function whose code package is in ``code_bucket`` (its name an output, in preview)."""
    return Resource(
        LAMBDA, name,
        {"role": ROLE_ARN, "runtime": "python3.12", "handler": "h.h", "s3Bucket": UNKNOWN_STRING,
         "s3Key": "fn/1.0.zip", "tags": tags, **props},
        US, dependencies=[code_bucket.resource_urn()],
        property_dependencies={"s3Bucket": [code_bucket.resource_urn()]},
    )  # fmt: skip


def test_a_user_data_function_whose_code_is_in_a_non_personal_bucket_of_the_stack_passes():
    artifacts = bucket("artifacts", NON_PERSONAL)
    function = code_lambda("export-users", artifacts, USER)
    assert run([artifacts, function]) == []
    us = EffectiveRegion("aws", "us-east-1", "test", regions=("us-east-1",))
    graph = build_graph([
        Node(artifacts.type, "a", "artifacts", artifacts.props, us, "non-personal"),
        Node(LAMBDA, "f", "export-users", function.props, us, "us-user-data", {"s3Bucket": ("a",)}),
    ])  # fmt: skip
    [edge] = graph.edges()  # the code flows in: bucket -> function, never function -> bucket
    flow = (edge.source, edge.target, edge.flow.value, edge.field)
    assert flow == ("a", "f", "artifact", "s3Bucket")


def test_a_function_that_also_writes_to_its_code_bucket_launders_user_data_into_it():
    artifacts = bucket("artifacts", NON_PERSONAL)
    function = code_lambda(
        "export-users",
        artifacts,
        USER,
        environment={"variables": {"EXPORT_BUCKET": artifacts.props["bucket"]}},
    )
    [d] = run([artifacts, function])
    assert d.urn == artifacts.resource_urn() and "laundering" in d.message
    assert "environment.variables.EXPORT_BUCKET" in d.message


def test_code_read_from_a_user_data_bucket_carries_user_data_into_the_function():
    users = bucket("users", USER)
    sink = bucket("analytics-sg", NON_PERSONAL, SG)
    function = code_lambda(
        "copier",
        users,
        NON_PERSONAL,
        environment={"variables": {"OUT_BUCKET": f"arn:aws:s3:::{sink.props['bucket']}"}},
    )
    [d] = run([users, sink, function])
    assert d.urn == sink.resource_urn()
    assert "users -[artifact via copier.s3Bucket]-> copier" in d.message


def oci_instance(image: Resource, source_type: str) -> Resource:
    return Resource(
        "oci:Core/instance:Instance", "etl",
        {"availabilityDomain": "Uocm:US-ASHBURN-AD-1", "compartmentId": COMPARTMENT,
         "shape": "VM.Standard.E5.Flex", "freeformTags": USER,
         "sourceDetails": {"sourceType": source_type, "sourceId": UNKNOWN_STRING}},
        oci_provider("us-ashburn-1"), dependencies=[image.resource_urn()],
        property_dependencies={"sourceDetails": [image.resource_urn()]},
    )  # fmt: skip


def test_a_user_data_instance_booted_from_a_non_personal_image_of_the_stack_passes():
    image = Resource(
        "oci:Core/image:Image", "etl-image",
        {"compartmentId": COMPARTMENT, "instanceId": "ocid1.instance.oc1.iad.aaaaaaaabuilder",
         "freeformTags": NON_PERSONAL},
        oci_provider("us-ashburn-1"),
    )  # fmt: skip
    assert run([image, oci_instance(image, "image")]) == []


def test_a_user_data_instance_on_a_non_personal_boot_volume_launders_into_the_volume():
    volume = Resource(
        "oci:Core/bootVolume:BootVolume", "etl-boot",
        {"availabilityDomain": "Uocm:US-ASHBURN-AD-1", "compartmentId": COMPARTMENT,
         "sourceDetails": {"type": "bootVolume", "id": "ocid1.bootvolume.oc1.iad.aaaaaaaaother"},
         "freeformTags": NON_PERSONAL},
        oci_provider("us-ashburn-1"),
    )  # fmt: skip
    [d] = run([volume, oci_instance(volume, "bootVolume")])
    assert d.urn == volume.resource_urn() and "laundering" in d.message


# --- A Glue catalog table takes no tags: it holds (and queries read, in its region) the data at
# its S3 location.
def glue_table(name: str, over: Resource | None, provider=SG, *, preview: bool = False) -> Resource:
    location = (
        UNKNOWN_STRING if preview and over is not None
        else f"s3://{over.props['bucket'] if over is not None else 'partner-lake'}/exports/"
    )  # fmt: skip
    deps = {"storageDescriptor": [over.resource_urn()]} if over is not None else {}
    return Resource(
        "aws:glue/catalogTable:CatalogTable", name,
        {"databaseName": "lake", "name": name, "tableType": "EXTERNAL_TABLE",
         "storageDescriptor": {"location": location, "columns": [{"name": "email"}]}},
        provider,
        dependencies=list(deps.get("storageDescriptor", [])),
        property_dependencies=deps,
    )  # fmt: skip


def test_a_glue_table_abroad_over_a_user_data_bucket_is_a_flow():
    users = bucket("users-content", USER)
    for preview in (False, True):
        [d] = run([users, glue_table("users-ext", users, preview=preview)])
        assert "users-ext" in d.message and "ap-southeast-1" in d.message
        assert "laundering" not in d.message


def test_a_glue_table_over_a_location_outside_the_stack_is_held_to_user_data():
    [d] = run([glue_table("partner-ext", None)])
    assert "partner-ext" in d.message and "ap-southeast-1" in d.message


def test_a_glue_table_over_non_personal_data_or_at_home_passes():
    metrics = bucket("sg-metrics", NON_PERSONAL, SG)
    assert run([metrics, glue_table("build-metrics", metrics)]) == []
    users = bucket("users-content", USER)
    # In an allowed region, a tagless table over user data is no laundering: it has no label.
    assert run([users, glue_table("users-us", users, US)]) == []


def _projected(table: Resource, template_over: Resource) -> Resource:
    template = f"s3://{template_over.props['bucket']}/events/${{dt}}/"
    props = {**table.props, "parameters": {"projection.enabled": "true",
                                           "storage.location.template": template}}  # fmt: skip
    return replace(table, props=props)


def test_a_glue_table_projection_template_over_user_data_is_a_flow():
    metrics = bucket("sg-metrics", NON_PERSONAL, SG)
    users = bucket("users-content", USER)
    table = _projected(glue_table("events", metrics), users)
    [d] = run([metrics, users, table])
    assert "events" in d.message and "ap-southeast-1" in d.message


def test_a_glue_table_projection_template_over_non_personal_data_passes():
    metrics = bucket("sg-metrics", NON_PERSONAL, SG)
    table = _projected(glue_table("events", metrics), metrics)
    assert run([metrics, table]) == []


# --- behaviours pinned by mutation survivors (scripts/mutation.py) -------------------------------


def _subscription_to(endpoint: str, protocol: str = "sqs") -> list[Resource]:
    topic = Resource("aws:sns/topic:Topic", "events", {"name": "events", "tags": USER}, US)
    sub = Resource("aws:sns/topicSubscription:TopicSubscription", "out", {
        "topic": UNKNOWN_STRING, "protocol": protocol, "endpoint": endpoint},
        US, property_dependencies={"topic": [topic.resource_urn()]})  # fmt: skip
    return [topic, sub]


def test_every_problem_of_one_place_is_reported_together():
    [d] = run(_subscription_to("arn:aws:sqs:eu-west-1:999999999999:q"))
    assert "(allowed: us-east-1); and `endpoint` = " in d.message
    assert "AWS account 999999999999, which is not trusted" in d.message


def test_a_place_that_names_no_region_is_not_shown_in_one():
    [d] = run(_subscription_to("arn:aws:s3:::partner-drop", "firehose"))
    assert "'arn:aws:s3:::partner-drop'" in d.message and "region None" not in d.message


def test_a_known_destination_is_reported_in_preview_as_a_violation(monkeypatch):
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    [d] = run(_subscription_to("arn:aws:sqs:eu-west-1:111122223333:q"))
    assert d.enforcement == "mandatory" and "region `eu-west-1`" in d.message
    # Nothing in it is unknown: no note that an unknown value fails closed.
    assert "unknown" not in d.message


def test_a_wildcard_selection_is_named_in_the_path():
    table = Resource("aws:dynamodb/table:Table", "users", {"name": "users", "tags": USER}, US)
    plan = _plan_copying_to(IRELAND_VAULT)
    wildcard = _selection(plan, resources=["arn:aws:dynamodb:*:*:table/*"])
    [d] = run([table, plan, wildcard])
    assert "Path: users -[backup via sel.selection (wildcard)]-> every aws data store" in d.message


def test_in_preview_a_replica_key_next_to_the_destination_bucket_is_not_where_data_goes(
    monkeypatch,
):
    # The replication's `rules` is built from the replica bucket and the replica key: the
    # bucket, of the entry's target types, is the destination; the key is not.
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    primary, replica = bucket("users", USER), bucket("users-replica", USER)
    key = Resource("aws:kms/key:Key", "replica-key", {"tags": USER}, SG)
    repl = s3_replication("repl", primary, replica, preview=True)
    rules = [replica.resource_urn(), key.resource_urn()]
    repl = replace(repl, property_dependencies={**repl.property_dependencies, "rules": rules})
    assert run([primary, replica, key, repl]) == []


def test_an_aurora_global_cluster_of_the_stack_is_found_by_its_identifier():
    global_cluster = Resource("aws:rds/globalCluster:GlobalCluster", "global",
                              {"globalClusterIdentifier": "users-global", "engine": "aurora"},
                              US)  # fmt: skip
    member = Resource("aws:rds/cluster:Cluster", "users", {"clusterIdentifier": "users",
                      "globalClusterIdentifier": "users-global", "tags": USER}, US)  # fmt: skip
    abroad = Resource("aws:rds/cluster:Cluster", "users-sg", {"clusterIdentifier": "users-sg",
                      "globalClusterIdentifier": "users-global", "tags": USER}, SG)  # fmt: skip
    found = {d.urn: d.message for d in run([global_cluster, member, abroad])}
    assert (
        "Path: users -[replication via users.globalClusterIdentifier]-> global -[replication via "
        "users-sg.globalClusterIdentifier]-> users-sg." in found[abroad.resource_urn()]
    )


def _cdn(name: str, tags: dict[str, str], origins: list[Resource], **extra: Any) -> Resource:
    """A CloudFront distribution over ``origins``; in preview each origin's domain is an output."""
    return Resource(
        "aws:cloudfront/distribution:Distribution", name,
        {"enabled": True, "tags": tags,
         "origins": [{"originId": o.name, "domainName": UNKNOWN_STRING} for o in origins],
         "defaultCacheBehavior": {"targetOriginId": origins[0].name,
                                  "cachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"},
         **extra},
        US, property_dependencies={"origins": [o.resource_urn() for o in origins]},
    )  # fmt: skip


def test_a_cdn_does_not_carry_one_origins_data_into_another_origin():
    users, assets = bucket("users", USER), bucket("assets", {"data-classification": "public"})
    assert run([users, assets, _cdn("cdn", USER, [users, assets])]) == []
    # The graph: origin -> distribution, never distribution -> origin.
    us = EffectiveRegion("aws", "us-east-1", "test", regions=("us-east-1",))
    origins = [{"originId": n, "domainName": UNKNOWN} for n in ("users", "assets")]
    nodes = [
        Node("aws:s3/bucketV2:BucketV2", "users", "users", {"bucket": "users"}, us, "us-user-data"),
        Node("aws:s3/bucketV2:BucketV2", "assets", "assets", {"bucket": "assets"}, us, "public"),
        Node("aws:cloudfront/distribution:Distribution", "cdn", "cdn", {"origins": origins}, us,
             "us-user-data", {"origins": ("users", "assets")}),
    ]  # fmt: skip
    graph = build_graph(nodes)
    assert graph.successors("users") == ["cdn"] and graph.successors("assets") == ["cdn"]
    assert graph.successors("cdn") == []
    assert user_data_breaches(graph, nodes, {}) == []


def test_a_cdn_origin_outside_the_stack_is_still_a_far_end():
    users = bucket("users", USER)
    cdn = _cdn("cdn", USER, [users])
    cdn.props["origins"].append({"originId": "partner", "domainName": "collect.partner.example"})
    [d] = run([users, cdn])
    assert d.urn == cdn.resource_urn() and "collect.partner.example" in d.message

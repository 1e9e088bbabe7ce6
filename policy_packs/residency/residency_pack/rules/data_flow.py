"""residency-data-flow (stack policy): US user data reaches nothing that may not hold it.

Builds the stack's data-flow graph (:mod:`residency_pack.engine.dataflow`) from replication,
copy, backup, export, subscription and delivery properties, through every connector (DMS,
DataSync, GoldenGate, EventBridge, Firehose, Lambda destinations, log subscriptions, Service
Connector Hub, ...) to the place at its far end, with references resolved through identifying
values and property dependencies, and reports every resource or place that ``us-user-data`` can
reach, transitively, and may not hold it:

* a resource in a region not allowed for ``us-user-data`` (or whose region is undetermined);
* a store classified ``non-personal``/``public`` or not at all that receives user data, in any
  region: classification laundering (a Singapore bucket tagged ``non-personal`` that is a
  replication target of a user-data bucket is a violation);
* a place outside the stack in a region not allowed for user data, or of an account or
  tenancy that is not trusted (a region is not an owner), or a host outside the clouds that
  the egress allowlist does not name;
* a destination that cannot be located, or whose owner cannot be told (fail closed).

Data keeps its classification: an object or record whose body (an S3 object's ``content``, a
DynamoDB item, an OCI object's ``content``: ``copy_fields.DATA_INPUTS``) is built from an output
of a store of the stack receives a copy of that resource's data, however the
program composed the value (a property dependency), so it is judged like any other copy.

A store outside the stack that data is copied from (a read replica's source database, a
snapshot or backup copied, a DMS source endpoint's server) cannot show its classification: it
is held to ``us-user-data``.

Unknowns: a destination unknown during preview is resolved through the engine's property
dependencies; an output of a cloud resource of the stack, however composed (an API's
``apiEndpoint`` with a path appended), names that resource's own endpoint and is judged by its
region; if it is not an output of a cloud resource of the stack (a command, a random value) it
cannot be located and is a violation. A resource whose classification is unknown counts as
holding user data.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from residency_pack.engine import copy_fields, pack_config
from residency_pack.engine.classification import US_USER_DATA
from residency_pack.engine.dataflow import Breach, build_graph, user_data_breaches
from residency_pack.engine.rule import Finding, RuleSpec, StackContext, stack_policy

SPEC = RuleSpec(
    name="residency-data-flow",
    display_name="US user data flows only to allowed places",
    description=(
        "Follows replication, copy, backup, export and subscription flows across the stack and "
        "reports every path by which us-user-data reaches a resource or region not allowed for "
        "it, including stores labelled with a lesser classification."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "stop the flow, or make its destination a store classified us-user-data in a region "
        "allowed for us-user-data."
    ),
    frameworks=("residency", "gdpr-art-44", "project-texas"),
    config_properties={
        pack_config.ALLOWED_REGIONS: pack_config.allowed_regions_schema(),
        **pack_config.trust_config_properties(),
        copy_fields.DESTINATION_REGIONS: copy_fields.destination_regions_schema(),
    },
)

_FIXES = {
    "resource": (
        "keep every copy of us-user-data in a region allowed for it and classify the receiving "
        "store `us-user-data`, or remove the flow that feeds it."
    ),
    "place": (
        "point the flow at a place in a region allowed for us-user-data and in a trusted account "
        "or tenancy (trustedAccountIds / trustedTenancyOcids, or the stack's "
        "aws:allowedAccountIds / oci:tenancyOcid), or remove it. A destination that does not "
        "say where or whose it is (a bucket name, a host): create it in this stack, or have the "
        "platform team declare its region in this policy's `destinationRegions`; a host outside "
        "the clouds: have it added to `allowedEgressHosts`."
    ),
    "unresolved": (
        "create the destination in this stack, or reference it by an ARN/OCID or region field "
        "that says where and whose it is, or remove the flow."
    ),
}


def _finding(breach: Breach, path: str) -> Finding:
    return Finding(
        f"{US_USER_DATA} reaches {breach.node.label}: {breach.reason}. Path: {path}.",
        urn=breach.urn,
        fix=_FIXES.get(breach.node.kind, _FIXES["unresolved"]),
        unknown=breach.node.unknown,
    )


def _unfollowed(ctx: StackContext) -> Iterator[Finding]:
    for resource in ctx.resources:
        if copy_fields.unfollowed(resource.type):
            yield Finding(
                f"`{resource.name}` is a {resource.type}, which the type catalog says moves data, "
                "but the pack's flow catalog has no entry for it: where its data goes cannot be "
                "followed, so it fails closed.",
                urn=resource.urn,
                fix="give the type its flow fields in residency_pack/engine/copy_fields.py, or "
                "list it in engine/copy_fields_scanned.txt to follow it to every place its "
                "inputs name; until then, remove the resource or exempt it with a reason and an "
                "expiry.",
            )


def check(ctx: StackContext) -> Iterator[Finding]:
    yield from _unfollowed(ctx)
    # Tags written by tag resources are already applied (engine/tag_writes.py, by the wrapper).
    graph = build_graph(ctx.resources)
    for breach in user_data_breaches(graph, ctx.resources, ctx.config):
        yield _finding(breach, breach.describe_path(graph))


POLICY = stack_policy(SPEC, check)

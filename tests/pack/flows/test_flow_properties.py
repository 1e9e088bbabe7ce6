"""Property-based tests of the two flow rules: bags shaped along every catalog path, with
random leaves and unknowns at every level, never make them raise; and a user-data copy to any
region outside the allowed set is always reported."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from residency_pack.engine import region_catalog
from residency_pack.engine.copy_fields import COPY_FIELDS, CopyField, split_path
from residency_pack.engine.pack_config import DEFAULT_ALLOWED_REGIONS
from residency_pack.rules import data_flow, no_cross_region_copy
from residency_pack.testing import (
    UNKNOWN_ARRAY,
    UNKNOWN_OBJECT,
    UNKNOWN_STRING,
    Resource,
    analyze,
    analyze_stack,
    aws_provider,
    oci_provider,
)

from .trust import STACK_CONFIG

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LEAVES = st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=10) | st.sampled_from([
    {"snap": "yes"}, [{"type": "STRINGEQUALS", "key": "k", "value": "v"}, 3], "arn:aws:*",
    UNKNOWN_STRING, "us-east-1", "ap-southeast-1", "us-phoenix-1", "Uocm:SIN-AD-1",
    "arn:aws:s3:::b", "arn:aws:kms:eu-west-1:111122223333:key/x", "ocid1.vault.oc1.fra.x",
    "ocid1.bucket.oc1..x", "", "us-user-data",
])  # fmt: skip
TAGS = st.sampled_from([None, UNKNOWN_OBJECT, {"data-classification": "us-user-data"},
                        {"data-classification": "non-personal"}, {"data-classification": 7}])


def shaped(steps: tuple[str, ...], leaf: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Values that follow ``steps`` (``*`` a list) down to ``leaf``, with unknowns and wrong
    shapes mixed in at every level."""
    inner = leaf
    for step in reversed(steps):
        if step == "*":
            inner = st.lists(inner, max_size=2) | inner | st.just(UNKNOWN_ARRAY)
        else:
            inner = (st.fixed_dictionaries({step: inner}) | st.just(UNKNOWN_OBJECT)
                     | LEAVES)  # fmt: skip
    return inner


@st.composite
def resources(draw: st.DrawFn) -> Resource:
    entry: CopyField = draw(st.sampled_from(COPY_FIELDS))
    props: dict[str, Any] = {}
    top_level = tuple(n for n in (entry.source, entry.source_tags) if n)
    for name in (*entry.at, *entry.hints, *top_level):
        steps = split_path(name) if name in top_level else (
            split_path(entry.each) + split_path(name))  # fmt: skip
        value = draw(shaped(steps, LEAVES | st.lists(LEAVES, max_size=2)))
        if not isinstance(value, dict):
            continue
        first, existing = value.get(steps[0]), props.get(steps[0])
        if isinstance(first, dict) and isinstance(existing, dict):
            props[steps[0]] = {**existing, **first}  # two fields under one top-level object
        else:
            props.update(value)
    tags = draw(TAGS)
    if tags is not None:
        props["freeformTags" if entry.resource_type.startswith("oci:") else "tags"] = tags
    provider = aws_provider("us-east-1") if entry.resource_type.startswith("aws:") else (
        oci_provider("us-ashburn-1"))  # fmt: skip
    return Resource(entry.resource_type, "r", props, provider)


def _no_crash(diagnostics) -> None:
    for d in diagnostics:
        assert "could not evaluate" not in d.message, d.message


@FAST
@given(resources())
def test_no_bag_makes_the_copy_rule_raise(resource):
    _no_crash(analyze(no_cross_region_copy.POLICY, resource, None, STACK_CONFIG))


@FAST
@given(st.lists(resources(), min_size=1, max_size=4))
def test_no_stack_makes_the_data_flow_rule_raise(stack):
    named = [Resource(r.type, f"r{i}", r.props, r.provider) for i, r in enumerate(stack)]
    _no_crash(analyze_stack(data_flow.POLICY, named, None, STACK_CONFIG))


ALLOWED_AWS = set(DEFAULT_ALLOWED_REGIONS["us-user-data"]["aws"])
AWS_REGIONS = sorted(region_catalog.regions("aws"))


@FAST
@given(st.sampled_from(AWS_REGIONS), st.sampled_from(["replicas", "global"]))
def test_a_user_data_copy_outside_the_allowed_regions_is_always_reported(region, kind):
    if kind == "replicas":
        resource = Resource("aws:dynamodb/table:Table", "t", {
            "name": "t", "tags": {"data-classification": "us-user-data"},
            "replicas": [{"regionName": region}]}, aws_provider("us-east-1"))  # fmt: skip
    else:
        resource = Resource("aws:secretsmanager/secret:Secret", "s", {
            "tags": {"data-classification": "us-user-data"}, "replicas": [{"region": region}]},
            aws_provider("us-east-1"))  # fmt: skip
    copy_found = analyze(no_cross_region_copy.POLICY, resource, None, STACK_CONFIG)
    flow_found = analyze_stack(data_flow.POLICY, [resource], None, STACK_CONFIG)
    expected = 0 if region in ALLOWED_AWS else 1
    assert (len(copy_found), len(flow_found)) == (expected, expected)

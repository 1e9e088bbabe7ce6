"""residency-reviewed-types: custom resources and providers of unreviewed types are violations."""

import datetime

import pytest
from residency_pack.engine import type_catalog
from residency_pack.rules.reviewed_types import POLICY
from residency_pack.testing import Provider, Resource, analyze, aws_provider, oci_provider

GCP = Provider("pulumi:providers:gcp", {"region": "europe-west1"}, name="gcp-europe")


def messages(resource):
    diags = analyze(POLICY, resource)
    assert all(d.enforcement == "mandatory" for d in diags)
    return [d.message for d in diags]


@pytest.mark.parametrize(
    "resource",
    [
        Resource("aws:s3/bucket:Bucket", "content", {}, aws_provider()),
        Resource("oci:Identity/domain:Domain", "users", {}, oci_provider()),
        Resource("aws:iam/role:Role", "deployer", {}, aws_provider()),
        Resource(
            "random:index/randomPet:RandomPet",
            "name",
            {},
            Provider("pulumi:providers:random", {}, "default_4_18_0"),
        ),
        Resource("pulumi:providers:aws", "us-east", {"region": "us-east-1"}),
        Resource("pulumi:providers:oci", "default_5_5_0", {"region": "us-ashburn-1"}),
        Resource("pulumi:providers:random", "local", {}),
    ],
)
def test_reviewed_types_pass(resource):
    assert messages(resource) == []


@pytest.mark.parametrize(
    "resource",
    [
        Resource("acme:storage:UserStore", "user-store", {}),  # a component: no provider
        Resource("pulumi:pulumi:Stack", "prod-stack", {}),
    ],
)
def test_components_and_the_stack_are_not_judged(resource):
    assert type_catalog.entry(resource.type) is None or resource.type == "pulumi:pulumi:Stack"
    assert messages(resource) == []


def test_an_unreviewed_aws_type_is_a_violation_with_how_to_classify_it():
    [message] = messages(
        Resource("aws:s3/quantumBucket:QuantumBucket", "archive", {}, aws_provider())
    )
    assert (
        "`archive` is of type `aws:s3/quantumBucket:QuantumBucket`, which has no entry in the "
        "pack's type catalog: the pack cannot tell whether it stores, moves or exposes data, "
        "so it is treated as data-bearing."
    ) in message
    assert "Fix: run `uv run python scripts/generate_type_catalog.py`" in message
    assert "policy_packs/residency/residency_pack/engine/catalog/aws.json" in message
    for role in type_catalog.ROLES:
        assert role in message
    assert "delete its `unreviewed` marker" in message


def test_a_custom_resource_of_another_package_is_a_violation():
    [message] = messages(Resource("gcp:storage/bucket:Bucket", "eu-bucket", {}, GCP))
    assert "`gcp:storage/bucket:Bucket`, which has no entry" in message
    assert "treated as data-bearing" not in message  # not an AWS/OCI type
    assert "add a line for `gcp:storage/bucket:Bucket` to " in message
    assert "residency_pack/engine/catalog/other.json" in message


def test_a_remote_component_comes_with_its_provider_and_is_judged():
    sites = Provider("pulumi:providers:acme", {}, name="acme-sites")
    [message] = messages(Resource("acme:index:Website", "marketing-site", {}, sites))
    assert "`acme:index:Website`, which has no entry" in message


def test_a_provider_of_an_unreviewed_package_is_a_violation():
    [message] = messages(Resource("pulumi:providers:gcp", "gcp-europe", {"region": "eu"}))
    assert (
        "Provider `gcp-europe` is of type `pulumi:providers:gcp`, which has no entry in the "
        "pack's type catalog: nobody has reviewed what the resources of package `gcp` do with "
        "data."
    ) in message
    assert "add a line for `pulumi:providers:gcp` to " in message
    assert "catalog/other.json" in message


def test_an_unreviewed_proposal_is_a_violation_that_shows_the_proposal(monkeypatch):
    token = "aws:mq/broker:Broker"
    monkeypatch.setitem(
        type_catalog._ROWS,
        token,
        {"role": "stores-data", "reason": "proposed from its name", "unreviewed": True},
    )
    monkeypatch.delitem(type_catalog._ROLES, token)
    monkeypatch.setattr(type_catalog, "_ENTRIES", {})  # entries built meanwhile are dropped after
    [message] = messages(Resource(token, "events", {}, aws_provider()))
    assert (
        "which has only an unreviewed proposal in the pack's type catalog (`stores-data`: "
        "proposed from its name)"
    ) in message


def test_an_exemption_lets_a_known_unreviewed_type_pass():
    resource = Resource("gcp:storage/bucket:Bucket", "eu-bucket", {}, GCP)
    exemption = {
        "policy": "residency-reviewed-types",
        "urn": resource.resource_urn(),
        "reason": "migration off GCP, reviewed by the platform team",
        "expires": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
    }
    config = {"residency-reviewed-types": {"exemptions": [exemption]}}
    [note] = analyze(POLICY, resource, config)
    assert note.enforcement == "advisory" and "migration off GCP" in note.message

"""A part without a classification of its own (a cluster instance) inherits its cluster's."""

from __future__ import annotations

from residency_pack.engine import inheritance
from residency_pack.engine.effective_region import EffectiveRegion
from residency_pack.engine.props import UNKNOWN
from residency_pack.engine.rule import StackResource

US = EffectiveRegion("aws", "us-east-1", "test", regions=("us-east-1",))
CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"


def resource(type_: str, name: str, props: dict, classification=None, deps=None) -> StackResource:
    return StackResource(
        type=type_, name=name, urn=f"urn:{name}", props=props, provider_inputs={}, protect=False,
        config={}, region=US, classification=classification,
        property_dependencies=deps or {},
    )  # fmt: skip


def classes(resources: list[StackResource]) -> dict[str, object]:
    return {r.name: r.classification for r in inheritance.inherited(resources)}


def test_an_unlabelled_instance_takes_its_clusters_label_by_dependency_or_identifier():
    cluster = resource(CLUSTER, "users", {"clusterIdentifier": "users"}, "us-user-data")
    by_dep = resource(INSTANCE, "i1", {"clusterIdentifier": UNKNOWN},
                      deps={"clusterIdentifier": ("urn:users",)})  # fmt: skip
    by_name = resource(INSTANCE, "i2", {"clusterIdentifier": "users"})
    assert classes([cluster, by_dep, by_name]) == {
        "users": "us-user-data", "i1": "us-user-data", "i2": "us-user-data"}  # fmt: skip


def test_an_own_label_wins_and_nothing_outside_the_stack_or_of_another_type_is_inherited():
    cluster = resource(CLUSTER, "users", {"clusterIdentifier": "users"}, "us-user-data")
    own = resource(INSTANCE, "own", {"clusterIdentifier": "users"}, "non-personal")
    outside = resource(INSTANCE, "outside", {"clusterIdentifier": "elsewhere"})
    bucket = resource("aws:s3/bucket:Bucket", "users-bucket", {"bucket": "users"}, "public")
    wrong = resource(INSTANCE, "wrong", {"clusterIdentifier": UNKNOWN},
                     deps={"clusterIdentifier": ("urn:users-bucket",)})  # fmt: skip
    found = classes([cluster, own, outside, bucket, wrong])
    assert (found["own"], found["outside"], found["wrong"]) == ("non-personal", None, None)
    assert not inheritance.names_parent(INSTANCE, {}) and not inheritance.inherits(CLUSTER)

"""Analytics stores of a reporting team: which carry a known `data-classification` tag.

The classified stores hold `non-personal` data, so only the classification rules have a say
about them; a store that is not classified is held to `us-user-data` by the other rules too.
"""

import pulumi
import pulumi_aws as aws
import pulumi_oci as oci

compartment = "ocid1.compartment.oc1..aaaaaaaafixturecompartment"
namespace = "fixturens"

virginia = aws.Provider("virginia", region="us-east-1", allowed_account_ids=["111111111111"])
on_virginia = pulumi.ResourceOptions(provider=virginia)

# ok: residency-classification-required
aws.s3.Bucket(
    "report-exports",
    tags={"data-classification": "non-personal", "team": "reporting"},
    opts=on_virginia,
)

# The provider's default tags are merged into every resource's tags, so they classify too.
# ok: residency-region-allowlist
tagged = aws.Provider(
    "virginia-reporting",
    region="us-east-1",
    allowed_account_ids=["111111111111"],
    default_tags={"tags": {"data-classification": "non-personal"}},
)

# ok: residency-classification-required
aws.sqs.Queue("report-jobs", opts=pulumi.ResourceOptions(provider=tagged))

# violation: residency-classification-required
# violation: residency-key-locality
# violation: residency-public-access-block
untagged = aws.s3.Bucket("scratch", opts=on_virginia)

# violation: residency-classification-required
# violation: residency-key-locality
aws.dynamodb.Table(
    "report-index",
    hash_key="id",
    attributes=[{"name": "id", "type": "S"}],
    billing_mode="PAY_PER_REQUEST",
    tags={"data-classification": "internal"},
    opts=on_virginia,
)

# A tag copied from another resource's computed output is unknown in preview: the residency of
# the store cannot be decided from it.
# violation: residency-classification-required
# violation: residency-key-locality
# violation: residency-user-data-protected
aws.sqs.Queue(
    "scratch-events",
    tags=untagged.tags_all.apply(lambda tags: {"data-classification": tags["data-classification"]}),
    opts=on_virginia,
)


# A type that the pack's catalog has not reviewed yet (a newer provider than the
# pack was written for) is treated as data-bearing: fail closed.
class VectorArchive(pulumi.CustomResource):
    def __init__(self, name: str, bucket_name: str, opts: pulumi.ResourceOptions) -> None:
        super().__init__(
            "aws:s3/vectorArchive:VectorArchive", name, {"bucketName": bucket_name}, opts
        )


# violation: residency-classification-required
# violation: residency-reviewed-types
# violation: residency-named-places
VectorArchive("embeddings-archive", bucket_name="embeddings-archive", opts=on_virginia)

# Not data-bearing: no tag needed.
# ok: residency-classification-required
aws.ec2.SecurityGroup("reporting", description="reporting workers", opts=on_virginia)

# ok: residency-classification-required
oci.objectstorage.Bucket(
    "dashboards",
    compartment_id=compartment,
    namespace=namespace,
    name="dashboards",
    access_type="NoPublicAccess",
    freeform_tags={"data-classification": "non-personal"},
)

# On OCI the classification is a free-form tag; a defined tag does not count.
# violation: residency-classification-required
oci.logging.LogGroup(
    "reporting-logs",
    compartment_id=compartment,
    display_name="reporting-logs",
    defined_tags={"Governance.data-classification": "non-personal"},
)

# An Oracle database created in an existing DB home keeps its tags in `database.freeformTags`
# (it has no top-level tags): the classification is read there.
# ok: residency-classification-required
oci.database.Database(
    "report-warehouse",
    db_home_id="ocid1.dbhome.oc1.iad.aaaaaaaafixturedbhome",
    source="NONE",
    database={
        "admin_password": "Fixture-Passw0rd#",
        "db_name": "reports",
        "freeform_tags": {"data-classification": "non-personal"},
    },
)

# violation: residency-classification-required
oci.database.Database(
    "report-scratch",
    db_home_id="ocid1.dbhome.oc1.iad.aaaaaaaafixturedbhome",
    source="NONE",
    database={"admin_password": "Fixture-Passw0rd#", "db_name": "scratch"},
)

# An access point stores nothing: the data stays in its bucket, which carries the classification
# (the "delegate access control to access points" pattern does not tag access points).
# ok: residency-classification-required
aws.s3.AccessPoint("scratch-reader", bucket=untagged.id, opts=on_virginia)

# An Aurora instance holds its cluster's data: without a tag of its own it inherits the label of
# the cluster of the stack it names.
# ok: residency-classification-required
reports_cluster = aws.rds.Cluster(
    "reports-aurora",
    engine="aurora-postgresql",
    master_username="reporter",
    manage_master_user_password=True,
    storage_encrypted=True,
    skip_final_snapshot=True,
    tags={"data-classification": "non-personal"},
    opts=on_virginia,
)
# ok: residency-classification-required
aws.rds.ClusterInstance(
    "reports-aurora-1",
    cluster_identifier=reports_cluster.id,
    instance_class="db.r6g.large",
    engine="aurora-postgresql",
    publicly_accessible=False,
    opts=on_virginia,
)

# An untagged instance of a cluster this stack does not declare has nothing to inherit.
# violation: residency-classification-required
aws.rds.ClusterInstance(
    "borrowed-aurora-1",
    cluster_identifier="someone-elses-cluster",
    instance_class="db.r6g.large",
    engine="aurora-postgresql",
    publicly_accessible=False,
    opts=on_virginia,
)

# A key that differs from `data-classification` only in case is another tag (keys are
# case-sensitive): the pack would read the provider's default `non-personal` here while the
# author meant `us-user-data`. The label is ambiguous, so it fails closed.
# violation: residency-classification-required
aws.sqs.Queue(
    "report-user-exports",
    tags={"Data-Classification": "us-user-data"},
    opts=pulumi.ResourceOptions(provider=tagged),
)

# A tag resource writes one key onto another resource: a case variant there is the same
# ambiguous label on the volume it relabels.
# violation: residency-classification-required
aws.ec2.Tag("relabel-case-variant", resource_id="vol-0fixture0000000001",
            key="Data-Classification", value="non-personal")  # fmt: skip
# ok: residency-classification-required
aws.ec2.Tag("tag-owner", resource_id="vol-0fixture0000000001", key="owner",
            value="platform")  # fmt: skip

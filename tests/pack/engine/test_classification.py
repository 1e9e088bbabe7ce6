from residency_pack.engine.classification import CLASSIFICATION_TAG as TAG
from residency_pack.engine.classification import classification_of, tag_field
from residency_pack.engine.props import UNKNOWN


def test_aws_reads_tags_and_oci_reads_freeform_tags():
    assert (
        classification_of("aws:s3/bucket:Bucket", {"tags": {"data-classification": "public"}})
        == "public"
    )
    assert (
        classification_of(
            "oci:ObjectStorage/bucket:Bucket",
            {"freeformTags": {"data-classification": "us-user-data"}},
        )
        == "us-user-data"
    )
    # The wrong field for the cloud does not count.
    assert (
        classification_of(
            "oci:ObjectStorage/bucket:Bucket", {"tags": {"data-classification": "public"}}
        )
        is None
    )
    assert (
        classification_of(
            "aws:s3/bucket:Bucket", {"freeformTags": {"data-classification": "public"}}
        )
        is None
    )


def test_missing_and_unknown():
    assert classification_of("aws:s3/bucket:Bucket", {}) is None
    assert classification_of("aws:s3/bucket:Bucket", {"tags": UNKNOWN}) is UNKNOWN
    assert (
        classification_of("aws:s3/bucket:Bucket", {"tags": {"data-classification": UNKNOWN}})
        is UNKNOWN
    )
    assert classification_of("aws:s3/bucket:Bucket", {"tags": "not-a-map"}) is None


def test_provider_default_tags_arrive_json_encoded():
    # pulumi_aws.Provider sends `defaultTags` through pulumi.runtime.to_json, and a default
    # provider gets stack config the same way: the engine passes a JSON string, not an object.
    from residency_pack.engine.classification import classification_with_provider_defaults

    encoded = {"region": "us-east-1", "defaultTags": '{"tags":{"data-classification":"public"}}'}
    assert classification_with_provider_defaults("aws:sqs/queue:Queue", {}, encoded) == "public"
    own = {"tags": {"data-classification": "non-personal"}}
    assert classification_with_provider_defaults("aws:sqs/queue:Queue", own, encoded) == (
        "non-personal"
    )
    assert classification_with_provider_defaults(
        "aws:sqs/queue:Queue", {}, {"defaultTags": "{not json"}
    ) is None


OCI_DATABASE = "oci:Database/database:Database"


def test_tags_are_read_where_the_type_keeps_them():
    # oci:Database/database:Database has no top-level freeformTags: they sit in `database`.
    props = {"dbHomeId": "ocid1.dbhome", "database": {"freeformTags": {TAG: "us-user-data"}}}
    assert classification_of(OCI_DATABASE, props) == "us-user-data"
    assert tag_field(OCI_DATABASE) == "database.freeformTags"
    assert classification_of(OCI_DATABASE, {"freeformTags": {TAG: "public"}}) is None
    assert classification_of(OCI_DATABASE, {"database": {"freeformTags": UNKNOWN}}) is UNKNOWN
    assert classification_of(OCI_DATABASE, {"database": UNKNOWN}) is UNKNOWN


def test_an_untaggable_type_reads_its_clouds_field():
    assert tag_field("oci:ObjectStorage/storageObject:StorageObject") == "freeformTags"
    assert tag_field("aws:dynamodb/tableItem:TableItem") == "tags"


def test_a_type_of_neither_cloud_is_read_at_either_field():
    # A component or another provider's type: the tag may sit in `tags` or `freeformTags`.
    assert classification_of("acme:index:Store", {"tags": {TAG: "public"}}) == "public"
    assert classification_of("acme:index:Store", {"freeformTags": {TAG: "public"}}) == "public"
    assert classification_of("acme:index:Store", {"labels": {TAG: "public"}}) is None


def test_a_type_the_catalog_does_not_know_is_read_at_its_clouds_field():
    # Unreviewed (e.g. added by a provider upgrade): its tags still count, so it is not
    # mistaken for an untagged resource.
    unreviewed = "aws:newservice/store:Store"
    assert classification_of(unreviewed, {"tags": {TAG: "us-user-data"}}) == "us-user-data"


def test_unknown_provider_default_tags_are_unknown():
    from residency_pack.engine.classification import classification_with_provider_defaults

    queue = "aws:sqs/queue:Queue"
    assert classification_with_provider_defaults(queue, {}, {"defaultTags": UNKNOWN}) is UNKNOWN
    unknown_value = {"defaultTags": {"tags": {TAG: UNKNOWN}}}
    assert classification_with_provider_defaults(queue, {}, unknown_value) is UNKNOWN
    untagged = {"defaultTags": {"tags": {"team": "data"}}}
    assert classification_with_provider_defaults(queue, {}, untagged) is None


def test_case_variants_of_the_key_are_found_in_own_tags_and_provider_defaults():
    from residency_pack.engine.classification import case_variant_keys

    assert case_variant_keys("aws:s3/bucket:Bucket", {"tags": {"Data-Classification": "x"}}) == [
        "Data-Classification"
    ]
    provider = {"defaultTags": '{"tags": {"DATA-CLASSIFICATION": "public"}}'}
    assert case_variant_keys("aws:sqs/queue:Queue", {}, provider) == ["DATA-CLASSIFICATION"]
    # The exact key, other keys and OCI freeform tags of the exact key are no variants.
    exact = {"freeformTags": {"data-classification": "public", "owner": "x"}}
    assert case_variant_keys("oci:Objectstorage/bucket:Bucket", exact) == []
    assert case_variant_keys("aws:s3/bucket:Bucket", {"tags": None}) == []

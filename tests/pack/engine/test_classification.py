from residency_pack.engine.classification import classification_of
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

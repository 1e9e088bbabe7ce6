"""Every type the reviewed type catalog says moves data has a flow entry: precise ones in
``copy_fields.COPY_FIELDS``, or a line in ``copy_fields_scanned.txt`` (followed to every place
its inputs name). A moves-data type without one is reported by residency-data-flow (fail
closed), and a type nobody reviewed is scanned."""

from __future__ import annotations

from typing import Any

from residency_pack.engine import copy_fields, type_catalog
from residency_pack.rules.data_flow import POLICY
from residency_pack.testing import UNKNOWN_STRING, Resource, analyze_stack, aws_provider

from .sdk_schema import token_index
from .trust import OWN_ACCOUNT, STACK_CONFIG

USER = {"data-classification": "us-user-data"}
US = aws_provider("us-east-1", name="us")


def _moves_data() -> list[str]:
    reviewed = type_catalog.reviewed_types()
    return sorted(t for t in reviewed if type_catalog.role_of(t) == "moves-data")


def test_every_moves_data_type_has_a_flow_entry():
    assert [t for t in _moves_data() if not copy_fields.fields_for(t)] == []


def test_the_scanned_list_is_reviewed_sorted_and_not_stale():
    scanned = list(copy_fields.SCANNED)
    assert scanned == sorted(set(scanned))
    assert [t for t in scanned if type_catalog.role_of(t) != "moves-data"] == []
    assert "aws:lambda/function:Function" in scanned
    clouds = [t for t in scanned if type_catalog.cloud_of(t) is not None]
    assert [t for t in clouds if t not in token_index()] == []
    # A type may have both: precise entries for what its fields say, and the scan for the
    # places its code is told about (a Lambda function's environment).


def _notification(queue_region: str) -> tuple[Resource, Resource]:
    bucket = Resource("aws:s3/bucketV2:BucketV2", "users", {"bucket": "users", "tags": USER}, US)
    notification = Resource(
        "aws:s3/bucketNotification:BucketNotification", "events",
        {"bucket": UNKNOWN_STRING, "queues": [{
            "queueArn": f"arn:aws:sqs:{queue_region}:{OWN_ACCOUNT}:uploads",
            "events": ["s3:ObjectCreated:*"]}]},
        US, property_dependencies={"bucket": [bucket.resource_urn()]},
    )  # fmt: skip
    return bucket, notification


def test_a_scanned_type_is_followed_to_every_place_its_inputs_name():
    assert "aws:s3/bucketNotification:BucketNotification" in copy_fields.SCANNED
    bucket, notification = _notification("eu-west-1")
    [d] = analyze_stack(POLICY, [bucket, notification], None, STACK_CONFIG)
    assert d.urn == notification.resource_urn() and "`eu-west-1`" in d.message
    assert "users -[delivery via events" in d.message
    assert analyze_stack(POLICY, list(_notification("us-east-1")), None, STACK_CONFIG) == []


def test_a_moves_data_type_without_a_flow_entry_fails_closed(monkeypatch):
    dropped = "aws:s3/bucketNotification:BucketNotification"
    entries = {t: e for t, e in copy_fields._by_type().items() if t != dropped}

    def without() -> dict[str, Any]:
        return entries

    monkeypatch.setattr(copy_fields, "_by_type", without)
    bucket, notification = _notification("us-east-1")
    [d] = analyze_stack(POLICY, [bucket, notification], None, STACK_CONFIG)
    assert d.urn == notification.resource_urn()
    assert "says moves data, but the pack's flow catalog has no entry for it" in d.message


def test_a_type_nobody_reviewed_is_scanned():
    made_up = Resource("aws:madeup/exporter:Exporter", "exporter", {
        "tags": USER, "target": f"arn:aws:s3:eu-west-1:{OWN_ACCOUNT}:accesspoint/x"}, US)
    assert type_catalog.role_of(made_up.type) is None
    found = analyze_stack(POLICY, [made_up], None, STACK_CONFIG)
    assert any("`eu-west-1`" in d.message for d in found)

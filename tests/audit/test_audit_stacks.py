"""``preflight audit`` over exports built from the prod blueprint's own preflight run, and over
hand-written exports of stacks in other languages."""

from __future__ import annotations

import json
from typing import Any

from .conftest import (
    MOVED_BUCKET,
    Audited,
    PreviewRun,
    findings,
    resource_entry,
)

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def test_prod_export_holds_no_unknowns(prod_export: dict[str, Any]) -> None:
    assert UNKNOWN not in json.dumps(prod_export)
    assert prod_export["version"] == 3
    assert all(
        "provider" in r
        for r in prod_export["deployment"]["resources"]
        if r["custom"] and not r["type"].startswith("pulumi:providers:")
    )


def test_audit_verdict_matches_preflight(prod_preview: PreviewRun, prod_audit: Audited) -> None:
    audit = prod_audit.stack("prod.json")
    preview = prod_preview.report
    assert audit.resources == len(prod_preview.resources)
    assert sorted((v.policy, v.urn, v.enforcement) for v in audit.violations) == sorted(
        (v.policy, v.urn, v.enforcement) for v in preview.violations
    )
    assert preview.exit_code == 0 and not audit.mandatory
    # The stack's own config (Pulumi.prod.yaml) was sent as ConfigureStack's config.
    assert audit.config_file is not None and audit.config_file.endswith("Pulumi.prod.yaml")


def test_audit_inventory_is_preflights_with_known_keys(
    prod_preview: PreviewRun, prod_audit: Audited
) -> None:
    audit = prod_audit.stack("prod.json")
    preview_stores = {r.urn: r for r in prod_preview.report.resources if r.data_store}
    assert {s.urn for s in audit.stores} == set(preview_stores)
    for store in audit.stores:
        assert store.region == preview_stores[store.urn].region
        assert store.classification == preview_stores[store.urn].classification
    bucket = next(s for s in audit.stores if s.name == MOVED_BUCKET)
    # Unknown in preview ("created in this stack"); the deployed key's ARN in the audit.
    assert bucket.key is not None and bucket.key.startswith("arn:aws:kms:us-east-1:111122223333:")
    assert bucket.account == "111122223333"
    assert audit.user_data_regions == ["us-ashburn-1", "us-east-1", "us-phoenix-1"]


def test_bucket_moved_to_eu_central_1_fails_naming_it(prod_audit: Audited) -> None:
    moved = prod_audit.stack("moved.json")
    assert moved.mandatory
    urns = {v.urn for v in moved.mandatory}
    assert all(urn.endswith(f"::{MOVED_BUCKET}") for urn in urns), urns
    assert any("eu-central-1" in v.message for v in moved.mandatory)
    assert "eu-central-1" in moved.user_data_regions


def test_foreign_account_policy_unknown_in_preview_is_decided_in_audit(
    foreign_preview: PreviewRun, fixture_audit: Audited, foreign_export: dict[str, Any]
) -> None:
    policy_urn = resource_entry(foreign_export, "user-exports-partner")["urn"]
    in_preview = [v for v in foreign_preview.report.violations if v.urn == policy_urn]
    assert [v.enforcement for v in in_preview] == ["advisory"]
    assert "during preview" in in_preview[0].message
    assert foreign_preview.report.exit_code == 0

    audit = fixture_audit.stack("foreign-policy.json")
    decided = [v for v in audit.mandatory if v.urn == policy_urn]
    assert [v.policy for v in decided] == ["residency-no-foreign-principals"]
    assert "999988887777" in decided[0].message
    assert {v.urn for v in audit.violations} == {policy_urn}


def test_typescript_stack_with_components_and_both_provider_kinds(fixture_audit: Audited) -> None:
    audit = fixture_audit.stack("typescript-app.json")
    assert (audit.project, audit.stack, audit.resources) == ("ts-orders", "prod", 9)
    assert findings(audit) == {
        ("mandatory", "residency-classification-in-region", "orders-analytics"),
        ("mandatory", "residency-key-locality", "orders-analytics"),
        ("mandatory", "residency-public-access-block", "orders-analytics"),
        ("mandatory", "residency-region-allowlist", "orders-analytics"),
        ("mandatory", "residency-region-allowlist", "ireland"),
    }
    # The stack output held encrypted is listed, and decides nothing.
    assert [(s.urn.rsplit("::", 1)[-1], s.path) for s in audit.secrets] == [
        ("ts-orders-prod", "outputs.adminPassword")
    ]
    orders = next(s for s in audit.stores if s.name == "orders-bucket")
    assert (orders.region, orders.account, orders.key) == (
        "us-east-1",
        "111122223333",
        "arn:aws:kms:us-east-1:111122223333:key/5d0c2f9a-7e31-4b8c-a1d4-2e9f6b3c0a57",
    )


def test_aws_v6_tokens_and_encrypted_secret_fail_closed(fixture_audit: Audited) -> None:
    audit = fixture_audit.stack("go-aws-v6.json")
    assert findings(audit) == {
        ("mandatory", "residency-named-places", "ledger-policy"),
        ("mandatory", "residency-no-foreign-principals", "ledger-policy"),
        # The replication's destination ARN names `ledger-mirror`, a bucket of this stack:
        # residency-data-flow follows the copy there, not no-cross-region-copy.
        ("mandatory", "residency-data-flow", "ledger-mirror"),
        # Neither provider of the export pins its account (no `allowedAccountIds`).
        ("mandatory", "residency-provider-trust", "default_6_56_0"),
        ("mandatory", "residency-provider-trust", "singapore"),
    }
    unknown = [v for v in audit.mandatory if v.urn.endswith("::ledger-policy")]
    assert all("unknown outside preview: fail closed" in v.message for v in unknown)
    assert [s.path for s in audit.secrets] == ["inputs.policy", "outputs.policy"]
    ledger = next(s for s in audit.stores if s.name == "ledger")
    assert ledger.type == "aws:s3/bucketV2:BucketV2"
    assert ledger.copies == ("ledger-mirror",)


def test_show_secrets_plaintext_is_read(fixture_audit: Audited, tmp_path: Any) -> None:
    """The same stack exported with --show-secrets: the policy is read, and it is fine."""
    from preflight.audit.reader import read_export_file

    from .conftest import FIXTURES, write_json

    doc = json.loads((FIXTURES / "go-aws-v6.json").read_text())
    policy = resource_entry(doc, "ledger-policy")
    plain = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": "arn:aws:s3:::ledger-111122223333/*",
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
            ],
        }
    )  # fmt: skip
    for where in ("inputs", "outputs"):
        policy[where]["policy"] = {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            "plaintext": json.dumps(plain),
        }
    export = read_export_file(write_json(tmp_path / "shown.json", doc))
    assert export.secrets == []
    bag = next(r for r in export.resources if r.name == "ledger-policy").properties
    assert bag.fields["policy"].struct_value.fields["value"].string_value == plain

"""The OCI quota statements parse against the grammar of Oracle's "Quota Policy Syntax", and
the grammar rejects what that page does not allow."""

from __future__ import annotations

import pytest
from blueprint.guardrails import oci_statements
from blueprint.guardrails.table import from_config

TABLE = from_config({})


def test_every_generated_quota_statement_parses() -> None:
    outside = oci_statements.regions_outside(TABLE.user_data["oci"], "oc1")
    assert outside and not set(outside) & set(TABLE.user_data["oci"])
    for family in oci_statements.DATA_QUOTA_FAMILIES:
        for statement in oci_statements.quota_statements(family, "us-user-data-prod", outside):
            oci_statements.check_quota_statement(statement)


@pytest.mark.parametrize(
    "statement",
    [
        # Oracle's own examples (quota reference pages and the syntax page)
        "Set object-storage quota storage-bytes to 10000000000 in tenancy",
        "Zero object-storage quota storage-bytes in compartment AnotherCompartment",
        "Unset object-storage quota storage-bytes in tenancy",
        "set block-storage quota volume-count to 10 in compartment MyCompartment",
        "Zero filesystem quota file-system-count in compartment MyCompartment",
        "zero compute-core quotas /standard*/ in compartment MyCompartment",
        "set compute-core quota standard-e4-core-count to 10 in compartment MyCompartment "
        "where request.region = 'us-phoenix-1'",
    ],
)
def test_documented_statements_parse(statement: str) -> None:
    oci_statements.check_quota_statement(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "zero object-storage quotas in compartment",  # no compartment name
        "zero object-storage in compartment C",  # no quota/quotas keyword
        "set object-storage quota storage-bytes in tenancy",  # set without a value
        "zero object-storage quotas in compartment C where request.region == 'x'",
        "zero object-storage quotas in compartment C where request.zone = 'x'",
        "allow object-storage quotas in tenancy",
    ],
)
def test_malformed_statements_are_rejected(statement: str) -> None:
    with pytest.raises(oci_statements.QuotaSyntaxError):
        oci_statements.check_quota_statement(statement)


def test_quota_statements_refuse_a_malformed_compartment() -> None:
    with pytest.raises(oci_statements.QuotaSyntaxError):
        oci_statements.quota_statements("object-storage", "bad name", ["eu-frankfurt-1"])


def test_iam_condition_uses_region_keys() -> None:
    assert oci_statements.region_condition(["us-ashburn-1"]) == "request.region = 'iad'"
    assert oci_statements.region_condition(["us-phoenix-1", "us-ashburn-1"]) == (
        "any {request.region = 'iad', request.region = 'phx'}"
    )
    with pytest.raises(ValueError):
        oci_statements.region_condition([])


def test_realm_is_read_from_the_tenancy() -> None:
    assert oci_statements.realm_of("ocid1.tenancy.oc1..aaaa") == "oc1"
    with pytest.raises(ValueError):
        oci_statements.realm_of("ocid1.compartment.oc1..aaaa")


def test_deny_statements_refuse_everything_outside_the_allowed_regions() -> None:
    statements = oci_statements.deny_statements(
        "us-user-data-prod", ["us-ashburn-1", "us-phoenix-1"]
    )
    assert len(statements) == len(oci_statements.DATA_IAM_FAMILIES)
    for statement in statements:
        assert statement.startswith("deny any-user to manage ")
        assert statement.endswith(
            "in compartment us-user-data-prod where "
            "all {request.region != 'iad', request.region != 'phx'}"
        )
    [single] = oci_statements.deny_statements("c", ["us-ashburn-1"])[:1]
    assert single.endswith("where request.region != 'iad'")

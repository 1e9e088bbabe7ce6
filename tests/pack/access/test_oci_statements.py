"""Table-driven tests of the OCI cross-tenancy statement reader (engine/oci_statements.py)."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy
from residency_pack.engine.oci_statements import Kind, foreign_tenancy_grants
from residency_pack.engine.props import get

OURS = "ocid1.tenancy.oc1..aaaaaaaaours"
PARTNER = "ocid1.tenancy.oc1..aaaaaaaapartner"  # trusted through pack config in these tests
THEIRS = "ocid1.tenancy.oc1..aaaaaaaatheirs"
TRUSTED = [OURS, PARTNER]

CASES: list[tuple[str, list[Any], list[Kind]]] = [
    ("plain-allow", ["Allow group Admins to manage all-resources in tenancy"], []),
    ("deny", ["Deny group Interns to manage buckets in tenancy"], []),
    ("define-group-is-not-a-tenancy", ["Define group Ops as ocid1.group.oc1..aaaa"], []),
    ("define-trusted", [f"Define tenancy Partner as {PARTNER}"], []),
    ("define-foreign", [f"Define tenancy Acme as {THEIRS}"], [Kind.FOREIGN_TENANCY]),
    ("define-foreign-lower-case", [f"define tenancy acme as {THEIRS}"], [Kind.FOREIGN_TENANCY]),
    (
        "define-foreign-upper-case",
        [f"DEFINE TENANCY ACME AS {THEIRS.upper()}"],
        [Kind.FOREIGN_TENANCY],
    ),
    ("define-trusted-mixed-case", [f"DeFiNe TeNaNcY Partner As {PARTNER.upper()}"], []),
    ("define-unparseable", ["Define tenancy Acme"], [Kind.UNPARSEABLE]),
    (
        "endorse-to-trusted-alias",
        [
            f"Define tenancy Partner as {PARTNER}",
            "Endorse group Ops to manage objects in tenancy Partner",
        ],
        [],
    ),
    (
        "endorse-to-foreign-alias",
        [
            f"Define tenancy Acme as {THEIRS}",
            "Endorse group Ops to manage objects in tenancy Acme",
        ],
        [Kind.FOREIGN_TENANCY, Kind.FOREIGN_TENANCY],
    ),
    (
        "endorse-alias-case-insensitive",
        [
            f"define tenancy PARTNER as {PARTNER}",
            "ENDORSE GROUP Ops TO READ objects IN TENANCY partner",
        ],
        [],
    ),
    (
        "endorse-undefined-alias",
        ["Endorse group Ops to manage objects in tenancy Nowhere"],
        [Kind.UNDEFINED_ALIAS],
    ),
    (
        "endorse-any-tenancy",
        ["Endorse group Ops to read objects in any-tenancy"],
        [Kind.ANY_TENANCY],
    ),
    (
        "admit-from-foreign",
        [
            f"Define tenancy Acme as {THEIRS}",
            "Admit group Auditors of tenancy Acme to read object-family in tenancy",
        ],
        [Kind.FOREIGN_TENANCY, Kind.FOREIGN_TENANCY],
    ),
    (
        "admit-from-trusted-into-own-compartment",
        [
            f"Define tenancy Partner as {PARTNER}",
            "Admit group Auditors of tenancy Partner to read buckets in compartment Shared",
        ],
        [],
    ),
    (
        "admit-any-user-from-foreign",
        [
            f"define tenancy acme as {THEIRS}",
            "admit any-user of tenancy acme to manage objects in tenancy where request.user.id='x'",
        ],
        [Kind.FOREIGN_TENANCY, Kind.FOREIGN_TENANCY],
    ),
    (
        "admit-with-where-clause-naming-tenancy-is-read-before-where",
        [
            f"Define tenancy Partner as {PARTNER}",
            "Admit group A of tenancy Partner to read objects in tenancy where "
            "target.bucket.name = 'in tenancy Acme'",
        ],
        [],
    ),
    (
        "endorse-associate-with-second-tenancy",
        [
            f"Define tenancy Partner as {PARTNER}",
            f"Define tenancy Acme as {THEIRS}",
            "Endorse group NetAdmins to associate local-peering-gateways in compartment Net "
            "with local-peering-gateways in tenancy Acme",
        ],
        [Kind.FOREIGN_TENANCY, Kind.FOREIGN_TENANCY],
    ),
    (
        "endorse-by-ocid",
        [f"Endorse group Ops to read objects in tenancy {THEIRS}"],
        [Kind.FOREIGN_TENANCY],
    ),
    ("endorse-names-no-tenancy", ["Endorse group Ops to read objects"], [Kind.UNPARSEABLE]),
    ("non-string-statement", [42], [Kind.UNPARSEABLE]),
    # any-user / any-group: every principal of the tenancy, unless the where clause pins it.
    ("any-user-no-where", ["Allow any-user to read objects in tenancy"], [Kind.ANY_PRINCIPAL]),
    ("any-group-no-where", ["allow ANY-GROUP to read buckets in tenancy"], [Kind.ANY_PRINCIPAL]),
    (
        "any-user-target-pin-only",
        ["Allow any-user to read objects in tenancy where target.bucket.name = 'user-content'"],
        [Kind.ANY_PRINCIPAL],
    ),
    (
        "any-user-principal-type-pin",
        [
            "Allow any-user to manage objects in compartment logs where "
            "request.principal.type='serviceconnector'"
        ],
        [],
    ),
    (
        "any-user-all-with-one-principal-pin",
        [
            "Allow any-user to use functions-family in compartment apps where ALL "
            "{request.principal.type = 'ApiGateway', "
            "request.resource.compartment.id = 'ocid1.compartment.oc1..aaaa'}"
        ],
        [],
    ),
    (
        "any-user-any-with-one-loose-branch",
        [
            "Allow any-user to read objects in tenancy where any "
            "{request.principal.id = 'ocid1.instance.oc1..a', target.bucket.name = 'x'}"
        ],
        [Kind.ANY_PRINCIPAL],
    ),
    (
        "any-user-principal-pattern",
        ["Allow any-user to read objects in tenancy where request.principal.id = /ocid1.*/"],
        [Kind.ANY_PRINCIPAL],
    ),
    (
        "any-user-principal-not-equal",
        ["Allow any-user to read objects in tenancy where request.principal.type != 'x'"],
        [Kind.ANY_PRINCIPAL],
    ),
    (
        "any-user-foreign-compartment-tenancy",
        [
            "Allow any-user to read objects in tenancy where "
            f"request.principal.compartment.id = '{THEIRS}'"
        ],
        [Kind.ANY_PRINCIPAL],
    ),
    (
        "any-user-own-compartment-tenancy",
        [
            "Allow any-user to read objects in tenancy where "
            f"request.principal.compartment.id = '{OURS}'"
        ],
        [],
    ),
    ("named-group-is-not-any", ["Allow group any-users to read objects in tenancy"], []),
]


@pytest.mark.parametrize(
    ("statements", "expected"), [(s, e) for _, s, e in CASES], ids=[c[0] for c in CASES]
)
def test_statements(statements: list[Any], expected: list[Kind]) -> None:
    assert [f.kind for f in foreign_tenancy_grants(statements, TRUSTED)] == expected


def test_only_the_provider_tenancy_trusted_makes_a_partner_foreign() -> None:
    findings = foreign_tenancy_grants([f"Define tenancy Partner as {PARTNER}"], [OURS])
    assert [f.kind for f in findings] == [Kind.FOREIGN_TENANCY]
    assert PARTNER in findings[0].message and "statement #1" in findings[0].message


def test_empty_and_absent_statements_grant_nothing() -> None:
    assert foreign_tenancy_grants(None, TRUSTED) == []
    assert foreign_tenancy_grants([], TRUSTED) == []


UNKNOWN_CASES: list[tuple[str, Any, list[Kind]]] = [
    ("whole-list", UNKNOWN_STRING_VALUE, [Kind.UNKNOWN]),
    (
        "one-statement",
        ["Allow group A to read buckets in tenancy", UNKNOWN_STRING_VALUE],
        [Kind.UNKNOWN],
    ),
    # The unknown statement may be the define the endorse relies on: reported once, as unknown.
    (
        "unknown-next-to-undefined-alias",
        [UNKNOWN_STRING_VALUE, "Endorse group Ops to read objects in tenancy Partner"],
        [Kind.UNKNOWN],
    ),
    # A known foreign define stays a violation whatever else is unknown.
    (
        "known-foreign-next-to-unknown",
        [UNKNOWN_STRING_VALUE, f"Define tenancy Acme as {THEIRS}"],
        [Kind.UNKNOWN, Kind.FOREIGN_TENANCY],
    ),
]


@pytest.mark.parametrize(
    ("statements", "expected"),
    [(s, e) for _, s, e in UNKNOWN_CASES],
    ids=[c[0] for c in UNKNOWN_CASES],
)
def test_unknown_statements(statements: Any, expected: list[Kind]) -> None:
    wrapped = unknown_checking_proxy({"statements": statements})
    assert [f.kind for f in foreign_tenancy_grants(get(wrapped, "statements"), TRUSTED)] == expected

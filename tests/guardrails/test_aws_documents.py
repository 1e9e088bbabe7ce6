"""The guardrails' IAM documents say what we think: valid for parliament and policyuniverse,
and, evaluated on sample requests, the region deny lets exactly the table's regions through.

No maintained offline IAM policy evaluator is published on PyPI (policyglass and iamspy have had
no release since 2022; iam-policy-validator checks syntax against AWS's online service
reference, it does not evaluate requests), so :func:`denies` is a small evaluator for only what
these documents use: Action/NotAction with `*` wildcards, Resource `*`, and the condition
operators StringNotEquals, StringNotEqualsIfExists, ArnNotLike, Bool, BoolIfExists and Null, as
the IAM reference defines them (reference_policies_elements_condition_operators.html); any other
operator raises, so the evaluator cannot silently pass what it does not understand.
"""

from __future__ import annotations

import importlib.resources
import json
import sys
import types
from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

import botocore.loaders
import pytest
from blueprint.guardrails import aws_documents
from blueprint.guardrails.table import from_config
from policyuniverse.policy import Policy as UniversePolicy

TABLE = from_config({})
ALLOWED = TABLE.anywhere["aws"]
ORG = "o-exampleorg01"
SCP = aws_documents.service_control_policy(ALLOWED)
RCP = aws_documents.resource_control_policy(ALLOWED, ORG)


def commercial_regions() -> list[str]:
    """Every region of the commercial partition (`aws`), from botocore's endpoint catalog."""
    endpoints = botocore.loaders.create_loader().load_data("endpoints")
    (aws,) = [p for p in endpoints["partitions"] if p["partition"] == "aws"]
    return sorted(aws["regions"])


# --- a small evaluator, for the operators these documents use -------------------------------


def _values(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _condition_holds(operator: str, key: str, expected: Any, context: Mapping[str, str]) -> bool:
    wanted = _values(expected)
    present = key in context
    actual = context.get(key)
    if operator == "Null":
        return (not present) == (wanted[0].lower() == "true")
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    if not present:
        # A missing key: `...IfExists` holds; a negated operator holds; others do not.
        return if_exists or base.startswith(("StringNot", "ArnNot"))
    assert actual is not None
    if base == "StringNotEquals":
        return actual not in wanted
    if base == "StringEquals":
        return actual in wanted
    if base == "ArnNotLike":
        return not any(fnmatchcase(actual, pattern) for pattern in wanted)
    if base == "Bool":
        return actual.lower() == wanted[0].lower()
    raise NotImplementedError(f"operator {operator} is not implemented by this evaluator")


def _action_matches(patterns: Sequence[str], action: str) -> bool:
    return any(fnmatchcase(action.lower(), p.lower()) for p in patterns)


def denies(document: Mapping[str, Any], action: str, context: Mapping[str, str]) -> list[str]:
    """The Sids of the Deny statements of ``document`` that deny ``action`` on ``Resource: *``
    with the request context ``context``."""
    sids = []
    for statement in document["Statement"]:
        assert statement["Effect"] == "Deny"
        assert statement["Resource"] == "*"
        if "NotAction" in statement:
            applies = not _action_matches(_values(statement["NotAction"]), action)
        else:
            applies = _action_matches(_values(statement["Action"]), action)
        conditions = statement.get("Condition", {})
        if applies and all(
            _condition_holds(op, key, expected, context)
            for op, pairs in conditions.items()
            for key, expected in pairs.items()
        ):
            sids.append(statement["Sid"])
    return sids


def _request(region: str, **extra: str) -> dict[str, str]:
    return {
        "aws:RequestedRegion": region,
        "aws:PrincipalARN": "arn:aws:iam::111122223333:role/deployer",
        **extra,
    }


# --- the evaluator itself can fail ---------------------------------------------------------


def test_evaluator_rejects_an_operator_it_does_not_know() -> None:
    document = {
        "Statement": [
            {"Sid": "X", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}
        ]
    }  # fmt: skip
    with pytest.raises(NotImplementedError):
        denies(document, "s3:GetObject", {"aws:SourceIp": "10.0.0.1"})


# --- the region deny -----------------------------------------------------------------------


def test_botocore_catalog_is_the_commercial_partition() -> None:
    regions = commercial_regions()
    assert "us-east-1" in regions and "eu-central-1" in regions
    assert not [r for r in regions if r.startswith(("us-gov-", "cn-"))]


@pytest.mark.parametrize("region", ALLOWED)
def test_each_allowed_region_is_not_denied(region: str) -> None:
    for action in ("s3:CreateBucket", "ec2:RunInstances", "dynamodb:CreateTable"):
        assert aws_documents.SID_REGION_DENY not in denies(SCP, action, _request(region))


def test_every_other_commercial_region_is_denied() -> None:
    others = [r for r in commercial_regions() if r not in ALLOWED]
    assert len(others) > 20
    for region in others:
        for action in ("s3:CreateBucket", "ec2:RunInstances", "rds:CreateDBInstance"):
            assert aws_documents.SID_REGION_DENY in denies(SCP, action, _request(region)), (
                region,
                action,
            )


@pytest.mark.parametrize("exempt", aws_documents.CONTROL_TOWER_EXEMPT_ACTIONS)
def test_global_services_are_exempt(exempt: str) -> None:
    action = exempt.replace("*", "ListThings")  # a concrete action the entry covers
    outside = next(r for r in commercial_regions() if r not in ALLOWED)
    assert aws_documents.SID_REGION_DENY not in denies(SCP, action, _request(outside))


def test_control_tower_execution_role_is_exempt_from_the_region_deny() -> None:
    context = _request("eu-central-1")
    context["aws:PrincipalARN"] = "arn:aws:iam::111122223333:role/AWSControlTowerExecution"
    assert aws_documents.SID_REGION_DENY not in denies(SCP, "ec2:RunInstances", context)


@pytest.mark.parametrize("action", aws_documents.REGION_OPT_IN_ACTIONS)
def test_region_opt_in_is_denied_everywhere(action: str) -> None:
    for region in (*ALLOWED, "eu-central-1"):
        assert aws_documents.SID_REGION_OPT_IN in denies(SCP, action, _request(region))


def test_s3_replication_is_denied_in_every_region() -> None:
    for region in commercial_regions():
        sids = denies(SCP, "s3:PutReplicationConfiguration", _request(region))
        assert aws_documents.SID_REPLICATION in sids


# --- the RCP -------------------------------------------------------------------------------


def test_rcp_denies_principals_outside_the_organization() -> None:
    outsider = _request("us-east-1", **{"aws:PrincipalOrgID": "o-someoneelse1"})
    insider = _request("us-east-1", **{"aws:PrincipalOrgID": ORG})
    for action in ("s3:GetObject", "kms:Decrypt", "secretsmanager:GetSecretValue",
                   "sqs:ReceiveMessage", "sts:AssumeRole"):  # fmt: skip
        assert aws_documents.SID_ORG_IDENTITIES in denies(RCP, action, outsider), action
        assert denies(RCP, action, insider) == [], action


def test_rcp_lets_service_principals_through_for_the_organization_only() -> None:
    service = {"aws:RequestedRegion": "us-east-1", "aws:PrincipalIsAWSService": "true"}
    ours = {**service, "aws:SourceAccount": "111122223333", "aws:SourceOrgID": ORG}
    theirs = {**service, "aws:SourceAccount": "444455556666", "aws:SourceOrgID": "o-other00001"}
    assert denies(RCP, "s3:PutObject", ours) == []
    assert denies(RCP, "s3:PutObject", service) == []  # no source account: not a deputy
    assert aws_documents.SID_CONFUSED_DEPUTY in denies(RCP, "s3:PutObject", theirs)


def test_rcp_denies_user_data_services_outside_the_table_to_everyone() -> None:
    insider = {"aws:PrincipalOrgID": ORG}
    for region in commercial_regions():
        sids = denies(RCP, "s3:GetObject", _request(region, **insider))
        assert (aws_documents.SID_DATA_REGIONS in sids) == (region not in ALLOWED), region
    # STS is global (its global endpoint answers as us-east-1): not region-limited.
    assert denies(RCP, "sts:AssumeRole", _request("eu-central-1", **insider)) == []


def test_rcp_uses_only_what_rcps_support() -> None:
    for statement in RCP["Statement"]:
        assert statement["Effect"] == "Deny" and statement["Principal"] == "*"
        assert "NotAction" not in statement and "NotPrincipal" not in statement
        services = {a.split(":")[0] for a in statement["Action"]}
        assert services <= {"s3", "kms", "secretsmanager", "sqs", "sts"}


# --- linters -------------------------------------------------------------------------------


def _parliament() -> types.ModuleType:
    """parliament 1.6.4 (the latest release) still imports ``pkg_resources``, which setuptools
    81+ no longer ships; it only calls ``resource_filename`` for its own data files, so give it
    that one function, read through importlib.resources."""
    if "pkg_resources" not in sys.modules:
        shim = types.ModuleType("pkg_resources")
        shim.resource_filename = lambda package, name: str(  # type: ignore[attr-defined]
            importlib.resources.files(package) / name
        )
        sys.modules["pkg_resources"] = shim
    import parliament

    return parliament


def _parliament_findings(document: Mapping[str, Any]) -> list[tuple[str, Any]]:
    parliament = _parliament()
    policy = parliament.analyze_policy_string(json.dumps(document))
    return [(f.issue, f.detail) for f in policy.findings]


def test_parliament_finds_nothing_in_the_scp() -> None:
    assert _parliament_findings(SCP) == []


def test_parliament_finds_nothing_in_the_rcp() -> None:
    # parliament audits identity policies; the RCP's `Principal` is the resource-policy form.
    findings = _parliament_findings({**RCP, "Statement": [
        {k: v for k, v in s.items() if k != "Principal"} for s in RCP["Statement"]
    ]})  # fmt: skip
    # parliament's bundled key list predates the global key aws:SourceOrgID (IAM User Guide,
    # "AWS global condition context keys"), which AWS's confused-deputy RCP uses; that is its
    # only complaint, and it must stay the only one.
    unknown_source_org = [
        (issue, detail) for issue, detail in findings
        if issue == "UNKNOWN_CONDITION_FOR_ACTION" and "aws:SourceOrgID" in str(detail)
    ]  # fmt: skip
    assert unknown_source_org
    assert [f for f in findings if f not in unknown_source_org] == []


def test_parliament_can_fail() -> None:
    broken = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "s3:PutReplicationConfig", "Resource": "*"}],
    }
    assert [issue for issue, _ in _parliament_findings(broken)] == ["UNKNOWN_ACTION"]


def test_policyuniverse_reads_the_actions_we_meant() -> None:
    replication = UniversePolicy({"Version": "2012-10-17", "Statement": [SCP["Statement"][2]]})
    assert "s3:putreplicationconfiguration" in replication.statements[0].actions_expanded
    opt_in = UniversePolicy({"Version": "2012-10-17", "Statement": [SCP["Statement"][1]]})
    assert {"account:enableregion", "account:disableregion"} <= set(
        opt_in.statements[0].actions_expanded
    )
    # The region deny covers every action but Control Tower's exemptions (policyuniverse
    # expands NotAction against its own catalog of actions).
    region_deny = UniversePolicy({"Version": "2012-10-17", "Statement": [SCP["Statement"][0]]})
    denied = set(region_deny.statements[0].actions_expanded)
    assert {"s3:createbucket", "s3:putreplicationconfiguration", "ec2:runinstances",
            "rds:createdbinstance", "dynamodb:createtable"} <= denied  # fmt: skip
    assert not {"iam:createrole", "sts:assumerole", "organizations:listaccounts",
                "s3:listallmybuckets"} & denied  # fmt: skip
    perimeter = UniversePolicy(RCP)
    expanded = set().union(*(s.actions_expanded for s in perimeter.statements))
    assert {"s3:getobject", "kms:decrypt", "sqs:sendmessage",
            "secretsmanager:getsecretvalue", "sts:assumerole"} <= expanded  # fmt: skip
    # Deny statements only: the RCP lets no principal in by itself.
    assert perimeter.whos_allowed() == set()
    assert not perimeter.is_internet_accessible()

"""InvokeResolver: fixtures first, then built-ins, else a precise UnansweredInvokeError."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest
from pulumi.output import Unknown

from preflight.invokes import (
    BUILTINS,
    FixtureFileError,
    InvokeResolver,
    InvokeResultUnknown,
    UnansweredInvokeError,
)
from preflight.invokes.aws_region import zone_id
from preflight.invokes.resolver import result_fields

CALLER = "aws:index/getCallerIdentity:getCallerIdentity"
AZS = "aws:index/getAvailabilityZones:getAvailabilityZones"
PARTITION = "aws:index/getPartition:getPartition"
REGION = "aws:index/getRegion:getRegion"
ADS = "oci:Identity/getAvailabilityDomains:getAvailabilityDomains"
REGIONS = "oci:Identity/getRegions:getRegions"
AMI = "aws:ec2/getAmi:getAmi"

STACK = {"aws:region": "us-east-1", "aws:allowedAccountIds": ["111122223333"]}


def resolver(tmp_path: Path, config: dict | None = None, fixtures: str | None = None):
    if fixtures is not None:
        (tmp_path / "preflight.yaml").write_text(fixtures)
    return InvokeResolver(tmp_path, STACK if config is None else config)


# -- built-ins ----------------------------------------------------------------------------------


def test_default_provider_reads_the_packages_stack_config(tmp_path: Path) -> None:
    answer = resolver(tmp_path).answer(CALLER, {}, None)
    assert answer == {
        "id": "111122223333",
        "accountId": "111122223333",
        "arn": "arn:aws:iam::111122223333:root",
        "userId": "111122223333",
    }


def test_explicit_provider_inputs_win_and_may_carry_lists_as_json(tmp_path: Path) -> None:
    inputs = {"region": "us-gov-west-1", "allowedAccountIds": '["444455556666"]'}
    answers = resolver(tmp_path)
    assert answers.answer(CALLER, {}, inputs)["arn"] == "arn:aws-us-gov:iam::444455556666:root"
    assert answers.answer(PARTITION, {}, inputs) == {
        "id": "aws-us-gov",
        "partition": "aws-us-gov",
        "dnsSuffix": "amazonaws.com",
        "reverseDnsPrefix": "com.amazonaws",
    }


def test_china_partition_dns_suffix_comes_from_botocore(tmp_path: Path) -> None:
    answer = resolver(tmp_path).answer(PARTITION, {}, {"region": "cn-north-1"})
    assert (answer["partition"], answer["dnsSuffix"], answer["reverseDnsPrefix"]) == (
        "aws-cn",
        "amazonaws.com.cn",
        "cn.com.amazonaws",
    )


def test_get_region_selects_by_argument_or_provider(tmp_path: Path) -> None:
    answers = resolver(tmp_path)
    assert answers.answer(REGION, {}, None)["region"] == "us-east-1"
    named = answers.answer(REGION, {"region": "ap-southeast-1"}, None)
    assert named["description"] == "Asia Pacific (Singapore)"
    assert named["endpoint"] == "ec2.ap-southeast-1.amazonaws.com"


def test_availability_zones_follow_exclusions_and_azid_format(tmp_path: Path) -> None:
    answer = resolver(tmp_path).answer(
        AZS, {"excludeNames": ["us-east-1b"], "region": "us-east-1"}, None
    )
    assert answer["names"] == ["us-east-1a", "us-east-1c"]
    assert answer["zoneIds"] == ["use1-az1", "use1-az3"]
    assert [zone_id(r, "a") for r in ("ap-southeast-1", "us-gov-west-1", "eu-central-2")] == [
        "apse1-az1",
        "usgw1-az1",
        "euc2-az1",
    ]


def test_oci_availability_domains_and_regions_from_the_region_catalog(tmp_path: Path) -> None:
    answers = resolver(tmp_path, {"oci:region": "us-ashburn-1"})
    domains = answers.answer(ADS, {"compartmentId": "ocid1.tenancy.oc1..x"}, None)
    assert [d["name"] for d in domains["availabilityDomains"]] == ["Xxxx:IAD-AD-1"]
    regions = answers.answer(REGIONS, {}, None)["regions"]
    assert {"key": "PHX", "name": "us-phoenix-1"} in regions
    assert all(r["key"].isupper() for r in regions)


@pytest.mark.parametrize(
    ("token", "config", "reason"),
    [
        (CALLER, {"aws:region": "us-east-1"}, "aws:allowedAccountIds` lists none"),
        (
            CALLER,
            {"aws:allowedAccountIds": ["111122223333", "444455556666"]},
            "lists 2: 111122223333, 444455556666",
        ),
        (AZS, {}, "no AWS region is configured: set the stack config key `aws:region`"),
        (AZS, {"aws:region": "mars-north-1"}, "'mars-north-1' is not an AWS region"),
        (ADS, {}, "no OCI region is configured"),
    ],
)
def test_builtin_that_cannot_answer_says_why_and_offers_a_fixture(
    tmp_path: Path, token: str, config: dict, reason: str
) -> None:
    with pytest.raises(UnansweredInvokeError) as raised:
        resolver(tmp_path, config).answer(token, {}, None)
    message = raised.value.message
    assert f"invoke {token} (" in message
    assert "has a built-in offline answer that cannot be used here" in message
    assert reason in message
    assert "invokes:\n" in message


# -- fixtures -----------------------------------------------------------------------------------


def test_fixture_takes_precedence_over_builtin_and_accepts_full_token(tmp_path: Path) -> None:
    answers = resolver(
        tmp_path,
        fixtures=f"invokes:\n  {CALLER}:\n    result: {{accountId: '999988887777'}}\n",
    )
    assert answers.answer(CALLER, {}, None) == {"accountId": "999988887777"}
    assert answers.records[0].source == "fixture"


def test_fixture_match_requires_equal_arguments(tmp_path: Path) -> None:
    answers = resolver(
        tmp_path,
        fixtures=(
            "invokes:\n"
            "  aws:ec2/getAmi:\n"
            "    - match: {mostRecent: true, owners: [amazon]}\n"
            "      result: {id: ami-1}\n"
        ),
    )
    assert answers.answer(AMI, {"mostRecent": True, "owners": ["amazon"]}, None) == {"id": "ami-1"}
    with pytest.raises(UnansweredInvokeError) as raised:
        answers.answer(AMI, {"mostRecent": True, "owners": ["self"]}, None)
    assert "none of its entries in preflight.yaml matches these arguments" in raised.value.message
    assert "owners:\n      - self" in raised.value.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("invokes: [1, 2]\n", "key invokes: [1, 2] is not of type 'object'"),
        ("invokes:\n  aws:ec2/getAmi:\n    - match: {}\n", "key invokes.aws:ec2/getAmi"),
        ("invoke: {}\n", "key (top level): Additional properties are not allowed ('invoke'"),
        ("invokes:\n  not a token:\n    result: {}\n", "'not a token' does not match"),
        ("invokes: {a: [}\n", "(line 1, column 15): not valid YAML"),
    ],
)
def test_invalid_fixture_file_names_the_file_and_key(
    tmp_path: Path, text: str, fragment: str
) -> None:
    with pytest.raises(FixtureFileError) as raised:
        resolver(tmp_path, fixtures=text)
    assert raised.value.message.startswith(str(tmp_path / "preflight.yaml"))
    assert fragment in raised.value.message


# -- unknowns and call sites --------------------------------------------------------------------


def test_unknown_arguments_give_an_unknown_result_and_are_recorded(tmp_path: Path) -> None:
    answers = resolver(tmp_path)
    args = {"statements": [{"actions": ["s3:*"], "resources": [Unknown()]}]}
    with pytest.raises(InvokeResultUnknown):
        answers.answer("aws:iam/getPolicyDocument:getPolicyDocument", args, None)
    assert [r.source for r in answers.records] == ["unknown"]


def test_call_site_outside_the_program_is_reported_as_unavailable(tmp_path: Path) -> None:
    with pytest.raises(UnansweredInvokeError) as raised:
        resolver(tmp_path).answer(AMI, {}, None)
    assert raised.value.call_site is None
    assert "call site unavailable" in raised.value.message


# -- the SDKs agree -----------------------------------------------------------------------------

SAMPLE_ARGS = {
    "aws:iam/getPolicyDocument:getPolicyDocument": {
        "statements": [{"actions": ["s3:GetObject"], "resources": ["*"]}]
    },
    "oci:Identity/getRegionSubscriptions:getRegionSubscriptions": {
        "tenancyId": "ocid1.tenancy.oc1..x"
    },
    "oci:Identity/getTenancy:getTenancy": {"tenancyId": "ocid1.tenancy.oc1..x"},
}


@pytest.mark.parametrize("token", sorted(BUILTINS))
def test_builtin_outputs_are_fields_of_the_sdks_result_type(tmp_path: Path, token: str) -> None:
    package, _, rest = token.partition(":")
    module, _, function = rest.split(":")[0].rpartition("/")
    sdk_module = importlib.import_module(
        f"pulumi_{package}" + ("" if module == "index" else f".{module.lower()}")
    )
    source = Path(inspect.getfile(sdk_module)).parent
    snake = "".join("_" + c.lower() if c.isupper() else c for c in function)
    sdk_file = source / (f"{snake}.py")
    assert f"'{token}'" in sdk_file.read_text()  # the token the SDK sends
    config = {
        "aws:region": "us-east-1",
        "aws:allowedAccountIds": ["111122223333"],
        "oci:region": "us-ashburn-1",
        "oci:tenancyOcid": "ocid1.tenancy.oc1..x",
    }
    answer = resolver(tmp_path, config).answer(token, SAMPLE_ARGS.get(token, {}), None)
    fields = result_fields(token)
    assert fields, token
    assert set(answer) <= set(fields), set(answer) - set(fields)


def test_calls_never_answered_are_listed_as_unknown_at_their_call_site(tmp_path: Path) -> None:
    from preflight.invokes.call_sites import InvokeCall

    answers = resolver(tmp_path, {"oci:region": "us-ashburn-1"})
    program = str(tmp_path / "__main__.py")
    namespace = "oci:ObjectStorage/getNamespace:getNamespace"
    answers.saw_calls(
        [
            InvokeCall(1, namespace, ((program, 3, "<module>"),)),
            InvokeCall(2, REGION, ((program, 7, "<module>"),)),
        ]
    )
    answers.answer(namespace, {}, None, InvokeCall(1, namespace, ((program, 3, "<module>"),)))
    records = answers.records
    assert [(r.token, r.source) for r in records] == [(namespace, "built-in"), (REGION, "unknown")]
    assert records[0].call_site is not None and records[0].call_site.endswith("__main__.py:3")
    assert records[1].call_site is not None and records[1].call_site.endswith("__main__.py:7")


def test_records_say_where_each_answer_came_from(tmp_path: Path) -> None:
    answers = resolver(tmp_path, {"oci:region": "us-ashburn-1"})
    answers.answer("oci:ObjectStorage/getNamespace:getNamespace", {}, None)
    answers.answer(ADS, {}, {"region": "us-phoenix-1"})
    assert [(r.source, r.note) for r in answers.records] == [
        ("built-in", "placeholder namespace preflightns; stack config (default provider)"),
        ("built-in", "one AD of the region, placeholder prefix Xxxx; explicit provider"),
    ]

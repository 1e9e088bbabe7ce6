"""The place-reference scan: parsers for ARNs, OCIDs, URLs and hosts, and the one-walk scan."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from residency_pack.engine import places
from residency_pack.engine.places import (
    AWS_OWNED,
    OCI_OWNED,
    Place,
    endpoint_of,
    parse_arn,
    parse_ocid,
    parse_url,
    places_in,
    region_of_place,
    scan,
)
from residency_pack.engine.props import UNKNOWN

T = "aws:dms/endpoint:Endpoint"
# "sqs.us-east-1.amazonaws.com" in full-width forms (IDNA maps them to ASCII, as resolvers do)
FULLWIDTH_HOST = "".join(chr(ord(c) + 0xFEE0) for c in "sqs.us-east-1.amazonaws.com")


def only(props: object, resource_type: str = T) -> Place:
    found = list(places_in(resource_type, props))
    assert len(found) == 1, found
    return found[0]


def summary(place: Place) -> tuple[object, ...]:
    return (place.kind, place.cloud, place.region, place.account)


# --- ARNs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        ("arn:aws:kms:us-east-1:999999999999:key/abc", ("aws", "kms", "us-east-1", "999999999999")),
        ("arn:aws:s3:::bucket/key", ("aws", "s3", "", "")),
        ("arn:aws:iam::aws:policy/ReadOnlyAccess", ("aws", "iam", "", "aws")),
        ("arn:aws-cn:s3:::b", ("aws-cn", "s3", "", "")),
        ("arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/x",
         ("aws-us-gov", "kms", "us-gov-west-1", "123456789012")),
        ("  arn:aws:sqs:eu-west-1:123456789012:q  ", ("aws", "sqs", "eu-west-1", "123456789012")),
    ],
)  # fmt: skip
def test_parse_arn(arn: str, expected: tuple[str, ...]) -> None:
    parsed = parse_arn(arn)
    assert parsed is not None
    assert (parsed.partition, parsed.service, parsed.region, parsed.account) == expected


@pytest.mark.parametrize("text", ["arn:gcp:x:y:z:w", "arn:aws:s3", "not an arn", "xarn:aws:s3:::b"])
def test_not_an_arn(text: str) -> None:
    assert parse_arn(text) is None or text.startswith("x")
    assert [p for p in places_in(T, {"x": text}) if p.kind == "arn"] == []


@pytest.mark.parametrize(
    ("arn", "region", "account", "read_only"),
    [
        ("arn:aws:kms:us-east-1:999999999999:key/abc", "us-east-1", "999999999999", False),
        ("arn:aws:s3:::bucket", None, None, False),  # account-less: cannot be told
        ("arn:aws:iam::aws:policy/AdministratorAccess", None, AWS_OWNED, False),
        ("arn:aws:states:::sqs:sendMessage", None, AWS_OWNED, False),
        ("arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/x", "us-east-1",
         AWS_OWNED, True),
        ("arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:14", "us-east-1",
         "580247275435", True),
        ("arn:aws:sqs:*:*:queue", None, None, False),  # wildcards tell nothing
        ("arn:aws:logs:eu-west-1:$acct:log-group:x", "eu-west-1", None, False),
        # an Organizations policy's variable: each member account's own
        ("arn:aws:backup:us-east-1:$account:backup-vault:x", "us-east-1", "$account", False),
    ],
)  # fmt: skip
def test_arn_places(arn: str, region: str | None, account: str | None, read_only: bool) -> None:
    place = only({"targetArn": arn})
    assert (place.kind, place.cloud, place.region, place.account, place.read_only) == (
        "arn", "aws", region, account, read_only,
    )  # fmt: skip


def test_arns_of_other_partitions_keep_their_partition() -> None:
    assert only({"x": "arn:aws-cn:kms:cn-north-1:123456789012:key/k"}).partition == "aws-cn"
    gov = only({"x": "arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q"})
    assert (gov.partition, gov.region) == ("aws-us-gov", "us-gov-west-1")


def test_an_arn_inside_an_arn_is_a_place_of_its_own() -> None:
    uri = (
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:eu-west-1:999999999999:function:f/invocations"
    )
    found = [summary(p) for p in places_in(T, {"uri": uri})]
    assert found == [
        ("arn", "aws", "us-east-1", AWS_OWNED),
        ("arn", "aws", "eu-west-1", "999999999999"),
    ]


# --- OCIDs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ocid", "realm", "region", "tenancy"),
    [
        ("ocid1.stream.oc1.fra.aaaaexample", "oc1", "eu-frankfurt-1", None),
        ("ocid1.key.oc1.iad.abcdefg.hijk", "oc1", "us-ashburn-1", None),
        ("ocid1.instance.oc1.ap-sydney-1.aaaa", "oc1", "ap-sydney-1", None),
        ("ocid1.compartment.oc1..aaaaexample", "oc1", None, None),
        ("ocid1.tenancy.oc1..aaaaexample", "oc1", None, "ocid1.tenancy.oc1..aaaaexample"),
        ("ocid1.tenancy.oc2..aaaagov", "oc2", None, "ocid1.tenancy.oc2..aaaagov"),
        ("ocid1.bucket.oc1.xyz.aaaa", "oc1", "xyz", None),  # unknown key: kept, never allowed
    ],
)
def test_parse_ocid(ocid: str, realm: str, region: str | None, tenancy: str | None) -> None:
    parsed = parse_ocid(ocid)
    assert parsed is not None and (parsed.realm, parsed.region, parsed.tenancy) == (
        realm, region, tenancy,
    )  # fmt: skip
    place = only({"id": ocid})
    assert place.kind == ("tenancy" if tenancy else "ocid")
    assert (place.region, place.account, place.partition) == (region, tenancy, realm)


def test_a_tenancy_ocid_inside_a_policy_statement_is_found() -> None:
    statement = "Define tenancy Partner as ocid1.tenancy.oc1..aaaapartner"
    place = only({"statements": [statement]}, "oci:Identity/policy:Policy")
    assert (place.kind, place.account, place.path) == (
        "tenancy", "ocid1.tenancy.oc1..aaaapartner", "statements[0]",
    )  # fmt: skip


# --- URLs and hosts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "region", "account", "host"),
    [
        ("https://sqs.eu-central-1.amazonaws.com/999999999999/q", "aws-endpoint",
         "eu-central-1", "999999999999", "sqs.eu-central-1.amazonaws.com"),
        ("https://sqs.us-east-1.amazonaws.com", "aws-endpoint", "us-east-1", AWS_OWNED, None),
        ("mydb.abc123.eu-central-1.rds.amazonaws.com", "aws-endpoint", "eu-central-1", None,
         None),
        ("x.s3.eu-west-1.amazonaws.com", "aws-endpoint", "eu-west-1", None, None),
        ("https://s3.us-east-1.amazonaws.com/partner-bucket/k", "aws-endpoint", "us-east-1",
         None, None),  # S3 path style names a bucket
        ("sqs.us-east-1.api.aws", "aws-endpoint", "us-east-1", AWS_OWNED, None),
        ("s3-us-west-2.amazonaws.com", "aws-endpoint", "us-west-2", AWS_OWNED, None),
        ("site.s3-website-eu-west-1.amazonaws.com", "aws-endpoint", "eu-west-1", None, None),
        ("https://abc.execute-api.us-east-1.amazonaws.com/prod", "aws-endpoint", "us-east-1",
         None, None),
        ("https://abc.lambda-url.eu-west-1.on.aws/", "aws-endpoint", "eu-west-1", None, None),
        ("d111111abcdef8.cloudfront.net", "aws-endpoint", None, None, None),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1", "aws-endpoint", "us-east-1",
         "123456789012", None),
        ("https://ap-999999999999.s3-accesspoint.us-east-1.amazonaws.com", "aws-endpoint",
         "us-east-1", "999999999999", None),
        ("https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q", "aws-endpoint",
         "cn-north-1", "123456789012", None),
        ("https://objectstorage.eu-frankfurt-1.oraclecloud.com/n/ns/b/bucket/o/x",
         "oci-endpoint", "eu-frankfurt-1", None, None),
        ("https://notification.us-ashburn-1.oraclecloud.com", "oci-endpoint", "us-ashburn-1",
         OCI_OWNED, None),
        ("ns.objectstorage.us-phoenix-1.oci.customer-oci.com", "oci-endpoint", "us-phoenix-1",
         None, None),
        ("https://x.functions.eu-frankfurt-1.oci.oraclecloud.com/f", "oci-endpoint",
         "eu-frankfurt-1", None, None),
        ("fra.ocir.io/ns/repo:1", "oci-endpoint", "eu-frankfurt-1", OCI_OWNED, None),
        # shared service endpoints with more than one label: botocore's and the oci SDK's own
        ("https://runtime.sagemaker.us-east-1.amazonaws.com", "aws-endpoint", "us-east-1",
         AWS_OWNED, None),
        ("api.ecr.eu-west-1.amazonaws.com", "aws-endpoint", "eu-west-1", AWS_OWNED, None),
        ("https://a1b2c3d4e5-ats.iot.us-east-1.amazonaws.com", "aws-endpoint", "us-east-1",
         None, None),  # an account's own IoT endpoint
        ("https://cell-1.streaming.us-ashburn-1.oci.oraclecloud.com", "oci-endpoint",
         "us-ashburn-1", OCI_OWNED, None),
        ("https://ingestion.logging.us-phoenix-1.oci.oraclecloud.com", "oci-endpoint",
         "us-phoenix-1", OCI_OWNED, None),
        ("https://abc123.us-ashburn-1.functions.oci.oraclecloud.com", "oci-endpoint",
         "us-ashburn-1", None, None),  # a function's own invoke endpoint
        ("https://idcs-0123456789abcdef.identity.oraclecloud.com", "oci-endpoint", None, None,
         None),  # an identity domain's own host
        ("https://hooks.partner.example/in", "external-host", None, None, "hooks.partner.example"),
        ("203.0.113.5", "ip", None, None, "203.0.113.5"),
        ("https://[2001:db8::1]:8443/x", "ip", None, None, "2001:db8::1"),
        ("jdbc:postgresql://db.partner.example:5432/x", "external-host", None, None, None),
    ],
)  # fmt: skip
def test_endpoints(
    value: str, kind: str, region: str | None, account: str | None, host: str | None
) -> None:
    place = only({"serverName": value})
    assert (place.kind, place.region, place.account) == (kind, region, account)
    if host is not None:
        assert place.host == host


@pytest.mark.parametrize(
    "url",
    [
        # userinfo: the host is after the last @
        "https://good.us-east-1.amazonaws.com@evil.example/x",
        "https://sqs.us-east-1.amazonaws.com:443@evil.example/111122223333/q",
        # a backslash ends the host for browsers and WHATWG clients
        "https://evil.example\\@sqs.us-east-1.amazonaws.com/111122223333/q",
        # the query string, fragment or path never count
        "https://evil.example/x?next=https://notification.us-ashburn-1.oraclecloud.com",
        "https://evil.example/#sqs.us-east-1.amazonaws.com",
        "https://evil.example/sqs.us-east-1.amazonaws.com/111122223333/q",
        # a look-alike suffix is not the cloud's domain
        "https://sqs.us-east-1.amazonaws.com.evil.example/q",
        "https://sqs.us-east-1.notamazonaws.com/q",
        "https://evil.example%2Fsqs.us-east-1.amazonaws.com/q",
    ],
)
def test_hostile_urls_name_the_real_host(url: str) -> None:
    endpoint = endpoint_of(url)
    assert endpoint is not None and endpoint.kind == "external-host", endpoint
    assert region_of_place(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "HTTPS://SQS.US-EAST-1.AMAZONAWS.COM/111122223333/q",
        "https://sqs.us-east-1.amazonaws.com./111122223333/q",
        "https://sqs.us-east-1.amazonaws.com:443/111122223333/q",
        "https://sqs.us-east-1.amazonaws.com../111122223333/q",
        f"https://{FULLWIDTH_HOST}/111122223333/q",
        " https://sqs.us-east-1.amazonaws.com/111122223333/q\n",
        "https://sqs.us-east-1.amazo\tnaws.com/111122223333/q",
    ],
)
def test_case_ports_trailing_dots_and_idn_normalise(url: str) -> None:
    endpoint = endpoint_of(url)
    assert endpoint is not None
    assert (endpoint.kind, endpoint.region, endpoint.account) == (
        "aws-endpoint", "us-east-1", "111122223333",
    )  # fmt: skip
    assert endpoint.host == "sqs.us-east-1.amazonaws.com"


def test_an_idn_look_alike_is_an_external_host() -> None:
    endpoint = endpoint_of("https://sqs.us-east-1.\u0430mazonaws.com/q")  # a Cyrillic "a"
    assert endpoint is not None and endpoint.kind == "external-host"
    assert endpoint.host is not None and "xn--" in endpoint.host


def test_parse_url_parts() -> None:
    url = parse_url("https://user:pw@Sqs.US-east-1.amazonaws.com:8443/1/q?x=y#f")
    assert url is not None
    assert (url.scheme, url.host, url.port, url.path, url.query) == (
        "https", "sqs.us-east-1.amazonaws.com", 8443, "/1/q", "x=y",
    )  # fmt: skip
    assert parse_url("not a url") is None
    assert parse_url("https://[bad/x") is not None  # an invalid IPv6 literal still parses


def test_bucket_urls_name_buckets_that_cannot_be_told() -> None:
    s3 = only({"scriptLocation": "s3://partner-bucket/app.py"})
    assert (s3.kind, s3.cloud, s3.region, s3.account, s3.host) == (
        "aws-endpoint", "aws", None, None, "partner-bucket",
    )  # fmt: skip
    oci = only({"fileUri": "oci://bucket@namespace/app.py"})
    assert (oci.kind, oci.cloud, oci.account) == ("oci-endpoint", "oci", None)
    assert endpoint_of("s3://partner-bucket/x") is None


def test_bare_external_hosts_count_only_in_address_fields() -> None:
    assert only({"serverHostname": "nfs.partner.example"}).kind == "external-host"
    brokers = places_in(T, {"bootstrapServers": "a.partner.example:9092,b.partner.example:9092"})
    assert [p.host for p in brokers] == ["a.partner.example", "b.partner.example"]
    for key, value in [
        ("handler", "index.handler"),
        ("instanceType", "db.t3.micro"),
        ("runtime", "python3.12"),
        ("privateIp", "10.0.0.5"),
        ("domainName", "api.example.com"),
    ]:
        assert list(places_in(T, {key: value})) == [], key
    # a cloud endpoint counts wherever it is
    assert only({"anything": "sqs.eu-west-1.amazonaws.com"}).region == "eu-west-1"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("hostInstanceType", "mq.m5.large"),  # Amazon MQ: a size field whose key says "host"
        ("brokerNodeType", "kafka.m5.large"),
        ("targetEngineVersion", "8.0.mysql_aurora.3.05.2"),
        ("serverClass", "db.r6g.large.search"),
        ("hostAddressTemplate", "mq.m5.large"),  # an address field, but no TLD resolves it
        ("endpoint", "cache.r6g.large"),
    ],
)
def test_catalog_names_in_address_looking_fields_are_no_hosts(key: str, value: str) -> None:
    assert list(places_in(T, {key: value})) == []


@pytest.mark.parametrize(
    "host",
    ["collect.partner.example", "logs.partner.io", "db.corp", "nfs.partner.internal",
     "203.0.113.10", "splunk.partner.cloud"],
)  # fmt: skip
def test_bare_hosts_on_a_resolvable_tld_stay_places(host: str) -> None:
    assert only({"hostAddress": host}).host == host


def test_accounts_and_regions_count_in_their_fields_only() -> None:
    props = {
        "sourceAccount": "999999999999",
        "principal": "123456789012",
        "ownerId": 444455556666,
        "phone": "123456789012",
        "destinationRegion": "eu-west-1",
        "environment": {"variables": {"AWS_REGION": "ap-south-1", "MODE": "eu-west-1"}},
        "availabilityZone": "eu-west-1a",
        "label": "xx-nowhere-9",  # region-shaped, but neither a known region nor a region field
        "peerRegion": "xx-nowhere-9",
    }
    found = {(p.path, p.kind, p.region or p.account) for p in places_in(T, props)}
    assert found == {
        ("sourceAccount", "account", "999999999999"),
        ("principal", "account", "123456789012"),
        ("ownerId", "account", "444455556666"),
        ("destinationRegion", "region", "eu-west-1"),
        ("environment.variables.AWS_REGION", "region", "ap-south-1"),
        ("environment.variables.MODE", "region", "eu-west-1"),  # a known region anywhere
        ("peerRegion", "region", "xx-nowhere-9"),  # an unknown one in a region field
    }


@pytest.mark.parametrize(
    ("name", "region", "account"),
    [
        ("com.amazonaws.us-east-1.s3", "us-east-1", AWS_OWNED),
        ("com.amazonaws.eu-west-1.sqs", "eu-west-1", AWS_OWNED),
        ("com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", "us-east-1", None),
    ],
)
def test_vpc_endpoint_service_names(name: str, region: str, account: str | None) -> None:
    place = only({"serviceName": name}, "aws:ec2/vpcEndpoint:VpcEndpoint")
    assert (place.kind, place.region, place.account) == ("aws-endpoint", region, account)


def test_json_documents_are_walked_with_their_paths() -> None:
    definition = json.dumps(
        {
            "States": {
                "Send": {
                    "Resource": "arn:aws:states:::sqs:sendMessage",
                    "Parameters": {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/9/q"},
                }
            }
        }
    )
    found = [(p.path, summary(p)) for p in places_in(T, {"definition": definition})]
    assert found == [
        ("definition.States.Send.Resource", ("arn", "aws", None, AWS_OWNED)),
        ("definition.States.Send.Parameters.QueueUrl",
         ("aws-endpoint", "aws", "eu-west-1", AWS_OWNED)),
    ]  # fmt: skip


def test_organizations_policy_operators_stand_for_their_field() -> None:
    content = json.dumps({"plans": {"p": {"regions": {"@@assign": ["eu-west-1"]}}}})
    place = only({"content": content}, "aws:organizations/policy:Policy")
    assert (place.kind, place.region) == ("region", "eu-west-1")


def test_policy_statements_leave_principals_and_own_resources_to_the_access_rules() -> None:
    resource_policy = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::127311923021:root",
                                  "Service": "logs.eu-west-1.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": "arn:aws:s3:::own-bucket/*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": "999999999999"}},
                }
            ]
        }
    )  # fmt: skip
    assert list(places_in("aws:s3/bucketPolicy:BucketPolicy", {"policy": resource_policy})) == []
    identity_policy = json.dumps(
        {"Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
                        "Resource": "arn:aws:sqs:us-east-1:999999999999:q"}]}
    )  # fmt: skip
    place = only({"policy": identity_policy}, "aws:iam/rolePolicy:RolePolicy")
    assert (place.path, place.account) == ("policy.Statement[0].Resource", "999999999999")


def test_tags_and_descriptions_are_skipped() -> None:
    props = {
        "tags": {"x": "https://evil.example"},
        "description": "replicates to https://evil.example",
        "nested": {"freeformTags": {"y": "arn:aws:s3:::b"}},
    }
    assert list(places_in(T, props)) == []


def test_unknown_values_are_reported_by_path() -> None:
    result = scan(T, {"a": UNKNOWN, "b": [{"c": UNKNOWN}], "d": "x"})
    assert result.places == [] and result.unknown == ["a", "b[0].c"]


def test_catalog_harmless_fields_are_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        places._HARMLESS_BY_TYPE, "aws:test/doc:Doc", frozenset({"docs[].url", "logGroup"})
    )
    props = {
        "docs": [{"url": "https://evil.example"}],
        "logGroup": "arn:aws:logs:eu-west-1:999999999999:log-group:x",
        "target": "https://hooks.partner.example",
    }
    assert [p.path for p in places_in("aws:test/doc:Doc", props)] == ["target"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("arn:aws:kms:ap-southeast-1:111111111111:key/abc", ("aws", "ap-southeast-1")),
        ("ocid1.key.oc1.phx.abc", ("oci", "us-phoenix-1")),
        ("https://objectstorage.eu-frankfurt-1.oraclecloud.com/n/x", ("oci", "eu-frankfurt-1")),
        ("https://evil.example/?h=objectstorage.us-ashburn-1.oraclecloud.com", None),
        ("arn:aws:s3:::bucket", None),
        ("ocid1.bucket.oc1.xyz.aaaa", None),
        ("just-a-name", None),
    ],
)
def test_region_of_place(value: str, expected: tuple[str, str] | None) -> None:
    assert region_of_place(value) == expected


# --- properties -------------------------------------------------------------------------------

_LABEL = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(userinfo=_LABEL, evil=st.lists(_LABEL, min_size=1, max_size=3), tail=st.text(max_size=30))
def test_userinfo_and_query_never_make_an_external_host_a_cloud_one(
    userinfo: str, evil: list[str], tail: str
) -> None:
    host = ".".join([*evil, "example"])
    for url in (
        f"https://{userinfo}.us-east-1.amazonaws.com@{host}/{tail}",
        f"https://{host}/?u=https://sqs.us-east-1.amazonaws.com/{tail}",
        f"https://{host}:8443#{userinfo}.oraclecloud.com",
    ):
        endpoint = endpoint_of(url)
        assert endpoint is not None and endpoint.kind == "external-host" and endpoint.cloud is None


@settings(max_examples=200, deadline=None)
@given(value=st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
))  # fmt: skip
def test_the_scan_never_raises_and_paths_point_at_strings(value: object) -> None:
    for place in places_in(T, value):
        assert isinstance(place.path, str) and isinstance(place.value, str)


def test_the_scan_is_linear_in_the_size_of_the_bag() -> None:
    def bag(n: int) -> dict[str, object]:
        return {
            f"k{i}": {
                "name": f"item-{i}",
                "targetArn": f"arn:aws:sqs:us-east-1:111122223333:q{i}",
                "url": f"https://sqs.us-east-1.amazonaws.com/111122223333/q{i}",
                "list": ["a", "b.c", f"ocid1.stream.oc1.iad.{i}"],
                "number": i,
            }
            for i in range(n)
        }

    def best_of(n: int) -> float:
        props = bag(n)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            found = list(places_in(T, props))
            times.append(time.perf_counter() - start)
        assert len(found) == 3 * n
        return min(times)

    small, large = best_of(500), best_of(4000)
    # 8x the values: linear is ~8x; allow generous noise for a shared machine, but not n^2 (64x)
    assert large < small * 20, (small, large)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("us.anthropic.claude-3-5-sonnet-20240620-v1:0", {"us-east-2", "us-west-2"}),
        ("eu.amazon.nova-pro-v1:0", {"eu-west-1", "eu-central-1"}),
        ("apac.meta.llama3-2-90b-instruct-v1:0", {"ap-southeast-1", "ap-northeast-1"}),
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", {places.EVERY_COMMERCIAL_REGION}),
        (
            "arn:aws:bedrock:us-east-1:111111111111:inference-profile/eu.amazon.nova-pro-v1:0",
            {"eu-west-3"},
        ),
    ],
)
def test_a_cross_region_inference_profile_names_every_region_of_its_geography(
    value: str, expected: set[str]
) -> None:
    found = places.scan("aws:bedrock/agentAgent:AgentAgent", {"foundationModel": value})
    regions = {p.region for p in found.places if p.kind == "region"}
    assert expected <= regions


def test_a_single_region_model_or_a_host_is_not_an_inference_profile() -> None:
    model = places.scan("aws:bedrock/agentAgent:AgentAgent", {"foundationModel": "anthropic.x:0"})
    assert model.places == []
    host = places.scan("aws:sns/topicSubscription:TopicSubscription", {"endpoint": "eu.partner.io"})
    assert [p.kind for p in host.places] == ["external-host"]
    # The id shape alone matches; the scan reads it as a profile only in a model field or with a
    # known model provider, so the host above stays a host.
    assert places.bedrock_profile_regions("us.example.com") is not None
    assert places.bedrock_profile_regions("anthropic.claude-v2") is None


# --- Hosts each parser must tell apart (one field changed per case).
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://x.auth.us-east-1.amazoncognito.com", ("aws-endpoint", "aws", "us-east-1")),
        ("ip-10-0-0-1.ec2.internal", ("aws-endpoint", "aws", "us-east-1")),
        ("iad.ocir.io", ("oci-endpoint", "oci", "us-ashburn-1")),
        ("[2001:db8::1]:443", ("ip", None, None)),
        ("fe80::1", ("ip", None, None)),
        ("evil.example", ("external-host", None, None)),
    ],
)
def test_what_a_host_is(value, expected):
    found = endpoint_of(value)
    assert found is not None and (found.kind, found.cloud, found.region) == expected


def test_a_host_is_read_before_any_path_that_mentions_another():
    found = endpoint_of("https://host.example/path@evil.example")
    assert found is not None and found.host == "host.example"
    assert endpoint_of("[2001:db8::1]:443").host == "2001:db8::1"


def test_a_fips_endpoint_names_its_service():
    found = endpoint_of("https://s3-fips.us-east-1.amazonaws.com")
    assert found is not None and (found.service, found.account) == ("s3", AWS_OWNED)


def test_an_s3a_url_names_a_bucket_not_a_network_host():
    [place] = places_in(T, {"serverName": "s3a://my.bucket.example/x"})
    assert (place.kind, place.cloud, place.service, place.host) == (
        "aws-endpoint", "aws", "s3", "my.bucket.example",
    )  # fmt: skip


def test_a_bare_host_in_any_field_is_a_place():
    [place] = places_in(T, {"serverName": "evil.example"})
    assert (place.kind, place.host) == ("external-host", "evil.example")


def test_a_field_the_catalog_calls_harmless_is_not_scanned():
    app = "aws:amplify/app:App"
    assert "description" in places.harmless_fields(app)
    assert list(places_in(app, {"description": "mirrors https://evil.example"})) == []
    [place] = places_in(app, {"repository": "https://evil.example/repo"})
    assert place.host == "evil.example"


# --- places a value cannot tell (red team 3) ------------------------------------------------------


def _kinds(resource_type: str, props: dict[str, object]) -> list[tuple[str, str, str | None]]:
    return [(p.path, p.kind, p.account or p.host) for p in places.scan(resource_type, props).places]


@pytest.mark.parametrize(
    ("resource_type", "props", "path"),
    [
        ("aws:redshift/logging:Logging", {"bucketName": "partner-audit"}, "bucketName"),
        (
            "aws:timestreamwrite/table:Table",
            {"m": {"rejected": {"s3Configuration": {"bucketName": "partner.rejects"}}}},
            "m.rejected.s3Configuration.bucketName",
        ),
        (
            "aws:dataexchange/eventAction:EventAction",
            {"action": {"exportRevisionToS3": {"revisionDestination": {"bucket": "p-exports"}}}},
            "action.exportRevisionToS3.revisionDestination.bucket",
        ),
        ("aws:s3/bucketObjectv2:BucketObjectv2", {"bucket": "someone-elses"}, "bucket"),
        ("aws:cloudtrail/trail:Trail", {"s3BucketName": "audit-elsewhere"}, "s3BucketName"),
    ],
)
def test_a_bare_bucket_name_in_a_bucket_field_is_an_s3_place(
    resource_type: str, props: dict[str, object], path: str
) -> None:
    [place] = places.scan(resource_type, props).places
    assert (place.path, place.service, place.host, place.account) == (
        path, "s3", place.value, None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        ("aws:s3/bucket:Bucket", {"bucket": "my-own-name"}),  # its own name
        ("aws:s3/bucketV2:BucketV2", {"bucketPrefix": "my-own-prefix"}),
        ("aws:redshift/logging:Logging", {"bucketName": "Not_A_Bucket"}),  # not a bucket name
        ("aws:redshift/logging:Logging", {"s3KeyPrefix": "audit-logs"}),  # not a bucket field
        ("oci:ObjectStorage/objectLifecyclePolicy:ObjectLifecyclePolicy", {"bucket": "b-1"}),
        ("aws:s3control/bucket:Bucket", {"bucket": "outposts-own"}),
        ("aws:timestreaminfluxdb/dbInstance:DbInstance", {"bucket": "metrics"}),  # InfluxDB's
        ("aws:s3/vectorsIndex:VectorsIndex", {"vectorBucketName": "embeddings"}),
        ("aws:s3/directoryBucket:DirectoryBucket", {"bucket": "own--usw2-az1--x-s3"}),
        ("aws:timestreaminfluxdb/dbCluster:DbCluster", {"bucket": "metrics"}),  # InfluxDB's
        ("aws:datasync/locationObjectStorage:LocationObjectStorage", {"bucketName": "on-prem"}),
        ("aws:lightsail/bucketAccessKey:BucketAccessKey", {"bucketName": "lightsail-own"}),
        ("aws:lightsail/bucketResourceAccess:BucketResourceAccess", {"bucketName": "ls-own"}),
    ],
)
def test_what_is_not_a_foreign_bucket_name(resource_type: str, props: dict[str, object]) -> None:
    assert places.scan(resource_type, props).places == []


def test_a_bucket_field_holding_an_endpoint_host_is_read_as_the_endpoint() -> None:
    [place] = places.scan("aws:x/y:Z", {"bucket": "b.s3.eu-west-1.amazonaws.com"}).places
    assert (place.kind, place.region) == ("aws-endpoint", "eu-west-1")


def test_bare_hosts_in_host_domain_and_connection_fields() -> None:
    firelens = json.dumps([{"logConfiguration": {"options": {"Host": "logs.apm.example"}}}])
    assert _kinds("aws:ecs/taskDefinition:TaskDefinition", {"containerDefinitions": firelens}) == [
        (
            "containerDefinitions[0].logConfiguration.options.Host",
            "external-host",
            "logs.apm.example",
        )
    ]
    origins = {"origins": [{"originId": "up", "domainName": "upload.partner.example"}]}
    assert _kinds("aws:cloudfront/distribution:Distribution", origins) == [
        ("origins[0].domainName", "external-host", "upload.partner.example")
    ]
    backup = {"connectionString": "ra.partner-dc.example:1521/zdlra"}
    assert _kinds("oci:Database/backupDestination:BackupDestination", backup) == [
        ("connectionString", "external-host", "ra.partner-dc.example")
    ]


def test_a_top_level_domain_is_the_resources_own_name() -> None:
    assert (
        places.scan("aws:acm/certificate:Certificate", {"domainName": "app.example"}).places == []
    )


@pytest.mark.parametrize(
    ("props", "path"),
    [
        ({"target": {"id": "999999999999", "type": "ACCOUNT"}}, "target.id"),
        ({"parameters": {"catalog-id": "999999999999"}}, "parameters.catalog-id"),
        ({"sharedWith": ["999999999999"]}, "sharedWith[0]"),
        ({"consumerIdentifier": "999999999999"}, "consumerIdentifier"),
    ],
)
def test_an_account_id_in_a_sharing_field_is_an_account(
    props: dict[str, object], path: str
) -> None:
    assert _kinds("aws:x/y:Z", props) == [(path, "account", "999999999999")]


def test_a_twelve_digit_value_elsewhere_is_not_an_account() -> None:
    assert places.scan("aws:x/y:Z", {"settings": {"id": "999999999999"}}).places == []


def _identity(action: object, resource: str) -> dict[str, object]:
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    return {"policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})}


@pytest.mark.parametrize(
    ("action", "written"),
    [
        ("s3:PutObject", True),
        (["s3:GetObject", "s3:PutObject"], True),
        ("s3:*", True),
        ("*", True),
        ("s3:GetObject", False),
        (["s3:ListBucket", "s3:GetObjectVersion", "s3:Get*"], False),
    ],
)
def test_identity_statements_that_can_write_mark_their_resources(
    action: object, written: bool
) -> None:
    [place] = places.scan(
        "aws:iam/rolePolicy:RolePolicy", _identity(action, "arn:aws:s3:::b/*")
    ).places
    assert place.written is written


@pytest.mark.parametrize(("effect", "written"), [("Deny", False), (UNKNOWN, True), ("Allow", True)])
def test_only_a_deny_statement_writes_nothing(effect: object, written: bool) -> None:
    # An effect unknown in preview may be an Allow: the place it names counts as written.
    statement = {"Effect": effect, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}
    [place] = places.scan(
        "aws:iam/rolePolicy:RolePolicy",
        {"policy": {"Version": "2012-10-17", "Statement": [statement]}},
    ).places
    assert place.written is written


def test_a_resource_policy_statement_marks_nothing_written() -> None:
    statement = {
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::b/*",
    }  # fmt: skip
    assert (
        places.scan(
            "aws:s3/bucketPolicy:BucketPolicy", {"policy": {"Statement": [statement]}}
        ).places
        == []
    )


# --- fields where the data a resource routes or logs goes (the catalog's reached_fields) ----------

ROUTER = "aws:test/router:Router"


def _routed(monkeypatch: pytest.MonkeyPatch, reached: tuple[str, ...], locations=()) -> None:
    monkeypatch.setitem(places._ROUTED_BY_TYPE, ROUTER, (reached, frozenset(locations)))


def test_a_place_in_or_under_a_reached_field_is_marked_reached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _routed(monkeypatch, ("accessLogs", "actions[].redirect", "doc.Statement[].Out"))
    props = {
        "accessLogs": {"bucket": "partner-logs"},
        "accessLogsXtra": {"bucket": "other-logs"},  # shares a prefix, is another field
        "actions": [
            {"redirect": {"host": "collect.partner.example"}},
            {"forward": {"targetHost": "api.partner.example"}},
        ],
        "doc": json.dumps({"Statement": [{"Out": {"S3": {"Bucket": "dlp-findings"}}}]}),
    }
    found = {p.path: p.reached for p in places_in(ROUTER, props)}
    assert found == {
        "accessLogs.bucket": True,
        "accessLogsXtra.bucket": False,
        "actions[0].redirect.host": True,
        "actions[1].forward.targetHost": False,
        "doc.Statement[0].Out.S3.Bucket": True,
    }


def test_a_reached_field_itself_holding_a_value_is_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    _routed(monkeypatch, ("targetId",))
    place = only({"targetId": "203.0.113.50"}, ROUTER)
    assert place.kind == "ip" and place.reached


def test_without_reached_fields_nothing_is_reached() -> None:
    assert not any(p.reached for p in places_in(ROUTER, {"targetId": "203.0.113.50"}))


def test_catalog_reached_and_s3_location_fields_are_read_from_the_catalog() -> None:
    reached, locations = places.routed_fields("aws:lb/loadBalancer:LoadBalancer")
    assert "accessLogs" in reached and locations == frozenset()
    reached, locations = places.routed_fields("aws:codebuild/project:Project")
    assert "logsConfig.s3Logs.location" in locations
    assert places.routed_fields("aws:no/such:Type") == ((), frozenset())


@pytest.mark.parametrize(
    ("value", "bucket"),
    [
        ("partner-build-logs/acme", "partner-build-logs"),
        ("partner-build-logs", "partner-build-logs"),
        ("partner.build.logs/a/b", "partner.build.logs"),
        ("logs.s3.us-east-1.amazonaws.com/x", None),  # a host: read as such
        ("10.0.0.1/x", None),  # an address
        ("Not_A_Bucket/x", None),
    ],
)
def test_an_s3_location_field_names_its_bucket(
    monkeypatch: pytest.MonkeyPatch, value: str, bucket: str | None
) -> None:
    _routed(monkeypatch, (), ("logs.location",))
    found = [p for p in places_in(ROUTER, {"logs": {"location": value}}) if p.service == "s3"]
    if bucket is None:  # no bucket of S3's global namespace (an endpoint tells its region)
        assert [p for p in found if p.region is None and p.account is None] == []
    else:
        [place] = found
        assert (place.host, place.value, place.kind, place.cloud, place.account) == (
            bucket,
            value,
            "aws-endpoint",
            "aws",
            None,
        )


def test_an_endpoint_in_an_s3_location_field_is_read_as_an_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _routed(monkeypatch, (), ("logs.location",))
    place = only({"logs": {"location": "logs.s3.us-east-1.amazonaws.com/x"}}, ROUTER)
    assert (place.host, place.region) == ("logs.s3.us-east-1.amazonaws.com", "us-east-1")


def test_an_s3_location_is_one_place_and_the_other_fields_are_still_scanned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A host-like key: read as a bucket location only, not again as a host.
    _routed(monkeypatch, (), ("logs.target",))
    place = only({"logs": {"target": "partner-logs.example/acme"}}, ROUTER)
    assert (place.service, place.host) == ("s3", "partner-logs.example")
    props = {"logs": {"target": "x"}, "source": {"url": "https://evil.example/a"}}
    assert only(props, ROUTER).host == "evil.example"


def test_an_s3_location_is_read_only_in_its_field(monkeypatch: pytest.MonkeyPatch) -> None:
    _routed(monkeypatch, (), ("logs.location",))
    assert list(places_in(ROUTER, {"source": {"location": "partner-build-logs/acme"}})) == []
    assert list(places_in(ROUTER, {"logs": {"other": "partner-build-logs/acme"}})) == []


@pytest.mark.parametrize(
    ("host", "private"),
    [
        ("10.0.1.25", True),
        ("172.16.0.1", True),
        ("172.31.255.255", True),
        ("192.168.1.1", True),
        ("fd00::1", True),
        ("[fd12:3456::1]", True),
        ("172.32.0.1", False),
        ("203.0.113.50", False),  # documentation (TEST-NET-3): not a private network
        ("198.51.100.20", False),
        ("100.64.0.1", False),  # shared address space (CGNAT)
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("0xa.1", False),  # a shorthand form: not canonical
        ("2001:db8::1", False),
        ("not-an-ip", False),
    ],
)
def test_is_private_address(host: str, private: bool) -> None:
    assert places.is_private_address(host) is private


# --- container image references (the catalog's image_fields) -----------------------------------


@pytest.mark.parametrize(
    ("text", "registry", "path"),
    [
        ("nginx:latest", "docker.io", "library/nginx"),
        ("partnerco/etl:latest", "docker.io", "partnerco/etl"),
        ("docker.io/partnerco/etl:latest", "docker.io", "partnerco/etl"),
        ("index.docker.io/partnerco/etl", "docker.io", "partnerco/etl"),
        ("public.ecr.aws/partnerco/etl:1.4", "public.ecr.aws", "partnerco/etl"),
        ("ghcr.io/org/app@sha256:" + "b" * 64, "ghcr.io", "org/app"),
        ("localhost/app", "localhost", "app"),
        ("registry.partner.example:5000/etl/job:2", "registry.partner.example:5000", "etl/job"),
        ("111122223333.dkr.ecr.us-east-1.amazonaws.com/etl:1@sha256:" + "a" * 64,
         "111122223333.dkr.ecr.us-east-1.amazonaws.com", "etl"),
        ("iad.ocir.io/ournamespace/etl:1.0", "iad.ocir.io", "ournamespace/etl"),
        # A placeholder in the tag hides nothing.
        ("partnerco/etl:${TAG}", "docker.io", "partnerco/etl"),
    ],
)  # fmt: skip
def test_image_references_are_parsed_as_a_container_runtime_resolves_them(text, registry, path):
    image = places.parse_image_reference(text)
    assert image is not None and (image.registry, image.path) == (registry, path)


@pytest.mark.parametrize("text", ["", "  ", "https://example.com/x", "two words"])
def test_text_that_is_no_image_reference_is_none(text):
    assert places.parse_image_reference(text) is None


def test_an_image_field_names_its_registry_with_the_owner_it_tells():
    def image_places(props):
        return places.scan("aws:ecs/taskDefinition:TaskDefinition", props).places

    hub = image_places({"containerDefinitions": json.dumps([{"name": "a", "image": "nginx"}])})
    assert [(p.host, p.account, p.image, p.read_only) for p in hub] == [
        ("docker.io", None, "docker.io/library/nginx", True)
    ]
    partner = "444455556666.dkr.ecr.us-east-1.amazonaws.com/etl:1"
    ecr = image_places({"containerDefinitions": json.dumps([{"name": "a", "image": partner}])})
    assert [(p.account, p.region) for p in ecr] == [("444455556666", "us-east-1")]
    # OCIR answers for the namespace's tenancy, which the value cannot tell; ECR Public and any
    # other AWS host is no private registry of an account.
    ocir = places.scan("oci:Functions/function:Function", {"image": "iad.ocir.io/ns/etl:1"})
    assert [(p.region, p.account) for p in ocir.places] == [("us-ashburn-1", None)]
    public = image_places({"containerDefinitions": json.dumps(
        [{"name": "a", "image": "public.ecr.aws/partnerco/etl:1"}])})  # fmt: skip
    assert [p.account for p in public] == [None]


# --- flags, free-form configuration, boot scripts, DNS records ---------------------------------

RESTORE = "aws:backup/restoreTestingSelection:RestoreTestingSelection"


@pytest.mark.parametrize(
    "overrides",
    [{"NewBucket": "true"}, {"CreateBucket": "false"}, {"newBucket": "yes"}, {"Bucket": "30"}],
)
def test_a_flag_or_a_number_is_never_a_bucket_name(overrides: dict[str, str]) -> None:
    assert list(places_in(RESTORE, {"restoreMetadataOverrides": overrides})) == []


def test_a_documented_bucket_name_field_still_names_a_bucket() -> None:
    found = only({"restoreMetadataOverrides": {"DestinationBucketName": "partner-drop"}}, RESTORE)
    assert (found.service, found.host) == ("s3", "partner-drop")


LAMBDA = "aws:lambda/function:Function"


@pytest.mark.parametrize(
    ("value", "host"),
    [("collect.partner.example", "collect.partner.example"), ("198.51.100.7", "198.51.100.7"),
     ("logs.partner.io:514", "logs.partner.io"), ("ingest.partner.co.uk", "ingest.partner.co.uk")],
)  # fmt: skip
def test_a_whole_host_or_public_ip_in_an_environment_map_is_a_place(value: str, host: str) -> None:
    assert only({"environment": {"variables": {"DEST": value}}}, LAMBDA).host == host


@pytest.mark.parametrize(
    ("key", "value"),
    [("BROKER_INSTANCE_TYPE", "mq.m5.large"), ("ENTRY", "main.py"), ("SCRIPT", "install.sh"),
     ("RELEASE", "1.2.3"), ("CACHE", "10.0.2.9"), ("MODE", "batch"), ("DB", "db.internal"),
     ("LOOPBACK", "127.0.0.1"), ("ENGINE_VERSION", "8.0.mysql_aurora.3.05.2")],
)  # fmt: skip
def test_free_form_values_that_are_no_public_place_stay_quiet(key: str, value: str) -> None:
    assert list(places_in(LAMBDA, {"environment": {"variables": {key: value}}})) == []


def test_a_whole_host_outside_a_free_form_map_still_needs_an_address_field() -> None:
    assert list(places_in(LAMBDA, {"handler": "collect.partner.example"})) == []


EC2 = "aws:ec2/instance:Instance"


def test_a_boot_script_names_the_public_addresses_and_hosts_it_connects_to() -> None:
    script = (
        "#!/bin/bash\ntail -F /var/log/app.log | nc 203.0.113.9 5140\n"
        "rsync -a /data backup@sink.partner.example:/in\n"
    )
    found = places_in(EC2, {"userData": script})
    assert sorted(p.host or "" for p in found) == ["203.0.113.9", "sink.partner.example"]


def test_a_boot_script_talking_to_its_own_machine_or_network_names_no_place() -> None:
    script = (
        "#!/bin/bash\ncurl -s http://169.254.169.254/latest/meta-data/\n"
        "bash /opt/install.sh && systemctl restart app.service\n"
        "echo 10.0.0.2 db >> /etc/hosts\ncurl http://127.0.0.1:8080/health\n"
        "apt-get install -y docker.io python3.11\n"
    )
    assert list(places_in(EC2, {"userData": script})) == []


RECORD = "aws:route53/record:Record"


def test_an_address_record_value_is_reached_and_a_txt_value_is_not() -> None:
    cname = only({"type": "CNAME", "records": ["ingress.partner.example"]}, RECORD)
    assert (cname.kind, cname.reached) == ("external-host", True)
    a = only({"type": "A", "records": ["203.0.113.99"]}, RECORD)
    assert (a.kind, a.reached) == ("ip", True)
    assert list(places_in(RECORD, {"type": "TXT", "records": ["v.partner.example"]})) == []


def test_private_addresses_and_names_in_a_reached_field_are_our_own_network() -> None:
    own = only({"type": "A", "records": ["10.0.3.7"]}, RECORD)
    assert places.in_own_network(own)
    node = only(
        {"spec": {"serviceDiscovery": {"dns": {"hostname": "users.mesh.local"}}}},
        "aws:appmesh/virtualNode:VirtualNode",
    )
    assert node.reached and places.in_own_network(node)
    assert not places.in_own_network(only({"type": "A", "records": ["203.0.113.99"]}, RECORD))
    # the same private address outside a reached field is not vouched for
    assert not places.in_own_network(only({"serverName": "10.0.0.5"}))


def test_an_underscore_record_is_a_validation_token_not_a_route() -> None:
    acm = {"type": "CNAME", "name": "_3f2a.api.usdata.example.com.",
           "records": ["_9c1d.xjkdsl.acm-validations.aws."]}  # fmt: skip
    assert [p.reached for p in places_in(RECORD, acm)] in ([], [False])


def test_a_record_pointing_into_its_own_domain_names_no_outside_host() -> None:
    www = {"type": "CNAME", "name": "www.usdata.example.com", "records": ["usdata.example.com"]}
    assert list(places_in(RECORD, www)) == []
    other = {"type": "CNAME", "name": "www.usdata.example.com", "records": ["cdn.partner.com"]}
    assert only(other, RECORD).host == "cdn.partner.com"


def test_a_service_binding_value_names_its_target_and_address_hints() -> None:
    https = {"type": "HTTPS", "name": "usdata.example.com",
             "records": ['1 edge.partner.example. alpn="h2,h3" ipv4hint=198.51.100.7']}  # fmt: skip
    found = [(p.host or p.value, p.reached) for p in places_in(RECORD, https)]
    assert found == [("edge.partner.example", True), ("198.51.100.7", True)]
    # an underscore (port-prefixed) name is how service bindings are named: still routed
    svcb = {
        "type": "SVCB",
        "name": "_api.usdata.example.com",
        "records": ["1 svc.partner.example."],
    }
    assert only(svcb, RECORD).reached
    # the target `.` is the owner name itself; a target in the record's own domain is its own
    for value in ("1 . alpn=h2", "1 edge.usdata.example.com. alpn=h2"):
        assert list(places_in(RECORD, {**https, "records": [value]})) == []


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        ("aws:lightsail/domainEntry:DomainEntry",
         {"domainName": "usdata.example.com", "name": "api", "type": "CNAME",
          "target": "collect.partner.example"}),
        ("oci:Dns/steeringPolicy:SteeringPolicy",
         {"template": "FAILOVER",
          "answers": [{"name": "dr", "rdata": "198.51.100.7", "rtype": "A", "pool": "p2"}]}),
        ("aws:route53/trafficPolicy:TrafficPolicy",
         {"document": json.dumps({"RecordType": "A", "Endpoints": {
             "dr": {"Type": "value", "Value": "198.51.100.7"}}})}),
        ("aws:servicediscovery/instance:Instance",
         {"attributes": {"endpoint": "https://collect.partner.example/users",
                         "region": "us-east-1"}}),
    ],
)  # fmt: skip
def test_other_dns_answers_are_reached_places(resource_type: str, props: dict) -> None:
    found = [p for p in places_in(resource_type, props) if p.kind in ("ip", "external-host")]
    assert len(found) == 1 and found[0].reached, found
    assert not places.in_own_network(found[0])


def test_private_dns_answers_are_our_own_network() -> None:
    lightsail = {
        "domainName": "usdata.example.com",
        "name": "db",
        "type": "A",
        "target": "10.0.2.10",
    }
    assert places.in_own_network(only(lightsail, "aws:lightsail/domainEntry:DomainEntry"))
    txt = {
        "domainName": "usdata.example.com",
        "name": "v",
        "type": "TXT",
        "target": "v.partner.example",
    }
    # a TXT value routes no request: not reached (`target` is still an address field)
    assert [p.reached for p in places_in("aws:lightsail/domainEntry:DomainEntry", txt)] == [False]


# --- behaviours pinned by mutation survivors (scripts/mutation.py) -------------------------------


@pytest.mark.parametrize("scheme", ["s3", "s3a", "s3n"])
def test_every_hadoop_s3_url_scheme_names_a_bucket_not_a_network_host(scheme: str) -> None:
    [place] = places_in(T, {"serverName": f"{scheme}://partner-bucket/k"})
    assert (place.kind, place.cloud, place.service, place.host, place.account) == (
        "aws-endpoint", "aws", "s3", "partner-bucket", None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "partition"),
    [
        ("https://main.d1a2b3c4.amplifyapp.com", "aws"),
        ("d111111abcdef8.cloudfront.net", "aws"),
        ("https://s3.us-gov-west-1.amazonaws.com", "aws-us-gov"),  # the region decides
        ("sqs.us-gov-east-1.amazonaws.com", "aws-us-gov"),
        ("sqs.us-east-1.amazonaws.com", "aws"),
    ],
)
def test_an_aws_endpoint_names_its_partition(value: str, partition: str) -> None:
    found = endpoint_of(value)
    assert found is not None and (found.cloud, found.partition) == ("aws", partition)


def test_a_dual_stack_oci_endpoint_is_the_service_itself() -> None:
    found = endpoint_of("https://notification.us-ashburn-1.ds.oci.oraclecloud.com")
    assert found is not None
    assert (found.service, found.region, found.account) == (
        "notification", "us-ashburn-1", OCI_OWNED,
    )  # fmt: skip


def test_an_oci_path_naming_a_namespace_leaves_the_owner_untold_on_any_service_host() -> None:
    own = endpoint_of("https://ax.us-ashburn-1.oraclecloud.com/20200101/x")
    named = endpoint_of("https://ax.us-ashburn-1.oraclecloud.com/n/partner-ns/b/bucket/o/x")
    assert own is not None and own.account == OCI_OWNED
    assert named is not None and (named.region, named.account) == ("us-ashburn-1", None)


def test_unknown_statement_fields_that_name_no_place_are_not_unknown_places() -> None:
    statement = {"Sid": UNKNOWN, "Effect": UNKNOWN, "Action": UNKNOWN,
                 "Resource": "arn:aws:sqs:us-east-1:999999999999:q"}  # fmt: skip
    found = scan("aws:iam/rolePolicy:RolePolicy", {"policy": {"Statement": [statement]}})
    assert found.unknown == []
    assert [p.account for p in found.places] == ["999999999999"]


def test_a_not_principal_statement_is_resource_based_and_names_only_its_own_resource() -> None:
    statement = {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:root"},
                 "Action": "s3:*", "Resource": "arn:aws:s3:::other-bucket/*"}  # fmt: skip
    found = scan("aws:s3/bucketPolicy:BucketPolicy", {"policy": {"Statement": [statement]}})
    assert found.places == []


def test_an_account_id_given_as_a_number_is_an_aws_account() -> None:
    place = only({"accountId": 999999999999}, "aws:x/y:Z")
    assert summary(place) == ("account", "aws", None, "999999999999")


@pytest.mark.parametrize("name", ["eu-west-1", "media.s3.amazonaws.com"])
def test_a_buckets_own_name_is_never_a_place_even_when_it_reads_as_one(name: str) -> None:
    assert scan("aws:s3/bucket:Bucket", {"bucket": name}).places == []


def test_a_canada_inference_profile_names_the_canada_regions() -> None:
    regions = places.bedrock_profile_regions("ca.amazon.nova-lite-v1:0")
    assert regions is not None and "ca-central-1" in regions
    assert all(name.startswith("ca-") for name in regions)


@pytest.mark.parametrize(
    ("profile", "regions"),
    [
        ("jp.anthropic.claude-sonnet-4-5-20250929-v1:0", ("ap-northeast-1", "ap-northeast-3")),
        ("au.anthropic.claude-sonnet-4-5-20250929-v1:0", ("ap-southeast-2", "ap-southeast-4")),
    ],
)
def test_a_country_inference_profile_names_its_countrys_regions(
    profile: str, regions: tuple[str, ...]
) -> None:
    assert places.bedrock_profile_regions(profile) == regions


def test_the_userinfo_of_a_url_urlsplit_rejects_is_not_its_host() -> None:
    url = parse_url("https://partner.example@[::1/x")  # an unclosed IPv6 literal
    assert url is not None and url.host == "::1"


def test_a_name_with_colons_is_not_an_ip() -> None:
    assert places.is_ip("2001:db8::1") is True
    assert places.is_ip("db.partner.example:5432") is False
    assert places.is_ip("not:an:address") is False


def test_a_bare_host_is_read_whatever_its_case() -> None:
    [place] = places_in(T, {"serverName": "FOX.EXAMPLE"})
    assert (place.kind, place.host) == ("external-host", "fox.example")


@pytest.mark.parametrize("value", ["[2001:db8::1]:443", "fe80::1"])
def test_a_bare_ipv6_address_is_an_ip_place(value: str) -> None:
    assert only({"serverName": value}).kind == "ip"


def test_a_private_network_domain_names_a_host() -> None:
    assert only({"serverName": "nas.localdomain"}).host == "nas.localdomain"


@pytest.mark.parametrize("value", ["arn:gcp:pubsub:x:y:z", "arn:aws:s3"])
def test_region_of_place_of_an_arn_that_is_not_one_is_none(value: str) -> None:
    assert region_of_place(value) is None


def test_a_place_outside_any_policy_statement_is_not_written() -> None:
    assert only({"queue": "arn:aws:sqs:us-east-1:999999999999:q"}).written is False


def test_a_bucket_name_in_a_bucket_field_is_one_s3_place_even_when_it_reads_as_a_host() -> None:
    [place] = scan("aws:x/y:Z", {"targetBucket": "logs.example.com"}).places
    assert (place.kind, place.service, place.host) == ("aws-endpoint", "s3", "logs.example.com")


def test_a_whole_ocid_is_one_ocid_place_whatever_its_last_label_reads_as() -> None:
    # The unique part "app" is also a top-level domain: the value is still an OCID, not a host.
    place = only({"endpoint": "ocid1.instance.oc1.iad.app"})
    assert (place.kind, place.region) == ("ocid", "us-ashburn-1")


def test_a_region_field_naming_an_oci_region_is_an_oci_region() -> None:
    assert summary(only({"region": "us-ashburn-1"})) == ("region", "oci", "us-ashburn-1", None)

import datetime as dt
import json

import pytest
from residency_pack.engine import declared_places, region_catalog, stack_config
from residency_pack.engine import pack_config as pc
from residency_pack.engine.props import ENGINE_UNKNOWN_SENTINELS

PROPS = {
    pc.ALLOWED_REGIONS: pc.allowed_regions_schema(),
    pc.TRUSTED_ACCOUNT_IDS: pc.trusted_account_ids_schema(),
    pc.EXEMPTIONS: pc.exemptions_schema("residency-region-allowlist"),
    pc.EXEMPTION_HORIZON_DAYS: pc.exemption_horizon_schema(),
}


BUCKET_URN = "urn:pulumi:prod::p::aws:s3/bucket:Bucket::x"


def resolve(raw):
    return pc.resolve("residency-region-allowlist", PROPS, raw)


def test_default_table_matches_the_issue_and_the_catalog():
    for row in pc.DEFAULT_ALLOWED_REGIONS.values():
        for cloud, names in row.items():
            assert all(region_catalog.lookup(cloud, n) for n in names)
    config = resolve({})
    assert pc.allowed_regions(config, "us-user-data")["aws"] == {"us-east-1"}
    assert pc.allowed_regions(config, "non-personal")["aws"] == {"us-east-1", "ap-southeast-1"}
    assert pc.allowed_regions(config, "us-user-data")["oci"] == {
        "us-ashburn-1",
        "us-phoenix-1",
        "us-chicago-1",
        "us-sanjose-1",
    }
    assert pc.allowed_union(config)["aws"] == {"us-east-1", "ap-southeast-1"}
    assert pc.allowed_regions(config, "top-secret")["aws"] == frozenset()


def test_overriding_one_row_keeps_the_others():
    config = resolve({pc.ALLOWED_REGIONS: {"non-personal": {"aws": ["us-east-1"]}}})
    assert pc.allowed_regions(config, "non-personal")["aws"] == {"us-east-1"}
    assert "us-ashburn-1" in pc.allowed_regions(config, "non-personal")["oci"]
    assert pc.allowed_regions(config, "public")["aws"] == {"us-east-1", "ap-southeast-1"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            {pc.ALLOWED_REGIONS: {"us-user-data": {"aws": ["us-east-9"]}}},
            "allowedRegions.us-user-data.aws[0]",
        ),
        ({"alowedRegions": {}}, "alowedRegions"),
        ({pc.TRUSTED_ACCOUNT_IDS: ["12"]}, "trustedAccountIds[0]"),
        (
            {
                pc.EXEMPTIONS: [
                    {"urn": "u", "policy": "residency-region-allowlist", "expires": "2030-01-01"}
                ]
            },
            "reason",
        ),
        (
            {
                pc.EXEMPTIONS: [
                    {
                        "urn": "u",
                        "policy": "residency-region-allowlist",
                        "reason": " ",
                        "expires": "2030-01-01",
                    }
                ]
            },
            "reason",
        ),
        (
            {
                pc.EXEMPTIONS: [
                    {
                        "urn": "u",
                        "policy": "residency-other",
                        "reason": "r",
                        "expires": "2030-01-01",
                    }
                ]
            },
            "policy",
        ),
        (
            {
                pc.EXEMPTIONS: [
                    {"policy": "residency-region-allowlist", "reason": "r", "expires": "2030-01-01"}
                ]
            },
            "exemptions[0]",
        ),
        (
            {
                pc.EXEMPTIONS: [
                    {
                        "urn": BUCKET_URN,
                        "policy": "residency-region-allowlist",
                        "reason": "r",
                        "expires": "2026-02-31",
                    }
                ]
            },
            "not a date",
        ),
    ],
)
def test_bad_config_is_one_clear_error_naming_the_key(raw, expected):
    with pytest.raises(pc.ConfigError) as error:
        resolve(raw)
    text = str(error.value)
    assert expected in text
    assert "residency-region-allowlist" in text and "Fix:" in text


def exemption(expires: str = "2026-07-01", **target: str) -> dict[str, str]:
    return {"policy": "residency-region-allowlist", "reason": "r", "expires": expires, **target}


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    day = dt.date(2026, 6, 1)
    monkeypatch.setattr(pc, "today", lambda: day)
    return day


def test_exemptions_parse_and_match_by_urn_or_name_glob_within_one_type():
    config = resolve(
        {
            pc.EXEMPTIONS: [
                exemption(name="legacy-*", type="aws:s3/bucket:Bucket"),
                exemption("2020-01-01", urn=BUCKET_URN),
                exemption(urn="urn:pulumi:*::p::*$aws:s3/bucket:Bucket::tmp-*"),
            ]
        }
    )
    by_name, by_urn, by_glob = pc.exemptions(config)
    legacy = "urn:pulumi:prod::p::aws:s3/bucket:Bucket::legacy-bucket"
    assert by_name.matches("residency-region-allowlist", legacy, "legacy-bucket")
    plain = legacy.replace("legacy-", "")
    assert not by_name.matches("residency-region-allowlist", plain, "bucket")
    assert not by_name.matches("residency-key-locality", legacy, "legacy-bucket")
    key = "urn:pulumi:prod::p::aws:kms/key:Key::legacy-key"
    assert not by_name.matches("residency-region-allowlist", key, "legacy-key")
    assert not by_name.matches("residency-region-allowlist", None, "legacy-bucket")
    assert by_urn.matches("residency-region-allowlist", BUCKET_URN, "x")
    assert by_urn.expired(dt.date(2020, 1, 2)) and not by_urn.expired(dt.date(2020, 1, 1))
    child = "urn:pulumi:dev::p::my:index:Component$aws:s3/bucket:Bucket::tmp-1"
    assert by_glob.matches("residency-region-allowlist", child, "tmp-1")
    # A glob in the stack or name part cannot reach across `::` into another type.
    sneaky = "urn:pulumi:dev::p::my:index:Component$aws:iam/role:Role::tmp-1::aws:s3/bucket:Bucket"
    assert not by_glob.matches("residency-region-allowlist", sneaky, "tmp-1")
    assert not by_glob.matches("residency-region-allowlist", "not-a-urn", "tmp-1")
    assert "of type `aws:s3/bucket:Bucket`" in by_name.describe()


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ({"urn": "*"}, "is not a URN"),
        ({"urn": "urn:pulumi:prod::p::*::x"}, "does not name one resource type"),
        ({"urn": "urn:pulumi:prod::p::aws:s3/*::x"}, "does not name one resource type"),
        ({"urn": "urn:pulumi:prod::p::aws:s3/bucket:Bucket"}, "is not a URN"),
        ({"name": "*"}, "needs `type`"),
        ({"name": "x", "type": "aws:*"}, "one literal resource type"),
        ({"name": "x", "type": "Bucket"}, "one literal resource type"),
        ({"urn": BUCKET_URN, "name": "x", "type": "aws:s3/bucket:Bucket"}, "not both"),
    ],
)
def test_exemptions_must_name_one_urn_or_a_glob_within_one_type(target, expected):
    with pytest.raises(pc.ConfigError, match="exemptions\\[0\\]") as error:
        resolve({pc.EXEMPTIONS: [exemption(**target)]})
    assert expected in str(error.value)


def test_exemption_expiry_is_bounded_by_a_capped_horizon(today):
    at_90 = (today + dt.timedelta(days=90)).isoformat()
    at_91 = (today + dt.timedelta(days=91)).isoformat()
    assert len(pc.exemptions(resolve({pc.EXEMPTIONS: [exemption(at_90, urn=BUCKET_URN)]}))) == 1
    with pytest.raises(pc.ConfigError) as error:
        resolve({pc.EXEMPTIONS: [exemption(at_91, urn=BUCKET_URN)]})
    assert f"exemptions[0].expires: {at_91} is more than 90 days after today" in str(error.value)
    longer = {pc.EXEMPTION_HORIZON_DAYS: 120, pc.EXEMPTIONS: [exemption(at_91, urn=BUCKET_URN)]}
    assert len(pc.exemptions(resolve(longer))) == 1
    shorter = {pc.EXEMPTION_HORIZON_DAYS: 30, pc.EXEMPTIONS: [exemption(at_90, urn=BUCKET_URN)]}
    with pytest.raises(pc.ConfigError, match="more than 30 days"):
        resolve(shorter)
    with pytest.raises(pc.ConfigError, match=pc.EXEMPTION_HORIZON_DAYS):
        resolve({pc.EXEMPTION_HORIZON_DAYS: 366})
    # An expired exemption may stay as a record.
    assert len(pc.exemptions(resolve({pc.EXEMPTIONS: [exemption("2020-01-01", urn=BUCKET_URN)]})))


@pytest.mark.parametrize(
    ("cloud", "region"),
    [("aws", "eu-west-1"), ("aws", "ap-southeast-1"), ("oci", "eu-frankfurt-1")],
)
def test_us_user_data_only_in_us_jurisdiction_regions(cloud, region):
    with pytest.raises(pc.ConfigError) as error:
        resolve({pc.ALLOWED_REGIONS: {"us-user-data": {cloud: ["us-east-1", region][-1:]}}})
    text = str(error.value)
    assert f"allowedRegions.us-user-data.{cloud}: {region} is outside the US jurisdiction" in text
    assert text.count("Fix:") == 1


def test_us_jurisdiction_is_the_catalogs_us_geography_govcloud_included():
    table = {
        "aws": ["us-east-1", "us-west-2", "us-gov-west-1"],
        "oci": ["us-ashburn-1", "us-chicago-1"],
    }
    config = resolve({pc.ALLOWED_REGIONS: {"us-user-data": table}})
    assert pc.allowed_regions(config, "us-user-data")["aws"] == set(table["aws"])
    # Other classifications may name any catalogued region.
    resolve({pc.ALLOWED_REGIONS: {"non-personal": {"aws": ["eu-west-1"]}}})


@pytest.mark.parametrize("host", ["*", "*.com", "partner.*", "*.*.example"])
def test_egress_globs_must_end_in_two_literal_labels(host):
    properties = pc.trust_config_properties()
    with pytest.raises(pc.ConfigError, match="too broad"):
        pc.resolve("residency-x", properties, {pc.ALLOWED_EGRESS_HOSTS: [host]})
    pc.resolve("residency-x", properties, {pc.ALLOWED_EGRESS_HOSTS: ["*.partner.example"]})


OURS, OTHER = "111111111111", "222222222222"
STACK = {"aws:allowedAccountIds": json.dumps([OURS]), "oci:tenancyOcid": "ocid1.tenancy.oc1..a"}


def test_trust_comes_from_the_stack_config_when_the_policy_config_does_not_set_it():
    with stack_config.overridden(STACK):
        assert pc.trusted_account_ids({}) == {OURS}
        assert pc.trusted_tenancy_ocids({}) == {"ocid1.tenancy.oc1..a"}
        assert pc.trusted_organization_ids({}) == frozenset()
    with stack_config.overridden({"aws:allowedAccountIds": OURS}):  # a single id
        assert pc.trusted_account_ids({}) == {OURS}
    with stack_config.overridden({}):
        assert pc.trusted_account_ids({}) == frozenset()
        assert pc.trusted_tenancy_ocids({}) == frozenset()


def test_an_unknown_stack_config_value_trusts_nobody():
    unknown = next(iter(ENGINE_UNKNOWN_SENTINELS))
    with stack_config.overridden({"aws:allowedAccountIds": unknown, "oci:tenancyOcid": unknown}):
        assert pc.trusted_account_ids({}) == frozenset()
        assert pc.trusted_tenancy_ocids({}) == frozenset()


def test_before_configure_stack_the_stack_config_is_the_pack_environments(monkeypatch):
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"aws:allowedAccountIds": [OURS]}))
    with stack_config.overridden(None):
        assert pc.trusted_account_ids({}) == {OURS}
        monkeypatch.setenv("PULUMI_CONFIG", "not json")
        assert pc.trusted_account_ids({}) == frozenset()
        monkeypatch.delenv("PULUMI_CONFIG")
        assert pc.trusted_account_ids({}) == frozenset()
    # Once the engine sent ConfigureStack, its config decides, even an empty one.
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"aws:allowedAccountIds": [OURS]}))
    with stack_config.overridden({}):
        assert pc.trusted_account_ids({}) == frozenset()


def test_policy_config_replaces_the_stack_config_even_when_empty():
    config = {
        pc.TRUSTED_ACCOUNT_IDS: [OTHER],
        pc.TRUSTED_TENANCY_OCIDS: ["ocid1.tenancy.oc1..b"],
        pc.TRUSTED_ORGANIZATION_IDS: ["o-abcdefghij"],
    }
    with stack_config.overridden(STACK):
        assert pc.trusted_account_ids(config) == {OTHER}
        assert pc.trusted_tenancy_ocids(config) == {"ocid1.tenancy.oc1..b"}
        assert pc.trusted_organization_ids(config) == {"o-abcdefghij"}
        # Set to nothing is "trust nothing", not "fall back to the stack".
        assert pc.trusted_account_ids({pc.TRUSTED_ACCOUNT_IDS: []}) == frozenset()


def test_realms_and_egress_defaults():
    assert pc.trusted_realms({}) == {"oc1"}
    assert pc.trusted_realms({pc.TRUSTED_REALMS: ["oc1", "oc2"]}) == {"oc1", "oc2"}
    assert pc.allowed_egress_hosts({}) == ()
    hosts = {pc.ALLOWED_EGRESS_HOSTS: ["*.partner.example", "api.example.com"]}
    assert pc.allowed_egress_hosts(hosts) == ("*.partner.example", "api.example.com")


def test_trust_schemas_validate_and_only_realms_and_egress_have_defaults():
    properties = pc.trust_config_properties()
    assert set(properties) == {
        pc.TRUSTED_ACCOUNT_IDS,
        pc.TRUSTED_TENANCY_OCIDS,
        pc.TRUSTED_ORGANIZATION_IDS,
        pc.TRUSTED_REALMS,
        pc.ALLOWED_EGRESS_HOSTS,
    }
    resolved = pc.resolve("residency-x", properties, {})
    assert resolved == {pc.TRUSTED_REALMS: ["oc1"], pc.ALLOWED_EGRESS_HOSTS: []}
    for key, bad in [
        (pc.TRUSTED_TENANCY_OCIDS, ["ocid1.compartment.oc1..a"]),
        (pc.TRUSTED_ORGANIZATION_IDS, ["org-1"]),
        (pc.TRUSTED_REALMS, ["commercial"]),
        (pc.ALLOWED_EGRESS_HOSTS, ["https://x.example.com/"]),
    ]:
        with pytest.raises(pc.ConfigError, match=key):
            pc.resolve("residency-x", properties, {key: bad})


def test_resolver_memoises_and_validates_a_changed_config_afresh(monkeypatch):
    calls = []
    real = pc.resolve
    monkeypatch.setattr(pc, "resolve", lambda *a: calls.append(a) or real(*a))
    resolver = pc.ConfigResolver("residency-region-allowlist", PROPS)
    narrow = {pc.ALLOWED_REGIONS: {"non-personal": {"aws": ["us-east-1"]}}}
    first = resolver(narrow)
    assert resolver({**narrow}) is first and len(calls) == 1  # equal config: no new validation
    assert pc.allowed_regions(first, "non-personal")["aws"] == {"us-east-1"}
    wide = resolver({pc.ALLOWED_REGIONS: {"non-personal": {"aws": ["ap-southeast-1"]}}})
    assert len(calls) == 2
    assert pc.allowed_regions(wide, "non-personal")["aws"] == {"ap-southeast-1"}
    assert pc.allowed_regions(resolver(narrow), "non-personal")["aws"] == {"us-east-1"}


def test_resolver_result_is_read_only_so_sharing_it_cannot_leak_between_calls():
    config = pc.ConfigResolver("residency-region-allowlist", PROPS)({})
    with pytest.raises(TypeError):
        config[pc.ALLOWED_REGIONS] = {}  # type: ignore[index]
    with pytest.raises(TypeError):
        config[pc.ALLOWED_REGIONS]["us-user-data"] = {}  # type: ignore[index]
    assert isinstance(config[pc.ALLOWED_REGIONS]["us-user-data"]["aws"], tuple)
    assert pc.allowed_regions(config, "us-user-data")["aws"] == {"us-east-1"}


def test_resolver_remembers_bad_config_and_raises_a_fresh_error_each_time(monkeypatch):
    calls = []
    real = pc.resolve
    monkeypatch.setattr(pc, "resolve", lambda *a: calls.append(a) or real(*a))
    resolver = pc.ConfigResolver("residency-region-allowlist", PROPS)
    bad = {pc.TRUSTED_ACCOUNT_IDS: ["12"]}
    errors = []
    for _ in range(2):
        with pytest.raises(pc.ConfigError) as error:
            resolver(bad)
        errors.append(error.value)
    assert len(calls) == 1
    assert errors[0] is not errors[1] and str(errors[0]) == str(errors[1])
    assert "trustedAccountIds[0]" in str(errors[1])
    assert pc.allowed_regions(resolver({}), "us-user-data")["aws"] == {"us-east-1"}


def _problem(raw) -> str:
    """The problems part of the one ConfigError that ``raw`` gets."""
    with pytest.raises(pc.ConfigError) as error:
        resolve(raw)
    prefix = "The policy config for `residency-region-allowlist` is invalid: "
    text, _, _ = str(error.value).partition(" Fix:")
    assert text.startswith(prefix)
    return text.removeprefix(prefix)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({pc.ALLOWED_REGIONS: {"us-user-data": {"aws": ["us-east-1", "us-east-1"]}}},
         "allowedRegions.us-user-data.aws: ['us-east-1', 'us-east-1'] has non-unique elements."),
        ({pc.ALLOWED_REGIONS: {"us-user-data": "us-east-1"}},
         "allowedRegions.us-user-data: 'us-east-1' is not of type 'object'."),
        ({pc.ALLOWED_REGIONS: "us-east-1"}, "allowedRegions: 'us-east-1' is not of type 'object'."),
        ({pc.ALLOWED_REGIONS: {"public": {"aws": "us-east-1"}}},
         "allowedRegions.public.aws: 'us-east-1' is not of type 'array'."),
        ({pc.TRUSTED_ACCOUNT_IDS: [111111111111]},
         "trustedAccountIds[0]: 111111111111 is not of type 'string'."),
        ({pc.EXEMPTIONS: [{**exemption(urn=BUCKET_URN), "expires": 20260701}]},
         "exemptions[0].expires: 20260701 is not of type 'string'."),
        ({pc.TRUSTED_ACCOUNT_IDS: "111111111111"},
         "trustedAccountIds: '111111111111' is not of type 'array'."),
        ({pc.TRUSTED_ACCOUNT_IDS: ["12345"]},
         "trustedAccountIds[0]: '12345' does not match '^[0-9]{12}$'."),
        ({pc.EXEMPTIONS: ["x"]}, "exemptions[0]: 'x' is not of type 'object'."),
        ({pc.EXEMPTIONS: [exemption(urn=BUCKET_URN, note="n")]},
         "exemptions[0]: Additional properties are not allowed ('note' was unexpected)."),
        ({pc.EXEMPTIONS: [{"policy": "residency-region-allowlist", "reason": "r",
                           "urn": BUCKET_URN}]},
         "exemptions[0]: 'expires' is a required property."),
        ({pc.EXEMPTIONS: [exemption(name="", type="aws:s3/bucket:Bucket")]},
         "exemptions[0].name: '' should be non-empty."),
        ({pc.EXEMPTIONS: [exemption(name="x", type="")]},
         "exemptions[0].type: '' should be non-empty."),
        ({pc.EXEMPTIONS: [exemption("2026-7-1", urn=BUCKET_URN)]},
         "exemptions[0].expires: '2026-7-1' does not match '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'."),
        ({pc.EXEMPTIONS: [exemption(urn=BUCKET_URN, name="x")]},
         "exemptions[0]: give either `urn`, or `name` with `type`, not both."),
        ({pc.EXEMPTIONS: [exemption(urn=BUCKET_URN, type="aws:s3/bucket:Bucket")]},
         "exemptions[0]: give either `urn`, or `name` with `type`, not both."),
        ({pc.EXEMPTIONS: [exemption()]},
         "exemptions[0]: {'policy': 'residency-region-allowlist', 'reason': 'r', 'expires': "
         "'2026-07-01'} is not valid under any of the given schemas."),
        # One problem an exemption: a bad target is not also judged on its expiry.
        ({pc.EXEMPTIONS: [exemption("2030-01-01", name="*")]},
         "exemptions[0]: name glob '*' needs `type`, the one resource type it is bounded to."),
        ({pc.EXEMPTION_HORIZON_DAYS: 0}, "exemptionHorizonDays: 0 is less than the minimum of 1."),
        ({pc.ALLOWED_REGIONS: {"us-user-data": {"aws": ["eu-west-1", "eu-west-2"]}}},
         "allowedRegions.us-user-data.aws: eu-west-1, eu-west-2 are outside the US jurisdiction;"
         " `us-user-data` may only be allowed in US regions (us-east-1, us-east-2, "
         "us-gov-east-1, us-gov-west-1, us-iso-east-1, us-iso-west-1, us-isob-east-1, "
         "us-isob-west-1, us-isof-east-1, us-isof-south-1, us-west-1, us-west-2)."),
    ],
)  # fmt: skip
def test_each_bad_setting_is_named_with_what_is_wrong(raw, expected):
    assert _problem(raw) == expected


def test_the_entry_level_and_a_one_day_horizon_are_accepted():
    # The SDK hands the policy's enforcementLevel over with its config.
    config = resolve({"enforcementLevel": "mandatory", pc.EXEMPTION_HORIZON_DAYS: 1})
    assert config[pc.EXEMPTION_HORIZON_DAYS] == 1 and "enforcementLevel" not in config
    assert resolve({})[pc.EXEMPTION_HORIZON_DAYS] == 90


def test_a_name_exemption_keeps_its_type():
    [parsed] = pc.exemptions(
        resolve({pc.EXEMPTIONS: [exemption(name="x*", type="aws:s3/bucket:Bucket")]})
    )
    assert (parsed.urn, parsed.name, parsed.type) == (None, "x*", "aws:s3/bucket:Bucket")


def test_a_urn_whose_name_has_the_separator_keeps_it_in_the_name():
    parts = pc.urn_parts("urn:pulumi:prod::p::aws:s3/bucket:Bucket::a::b")
    assert parts is not None and parts.name == "a::b"
    assert parts.qualified_type == "aws:s3/bucket:Bucket"


@pytest.mark.parametrize(
    ("host", "why"),
    [
        ("*.co.uk", "public suffix"),
        ("*.ngrok-free.app", "public suffix"),
        ("*.herokuapp.com", "public suffix"),
        ("*.s3.us-east-1.amazonaws.com", "public suffix"),
        ("*.us-east-1.rds.amazonaws.com", "public suffix"),
        ("*.amazonaws.com", "domain of AWS"),
        ("*.objectstorage.us-ashburn-1.oraclecloud.com", "domain of OCI"),
    ],
)
def test_egress_globs_on_a_public_suffix_or_a_cloud_domain_are_too_broad(host, why):
    properties = pc.trust_config_properties()
    with pytest.raises(pc.ConfigError, match="too broad") as raised:
        pc.resolve("residency-x", properties, {pc.ALLOWED_EGRESS_HOSTS: [host]})
    assert why in str(raised.value) and str(raised.value).count("too broad") == 1


@pytest.mark.parametrize(
    "host", ["*.partner.example", "*.hooks.partner.co.uk", "*.myapp.herokuapp.com", "ingest.x.io"]
)
def test_egress_globs_on_one_owners_domain_are_accepted(host):
    config = pc.resolve(
        "residency-x", pc.trust_config_properties(), {pc.ALLOWED_EGRESS_HOSTS: [host]}
    )
    assert pc.allowed_egress_hosts(config) == (host,)


def _declared(match, cloud="aws"):
    region = "us-east-1" if cloud == "aws" else "us-ashburn-1"
    account = OURS if cloud == "aws" else "ocid1.tenancy.oc1..a"
    return {"match": match, "cloud": cloud, "region": region, "account": account, "reason": "x"}


DECLARED = {"declaredPlaces": declared_places.declared_places_schema()}


@pytest.mark.parametrize(
    ("match", "why"),
    [
        ("arn:aws:s3:::*", "literal characters of its resource"),
        ("arn:aws:s3:::a*", "literal characters of its resource"),
        ("arn:aws:*:us-east-1:111111111111:x", "does not match"),
        ("https://*", "host must be written out"),
        ("https://partner.exa*", "host must be written out"),
        ("s3://audit-*", "host must be written out"),
        ("*.s3.us-east-1.amazonaws.com", "public suffix"),
        ("*.s3.dualstack.us-east-1.amazonaws.com", "public suffix"),
        ("*.us-ashburn-1.oraclecloud.com", "domain of OCI"),
        ("*.objectstorage.us-phoenix-1.oraclecloud.com", "domain of OCI"),
        ("https://*.s3.us-east-1.amazonaws.com/*", "does not match"),
        ("partner.example.*", "declared by its suffix"),
        ("collector.data-broker.example", "not a host of AWS"),  # belongs in allowedEgressHosts
    ],
)
def test_declared_places_that_cover_many_owners_are_refused(match, why):
    cloud = "oci" if "oraclecloud" in match else "aws"
    with pytest.raises(pc.ConfigError, match="declaredPlaces") as raised:
        pc.resolve("residency-x", DECLARED, {"declaredPlaces": [_declared(match, cloud)]})
    assert why in str(raised.value) and str(raised.value).count("declaredPlaces[0]") == 1


@pytest.mark.parametrize(
    "match",
    [
        "arn:aws:s3:::audit-archive*",
        "arn:aws:s3:::audit-archive",
        "s3://audit-archive/*",
        "orders.c9akciq32.us-east-1.rds.amazonaws.com",
        "*.c9akciq32.us-east-1.rds.amazonaws.com",
        "*.kms.us-ashburn-1.oraclecloud.com",  # a tenancy's vault endpoints (still judged)
        "https://audit-archive.s3.us-east-1.amazonaws.com/*",
        "10.20.30.40",
        "192.168.10.*",
        "audit-archive",
    ],
)
def test_declared_places_of_one_owner_are_accepted(match):
    cloud = "oci" if "oraclecloud" in match else "aws"
    config = pc.resolve("residency-x", DECLARED, {"declaredPlaces": [_declared(match, cloud)]})
    assert config["declaredPlaces"][0]["match"] == match

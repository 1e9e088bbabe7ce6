"""Stack configuration: valid stacks load; every kind of bad setting fails before any resource
is declared, naming the key and what it accepts."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from blueprint.config import ConfigError, load_config

P = "residency-blueprint:"


def _load(config: dict[str, Any], stack: str = "prod") -> Any:
    pulumi.runtime.set_all_config(
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    )
    try:
        return load_config(stack)
    finally:
        pulumi.runtime.set_all_config({})


def test_prod_stack_loads_full_blueprint(prod_config: dict[str, Any]) -> None:
    cfg = _load(prod_config)
    assert cfg.oci_regions == ("us-ashburn-1", "us-phoenix-1")
    assert cfg.aws_regions == ("us-east-1", "ap-southeast-1")
    assert cfg.aws_account_ids == ("111122223333",)
    assert cfg.realm == "oc1"


def test_dev_stack_has_one_oci_region_and_singapore_retired(dev_config: dict[str, Any]) -> None:
    cfg = _load(dev_config, "dev")
    assert cfg.dr_region is None
    assert cfg.oci_regions == ("us-ashburn-1",)
    assert cfg.restricted_region_retired
    assert cfg.aws_regions == ("us-east-1",)


def test_defaults_apply_when_a_setting_is_absent(prod_config: dict[str, Any]) -> None:
    minimal = {
        "oci:tenancyOcid": prod_config["oci:tenancyOcid"],
        "aws:allowedAccountIds": ["123456789012"],
    }
    cfg = _load(minimal)
    assert (cfg.primary_region, cfg.dr_region, cfg.backup_region) == (
        "us-ashburn-1",
        "us-phoenix-1",
        "us-east-1",
    )
    assert not cfg.restricted_region_retired


BAD_SETTINGS = [
    # (key, value, phrase the message must contain)
    (P + "primaryRegion", "eu-frankfurt-1", "not a US region"),
    (P + "primaryRegion", "us-nowhere-1", "not a known OCI region"),
    (P + "primaryRegion", "us-langley-1", "realm oc1"),  # a US region of another realm
    (P + "drRegion", "ca-toronto-1", "not a US region"),
    (P + "drRegion", "us-ashburn-1", "equals primaryRegion"),
    (P + "backupRegion", "eu-west-1", "outside the US jurisdiction"),
    (P + "backupRegion", "us-gov-west-1", "outside the US jurisdiction"),  # other partition
    (P + "backupRegion", "mars-north-1", "not a known AWS region"),
    (P + "restrictedRegion", "ap-nowhere-9", "not a known AWS region"),
    (P + "restrictedRegionRetired", "maybe", "must be a boolean"),
    (P + "drVcnCidr", "10.10.128.0/24", "overlaps primaryVcnCidr"),
    (P + "primaryVcnCidr", "8.8.0.0/16", "private range"),
    (P + "primaryVcnCidr", "not-a-cidr", "not an IPv4 CIDR"),
    (P + "dnsZoneName", "not a zone", "not a DNS zone name"),
    (P + "auditRetentionDays", 30, "out of range"),
    (P + "logRetentionDays", 45, "30, 60, 90, 120, 150, 180"),
    (P + "backupRetentionDays", "forever", "must be an integer"),
    (P + "databaseComputeCount", 1, "out of range"),
    ("oci:tenancyOcid", "ocid1.user.oc1..aaaaaaaaaaaaaaaaaaaaaaaaaaaa", "not a tenancy OCID"),
    ("aws:allowedAccountIds", ["1234"], "not a 12-digit account id"),
    ("aws:allowedAccountIds", [111122223333], "in quotes"),
    ("aws:allowedAccountIds", [], "non-empty list"),
    ("aws:region", "us-west-2", "differs from residency-blueprint:backupRegion"),
    ("oci:region", "us-phoenix-1", "differs from residency-blueprint:primaryRegion"),
]


# The default providers' regions must agree with these two settings (checked on its own below),
# so a case that changes one of them leaves the default provider's region unset.
_DEFAULT_PROVIDER_REGION = {P + "primaryRegion": "oci:region", P + "backupRegion": "aws:region"}


def _with(config: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    changed = {k: v for k, v in config.items() if k != _DEFAULT_PROVIDER_REGION.get(key)}
    changed[key] = value
    return changed


@pytest.mark.parametrize(("key", "value", "phrase"), BAD_SETTINGS)
def test_bad_setting_is_rejected_naming_the_key(
    prod_config: dict[str, Any], key: str, value: Any, phrase: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(_with(prod_config, key, value))
    assert caught.value.keys == [key], str(caught.value)
    assert phrase in str(caught.value)
    assert key in str(caught.value)


def test_region_errors_list_the_allowed_regions(prod_config: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(_with(prod_config, P + "primaryRegion", "eu-frankfurt-1"))
    message = str(caught.value)
    for allowed in ("us-ashburn-1", "us-phoenix-1", "us-chicago-1", "us-sanjose-1"):
        assert allowed in message
    assert "us-langley-1" not in message  # not in the tenancy's realm


@pytest.mark.parametrize("key", ["oci:tenancyOcid", "aws:allowedAccountIds"])
def test_provider_identity_settings_are_required(prod_config: dict[str, Any], key: str) -> None:
    config = {k: v for k, v in prod_config.items() if k != key}
    with pytest.raises(ConfigError) as caught:
        _load(config)
    assert caught.value.keys == [key]
    assert "is required" in str(caught.value)


def test_every_problem_is_reported_at_once(prod_config: dict[str, Any]) -> None:
    bad = {
        **prod_config,
        P + "primaryRegion": "eu-frankfurt-1",
        P + "backupRegion": "eu-west-1",
        P + "logRetentionDays": 45,
    }
    with pytest.raises(ConfigError) as caught:
        _load(bad)
    assert caught.value.keys == [
        P + "primaryRegion",
        P + "backupRegion",
        P + "logRetentionDays",
        "oci:region",
        "aws:region",
    ]
    assert "Pulumi.prod.yaml" in str(caught.value)


def test_config_error_is_a_run_error_so_the_cli_prints_no_traceback() -> None:
    assert issubclass(ConfigError, pulumi.RunError)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (P + "drRegion", "eu-amsterdam-1"),
        (P + "backupRegion", "ap-southeast-1"),
        ("aws:allowedAccountIds", ["not-an-account"]),
    ],
)
def test_program_with_bad_config_declares_nothing(
    prod_config: dict[str, Any], runner: Any, last_run: Any, key: str, value: Any
) -> None:
    # The same runner, on the valid stack, records every registration: so an empty record
    # below means nothing was declared, not that nothing was recorded.
    assert runner(prod_config).resources
    with pytest.raises(ConfigError) as caught:
        runner(_with(prod_config, key, value))
    assert caught.value.keys == [key]
    assert last_run.registrations == []

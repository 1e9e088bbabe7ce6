"""preflight.stack_secrets: a stack's secrets key must sit in a region allowed for US user data."""

from __future__ import annotations

import base64

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from residency_pack.engine import pack_config, region_catalog

from preflight.stack_secrets import (
    ENCRYPTED_KEY,
    RECOMMENDED_PROVIDER,
    SECRETS_PROVIDER,
    StackSecretsWarning,
    check_stack_secrets,
)

# The pack's default table for us-user-data, which the check uses when given none.
ALLOWED = pack_config.allowed_regions({}, "us-user-data")
# An opaque ciphertext (as AWS KMS returns it) that names no key readably.
OPAQUE = base64.b64encode(bytes(range(1, 200))).decode()


def check(stack_file: object) -> list[StackSecretsWarning]:
    return check_stack_secrets(stack_file, file_name="Pulumi.prod.yaml")  # type: ignore[arg-type]


def only(warnings: list[StackSecretsWarning], setting: str) -> str:
    assert [w.setting for w in warnings] == [setting], warnings
    assert "Fix:" in warnings[0].message
    assert "Pulumi.prod.yaml" in warnings[0].message
    return warnings[0].message


def test_the_recommended_stack_file_lines_pass() -> None:
    text = (
        f"secretsprovider: {RECOMMENDED_PROVIDER}\n"
        f"encryptedkey: {OPAQUE}\n"
        "config:\n  aws:region: us-east-1\n"
    )
    assert check(yaml.safe_load(text)) == []


@pytest.mark.parametrize(
    "provider",
    [
        "awskms://alias/residency-pulumi-secrets?region=us-east-1",
        "awskms://1234abcd-12ab-34cd-56ef-1234567890ab?region=us-east-1",
        "awskms:///arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "awskms:///arn:aws:kms:us-east-1:111111111111:alias/residency?region=us-east-1",
    ],
)
def test_aws_kms_keys_in_us_east_1_pass(provider: str) -> None:
    assert check({"secretsprovider": provider}) == []


def test_a_kms_key_in_singapore_is_reported_with_its_region() -> None:
    message = only(
        check({"secretsprovider": "awskms://alias/residency?region=ap-southeast-1"}),
        SECRETS_PROVIDER,
    )
    assert "ap-southeast-1" in message
    assert "outside the regions allowed" in message


def test_a_kms_key_arn_outside_the_us_is_reported_even_without_a_region_parameter() -> None:
    arn = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    message = only(check({"secretsprovider": f"awskms:///{arn}"}), SECRETS_PROVIDER)
    assert "eu-west-1" in message


def test_a_key_arn_whose_region_contradicts_the_region_parameter_is_reported() -> None:
    arn = "arn:aws:kms:eu-west-1:111111111111:key/abcd"
    message = only(
        check({"secretsprovider": f"awskms:///{arn}?region=us-east-1"}), SECRETS_PROVIDER
    )
    assert "eu-west-1" in message and "region=us-east-1" in message


def test_an_alias_without_a_region_fails_closed() -> None:
    message = only(check({"secretsprovider": "awskms://alias/residency"}), SECRETS_PROVIDER)
    assert "without saying its region" in message
    assert "?region=" in message


def test_an_unknown_aws_region_name_is_reported() -> None:
    message = only(
        check({"secretsprovider": "awskms://alias/k?region=us-nowhere-9"}), SECRETS_PROVIDER
    )
    assert "not a known AWS region" in message


@pytest.mark.parametrize(
    ("stack_file", "expected"),
    [
        ({"secretsprovider": "passphrase", "encryptionsalt": "v1:abc"}, "passphrase"),
        ({"encryptionsalt": "v1:abc"}, "passphrase-derived"),
        ({"config": {"aws:region": "us-east-1"}}, "declares no `secretsprovider`"),
        (None, "declares no `secretsprovider`"),
        ({"secretsprovider": "default"}, "Pulumi Cloud managed key"),
        ({"secretsprovider": 42}, "must be a string"),
        (
            {"secretsprovider": "ocikms://ocid1.key.oc1.iad.x"},
            "not a secrets provider the Pulumi CLI",
        ),
    ],
)
def test_keys_whose_region_the_stack_file_cannot_show_fail_closed(
    stack_file: object, expected: str
) -> None:
    assert expected in only(check(stack_file), SECRETS_PROVIDER)


@pytest.mark.parametrize(
    "provider",
    [
        "gcpkms://projects/p/locations/us-east1/keyRings/r/cryptoKeys/k",
        "azurekeyvault://residency.vault.azure.net/keys/pulumi",
    ],
)
def test_keys_on_clouds_where_user_data_may_not_live_are_reported(provider: str) -> None:
    assert "on a cloud where user data may not live" in only(
        check({"secretsprovider": provider}), SECRETS_PROVIDER
    )


def test_hashicorp_vault_cannot_be_placed_and_fails_closed() -> None:
    assert only(check({"secretsprovider": "hashivault://pulumi"}), SECRETS_PROVIDER)


def test_an_encrypted_key_that_is_not_base64_is_reported() -> None:
    stack_file = {"secretsprovider": RECOMMENDED_PROVIDER, "encryptedkey": "not base64 at all!"}
    assert "not base64" in only(check(stack_file), ENCRYPTED_KEY)


def test_an_encrypted_key_wrapped_by_a_key_outside_the_us_is_reported() -> None:
    blob = b"\x01\x02arn:aws:kms:eu-central-1:111111111111:key/1234abcd\x00\xff"
    stack_file = {
        "secretsprovider": RECOMMENDED_PROVIDER,
        "encryptedkey": base64.b64encode(blob).decode(),
    }
    message = only(check(stack_file), ENCRYPTED_KEY)
    assert "eu-central-1" in message


def test_an_encrypted_key_wrapped_by_an_oci_key_outside_the_us_is_reported() -> None:
    blob = b"\x00ocid1.key.oc1.fra.abcdefghij.abcdefghijklmnop\x00"
    stack_file = {
        "secretsprovider": RECOMMENDED_PROVIDER,
        "encryptedkey": base64.b64encode(blob).decode(),
    }
    message = only(check(stack_file), ENCRYPTED_KEY)
    assert "eu-frankfurt-1" in message


def test_an_encrypted_key_from_another_allowed_key_than_the_provider_is_reported() -> None:
    blob = b"\x00ocid1.key.oc1.iad.abcdefghij.abcdefghijklmnop\x00"
    stack_file = {
        "secretsprovider": RECOMMENDED_PROVIDER,
        "encryptedkey": base64.b64encode(blob).decode(),
    }
    message = only(check(stack_file), ENCRYPTED_KEY)
    assert "cannot decrypt" in message


def test_an_encrypted_key_wrapped_by_the_provider_key_passes() -> None:
    blob = b"\x01arn:aws:kms:us-east-1:111111111111:key/1234abcd\x00"
    stack_file = {
        "secretsprovider": RECOMMENDED_PROVIDER,
        "encryptedkey": base64.b64encode(blob).decode(),
    }
    assert check(stack_file) == []


def test_warnings_render_with_their_setting() -> None:
    (warning,) = check({"secretsprovider": "passphrase"})
    assert str(warning).startswith("secretsprovider: Pulumi.prod.yaml")


AWS_REGIONS = sorted(region_catalog.regions("aws"))


@given(st.sampled_from(AWS_REGIONS), st.booleans())
def test_any_aws_region_outside_the_allowed_set_is_reported(region: str, as_arn: bool) -> None:
    if as_arn:
        provider = f"awskms:///arn:aws:kms:{region}:111111111111:key/1234abcd"
    else:
        provider = f"awskms://alias/residency-pulumi-secrets?region={region}"
    warnings = check({"secretsprovider": provider})
    if region in ALLOWED["aws"]:
        assert warnings == []
    else:
        assert [w.setting for w in warnings] == [SECRETS_PROVIDER]
        assert region in warnings[0].message


@given(
    st.dictionaries(
        st.text(max_size=20), st.one_of(st.none(), st.text(), st.integers()), max_size=6
    )
)
def test_no_stack_file_makes_the_check_raise(stack_file: dict[str, object]) -> None:
    for warning in check(stack_file):
        assert warning.setting in (SECRETS_PROVIDER, ENCRYPTED_KEY)


def test_the_allowed_table_comes_from_the_pack_config() -> None:
    stack_file = {"secretsprovider": "awskms://alias/residency?region=us-west-2"}
    assert [w.setting for w in check(stack_file)] == [SECRETS_PROVIDER]
    widened = pack_config.allowed_regions(
        {"allowedRegions": {"us-user-data": {"aws": ["us-east-1", "us-west-2"]}}}, "us-user-data"
    )
    assert check_stack_secrets(stack_file, allowed=widened) == []
    assert "us-east-1" in ALLOWED["aws"] and "ap-southeast-1" not in ALLOWED["aws"]

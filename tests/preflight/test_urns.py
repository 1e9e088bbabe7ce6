"""Engine URNs, default provider names and custom-timeout durations."""

from __future__ import annotations

import pytest

from preflight.program_runner import parse_duration
from preflight.urns import default_provider_name, make_urn, package_of, qualified_type

STACK = "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod"


def test_the_root_stack_is_not_part_of_a_childs_type() -> None:
    assert make_urn("prod", "shop", STACK, "aws:s3/bucket:Bucket", "b") == (
        "urn:pulumi:prod::shop::aws:s3/bucket:Bucket::b"
    )


def test_nested_parents_chain_their_types() -> None:
    comp = make_urn("prod", "shop", STACK, "my:index:Comp", "c")
    inner = make_urn("prod", "shop", comp, "my:index:Inner", "i")
    leaf = make_urn("prod", "shop", inner, "aws:s3/bucket:Bucket", "b::x")
    assert leaf == "urn:pulumi:prod::shop::my:index:Comp$my:index:Inner$aws:s3/bucket:Bucket::b::x"
    assert qualified_type(leaf) == "my:index:Comp$my:index:Inner$aws:s3/bucket:Bucket"


@pytest.mark.parametrize(
    ("version", "url", "name"),
    [
        ("7.51.1", "", "default_7_51_1"),
        ("", "", "default"),
        ("1.2.3-alpha.1", "", "default_1_2_3_alpha_1"),
    ],
)
def test_default_provider_names(version: str, url: str, name: str) -> None:
    assert default_provider_name(version, url) == name


def test_package_of() -> None:
    assert package_of("aws:s3/bucket:Bucket") == "aws"
    assert package_of("pulumi:providers:oci") == "oci"


@pytest.mark.parametrize(
    ("text", "seconds"), [("5m", 300), ("1h30m", 5400), ("90s", 90), ("1.5h", 5400), ("", 0)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_bad_duration() -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration("5 minutes")

"""--policy-pack-config is parsed, reconciled and validated as the CLI does it."""

from __future__ import annotations

from pathlib import Path

import pytest

from preflight.errors import PreflightError
from preflight.model import PolicyInfo
from preflight.policy_config import PolicyConfig, parse_policy_pack_config, reconcile_policy_config

POLICIES = [
    PolicyInfo(
        name="limits",
        description="",
        enforcement="advisory",
        severity="",
        config_schema={
            "properties": {
                "max": {"type": "integer", "minimum": 1, "default": 10},
                "names": {"type": "array", "items": {"type": "string"}},
            },
            "required": [],
        },
    ),
    PolicyInfo(name="plain", description="", enforcement="mandatory", severity=""),
]


def reconcile(initial=None, given=None):
    return reconcile_policy_config(
        POLICIES, initial or {}, given, pack="p", version="1.0.0", source="cfg.json"
    )


def test_levels_as_strings_or_objects() -> None:
    parsed = parse_policy_pack_config(
        '{"plain": "disabled", "limits": {"enforcementLevel": "mandatory", "max": 3}, "x": {}}',
        "cfg.json",
    )
    assert parsed == {
        "plain": PolicyConfig("disabled", None),
        "limits": PolicyConfig("mandatory", {"max": 3}),
    }


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('{"plain": "strict"}', "'strict' is not a valid enforcement level"),
        ('{"plain": {"enforcementLevel": 3}}', "must be a string"),
        ('{"plain": 3}', "must be a string or object"),
        ('{"plain": ', r"cfg\.json:1:\d+: malformed JSON"),
        ("[1]", "expected a JSON object"),
    ],
)
def test_bad_files_are_named(text: str, error: str) -> None:
    with pytest.raises(PreflightError, match=error):
        parse_policy_pack_config(text, "cfg.json")


def test_schema_defaults_then_initial_config_then_the_file() -> None:
    assert reconcile()["limits"] == PolicyConfig("advisory", {"max": 10})
    initial = {"limits": PolicyConfig("mandatory", {"max": 5})}
    assert reconcile(initial)["limits"] == PolicyConfig("mandatory", {"max": 5})
    given = {"limits": PolicyConfig("", {"names": ["a"]})}
    assert reconcile(initial, given)["limits"] == PolicyConfig(
        "mandatory", {"max": 5, "names": ["a"]}
    )


def test_all_sets_every_level_and_a_named_policy_wins() -> None:
    result = reconcile(given={"all": PolicyConfig("disabled"), "plain": PolicyConfig("advisory")})
    assert result["limits"].enforcement == "disabled"
    assert result["plain"].enforcement == "advisory"


def test_config_the_schema_rejects_is_an_error_naming_file_and_policy() -> None:
    with pytest.raises(PreflightError, match=r"cfg\.json: .*limits: max: 0 is less than"):
        reconcile(given={"limits": PolicyConfig("", {"max": 0})})


def test_a_misspelled_policy_name_is_an_error_naming_the_closest_policy() -> None:
    with pytest.raises(PreflightError) as raised:
        reconcile(given={"limts": PolicyConfig("mandatory")})
    message = raised.value.message
    assert message.startswith("cfg.json: 'limts' is not a policy of pack 'p' 1.0.0; ")
    assert "did you mean 'limits'?" in message


def test_an_unknown_config_key_names_the_policy_the_key_and_the_allowed_keys() -> None:
    with pytest.raises(PreflightError) as raised:
        reconcile(given={"limits": PolicyConfig("", {"maxx": 3})})
    assert raised.value.message == (
        "cfg.json: policy 'limits' of pack 'p' has no config key 'maxx' (did you mean 'max'?); "
        "allowed keys: max, names."
    )
    with pytest.raises(PreflightError, match=r"'plain' .* has no config key 'max'; it takes no"):
        reconcile(given={"plain": PolicyConfig("", {"max": 3})})
    with pytest.raises(PreflightError, match='"all" sets only the enforcement level'):
        reconcile(given={"all": PolicyConfig("mandatory", {"max": 3})})


def test_the_stack_config_file_of_the_pack_is_the_default(tmp_path: Path) -> None:
    from preflight.cli import policy_pack_configs

    pack, other = tmp_path / "pack", tmp_path / "other"
    (pack / "config").mkdir(parents=True)
    other.mkdir()
    (pack / "config" / "prod.json").write_text("{}", encoding="utf-8")
    given = tmp_path / "given.json"
    assert policy_pack_configs([pack, other], [], "prod") == [pack / "config" / "prod.json", None]
    assert policy_pack_configs([pack], [], "dev") == [None]
    assert policy_pack_configs([pack], [given], "prod") == [given]

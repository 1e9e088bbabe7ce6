"""The policy config files (one per stack) and the JSON Schema the pack derives from its own
policies' config schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from residency_pack import config_schema
from residency_pack.policies import all_policies

CONFIG_DIR = config_schema.SCHEMA_FILE.parent
ROOT = Path(__file__).resolve().parents[2]


def _schema() -> dict[str, Any]:
    loaded = json.loads(config_schema.SCHEMA_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_the_committed_schema_is_what_the_policies_generate() -> None:
    assert config_schema.main(["--check"]) == 0, (
        "run `uv run python -m residency_pack.config_schema --write`"
    )


def test_the_drift_check_fails_on_a_stale_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "policy-config.schema.json"
    stale.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(config_schema, "SCHEMA_FILE", stale)
    assert config_schema.main(["--check"]) == 1


def test_each_section_is_its_policys_own_config_schema() -> None:
    schema = _schema()
    for policy in all_policies():
        assert policy.config_schema is not None
        section = schema["properties"][policy.name]["oneOf"][1]["properties"]
        assert {k: v for k, v in section.items() if k != "enforcementLevel"} == json.loads(
            json.dumps(policy.config_schema.properties)
        )


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_every_stack_has_a_config_file_the_schema_accepts(stack: str) -> None:
    assert (ROOT / f"Pulumi.{stack}.yaml").is_file()
    document = json.loads((CONFIG_DIR / f"{stack}.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(_schema()).validate(document)


@pytest.mark.parametrize(
    "bad",
    [
        {"residency-region-allowlist": {"allowedRegion": {}}},  # misspelt key
        {"residency-region-alowlist": {"exemptions": []}},  # misspelt policy
        {"residency-region-allowlist": "advisory"},  # switches a policy off
        {"all": "disabled"},
        {"residency-region-allowlist": {"exemptions": [{"urn": "urn:pulumi:a::b::c:d:e::f",
                                                        "policy": "residency-region-allowlist",
                                                        "expires": "2026-01-01"}]}},  # no reason
    ],
)  # fmt: skip
def test_the_schema_refuses_bad_config(bad: dict[str, Any]) -> None:
    assert list(jsonschema.Draft7Validator(_schema()).iter_errors(bad))

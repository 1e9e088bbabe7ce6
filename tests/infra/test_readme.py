"""The top-level README documents what the program actually does."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pulumi
import pytest
from blueprint.config import SETTINGS, ConfigError, load_config

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _table_rows(heading: str) -> dict[str, list[str]]:
    section = README.split(heading, 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 1 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def _literal(value: Any) -> str:
    return json.dumps(value) if isinstance(value, bool) else str(value)


def test_every_setting_is_documented_with_its_type_and_default() -> None:
    rows = _table_rows("### Project settings")
    assert list(rows) == [s.key for s in SETTINGS]
    for setting in SETTINGS:
        type_, default, meaning = rows[setting.key]
        assert type_ == setting.type
        assert default == f"`{_literal(setting.default)}`"
        assert meaning


def test_provider_settings_the_program_reads_are_documented() -> None:
    rows = _table_rows("### Provider and engine settings")
    documented = " ".join(rows)
    for key in ("oci:tenancyOcid", "aws:allowedAccountIds", "oci:region", "aws:region"):
        assert key in documented


def test_set_up_commands_and_real_path_are_given() -> None:
    assert "uv run preflight" in README and "uv run pytest" in README
    for command in (
        "pulumi login",
        "pulumi stack select prod",
        "pulumi preview --policy-pack policy_packs/residency",
        "pulumi up",
    ):
        assert command in README
    assert "```mermaid" in README


def test_the_config_error_example_is_what_the_program_prints(prod_config: dict[str, Any]) -> None:
    example = README.split("values it accepts, for example:\n\n```\n", 1)[1].split("\n```", 1)[0]
    key, value = re.search(r"- (\S+): '([^']+)'", example).groups()  # type: ignore[union-attr]
    config = {**prod_config, key: value}
    pulumi.runtime.set_all_config(
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
    )
    try:
        with pytest.raises(ConfigError) as caught:
            load_config("prod")
    finally:
        pulumi.runtime.set_all_config({})
    assert str(caught.value) == example


def test_every_stack_output_is_documented(prod: Any) -> None:
    section = README.split("### Stack outputs", 1)[1].split("\n## ", 1)[0]
    for name in prod.outputs:
        assert f"`{name}`" in section, name

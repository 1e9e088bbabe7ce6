"""The residency facts preflight adds to the report are judged under the config the residency
pack received, so a report never disagrees with the pack."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from preflight.run import Options, run_preflight

from .conftest import PROGRAMS, RESIDENCY_PACK

WEST_KEY = "awskms://alias/residency-pulumi-secrets?region=us-west-2"


def _secrets_notes(tmp_path: Path, config: dict[str, object] | None) -> list[str]:
    program = Path(shutil.copytree(PROGRAMS / "faithful", tmp_path / "faithful"))
    stack_file = program / "Pulumi.prod.yaml"
    stack_file.write_text(f"secretsprovider: {WEST_KEY}\n" + stack_file.read_text())
    configs = []
    if config is not None:
        config_file = tmp_path / "policy-config.json"
        config_file.write_text(json.dumps(config))
        configs.append(config_file)
    report = run_preflight(
        Options(
            program_dir=program,
            stack="prod",
            policy_packs=[RESIDENCY_PACK],
            policy_pack_configs=configs,
        )
    )
    return [note for note in report.notes if note.startswith("secretsprovider")]


def test_the_secrets_key_is_judged_by_the_table_the_pack_received(tmp_path: Path) -> None:
    (default,) = _secrets_notes(tmp_path / "default", None)
    assert "us-west-2" in default

    west_allowed = {
        "residency-region-allowlist": {
            "allowedRegions": {"us-user-data": {"aws": ["us-east-1", "us-west-2"]}}
        }
    }
    assert _secrets_notes(tmp_path / "configured", west_allowed) == []

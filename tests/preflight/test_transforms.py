"""Transforms run engine-side: the pack sees resources after them, in the engine's order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from preflight.run import Options, run_preflight

from .conftest import PACKS, PROGRAMS

URN = "urn:pulumi:prod::transforms::"


def test_the_pack_sees_transformed_resources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    echo = tmp_path / "echo.jsonl"
    monkeypatch.setenv("PREFLIGHT_ECHO_FILE", str(echo))
    run_preflight(Options(program_dir=PROGRAMS / "transforms", policy_packs=[PACKS / "echo"]))
    analyzed = {
        r["urn"]: r
        for r in map(json.loads, echo.read_text().splitlines())
        if r["call"] == "Analyze"
    }
    inner = analyzed[f"{URN}transforms:index:Store$aws:s3/bucket:Bucket::users-bucket"]
    # Own transform first, then the parent's, then the stack's.
    assert inner["props"]["tags"]["order"] == "own,parent,stack,"
    assert inner["props"]["tags"]["data-classification"] == "non-personal"
    assert inner["opts"]["protect"] is True  # an option a transform set
    plain = analyzed[f"{URN}aws:s3/bucket:Bucket::plain"]
    assert plain["props"]["tags"]["order"] == "stack,"
    assert plain["opts"]["protect"] is False

"""The program's process reports each resource type's computed outputs, so preflight's own
process does not import the SDK subpackages again to list them."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from preflight import program_runner

from .conftest import REPO

RUN_AND_REPORT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from preflight import program_runner
    from preflight.project import load_project, load_stack_config

    project = load_project(Path(sys.argv[1]))
    run = program_runner.run_program(project, load_stack_config(project, "prod"))
    sdk = sorted(m for m in sys.modules if m.startswith(("pulumi_aws.", "pulumi_oci.")))
    print(json.dumps({
        "reported": {t: sorted(n) for t, n in program_runner._REPORTED_OUTPUTS.items()},
        "types": sorted({r.type for r in run.resources if r.custom}),
        "sdk_modules_here": sdk,
    }))
    """
)


def test_the_blueprints_outputs_come_from_the_programs_process_and_match_the_sdk() -> None:
    import json

    result = subprocess.run(
        [sys.executable, "-c", RUN_AND_REPORT, str(REPO)],
        capture_output=True, text=True, timeout=240, cwd=REPO, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    providers = {t for t in found["types"] if t.startswith("pulumi:providers:")}
    assert set(found["reported"]) >= set(found["types"]) - providers
    # Nothing imported here to list outputs: the program's process had the classes loaded.
    assert found["sdk_modules_here"] == []
    # And what it reported is what the SDK says, computed here the old way.
    for token, names in found["reported"].items():
        assert names == sorted(program_runner._sdk_output_names(token)), token

"""A resource passed as a resource (``role=role``), in every position, neither crashes nor hangs.

The SDK sends such an input as a resource reference. The engine hands an analyzer the referenced
resource's ID instead (unknown in a preview), and the program may read the reference back from
an output, which the SDK rebuilds into a resource on the program's own event loop.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from .conftest import PROGRAMS, REPO

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
RUNS = 5
PROCESSES = 4  # 4 x 5 runs: twenty runs in all, spread over the test workers

# Each run in the same process: state left behind by one run (event loops, executor threads,
# the SDK's RPC list) is what used to crash or hang the next one.
REPEATED_RUNS = textwrap.dedent(
    f"""
    import json, sys
    from pathlib import Path
    from google.protobuf import json_format
    from preflight.program_runner import run_program
    from preflight.project import load_project, load_stack_config

    project = load_project(Path(sys.argv[1]))
    config = load_stack_config(project, "prod")
    for _ in range({RUNS}):
        run = run_program(project, config)
        print(json.dumps({{
            r.name: {{
                "props": json_format.MessageToDict(r.properties),
                "parent": r.parent,
                "provider": r.provider.urn if r.provider else None,
                "source": r.source,
            }}
            for r in run.resources
        }}))
    """
)


@pytest.mark.parametrize("process", range(PROCESSES))
def test_resource_references_twenty_runs_no_crash_no_hang(process: int) -> None:
    result = subprocess.run(
        [sys.executable, "-c", REPEATED_RUNS, str(PROGRAMS / "references")],
        capture_output=True,
        text=True,
        timeout=120,  # a hang fails here instead of stalling the suite
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    runs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(runs) == RUNS
    assert all(run == runs[0] for run in runs)
    # No asyncio complaint about a task left on another loop, or destroyed while pending.
    assert "Task" not in result.stderr, result.stderr[-3000:]

    resources = runs[0]
    urn = "urn:pulumi:prod::references::"
    east = f"{urn}pulumi:providers:aws::east"
    # top level, in a list, in a dict: the referenced role's ID, unknown before it exists
    assert resources["attach"]["props"]["role"] == UNKNOWN
    assert resources["everyone"]["props"]["roles"] == [UNKNOWN, UNKNOWN]
    assert resources["tagged"]["props"]["tags"] == {"role": UNKNOWN, "owner": "platform"}
    # as a provider (explicit, and inherited from a component's providers) and as a parent
    assert resources["role"]["provider"] == east
    assert resources["team-role"]["provider"] == east
    assert resources["profile"]["provider"] == east
    assert resources["profile"]["parent"] == f"{urn}references:index:Team::team"
    assert resources["profile"]["props"]["role"] == UNKNOWN
    # a provider's declaration site is the program's line, not the provider SDK's file
    assert resources["east"]["source"] == "__main__.py:32"
    assert resources["team-role"]["source"] == "__main__.py:26"
    # the resource-valued outputs the program exported reached the stack
    assert set(resources) >= {"references-prod", "team", "default_7_51_1"}

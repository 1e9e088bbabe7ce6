"""The GitHub workflows pass actionlint (with shellcheck over their run scripts) and keep
the properties the delivery design relies on: OIDC only, minimal permissions, the pack
enforced on preview and up, prod behind an approval environment."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
PACK_DIR = "policy_packs/residency"


def _venv_tool(name: str) -> str:
    """The tool installed in this interpreter's environment (uv's dev group)."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: run `uv sync --locked` (it is a dev dependency)")
    return found


def _load(name: str) -> dict[str, Any]:
    with (WORKFLOWS / name).open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    assert isinstance(document, dict), f"{name} is not a YAML mapping"
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    if True in document:
        document["on"] = document.pop(True)
    return document


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def _uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in _steps(job) if str(s.get("uses", "")).split("@")[0] == action]


def test_actionlint_passes_on_every_workflow() -> None:
    actionlint = _venv_tool("actionlint")
    shellcheck = _venv_tool("shellcheck")
    env = dict(os.environ)
    # actionlint runs shellcheck on `run:` scripts when it finds it on PATH.
    env["PATH"] = os.pathsep.join([str(Path(shellcheck).parent), env.get("PATH", "")])
    result = subprocess.run(
        [actionlint, "-no-color"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"actionlint found problems:\n{result.stdout}{result.stderr}"


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    """Guards the test above: the installed binary does lint (and runs shellcheck)."""
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo $UNQUOTED\n"
        "      - uses: pulumi/actions@v7\n        with:\n          not-an-input: 1\n",
        encoding="utf-8",
    )
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(_venv_tool("shellcheck")).parent), env["PATH"]])
    result = subprocess.run(
        [_venv_tool("actionlint"), "-no-color", "-oneline", str(broken)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "SC2086" in result.stdout
    assert 'input "not-an-input" is not defined' in result.stdout


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml"])
def test_permissions_are_minimal_and_credentials_come_from_oidc(name: str) -> None:
    workflow = _load(name)
    assert workflow.get("permissions") == {}, f"{name}: default permissions must be empty"
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    # No long-lived credential is read from GitHub secrets.
    assert "${{ secrets." not in text, f"{name} reads a GitHub secret; use OIDC"
    assert not re.search(r"AWS_ACCESS_KEY_ID\s*:", text), f"{name} sets static AWS keys"
    assert "PULUMI_ACCESS_TOKEN" not in text, f"{name} uses a Pulumi access token; use OIDC"
    for job_name, job in workflow["jobs"].items():
        permissions = job.get("permissions", {})
        assert isinstance(permissions, dict), f"{name}:{job_name} permissions must be explicit"
        assert "write-all" not in str(permissions)
        assert permissions.get("contents") == "read", f"{name}:{job_name}"
        uses_cloud = bool(_uses(job, "pulumi/auth-actions"))
        # id-token: write exactly where a cloud or Pulumi Cloud login happens.
        assert (permissions.get("id-token") == "write") == uses_cloud, f"{name}:{job_name}"
        if uses_cloud:
            esc = _uses(job, "pulumi/esc-action")
            assert esc, f"{name}:{job_name}: cloud credentials come from the ESC environment"


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml"])
def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment(name: str) -> None:
    """Supply chain: a tag can be moved, a commit cannot. The comment says which release the
    commit is (looked up in each action's repository; docs/ci-and-credentials.md)."""
    lines = [ln for ln in (WORKFLOWS / name).read_text(encoding="utf-8").splitlines()]
    uses = [ln for ln in lines if re.match(r"\s*(- )?uses:", ln)]
    assert uses, name
    for line in uses:
        assert re.fullmatch(
            r"\s*(- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line
        ), f"{name}: not pinned to a commit SHA with `# vX.Y.Z`: {line.strip()}"


def test_preview_runs_tests_preflight_sarif_and_a_real_preview_with_the_pack() -> None:
    workflow = _load("preview.yml")
    assert "pull_request" in workflow["on"]
    checks = workflow["jobs"]["preflight"]
    scripts = "\n".join(str(s.get("run", "")) for s in _steps(checks))
    assert "uv sync --locked" in scripts
    assert "uv run pytest" in scripts
    assert "--format markdown --output preflight.md" in scripts
    assert "--format sarif --output preflight.sarif" in scripts
    (upload,) = _uses(checks, "github/codeql-action/upload-sarif")
    assert upload["with"]["sarif_file"] == "preflight.sarif"
    assert checks["permissions"].get("security-events") == "write"

    preview = workflow["jobs"]["preview"]
    (pulumi,) = _uses(preview, "pulumi/actions")
    assert pulumi["with"]["command"] == "preview"
    assert str(pulumi["with"]["stack-name"]).endswith("/prod")
    assert pulumi["with"]["comment-on-pr"] is True
    assert preview["permissions"].get("pull-requests") == "write"
    (esc,) = _uses(preview, "pulumi/esc-action")
    assert str(esc["with"]["environment"]).endswith("/residency/ci-preview")


def test_deploy_runs_behind_an_approval_environment() -> None:
    workflow = _load("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "preflight"
    environment = deploy["environment"]
    assert (environment["name"] if isinstance(environment, dict) else environment) == "prod"
    (esc,) = _uses(deploy, "pulumi/esc-action")
    assert str(esc["with"]["environment"]).endswith("/residency/ci-deploy")
    assert workflow["concurrency"]["cancel-in-progress"] is False


# --- Every `pulumi preview` / `pulumi up` a workflow can run, however it is spelled ---------


@dataclass(frozen=True)
class PulumiRun:
    job: str
    step: int
    command: str  # "preview" or "up"
    policy_packs: tuple[str, ...]
    policy_pack_configs: tuple[str, ...]
    skips_preview: bool
    stack: str


_UP = {"up", "update"}
_ENV_REF = re.compile(r"\$\{\{\s*env\.(\w+)\s*\}\}|\$\{(\w+)\}|\$(\w+)")


def _expand(text: str, env: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = next(g for g in match.groups() if g)
        return env.get(name, match.group(0))

    return _ENV_REF.sub(value, text)


def _flag_values(args: list[str], flag: str) -> tuple[str, ...]:
    values = []
    for index, arg in enumerate(args):
        if arg == flag and index + 1 < len(args):
            values.append(args[index + 1])
        elif arg.startswith(flag + "="):
            values.append(arg.split("=", 1)[1])
    return tuple(values)


def _skips_preview(args: list[str]) -> bool:
    # `-f` is the short form of `--skip-preview` (`pulumi up --help`); short flags combine.
    return any(
        a == "--skip-preview" or a.startswith("--skip-preview=")
        or (re.fullmatch(r"-[A-Za-z]+", a) is not None and "f" in a)
        for a in args
    )  # fmt: skip


def _cli_runs(job_name: str, index: int, script: str) -> list[PulumiRun]:
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        for at, word in enumerate(words[:-1]):
            if Path(word).name != "pulumi" or words[at + 1] not in _UP | {"preview"}:
                continue
            args = words[at + 2 :]
            found.append(
                PulumiRun(
                    job_name, index, "up" if words[at + 1] in _UP else "preview",
                    _flag_values(args, "--policy-pack"), _flag_values(args, "--policy-pack-config"),
                    _skips_preview(args),
                    (_flag_values(args, "--stack") or _flag_values(args, "-s") or ("",))[0],
                )
            )  # fmt: skip
    return found


def pulumi_runs(workflow: dict[str, Any]) -> list[PulumiRun]:
    """Every preview/up of ``workflow``: `pulumi ...` in `run:` scripts (folded scripts are
    one line) and pulumi/actions steps, whose `up` goes through the Automation API, which
    always adds `--skip-preview` (pulumi/automation/_stack.py)."""
    runs: list[PulumiRun] = []
    for job_name, job in workflow["jobs"].items():
        for index, step in enumerate(_steps(job)):
            env = {
                **{k: str(v) for k, v in (workflow.get("env") or {}).items()},
                **{k: str(v) for k, v in (job.get("env") or {}).items()},
                **{k: str(v) for k, v in (step.get("env") or {}).items()},
            }
            if "run" in step:
                script = _expand(str(step["run"]), env)
                runs += _cli_runs(job_name, index, script)
                assert len(re.findall(r"\bpulumi\s+(?:up|update|preview)\b", script)) == len(
                    _cli_runs(job_name, index, script)
                ), f"{job_name}: a pulumi command this test cannot read: {script}"
            action = str(step.get("uses", "")).split("@")[0]
            command = str((step.get("with") or {}).get("command", ""))
            if action == "pulumi/actions" and command in _UP | {"preview"}:
                given = {k: _expand(str(v), env) for k, v in step["with"].items()}
                runs.append(
                    PulumiRun(
                        job_name, index, "up" if command in _UP else "preview",
                        tuple(given.get("policyPacks", "").split()),
                        tuple(given.get("policyPackConfigs", "").split()),
                        command in _UP, given.get("stack-name", ""),
                    )
                )  # fmt: skip
    return runs


def _problems(workflow: dict[str, Any]) -> list[str]:
    """What breaks the promise "stack policies before any create" in ``workflow``."""
    problems = []
    text = yaml.safe_dump(workflow)
    if "SKIP_PREVIEW" in text.upper():
        problems.append("a SKIP_PREVIEW setting")
    runs = pulumi_runs(workflow)
    for run in runs:
        where = f"{run.job} step {run.step} ({run.command})"
        if run.command == "up" and run.skips_preview:
            problems.append(f"{where}: up without its preview")
        if run.policy_packs != (PACK_DIR,):
            problems.append(f"{where}: policy packs {run.policy_packs}")
        stack = run.stack.rsplit("/", 1)[-1]
        if run.policy_pack_configs != (f"{PACK_DIR}/config/{stack}.json",):
            problems.append(f"{where}: policy config {run.policy_pack_configs} for stack {stack}")
        if run.command == "up" and not any(
            r.job == run.job and r.command == "preview" and r.step < run.step for r in runs
        ):
            problems.append(f"{where}: no preview step before it in the same job")
    return problems


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml"])
def test_no_step_can_update_before_the_policies_run_with_the_pack_and_config(name: str) -> None:
    workflow = _load(name)
    assert _problems(workflow) == []
    for run in pulumi_runs(workflow):
        assert (ROOT / run.policy_pack_configs[0]).is_file()


def test_deploy_previews_then_updates_in_the_approved_job() -> None:
    runs = pulumi_runs(_load("deploy.yml"))
    assert [(r.job, r.command) for r in runs] == [("deploy", "preview"), ("deploy", "up")]
    assert all(r.stack.endswith("/prod") for r in runs)


def test_preview_workflow_runs_a_real_preview_of_prod() -> None:
    runs = pulumi_runs(_load("preview.yml"))
    assert [(r.job, r.command) for r in runs] == [("preview", "preview")]


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ({"uses": "pulumi/actions@x", "with": {"command": "up", "stack-name": "o/prod",
          "policyPacks": PACK_DIR, "policyPackConfigs": f"{PACK_DIR}/config/prod.json"}},
         "up without its preview"),
        ({"run": f"pulumi preview -s o/prod --policy-pack {PACK_DIR} --policy-pack-config "
                 f"{PACK_DIR}/config/prod.json\npulumi up -yf -s o/prod --policy-pack {PACK_DIR} "
                 f"--policy-pack-config {PACK_DIR}/config/prod.json"},
         "up without its preview"),
        ({"run": f"pulumi up --yes -s o/prod --policy-pack {PACK_DIR} --policy-pack-config "
                 f"{PACK_DIR}/config/prod.json"},
         "no preview step before it"),
        ({"run": f"pulumi preview -s o/prod --policy-pack {PACK_DIR}"}, "policy config ()"),
        ({"run": "pulumi preview -s o/prod", "env": {"PULUMI_SKIP_PREVIEW": "true"}},
         "SKIP_PREVIEW"),
    ],
)  # fmt: skip
def test_the_order_check_catches_a_broken_workflow(step: dict[str, Any], expected: str) -> None:
    workflow = {"jobs": {"deploy": {"steps": [step]}}}
    assert any(expected in problem for problem in _problems(workflow)), _problems(workflow)


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml"])
def test_preflight_in_ci_uses_the_stack_policy_config(name: str) -> None:
    workflow = _load(name)
    env = {k: str(v) for k, v in workflow["env"].items()}
    for job in workflow["jobs"].values():
        for step in _steps(job):
            script = _expand(str(step.get("run", "")), env)
            for line in script.splitlines():
                if "uv run preflight" in line:
                    words = shlex.split(line)
                    assert _flag_values(words, "--policy-pack-config") == (
                        f"{PACK_DIR}/config/prod.json",
                    ), line


def test_deploy_installs_the_cli_release_of_the_locked_sdk() -> None:
    """The CLI that runs the preview and the update is the release of the `pulumi` SDK the
    repository locks (CLI and SDK are released together)."""
    workflow = _load("deploy.yml")
    lock = (ROOT / "uv.lock").read_text(encoding="utf-8")
    (locked,) = re.findall(r'name = "pulumi"\nversion = "([^"]+)"', lock)
    assert workflow["env"]["PULUMI_VERSION"] == locked
    (install,) = _uses(workflow["jobs"]["deploy"], "pulumi/actions")
    assert "command" not in install["with"], "pulumi/actions only installs the CLI here"
    assert install["with"]["pulumi-version"] == "${{ env.PULUMI_VERSION }}"


@pytest.mark.parametrize("name", ["residency-ci-preview.yaml", "residency-ci-deploy.yaml"])
def test_esc_environments_log_in_to_aws_with_oidc_only(name: str) -> None:
    document = yaml.safe_load((ROOT / "esc" / name).read_text(encoding="utf-8"))
    assert document["imports"] == ["residency/ci-base"]
    login = document["values"]["aws"]["login"]["fn::open::aws-login"]
    assert set(login) == {"oidc"}, f"{name}: AWS login must be OIDC, never static keys"
    assert login["oidc"]["roleArn"].startswith("arn:aws:iam::")
    variables = document["values"]["environmentVariables"]
    assert variables["AWS_SESSION_TOKEN"] == "${aws.login.sessionToken}"


def test_esc_base_environment_holds_no_secret_and_federates_oci() -> None:
    text = (ROOT / "esc" / "residency-ci-base.yaml").read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    assert "fn::secret" not in text
    variables = document["values"]["environmentVariables"]
    assert variables["OCI_AUTH"] == "WorkloadIdentityFederation"
    assert variables["AWS_REGION"] == "${aws.region}"
    assert document["values"]["aws"]["region"] == "us-east-1"
    assert ".identity.oraclecloud.com" in document["values"]["oci"]["tokenExchange"]["domainUrl"]


@pytest.mark.parametrize(("name", "job"), [("preview.yml", "preview"), ("deploy.yml", "deploy")])
def test_the_workflows_open_esc_environments_documented_in_the_repo(name: str, job: str) -> None:
    steps = _load(name)["jobs"][job]["steps"]
    (esc,) = [s for s in steps if str(s.get("uses", "")).startswith("pulumi/esc-action@")]
    environment = str(esc["with"]["environment"]).split("/", 1)[1]  # drop the org
    project, env = environment.split("/")
    document = yaml.safe_load((ROOT / "esc" / f"{project}-{env}.yaml").read_text(encoding="utf-8"))
    base = yaml.safe_load((ROOT / "esc" / "residency-ci-base.yaml").read_text(encoding="utf-8"))
    assert "residency/ci-base" in document["imports"]
    # The OIDC audience the OCI token is requested for comes from the ESC environment.
    script = "\n".join(str(s.get("with", {}).get("script", "")) for s in steps)
    assert "process.env.OCI_TOKEN_EXCHANGE_AUDIENCE" in script
    assert "OCI_TOKEN_EXCHANGE_AUDIENCE" in base["values"]["environmentVariables"]


def _oci_federation_requirements() -> dict[str, str]:
    """Provider settings the installed pulumi-oci marks required for auth
    WorkloadIdentityFederation (its config docstrings, generated from the provider schema),
    as the environment variables the provider reads (OCI_<SETTING>, upper snake case)."""
    import pulumi_oci.config.vars as oci_vars

    required: dict[str, str] = {}
    for name, member in vars(oci_vars._ExportableConfig).items():
        doc = getattr(getattr(member, "fget", None), "__doc__", "") or ""
        if re.search(r"Required (if|when) auth is set to 'WorkloadIdentityFederation'", doc):
            required[f"OCI_{name.upper()}"] = " ".join(doc.split())
    return required


def test_esc_and_the_workflows_set_every_setting_oci_federation_requires() -> None:
    base = yaml.safe_load((ROOT / "esc" / "residency-ci-base.yaml").read_text(encoding="utf-8"))
    variables = base["values"]["environmentVariables"]
    required = _oci_federation_requirements()
    assert "OCI_TOKEN_EXCHANGE_RESOURCE_TYPE" in required  # what the issue found missing
    assert variables["OCI_TOKEN_EXCHANGE_AUTH"] == "OAuthClientCredentials"
    for name in ("preview.yml", "deploy.yml"):
        scripts = "\n".join(
            str(s.get("with", {}).get("script", "")) for s in _steps(_job_with_oci(name))
        )
        for variable, doc in required.items():
            exported = f"core.exportVariable('{variable}'" in scripts
            assert variable in variables or exported, f"{name}: {variable} is not set ({doc})"
    resource_type = base["values"]["oci"]["tokenExchange"]["resourceType"]
    assert variables["OCI_TOKEN_EXCHANGE_RESOURCE_TYPE"] == "${oci.tokenExchange.resourceType}"
    assert re.fullmatch(r"[a-z0-9-]+", resource_type)


def _job_with_oci(name: str) -> dict[str, Any]:
    jobs = _load(name)["jobs"]
    (job,) = [j for j in jobs.values() if _uses(j, "pulumi/esc-action")]
    return job


def test_pre_commit_and_ci_run_use_the_stack_policy_config_by_default() -> None:
    """The pre-commit hooks and .ci/run call `preflight` without --policy-pack-config, so it
    takes the pack's config/<stack>.json; a change to that file triggers the hooks."""
    from preflight.cli import DEFAULT_PACK, policy_pack_configs

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} == {"preflight", "preflight-uv"}
    for hook in hooks:
        assert "preflight" in hook["entry"] and "--policy-pack-config" not in str(hook)
        assert re.search(hook["files"], f"{PACK_DIR}/config/prod.json")
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "uv run preflight\n" in ci_run and "uv run preflight --stack dev\n" in ci_run
    for stack in ("prod", "dev"):
        (config,) = policy_pack_configs([ROOT / DEFAULT_PACK], [], stack)
        assert config == ROOT / PACK_DIR / "config" / f"{stack}.json"

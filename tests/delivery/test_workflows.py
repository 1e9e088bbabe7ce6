"""The GitHub workflows pass actionlint (with shellcheck over their run scripts) and keep
the properties the delivery design relies on: OIDC only, minimal permissions, the pack
enforced on preview and up, prod behind an approval environment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
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
def test_every_action_is_pinned_to_a_version(name: str) -> None:
    for job in _load(name)["jobs"].values():
        for step in _steps(job):
            if "uses" in step:
                action, _, ref = str(step["uses"]).partition("@")
                assert re.fullmatch(r"v\d+(\.\d+){0,2}|[0-9a-f]{40}", ref), (
                    f"{name}: {action} is not pinned to a version ({ref!r})"
                )


def test_preview_runs_tests_preflight_sarif_and_a_real_preview_with_the_pack() -> None:
    workflow = _load("preview.yml")
    assert "pull_request" in workflow["on"]
    checks = workflow["jobs"]["preflight"]
    scripts = "\n".join(str(s.get("run", "")) for s in _steps(checks))
    assert "uv sync --locked" in scripts
    assert "uv run pytest" in scripts
    assert "uv run preflight --format markdown" in scripts
    assert "uv run preflight --format sarif" in scripts
    (upload,) = _uses(checks, "github/codeql-action/upload-sarif")
    assert upload["with"]["sarif_file"] == "preflight.sarif"
    assert checks["permissions"].get("security-events") == "write"

    preview = workflow["jobs"]["preview"]
    (pulumi,) = _uses(preview, "pulumi/actions")
    assert pulumi["with"]["command"] == "preview"
    assert str(pulumi["with"]["stack-name"]).endswith("/prod")
    assert pulumi["with"]["policyPacks"] == PACK_DIR
    assert pulumi["with"]["comment-on-pr"] is True
    assert preview["permissions"].get("pull-requests") == "write"
    (esc,) = _uses(preview, "pulumi/esc-action")
    assert str(esc["with"]["environment"]).endswith("/residency/ci-preview")


def test_deploy_runs_up_behind_an_approval_environment_with_the_pack() -> None:
    workflow = _load("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "preflight"
    environment = deploy["environment"]
    assert (environment["name"] if isinstance(environment, dict) else environment) == "prod"
    (pulumi,) = _uses(deploy, "pulumi/actions")
    assert pulumi["with"]["command"] == "up"
    assert str(pulumi["with"]["stack-name"]).endswith("/prod")
    assert pulumi["with"]["policyPacks"] == PACK_DIR
    (esc,) = _uses(deploy, "pulumi/esc-action")
    assert str(esc["with"]["environment"]).endswith("/residency/ci-deploy")
    assert workflow["concurrency"]["cancel-in-progress"] is False


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

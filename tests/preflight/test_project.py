"""Pulumi.yaml and Pulumi.<stack>.yaml are read as the CLI reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from preflight.errors import PreflightError
from preflight.project import SECRET_PLACEHOLDER, load_project, load_stack_config


def write(dir_: Path, name: str, text: str) -> None:
    (dir_ / name).write_text(text, encoding="utf-8")


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    write(
        tmp_path,
        "Pulumi.yaml",
        "name: shop\nruntime:\n  name: python\n  options: {toolchain: uv}\nmain: app/\n"
        "config:\n  owner:\n    type: string\n    default: platform\n  aws:region: us-east-1\n",
    )
    write(
        tmp_path,
        "Pulumi.prod.yaml",
        "config:\n  retention: 30\n  enabled: true\n  shop:zones: [a, b]\n"
        "  aws:allowedAccountIds: ['111122223333']\n  dbPassword:\n    secure: v1:abc\n",
    )
    return tmp_path


def test_keys_are_namespaced_and_values_are_the_strings_the_cli_passes(project_dir: Path) -> None:
    project = load_project(project_dir)
    config = load_stack_config(project, "prod")
    assert project.name == "shop" and project.main == "app/"
    assert config.values["shop:retention"] == "30"
    assert config.values["shop:enabled"] == "true"
    assert config.values["shop:zones"] == '["a","b"]'
    assert config.values["aws:allowedAccountIds"] == '["111122223333"]'
    assert config.parsed["shop:zones"] == ["a", "b"]


def test_project_config_gives_defaults_the_stack_overrides(project_dir: Path) -> None:
    write(project_dir, "Pulumi.dev.yaml", "config:\n  owner: data-team\n")
    project = load_project(project_dir)
    assert load_stack_config(project, "prod").values["shop:owner"] == "platform"
    assert load_stack_config(project, "prod").values["aws:region"] == "us-east-1"
    assert load_stack_config(project, "dev").values["shop:owner"] == "data-team"


def test_secure_values_are_secret_placeholders(project_dir: Path) -> None:
    config = load_stack_config(load_project(project_dir), "prod")
    assert config.values["shop:dbPassword"] == SECRET_PLACEHOLDER
    assert config.secret_keys == ("shop:dbPassword",)


def test_package_config_is_a_default_providers_inputs(project_dir: Path) -> None:
    config = load_stack_config(load_project(project_dir), "prod")
    assert config.package_config("aws") == {
        "region": "us-east-1",
        "allowedAccountIds": '["111122223333"]',
    }


def test_missing_project_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(PreflightError, match=r"Pulumi\.yaml: not found"):
        load_project(tmp_path)


def test_non_python_runtime_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.yaml", "name: x\nruntime: nodejs\n")
    with pytest.raises(PreflightError, match="runtime is 'nodejs'"):
        load_project(tmp_path)


def test_missing_stack_file_names_it_and_the_stacks_there(project_dir: Path) -> None:
    with pytest.raises(PreflightError, match=r"Pulumi\.staging\.yaml: stack 'staging'.*prod"):
        load_stack_config(load_project(project_dir), "staging")


def test_malformed_yaml_names_file_line_and_column(project_dir: Path) -> None:
    write(project_dir, "Pulumi.prod.yaml", "config:\n  aws:region: [us-east-1\n  x: y\n")
    with pytest.raises(PreflightError, match=r"Pulumi\.prod\.yaml:\d+:\d+: malformed YAML"):
        load_stack_config(load_project(project_dir), "prod")


def test_declared_config_without_value_is_reported_with_the_line_to_add(tmp_path: Path) -> None:
    write(
        tmp_path,
        "Pulumi.yaml",
        "name: shop\nruntime: python\nconfig:\n  region:\n    type: string\n",
    )
    write(tmp_path, "Pulumi.prod.yaml", "config: {}\n")
    with pytest.raises(PreflightError, match=r"'shop:region'.*`  region: <value>`"):
        load_stack_config(load_project(tmp_path), "prod")

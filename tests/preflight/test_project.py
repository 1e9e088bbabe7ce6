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
        "config:\n  owner:\n    type: string\n    default: platform\n  aws:region: us-east-1\n"
        "  retention: {type: integer, default: 7}\n  enabled: {type: boolean, default: false}\n"
        "  zones: {type: array, items: {type: string}, default: []}\n"
        "  dbPassword: {type: string, secret: true, default: ''}\n",
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


# --- config the CLI refuses, and files that are not UTF-8 -------------------------------------


def refused(project_dir: Path, stack_text: str) -> str:
    write(project_dir, "Pulumi.prod.yaml", stack_text)
    with pytest.raises(PreflightError) as raised:
        load_stack_config(load_project(project_dir), "prod")
    assert "\n" not in raised.value.message  # one line
    return raised.value.message


def test_undeclared_key_of_the_projects_namespace_names_the_closest_declared_one(
    project_dir: Path,
) -> None:
    message = refused(project_dir, "config:\n  ownr: data-team\n")
    assert message.startswith(f"{project_dir / 'Pulumi.prod.yaml'}: config key 'ownr' is not ")
    assert "Did you mean 'owner'?" in message
    # Also spelled with the namespace; other namespaces are the providers' business.
    assert "'shop:ownr'" in refused(project_dir, "config:\n  shop:ownr: x\n")
    write(project_dir, "Pulumi.prod.yaml", "config:\n  aws:profile: x\n  owner: y\n")
    assert load_stack_config(load_project(project_dir), "prod").values["shop:owner"] == "y"


def test_without_a_config_block_any_key_goes(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.yaml", "name: shop\nruntime: python\n")
    write(tmp_path, "Pulumi.prod.yaml", "config:\n  anything: 1\n")
    assert load_stack_config(load_project(tmp_path), "prod").values["shop:anything"] == "1"


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        ("retention: thirty", "integer"),
        ("enabled: 'yes'", "boolean"),
        ("zones: a", "array<string>"),
    ],
)
def test_value_of_the_wrong_declared_type_is_refused_as_the_cli_does(
    project_dir: Path, value: str, type_name: str
) -> None:
    message = refused(project_dir, f"config:\n  {value}\n  dbPassword: {{secure: v1:x}}\n")
    assert f"must be of type '{type_name}' (declared in Pulumi.yaml)" in message


def test_values_the_cli_accepts_for_declared_types(project_dir: Path) -> None:
    write(
        project_dir,
        "Pulumi.prod.yaml",
        "config:\n  retention: '30'\n  enabled: 'false'\n  zones: [a]\n  owner: 7\n"
        "  dbPassword: {secure: v1:x}\n",
    )
    assert load_stack_config(load_project(project_dir), "prod").values["shop:retention"] == "30"


def test_declared_secret_set_in_plain_text_is_refused(project_dir: Path) -> None:
    message = refused(project_dir, "config:\n  dbPassword: hunter2\n")
    assert "declared secret" in message and "pulumi config set --secret dbPassword" in message


@pytest.mark.parametrize("name", ["Pulumi.prod.yaml", "Pulumi.yaml"])
def test_a_file_that_is_not_utf8_is_named_with_the_byte_offset(
    project_dir: Path, name: str
) -> None:
    path = project_dir / name
    path.write_bytes(path.read_bytes() + b"# caf\xe9\n")
    offset = path.read_bytes().index(b"\xe9")
    with pytest.raises(PreflightError) as raised:
        load_stack_config(load_project(project_dir), "prod")
    assert raised.value.message.startswith(
        f"{path}: not valid UTF-8: byte 0xe9 at byte offset {offset} (line "
    )


def test_fixture_and_policy_config_files_that_are_not_utf8_are_named(tmp_path: Path) -> None:
    from preflight.invokes.fixtures import load_fixtures
    from preflight.policy_config import load_policy_pack_config

    (tmp_path / "preflight.yaml").write_bytes(b"invokes: {}\n# \xff\n")
    with pytest.raises(PreflightError, match=r"preflight\.yaml: not valid UTF-8: byte 0xff at "):
        load_fixtures(tmp_path)
    config = tmp_path / "policy-config.json"
    config.write_bytes(b'{"all": "mandatory\xc3"}')
    with pytest.raises(PreflightError, match=r"policy-config\.json: not valid UTF-8: byte 0xc3 "):
        load_policy_pack_config(config)

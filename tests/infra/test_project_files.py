"""Pulumi.yaml, the stack files and the program's layout, as the Pulumi CLI will read them."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from blueprint import config as blueprint_config

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "residency-blueprint"

# The project file's documented attributes, and the documented attributes of a `config:` entry.
PROJECT_ATTRIBUTES = {
    "name", "runtime", "description", "config", "main", "stackConfigDir", "backend", "options",
    "template", "plugins", "packages",
}  # fmt: skip
CONFIG_ENTRY_ATTRIBUTES = {"type", "description", "default", "items", "secret", "value"}
CONFIG_TYPES = {"string", "integer", "boolean", "array"}
STACK_FILE_ATTRIBUTES = {
    "config",
    "secretsprovider",
    "encryptedkey",
    "encryptionsalt",
    "environment",
}


def _yaml(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def test_project_file_follows_the_documented_schema() -> None:
    project = _yaml("Pulumi.yaml")
    assert set(project) <= PROJECT_ATTRIBUTES
    assert project["name"] == PROJECT
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "uv"}}
    assert project["main"] == "infra/"
    assert (ROOT / project["main"] / "__main__.py").is_file()


def test_project_config_declares_every_setting_the_program_reads() -> None:
    declared = _yaml("Pulumi.yaml")["config"]
    assert list(declared) == [s.key for s in blueprint_config.SETTINGS]
    for setting in blueprint_config.SETTINGS:
        entry = declared[setting.key]
        assert set(entry) <= CONFIG_ENTRY_ATTRIBUTES, setting.key
        assert entry["type"] in CONFIG_TYPES
        assert entry["type"] == setting.type, setting.key
        assert entry["default"] == setting.default, setting.key
        assert entry["description"] == setting.description, setting.key


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_stack_files_use_namespaced_keys_the_program_knows(stack: str) -> None:
    doc = _yaml(f"Pulumi.{stack}.yaml")
    assert set(doc) <= STACK_FILE_ATTRIBUTES
    known = {f"{PROJECT}:{s.key}" for s in blueprint_config.SETTINGS}
    for key, value in doc["config"].items():
        namespace, _, name = key.partition(":")
        assert name, f"{key} is not namespaced"
        if namespace == PROJECT:
            assert key in known, f"{key} is not a setting of the blueprint"
            setting = blueprint_config.SETTINGS_BY_KEY[name]
            python_type = {"string": str, "integer": int, "boolean": bool, "array": list}
            assert isinstance(value, python_type[setting.type]), key
        else:
            assert namespace in {"aws", "oci", "pulumi"}, key


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_default_providers_are_disabled(stack: str) -> None:
    config = _yaml(f"Pulumi.{stack}.yaml")["config"]
    assert config["pulumi:disable-default-providers"] == ["*"]


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_secrets_provider_key_is_in_the_backup_region(stack: str) -> None:
    doc = _yaml(f"Pulumi.{stack}.yaml")
    assert doc["secretsprovider"].startswith("awskms://")
    assert "region=us-east-1" in doc["secretsprovider"]
    assert "encryptedkey" not in doc  # only the CLI can write it


def test_main_is_thin() -> None:
    tree = ast.parse((ROOT / "infra" / "__main__.py").read_text(encoding="utf-8"))
    statements = [n for n in tree.body if not isinstance(n, ast.Expr | ast.ImportFrom)]
    calls = [n for n in tree.body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    assert statements == [] and len(calls) == 1


def _component_classes() -> list[type]:
    import blueprint.stack  # noqa: F401  (imports every component module)

    found = []
    for path in sorted((ROOT / "infra" / "blueprint").glob("*.py")):
        module = __import__(f"blueprint.{path.stem}", fromlist=["_"])
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, pulumi.ComponentResource) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def test_components_have_one_module_per_concern_and_no_class_annotations() -> None:
    """The SDK reads a resource class's annotations as output types and resolves them through
    ``sys.modules``; a runner that imports the program freshly breaks on them. Components keep
    their attributes as plain instance attributes."""
    components = _component_classes()
    assert len(components) >= 10
    for cls in components:
        assert inspect.get_annotations(cls) == {}, cls.__name__
        token = inspect.getsource(cls).split("super().__init__(", 1)[1].split(",", 1)[0]
        assert token.strip('"').startswith("residency:"), cls.__name__


def test_preflight_answers_the_service_list_of_every_stack_region() -> None:
    from blueprint.oci_network import all_services_name

    answers = _yaml("preflight.yaml")["invokes"]["oci:Core/getServices"]
    answered = {a["match"]["filters"][0]["values"][0] for a in answers}
    for stack in ("prod", "dev"):
        config = _yaml(f"Pulumi.{stack}.yaml")["config"]
        for key in ("primaryRegion", "drRegion"):
            region = config.get(f"{PROJECT}:{key}")
            if region:
                assert all_services_name(region) in answered, (stack, region)


def test_blueprint_classifications_are_the_packs() -> None:
    from blueprint import classification as blueprint_classification
    from residency_pack.engine import classification as pack_classification

    assert blueprint_classification.CLASSIFICATION_TAG == pack_classification.CLASSIFICATION_TAG
    assert blueprint_classification.CLASSIFICATIONS == pack_classification.CLASSIFICATIONS

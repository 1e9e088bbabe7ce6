"""Run the blueprint under Pulumi's mock runtime and record what it declares.

``run_blueprint(config, stack)`` runs the real program (config validation, then every
component) against a recording mock monitor and returns a ``Deployment``: every registered
resource with its inputs, its ``protect`` option, its provider and the region that provider
(or the resource's own ``region`` input) places it in. The mocks give OCI resources OCIDs that
carry their region's key and AWS resources ARNs that carry their region, as the clouds do, so a
store wired to another region's key is visible in the inputs.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime.settings as pulumi_settings
import pytest
import yaml
from blueprint.config import load_config
from blueprint.stack import build
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await
from residency_pack.engine import region_catalog

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "residency-blueprint"
CLASSIFICATION_TAG = "data-classification"
MOCK_NAMESPACE = "mocknamespace"


def stack_config(stack: str) -> dict[str, Any]:
    """The ``config:`` map of ``Pulumi.<stack>.yaml`` as written."""
    doc = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))
    return dict(doc["config"])


def _config_string(value: Any) -> str:
    """Config values as the CLI hands them to a program: strings, JSON for structured ones."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


@dataclass
class Resource:
    urn: str
    type: str
    name: str
    custom: bool
    inputs: dict[str, Any]
    protect: bool
    provider_ref: str
    parent: str
    dependencies: list[str]
    region: str | None = None

    @property
    def cloud(self) -> str:
        return self.type.split(":")[0]

    @property
    def tags(self) -> dict[str, str]:
        key = "freeformTags" if self.cloud == "oci" else "tags"
        return dict(self.inputs.get(key) or {})

    @property
    def classification(self) -> str | None:
        return self.tags.get(CLASSIFICATION_TAG)


@dataclass
class Deployment:
    resources: list[Resource]
    outputs: dict[str, Any]
    providers: dict[str, Resource] = field(default_factory=dict)

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]

    def named(self, name: str) -> Resource:
        matches = [r for r in self.resources if r.name == name]
        assert len(matches) == 1, f"expected one resource named {name!r}, found {len(matches)}"
        return matches[0]

    def custom(self) -> list[Resource]:
        return [r for r in self.resources if r.custom]

    def in_region(self, region: str) -> list[Resource]:
        return [r for r in self.custom() if r.region == region]

    def by_id(self, resource_id: str) -> Resource | None:
        return self._ids.get(resource_id)

    _ids: dict[str, Resource] = field(default_factory=dict)


class BlueprintMocks(Mocks):
    """Answers registrations and invokes the way the clouds shape their ids."""

    def __init__(self) -> None:
        self.provider_inputs: dict[str, dict[str, Any]] = {}
        self.inputs: dict[tuple[str, str], dict[str, Any]] = {}
        self.ids: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self._serial = 0

    def _next(self) -> int:
        with self._lock:
            self._serial += 1
            return self._serial

    def region_of(self, provider_ref: str | None, inputs: dict[str, Any]) -> str | None:
        if inputs.get("region"):
            return str(inputs["region"])
        if not provider_ref:
            return None
        provider_id = provider_ref.rsplit("::", 1)[-1]
        region = self.provider_inputs.get(provider_id, {}).get("region")
        return str(region) if region else None

    def _account(self, provider_ref: str | None) -> str:
        provider_id = (provider_ref or "").rsplit("::", 1)[-1]
        accounts = _maybe_json(self.provider_inputs.get(provider_id, {}).get("allowedAccountIds"))
        return str(accounts[0]) if accounts else "000000000000"

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        self.inputs[(args.typ, args.name)] = inputs
        if args.typ.startswith("pulumi:providers:"):
            provider_id = f"{args.name}-provider-id"
            self.provider_inputs[provider_id] = inputs
            return provider_id, inputs

        state = dict(inputs)
        region = self.region_of(args.provider, inputs) or "unknown"
        n = self._next()
        cloud = args.typ.split(":")[0]
        kind = args.typ.split(":")[-1].lower()
        resource_id: str
        if cloud == "oci":
            oci_region = region_catalog.lookup("oci", region)
            key = oci_region.key if oci_region else "xxx"
            if args.typ == "oci:ObjectStorage/bucket:Bucket":
                resource_id = f"n/{inputs.get('namespace')}/b/{inputs.get('name')}"
                state["bucketId"] = f"ocid1.bucket.oc1.{key}.mock{n}"
            elif args.typ.startswith("oci:Identity/"):
                resource_id = f"ocid1.{kind}.oc1..mock{n}"
            else:
                resource_id = f"ocid1.{kind}.oc1.{key}.mock{n}"
            if args.typ == "oci:Kms/vault:Vault":
                state["managementEndpoint"] = (
                    f"https://mock{n}-management.kms.{region}.oraclecloud.com"
                )
                state["cryptoEndpoint"] = f"https://mock{n}-crypto.kms.{region}.oraclecloud.com"
            if args.typ == "oci:LoadBalancer/loadBalancer:LoadBalancer":
                state["ipAddressDetails"] = [
                    {"ipAddress": f"203.0.113.{n % 250}", "isPublic": True}
                ]
        else:
            account = self._account(args.provider)
            if args.typ == "aws:kms/key:Key":
                resource_id = f"mock-key-{n}"
                state["keyId"] = resource_id
                state["arn"] = f"arn:aws:kms:{region}:{account}:key/{resource_id}"
            elif args.typ == "aws:s3/bucket:Bucket":
                resource_id = str(inputs.get("bucket") or f"{inputs.get('bucketPrefix')}mock{n}")
                state["bucket"] = resource_id
                state["arn"] = f"arn:aws:s3:::{resource_id}"
            elif args.typ == "aws:backup/vault:Vault":
                resource_id = str(inputs.get("name"))
                state["arn"] = f"arn:aws:backup:{region}:{account}:backup-vault:{resource_id}"
            elif args.typ == "aws:iam/role:Role":
                resource_id = str(inputs.get("name"))
                state["arn"] = f"arn:aws:iam::{account}:role/{resource_id}"
            else:
                resource_id = f"{args.name}-mock{n}"
        self.ids[(args.typ, args.name)] = resource_id
        return resource_id, state

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        region = self.region_of(args.provider, {}) or "unknown"
        if args.token == "oci:ObjectStorage/getNamespace:getNamespace":
            return {"namespace": MOCK_NAMESPACE, "id": MOCK_NAMESPACE}, []
        if args.token == "oci:Core/getServices:getServices":
            oci_region = region_catalog.lookup("oci", region)
            key = (oci_region.key if oci_region else "xxx").upper()
            services = [
                {
                    "id": f"ocid1.service.oc1.{key.lower()}.objectstorage",
                    "name": f"OCI {key} Object Storage",
                    "cidrBlock": f"oci-{key.lower()}-objectstorage",
                    "description": f"OCI {key} Object Storage",
                },
                {
                    "id": f"ocid1.service.oc1.{key.lower()}.all",
                    "name": f"All {key} Services In Oracle Services Network",
                    "cidrBlock": f"all-{key.lower()}-services-in-oracle-services-network",
                    "description": f"All {key} Services In Oracle Services Network",
                },
            ]
            return {"services": services, "id": "services"}, []
        raise AssertionError(f"the blueprint made an invoke the tests do not answer: {args.token}")


class RecordingMonitor(MockMonitor):
    """A mock monitor that also keeps each registration's options (protect, provider, parent)."""

    def __init__(self, mocks: BlueprintMocks) -> None:
        super().__init__(mocks)
        self.blueprint_mocks = mocks
        self.registrations: list[Resource] = []
        self._lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        inputs = self.blueprint_mocks.inputs.get((request.type, request.name), {})
        record = Resource(
            urn=response.urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            inputs=inputs,
            protect=bool(request.protect),
            provider_ref=request.provider,
            parent=request.parent,
            dependencies=list(request.dependencies),
            region=self.blueprint_mocks.region_of(request.provider, inputs)
            if request.custom
            else None,
        )
        with self._lock:
            self.registrations.append(record)
        return response


class _LastRun:
    """The monitor of the latest run, readable even when the program raised."""

    monitor: RecordingMonitor | None = None

    @property
    def registrations(self) -> list[Resource]:
        return [] if self.monitor is None else list(self.monitor.registrations)


LAST_RUN = _LastRun()


def run_blueprint(
    config: dict[str, Any], stack: str = "prod", *, preview: bool = False
) -> Deployment:
    """Run the program (``blueprint.stack.main``'s body) on ``config`` under mocks; with
    ``preview`` the runtime is in dry-run mode, as during ``pulumi preview`` and preflight."""
    mocks = BlueprintMocks()
    monitor = RecordingMonitor(mocks)
    LAST_RUN.monitor = monitor
    pulumi_settings.ROOT.set(None)  # a fresh root Stack for every run
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=preview, monitor=monitor)
    pulumi.runtime.set_all_config({k: _config_string(v) for k, v in config.items()})
    pulumi_settings.SETTINGS.rpc_manager.clear()
    pulumi_settings.SETTINGS.outputs.clear()

    outputs: dict[str, Any] = {}

    def program() -> Any:
        exported = build(load_config())
        resolved = _sync_await(pulumi.Output.from_input(exported).future())
        outputs.update(resolved or {})

    try:
        _sync_await(run_pulumi_func(program))
    finally:
        pulumi.runtime.set_all_config({})

    resources = monitor.registrations
    deployment = Deployment(resources=resources, outputs=outputs)
    deployment.providers = {r.urn: r for r in resources if r.type.startswith("pulumi:providers:")}
    deployment._ids = {
        mocks.ids[(r.type, r.name)]: r for r in resources if (r.type, r.name) in mocks.ids
    }
    return deployment


@pytest.fixture(scope="session")
def prod_config() -> dict[str, Any]:
    return stack_config("prod")


@pytest.fixture(scope="session")
def dev_config() -> dict[str, Any]:
    return stack_config("dev")


@pytest.fixture(scope="session")
def prod(prod_config: dict[str, Any]) -> Deployment:
    return run_blueprint(prod_config, "prod")


@pytest.fixture(scope="session")
def dev(dev_config: dict[str, Any]) -> Deployment:
    return run_blueprint(dev_config, "dev")


@pytest.fixture(scope="session")
def runner() -> Callable[..., Deployment]:
    return run_blueprint


@pytest.fixture
def last_run() -> _LastRun:
    return LAST_RUN

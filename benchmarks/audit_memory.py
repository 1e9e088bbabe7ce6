"""``preflight audit`` over many stacks: peak memory stays flat as the number of exports grows.

``uv run python -m benchmarks.audit_memory [--counts 10 50 200] [--units 30] [--workers 2]``

For each count, a directory of that many generated exports (each a stack of ``units`` user-data
stores: a KMS key, a bucket, its encryption configuration and public access block, plus the
stack, its provider and a component per unit; about one unit in ten moved to a foreign region)
is audited by ``preflight audit DIR --format evidence`` in its own process (the account of the
stacks trusted by the policy config, as a platform team configures it), and the peak resident
memory of that process and of its pack processes is read from ``/proc`` (``benchmarks.memory``).
Flat means the peak at the largest count is the peak at the smallest, give or take the few
kilobytes each audited stack leaves in the report (its findings and stores).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.memory import RunResult, run_measured

REPO = Path(__file__).resolve().parents[1]
ACCOUNT = "111122223333"
SEED = 15
TIME = "2026-11-01T00:00:00.000Z"


def _resource(
    urn: str, type_: str, inputs: dict[str, Any], outputs: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    entry = {"urn": urn, "custom": True, "type": type_, "inputs": inputs, "outputs": outputs}
    entry.update(created=TIME, modified=TIME, **extra)
    return entry


def generated_export(index: int, units: int, rng: random.Random) -> dict[str, Any]:
    """One stack of ``units`` user-data stores, in the checkpoint format (deployment v3)."""
    project, stack = f"bench-{index:03d}", "prod"
    base = f"urn:pulumi:{stack}::{project}::"
    root = f"{base}pulumi:pulumi:Stack::{project}-{stack}"
    provider_urn = f"{base}pulumi:providers:aws::default_7_10_0"
    provider_id = f"00000000-0000-4000-8000-{index:012d}"
    provider_ref = f"{provider_urn}::{provider_id}"
    settings = {"region": "us-east-1", "allowedAccountIds": json.dumps([ACCOUNT])}
    resources: list[dict[str, Any]] = [
        {"urn": root, "custom": False, "type": "pulumi:pulumi:Stack", "outputs": {}},
        _resource(provider_urn, "pulumi:providers:aws", settings, settings, id=provider_id),
    ]
    tags = {"data-classification": "us-user-data"}
    for unit in range(units):
        region = "eu-west-1" if rng.random() < 0.1 else "us-east-1"
        component = f"{base}acme:storage:UserStore::store-{unit}"
        child = f"{base}acme:storage:UserStore$"
        bucket = f"store-{index}-{unit}-{ACCOUNT}"
        key_id = f"{index:08x}-{unit:04x}-4000-8000-{rng.getrandbits(48):012x}"
        key_arn = f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"
        key_urn = f"{child}aws:kms/key:Key::store-{unit}-key"
        bucket_urn = f"{child}aws:s3/bucket:Bucket::store-{unit}"
        common = {"parent": component, "provider": provider_ref}
        resources.append(
            {"urn": component, "custom": False, "type": "acme:storage:UserStore", "parent": root}
        )
        resources.append(
            _resource(
                key_urn, "aws:kms/key:Key",
                {"enableKeyRotation": True, "region": region, "tags": tags},
                {"arn": key_arn, "keyId": key_id, "enableKeyRotation": True, "region": region,
                 "tags": tags, "tagsAll": tags},
                id=key_id, protect=True, **common,
            )
        )  # fmt: skip
        resources.append(
            _resource(
                bucket_urn, "aws:s3/bucket:Bucket",
                {"bucket": bucket, "region": region, "tags": tags},
                {"arn": f"arn:aws:s3:::{bucket}", "bucket": bucket, "region": region,
                 "bucketRegion": region, "tags": tags, "tagsAll": tags},
                id=bucket, protect=True, **common,
            )
        )  # fmt: skip
        rules = [
            {"applyServerSideEncryptionByDefault": {"kmsMasterKeyId": key_arn,
                                                    "sseAlgorithm": "aws:kms"}}
        ]  # fmt: skip
        deps = {"dependencies": [bucket_urn, key_urn]}
        resources.append(
            _resource(
                f"{child}aws:s3/bucketServerSideEncryptionConfiguration:"
                f"BucketServerSideEncryptionConfiguration::store-{unit}-sse",
                "aws:s3/bucketServerSideEncryptionConfiguration:"
                "BucketServerSideEncryptionConfiguration",
                {"bucket": bucket, "region": region, "rules": rules},
                {"bucket": bucket, "region": region, "rules": rules},
                id=bucket, propertyDependencies={"bucket": [bucket_urn], "rules": [key_urn]},
                **deps, **common,
            )
        )  # fmt: skip
        block = {
            "bucket": bucket, "region": region, "blockPublicAcls": True,
            "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True,
        }  # fmt: skip
        resources.append(
            _resource(
                f"{child}aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::store-{unit}-pab",
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                block, block, id=bucket, propertyDependencies={"bucket": [bucket_urn]},
                dependencies=[bucket_urn], **common,
            )
        )  # fmt: skip
    manifest = {"time": TIME, "magic": "0" * 64, "version": "v3.205.0"}
    return {"version": 3, "deployment": {"manifest": manifest, "resources": resources}}


def write_exports(directory: Path, count: int, units: int) -> int:
    rng = random.Random(SEED)
    total = 0
    for index in range(count):
        export = generated_export(index, units, rng)
        total += len(export["deployment"]["resources"])
        (directory / f"stack-{index:03d}.json").write_text(json.dumps(export), encoding="utf-8")
    return total


def _group(command: str) -> str:
    return "pack" if "pulumi.policy" in command else "audit"


def trust_config(path: Path) -> Path:
    """The platform team's policy config: the account of the generated stacks is trusted."""
    trust = {"trustedAccountIds": [ACCOUNT]}
    policies = (
        "residency-data-flow", "residency-key-locality", "residency-named-places",
        "residency-no-cross-region-copy", "residency-no-foreign-principals",
        "residency-no-public-exposure", "residency-provider-trust",
        "residency-public-access-block",
    )  # fmt: skip
    path.write_text(json.dumps(dict.fromkeys(policies, trust)), encoding="utf-8")
    return path


def measure(count: int, units: int, workers: int) -> tuple[int, RunResult]:
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as tmp:
        directory = Path(tmp) / "exports"
        directory.mkdir()
        resources = write_exports(directory, count, units)
        config = trust_config(Path(tmp) / "policy-config.json")
        result = run_measured(
            [sys.executable, "-m", "preflight.cli", "audit", str(directory),
             "--format", "evidence", "--output", str(Path(tmp) / "evidence.json"),
             "--workers", str(workers), "--policy-pack-config", str(config)],
            cwd=REPO, group=_group,
        )  # fmt: skip
    return resources, result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.audit_memory")
    parser.add_argument("--counts", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--units", type=int, default=30, help="user-data stores per stack")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    print("exports  resources  exit  wall s  audit process MiB  packs MiB (all at once)")
    for count in args.counts:
        resources, result = measure(count, args.units, args.workers)
        audit_peak = result.peak_of(result.pid) / 1024
        packs = result.group_peaks_kib.get("pack", 0) / 1024
        print(
            f"{count:7d}  {resources:9d}  {result.returncode:4d}  {result.wall_s:6.1f}  "
            f"{audit_peak:17.1f}  {packs:22.1f}"
        )
        if result.returncode not in (0, 1):
            print(result.stderr_tail, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

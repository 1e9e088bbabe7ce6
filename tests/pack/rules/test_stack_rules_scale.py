"""The stack rules that pair resources (a store and its encryption configuration, a bucket and
its public access block, a pre-authenticated request and its bucket) do work linear in the stack:
counted, not timed. Each stack below mixes pairs found by property dependency, by literal name
and by plain dependency, with a violation in every tenth pair, so the counts cover every path."""

from typing import Any

import pytest
from residency_pack.rules import key_locality, public_access_block
from residency_pack.testing import (
    UNKNOWN_STRING,
    Resource,
    analyze_stack,
    aws_provider,
    urn_of,
)

USER = {"data-classification": "us-user-data"}
EAST = aws_provider("us-east-1", name="east")
SINGAPORE = aws_provider("ap-southeast-1", name="sg")
BUCKET = "aws:s3/bucketV2:BucketV2"
SSE = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ALL_ON = dict.fromkeys(public_access_block.BLOCK_SETTINGS, True)


def aws_pairs(n: int) -> list[Resource]:
    """n user-data buckets, each with a key, an encryption configuration and a public access
    block; every tenth key is in Singapore and every tenth bucket has no block."""
    out: list[Resource] = []
    for i in range(n):
        key_region = SINGAPORE if i % 10 == 3 else EAST
        key = Resource("aws:kms/key:Key", f"k{i}", {"tags": USER}, key_region)
        bucket = Resource(BUCKET, f"b{i}", {"bucket": f"b{i}", "tags": USER}, EAST)
        by_name = i % 2 == 0  # half name their bucket literally, half by property dependency
        sse_rules = [{"applyServerSideEncryptionByDefault": {"kmsMasterKeyId": UNKNOWN_STRING}}]
        sse = Resource(
            SSE, f"e{i}", {"bucket": f"b{i}" if by_name else UNKNOWN_STRING, "rules": sse_rules},
            EAST, property_dependencies={
                **({} if by_name else {"bucket": [bucket.resource_urn()]}),
                "rules": [key.resource_urn()],
            },
        )  # fmt: skip
        out += [key, bucket, sse]
        if i % 10 == 7:
            continue
        deps: dict[str, Any] = (
            {"property_dependencies": {"bucket": [bucket.resource_urn()]}}
            if i % 3 == 0
            else {"dependencies": [bucket.resource_urn()]}  # older engines: plain dependencies
            if i % 3 == 1
            else {}
        )
        props = {**ALL_ON, "bucket": UNKNOWN_STRING if i % 3 != 2 else f"b{i}"}
        out.append(Resource(BLOCK, f"pab{i}", props, EAST, **deps))
    return out


def counted_run(monkeypatch, module: Any, stack: list[Resource]) -> tuple[int, list[str]]:
    """(property reads the rule made, the names of the resources it reported)."""
    reads = 0
    real_get = module.get

    def counting_get(*args: Any, **kwargs: Any) -> Any:
        nonlocal reads
        reads += 1
        return real_get(*args, **kwargs)

    monkeypatch.setattr(module, "get", counting_get)
    diagnostics = analyze_stack(module.POLICY, stack)
    monkeypatch.setattr(module, "get", real_get)
    return reads, sorted(d.urn.rsplit("::", 1)[-1] for d in diagnostics)


@pytest.mark.parametrize(
    ("module", "build", "violating"),
    [
        (key_locality, aws_pairs, lambda n: [f"b{i}" for i in range(n) if i % 10 == 3]),
        (public_access_block, aws_pairs, lambda n: [f"b{i}" for i in range(n) if i % 10 == 7]),
    ],
)
def test_pairing_work_doubles_when_the_stack_doubles(monkeypatch, module, build, violating):
    work = []
    for n in (200, 400):
        reads, reported = counted_run(monkeypatch, module, build(n))
        assert reported == sorted(violating(n))  # the pairs are found: only the bad ones report
        work.append(reads)
    # A scan of every candidate per resource would quadruple the reads; an index doubles them.
    assert work[1] <= 2 * work[0] + 10, work


def test_the_stacks_exercise_every_pairing_path():
    urn = urn_of(BUCKET, "b0")
    blocks = [r for r in aws_pairs(6) if r.type == BLOCK]
    assert any(urn in r.property_dependencies.get("bucket", ()) for r in blocks)
    assert any(r.dependencies and "bucket" not in r.property_dependencies for r in blocks)
    assert any(r.props["bucket"] != UNKNOWN_STRING for r in blocks)

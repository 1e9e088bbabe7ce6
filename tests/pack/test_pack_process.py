"""The pack loads as the Pulumi CLI loads it and serves its policies over the analyzer protocol.

The CLI starts a Python policy pack as ``python -u -m pulumi.policy <engine> <pack dir>``; the
pack prints the port of its analyzer gRPC server on stdout.
"""

import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from residency_pack.policies import all_policies

PACK_DIR = Path(__file__).resolve().parents[2] / "policy_packs" / "residency"


def _stderr(process: subprocess.Popen[bytes]) -> str:
    return process.stderr.read().decode() if process.stderr else ""


def read_port(process: subprocess.Popen[bytes], timeout: float = 60.0) -> int:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        assert remaining > 0, "the pack printed no port in time"
        assert process.poll() is None, f"the pack exited: {_stderr(process)}"
        if selector.select(timeout=min(remaining, 0.5)):
            chunk = os.read(process.stdout.fileno(), 64)
            assert chunk, f"the pack closed stdout: {_stderr(process)}"
            line += chunk
    return int(line.strip())


def test_pack_process_lists_its_policies_and_analyzes_over_grpc():
    env = {
        **os.environ,
        "PULUMI_PROJECT": "residency-blueprint",
        "PULUMI_STACK": "prod",
        "PULUMI_DRY_RUN": "true",
    }
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(PACK_DIR)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=PACK_DIR,
    )
    try:
        port = read_port(process)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
            stub = analyzer_pb2_grpc.AnalyzerStub(channel)
            info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
            assert info.name == "residency"
            listed = [p.name for p in info.policies]
            assert listed == [p.name for p in all_policies()]
            assert {
                "residency-region-allowlist",
                "residency-key-locality",
                "residency-data-flow",
            } <= set(listed)
            assert all(p.enforcementLevel == proto.MANDATORY for p in info.policies)
            by_name = {p.name: p for p in info.policies}
            assert "exemptions" in by_name["residency-region-allowlist"].configSchema.properties
            assert "allowedRegions" in by_name["residency-region-allowlist"].configSchema.properties
            assert (
                by_name["residency-key-locality"].policy_type == proto.PolicyType.POLICY_TYPE_STACK
            )

            properties = struct_pb2.Struct()
            properties.update({"tags": {"data-classification": "us-user-data"}})
            provider_props = struct_pb2.Struct()
            provider_props.update({"region": "ap-southeast-1"})
            request = proto.AnalyzeRequest(
                type="aws:s3/bucket:Bucket",
                name="leak",
                urn="urn:pulumi:prod::residency-blueprint::aws:s3/bucket:Bucket::leak",
                properties=properties,
                options=proto.AnalyzerResourceOptions(protect=True),
                provider=proto.AnalyzerProviderResource(
                    type="pulumi:providers:aws",
                    name="sg",
                    urn="urn:pulumi:prod::residency-blueprint::pulumi:providers:aws::sg",
                    properties=provider_props,
                ),
            )
            response = stub.Analyze(request, timeout=30)
            fired = {
                d.policyName for d in response.diagnostics if d.enforcementLevel == proto.MANDATORY
            }
            assert "residency-classification-in-region" in fired

            # The pack's servicer is in place: it keeps the stack config and refuses a config
            # that would switch a policy off, failing the call (the CLI stops with the message).
            stub.ConfigureStack(
                proto.AnalyzerStackConfigureRequest(
                    stack="prod", config={"aws:allowedAccountIds": '["111122223333"]'}
                ),
                timeout=30,
            )
            refused = proto.ConfigureAnalyzerRequest()
            refused.policyConfig["residency-region-allowlist"].CopyFrom(
                proto.PolicyConfig(enforcementLevel=proto.DISABLED)
            )
            try:
                stub.Configure(refused, timeout=30)
                raise AssertionError("a disabling config was accepted")
            except grpc.RpcError as error:
                assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
                assert "`residency-region-allowlist`" in (error.details() or "")
            response = stub.Analyze(request, timeout=30)
            assert fired == {
                d.policyName for d in response.diagnostics if d.enforcementLevel == proto.MANDATORY
            }
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

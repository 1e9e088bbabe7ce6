"""preflight analyses each resource as the program registers it, as the engine does during a
preview, and the calls and the report are those of an analysis after the program's end."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import resource_pb2

from preflight.monitor import Registration
from preflight.program_runner import run_program
from preflight.project import load_project, load_stack_config
from preflight.reporters import FORMATS, render
from preflight.run import Options, _analyze, _configure_packs, _StreamingAnalysis

from .conftest import PROGRAMS
from .test_analyzer_protocol import RecordingAnalyzer, loaded_pack, serve
from .test_deterministic_reports import comparable

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _run(tmp: Path, streamed: bool):
    servicer = RecordingAnalyzer()
    server, port = serve(servicer)
    try:
        project = load_project(PROGRAMS / "faithful")
        config = load_stack_config(project, "prod")
        pack = loaded_pack(tmp, port)
        _configure_packs([pack], project, config, Options(program_dir=project.root))
        setup: Future[None] = Future()
        setup.set_result(None)
        stream = _StreamingAnalysis([pack], setup, config, project)
        run = run_program(project, config, watch=stream.start if streamed else None)
        stream.program_ended(cancel=False)
        streamed_results = stream.results()
        report = _analyze(run, project, config, [pack], None, streamed_results)
        assert pack.client is not None
        pack.client.close()
    finally:
        server.stop(0)
    return servicer.requests, report, run, streamed_results


def test_streamed_analysis_makes_the_same_calls_and_report_as_after_the_end(tmp_path):
    after, after_report, _, none = _run(tmp_path, streamed=False)
    during, during_report, run, streamed = _run(tmp_path, streamed=True)
    assert none == []
    # Every analysed resource was analysed while streaming, none again at the end.
    assert [s.urn for s in streamed] == [r.urn for r in run.resources if r.analyzed]
    # The program registers in whatever order its event loop runs, so compare per resource.
    assert [name for name, _ in during] == [name for name, _ in after]
    assert _per_resource(during) == _per_resource(after)
    assert during[3] == after[3]  # Configure
    assert _stack(during[-1]) == _stack(after[-1])
    names = [name for name, _ in during]
    assert names.count("Analyze") == len(streamed) > 3
    assert names[-1] == "AnalyzeStack"
    for index, name in enumerate(names):
        if name == "Analyze":
            assert names[index - 1] == "Remediate"
    for fmt in FORMATS:
        assert comparable(render(during_report, fmt)) == comparable(render(after_report, fmt))


def _per_resource(requests):
    out: dict[str, list[tuple[str, bytes]]] = {}
    for name, request in requests:
        if name in ("Remediate", "Analyze"):
            out.setdefault(request.urn, []).append(
                (name, request.SerializeToString(deterministic=True))
            )
    return out


def _stack(call):
    name, request = call
    assert name == "AnalyzeStack"
    return sorted(r.SerializeToString(deterministic=True) for r in request.resources)


def _registration(name: str) -> Registration:
    props = struct_pb2.Struct()
    props.update({"bucket": name})
    urn = f"urn:pulumi:prod::faithful::aws:s3/bucket:Bucket::{name}"
    request = resource_pb2.RegisterResourceRequest(
        type="aws:s3/bucket:Bucket", name=name, custom=True, object=props
    )
    return Registration("register", urn, request)


class _Monitor:
    """Registrations arriving one by one, as from a running program."""

    def __init__(self) -> None:
        self.registrations: list[Registration] = []
        self.changed = threading.Condition()

    def add(self, reg: Registration) -> None:
        with self.changed:
            self.registrations.append(reg)
            self.changed.notify_all()

    def registrations_after(self, seen: int, timeout: float) -> list[Registration]:
        with self.changed:
            self.changed.wait_for(lambda: len(self.registrations) > seen, timeout)
            return self.registrations[seen:]


class _Client:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.analysed = threading.Event()

    def remediate(self, resource, props):
        self.calls.append(("Remediate", resource.urn))
        return []

    def analyze(self, resource, props):
        self.calls.append(("Analyze", resource.urn))
        self.analysed.set()
        return []


class _Pack:
    def __init__(self, client: _Client) -> None:
        self.client = client


def test_a_resource_is_analysed_while_the_program_still_runs():
    project = load_project(PROGRAMS / "faithful")
    config = load_stack_config(project, "prod")
    client = _Client()
    setup: Future[None] = Future()
    stream = _StreamingAnalysis([_Pack(client)], setup, config, project)  # type: ignore[list-item]
    monitor = _Monitor()
    stream.start(monitor)  # type: ignore[arg-type]
    monitor.add(_registration("first"))
    assert not client.analysed.wait(0.3)  # not before the packs are configured
    setup.set_result(None)
    assert client.analysed.wait(30)  # the program has not ended
    monitor.add(_registration("second"))
    stream.program_ended(cancel=False)
    provider = "urn:pulumi:prod::faithful::pulumi:providers:aws::default"
    bucket = "urn:pulumi:prod::faithful::aws:s3/bucket:Bucket::"
    assert client.calls == [
        ("Remediate", provider),
        ("Analyze", provider),
        ("Remediate", bucket + "first"),
        ("Analyze", bucket + "first"),
        ("Remediate", bucket + "second"),
        ("Analyze", bucket + "second"),
    ]
    assert [r.urn for r in stream.results()] == [c[1] for c in client.calls[1::2]]


def test_a_failed_program_stops_the_analysis():
    project = load_project(PROGRAMS / "faithful")
    config = load_stack_config(project, "prod")
    client = _Client()
    setup: Future[None] = Future()
    stream = _StreamingAnalysis([_Pack(client)], setup, config, project)  # type: ignore[list-item]
    monitor = _Monitor()
    stream.start(monitor)  # type: ignore[arg-type]
    monitor.add(_registration("first"))
    stream.program_ended(cancel=True)
    setup.set_result(None)
    assert client.calls == []


def test_a_streamed_analysis_is_reused_only_for_the_same_request_and_source() -> None:
    from google.protobuf import struct_pb2

    from preflight.model import EngineResource, ProviderResource
    from preflight.run import request_digest

    def resource(**changes: Any) -> EngineResource:
        props = struct_pb2.Struct()
        props.update(changes.pop("props", {"bucket": "b", "tags": {"data-classification": "x"}}))
        fields: dict[str, Any] = {
            "urn": "urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::b",
            "type": "aws:s3/bucketV2:BucketV2",
            "name": "b",
            "custom": True,
            "parent": "",
            "properties": props,
            "outputs": props,
            "provider": None,
            "source": "__main__.py:3",
        }
        fields.update(changes)
        return EngineResource(**fields)

    same = request_digest(resource())
    assert request_digest(resource()) == same
    assert (
        request_digest(resource(props={"bucket": "b", "tags": {"data-classification": "y"}}))
        != same
    )
    assert request_digest(resource(source="__main__.py:4")) != same
    assert request_digest(resource(protect=True)) != same
    assert request_digest(resource(parent="urn:pulumi:s::p::c:C::x")) != same
    region = struct_pb2.Struct()
    region.update({"region": "eu-west-1"})
    provider = ProviderResource("urn:pulumi:s::p::pulumi:providers:aws::eu", "pulumi:providers:aws",
                                "eu", region)  # fmt: skip
    with_provider = request_digest(resource(provider=provider))
    assert with_provider != same
    region.update({"region": "us-east-1"})
    assert request_digest(resource(provider=provider)) != with_provider


def test_the_streaming_builder_keeps_providers_and_nothing_else_it_built(tmp_path) -> None:
    import gc
    import weakref

    from pulumi.runtime.proto import resource_pb2

    from preflight.program_runner import engine_resource_builder
    from preflight.project import load_project, load_stack_config

    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (tmp_path / "Pulumi.s.yaml").write_text("config:\n  aws:region: us-east-1\n")
    project = load_project(tmp_path)
    add = engine_resource_builder(load_stack_config(project, "s"), "p", tmp_path, outputs=False)
    provider_urn = "urn:pulumi:s::p::pulumi:providers:aws::eu"
    provider = resource_pb2.RegisterResourceRequest(
        type="pulumi:providers:aws", name="eu", custom=True
    )
    provider.object.update({"region": "eu-west-1"})
    add(Registration("register", provider_urn, provider))

    def bucket(name: str) -> Registration:
        request = resource_pb2.RegisterResourceRequest(
            type="aws:s3/bucketV2:BucketV2", name=name, custom=True,
            provider=f"{provider_urn}::04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        )  # fmt: skip
        return Registration(
            "register", f"urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::{name}", request
        )

    [first] = add(bucket("first"))
    assert first.provider is not None and first.provider.urn == provider_urn
    built = weakref.ref(first)
    del first
    [second] = add(bucket("second"))
    gc.collect()
    assert built() is None  # the builder let go of the first bucket once it was handed out
    assert second.provider is not None and second.provider.urn == provider_urn

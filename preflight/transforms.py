"""Resource transforms, applied as the engine applies them.

``transforms=`` and ``pulumi.runtime.register_stack_transform`` do not run in the SDK: the SDK
registers them as callbacks on its own callback server, and the engine's resource monitor calls
them back over gRPC (the resource's own transforms, then its parents' from the nearest up, then
the stack transforms) before it goes on with the transformed properties and options. So does
preflight's monitor, with the engine's ``TransformRequest``; the stack's invoke transforms get
the engine's ``TransformInvokeRequest`` before an invoke is answered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
from pulumi.runtime.proto import callback_pb2, callback_pb2_grpc, resource_pb2

from preflight.errors import PreflightError

CALLBACK_TIMEOUT = 60.0
ChannelFor = Callable[[str], grpc.Channel]


def _options(req: Any) -> Any:
    opts = resource_pb2.TransformResourceOptions(
        depends_on=list(req.dependencies),
        ignore_changes=list(req.ignoreChanges),
        replace_on_changes=list(req.replaceOnChanges),
        version=req.version,
        aliases=list(req.aliases),
        provider=req.provider,
        plugin_download_url=req.pluginDownloadURL,
        deleted_with=req.deletedWith,
        additional_secret_outputs=list(req.additionalSecretOutputs),
        providers=dict(req.providers),
    )
    if req.HasField("protect"):
        opts.protect = req.protect
    if req.HasField("retainOnDelete"):
        opts.retain_on_delete = req.retainOnDelete
    if req.deleteBeforeReplaceDefined:
        opts.delete_before_replace = req.deleteBeforeReplace
    if req.HasField("customTimeouts"):
        opts.custom_timeouts.CopyFrom(req.customTimeouts)
    return opts


def _apply(req: Any, response: Any) -> None:
    req.object.Clear()
    req.object.CopyFrom(response.properties)
    if not response.HasField("options"):
        return
    opts = response.options
    del req.dependencies[:]
    req.dependencies.extend(opts.depends_on)
    del req.ignoreChanges[:]
    req.ignoreChanges.extend(opts.ignore_changes)
    del req.replaceOnChanges[:]
    req.replaceOnChanges.extend(opts.replace_on_changes)
    del req.additionalSecretOutputs[:]
    req.additionalSecretOutputs.extend(opts.additional_secret_outputs)
    del req.aliases[:]
    req.aliases.extend(opts.aliases)
    req.version = opts.version
    req.provider = opts.provider
    req.pluginDownloadURL = opts.plugin_download_url
    req.deletedWith = opts.deleted_with
    req.providers.clear()
    req.providers.update(dict(opts.providers))
    if opts.HasField("protect"):
        req.protect = opts.protect
    else:
        req.ClearField("protect")
    if opts.HasField("retain_on_delete"):
        req.retainOnDelete = opts.retain_on_delete
    req.deleteBeforeReplaceDefined = opts.HasField("delete_before_replace")
    req.deleteBeforeReplace = opts.delete_before_replace
    if opts.HasField("custom_timeouts"):
        req.customTimeouts.CopyFrom(opts.custom_timeouts)
    else:
        req.ClearField("customTimeouts")


def _call_back(callback: Any, request: Any, channel_for: ChannelFor, what: str) -> bytes:
    """Call one transform back on the program's callback server, as the engine does."""
    stub = callback_pb2_grpc.CallbacksStub(channel_for(callback.target))
    try:
        response = stub.Invoke(
            callback_pb2.CallbackInvokeRequest(
                token=callback.token, request=request.SerializeToString()
            ),
            timeout=CALLBACK_TIMEOUT,
        )
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
            raise PreflightError(
                f"{what}: a transform did not return within {CALLBACK_TIMEOUT:.0f}s"
            ) from None
        raise PreflightError(f"{what}: a transform failed: {error.details()}") from None
    return bytes(response.response)


def apply_transforms(req: Any, callbacks: list[Any], channel_for: ChannelFor) -> None:
    """Run the transform callbacks over ``req`` (a ``RegisterResourceRequest``), in order;
    ``req`` is updated."""
    for callback in callbacks:
        request = resource_pb2.TransformRequest(
            type=req.type,
            name=req.name,
            custom=req.custom,
            parent=req.parent,
            properties=req.object,
            options=_options(req),
        )
        raw = _call_back(callback, request, channel_for, f"resource {req.name!r} ({req.type})")
        _apply(req, resource_pb2.TransformResponse.FromString(raw))


def transform_invoke(req: Any, callbacks: list[Any], channel_for: ChannelFor) -> None:
    """Run the stack's invoke transforms over ``req`` (a ``ResourceInvokeRequest``), in order."""
    for callback in callbacks:
        request = resource_pb2.TransformInvokeRequest(
            token=req.tok,
            args=req.args,
            options=resource_pb2.TransformInvokeOptions(
                provider=req.provider,
                plugin_download_url=req.pluginDownloadURL,
                version=req.version,
            ),
        )
        raw = _call_back(callback, request, channel_for, f"invoke {req.tok}")
        response = resource_pb2.TransformInvokeResponse.FromString(raw)
        req.args.Clear()
        req.args.CopyFrom(response.args)
        if response.HasField("options"):
            req.provider = response.options.provider
            req.pluginDownloadURL = response.options.plugin_download_url
            req.version = response.options.version

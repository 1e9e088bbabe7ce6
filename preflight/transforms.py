"""Resource transforms, applied as the engine applies them.

``transforms=`` and ``pulumi.runtime.register_stack_transform`` do not run in the SDK: the SDK
registers them as callbacks, and the engine's resource monitor calls them back (the resource's
own transforms, then its parents' from the nearest up, then the stack transforms) before it
goes on with the transformed properties and options. The SDK's mock monitor never calls them;
this module does, through the SDK's own callback server, with the engine's ``TransformRequest``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pulumi.runtime._callbacks import _CallbackServicer
from pulumi.runtime.proto import resource_pb2

from preflight.errors import PreflightError

CALLBACK_TIMEOUT = 60.0


def _callback(token: str) -> tuple[Any, asyncio.AbstractEventLoop]:
    for servicer in list(_CallbackServicer._servicers):
        callback = servicer._callbacks.get(token)
        if callback is not None:
            return callback, servicer._loop
    raise PreflightError(f"transform callback {token} is not registered in this program")


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


def apply_transforms(req: Any, tokens: list[str]) -> None:
    """Run the transform callbacks ``tokens`` over ``req`` (a ``RegisterResourceRequest``), in
    order, from a monitor thread while the program's event loop runs; ``req`` is updated."""
    for token in tokens:
        callback, loop = _callback(token)
        request = resource_pb2.TransformRequest(
            type=req.type,
            name=req.name,
            custom=req.custom,
            parent=req.parent,
            properties=req.object,
            options=_options(req),
        )
        future = asyncio.run_coroutine_threadsafe(callback(request.SerializeToString()), loop)
        try:
            response = future.result(timeout=CALLBACK_TIMEOUT)
        except TimeoutError:
            future.cancel()
            raise PreflightError(
                f"resource {req.name!r} ({req.type}): a transform did not return within "
                f"{CALLBACK_TIMEOUT:.0f}s"
            ) from None
        _apply(req, response)

"""The residency pack with the policy SDK's own ``Analyze`` and ``AnalyzeStack``.

Everything else is the pack as ``policy_packs/residency/__main__.py`` starts it (its policies,
its servicer's ``ConfigureStack`` and ``Configure``, its GC setting); only the two methods that
``residency_pack/decode_once.py`` re-writes are the SDK's again. The benchmarks run it beside
the pack, interleaved, so every run shows what decoding each request once saves.
"""

import runpy
import sys
from pathlib import Path

PACK = Path(__file__).resolve().parents[2] / "policy_packs" / "residency"
sys.path.insert(0, str(PACK))

import pulumi_policy.policy as sdk_policy  # noqa: E402
from residency_pack import decode_once, servicer  # noqa: E402

SDK_SERVICER: type[sdk_policy._PolicyAnalyzerServicer] = decode_once.DecodeOnceServicer.__bases__[0]


class WithoutDecodeOnce(servicer.ResidencyAnalyzerServicer):
    """The pack's servicer, decoding every request once per policy as the SDK does."""

    Analyze = SDK_SERVICER.Analyze
    AnalyzeStack = SDK_SERVICER.AnalyzeStack


# servicer.install() puts this name in the SDK's place when the pack's __main__ runs.
servicer.ResidencyAnalyzerServicer = WithoutDecodeOnce  # type: ignore[misc]
runpy.run_path(str(PACK / "__main__.py"), run_name="__main__")

"""Where a pack process spends its time: py-spy attached to it while the benchmark drives it.

``py-spy record --gil`` samples only the thread holding the GIL (the pack's gRPC worker threads
wait most of the time, and a waiting thread is not a cost). ``--format raw`` writes collapsed
stacks (``frame;frame;... count``); they are folded here into inclusive and self sample counts
per function, so the report can name the module and function that cost what.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


@dataclass
class Hotspot:
    function: str  # "module/path.py:function"
    inclusive: float  # share of samples with it on the stack
    self_: float  # share of samples with it on top


@dataclass
class Profile:
    samples: int = 0
    inclusive: list[Hotspot] = field(default_factory=list)
    self_: list[Hotspot] = field(default_factory=list)
    raw_file: str = ""


def py_spy() -> str | None:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    return found if Path(found).is_file() else None


def _short(path: str) -> str:
    for marker in ("site-packages/", "residency_pack/", "/work/main/"):
        if marker in path:
            tail = path.split(marker, 1)[1]
            return ("residency_pack/" + tail) if marker == "residency_pack/" else tail
    return path


def _function(frame: str) -> str:
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    return f"{_short(match.group('file'))}:{match.group('func')}"


def fold(raw: str, top: int = 25) -> Profile:
    inclusive: Counter[str] = Counter()
    self_: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_function(f) for f in stack.split(";")]
        total += count
        for name in set(frames):
            inclusive[name] += count
        self_[frames[-1]] += count
    if total == 0:
        return Profile()
    return Profile(
        samples=total,
        inclusive=[
            Hotspot(name, n / total, self_[name] / total) for name, n in inclusive.most_common(top)
        ],
        self_=[
            Hotspot(name, inclusive[name] / total, n / total) for name, n in self_.most_common(top)
        ],
    )


@contextmanager
def recording(pid: int, output: Path, *, rate: int = 200) -> Iterator[Profile]:
    """Profile ``pid`` for the duration of the block; the folded profile is filled in on exit."""
    profile = Profile(raw_file=str(output))
    tool = py_spy()
    if tool is None:
        yield profile
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [tool, "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw",
         "--output", str(output), "--nonblocking", "--gil"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield profile
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if output.is_file():
        folded = fold(output.read_text(encoding="utf-8", errors="replace"))
        profile.samples, profile.inclusive, profile.self_ = (
            folded.samples,
            folded.inclusive,
            folded.self_,
        )

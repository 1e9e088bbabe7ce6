"""Peak resident memory of a process and everything it starts, from Linux's ``/proc``.

``VmHWM`` in ``/proc/<pid>/status`` is the kernel's own high-water mark of a process's resident
set, so polling it loses nothing as long as one poll happens after the peak: the last reading of
each process is its exact peak up to then. A sampler thread reads it for the process and all its
descendants every few milliseconds until the process exits; ``os.wait4``'s ``ru_maxrss`` of the
direct child is kept as a cross-check. What several processes hold at once is the sum of their
``VmRSS`` at one poll; its maximum over the polls can miss a peak that lasts less than a poll
(20 ms), so it is a close lower bound.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_PROC = Path("/proc")


@dataclass
class ProcessPeak:
    pid: int
    command: str
    peak_kib: int


@dataclass
class RunResult:
    returncode: int
    wall_s: float
    peaks: dict[int, ProcessPeak] = field(default_factory=dict)
    maxrss_kib: int = 0  # os.wait4 ru_maxrss of the direct child
    stderr_tail: str = ""
    pid: int = -1  # the command's own process
    cpu_s: float = 0.0  # user + system time of the command and the children it waited for
    # Per group of processes (see ``run_measured``'s ``group``): the highest sum of their
    # resident sets seen at one poll, i.e. what the group held at once.
    group_peaks_kib: dict[str, int] = field(default_factory=dict)

    def peak_of(self, pid: int) -> int:
        peak = self.peaks.get(pid)
        return peak.peak_kib if peak else 0

    def children_peaks(self, pid: int) -> list[ProcessPeak]:
        return [p for p in self.peaks.values() if p.pid != pid]


def _status(pid: int) -> tuple[int, int] | None:
    """``VmHWM`` and ``VmRSS`` of a live process, KiB."""
    try:
        text = (_PROC / str(pid) / "status").read_text()
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        if line.startswith(("VmHWM:", "VmRSS:")):
            values[line[:5]] = int(line.split()[1])
    if "VmHWM" not in values:
        return None
    return values["VmHWM"], values.get("VmRSS", 0)


def _command(pid: int) -> str:
    try:
        raw = (_PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return ""
    return " ".join(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part)


def _descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        for child in parents.get(pid, []):
            found.append(child)
            todo.append(child)
    return found


def _sample(
    root: int,
    peaks: dict[int, ProcessPeak],
    group_peaks: dict[str, int],
    group: Callable[[str], str],
    stop: threading.Event,
) -> None:
    tick = 0
    children: list[int] = []
    while not stop.is_set():
        if tick % 10 == 0:  # the process tree changes rarely; scanning /proc costs more
            children = _descendants(root)
        resident: dict[str, int] = {}
        for pid in (root, *children):
            status = _status(pid)
            if status is None:
                continue
            hwm, rss = status
            peak = peaks.get(pid)
            if peak is None:
                peak = peaks[pid] = ProcessPeak(pid, _command(pid), hwm)
            elif hwm > peak.peak_kib:
                peak.peak_kib = hwm
            name = group(peak.command)
            resident[name] = resident.get(name, 0) + rss
        for name, total in resident.items():
            group_peaks[name] = max(group_peaks.get(name, 0), total)
        tick += 1
        stop.wait(0.02)


def run_measured(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 900.0,
    track_memory: bool = True,
    group: Callable[[str], str] = lambda command: "all",
) -> RunResult:
    """Run ``command`` to completion: wall time, exit status, peak memory of its process tree
    (per process, and per ``group`` of processes by command line: their summed resident sets
    at the fullest poll)."""
    with open(os.devnull, "wb") as devnull, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=devnull,
            stderr=err,
        )
        peaks: dict[int, ProcessPeak] = {}
        group_peaks: dict[str, int] = {}
        stop = threading.Event()
        sampler = threading.Thread(
            target=_sample, args=(proc.pid, peaks, group_peaks, group, stop), daemon=True
        )
        if track_memory:
            sampler.start()
        deadline = start + timeout
        status, rusage = 0, None
        try:
            while True:
                pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
                if pid == proc.pid:
                    break
                if time.perf_counter() > deadline:
                    proc.kill()
                    _, status, rusage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.005)
        finally:
            wall = time.perf_counter() - start
            stop.set()
            if track_memory:
                sampler.join()
            proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-3:]
    return RunResult(
        returncode=proc.returncode,
        wall_s=wall,
        peaks=peaks,
        maxrss_kib=rusage.ru_maxrss if rusage is not None else 0,
        stderr_tail="\n".join(tail),
        pid=proc.pid,
        group_peaks_kib=group_peaks,
        cpu_s=rusage.ru_utime + rusage.ru_stime if rusage is not None else 0.0,
    )

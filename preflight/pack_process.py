"""Start a Python policy pack as its own process, the way the Pulumi CLI does, and always stop it.

The CLI runs a Python pack through the ``pulumi-analyzer-policy-python`` shim:
``python -u -m pulumi.policy <engine address> .`` with the pack directory as the working
directory, the pack's ``virtualenv`` (runtime option in ``PulumiPolicy.yaml``) when it has one,
and the environment the engine builds for policy packs: ``PULUMI_CONFIG`` (the stack config as
JSON), ``PULUMI_PROJECT``, ``PULUMI_STACK``, ``PULUMI_ORGANIZATION`` and ``PULUMI_DRY_RUN``. The
pack prints the port of its analyzer gRPC server as its first line of output.

The process gets its own process group, is killed with its group on every exit path (and, on
Linux, by the kernel if preflight itself dies: ``PR_SET_PDEATHSIG``), and every wait has a
timeout.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from preflight import process_tree
from preflight.errors import PreflightError
from preflight.project import read_yaml, runtime_of

POLICY_PROJECT_FILE = "PulumiPolicy.yaml"
DEFAULT_START_TIMEOUT = 60.0


def start_timeout_default() -> float:
    """Seconds to wait for the pack's port (``PREFLIGHT_PACK_START_TIMEOUT``, default 60)."""
    try:
        return float(os.environ.get("PREFLIGHT_PACK_START_TIMEOUT", DEFAULT_START_TIMEOUT))
    except ValueError:
        return DEFAULT_START_TIMEOUT


# The pack's own SDK does not talk to the engine; the CLI still passes the engine's address.
ENGINE_ADDRESS_PLACEHOLDER = "127.0.0.1:0"
_TRACEBACK_FRAME = re.compile(r'^\s*File "(.+)", line (\d+)')


@dataclass(frozen=True)
class PolicyProject:
    dir: Path
    file: Path
    runtime: str
    options: Mapping[str, Any]
    version: str
    description: str


def load_policy_project(pack_dir: Path) -> PolicyProject:
    pack_dir = pack_dir.resolve()
    file = pack_dir / POLICY_PROJECT_FILE
    if not file.is_file():
        if not pack_dir.is_dir():
            raise PreflightError(f"{pack_dir}: no such directory (--policy-pack names a pack)")
        raise PreflightError(f"{file}: not found; --policy-pack must name a CrossGuard policy pack")
    doc = read_yaml(file)
    if not isinstance(doc, dict):
        raise PreflightError(f"{file}: expected a mapping with `runtime`")
    runtime, options = runtime_of(doc)
    if runtime != "python":
        raise PreflightError(f"{file}: runtime is {runtime!r}; preflight runs Python policy packs")
    return PolicyProject(
        dir=pack_dir,
        file=file,
        runtime="python",
        options=options,
        version=str(doc.get("version") or ""),
        description=str(doc.get("description") or ""),
    )


def pack_virtualenv(project: PolicyProject) -> Path | None:
    """The pack's virtualenv directory, as the CLI's Python toolchain resolves ``virtualenv``
    from ``PulumiPolicy.yaml``: relative to the pack directory, never through symlinks (a venv's
    ``bin/python`` is a symlink to the base interpreter; only the path through the venv makes
    Python find the venv's ``pyvenv.cfg`` and its site-packages). ``None`` when the option is
    unset or the directory holds no ``bin/python`` yet: then preflight's own interpreter runs the
    pack (the CLI would not start it; ``policy_packs/residency/README.md`` says how to create it).
    """
    venv = project.options.get("virtualenv")
    if not isinstance(venv, str) or not venv:
        return None
    path = Path(venv) if os.path.isabs(venv) else project.dir / venv
    python = path / "bin" / "python"
    return path if python.is_file() else None


def pack_interpreter(project: PolicyProject) -> str:
    """``<virtualenv>/bin/python`` as a path through the venv, else preflight's interpreter."""
    venv = pack_virtualenv(project)
    return str(venv / "bin" / "python") if venv is not None else sys.executable


def activate_virtualenv(env: Mapping[str, str], venv: Path) -> dict[str, str]:
    """The environment the CLI gives a command run in a virtualenv (``ActivateVirtualEnv``):
    the venv's ``bin`` first on ``PATH``, ``PYTHONHOME`` removed, ``VIRTUAL_ENV`` the venv."""
    result = {k: v for k, v in env.items() if k.upper() not in ("PYTHONHOME", "VIRTUAL_ENV")}
    path_key = next((k for k in result if k.upper() == "PATH"), "PATH")
    bin_dir = str(venv / "bin")
    result[path_key] = (
        f"{bin_dir}{os.pathsep}{result[path_key]}" if result.get(path_key) else bin_dir
    )
    result["VIRTUAL_ENV"] = str(venv)
    return result


def pack_environment(
    *, config: Mapping[str, str], project: str, stack: str, organization: str, dry_run: bool
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PULUMI_CONFIG": json.dumps(dict(config)),
            "PULUMI_ORGANIZATION": organization,
            "PULUMI_PROJECT": project,
            "PULUMI_STACK": stack,
            "PULUMI_DRY_RUN": "true" if dry_run else "false",
        }
    )
    return env


@dataclass
class _Tail:
    lines: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=200))

    def text(self, last: int = 20) -> str:
        return "\n".join(list(self.lines)[-last:])


def kill_all() -> None:
    """SIGKILL every pack (and program) process group still running: the last resort."""
    process_tree.kill_all()


class PackProcess:
    """A running policy pack. Use as a context manager; ``port`` waits for the printed port."""

    def __init__(
        self,
        project: PolicyProject,
        env: Mapping[str, str],
        *,
        start_timeout: float | None = None,
        engine_address: str = ENGINE_ADDRESS_PLACEHOLDER,
    ) -> None:
        self.project = project
        self.env = dict(env)
        self.start_timeout = start_timeout if start_timeout is not None else start_timeout_default()
        self.engine_address = engine_address
        self.proc: subprocess.Popen[bytes] | None = None
        self.stdout = _Tail()
        self.stderr = _Tail()
        self._port_queue: queue.Queue[str | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._port: int | None = None

    @property
    def command(self) -> list[str]:
        return [
            pack_interpreter(self.project),
            "-u",
            "-m",
            "pulumi.policy",
            self.engine_address,
            ".",
        ]

    def start(self) -> PackProcess:
        venv = pack_virtualenv(self.project)
        env = activate_virtualenv(self.env, venv) if venv is not None else self.env
        try:
            self.proc = subprocess.Popen(
                process_tree.dying_with_parent(self.command),
                cwd=self.project.dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            raise PreflightError(
                f"{self.project.file}: cannot start the policy pack: {exc.strerror or exc}"
            ) from exc
        process_tree.track(self.proc.pid)
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._spawn(self._read_stdout, self.proc.stdout)
        self._spawn(self._read_stderr, self.proc.stderr)
        return self

    def _spawn(self, target: Callable[[IO[bytes]], None], stream: IO[bytes]) -> None:
        thread = threading.Thread(target=target, args=(stream,), daemon=True)
        thread.start()
        self._threads.append(thread)

    def _read_stdout(self, stream: IO[bytes]) -> None:
        first = True
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if first:
                self._port_queue.put(line)
                first = False
            else:
                self.stdout.lines.append(line)
        if first:
            self._port_queue.put(None)

    def _read_stderr(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            self.stderr.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def port(self) -> int:
        if self._port is not None:
            return self._port
        try:
            line = self._port_queue.get(timeout=self.start_timeout)
        except queue.Empty:
            raise PreflightError(
                f"{self.project.dir}: policy pack did not print its port within "
                f"{self.start_timeout:.0f}s (set PREFLIGHT_PACK_START_TIMEOUT to wait longer)"
            ) from None
        if line is None:
            code = self._wait_exit(5.0)
            raise PreflightError(
                f"{self.project.dir}: policy pack failed to start (exit status {code}): "
                f"{self.failure_summary()}"
            )
        try:
            self._port = int(line.strip())
        except ValueError:
            raise PreflightError(
                f"{self.project.dir}: policy pack printed {line.strip()!r} where the CLI expects "
                "its port; a pack must not print to stdout before PolicyPack(...) starts"
            ) from None
        return self._port

    def _wait_exit(self, timeout: float) -> int | None:
        if self.proc is None:
            return None
        with contextlib.suppress(subprocess.TimeoutExpired):
            return self.proc.wait(timeout=timeout)
        return None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def failure_summary(self) -> str:
        """The last meaningful line the pack wrote to stderr (its exception, usually)."""
        for thread in self._threads:
            thread.join(timeout=1.0)
        lines = [line for line in self.stderr.lines if line.strip()]
        if not lines:
            return "it wrote nothing to stderr"
        summary = lines[-1].strip()
        # Name where a Python traceback ended, so the message points at the file to fix.
        for line in reversed(lines):
            match = _TRACEBACK_FRAME.match(line)
            if match:
                return f"{summary} (at {match.group(1)}:{match.group(2)})"
        return summary

    def stop(self, grace: float = 2.0) -> None:
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            self._signal_group(signal.SIGTERM)
            deadline = time.monotonic() + grace
            while proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
        # Kill the whole group even if the leader exited: nothing the pack spawned may outlive it.
        process_tree.stop_group(proc.pid)
        process_tree.untrack(proc.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5.0)
        for thread in self._threads:
            thread.join(timeout=1.0)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def _signal_group(self, sig: int) -> None:
        if self.proc is not None:
            process_tree.signal_group(self.proc.pid, sig)

    def __enter__(self) -> PackProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

"""Pack processes started without running Python between fork and exec.

``PackProcess`` asks the kernel to kill the pack with preflight through a ``preexec_fn``, which
makes ``subprocess`` fork this process and run Python in the child. The audit starts packs
while other worker threads are inside gRPC calls; a fork then copies gRPC's threads' state
half-way and the child can crash before it execs (seen: SIGSEGV, SIGABRT). Without a
``preexec_fn``, ``subprocess`` uses ``vfork``/exec, which runs nothing of this process in the
child; a tiny launcher sets ``PR_SET_PDEATHSIG`` itself and then execs the pack's interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys

from preflight import process_tree
from preflight.errors import PreflightError
from preflight.pack_process import PackProcess, activate_virtualenv, pack_virtualenv

# PR_SET_PDEATHSIG is 1; the kernel keeps it across execve. If preflight died before the prctl,
# the launcher's parent is no longer preflight: stop.
_LAUNCHER = (
    "import ctypes, os, signal, sys\n"
    "ctypes.CDLL(None).prctl(1, signal.SIGKILL)\n"
    "os.getppid() == int(sys.argv[1]) or os._exit(1)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


class SpawnedPackProcess(PackProcess):
    def start(self) -> PackProcess:
        venv = pack_virtualenv(self.project)
        env = activate_virtualenv(self.env, venv) if venv is not None else self.env
        command = list(self.command)
        if sys.platform.startswith("linux"):
            command = [sys.executable, "-c", _LAUNCHER, str(os.getpid()), *command]
        try:
            self.proc = subprocess.Popen(
                command,
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

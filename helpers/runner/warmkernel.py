"""A pre-imported kernel for batch runs: forked from the run process, not started from scratch.

A fresh ``python -m ipykernel_launcher`` spends about 6 s importing pandas, seaborn and statsmodels
before a notebook's first cell can finish (a third of all cell time over the batch). The runner's
warm server (``helpers._warm``) imports those once; each run process forks a *seed* of itself before
it starts papermill, and :class:`WarmKernelManager` hands the seed the kernel's command, environment
and working directory instead of starting a new interpreter. The seed then does what the launched
kernel would: its own session, stdin from /dev/null, the given environment and directory, a fresh
interpreter's ``sys.path``, and ``ipykernel_launcher`` run as ``-m`` runs it.

The seed is used only when it is equivalent to a fresh kernel: the command must be this
interpreter (``-X`` options at most) running ``-m ipykernel_launcher``, and every environment
variable read at import time (hash seed, matplotlib backend, thread counts, ``PYTHONPATH``, ...)
must equal the value the warm server was started with. Otherwise, and on any kernel restart, the
kernel starts as usual. Modules that hook into the IPython shell on import (``helpers.plots``,
``matplotlib_inline``) are never preloaded: the kernel imports them itself.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

#: Variables whose value is fixed when a module is imported: a seed serves a kernel only when they match.
IMPORT_TIME_ENV = ("PYTHONHASHSEED", "MPLBACKEND", "PYTHONPATH", "MPLCONFIGDIR", "OMP_NUM_THREADS",
                   "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_MAX_THREADS", "PYTHONWARNINGS")

#: Set to 1 to start every kernel from a fresh interpreter (as before the warm kernel; ``make bench``'s "before").
COLD_ENV = "HELPERS_COLD_KERNEL"


class ColdKernelSettingError(ValueError):
    """:data:`COLD_ENV` holds something other than 0 or 1."""


def cold_kernel(environ: dict[str, str] | None = None) -> bool:
    """Whether :data:`COLD_ENV` asks for fresh kernels: ``1`` yes; unset, empty or ``0`` no.

    Raises
    ------
    ColdKernelSettingError
        Any other value (``yes``, ``true``...), rather than silently keeping the warm kernel.

    Examples
    --------
    >>> cold_kernel({}), cold_kernel({"HELPERS_COLD_KERNEL": "1"}), cold_kernel({"HELPERS_COLD_KERNEL": "0"})
    (False, True, False)
    """
    value = (os.environ if environ is None else environ).get(COLD_ENV, "").strip()
    if value not in ("", "0", "1"):
        raise ColdKernelSettingError(f"{COLD_ENV} = {value!r} must be 0 or 1 (1 starts every kernel from a "
                                     "fresh interpreter)")
    return value == "1"


class _Seed:
    """A forked child waiting on a pipe for the kernel's launch request."""

    def __init__(self, pid: int, write_fd: int) -> None:
        self.pid, self.write_fd = pid, write_fd

    def launch(self, request: dict[str, Any]) -> None:
        with os.fdopen(self.write_fd, "w", encoding="utf-8") as pipe:
            pipe.write(json.dumps(request))

    def discard(self) -> None:
        try:
            os.close(self.write_fd)  # EOF: the seed exits without starting a kernel
        except OSError:
            pass


_seed: _Seed | None = None


def plant_seed(start_env: dict[str, Any]) -> None:
    """Fork the seed (call before any event loop or zmq context exists in this process)."""
    global _seed
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the seed, in its own session from the start (as jupyter_client's start_new_session)
        os.setsid()
        os.close(write_fd)
        with os.fdopen(read_fd, "r", encoding="utf-8") as pipe:
            raw = pipe.read()
        if not raw:
            os._exit(0)
        code = 1
        try:
            _become_kernel(json.loads(raw), start_env)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException as exc:  # noqa: BLE001 - the kernel's own stderr is the run's stderr file
            print(f"warm kernel failed: {type(exc).__name__}: {exc}", file=sys.__stderr__)
        finally:
            import atexit

            atexit._run_exitfuncs()  # as interpreter exit would: the kernel's semaphores, history, ...
            for stream in (sys.__stdout__, sys.__stderr__):
                try:
                    stream.flush()
                except (OSError, ValueError, AttributeError):
                    pass
        os._exit(code)
    os.close(read_fd)
    _seed = _Seed(pid, write_fd)


def discard_seed() -> None:
    global _seed
    if _seed is not None:
        _seed.discard()
        _seed = None


def _become_kernel(request: dict[str, Any], start_env: dict[str, Any]) -> None:
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - the server closed its own
    sys.path[:] = [os.getcwd(), *start_env_path(start_env)]
    sys.argv = ["ipykernel_launcher", *request["args"]]
    import runpy

    runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)  # exactly what -m runs


def start_env_path(start_env: dict[str, Any]) -> list[str]:
    """``sys.path`` of a fresh interpreter after its first entry (the script's directory)."""
    return list(start_env.get("__path__") or [p for p in sys.path[1:] if p])


def usable(cmd: list[str], env: dict[str, str], start_env: dict[str, Any]) -> list[str] | None:
    """The kernel's own arguments when the seed can stand in for ``cmd`` with ``env``, else None."""
    if not cmd or Path(cmd[0]).resolve() != Path(sys.executable).resolve():
        return None
    try:
        at = cmd.index("-m")
    except ValueError:
        return None
    if cmd[at + 1:at + 2] != ["ipykernel_launcher"] or any(not a.startswith("-X") for a in cmd[1:at]):
        return None
    if any(env.get(k) != start_env.get(k) for k in IMPORT_TIME_ENV):
        return None
    return cmd[at + 2:]


class _Forked:
    """The Popen methods LocalProvisioner uses, for a child started by fork."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid, self.returncode = pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere: its status is lost, so report a plain exit
                self.returncode = 0
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            try:
                _, status = os.waitpid(self.pid, 0)
                self.returncode = os.waitstatus_to_exitcode(status)
            except ChildProcessError:
                self.returncode = 0
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        import signal

        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        import signal

        self.send_signal(signal.SIGTERM)


class WarmProvisioner(LocalProvisioner):
    """LocalProvisioner whose first launch goes to the run's seed when it is equivalent."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        global _seed
        from helpers import _warm

        seed, env = _seed, dict(kwargs.get("env") or os.environ)
        args = usable(cmd, env, _warm.START_ENV) if seed is not None else None
        if seed is None or args is None:
            discard_seed()
            return await super().launch_kernel(cmd, **kwargs)
        _seed = None
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env["JPY_PARENT_PID"] = str(os.getpid())
        seed.launch({"env": env, "cwd": cwd, "args": args})
        self.process = _Forked(seed.pid)
        self.pid = seed.pid
        self.pgid = seed.pid  # the seed leads its own session and process group
        self.cwd = cwd
        return self.connection_info


class WarmKernelManager(AsyncKernelManager):
    """The kernel manager papermill uses in batch runs: its provisioner is :class:`WarmProvisioner`."""

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self.provisioner is None:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = WarmProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)

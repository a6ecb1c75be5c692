"""A kernel provisioner that hands the kernel started by entrypoint.sh to the first kernel the server starts.

A sandbox's first kernel would otherwise start only once the server has imported and begun listening (about half a
second on a 2-core machine), and its own start takes as long again. entrypoint.sh therefore starts one kernel next to
the server, in its own session, and tells the server its pid and connection file through two environment variables.
The first launch of this provisioner adopts that kernel: it waits until the kernel has written its connection file
and returns that file's ports and key. Every other launch, including a restart of the adopted kernel, is an ordinary
local launch. If the early kernel died or never wrote its file, the launch starts a fresh kernel instead.
"""
import asyncio
import json
import os
import signal
import time

from jupyter_client.connect import LocalPortCache
from jupyter_client.provisioning import LocalProvisioner

# Read once and removed, so that kernels the server starts later do not inherit them.
_PID = os.environ.pop("IPYBOX_PRESTARTED_KERNEL_PID", "")
_CONNECTION_FILE = os.environ.pop("IPYBOX_PRESTARTED_KERNEL_FILE", "")
_claimed = not (_PID.isdigit() and _CONNECTION_FILE)
_WAIT_FOR_FILE = 60.0
_PORTS = ("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port")


class _EarlyKernelProcess:
    """What LocalProvisioner needs of a Popen, for the kernel process entrypoint.sh started."""

    def __init__(self, pid):
        self.pid = pid
        self.returncode = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self):
        if self.returncode is None:
            try:
                done, status = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    self.returncode = os.waitstatus_to_exitcode(status)
            except ChildProcessError:
                # Not this process's child (e.g. re-parented): read its state instead.
                if not _is_running(self.pid):
                    self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"kernel process {self.pid} still running")
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum):
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self):
        self.send_signal(signal.SIGTERM)

    def kill(self):
        self.send_signal(signal.SIGKILL)


def _is_running(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return False


class PrestartedKernelProvisioner(LocalProvisioner):
    """LocalProvisioner whose first launch in the server adopts the kernel entrypoint.sh started."""

    async def launch_kernel(self, cmd, **kwargs):
        global _claimed
        if _claimed:
            return await super().launch_kernel(cmd, **kwargs)
        _claimed = True
        process = _EarlyKernelProcess(int(_PID))
        info = await _read_connection_file(process)
        if info is None:
            self.log.warning("The kernel started with the container is gone or silent; starting another")
            process.kill()
            return await super().launch_kernel(cmd, **kwargs)
        self.process = process
        self.pid = process.pid
        try:
            self.pgid = os.getpgid(process.pid)
        except OSError:
            self.pgid = None
        # The ports are the early kernel's: give back the ones pre_launch reserved and reserve these instead. A restart
        # reuses them (ports_cached stays set), so the server's connections to the kernel survive it.
        cache = LocalPortCache.instance()
        for name in _PORTS:
            cache.return_port(self.connection_info[name])
            cache.currently_used_ports.add(info[name])
        self.connection_info = info
        self.log.info("Adopted the kernel started with the container (pid %s)", process.pid)
        return info


async def _read_connection_file(process):
    deadline = time.monotonic() + _WAIT_FOR_FILE
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with open(_CONNECTION_FILE, encoding="utf-8") as file:
                info = json.load(file)
            if isinstance(info.get("key"), str):
                info["key"] = info["key"].encode()
            return info
        except (OSError, ValueError):
            pass  # not written yet, or written halfway
        await asyncio.sleep(0.005)
    return None

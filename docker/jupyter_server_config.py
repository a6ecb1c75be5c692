# Jupyter Server settings for IpyBox.AI sandboxes.
import asyncio
import ctypes
import json
import os
import sys

c = get_config()  # noqa: F821

# The kernel runs as the server's user, so by default it could attach to the server with ptrace, read its memory
# (/proc/<pid>/mem) and its environment, and so its token. A process that is not dumpable refuses all of that to
# processes of its user that hold no capabilities (as nothing in a sandbox does). The flag is cleared in the kernels
# the server starts when they exec, so they stay ordinary processes. Set before the token is read.
_PR_SET_DUMPABLE = 4
if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
    raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed: the server would be readable by its kernels")

# entrypoint.sh hands the token over in the environment; taken out of it, so that no kernel inherits it.
c.ServerApp.token = os.environ.pop("IPYBOX_SERVER_TOKEN", "")

c.ServerApp.ip = "0.0.0.0"
c.ServerApp.port = 8888
c.ServerApp.port_retries = 0
c.ServerApp.open_browser = False
c.ServerApp.root_dir = "/app"
c.ServerApp.allow_remote_access = True
c.ServerApp.disable_check_xsrf = False
# A path prefix for every endpoint (e.g. /jupyter/ behind a reverse proxy); the root by default.
c.ServerApp.base_url = os.environ.get("IPYBOX_BASE_URL") or "/"

# The default limits (1000 msg/s, 1 MB/s) silently drop large outputs.
c.ServerApp.iopub_msg_rate_limit = 1.0e9
c.ServerApp.iopub_data_rate_limit = 1.0e12
c.ServerApp.rate_limit_window = 3.0

# The Contents API (/api/contents) shows /app as the Docker archive API does: hidden files and
# caches included, and a deleted file is gone (not moved to a trash folder that keeps using disk).
c.ContentsManager.allow_hidden = True
c.ContentsManager.hide_globs = []
c.FileContentsManager.delete_to_trash = False
# Deleting a file makes the server look for its checkpoints, creating .ipynb_checkpoints next to
# it; keep that bookkeeping out of /app.
c.FileCheckpoints.checkpoint_dir = "/tmp/ipybox-checkpoints"

# Kernels start in /app so that files there are importable.
c.MappingKernelManager.root_dir = "/app"
c.MappingKernelManager.cull_idle_timeout = 0

# Tornado leaves Nagle's algorithm on for WebSockets: an execution's small replies then wait for
# the client's delayed ACK (about 40 ms per round trip). Turn it off for the kernel channels.
from jupyter_server.services.kernels.handlers import ZMQChannelsHandler  # noqa: E402

_open_channels = ZMQChannelsHandler.open


def _open_without_nagle(self, *args, **kwargs):
    self.set_nodelay(True)
    return _open_channels(self, *args, **kwargs)


ZMQChannelsHandler.open = _open_without_nagle


# Looking up a kernel spec, the server would import the kernel's whole IPython stack (about 0.5 s and 20 MiB at the
# first kernel start): for ipykernel's built-in "python3" spec, which the image does not use (its own is installed in
# the virtual environment), and for the legacy ~/.ipython/kernels folder. The server needs nothing else from either.
sys.modules["IPython"] = None
sys.modules["ipykernel"] = None

# Every message between a client and its kernel passes through the server, which parses the dates in its headers
# only to format them again. Leaving them as the kernel wrote them saves a dateutil parse per header.
import jupyter_client.session  # noqa: E402

jupyter_client.session.extract_dates = lambda obj: obj

# The server watches every kernel's IOPub messages to record its last activity and execution state. The stock
# watcher checks each message's signature and parses it, twice for status messages; this one reads only the
# header, and the content of status messages. Both feed the kernel model of /api/kernels the same way.
from jupyter_server._tz import utcnow  # noqa: E402
from jupyter_server.services.kernels.kernelmanager import MappingKernelManager  # noqa: E402

_DELIMITER = b"<IDS|MSG>"


def _start_watching_activity(self, kernel_id):
    kernel = self._kernels[kernel_id]
    kernel.execution_state = "starting"
    kernel.reason = ""
    kernel.last_activity = utcnow()
    kernel._activity_stream = kernel.connect_iopub()

    def record_activity(msg_list):
        self.last_kernel_activity = kernel.last_activity = utcnow()
        try:
            start = msg_list.index(_DELIMITER) + 2  # then the signature, header, parent, metadata, content
            if json.loads(msg_list[start]).get("msg_type") == "status":
                kernel.execution_state = json.loads(msg_list[start + 3])["execution_state"]
        except (ValueError, IndexError, KeyError, TypeError):
            pass

    kernel._activity_stream.on_recv(record_activity)


MappingKernelManager.start_watching_activity = _start_watching_activity


# A kernel joins the server's table as soon as its process answers, and gets the fields of its model (last activity,
# state) a few loop turns later, when the server starts watching it: a GET /api/kernels in between failed with a 500.
# The list leaves such a kernel out, as one still starting.
def _list_started_kernels(self):
    return [self.kernel_model(kernel_id) for kernel_id, kernel in list(self._kernels.items()) if hasattr(kernel, "last_activity")]


MappingKernelManager.list_kernels = _list_started_kernels

# The first kernel is started as soon as the server runs (it adopts the kernel entrypoint.sh started with the
# container, see ipybox_prestarted.py), so it is ready by the time a client asks: the first POST /api/kernels that asks
# for the default kernel takes it instead of starting another one. Later requests start kernels as usual, so two
# clients never share a kernel.
from jupyter_server.serverapp import ServerApp  # noqa: E402

_start_kernel = MappingKernelManager.start_kernel


async def _start_kernel_or_take_prestarted(self, kernel_id=None, path=None, **kwargs):
    prestarted, self._ipybox_prestarted = getattr(self, "_ipybox_prestarted", None), None
    default = kwargs.get("kernel_name", self.default_kernel_name) == self.default_kernel_name
    if prestarted is not None and kernel_id is None and path is None and default and set(kwargs) <= {"kernel_name"}:
        try:
            taken = await prestarted
            if taken in self:
                self.log.info("Kernel taken: %s (started with the server)", taken)
                return taken
        except Exception:  # noqa: BLE001 - a failed pre-start is retried by the request itself
            self.log.exception("The kernel started with the server failed; starting another")
    return await _start_kernel(self, kernel_id=kernel_id, path=path, **kwargs)


MappingKernelManager.start_kernel = _start_kernel_or_take_prestarted

_start_ioloop = ServerApp.start_ioloop


def _start_ioloop_with_a_kernel(self):
    manager = self.kernel_manager

    async def prestart():
        return await _start_kernel(manager, kernel_name=manager.default_kernel_name)

    def schedule():
        manager._ipybox_prestarted = asyncio.ensure_future(prestart())

    self.io_loop.add_callback(schedule)
    _start_ioloop(self)


ServerApp.start_ioloop = _start_ioloop_with_a_kernel

# The server would write its URL with the token to jpserver-<pid>.json and an HTML file in its runtime folder, where
# the kernel user can read them; nothing in a sandbox lists running servers, so neither is written.
ServerApp.write_server_info_file = lambda self: None
ServerApp.write_browser_open_files = lambda self: None

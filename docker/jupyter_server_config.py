# Jupyter Server settings for IpyBox.AI sandboxes.
# The token comes from the IPYBOX_TOKEN environment variable (see entrypoint.sh).
import os

c = get_config()  # noqa: F821

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


# Packages installed at run time land in the user site directory (PIP_USER, PYTHONUSERBASE), which Python puts on
# sys.path only if it exists when the interpreter starts: create it before any kernel starts, so a package installed
# in a cell imports in the next one.
import site  # noqa: E402

os.makedirs(site.getusersitepackages(), exist_ok=True)

# IPython kernel settings for IpyBox.AI sandboxes (installed as /etc/ipython/ipython_kernel_config.py).
# Each setting below was measured on a 2-core machine; docs/benchmarks.md has the figures.
import ipykernel.iostream

c = get_config()  # noqa: F821

# Keep the history in memory: In, Out, _ and %history work as usual within the kernel's session, but no cell waits
# for a SQLite write on disk (about 0.7 ms each) and the kernel needs no writable history file in the home folder.
c.HistoryManager.hist_file = ":memory:"

# ipykernel sleeps 0.5 ms after every execution so that outputs leave before the reply; IpyBox.AI's client waits for
# both the reply and the kernel's idle status, so the order does not matter to it.
c.IPythonKernel._execute_sleep = 0.0

# stdout and stderr are sent every 0.2 s by default, so a plain print reached the caller about 50 ms late on average.
# Flushing every 10 ms delivers it at once; a cell that prints in a tight loop still sends at most 100 messages/s.
ipykernel.iostream.OutStream.flush_interval = 0.01

# Around every execution ipykernel flushes stdout and stderr twice, and each flush hands two callbacks to the IOPub
# thread and waits for them, even when nothing was written: about a third of the kernel's CPU for `x = 1`. With an
# empty buffer there is nothing to send, and whatever was taken from the buffer earlier is already queued on the IOPub
# thread ahead of any message sent after this call, so the order of outputs is kept. Forked processes, an echo to the
# original streams and buffered text take the original path.
_flush_stream = ipykernel.iostream.OutStream.flush


def _flush_unless_empty(self):
    if self.echo is None and self._is_master_process():
        with self._buffer_lock:
            if self._buffer.tell() == 0:
                return
    _flush_stream(self)


ipykernel.iostream.OutStream.flush = _flush_unless_empty

# ipykernel inspects the signature of do_execute on every execute request to see whether it takes a cell id; the
# answer never changes for a given method.
import functools  # noqa: E402

import ipykernel.kernelbase  # noqa: E402

_accepts_cell_id = functools.cache(ipykernel.kernelbase._accepts_cell_id)
ipykernel.kernelbase._accepts_cell_id = lambda method: _accepts_cell_id(getattr(method, "__func__", method))

# The kernel's logger is left at DEBUG with a WARNING handler, so every message builds debug records that are then
# thrown away; at WARNING they are not built.
c.IPKernelApp.logging_config = {"loggers": {"IPKernelApp": {"level": "WARNING"}}}

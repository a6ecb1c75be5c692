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

# Output is bounded where it is made. A cell that prints without end (with or without newlines, to stdout or stderr,
# from a subprocess, or as display data) makes messages faster than the server can pass them on; they pile up in the
# kernel and the server until the sandbox's memory runs out. Each execution may send IPYBOX_CELL_OUTPUT_LIMIT
# characters of output (text, and the encoded data of rich outputs); past that, the rest is dropped, the cell's stderr
# says so once, and the writing code is stopped with OutputLimitExceeded. Code that catches it and goes on writing only
# burns time: nothing more is sent, and the host's timeout interrupts it.
import ipykernel.ipkernel  # noqa: E402
import ipykernel.zmqshell  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

_OUTPUT_LIMIT = int(os.environ.get("IPYBOX_CELL_OUTPUT_LIMIT") or 100_000_000)


class OutputLimitExceeded(Exception):
    """Raised in a cell that wrote more output than its sandbox lets one execution send."""


class _OutputBudget:
    """The output one execution has sent so far, reset at each execute request."""

    def __init__(self, limit):
        self.limit = limit
        self.used = 0
        self.spent = False
        self.lock = threading.Lock()

    def reset(self):
        with self.lock:
            self.used = 0
            self.spent = False

    def take(self, size):
        """Returns whether `size` more characters may be sent, and whether this call is the one that spent the budget."""
        with self.lock:
            if self.spent:
                return False, False
            if self.used + size <= self.limit:
                self.used += size
                return True, False
            self.spent = True
            return False, True


_budget = _OutputBudget(_OUTPUT_LIMIT)
_MESSAGE = (
    f"[output limit: this cell sent more than {_OUTPUT_LIMIT:,} characters of output; the rest is dropped and the code "
    "that wrote it was stopped. Print less, or raise ExecutionContainerOptions.CellOutputLimit]"
)


_write_stream = ipykernel.iostream.OutStream.write


def _say_once(spent_now):
    """Writes the marker to the cell's stderr when this write is the one that spent the budget."""
    if spent_now and isinstance(sys.stderr, ipykernel.iostream.OutStream):
        _write_stream(sys.stderr, "\n" + _MESSAGE + "\n")


def _over_budget(spent_now):
    """Says once that the budget is spent, and stops the code when it is a process's main thread that writes (a
    thread that reads a subprocess's output, for one, only drops it)."""
    _say_once(spent_now)
    if threading.current_thread() is threading.main_thread():
        raise OutputLimitExceeded(_MESSAGE)


# What a cell writes waits in the stream's buffer until the IOPub thread sends it, every flush_interval. When that thread
# gets little time (a busy machine, a cell writing in a tight loop) or a cell writes a huge string at once, the whole
# budget left in one message: the server then holds it several times over (two IOPub sockets, the parsed message, its
# JSON, the WebSocket frame waiting for a host that reads slowly), about 7 bytes per character, which OOM-killed it in a
# 512 MiB sandbox. A stream message carries at most _MESSAGE_TEXT characters: a longer write is cut into pieces, and the
# writer waits for a full buffer to be sent before it writes more.
_MESSAGE_TEXT = 1 << 20


def _buffered(stream):
    with stream._buffer_lock:
        return stream._buffer.tell()


def _write_in_messages(stream, string):
    if not stream._is_master_process():
        return _write_stream(stream, string)  # a forked process sends through its parent, which cuts nothing
    for start in range(0, len(string), _MESSAGE_TEXT):
        _write_stream(stream, string[start : start + _MESSAGE_TEXT] if len(string) > _MESSAGE_TEXT else string)
        if _buffered(stream) >= _MESSAGE_TEXT:
            stream.flush()
    return len(string)


def _write_within_budget(self, string):
    # A forked process writes with the budget it inherited, so each of them is bounded too.
    if not isinstance(string, str):
        return _write_stream(self, string)
    allowed, spent_now = _budget.take(len(string))
    if allowed:
        return _write_in_messages(self, string)
    _over_budget(spent_now)
    return len(string)


ipykernel.iostream.OutStream.write = _write_within_budget


def _size_of(bundle):
    size = 0
    for value in (bundle or {}).values():
        if isinstance(value, (str, bytes)):
            size += len(value)
        else:
            try:
                size += len(json.dumps(value, default=str))
            except (TypeError, ValueError, RecursionError):
                size += len(repr(value))
    return size


_publish = ipykernel.zmqshell.ZMQDisplayPublisher.publish


def _publish_within_budget(self, data, *args, **kwargs):
    allowed, spent_now = _budget.take(_size_of(data))
    if allowed:
        return _publish(self, data, *args, **kwargs)
    _over_budget(spent_now)
    return None


ipykernel.zmqshell.ZMQDisplayPublisher.publish = _publish_within_budget

import ipykernel.displayhook  # noqa: E402

_write_format_data = ipykernel.displayhook.ZMQShellDisplayHook.write_format_data


def _write_format_data_within_budget(self, format_dict, md_dict=None):
    allowed, spent_now = _budget.take(_size_of(format_dict))
    if allowed:
        return _write_format_data(self, format_dict, md_dict)
    _write_format_data(self, {}, md_dict)  # an empty result is not sent
    _say_once(spent_now)
    return None


ipykernel.displayhook.ZMQShellDisplayHook.write_format_data = _write_format_data_within_budget

_do_execute = ipykernel.ipkernel.IPythonKernel.do_execute


@functools.wraps(_do_execute)
def _do_execute_with_a_fresh_budget(self, *args, **kwargs):
    _budget.reset()
    return _do_execute(self, *args, **kwargs)


ipykernel.ipkernel.IPythonKernel.do_execute = _do_execute_with_a_fresh_budget

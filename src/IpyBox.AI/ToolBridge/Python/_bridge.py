"""Runtime of the generated tool packages: carries each call to the host over the kernel's stdin channel.

A call is sent as an ``input_request`` whose prompt is a marked JSON envelope. The host starts the call, asks the
application for approval and answers with the results that are ready. Only one stdin request can be open at a
time, so threads share the channel: whichever thread holds the lock sends every queued call, waits for the host's
answer and hands each result to the thread that owns its call id.
"""

import base64
import itertools
import json
import os
import threading

__all__ = ["ToolError", "ToolRejectedError", "ToolBridgeError", "ToolImage", "call"]

_MARKER = "\x1eipybox-tools/1 "
_lock = threading.Lock()
_state = threading.Condition()
_outbox = []
_awaited = set()
_results = {}
_ids = itertools.count(1)
_requests = itertools.count(1)
_prefix = "%d-%s" % (os.getpid(), os.urandom(4).hex())


class ToolError(Exception):
    """A tool failed: the message is the tool's own error text."""


class ToolRejectedError(ToolError):
    """The application refused the call; the tool did not run."""


class ToolBridgeError(ToolError):
    """The call could not be delivered: unknown tool, arguments too large, or no host answering."""


class ToolImage:
    """An image returned by a tool. A cell displays it when it is the last expression or passed to ``display``."""

    def __init__(self, data, mime_type):
        self.data = data
        self.mime_type = mime_type

    def _repr_png_(self):
        return self.data if self.mime_type == "image/png" else None

    def _repr_jpeg_(self):
        return self.data if self.mime_type in ("image/jpeg", "image/jpg") else None

    def _repr_svg_(self):
        return self.data.decode("utf-8", "replace") if self.mime_type == "image/svg+xml" else None

    def __repr__(self):
        return "ToolImage(%s, %d bytes)" % (self.mime_type, len(self.data))


def _kernel():
    try:
        return get_ipython().kernel  # noqa: F821 (IPython puts get_ipython in builtins)
    except Exception:
        raise ToolBridgeError("tools can only be called from code running in the sandbox's IPython kernel") from None


def _exchange(kernel, envelope):
    """Sends one envelope and returns the host's answer for it (stale answers of an interrupted request are skipped)."""
    rid = next(_requests)
    envelope["rid"] = rid
    prompt = _MARKER + json.dumps(envelope, separators=(",", ":"), default=_jsonable)
    for _ in range(3):
        try:
            raw = kernel.raw_input(prompt)
        except Exception as error:
            if type(error).__name__ == "StdinNotImplementedError":
                raise ToolBridgeError("the host did not enable stdin for this execution; no tools are registered") from None
            raise
        if not raw:
            raise ToolBridgeError("no tool bridge is registered on this sandbox")
        try:
            answer = json.loads(raw)
        except ValueError:
            raise ToolBridgeError("the host sent an answer that is not JSON") from None
        if not isinstance(answer, dict):
            raise ToolBridgeError("the host sent an answer that is not an object")
        if answer.get("rid") == rid:
            if "error" in answer:
                raise ToolBridgeError(str(answer["error"]))
            return answer
        # An answer to an earlier request that was interrupted: send this one again (calls are deduplicated by id).
    raise ToolBridgeError("the host kept answering an earlier request")


def _jsonable(value):
    """Turns array scalars and arrays (numpy, pandas) into JSON values; anything else is refused."""
    for method in ("tolist", "item"):
        convert = getattr(value, method, None)
        if callable(convert):
            return convert()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError("a tool argument of type %s is not a JSON value" % (type(value).__name__,))


def _pump(kernel):
    """Sends the queued calls and stores the results that arrive; the caller holds the lock."""
    with _state:
        calls = list(_outbox)
        _outbox.clear()
        awaited = sorted(_awaited)
    if not awaited:
        return
    try:
        answer = _exchange(kernel, {"calls": calls, "await": awaited})
    except BaseException:
        with _state:
            # Give the unsent calls back so their owners can retry or fail; the host deduplicates by id.
            _outbox[:0] = calls
        raise
    with _state:
        for result in answer.get("results", ()):
            if isinstance(result, dict) and result.get("id") in _awaited:
                _results[result["id"]] = result


def _decode(value):
    if not isinstance(value, dict) or len(value) != 1:
        raise ToolBridgeError("the host sent a result of an unknown shape")
    kind, payload = next(iter(value.items()))
    if kind == "none":
        return None
    if kind == "text" or kind == "json":
        return payload
    if kind == "image":
        return ToolImage(base64.b64decode(payload["data"]), payload["mime"])
    if kind == "bytes":
        return base64.b64decode(payload["data"])
    if kind == "list":
        return [_decode(item) for item in payload]
    raise ToolBridgeError("the host sent a result of an unknown kind: %r" % (kind,))


def _unwrap(result):
    error = result.get("error")
    if error is not None:
        kind = error.get("kind") if isinstance(error, dict) else None
        message = error.get("message", "") if isinstance(error, dict) else str(error)
        if kind == "rejected":
            raise ToolRejectedError(message)
        if kind == "bridge":
            raise ToolBridgeError(message)
        raise ToolError(message)
    return _decode(result.get("value"))


def call(tool_set, tool, arguments, optional=None):
    """Calls ``tool`` of ``tool_set`` on the host and returns its result.

    ``arguments`` is a dict of JSON values; entries of ``optional`` are added unless they are None, so the tool applies
    its own defaults.
    """
    kernel = _kernel()
    arguments = dict(arguments)
    for name, value in (optional or {}).items():
        if value is not None:
            arguments[name] = value
    call_id = "%s-%d" % (_prefix, next(_ids))
    with _state:
        _outbox.append({"id": call_id, "set": tool_set, "tool": tool, "args": arguments})
        _awaited.add(call_id)
    try:
        while True:
            with _state:
                if call_id in _results:
                    return _unwrap(_results.pop(call_id))
            if _lock.acquire(blocking=False):
                try:
                    _pump(kernel)
                finally:
                    _lock.release()
                    with _state:
                        _state.notify_all()
            else:
                with _state:
                    if call_id not in _results:
                        _state.wait(0.05)
    finally:
        with _state:
            _awaited.discard(call_id)
            _results.pop(call_id, None)
            _outbox[:] = [c for c in _outbox if c["id"] != call_id]

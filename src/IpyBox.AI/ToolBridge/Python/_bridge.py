"""Runtime of the generated tool packages: carries each call to the host over the kernel's stdin channel.

A call is sent as an ``input_request`` whose prompt is a marked JSON envelope. The host starts the call, asks the
application for approval and answers with the results that are ready. Only one stdin request can be open at a
time, so threads share the channel: whichever thread holds the lock sends every queued call, waits for the host's
answer and hands each result to the thread that owns its call id.

Each call's arguments are encoded when the call is made, so arguments that JSON cannot carry (NaN and infinities, integers
beyond the interpreter's digit limit, nesting deeper than ``MAX_DEPTH``) fail that call alone with a ``ToolBridgeError``
and never reach the channel. The request id leads every envelope, so the host can answer even a request it cannot read.
"""

import base64
import itertools
import json
import os
import re
import threading

__all__ = ["ToolError", "ToolRejectedError", "ToolBridgeError", "ToolImage", "call"]

_MARKER = "\x1eipybox-tools/1 "
MAX_DEPTH = 64
"""The deepest a tool argument may nest (``[]`` is one level), as deep as the host reads."""
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")
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


def _exchange(kernel, calls, awaited):
    """Sends one envelope and returns the host's answer for it (stale answers of an interrupted request are skipped)."""
    rid = next(_requests)
    prompt = '%s{"rid":%d,"calls":[%s],"await":%s}' % (_MARKER, rid, ",".join(text for _, text in calls), json.dumps(awaited))
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
        except RecursionError:
            raise ToolBridgeError("the host sent an answer nested too deeply to read") from None
        except ValueError as error:
            raise ToolBridgeError("the host sent an answer that cannot be read: %s" % (error,)) from None
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


def _encode(call_id, tool_set, tool, arguments):
    """Encodes one call as JSON text, or raises the error its caller gets: nothing about it is sent."""
    try:
        args = json.dumps(arguments, separators=(",", ":"), default=_jsonable, allow_nan=False)
    except RecursionError:
        args = None
    except ValueError as error:
        reason = str(error)
        if "Out of range float" in reason:
            reason = "numbers must be finite; NaN and infinities have no JSON form"
        raise ToolBridgeError("the arguments of %s cannot be sent: %s" % (tool, reason)) from None
    if args is None or _depth(args) > MAX_DEPTH + 1:
        raise ToolBridgeError("the arguments of %s cannot be sent: a value is nested more than %d levels deep" % (tool, MAX_DEPTH))
    return '{"id":%s,"set":%s,"tool":%s,"args":%s}' % (json.dumps(call_id), json.dumps(tool_set), json.dumps(tool), args)


def _depth(text):
    """The deepest nesting of brackets in JSON text, outside strings."""
    if text.count("[") + text.count("{") <= MAX_DEPTH + 1:
        return 0
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _pump(kernel):
    """Sends the queued calls and stores the results that arrive; the caller holds the lock."""
    with _state:
        calls = list(_outbox)
        _outbox.clear()
        awaited = sorted(_awaited)
    if not awaited:
        return
    try:
        answer = _exchange(kernel, calls, awaited)
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
    encoded = _encode(call_id, tool_set, tool, arguments)
    with _state:
        _outbox.append((call_id, encoded))
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
            _outbox[:] = [c for c in _outbox if c[0] != call_id]

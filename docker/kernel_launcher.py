"""Starts the IPython kernel of an IpyBox.AI sandbox: ipykernel's own launcher, without its debugger and jedi.

The sandbox's clients never speak the debug protocol, and importing debugpy (with pydevd, pkg_resources and
IPython's terminal debugger) makes every kernel start about 0.3 s slower and 12 MiB larger. jedi (with parso) only
serves tab completion, which IPython's own completer also answers; it costs another 5 MiB per kernel.
"""
import os
import sys

# When the sandbox runs out of memory, the kernel (or a process it started) is the one to go: the OOM killer picks the
# process with the highest score, and at 1000 that is always a kernel, never the server that the host talks to (which
# restarts the kernel). A process may raise its own score without privileges, and its children inherit it.
try:
    with open("/proc/self/oom_score_adj", "w") as _score:
        _score.write("1000")
except OSError:
    pass

# The kernel's own standard output and error are the server's, which the engine keeps as the container's log on the
# host's disk: ipykernel copies everything a subprocess prints there as well as to the client. They go nowhere instead;
# what a cell prints still reaches the client.
_nowhere = os.open(os.devnull, os.O_WRONLY)
os.dup2(_nowhere, 1)
os.dup2(_nowhere, 2)
os.close(_nowhere)

_LEFT_OUT = ("debugpy", "jedi")

del sys.path[0]  # this script's folder; the kernel puts the working directory (/app) on sys.path itself
for _name in _LEFT_OUT:
    sys.modules[_name] = None  # ipykernel and IPython then take them as not installed

from ipykernel import kernelapp  # noqa: E402

for _name in _LEFT_OUT:
    del sys.modules[_name]  # user code may still install and import them
kernelapp.launch_new_instance()

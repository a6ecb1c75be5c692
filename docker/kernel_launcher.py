"""Starts the IPython kernel of an IpyBox.AI sandbox: ipykernel's own launcher, without its debugger and jedi.

The sandbox's clients never speak the debug protocol, and importing debugpy (with pydevd, pkg_resources and
IPython's terminal debugger) makes every kernel start about 0.3 s slower and 12 MiB larger. jedi (with parso) only
serves tab completion, which IPython's own completer also answers; it costs another 5 MiB per kernel.
"""
import sys

_LEFT_OUT = ("debugpy", "jedi")

del sys.path[0]  # this script's folder; the kernel puts the working directory (/app) on sys.path itself
for _name in _LEFT_OUT:
    sys.modules[_name] = None  # ipykernel and IPython then take them as not installed

from ipykernel import kernelapp  # noqa: E402

for _name in _LEFT_OUT:
    del sys.modules[_name]  # user code may still install and import them
kernelapp.launch_new_instance()

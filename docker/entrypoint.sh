#!/bin/sh
# Starts the Jupyter Server. A token is mandatory: without one the sandbox would be open.
set -eu
# The token arrives as the first line of standard input, which the host writes once and closes: the kernel runs as this
# same user and can read the environment of every process that did not hide itself, PID 1 (the engine's init, which
# holds whatever the engine was given) included, and every command line. Only the server keeps it, in a process that
# makes itself unreadable to the kernel (jupyter_server_config.py). IPYBOX_TOKEN still works for running the image by
# hand, with the token then readable from /proc/1/environ.
if [ -n "${IPYBOX_TOKEN:-}" ]; then
    token="$IPYBOX_TOKEN"
    unset IPYBOX_TOKEN
else
    IFS= read -r token || true
fi
# No process started from here on inherits the host's end of standard input.
exec < /dev/null
if [ -z "$token" ]; then
    echo "No token on standard input (or in IPYBOX_TOKEN); refusing to start an unauthenticated server." >&2
    exit 64
fi
# Matplotlib looks for its font cache in the home, which starts empty in a sandbox: give it the one built into the image.
cache="${HOME:-/nonexistent}/.cache/matplotlib"
if [ ! -d "$cache" ] && [ -d /opt/venv/share/ipybox-matplotlib ]; then
    { mkdir -p "$cache" && cp /opt/venv/share/ipybox-matplotlib/fontlist-*.json "$cache/"; } 2>/dev/null || true
fi
# Packages installed at run time land in the user site directory (PIP_USER, PYTHONUSERBASE, a fresh tmpfs in a
# sandbox), which Python puts on sys.path only if it exists when the interpreter starts: create it before any kernel
# starts, so that a package installed in a cell imports in the next one.
read -r user_site < /usr/local/lib/ipybox/user-site
mkdir -p "$user_site" 2>/dev/null || true
# The sandbox's first kernel starts now, next to the server, instead of after it: the server's first kernel adopts it
# (ipybox_prestarted.py). It runs in its own session, as the kernels the server starts do, so an interrupt reaches its
# whole process group, and it exits if the server (this shell's process, after exec) goes away.
early=/tmp/ipybox-early-kernel
mkdir -p -m 0700 "$early"
(cd /app && JPY_PARENT_PID=$$ exec setsid /opt/venv/bin/python /usr/local/lib/ipybox/kernel_launcher.py -f "$early/kernel.json") &
# The token goes to the server in its environment, not on its command line (/proc/<pid>/cmdline is readable by all);
# the server takes it out of its environment before it starts a kernel.
IPYBOX_SERVER_TOKEN="$token" IPYBOX_PRESTARTED_KERNEL_PID=$! IPYBOX_PRESTARTED_KERNEL_FILE="$early/kernel.json" \
    exec /opt/venv/bin/python -m jupyter_server "$@"

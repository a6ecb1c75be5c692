#!/bin/sh
# Starts the Jupyter Server. A token is mandatory: without one the sandbox would be open.
set -eu
if [ -z "${IPYBOX_TOKEN:-}" ]; then
    echo "IPYBOX_TOKEN is not set; refusing to start an unauthenticated server." >&2
    exit 64
fi
# Matplotlib looks for its font cache in the home, which starts empty in a sandbox: give it the one built into the image.
cache="${HOME:-/nonexistent}/.cache/matplotlib"
if [ ! -d "$cache" ] && [ -d /opt/venv/share/ipybox-matplotlib ]; then
    { mkdir -p "$cache" && cp /opt/venv/share/ipybox-matplotlib/fontlist-*.json "$cache/"; } 2>/dev/null || true
fi
token="$IPYBOX_TOKEN"
unset IPYBOX_TOKEN
exec /opt/venv/bin/python -m jupyter_server --ServerApp.token="$token" "$@"

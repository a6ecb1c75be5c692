#!/bin/sh
# Starts the Jupyter Server. A token is mandatory: without one the sandbox would be open.
set -eu
if [ -z "${IPYBOX_TOKEN:-}" ]; then
    echo "IPYBOX_TOKEN is not set; refusing to start an unauthenticated server." >&2
    exit 64
fi
token="$IPYBOX_TOKEN"
unset IPYBOX_TOKEN
exec /opt/venv/bin/python -m jupyter_server --ServerApp.token="$token" "$@"

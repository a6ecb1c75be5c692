#!/usr/bin/env bash
# Runs every sample under samples/ and fails when one exits non-zero or leaves anything in the repository's working
# tree. The chat samples run without a model key: a script plays the model's part (samples/Shared); with
# OPENAI_API_KEY or OPENAI_BASE_URL set they would chat with that model on the console instead, so both are unset
# here. Samples write their outputs into folders they create under the temporary folder, which this script points at
# a folder of its own and removes at the end. Expects a Docker engine (eng/prepare-docker.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

configuration=${CONFIGURATION:-Debug}
build_log=$(mktemp)
if ! dotnet build IpyBox.AI.sln -c "$configuration" -v q -nologo >"$build_log" 2>&1; then
    cat "$build_log" >&2
    rm -f "$build_log"
    echo "building the solution for the samples failed" >&2
    exit 1
fi
rm -f "$build_log"

outputs=$(mktemp -d -t ipybox-samples-XXXXXX)
trap 'rm -rf "$outputs"' EXIT
tree_before=$(git status --porcelain --untracked-files=all)

# The web chat is a server: start it, have the demo model play its first step over HTTP (no approval asked), export
# the notebook, then stop it with SIGTERM as Ctrl+C does; it must exit 0. The browser test (tests/IpyBox.AI.WebChat.Tests)
# covers the page itself.
run_web_chat() {
    local project=$1 port cookies state
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cookies="$outputs/web-chat-cookies"
    # The built program itself, so that SIGTERM reaches it (dotnet run would stand between).
    env -u OPENAI_API_KEY -u OPENAI_BASE_URL TMPDIR="$outputs" dotnet "$(dirname "$project")/bin/$configuration/net10.0/WebChat.dll" \
        --urls "http://127.0.0.1:$port" --WebChat:RequireApproval=false --WebChat:WarmPool=0 </dev/null &
    local server=$!
    local base="http://127.0.0.1:$port"
    for _ in $(seq 1 120); do curl -sf -o /dev/null -c "$cookies" "$base/" && break; sleep 0.5; done
    curl -sf -b "$cookies" -H 'Content-Type: application/json' -d '{"text":"Show me the sales."}' "$base/api/messages" >/dev/null || { kill "$server"; return 1; }
    for _ in $(seq 1 240); do
        state=$(curl -sf -b "$cookies" "$base/api/state") || true
        if [[ "$state" == *'"busy":false'* && "$state" == *'"sandboxId":"'* ]]; then break; fi
        sleep 0.5
    done
    echo "state: $state"
    curl -sf -b "$cookies" "$base/api/notebook" | grep -q 'plt.show()' || { echo "the notebook lacks the plot cell" >&2; kill "$server"; return 1; }
    # Stopped as a service manager or Ctrl+C stops it: it removes its sandboxes before it exits, with 0.
    kill -TERM "$server"
    wait "$server"
}

failed=()
for project in samples/*/*.csproj; do
    name=$(basename "$(dirname "$project")")
    echo "== $name"
    if [ "$name" = WebChat ]; then
        run_web_chat "$project" || failed+=("$name")
        continue
    fi

    if ! env -u OPENAI_API_KEY -u OPENAI_BASE_URL TMPDIR="$outputs" \
        timeout 300 dotnet run --no-build -c "$configuration" --project "$project" </dev/null; then
        failed+=("$name")
    fi
done

tree_after=$(git status --porcelain --untracked-files=all)
if [ "$tree_before" != "$tree_after" ]; then
    echo "the samples changed the working tree:" >&2
    diff <(echo "$tree_before") <(echo "$tree_after") >&2 || true
    failed+=("(working tree)")
fi

if [ ${#failed[@]} -gt 0 ]; then
    echo "samples that failed: ${failed[*]}" >&2
    exit 1
fi
echo "all samples ran and left the working tree as it was"

#!/usr/bin/env bash
# Runs every topic sample under samples/ (chat apps, marked <IsChatSample>true</IsChatSample>, are only built)
# and fails when one exits non-zero. Expects a Docker engine (eng/prepare-docker.sh).
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

failed=()
for project in samples/*/*.csproj; do
    name=$(basename "$(dirname "$project")")
    if grep -q '<IsChatSample>true</IsChatSample>' "$project"; then
        echo "== $name: chat app, built only"
        continue
    fi
    echo "== $name"
    if ! timeout 300 dotnet run --no-build -c "$configuration" --project "$project" </dev/null; then
        failed+=("$name")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "samples that failed: ${failed[*]}" >&2
    exit 1
fi
echo "all topic samples ran"

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

failed=()
for project in samples/*/*.csproj; do
    name=$(basename "$(dirname "$project")")
    echo "== $name"
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

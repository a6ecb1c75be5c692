#!/usr/bin/env bash
# Builds the container image of `ipybox serve` from this checkout and prints its tag on stdout (progress goes to stderr).
#
# The tag is ipybox-serve:<12 hex digits of a SHA-256 over the published files and the Dockerfile>: an unchanged service
# finds its image and is not built again. The publish is self-contained (linux-x64), so the image needs no .NET install.
#
#   eng/build-serve-image.sh                     # prints e.g. ipybox-serve:3f2a9c0b71de
#   docker run -d --network host -v /var/run/docker.sock:/var/run/docker.sock "$(eng/build-serve-image.sh)" --urls ...
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
context="$here/artifacts/serve-image"
log() { printf '[build-serve-image] %s\n' "$*" >&2; }

rm -rf "$context"
mkdir -p "$context"
log "publishing src/IpyBox.AI.Cli (Release, linux-x64, self-contained)"
# Deterministic, so that the same sources publish the same bytes and hash to the same tag.
dotnet publish "$here/src/IpyBox.AI.Cli" -c Release -r linux-x64 --self-contained \
    -p:ContinuousIntegrationBuild=true -p:Deterministic=true -o "$context/app" >&2
cp "$here/eng/serve-image/Dockerfile" "$context/Dockerfile"

hash=$(cd "$context" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
tag="ipybox-serve:$hash"
if docker image inspect "$tag" >/dev/null 2>&1; then
    log "$tag is built already"
else
    log "building $tag"
    docker build --quiet -t "$tag" "$context" >&2
fi

echo "$tag"

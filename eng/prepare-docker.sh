#!/usr/bin/env bash
# Makes a Debian machine that has at most a Docker client ready for IpyBox.AI:
#   1. installs and starts a Docker engine when none answers,
#   2. provides the runtime image's base image offline when it cannot be pulled,
#   3. builds the runtime image under the tag the library expects.
# Idempotent: a second run finds everything in place and returns within seconds.
#
# Options:
#   --tcp          also make the engine listen on tcp://127.0.0.1:2375 (remote-host tests)
#   --no-runtime   stop after the base image (skip building the runtime image)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
context="$here/docker"
tcp=false
runtime=true
for arg in "$@"; do
    case "$arg" in
        --tcp) tcp=true ;;
        --no-runtime) runtime=false ;;
        *) echo "unknown option: $arg" >&2; exit 64 ;;
    esac
done

log() { printf '[prepare-docker] %s\n' "$*" >&2; }

engine_answers() { docker info >/dev/null 2>&1; }
tcp_answers() { DOCKER_HOST=tcp://127.0.0.1:2375 docker info >/dev/null 2>&1; }

install_engine() {
    if command -v dockerd >/dev/null 2>&1; then return; fi
    log "installing Debian's docker.io"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
}

start_engine() {
    local hosts=(-H unix:///var/run/docker.sock)
    if $tcp; then hosts+=(-H tcp://127.0.0.1:2375); fi
    log "starting dockerd ${hosts[*]}"
    setsid nohup dockerd "${hosts[@]}" >/var/log/ipybox-dockerd.log 2>&1 < /dev/null &
    for _ in $(seq 1 60); do
        if engine_answers; then return; fi
        sleep 1
    done
    log "dockerd did not answer within 60 s; its log:"
    tail -n 50 /var/log/ipybox-dockerd.log >&2
    exit 1
}

stop_engine() {
    log "restarting dockerd to add the tcp listener"
    pkill -x dockerd || true
    for _ in $(seq 1 30); do
        pgrep -x dockerd >/dev/null || return 0
        sleep 1
    done
}

ensure_engine() {
    if engine_answers; then
        if $tcp && ! tcp_answers; then
            if pgrep -x dockerd >/dev/null && [ -f /var/log/ipybox-dockerd.log ]; then
                stop_engine
                start_engine
            else
                log "an engine answers but not on tcp://127.0.0.1:2375 and was not started by this script;"
                log "add '-H tcp://127.0.0.1:2375' to its configuration"
                exit 1
            fi
        fi
        return
    fi
    install_engine
    start_engine
}

debian_mirror() {
    # The machine's own apt configuration names the mirror; empty means debootstrap's default.
    local mirror=""
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
    elif [ -f /etc/apt/sources.list ]; then
        mirror=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
    fi
    printf '%s' "$mirror"
}

ensure_base_image() {
    local base
    base=$(sed -n 's/^ARG BASE_IMAGE=//p' "$context/Dockerfile" | head -n 1)
    if docker image inspect "$base" >/dev/null 2>&1; then return; fi
    log "base image $base missing; trying to pull it"
    if timeout 60 docker pull "$base" >/dev/null 2>&1; then return; fi
    local suite=${base#*:}
    suite=${suite%-slim}
    log "no registry reachable; building $base with debootstrap ($suite)"
    if ! command -v debootstrap >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
    local rootfs
    rootfs=$(mktemp -d /var/tmp/ipybox-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs"' RETURN
    # shellcheck disable=SC2046
    debootstrap --variant=minbase "$suite" "$rootfs" $(debian_mirror) >/var/log/ipybox-debootstrap.log 2>&1 || {
        tail -n 30 /var/log/ipybox-debootstrap.log >&2
        exit 1
    }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | docker import - "$base" >/dev/null
    log "imported $base"
}

# Must stay in step with RuntimeImage.ComputeVersion in src/IpyBox.AI.
image_version() {
    local f
    (cd "$context" && for f in $(ls -1 | LC_ALL=C sort); do
        printf '%s\n%s\n' "$f" "$(sha256sum < "$f" | cut -d' ' -f1)"
    done) | sha256sum | cut -c1-12
}

ensure_runtime_image() {
    local version tag
    version=$(image_version)
    tag="ipybox-ai:$version"
    if docker image inspect "$tag" >/dev/null 2>&1; then
        log "runtime image $tag present"
        return
    fi
    log "building runtime image $tag"
    docker build --build-arg "IMAGE_VERSION=$version" -t "$tag" "$context"
}

ensure_engine
ensure_base_image
if $runtime; then ensure_runtime_image; fi
log "ready"

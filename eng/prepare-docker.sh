#!/usr/bin/env bash
# Makes a Debian machine that has at most a Docker client ready for IpyBox.AI:
#   1. installs and starts a Docker engine when none answers,
#   2. provides the runtime image's base image offline when it cannot be pulled,
#   3. builds the runtime image under the tag the library expects,
#   4. with --gvisor, installs gVisor and registers it with the engine as the runtime "runsc".
# Idempotent: a second run finds everything in place and returns within seconds.
#
# Options:
#   --tcp          also make the engine listen on tcp://127.0.0.1:2375 (remote-host tests)
#   --no-runtime   stop after the base image (skip building the runtime image)
#   --gvisor       also install Debian's runsc and register it in /etc/docker/daemon.json as the runtime "runsc"
#                  (merged with what is there), then reload the engine with SIGHUP: running containers keep running.
#                  Sandboxes use it with ExecutionContainerOptions.Runtime = "runsc" (docs/security.md).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
context="$here/docker"
tcp=false
runtime=true
gvisor=false
for arg in "$@"; do
    case "$arg" in
        --tcp) tcp=true ;;
        --no-runtime) runtime=false ;;
        --gvisor) gvisor=true ;;
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

daemon_json=/etc/docker/daemon.json
# Debian's runsc (a 2022 build) refuses its default network mode on current kernels ("cannot run with network enabled
# in root network namespace"); host networking inside the container's own network namespace works, and so do the
# engine's port publishing and the firewall's rules in that namespace. The ptrace platform needs no /dev/kvm.
gvisor_args='["--platform=ptrace", "--network=host"]'

engine_knows_runsc() { docker info --format '{{json .Runtimes}}' 2>/dev/null | jq -e 'has("runsc")' >/dev/null; }

ensure_gvisor() {
    local missing=()
    command -v runsc >/dev/null 2>&1 || missing+=(runsc)
    command -v jq >/dev/null 2>&1 || missing+=(jq)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    local path current wanted
    path=$(command -v runsc)
    current='{}'
    if [ -s "$daemon_json" ]; then current=$(cat "$daemon_json"); fi
    wanted=$(jq --arg path "$path" --argjson args "$gvisor_args" '.runtimes.runsc = {path: $path, runtimeArgs: $args}' <<<"$current")
    if [ "$(jq -S . <<<"$current")" = "$(jq -S . <<<"$wanted")" ] && engine_knows_runsc; then
        log "gVisor registered as runtime runsc ($path)"
        return
    fi
    log "registering $path as runtime runsc in $daemon_json"
    mkdir -p "$(dirname "$daemon_json")"
    printf '%s\n' "$wanted" > "$daemon_json.tmp"
    mv "$daemon_json.tmp" "$daemon_json"
    # SIGHUP reloads the runtimes without stopping the engine or its containers.
    local pid
    pid=$(pgrep -x -o dockerd || true)
    if [ -z "$pid" ]; then
        log "no dockerd process to reload here; reload the engine, then check 'docker info' lists runsc"
        exit 1
    fi
    kill -HUP "$pid"
    for _ in $(seq 1 30); do
        if engine_knows_runsc; then
            log "gVisor registered as runtime runsc ($path)"
            return
        fi
        sleep 1
    done
    log "the engine did not list runtime runsc 30 s after the reload; is it started with another --config-file?"
    exit 1
}

ensure_engine
ensure_base_image
if $runtime; then ensure_runtime_image; fi
if $gvisor; then ensure_gvisor; fi
log "ready"

#!/bin/bash
# Restricts outbound traffic of a sandbox's network namespace to an allow-list.
#
# The library runs this script as root in a short-lived helper container that joins the sandbox's network
# namespace (docker run --network container:<sandbox> --cap-add NET_ADMIN). The sandbox itself holds no
# capabilities, so code in it cannot change or remove the rules.
#
# Usage: init-firewall.sh [--no-dns] [--dns-server=ADDRESS]... [ENTRY...]
#   ENTRY                 a domain name, an IPv4 address or an IPv4 CIDR range; names are resolved once, now
#   --no-dns              also block DNS, including Docker's embedded resolver (a sandbox without any network)
#   --dns-server=ADDRESS  also allow DNS to ADDRESS (the upstream servers of Docker's embedded resolver on a
#                         user-defined network, which some engines contact from the sandbox's namespace)
# Calling it again replaces the previous rules. Without entries all outbound traffic is blocked, except
# loopback, DNS to the configured resolvers (unless --no-dns) and replies on connections made to the sandbox
# (the kernel server's port). IPv6 egress is always blocked.
# Output: one line per allowed network; "WARNING: ..." lines for names that did not resolve.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    echo "init-firewall.sh must run as root" >&2
    exit 2
fi

dns=true
entries=()
resolvers=()
for arg in "$@"; do
    case "$arg" in
        --no-dns) dns=false ;;
        --dns-server=*) resolvers+=("${arg#--dns-server=}") ;;
        -*) echo "unknown option: $arg" >&2; exit 64 ;;
        *) entries+=("$arg") ;;
    esac
done

ipv4_re='^([0-9]{1,3}\.){3}[0-9]{1,3}(/[0-9]{1,2})?$'
name_re='^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})$'
networks=()
for entry in "${entries[@]}"; do
    if [[ "$entry" =~ $ipv4_re ]]; then
        networks+=("$entry")
        echo "allowed $entry"
    elif [[ "$entry" =~ $name_re ]]; then
        addresses=$(getent ahostsv4 "$entry" | awk '{print $1}' | sort -u || true)
        if [ -z "$addresses" ]; then
            echo "WARNING: '$entry' does not resolve; it stays blocked"
            continue
        fi
        for address in $addresses; do
            networks+=("$address")
            echo "allowed $entry ($address)"
        done
    else
        echo "invalid entry '$entry': give a domain name, an IPv4 address or an IPv4 CIDR range" >&2
        exit 64
    fi
done

# Build the new set completely, then swap it in: a failure leaves the previous rules in place.
SET=ipybox-allowed
ipset create "$SET" hash:net -exist
ipset create "$SET-new" hash:net -exist
ipset flush "$SET-new"
for network in ${networks[@]+"${networks[@]}"}; do
    ipset add "$SET-new" "$network" -exist
done
ipset swap "$SET-new" "$SET"
ipset destroy "$SET-new"

# IPv4: drop by default; keep loopback (the kernels talk to the server over it), replies, DNS, the allow-list.
rules=$(mktemp)
{
    echo "*filter"
    echo ":OUTPUT DROP [0:0]"
    echo "-F OUTPUT"
    if ! $dns; then
        # Docker's embedded resolver listens on loopback: without this it would still answer.
        echo "-A OUTPUT -d 127.0.0.11 -j REJECT"
    fi
    echo "-A OUTPUT -o lo -j ACCEPT"
    echo "-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"
    if $dns; then
        for resolver in $(awk '/^nameserver/ {print $2}' /etc/resolv.conf | grep -v ':' || true) ${resolvers[@]+"${resolvers[@]}"}; do
            if ! [[ "$resolver" =~ $ipv4_re ]]; then continue; fi
            echo "-A OUTPUT -d $resolver -p udp --dport 53 -j ACCEPT"
            echo "-A OUTPUT -d $resolver -p tcp --dport 53 -j ACCEPT"
        done
    fi
    echo "-A OUTPUT -m set --match-set $SET dst -j ACCEPT"
    echo "-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset"
    echo "-A OUTPUT -j REJECT --reject-with icmp-admin-prohibited"
    echo "COMMIT"
} > "$rules"
# --noflush keeps the other tables (Docker's DNS redirection lives in nat); the OUTPUT chain is replaced atomically.
iptables-restore --noflush < "$rules"
rm -f "$rules"

# IPv6: no allow-list, only loopback and replies. Where ip6tables is unusable, refuse when the namespace
# has IPv6 addresses beyond loopback and link-local, since they would stay open.
if ip6tables -S OUTPUT >/dev/null 2>&1; then
    ip6tables-restore --noflush <<'RULES'
*filter
:OUTPUT DROP [0:0]
-F OUTPUT
-A OUTPUT -o lo -j ACCEPT
-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A OUTPUT -j REJECT
COMMIT
RULES
    echo "ipv6 blocked"
elif ip -6 addr show scope global 2>/dev/null | grep -q inet6; then
    echo "ip6tables is unusable but the sandbox has global IPv6 addresses; refusing to leave IPv6 open" >&2
    exit 3
else
    echo "ipv6 absent"
fi

echo "firewall active: ${#networks[@]} allowed network(s), dns $($dns && echo allowed || echo blocked)"

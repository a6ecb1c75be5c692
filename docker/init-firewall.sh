#!/bin/bash
# Restricts outbound traffic of the sandbox to an allow-list.
# Run as root through `docker exec`; the kernel user has no capabilities and cannot undo it.
# Usage: init-firewall.sh [ENTRY...]   ENTRY = domain name | IPv4 address | IPv4 CIDR range
# Calling it again replaces the previous rules. No entries: all outbound traffic is blocked
# except DNS and replies on connections the sandbox accepted (the executor port).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    echo "init-firewall.sh must run as root" >&2
    exit 2
fi

SET=ipybox-allowed
ipset create "$SET" hash:net -exist
ipset flush "$SET"

ipv4_re='^([0-9]{1,3}\.){3}[0-9]{1,3}(/[0-9]{1,2})?$'
for entry in "$@"; do
    if [[ "$entry" =~ $ipv4_re ]]; then
        ipset add "$SET" "$entry" -exist
        echo "allowed $entry"
        continue
    fi
    addresses=$(getent ahostsv4 "$entry" | awk '{print $1}' | sort -u || true)
    if [ -z "$addresses" ]; then
        echo "WARNING: could not resolve $entry; it stays blocked" >&2
        continue
    fi
    for address in $addresses; do
        ipset add "$SET" "$address" -exist
        echo "allowed $entry ($address)"
    done
done

# IPv4: drop by default, keep loopback, replies, DNS and the allow-list.
iptables -P OUTPUT ACCEPT
iptables -F OUTPUT
iptables -A OUTPUT -o lo -j ACCEPT
iptables -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
for resolver in $(awk '/^nameserver/ {print $2}' /etc/resolv.conf | grep -v ':' || true); do
    iptables -A OUTPUT -p udp -d "$resolver" --dport 53 -j ACCEPT
    iptables -A OUTPUT -p tcp -d "$resolver" --dport 53 -j ACCEPT
done
iptables -A OUTPUT -m set --match-set "$SET" dst -j ACCEPT
iptables -A OUTPUT -p tcp -j REJECT --reject-with tcp-reset
iptables -A OUTPUT -j REJECT --reject-with icmp-admin-prohibited
iptables -P OUTPUT DROP

# IPv6: no allow-list support, so only loopback and replies leave.
if ip6tables -L OUTPUT -n >/dev/null 2>&1; then
    ip6tables -P OUTPUT ACCEPT
    ip6tables -F OUTPUT
    ip6tables -A OUTPUT -o lo -j ACCEPT
    ip6tables -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    ip6tables -A OUTPUT -j REJECT
    ip6tables -P OUTPUT DROP
fi

echo "firewall active: $(ipset list "$SET" | grep -c -E '^[0-9]') allowed network(s)"

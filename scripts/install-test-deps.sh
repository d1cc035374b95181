#!/usr/bin/env bash
# Installs the Debian packages the test suite talks to: real BGP daemons and
# keepalived (VRRP) for the interop tests, HAProxy for the load-balancer
# pair lab test, nftables for fault injection,
# tcpdump for captures, openssl (test certificates), perl (a listener that
# never accepts) and curl (the check ExaBGP's healthcheck runs in the failover
# benchmark), the DNS servers and tools the DNS interop tests and bench use
# (BIND, Knot, PowerDNS with SQLite, nsupdate), promtool (prometheus) for
# the alert-rule tests, and Chromium, which loads the status page in a test.
# Needs root (apt-get); does nothing when everything is already there.
set -euo pipefail
pkgs=(bird2 frr gobgpd exabgp openbgpd nftables tcpdump iproute2 python3 openssl perl curl bind9 bind9-utils bind9-dnsutils knot knot-dnsutils pdns-server pdns-backend-sqlite3 sqlite3 keepalived haproxy prometheus chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies present: ${pkgs[*]}"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]}; run this as root (apt-get install)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

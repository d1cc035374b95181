#!/usr/bin/env bash
# Captures VRRP v3 adverts sent by keepalived (Debian's) in a private network
# namespace pair and writes each first packet, IP header included, as hex to
# test/fixtures/vrrp/NAME.hex. Needs root, keepalived, tcpdump and iproute2.
# The test fixtures were made with this script; run it again to refresh them.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/vrrp"
only="${1:-}" # one capture by name, or all
tag="fdcap$$"
work="$(mktemp -d)"
ka="${tag}-ka" obs="${tag}-obs"
cleanup() {
  for f in "$work"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  ip netns del "$ka" 2>/dev/null || true
  ip netns del "$obs" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ka"
ip netns add "$obs"
ip -n "$ka" link add name eth0 type veth peer name eth0 netns "$obs"
for ns in "$ka" "$obs"; do
  ip netns exec "$ns" sysctl -q -w net.ipv6.conf.eth0.accept_dad=0
  ip -n "$ns" link set dev lo up
done
ip -n "$ka" link set dev eth0 address 02:00:00:00:51:01
ip -n "$obs" link set dev eth0 address 02:00:00:00:51:02
ip -n "$ka" addr add 10.51.0.1/24 dev eth0
ip -n "$obs" addr add 10.51.0.2/24 dev eth0
ip -n "$ka" -6 addr add fd00:51::1/64 dev eth0 nodad
ip -n "$obs" -6 addr add fd00:51::2/64 dev eth0 nodad
ip -n "$ka" link set dev eth0 up
ip -n "$obs" link set dev eth0 up

# capture NAME STOP(0|1) INSTANCE-BODY: runs keepalived with one instance,
# keeps the first advert (or, with STOP=1, the last one, sent as it stops).
capture() {
  local name="$1" stop="$2" body="$3"
  if [ -n "$only" ] && [ "$only" != "$name" ]; then return; fi
  cat >"$work/$name.conf" <<CONF
global_defs {
  router_id fdcap
  vrrp_version 3
  script_user root
  enable_script_security
}
vrrp_instance $name {
  interface eth0
  state BACKUP
$body
}
CONF
  ip netns exec "$obs" tcpdump -i eth0 -U -w "$work/$name.pcap" 'ip proto 112 or ip6 proto 112' >/dev/null 2>&1 &
  echo $! >"$work/tcpdump.pid"
  sleep 1
  ip netns exec "$ka" keepalived -n -l -D -f "$work/$name.conf" -p "$work/ka-$name.pid" -r "$work/vrrp-$name.pid" >"$work/$name.log" 2>&1 &
  local kp=$!
  echo $kp >"$work/keepalived.pid"
  sleep 6
  if [ "$stop" = 1 ]; then kill -TERM $kp; sleep 2; fi
  kill -TERM $kp 2>/dev/null || true
  wait $kp 2>/dev/null || true
  sleep 0.5
  kill -TERM "$(cat "$work/tcpdump.pid")"
  wait "$(cat "$work/tcpdump.pid")" 2>/dev/null || true
  local which=1
  if [ "$stop" = 1 ]; then which=$(tcpdump -r "$work/$name.pcap" 2>/dev/null | grep -c VRRP); fi
  tcpdump -r "$work/$name.pcap" -x 2>/dev/null | awk -v n="$which" '
    /^[0-9]/ { k++ ; next }
    k == n { for (i = 2; i <= NF; i++) printf "%s", $i }
    END { printf "\n" }' >"$out/$name.hex"
  tcpdump -r "$work/$name.pcap" -v 2>/dev/null | grep -A1 "^[0-9]" | grep -v '^--' | head -2 >"$out/$name.txt"
  if [ "$stop" = 1 ]; then tcpdump -r "$work/$name.pcap" -v 2>/dev/null | tail -2 >"$out/$name.txt"; fi
  echo "$name: $(wc -c <"$out/$name.hex") hex chars"
}

capture v4-mcast 0 '  virtual_router_id 51
  priority 150
  advert_int 1
  virtual_ipaddress {
    10.51.0.100/24
  }'
capture v4-mcast-fast 0 '  virtual_router_id 52
  priority 100
  advert_int 0.1
  virtual_ipaddress {
    10.51.0.101/24
    10.51.0.102/24
  }'
capture v4-unicast 0 '  virtual_router_id 53
  priority 200
  advert_int 1
  unicast_src_ip 10.51.0.1
  unicast_peer {
    10.51.0.2
  }
  virtual_ipaddress {
    10.51.0.103/24
  }'
capture v4-unicast-old 0 '  virtual_router_id 54
  priority 200
  advert_int 1
  unicast_src_ip 10.51.0.1
  old_unicast_checksum
  unicast_peer {
    10.51.0.2
  }
  virtual_ipaddress {
    10.51.0.104/24
  }'
capture v4-release 1 '  virtual_router_id 55
  priority 120
  advert_int 1
  virtual_ipaddress {
    10.51.0.105/24
  }'
capture v6-mcast 0 '  virtual_router_id 56
  priority 150
  advert_int 1
  virtual_ipaddress {
    fd00:51::100/64
    fd00:51::101/64
  }'
capture v6-unicast 0 '  virtual_router_id 57
  priority 110
  advert_int 0.5
  unicast_src_ip fd00:51::1
  unicast_peer {
    fd00:51::2
  }
  virtual_ipaddress {
    fd00:51::102/64
  }'

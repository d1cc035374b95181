#!/usr/bin/env bash
# Captures real BGP sessions between installed daemons (BIRD, GoBGP, ExaBGP,
# FRR, OpenBGPD) inside private network namespaces and turns each capture into
# a JSON fixture under test/fixtures/captures/.
#
# Usage (as root): tools/capture/capture-all.sh [SCENARIO...]
#   With no arguments every scenario runs. Env: FDCAP_OUT (output folder),
#   FDCAP_KEEP=1 keeps the work folder (/tmp/fdcap.*) for inspection.
#
# Each scenario runs in a subshell with its own EXIT trap: whatever it started
# is stopped by PID and its namespaces are deleted even when a step fails.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${FDCAP_OUT:-$ROOT/test/fixtures/captures}
WORK=$(mktemp -d /tmp/fdcap.XXXXXX)
PCAP_KEEP_LIMIT=51200
ALL_SCENARIOS=(bird-gobgp-ipv4 bird-exabgp-ipv6 bird-bird-extnh frr-bird-ipv4 openbgpd-bird gobgp-2octet)

[[ $(id -u) -eq 0 ]] || { echo "capture-all.sh: run as root" >&2; exit 1; }
mkdir -p "$OUT"
chmod 755 "$WORK"

V_BIRD=$(bird --version 2>&1 | awk '{print $3}')
V_GOBGP=$(gobgpd --version | awk '{print $3}')
V_EXABGP=$(/usr/sbin/python3-exabgp --version 2>&1 | awk '/^ExaBGP/ {print $3}')
V_FRR=$(/usr/lib/frr/bgpd --version | awk 'NR==1 {print $3}')
V_OPENBGPD=$(bgpd -V 2>&1 | awk '{print $2}')

log() { printf '[%s] %s\n' "${SCEN:-capture}" "$*" >&2; }

# ---- per-scenario state and cleanup (used inside the scenario subshell) ----
PIDS=()
NSS=()

stop_pid() { # PID: TERM, wait up to 5 s, then KILL
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup_scenario() {
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
  for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  if [[ ${MADE_RUN_OPENBGPD:-0} == 1 ]]; then rmdir /run/openbgpd 2>/dev/null || true; fi
}

# bg NS LOG CMD...: start CMD inside NS in the background and remember its PID.
# `ip netns exec` execs CMD without forking, so $! is the daemon itself.
bg() {
  local ns=$1 logf=$2
  shift 2
  ip netns exec "$ns" "$@" >"$logf" 2>&1 &
  PIDS+=("$!")
  LAST_PID=$!
}

# wait_for SECONDS DESCRIPTION CMD...: poll CMD every 0.5 s until it succeeds.
wait_for() {
  local limit=$1 desc=$2 i
  shift 2
  for ((i = 0; i < limit * 2; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "timed out after ${limit}s waiting for: $desc"
  return 1
}

# make_pair SCENARIO N: namespaces fdcap-SCENARIO-a/-b joined by a veth pair,
# 10.203.N.1/30 + fd00:203::1/64 on a, .2 and ::2 on b. Fixed MAC addresses
# keep the IPv6 link-local addresses the same from run to run.
make_pair() {
  local scen=$1 n=$2
  NS_A="fdcap-$scen-a"
  NS_B="fdcap-$scen-b"
  IF_A="fdc$n-a"
  IF_B="fdc$n-b"
  NSS+=("$NS_A" "$NS_B")
  ip netns del "$NS_A" 2>/dev/null || true
  ip netns del "$NS_B" 2>/dev/null || true
  ip netns add "$NS_A"
  ip netns add "$NS_B"
  ip -n "$NS_A" link add "$IF_A" address "02:00:00:cb:0$n:01" type veth \
    peer name "$IF_B" address "02:00:00:cb:0$n:02" netns "$NS_B"
  ip -n "$NS_A" link set dev lo up
  ip -n "$NS_B" link set dev lo up
  ip -n "$NS_A" addr add "10.203.$n.1/30" dev "$IF_A"
  ip -n "$NS_B" addr add "10.203.$n.2/30" dev "$IF_B"
  ip -n "$NS_A" -6 addr add fd00:203::1/64 dev "$IF_A" nodad
  ip -n "$NS_B" -6 addr add fd00:203::2/64 dev "$IF_B" nodad
  ip -n "$NS_A" link set dev "$IF_A" up
  ip -n "$NS_B" link set dev "$IF_B" up
  # Link-local addresses need DAD too; wait until neither side is tentative.
  wait_for 10 "link-local addresses" no_tentative
  LL_A=$(ip -n "$NS_A" -6 -o addr show dev "$IF_A" scope link | awk '{print $4}' | cut -d/ -f1)
  LL_B=$(ip -n "$NS_B" -6 -o addr show dev "$IF_B" scope link | awk '{print $4}' | cut -d/ -f1)
}

no_tentative() {
  [[ -n $(ip -n "$NS_A" -6 -o addr show dev "$IF_A" scope link) ]] &&
    [[ -n $(ip -n "$NS_B" -6 -o addr show dev "$IF_B" scope link) ]] &&
    [[ -z $(ip -n "$NS_A" -6 -o addr show dev "$IF_A" tentative) ]] &&
    [[ -z $(ip -n "$NS_B" -6 -o addr show dev "$IF_B" tentative) ]]
}

# start_tcpdump NS IF FILE: capture BGP on the link, packet-buffered.
start_tcpdump() {
  local ns=$1 ifname=$2 file=$3
  bg "$ns" "$D/tcpdump.log" tcpdump -i "$ifname" -U -s 0 -n -w "$file" 'tcp port 179'
  TCPDUMP_PID=$LAST_PID
  wait_for 10 "tcpdump to listen" grep -q 'listening on' "$D/tcpdump.log"
}

stop_tcpdump() {
  sleep 0.5
  stop_pid "$TCPDUMP_PID"
}

# BIRD: one process per namespace, foreground, private control socket.
start_bird() { # NS NAME CONFIG
  local ns=$1 name=$2 conf=$3
  bird -p -c "$conf"
  bg "$ns" "$D/$name.log" bird -f -c "$conf" -s "$D/$name.ctl" -P "$D/$name.pid"
  wait_for 10 "BIRD $name control socket" birdc -s "$D/$name.ctl" show status
}

birdc_() { local name=$1; shift; birdc -s "$D/$name.ctl" "$@"; }

bird_established() { birdc_ "$1" show protocols "$2" | grep -q Established; }

# converts the capture: convert SCENARIO [--config NAME=FILE]...
convert() {
  local scen=$1
  shift
  node "$HERE/pcap-to-fixture.mjs" --pcap "$D/$scen.pcap" --meta "$D/meta.json" \
    --out "$OUT/$scen.json" "$@"
  if (($(stat -c %s "$D/$scen.pcap") < PCAP_KEEP_LIMIT)); then
    cp "$D/$scen.pcap" "$OUT/$scen.pcap"
  else
    rm -f "$OUT/$scen.pcap"
  fi
}

# ---------------------------------------------------------------------------
# 1. BIRD (AS 65001) <-> GoBGP (AS 4200000001) over IPv4.
scenario_bird_gobgp_ipv4() {
  make_pair bird-gobgp-ipv4 1
  cat >"$D/bird-a.conf" <<'EOF'
router id 10.203.1.1;
protocol device { }

protocol static originate4 {
  ipv4;
  route 192.0.2.1/32 blackhole;
  route 192.0.2.2/32 blackhole;
  route 198.51.100.0/24 blackhole;
}

filter to_gobgp {
  if proto != "originate4" then reject;
  bgp_origin = ORIGIN_IGP;
  if net = 192.0.2.1/32 then {
    bgp_med = 10;
    bgp_community.add((65001, 100));
    bgp_community.add((65535, 0));
    bgp_large_community.add((65001, 1, 1));
  }
  if net = 192.0.2.2/32 then {
    bgp_med = 20;
    bgp_path.prepend(4200000099);
    bgp_community.add((65001, 300));
  }
  if net = 198.51.100.0/24 then {
    bgp_path.prepend(65001);
    bgp_path.prepend(65001);
    bgp_community.add((65001, 200));
    bgp_community.add((65535, 65281));
    bgp_large_community.add((65001, 2, 2));
    bgp_large_community.add((65001, 2, 3));
  }
  accept;
}

protocol bgp gobgp1 {
  local 10.203.1.1 as 65001;
  neighbor 10.203.1.2 as 4200000001;
  strict bind on;
  hold time 30;
  keepalive time 10;
  connect delay time 1;
  connect retry time 1;
  error wait time 1, 2;
  graceful restart on;
  ipv4 {
    import all;
    export filter to_gobgp;
  };
}
EOF
  # The second config drops 192.0.2.2/32: `birdc configure` withdraws it.
  sed '/route 192.0.2.2\/32 blackhole;/d' "$D/bird-a.conf" >"$D/bird-a-withdraw.conf"

  cat >"$D/gobgp-b.toml" <<'EOF'
[global.config]
  as = 4200000001
  router-id = "10.203.1.2"
  port = 179
  local-address-list = ["10.203.1.2"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "10.203.1.1"
    peer-as = 65001
  [neighbors.transport.config]
    passive-mode = true
    local-address = "10.203.1.2"
  [neighbors.timers.config]
    hold-time = 30
    keepalive-interval = 10
    connect-retry = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
EOF
  local gob=(ip netns exec "$NS_B" gobgp -u 127.0.0.1 -p 50151)
  cat >"$D/gobgp-b.commands" <<'EOF'
gobgp global rib -a ipv4 add 203.0.113.0/24 nexthop 10.203.1.2 origin igp med 50 community 64512:1,64512:2 large-community 4200000001:1:1
EOF

  start_tcpdump "$NS_A" "$IF_A" "$D/$SCEN.pcap"
  bg "$NS_B" "$D/gobgp-b.log" gobgpd -f "$D/gobgp-b.toml" --api-hosts 127.0.0.1:50151 --pprof-disable
  wait_for 10 "gobgpd API" "${gob[@]}" global
  "${gob[@]}" global rib -a ipv4 add 203.0.113.0/24 nexthop 10.203.1.2 origin igp med 50 \
    community 64512:1,64512:2 large-community 4200000001:1:1
  start_bird "$NS_A" bird-a "$D/bird-a.conf"
  wait_for 20 "session up" bird_established bird-a gobgp1
  wait_for 10 "GoBGP to hold BIRD's 3 routes and its own" gobgp_has_routes "${gob[@]}" 4
  wait_for 10 "BIRD to hold GoBGP's route" bird_has bird-a 203.0.113.0/24
  sleep 1
  birdc_ bird-a show route all >"$D/bird-a.routes"
  "${gob[@]}" global rib -a ipv4 >"$D/gobgp-b.rib"
  log "GoBGP RIB:"; cat "$D/gobgp-b.rib" >&2

  birdc_ bird-a configure \"$D/bird-a-withdraw.conf\" >&2
  wait_for 10 "GoBGP to see the withdrawal" gobgp_has_routes "${gob[@]}" 3
  sleep 1
  birdc_ bird-a disable gobgp1 '"maintenance window"' >&2
  wait_for 10 "GoBGP to drop the session" gobgp_not_established "${gob[@]}"
  sleep 1
  stop_tcpdump

  cat >"$D/meta.json" <<EOF
{
  "scenario": "bird-gobgp-ipv4",
  "description": "BIRD (AS 65001, 4-octet capable, graceful restart on) and GoBGP (AS 4200000001, a 4-octet ASN, passive) over IPv4 on a veth link. BIRD announces 192.0.2.1/32, 192.0.2.2/32 and 198.51.100.0/24 with communities (GRACEFUL_SHUTDOWN 65535:0 on one, NO_EXPORT 65535:65281 on another), large communities, MED and AS-path prepends; GoBGP announces 203.0.113.0/24 with communities and a large community holding its 4-octet ASN. BIRD is then reconfigured without 192.0.2.2/32 (withdrawn), and finally disables the session with 'birdc disable gobgp1 \"maintenance window\"', which sends Cease / Administrative Shutdown with that text (RFC 9003). GoBGP's OPEN carries the FQDN capability with the machine's host name (here $(hostname)) and an extended next hop capability.",
  "daemons": {
    "a": "BIRD $V_BIRD (10.203.1.1, AS 65001)",
    "b": "GoBGP $V_GOBGP (10.203.1.2, AS 4200000001)"
  },
  "endpoints": { "a": "10.203.1.1", "b": "10.203.1.2" },
  "expect": {
    "open": {
      "a": { "asn": 65001, "myAsField": 65001, "routerId": "10.203.1.1", "holdTime": 30, "capabilityCodes": [1, 2, 64, 65, 70, 71],
             "capabilities": { "fourOctetAs": 65001, "multiprotocol": [{ "afi": 1, "safi": 1 }], "gracefulRestart": true, "routeRefresh": true } },
      "b": { "asn": 4200000001, "myAsField": 23456, "routerId": "10.203.1.2", "holdTime": 30, "capabilityCodes": [2, 73, 1, 65, 5],
             "capabilities": { "fourOctetAs": 4200000001, "multiprotocol": [{ "afi": 1, "safi": 1 }], "routeRefresh": true, "fqdn": { "hostname": "$(hostname)" } } }
    },
    "negotiated": { "fourOctetAs": true, "holdTime": 30 },
    "announced": [
      { "from": "a", "prefix": "192.0.2.1/32", "origin": "igp", "asPath": [65001], "nextHop": "10.203.1.1", "med": 10,
        "communities": ["65001:100", "65535:0"], "largeCommunities": ["65001:1:1"] },
      { "from": "a", "prefix": "192.0.2.2/32", "origin": "igp", "asPath": [65001, 4200000099], "nextHop": "10.203.1.1", "med": 20,
        "communities": ["65001:300"] },
      { "from": "a", "prefix": "198.51.100.0/24", "origin": "igp", "asPath": [65001, 65001, 65001], "nextHop": "10.203.1.1",
        "communities": ["65001:200", "65535:65281"], "largeCommunities": ["65001:2:2", "65001:2:3"] },
      { "from": "b", "prefix": "203.0.113.0/24", "origin": "igp", "asPath": [4200000001], "nextHop": "10.203.1.2", "med": 50,
        "communities": ["64512:1", "64512:2"], "largeCommunities": ["4200000001:1:1"] }
    ],
    "withdrawn": [ { "from": "a", "prefix": "192.0.2.2/32" } ],
    "notifications": [ { "from": "a", "code": 6, "subcode": 2, "shutdownMessage": "maintenance window" } ]
  }
}
EOF
  convert "$SCEN" --config "a=$D/bird-a.conf" --config "a-after-withdraw=$D/bird-a-withdraw.conf" \
    --config "b=$D/gobgp-b.toml" --config "b-commands=$D/gobgp-b.commands"
}

# ---------------------------------------------------------------------------
# 2. ExaBGP (AS 65010) -> BIRD (AS 65001, passive) over IPv6.
scenario_bird_exabgp_ipv6() {
  make_pair bird-exabgp-ipv6 2
  cat >"$D/bird-a.conf" <<'EOF'
router id 10.203.2.1;
protocol device { }

protocol static originate6 {
  ipv6;
  route 2001:db8:100::/48 blackhole;
}

filter to_exabgp {
  if proto != "originate6" then reject;
  bgp_origin = ORIGIN_IGP;
  bgp_community.add((65001, 600));
  accept;
}

protocol bgp exabgp1 {
  local fd00:203::1 as 65001;
  neighbor fd00:203::2 as 65010;
  strict bind on;
  passive on;
  hold time 30;
  keepalive time 10;
  ipv6 {
    import all;
    export filter to_exabgp;
  };
}
EOF
  mkfifo "$D/exabgp.fifo"
  cat >"$D/exabgp-b.conf" <<EOF
process driver {
  run /bin/cat $D/exabgp.fifo;
  encoder text;
}

neighbor fd00:203::1 {
  router-id 10.203.2.2;
  local-address fd00:203::2;
  local-as 65010;
  peer-as 65001;
  hold-time 30;
  group-updates false;
  family {
    ipv6 unicast;
  }
  api {
    processes [ driver ];
  }
  static {
    route 2001:db8:10::/64 next-hop fd00:203::2 origin igp extended-community [ target:65000:1 ] large-community [ 65010:1:1 65010:1:2 ];
    route 2001:db8:20::1/128 next-hop fd00:203::2 origin igp med 100 community [ 65010:100 ] extended-community [ target:65000:2 origin:65010:7 ] large-community [ 65010:2:1 ];
  }
}
EOF
  cat >"$D/exabgp-b.commands" <<'EOF'
announce route 2001:db8:30::/64 next-hop fd00:203::2 origin igp extended-community [ target:65000:3 ]
withdraw route 2001:db8:20::1/128 next-hop fd00:203::2
neighbor fd00:203::1 teardown 4
EOF
  # Read-write open: never blocks, and keeps the FIFO open for `cat`.
  exec 7<>"$D/exabgp.fifo"

  start_tcpdump "$NS_A" "$IF_A" "$D/$SCEN.pcap"
  start_bird "$NS_A" bird-a "$D/bird-a.conf"
  bg "$NS_B" "$D/exabgp-b.log" env exabgp.daemon.user=root exabgp.daemon.daemonize=false \
    exabgp.log.destination=stdout /usr/sbin/python3-exabgp "$D/exabgp-b.conf"
  local exa_pid=$LAST_PID
  wait_for 30 "session up" bird_established bird-a exabgp1
  wait_for 10 "BIRD to hold ExaBGP's routes" bird_has bird-a 2001:db8:20::1/128
  sleep 1
  sed -n 1p "$D/exabgp-b.commands" >&7
  wait_for 10 "BIRD to hold the API route" bird_has bird-a 2001:db8:30::/64
  sleep 1
  sed -n 2p "$D/exabgp-b.commands" >&7
  wait_for 10 "BIRD to see the withdrawal" bird_lacks bird-a 2001:db8:20::1/128
  birdc_ bird-a show route all >"$D/bird-a.routes"
  log "BIRD routes:"; cat "$D/bird-a.routes" >&2
  sleep 1
  # SIGTERM makes ExaBGP close TCP without a NOTIFICATION; its API teardown
  # sends Cease / Administrative Reset, and it reconnects at once. The second
  # session is let come up fully, then BIRD shuts it down with a message.
  sed -n 3p "$D/exabgp-b.commands" >&7
  wait_for 10 "BIRD to drop the session" bird_not_established bird-a exabgp1
  wait_for 30 "session up again" bird_established bird-a exabgp1
  wait_for 10 "BIRD to hold ExaBGP's routes again" bird_has bird-a 2001:db8:30::/64
  sleep 1
  birdc_ bird-a disable exabgp1 '"fdcap ipv6 done"' >&2
  wait_for 10 "BIRD to drop the session" bird_not_established bird-a exabgp1
  stop_pid "$exa_pid"
  sleep 1
  stop_tcpdump
  exec 7>&-

  cat >"$D/meta.json" <<EOF
{
  "scenario": "bird-exabgp-ipv6",
  "description": "ExaBGP (AS 65010, fd00:203::2) connects to BIRD (AS 65001, fd00:203::1, passive) over IPv6 on a veth link; only the IPv6 unicast family is configured, so every route travels in MP_REACH/MP_UNREACH. ExaBGP announces 2001:db8:10::/64 and 2001:db8:20::1/128 from its config (extended communities route-target and route-origin, large communities, a community, MED), then through its API 2001:db8:30::/64, then withdraws 2001:db8:20::1/128, then closes the session with the API command 'teardown 4' (Cease / Administrative Reset, with the text 'Administrative Reset' in RFC 9003 form). ExaBGP reconnects at once; once session 2 is up and the routes are exchanged again, BIRD runs 'birdc disable exabgp1 \"fdcap ipv6 done\"' (Cease / Administrative Shutdown with that text); ExaBGP 4.2.21 fails to parse that NOTIFICATION and answers with Message Header Error subcode 0 and an ASCII reason (recorded, not listed in expect). ExaBGP does not re-announce the withdrawn /128 in session 2. ExaBGP puts each capability in its own optional parameter and offers the extended message capability. BIRD announces 2001:db8:100::/48; on this directly connected link its next hop carries the global and the link-local address (32 bytes).",
  "daemons": {
    "a": "BIRD $V_BIRD (fd00:203::1, AS 65001)",
    "b": "ExaBGP $V_EXABGP (fd00:203::2, AS 65010)"
  },
  "endpoints": { "a": "fd00:203::1", "b": "fd00:203::2" },
  "expect": {
    "linkLocal": { "a": "$LL_A", "b": "$LL_B" },
    "open": {
      "a": { "asn": 65001, "myAsField": 65001, "routerId": "10.203.2.1", "holdTime": 30, "capabilityCodes": [1, 2, 64, 65, 70, 71],
             "capabilities": { "fourOctetAs": 65001, "multiprotocol": [{ "afi": 2, "safi": 1 }] } },
      "b": { "asn": 65010, "myAsField": 65010, "routerId": "10.203.2.2", "holdTime": 30, "capabilityCodes": [1, 65, 6],
             "capabilities": { "fourOctetAs": 65010, "multiprotocol": [{ "afi": 2, "safi": 1 }] } }
    },
    "negotiated": { "fourOctetAs": true, "holdTime": 30 },
    "announced": [
      { "from": "b", "session": 1, "prefix": "2001:db8:10::/64", "origin": "igp", "asPath": [65010], "nextHop": "fd00:203::2",
        "extendedCommunities": ["target:65000:1"], "largeCommunities": ["65010:1:1", "65010:1:2"] },
      { "from": "b", "session": 1, "prefix": "2001:db8:20::1/128", "origin": "igp", "asPath": [65010], "nextHop": "fd00:203::2", "med": 100,
        "communities": ["65010:100"], "extendedCommunities": ["target:65000:2", "origin:65010:7"], "largeCommunities": ["65010:2:1"] },
      { "from": "b", "session": 1, "prefix": "2001:db8:30::/64", "origin": "igp", "asPath": [65010], "nextHop": "fd00:203::2",
        "extendedCommunities": ["target:65000:3"] },
      { "from": "a", "session": 1, "prefix": "2001:db8:100::/48", "origin": "igp", "asPath": [65001], "nextHop": "fd00:203::1",
        "nextHopLinkLocal": "$LL_A", "communities": ["65001:600"] }
    ],
    "withdrawn": [ { "from": "b", "session": 1, "prefix": "2001:db8:20::1/128" } ],
    "notifications": [
      { "from": "b", "session": 1, "code": 6, "subcode": 4, "shutdownMessage": "Administrative Reset" },
      { "from": "a", "session": 2, "code": 6, "subcode": 2, "shutdownMessage": "fdcap ipv6 done" }
    ]
  }
}
EOF
  convert "$SCEN" --config "a=$D/bird-a.conf" --config "b=$D/exabgp-b.conf" --config "b-api-commands=$D/exabgp-b.commands"
}

# ---------------------------------------------------------------------------
# 3. BIRD (AS 65001) <-> BIRD (AS 65002, passive) over IPv6, IPv4 routes with
#    IPv6 next hops (RFC 8950), ADD-PATH from a to b, enhanced route refresh.
scenario_bird_bird_extnh() {
  make_pair bird-bird-extnh 3
  cat >"$D/bird-a.conf" <<'EOF'
router id 10.203.3.1;
protocol device { }

protocol static originate4 {
  ipv4;
  route 192.0.2.0/24 blackhole;
  route 198.51.100.0/24 blackhole;
}

# A second route for 192.0.2.0/24 so that ADD-PATH sends two paths.
protocol static originate4b {
  ipv4;
  route 192.0.2.0/24 unreachable;
}

protocol static originate6 {
  ipv6;
  route 2001:db8:300::/48 blackhole;
}

filter to_b {
  if proto != "originate4" && proto != "originate4b" && proto != "originate6" then reject;
  bgp_origin = ORIGIN_IGP;
  if proto = "originate4b" then bgp_med = 200;
  else bgp_med = 100;
  accept;
}

protocol bgp peer_b {
  local fd00:203::1 as 65001;
  neighbor fd00:203::2 as 65002;
  strict bind on;
  hold time 30;
  keepalive time 10;
  connect delay time 1;
  connect retry time 1;
  error wait time 1, 2;
  ipv4 {
    extended next hop on;
    add paths tx;
    import all;
    export filter to_b;
  };
  ipv6 {
    add paths tx;
    import all;
    export filter to_b;
  };
}
EOF
  cat >"$D/bird-b.conf" <<'EOF'
router id 10.203.3.2;
protocol device { }

protocol static originate4 {
  ipv4;
  route 203.0.113.0/24 blackhole;
}

filter to_a {
  if proto != "originate4" then reject;
  bgp_origin = ORIGIN_IGP;
  bgp_community.add((65002, 1));
  accept;
}

protocol bgp peer_a {
  local fd00:203::2 as 65002;
  neighbor fd00:203::1 as 65001;
  strict bind on;
  passive on;
  hold time 30;
  keepalive time 10;
  ipv4 {
    extended next hop on;
    add paths rx;
    import all;
    export filter to_a;
  };
  ipv6 {
    add paths rx;
    import all;
    export none;
  };
}
EOF
  start_tcpdump "$NS_A" "$IF_A" "$D/$SCEN.pcap"
  start_bird "$NS_B" bird-b "$D/bird-b.conf"
  start_bird "$NS_A" bird-a "$D/bird-a.conf"
  wait_for 20 "session up" bird_established bird-b peer_a
  wait_for 10 "b to hold a's routes" bird_has bird-b 2001:db8:300::/48
  wait_for 10 "a to hold b's route" bird_has bird-a 203.0.113.0/24
  sleep 1
  birdc_ bird-b show route all >"$D/bird-b.routes"
  birdc_ bird-a show route all >"$D/bird-a.routes"
  log "b's routes:"; cat "$D/bird-b.routes" >&2
  birdc_ bird-b reload in peer_a >&2
  # BIRD a answers the second family's refresh a few seconds later.
  sleep 6
  birdc_ bird-b disable peer_a >&2
  wait_for 10 "a to drop the session" bird_not_established bird-a peer_b
  sleep 1
  stop_tcpdump

  cat >"$D/meta.json" <<EOF
{
  "scenario": "bird-bird-extnh",
  "description": "BIRD a (AS 65001, fd00:203::1) and BIRD b (AS 65002, fd00:203::2, passive) over an IPv6 session carrying IPv4 unicast with IPv6 next hops (RFC 8950 extended next hop) and IPv6 unicast. ADD-PATH: a sends path ids (add paths tx), b receives them (add paths rx), so NLRI from a carry 4-byte path ids and NLRI from b do not. a announces 192.0.2.0/24 twice (two static protocols, MED 100 and 200), 198.51.100.0/24 and 2001:db8:300::/48; b announces 203.0.113.0/24 with community 65002:1. Then 'birdc reload in peer_a' on b sends ROUTE-REFRESH for both families and a answers with enhanced route refresh (BoRR, the routes again, EoRR). Finally b runs 'birdc disable peer_a' (Cease / Administrative Shutdown, no text).",
  "daemons": {
    "a": "BIRD $V_BIRD (fd00:203::1, AS 65001)",
    "b": "BIRD $V_BIRD (fd00:203::2, AS 65002)"
  },
  "endpoints": { "a": "fd00:203::1", "b": "fd00:203::2" },
  "expect": {
    "linkLocal": { "a": "$LL_A", "b": "$LL_B" },
    "open": {
      "a": { "asn": 65001, "myAsField": 65001, "routerId": "10.203.3.1", "holdTime": 30, "capabilityCodes": [1, 1, 2, 5, 64, 65, 69, 70, 71],
             "capabilities": { "fourOctetAs": 65001, "multiprotocol": [{ "afi": 1, "safi": 1 }, { "afi": 2, "safi": 1 }],
                               "extendedNextHop": [{ "afi": 1, "safi": 1, "nextHopAfi": 2 }],
                               "addPath": [{ "afi": 1, "safi": 1, "sendReceive": 2 }, { "afi": 2, "safi": 1, "sendReceive": 2 }],
                               "routeRefresh": true, "enhancedRouteRefresh": true } },
      "b": { "asn": 65002, "myAsField": 65002, "routerId": "10.203.3.2", "holdTime": 30, "capabilityCodes": [1, 1, 2, 5, 64, 65, 69, 70, 71],
             "capabilities": { "fourOctetAs": 65002, "multiprotocol": [{ "afi": 1, "safi": 1 }, { "afi": 2, "safi": 1 }],
                               "extendedNextHop": [{ "afi": 1, "safi": 1, "nextHopAfi": 2 }],
                               "addPath": [{ "afi": 1, "safi": 1, "sendReceive": 1 }, { "afi": 2, "safi": 1, "sendReceive": 1 }],
                               "routeRefresh": true, "enhancedRouteRefresh": true } }
    },
    "negotiated": { "fourOctetAs": true, "holdTime": 30, "addPathReceiveBy": "b", "extendedNextHopIpv4": true },
    "announced": [
      { "from": "a", "prefix": "192.0.2.0/24", "pathIdPresent": true, "origin": "igp", "asPath": [65001], "nextHop": "fd00:203::1", "nextHopLinkLocal": "$LL_A", "med": 100 },
      { "from": "a", "prefix": "192.0.2.0/24", "pathIdPresent": true, "origin": "igp", "asPath": [65001], "nextHop": "fd00:203::1", "nextHopLinkLocal": "$LL_A", "med": 200 },
      { "from": "a", "prefix": "198.51.100.0/24", "pathIdPresent": true, "origin": "igp", "asPath": [65001], "nextHop": "fd00:203::1", "nextHopLinkLocal": "$LL_A", "med": 100 },
      { "from": "a", "prefix": "2001:db8:300::/48", "pathIdPresent": true, "origin": "igp", "asPath": [65001], "nextHop": "fd00:203::1", "nextHopLinkLocal": "$LL_A", "med": 100 },
      { "from": "b", "prefix": "203.0.113.0/24", "pathIdPresent": false, "origin": "igp", "asPath": [65002], "nextHop": "fd00:203::2", "nextHopLinkLocal": "$LL_B", "communities": ["65002:1"] }
    ],
    "routeRefresh": [ { "from": "b", "afi": 1, "safi": 1 }, { "from": "b", "afi": 2, "safi": 1 } ],
    "notifications": [ { "from": "b", "code": 6, "subcode": 2 } ]
  }
}
EOF
  convert "$SCEN" --config "a=$D/bird-a.conf" --config "b=$D/bird-b.conf"
}

# ---------------------------------------------------------------------------
# 4. FRR bgpd (AS 65020) -> BIRD (AS 65001, passive) over IPv4.
scenario_frr_bird_ipv4() {
  make_pair frr-bird-ipv4 4
  cat >"$D/bird-a.conf" <<'EOF'
router id 10.203.4.1;
protocol device { }

protocol static originate4 {
  ipv4;
  route 198.51.100.0/24 blackhole;
}

filter to_frr {
  if proto != "originate4" then reject;
  bgp_origin = ORIGIN_IGP;
  bgp_community.add((65001, 400));
  accept;
}

protocol bgp frr1 {
  local 10.203.4.1 as 65001;
  neighbor 10.203.4.2 as 65020;
  strict bind on;
  passive on;
  hold time 30;
  keepalive time 10;
  error wait time 1, 2;
  ipv4 {
    import all;
    export filter to_frr;
  };
}
EOF
  local F="$D/frr"
  mkdir -p "$F"
  cat >"$F/bgpd.conf" <<'EOF'
frr defaults traditional
hostname fdcap-frr
!
router bgp 65020
 bgp router-id 10.203.4.2
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor 10.203.4.1 remote-as 65001
 neighbor 10.203.4.1 update-source 10.203.4.2
 neighbor 10.203.4.1 timers 10 30
 neighbor 10.203.4.1 timers connect 1
 !
 address-family ipv4 unicast
  network 192.0.2.64/26 route-map ANNOUNCE2
  network 203.0.113.0/24 route-map ANNOUNCE1
 exit-address-family
!
route-map ANNOUNCE1 permit 10
 set community 65020:1 65020:2
 set large-community 65020:0:1
 set metric 5
!
route-map ANNOUNCE2 permit 10
 set community 65020:3
 set origin incomplete
!
EOF
  chown -R frr:frr "$F"
  local vty=(vtysh --vty_socket "$F")
  cat >"$D/frr-b.commands" <<'EOF'
configure terminal ; router bgp 65020 ; address-family ipv4 unicast ; no network 192.0.2.64/26
clear bgp 10.203.4.1
configure terminal ; router bgp 65020 ; neighbor 10.203.4.1 shutdown message fdcap maintenance
EOF

  start_tcpdump "$NS_A" "$IF_A" "$D/$SCEN.pcap"
  start_bird "$NS_A" bird-a "$D/bird-a.conf"
  bg "$NS_B" "$D/zebra.log" /usr/lib/frr/zebra -z "$F/zserv.api" --vty_socket "$F" -u frr -g frr \
    -f /dev/null -i "$F/zebra.pid"
  wait_for 10 "zebra socket" test -S "$F/zserv.api"
  bg "$NS_B" "$D/bgpd.log" /usr/lib/frr/bgpd -z "$F/zserv.api" --vty_socket "$F" -u frr -g frr \
    -f "$F/bgpd.conf" -i "$F/bgpd.pid"
  wait_for 30 "session up" bird_established bird-a frr1
  wait_for 10 "BIRD to hold FRR's routes" bird_has bird-a 192.0.2.64/26
  wait_for 10 "BIRD to hold FRR's routes" bird_has bird-a 203.0.113.0/24
  wait_for 10 "FRR to hold BIRD's route" frr_has "${vty[@]}" 198.51.100.0/24
  sleep 1
  birdc_ bird-a show route all >"$D/bird-a.routes"
  "${vty[@]}" -c 'show bgp ipv4 unicast' >"$D/frr-b.rib"
  log "BIRD routes:"; cat "$D/bird-a.routes" >&2

  "${vty[@]}" -c 'configure terminal' -c 'router bgp 65020' -c 'address-family ipv4 unicast' \
    -c 'no network 192.0.2.64/26' >&2
  wait_for 10 "BIRD to see the withdrawal" bird_lacks bird-a 192.0.2.64/26
  sleep 1
  "${vty[@]}" -c 'clear bgp 10.203.4.1' >&2
  wait_for 10 "the reset" bird_not_established bird-a frr1
  wait_for 30 "session up again" bird_established bird-a frr1
  wait_for 10 "BIRD to hold FRR's route again" bird_has bird-a 203.0.113.0/24
  sleep 1
  "${vty[@]}" -c 'configure terminal' -c 'router bgp 65020' \
    -c 'neighbor 10.203.4.1 shutdown message fdcap maintenance' >&2
  wait_for 10 "BIRD to drop the session" bird_not_established bird-a frr1
  sleep 1
  stop_tcpdump

  cat >"$D/meta.json" <<EOF
{
  "scenario": "frr-bird-ipv4",
  "description": "FRR bgpd (AS 65020, 10.203.4.2, hostname fdcap-frr) connects to BIRD (AS 65001, 10.203.4.1, passive) over IPv4. Two sessions: in session 1 FRR announces 192.0.2.64/26 (community 65020:3, origin incomplete) and 203.0.113.0/24 (communities 65020:1 65020:2, large community 65020:0:1, MED 5) and BIRD announces 198.51.100.0/24 (community 65001:400); FRR then withdraws 192.0.2.64/26 ('no network') and resets the session with 'clear bgp 10.203.4.1' (Cease / Administrative Reset). In session 2 the routes are exchanged again, then FRR runs 'neighbor 10.203.4.1 shutdown message fdcap maintenance' (Cease / Administrative Shutdown with that text). FRR's OPEN carries the hostname (FQDN) capability. FRR also sends BIRD's own route back to it with path 65020 65001 (no sender-side loop check), and sends AS_PATH with the extended-length flag.",
  "daemons": {
    "a": "BIRD $V_BIRD (10.203.4.1, AS 65001)",
    "b": "FRR bgpd $V_FRR (10.203.4.2, AS 65020)"
  },
  "endpoints": { "a": "10.203.4.1", "b": "10.203.4.2" },
  "expect": {
    "open": {
      "a": { "asn": 65001, "myAsField": 65001, "routerId": "10.203.4.1", "holdTime": 30, "capabilityCodes": [1, 2, 64, 65, 70, 71],
             "capabilities": { "fourOctetAs": 65001, "multiprotocol": [{ "afi": 1, "safi": 1 }], "routeRefresh": true } },
      "b": { "asn": 65020, "myAsField": 65020, "routerId": "10.203.4.2", "holdTime": 30, "capabilityCodes": [1, 128, 2, 70, 65, 6, 69, 73, 64, 71],
             "capabilities": { "fourOctetAs": 65020, "multiprotocol": [{ "afi": 1, "safi": 1 }], "routeRefresh": true,
                               "fqdn": { "hostname": "fdcap-frr" } } }
    },
    "negotiated": { "fourOctetAs": true, "holdTime": 30 },
    "announced": [
      { "from": "b", "session": 1, "prefix": "192.0.2.64/26", "origin": "incomplete", "asPath": [65020], "nextHop": "10.203.4.2", "med": 0,
        "communities": ["65020:3"] },
      { "from": "b", "session": 1, "prefix": "198.51.100.0/24", "origin": "igp", "asPath": [65020, 65001], "nextHop": "10.203.4.2",
        "communities": ["65001:400"] },
      { "from": "b", "session": 1, "prefix": "203.0.113.0/24", "origin": "igp", "asPath": [65020], "nextHop": "10.203.4.2", "med": 5,
        "communities": ["65020:1", "65020:2"], "largeCommunities": ["65020:0:1"] },
      { "from": "a", "session": 1, "prefix": "198.51.100.0/24", "origin": "igp", "asPath": [65001], "nextHop": "10.203.4.1",
        "communities": ["65001:400"] },
      { "from": "b", "session": 2, "prefix": "203.0.113.0/24", "origin": "igp", "asPath": [65020], "nextHop": "10.203.4.2", "med": 5,
        "communities": ["65020:1", "65020:2"], "largeCommunities": ["65020:0:1"] },
      { "from": "a", "session": 2, "prefix": "198.51.100.0/24", "origin": "igp", "asPath": [65001], "nextHop": "10.203.4.1",
        "communities": ["65001:400"] }
    ],
    "withdrawn": [ { "from": "b", "session": 1, "prefix": "192.0.2.64/26" } ],
    "notifications": [
      { "from": "b", "session": 1, "code": 6, "subcode": 4 },
      { "from": "b", "session": 2, "code": 6, "subcode": 2, "shutdownMessage": "fdcap maintenance" }
    ]
  }
}
EOF
  convert "$SCEN" --config "a=$D/bird-a.conf" --config "b=$F/bgpd.conf" --config "b-vtysh-commands=$D/frr-b.commands"
}

frr_has() { # VTYSH-CMD... PREFIX
  local p=${*: -1}
  "${@:1:$#-1}" -c "show bgp ipv4 unicast $p" | grep -q 65001
}

# ---------------------------------------------------------------------------
# 5. OpenBGPD (AS 65030) -> BIRD (AS 65001, passive) over IPv4 with TCP MD5.
scenario_openbgpd_bird() {
  # Debian's bgpd chroots into its user's home, which systemd normally creates.
  if [[ ! -d /run/openbgpd ]]; then
    mkdir -p /run/openbgpd
    MADE_RUN_OPENBGPD=1
  fi
  make_pair openbgpd-bird 5
  cat >"$D/bird-a.conf" <<'EOF'
router id 10.203.5.1;
protocol device { }

protocol static originate4 {
  ipv4;
  route 198.51.100.0/24 blackhole;
}

filter to_openbgpd {
  if proto != "originate4" then reject;
  bgp_origin = ORIGIN_IGP;
  bgp_community.add((65001, 500));
  accept;
}

protocol bgp openbgpd1 {
  local 10.203.5.1 as 65001;
  neighbor 10.203.5.2 as 65030;
  strict bind on;
  passive on;
  password "fdcap-md5-secret";
  hold time 30;
  keepalive time 10;
  error wait time 1, 2;
  ipv4 {
    import all;
    export filter to_openbgpd;
  };
}
EOF
  cat >"$D/bgpd-b.conf" <<EOF
AS 65030
router-id 10.203.5.2
listen on 10.203.5.2
holdtime 30
fib-update no
socket "$D/bgpd-b.sock"

network 192.0.2.128/25 set { community 65030:1 large-community 65030:1:1 metric 7 }
network 203.0.113.0/25 set community 65030:2

neighbor 10.203.5.1 {
  remote-as 65001
  descr "bird"
  local-address 10.203.5.2
  tcp md5sig password fdcap-md5-secret
  announce refresh yes
  announce enhanced refresh yes
}

allow from any
allow to any
EOF
  chmod 600 "$D/bgpd-b.conf"
  bgpd -n -f "$D/bgpd-b.conf" >&2
  local ctl=(bgpctl -s "$D/bgpd-b.sock")
  cat >"$D/bgpctl-b.commands" <<'EOF'
bgpctl neighbor 10.203.5.1 refresh
bgpctl neighbor 10.203.5.1 down "fdcap md5 done"
EOF

  start_tcpdump "$NS_A" "$IF_A" "$D/$SCEN.pcap"
  start_bird "$NS_A" bird-a "$D/bird-a.conf"
  bg "$NS_B" "$D/bgpd-b.log" bgpd -d -f "$D/bgpd-b.conf"
  wait_for 40 "session up" bird_established bird-a openbgpd1
  wait_for 10 "BIRD to hold OpenBGPD's routes" bird_has bird-a 192.0.2.128/25
  wait_for 10 "BIRD to hold OpenBGPD's routes" bird_has bird-a 203.0.113.0/25
  wait_for 10 "OpenBGPD to hold BIRD's route" openbgpd_has "${ctl[@]}" 198.51.100.0/24
  sleep 1
  birdc_ bird-a show route all >"$D/bird-a.routes"
  "${ctl[@]}" show rib >"$D/bgpd-b.rib"
  log "BIRD routes:"; cat "$D/bird-a.routes" >&2
  "${ctl[@]}" neighbor 10.203.5.1 refresh >&2
  sleep 3
  "${ctl[@]}" neighbor 10.203.5.1 down "fdcap md5 done" >&2
  wait_for 10 "BIRD to drop the session" bird_not_established bird-a openbgpd1
  sleep 1
  stop_tcpdump

  cat >"$D/meta.json" <<EOF
{
  "scenario": "openbgpd-bird",
  "description": "OpenBGPD (AS 65030, 10.203.5.2) connects to BIRD (AS 65001, 10.203.5.1, passive) over IPv4 with a TCP MD5 signature (RFC 2385) on the session; the BGP payload is unaffected. OpenBGPD announces 192.0.2.128/25 (community 65030:1, large community 65030:1:1, MED 7) and 203.0.113.0/25 (community 65030:2); BIRD announces 198.51.100.0/24 (community 65001:500). Then 'bgpctl neighbor 10.203.5.1 refresh' makes OpenBGPD send a ROUTE-REFRESH, and 'bgpctl neighbor 10.203.5.1 down \"fdcap md5 done\"' closes the session with Cease / Administrative Shutdown and that text.",
  "daemons": {
    "a": "BIRD $V_BIRD (10.203.5.1, AS 65001)",
    "b": "OpenBGPD $V_OPENBGPD (10.203.5.2, AS 65030)"
  },
  "endpoints": { "a": "10.203.5.1", "b": "10.203.5.2" },
  "expect": {
    "tcpMd5Password": "fdcap-md5-secret",
    "open": {
      "a": { "asn": 65001, "myAsField": 65001, "routerId": "10.203.5.1", "holdTime": 30, "capabilityCodes": [1, 2, 64, 65, 70, 71],
             "capabilities": { "fourOctetAs": 65001, "multiprotocol": [{ "afi": 1, "safi": 1 }], "routeRefresh": true } },
      "b": { "asn": 65030, "myAsField": 65030, "routerId": "10.203.5.2", "holdTime": 30, "capabilityCodes": [1, 2, 64, 65, 70],
             "capabilities": { "fourOctetAs": 65030, "multiprotocol": [{ "afi": 1, "safi": 1 }], "routeRefresh": true } }
    },
    "negotiated": { "fourOctetAs": true, "holdTime": 30 },
    "announced": [
      { "from": "b", "prefix": "192.0.2.128/25", "origin": "igp", "asPath": [65030], "nextHop": "10.203.5.2", "med": 7,
        "communities": ["65030:1"], "largeCommunities": ["65030:1:1"] },
      { "from": "b", "prefix": "203.0.113.0/25", "origin": "igp", "asPath": [65030], "nextHop": "10.203.5.2",
        "communities": ["65030:2"] },
      { "from": "a", "prefix": "198.51.100.0/24", "origin": "igp", "asPath": [65001], "nextHop": "10.203.5.1",
        "communities": ["65001:500"] }
    ],
    "routeRefresh": [ { "from": "b", "afi": 1, "safi": 1 } ],
    "notifications": [ { "from": "b", "code": 6, "subcode": 2, "shutdownMessage": "fdcap md5 done" } ]
  }
}
EOF
  convert "$SCEN" --config "a=$D/bird-a.conf" --config "b=$D/bgpd-b.conf" --config "b-bgpctl-commands=$D/bgpctl-b.commands"
}

openbgpd_has() { # BGPCTL-CMD... PREFIX
  local p=${*: -1}
  "${@:1:$#-1}" show rib "$p" | grep -q "$p"
}

# ---------------------------------------------------------------------------
# 6. GoBGP (AS 65050, passive) <-> ExaBGP (AS 65040) with ExaBGP as a
#    2-octet-only speaker: 4-octet ASNs travel as AS_TRANS plus AS4_PATH.
scenario_gobgp_2octet() {
  make_pair gobgp-2octet 6
  cat >"$D/gobgp-a.toml" <<'EOF'
[global.config]
  as = 65050
  router-id = "10.203.6.1"
  port = 179
  local-address-list = ["10.203.6.1"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "10.203.6.2"
    peer-as = 65040
  [neighbors.transport.config]
    local-address = "10.203.6.1"
  [neighbors.timers.config]
    hold-time = 30
    keepalive-interval = 10
    connect-retry = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
EOF
  cat >"$D/gobgp-a.commands" <<'EOF'
gobgp global rib -a ipv4 add 198.51.100.0/24 nexthop 10.203.6.1 origin igp aspath "4200000099 65099" community 65050:1
gobgp neighbor 10.203.6.2 shutdown --reason "fdcap as4 done"
EOF
  cat >"$D/exabgp-b.conf" <<'EOF'
neighbor 10.203.6.1 {
  router-id 10.203.6.2;
  local-address 10.203.6.2;
  local-as 65040;
  peer-as 65050;
  hold-time 30;
  passive true;
  group-updates false;
  capability {
    asn4 disable;
    route-refresh enable;
  }
  family {
    ipv4 unicast;
  }
  static {
    route 203.0.113.0/24 next-hop 10.203.6.2 origin igp as-path [ 65040 4200000088 65088 ] community [ 65040:1 ];
    route 192.0.2.0/24 next-hop 10.203.6.2 origin igp as-path [ 65040 65041 ] community [ 65040:2 ];
  }
}
EOF
  local gob=(ip netns exec "$NS_A" gobgp -u 127.0.0.1 -p 50156)

  start_tcpdump "$NS_A" "$IF_A" "$D/$SCEN.pcap"
  bg "$NS_A" "$D/gobgp-a.log" gobgpd -f "$D/gobgp-a.toml" --api-hosts 127.0.0.1:50156 --pprof-disable
  wait_for 10 "gobgpd API" "${gob[@]}" global
  "${gob[@]}" global rib -a ipv4 add 198.51.100.0/24 nexthop 10.203.6.1 origin igp aspath "4200000099 65099" \
    community 65050:1
  # ExaBGP listens and GoBGP dials, so nothing reconnects after GoBGP's shutdown.
  bg "$NS_B" "$D/exabgp-b.log" env exabgp.daemon.user=root exabgp.daemon.daemonize=false \
    exabgp.log.destination=stdout exabgp.tcp.bind=10.203.6.2 exabgp.tcp.port=179 \
    /usr/sbin/python3-exabgp "$D/exabgp-b.conf"
  wait_for 30 "GoBGP to hold ExaBGP's routes and its own" gobgp_has_routes "${gob[@]}" 3
  sleep 2
  "${gob[@]}" global rib -a ipv4 >"$D/gobgp-a.rib"
  log "GoBGP RIB:"; cat "$D/gobgp-a.rib" >&2
  "${gob[@]}" neighbor 10.203.6.2 shutdown --reason "fdcap as4 done" >&2
  wait_for 10 "GoBGP to drop the session" gobgp_not_established "${gob[@]}"
  sleep 1
  stop_tcpdump

  cat >"$D/meta.json" <<EOF
{
  "scenario": "gobgp-2octet",
  "description": "GoBGP (AS 65050, 10.203.6.1, 4-octet capable) and ExaBGP (AS 65040, 10.203.6.2, passive) configured as a 2-octet-only speaker (capability asn4 disable), so the session does not use 4-octet AS numbers: AS_PATH carries 2-byte ASNs with AS_TRANS (23456) in place of 4-octet ones, and the real path travels in AS4_PATH (RFC 6793). GoBGP announces 198.51.100.0/24 with AS path 4200000099 65099 behind its own AS; ExaBGP announces 203.0.113.0/24 with AS path 65040 4200000088 65088 and 192.0.2.0/24 with an all-2-octet path. ExaBGP sends AS4_PATH straight after AS_PATH, before NEXT_HOP. Then 'gobgp neighbor 10.203.6.2 shutdown --reason \"fdcap as4 done\"' closes the session with Cease / Administrative Shutdown and that text (GoBGP 3.10 drops the text with 'disable'). In the recorded capture ExaBGP fails to parse that NOTIFICATION and answers with its own, Message Header Error subcode 0 with an ASCII reason; that reply depends on timing and is not listed in expect.",
  "daemons": {
    "a": "GoBGP $V_GOBGP (10.203.6.1, AS 65050)",
    "b": "ExaBGP $V_EXABGP (10.203.6.2, AS 65040, asn4 disabled)"
  },
  "endpoints": { "a": "10.203.6.1", "b": "10.203.6.2" },
  "expect": {
    "open": {
      "a": { "asn": 65050, "myAsField": 65050, "routerId": "10.203.6.1", "holdTime": 30, "capabilityCodes": [2, 73, 1, 65, 5],
             "capabilities": { "fourOctetAs": 65050, "multiprotocol": [{ "afi": 1, "safi": 1 }], "routeRefresh": true, "fqdn": { "hostname": "$(hostname)" } } },
      "b": { "asn": 65040, "myAsField": 65040, "routerId": "10.203.6.2", "holdTime": 30, "capabilityCodes": [1, 2, 70, 6],
             "capabilities": { "fourOctetAs": null, "routeRefresh": true } }
    },
    "negotiated": { "fourOctetAs": false, "holdTime": 30 },
    "announced": [
      { "from": "a", "prefix": "198.51.100.0/24", "origin": "igp", "asPath": [65050, 4200000099, 65099],
        "asPathOnWire": [65050, 23456, 65099], "nextHop": "10.203.6.1", "communities": ["65050:1"] },
      { "from": "b", "prefix": "203.0.113.0/24", "origin": "igp", "asPath": [65040, 4200000088, 65088],
        "asPathOnWire": [65040, 23456, 65088], "nextHop": "10.203.6.2", "communities": ["65040:1"] },
      { "from": "b", "prefix": "192.0.2.0/24", "origin": "igp", "asPath": [65040, 65041],
        "asPathOnWire": [65040, 65041], "as4PathPresent": false, "nextHop": "10.203.6.2", "communities": ["65040:2"] }
    ],
    "notifications": [ { "from": "a", "code": 6, "subcode": 2, "shutdownMessage": "fdcap as4 done" } ]
  }
}
EOF
  convert "$SCEN" --config "a=$D/gobgp-a.toml" --config "a-commands=$D/gobgp-a.commands" --config "b=$D/exabgp-b.conf"
}

bird_lacks() { ! birdc_ "$1" show route for "$2" | grep -q "$2"; }

bird_not_established() { ! bird_established "$@"; }

gobgp_has_routes() { # GOBGP-CMD... COUNT: the RIB holds exactly COUNT prefixes
  local n=${*: -1}
  local cmd=("${@:1:$#-1}")
  [[ $("${cmd[@]}" global rib -a ipv4 summary 2>/dev/null | grep -o "Destination: [0-9]*") == "Destination: $n" ]]
}

gobgp_not_established() { ! "$@" neighbor | grep -q Establ; }

bird_has() { birdc_ "$1" show route for "$2" | grep -q "$2"; }

# ---------------------------------------------------------------------------
run_scenario() {
  local scen=$1 fn=scenario_${1//-/_}
  declare -F "$fn" >/dev/null || { echo "unknown scenario $scen" >&2; return 1; }
  (
    set -euo pipefail
    SCEN=$scen
    D="$WORK/$scen"
    mkdir -p "$D"
    chmod 755 "$D"
    trap cleanup_scenario EXIT
    trap 'exit 130' INT TERM
    log "start"
    "$fn"
    log "done"
  ) &
  CHILD=$!
  wait "$CHILD"
}

# On INT/TERM the running scenario is told to stop, so its EXIT trap cleans up.
on_signal() {
  if [[ -n ${CHILD:-} ]]; then
    kill -TERM "$CHILD" 2>/dev/null || true
    wait "$CHILD" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit 130
}

main() {
  local scens=("$@") failed=() s
  trap on_signal INT TERM
  ((${#scens[@]})) || scens=("${ALL_SCENARIOS[@]}")
  for s in "${scens[@]}"; do
    set +e
    run_scenario "$s"
    local rc=$?
    set -e
    ((rc == 0)) || failed+=("$s")
  done
  if [[ ${FDCAP_KEEP:-0} == 1 ]]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
  if ((${#failed[@]})); then
    echo "capture-all.sh: failed: ${failed[*]}" >&2
    return 1
  fi
}

main "$@"

#!/usr/bin/env node
// Turns a tcpdump capture of one BGP link into a JSON fixture.
// Usage: node pcap-to-fixture.mjs --pcap FILE --meta META.json --out FIXTURE.json
//          [--config NAME=FILE]... [--keepalives N]
//
// META.json holds scenario, description, daemons, expect and endpoints
// {a: "ip", b: "ip"}; endpoints tell which side sent each message. Each
// --config adds the text of FILE to the fixture's config object under NAME.
// Only the BGP header is read here (marker, length, type) plus the two bytes
// after it for NOTIFICATION and ROUTE-REFRESH notes: the fixture is meant to
// check a decoder, so it must not depend on one.
import { readFileSync, writeFileSync } from 'node:fs';

const TYPE_NAMES = { 1: 'OPEN', 2: 'UPDATE', 3: 'NOTIFICATION', 4: 'KEEPALIVE', 5: 'ROUTE-REFRESH' };
const BGP_PORT = 179;

function parseArgs(argv) {
  const out = { keepalives: 2, configs: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '');
    const value = argv[i + 1];
    if (!key || value === undefined) throw new Error(`bad arguments near ${argv[i]}`);
    if (key === 'config') {
      const eq = value.indexOf('=');
      if (eq < 1) throw new Error(`--config wants NAME=FILE, got ${value}`);
      out.configs.push([value.slice(0, eq), value.slice(eq + 1)]);
    } else {
      out[key] = key === 'keepalives' ? Number(value) : value;
    }
  }
  for (const k of ['pcap', 'meta', 'out']) if (!out[k]) throw new Error(`--${k} is required`);
  return out;
}

// pcap (not pcapng): 24-byte global header, then 16-byte record headers.
function* readPcap(buf) {
  const magicLE = buf.readUInt32LE(0);
  let le;
  let nanos;
  if (magicLE === 0xa1b2c3d4) { le = true; nanos = false; }
  else if (magicLE === 0xa1b23c4d) { le = true; nanos = true; }
  else if (buf.readUInt32BE(0) === 0xa1b2c3d4) { le = false; nanos = false; }
  else if (buf.readUInt32BE(0) === 0xa1b23c4d) { le = false; nanos = true; }
  else throw new Error('not a pcap file (pcapng is not supported; use tcpdump -w)');
  const u32 = (off) => (le ? buf.readUInt32LE(off) : buf.readUInt32BE(off));
  const linktype = u32(20) & 0x0fffffff;
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const inclLen = u32(off + 8);
    off += 16;
    if (off + inclLen > buf.length) break; // truncated last record
    const time = sec + frac / (nanos ? 1e9 : 1e6);
    yield { linktype, time, data: buf.subarray(off, off + inclLen) };
    off += inclLen;
  }
}

// Returns { ethertype, offset } of the network-layer packet, or null.
function linkPayload(linktype, d) {
  switch (linktype) {
    case 1: { // Ethernet, possibly VLAN-tagged
      if (d.length < 14) return null;
      let type = d.readUInt16BE(12);
      let offset = 14;
      while ((type === 0x8100 || type === 0x88a8) && d.length >= offset + 4) {
        type = d.readUInt16BE(offset + 2);
        offset += 4;
      }
      return { ethertype: type, offset };
    }
    case 113: // Linux cooked v1
      return d.length < 16 ? null : { ethertype: d.readUInt16BE(14), offset: 16 };
    case 276: // Linux cooked v2
      return d.length < 20 ? null : { ethertype: d.readUInt16BE(0), offset: 20 };
    case 101: // raw IP
    case 12:
      if (d.length < 1) return null;
      return { ethertype: (d[0] >> 4) === 6 ? 0x86dd : 0x0800, offset: 0 };
    case 0: // BSD loopback / null
      if (d.length < 4) return null;
      return { ethertype: (d[4] >> 4) === 6 ? 0x86dd : 0x0800, offset: 4 };
    default:
      throw new Error(`unsupported pcap link type ${linktype}`);
  }
}

function ipv4Text(b) { return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`; }

function ipv6Text(b) {
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  // RFC 5952: compress the longest run (length >= 2) of zero groups, first wins.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

// Returns { src, dst, proto, payload } or null for fragments / other packets.
function ipPacket(ethertype, d) {
  if (ethertype === 0x0800) {
    if (d.length < 20 || (d[0] >> 4) !== 4) return null;
    const ihl = (d[0] & 0x0f) * 4;
    const total = d.readUInt16BE(2);
    const fragField = d.readUInt16BE(6);
    if ((fragField & 0x3fff) !== 0) return null; // BGP over TCP is never fragmented here
    return {
      src: ipv4Text(d.subarray(12, 16)),
      dst: ipv4Text(d.subarray(16, 20)),
      proto: d[9],
      payload: d.subarray(ihl, Math.min(total, d.length)),
    };
  }
  if (ethertype === 0x86dd) {
    if (d.length < 40 || (d[0] >> 4) !== 6) return null;
    const payloadLen = d.readUInt16BE(4);
    let next = d[6];
    let off = 40;
    const end = Math.min(40 + payloadLen, d.length);
    // Skip hop-by-hop, routing and destination options headers.
    while (next === 0 || next === 43 || next === 60) {
      if (off + 2 > end) return null;
      const hdrLen = (d[off + 1] + 1) * 8;
      next = d[off];
      off += hdrLen;
    }
    if (next === 44) return null;
    return {
      src: ipv6Text(d.subarray(8, 24)),
      dst: ipv6Text(d.subarray(24, 40)),
      proto: next,
      payload: d.subarray(off, end),
    };
  }
  return null;
}

function tcpSegment(p) {
  const t = p.payload;
  if (t.length < 20) return null;
  const dataOffset = (t[12] >> 4) * 4;
  return {
    sport: t.readUInt16BE(0),
    dport: t.readUInt16BE(2),
    seq: t.readUInt32BE(4),
    syn: (t[13] & 0x02) !== 0,
    rst: (t[13] & 0x04) !== 0,
    data: t.subarray(dataOffset),
  };
}

const seqDiff = (a, b) => ((a - b) | 0); // signed distance modulo 2^32

// One direction of one TCP connection: buffers out-of-order data and hands
// out the byte stream in order, dropping retransmitted bytes.
class Stream {
  constructor(nextSeq) {
    this.next = nextSeq >>> 0;
    this.pending = [];
    this.bytes = Buffer.alloc(0);
  }

  add(seq, data) {
    if (data.length > 0) this.pending.push({ seq: seq >>> 0, data: Buffer.from(data) });
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (let i = 0; i < this.pending.length; i++) {
        const seg = this.pending[i];
        const lead = seqDiff(this.next, seg.seq);
        if (lead < 0) continue; // a gap before this one
        this.pending.splice(i, 1);
        i--;
        if (lead < seg.data.length) {
          const fresh = seg.data.subarray(lead);
          this.bytes = Buffer.concat([this.bytes, fresh]);
          this.next = (this.next + fresh.length) >>> 0;
          progressed = true;
        }
      }
    }
  }

  // Splits whole BGP messages off the front of the buffered bytes.
  takeMessages() {
    const out = [];
    while (this.bytes.length >= 19) {
      for (let i = 0; i < 16; i++) {
        if (this.bytes[i] !== 0xff) throw new Error(`BGP marker missing at stream byte ${i}`);
      }
      const length = this.bytes.readUInt16BE(16);
      if (length < 19) throw new Error(`BGP length ${length} below 19`);
      if (this.bytes.length < length) break;
      out.push(Buffer.from(this.bytes.subarray(0, length)));
      this.bytes = this.bytes.subarray(length);
    }
    return out;
  }
}

function note(type, msg) {
  const name = TYPE_NAMES[type] ?? `type ${type}`;
  if (type === 3 && msg.length >= 21) return `${name} ${msg[19]}/${msg[20]}`;
  if (type === 5 && msg.length >= 23) {
    const sub = { 0: 'request', 1: 'BoRR', 2: 'EoRR' }[msg[21]] ?? `subtype ${msg[21]}`;
    return `${name} ${sub} afi ${msg.readUInt16BE(19)} safi ${msg[22]}`;
  }
  if (type === 2 && msg.length === 23) return `${name} End-of-RIB afi 1 safi 1`;
  // RFC 4724 section 2: for other families End-of-RIB is an UPDATE holding
  // only an empty MP_UNREACH_NLRI (type 15, 3 bytes: AFI, SAFI).
  if (type === 2 && msg.length >= 29 && msg.readUInt16BE(19) === 0 && msg[24] === 15) {
    const attrLen = msg.readUInt16BE(21);
    const ext = (msg[23] & 0x10) !== 0;
    const valueLen = ext ? msg.readUInt16BE(25) : msg[25];
    const valueAt = ext ? 27 : 26;
    if (valueLen === 3 && attrLen === valueAt - 23 + 3 && msg.length === valueAt + 3) {
      return `${name} End-of-RIB afi ${msg.readUInt16BE(valueAt)} safi ${msg[valueAt + 2]}`;
    }
  }
  return name;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const meta = JSON.parse(readFileSync(args.meta, 'utf8'));
  const config = { ...(meta.config ?? {}) };
  for (const [name, file] of args.configs) config[name] = readFileSync(file, 'utf8');
  const sideOf = new Map([[meta.endpoints.a, 'a'], [meta.endpoints.b, 'b']]);
  const streams = new Map(); // "src|sport|dst|dport" -> Stream
  const connOf = new Map(); // canonical 4-tuple -> { session } of the current connection
  const messages = [];
  let sessions = 0;

  for (const rec of readPcap(readFileSync(args.pcap))) {
    const link = linkPayload(rec.linktype, rec.data);
    if (!link) continue;
    const ip = ipPacket(link.ethertype, rec.data.subarray(link.offset));
    if (!ip || ip.proto !== 6) continue;
    const tcp = tcpSegment(ip);
    if (!tcp || (tcp.sport !== BGP_PORT && tcp.dport !== BGP_PORT)) continue;
    const from = sideOf.get(ip.src);
    if (!from || !sideOf.has(ip.dst)) continue;
    const key = `${ip.src}|${tcp.sport}|${ip.dst}|${tcp.dport}`;
    const pair = [`${ip.src}|${tcp.sport}`, `${ip.dst}|${tcp.dport}`].sort().join('|');
    if (tcp.syn) {
      streams.set(key, new Stream(tcp.seq + 1));
      // A SYN from the connecting side starts a new connection; the SYN-ACK joins it.
      if (!connOf.has(pair) || tcp.dport === BGP_PORT) connOf.set(pair, { session: 0 });
      continue;
    }
    let stream = streams.get(key);
    if (!stream) { // capture began mid-connection
      stream = new Stream(tcp.seq);
      streams.set(key, stream);
      if (!connOf.has(pair)) connOf.set(pair, { session: 0 });
    }
    stream.add(tcp.seq, tcp.data);
    const conn = connOf.get(pair);
    for (const msg of stream.takeMessages()) {
      // Sessions are numbered in the order they carried their first message,
      // so refused or silent connection attempts take no number.
      if (conn.session === 0) conn.session = ++sessions;
      messages.push({ from, session: conn.session, time: rec.time, msg });
    }
  }

  const keepalivesSeen = { a: 0, b: 0 };
  const omitted = { a: 0, b: 0 };
  const counts = {};
  const out = [];
  for (const m of messages) {
    const type = m.msg[18];
    if (type === 4) {
      keepalivesSeen[m.from]++;
      if (keepalivesSeen[m.from] > args.keepalives) { omitted[m.from]++; continue; }
    }
    const name = TYPE_NAMES[type] ?? String(type);
    counts[name] = (counts[name] ?? 0) + 1;
    out.push({ from: m.from, session: m.session, type, hex: m.msg.toString('hex'), note: note(type, m.msg) });
  }

  const fixture = {
    scenario: meta.scenario,
    description: meta.description,
    daemons: meta.daemons,
    endpoints: meta.endpoints,
    config,
    capture: {
      sessions,
      keepalivesKeptPerDirection: args.keepalives,
      keepalivesOmitted: omitted,
      messageCounts: counts,
    },
    messages: out,
    expect: meta.expect,
  };
  writeFileSync(args.out, `${JSON.stringify(fixture, null, 2)}\n`);
  const summary = Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ');
  process.stdout.write(`${meta.scenario}: ${out.length} messages (${summary}), ${sessions} session(s)\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`pcap-to-fixture: ${err.message}\n`);
  process.exit(1);
}

// A shared LAN for VRRP interop: a bridge in its own namespace, two hosts
// (floatd and keepalived) and a client, each joined to the bridge by a veth.
// Each host runs an HTTP server on all addresses that answers with its name.
// Used by the VRRP interop tests and bench/vrrp-failover.ts.

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, Lab, type LabProcess } from './netns.js';

export const VIP = '10.52.0.100';
export const VIP6 = 'fd00:52::100';
export const HOST_ADDR = { fd: '10.52.0.1', ka: '10.52.0.2', cl: '10.52.0.10' } as const;
const HOST_ADDR6 = { fd: 'fd00:52::1', ka: 'fd00:52::2', cl: 'fd00:52::10' } as const;
const VRRP_NODE = join(dirname(fileURLToPath(import.meta.url)), 'vrrp-node.js');

export interface VrrpLan {
  readonly lab: Lab;
  readonly ns: { readonly fd: string; readonly ka: string; readonly cl: string };
  readonly http: { fd: LabProcess; ka: LabProcess };
}

const HTTP = `const n=process.argv[1];require('http').createServer((q,r)=>r.end(n)).listen(8080,'::')`;

export async function vrrpLan(tag: string): Promise<VrrpLan> {
  const lab = new Lab(tag);
  const br = await lab.namespace('br');
  const ns = { fd: await lab.namespace('fd'), ka: await lab.namespace('ka'), cl: await lab.namespace('cl') };
  await check('ip', ['-n', br, 'link', 'add', 'name', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
  await check('ip', ['-n', br, 'link', 'set', 'dev', 'br0', 'up']);
  for (const [k, n] of Object.entries(ns) as [keyof typeof ns, string][]) {
    await lab.veth(n, br, { ifA: 'eth0', ifB: `p-${k}`, addrA: [`${HOST_ADDR[k]}/24`, `${HOST_ADDR6[k]}/64`] });
    await check('ip', ['-n', br, 'link', 'set', 'dev', `p-${k}`, 'master', 'br0']);
  }
  const http = { fd: startHttp(lab, ns.fd, 'fd'), ka: startHttp(lab, ns.ka, 'ka') };
  return { lab, ns, http };
}

/** The host's HTTP server on port 8080, answering with its name. */
export function startHttp(lab: Lab, ns: string, name: string): LabProcess {
  return lab.spawn(ns, `http-${name}`, process.execPath, ['-e', HTTP, name]);
}

const holds = (json: string, vip: string): boolean =>
  (JSON.parse(json) as { addr_info?: { local: string }[] }[]).some((l) => (l.addr_info ?? []).some((a) => a.local === vip));

/**
 * Did both hosts hold the address at one instant? Reads floatd's host, then
 * keepalived's, then floatd's again in one shell: true only when floatd held
 * it before and after the moment keepalived's read saw it too.
 */
export async function bothHold(lan: VrrpLan, vip = VIP): Promise<boolean> {
  const q = (ns: string): string => `ip -n ${ns} -j addr show`;
  const out = await check('sh', ['-c', `${q(lan.ns.fd)}; echo; ${q(lan.ns.ka)}; echo; ${q(lan.ns.fd)}`]);
  const [a = '[]', b = '[]', c = '[]'] = out.split('\n').filter((l) => l.trim() !== '');
  return holds(a, vip) && holds(b, vip) && holds(c, vip);
}

/** Who holds the address now, from `ip -j addr` on both hosts (on any interface: with a virtual MAC it is on vrrp.VRID). */
export async function holders(lan: VrrpLan, vip = VIP): Promise<string[]> {
  const out: string[] = [];
  for (const k of ['fd', 'ka'] as const) {
    const j = JSON.parse(await check('ip', ['-n', lan.ns[k], '-j', 'addr', 'show'])) as { addr_info?: { local: string }[] }[];
    if (j.some((l) => (l.addr_info ?? []).some((a) => a.local === vip))) out.push(k);
  }
  return out;
}

export interface KeepalivedOptions {
  readonly vrid: number;
  readonly priority: number;
  readonly advertInt: number;
  readonly nopreempt?: boolean;
  readonly unicastPeer?: string;
  /** A vrrp_script run each second that fails (fall 2) when this file exists. */
  readonly trackFile?: string;
  readonly vip?: string;
  /** The host it runs on (default ka). */
  readonly host?: 'fd' | 'ka';
  /** Run its vrrp_script checks with this command instead of the file test. */
  readonly checkCommand?: string;
  /** `use_vmac`: the virtual MAC on a macvlan named vrrp.VRID. */
  readonly useVmac?: boolean;
}

export function startKeepalived(lan: VrrpLan, name: string, o: KeepalivedOptions): LabProcess {
  const host = o.host ?? 'ka';
  const dir = lan.lab.dir;
  const conf = join(dir, `${name}.conf`);
  const command = o.checkCommand ?? (o.trackFile ? `/bin/sh -c '! test -e ${o.trackFile}'` : undefined);
  const script = command ? `vrrp_script chk {\n  script "${command}"\n  interval 1\n  fall 2\n  rise 1\n}\n` : '';
  writeFileSync(
    conf,
    `global_defs {\n  router_id ${name}\n  vrrp_version 3\n  script_user root\n  enable_script_security\n  vrrp_garp_master_delay 0\n}\n${script}` +
      `vrrp_instance ${name} {\n  interface eth0\n  state BACKUP\n  virtual_router_id ${o.vrid}\n  priority ${o.priority}\n  advert_int ${o.advertInt}\n` +
      (o.nopreempt ? '  nopreempt\n' : '') +
      (o.useVmac ? '  use_vmac\n' : '') +
      (o.unicastPeer ? `  unicast_src_ip ${HOST_ADDR[host]}\n  unicast_peer {\n    ${o.unicastPeer}\n  }\n` : '') +
      (command ? '  track_script {\n    chk\n  }\n' : '') +
      `  virtual_ipaddress {\n    ${o.vip ?? VIP}/${(o.vip ?? VIP).includes(':') ? 64 : 24}\n  }\n}\n`,
  );
  return lan.lab.spawn(lan.ns[host], name, 'keepalived', ['-n', '-l', '-D', '-f', conf, '-p', join(dir, `${name}.pid`), '-r', join(dir, `${name}-vrrp.pid`)]);
}

export interface FloatdVrrpOptions {
  readonly vrid: number;
  readonly priority: number;
  readonly advertIntervalMs: number;
  readonly preempt?: boolean;
  readonly unicastPeers?: readonly string[];
  readonly vip?: string;
  readonly virtualMac?: boolean;
  /** The host it runs on (default fd). */
  readonly host?: 'fd' | 'ka';
}

export function startFloatd(lan: VrrpLan, name: string, o: FloatdVrrpOptions): LabProcess {
  const config = {
    name,
    interface: 'eth0',
    vrid: o.vrid,
    priority: o.priority,
    advertIntervalMs: o.advertIntervalMs,
    addresses: [`${o.vip ?? VIP}/${(o.vip ?? VIP).includes(':') ? 64 : 24}`],
    unicastPeers: o.unicastPeers,
    preempt: o.preempt ?? true,
    preemptDelayMs: 0,
    accept: true,
    virtualMac: o.virtualMac === true,
  };
  return lan.lab.spawn(lan.ns[o.host ?? 'fd'], name, process.execPath, [VRRP_NODE, JSON.stringify(config)]);
}

/** One HTTP GET from the client namespace to the address: the host's name, or the failure. */
export async function ask(lan: VrrpLan, timeoutS = 1, vip = VIP): Promise<string> {
  const host = vip.includes(':') ? `[${vip}]` : vip;
  const r = await lan.lab.exec(lan.ns.cl, 'curl', ['-s', '-g', '-m', String(timeoutS), `http://${host}:8080/`], { timeoutMs: (timeoutS + 2) * 1000 });
  return r.code === 0 ? r.stdout.trim() : `fail(${r.code})`;
}

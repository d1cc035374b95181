import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import {
  addressCrossChecks,
  resolveServiceAddress,
  serviceAddressChecks,
  serviceAddressSchema,
  watchChecks,
  watchSchema,
  type WatchConfig,
} from '../../src/config/address-schema.js';
import { list, section } from '../../src/config/fields.js';
import { prefixField } from '../../src/config/bgp-fields.js';
import { checkSchema } from '../../src/config/checks/index.js';
import { formatPath } from '../../src/config/errors.js';
import { addressNeeds, addressPresentSpec, watchAttributesOf, watchFilterOf } from '../../src/daemon/addresses/from-config.js';
import { parseConfigText } from '../../src/config/load.js';

/** Issues as "path: message", paths in the file's spelling. */
function issues(schema: z.ZodTypeAny, yaml: string): string[] {
  const r = schema.safeParse(parseYaml(yaml));
  if (r.success) return [];
  return r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

function parsed<T extends z.ZodTypeAny>(schema: T, yaml: string): z.output<T> {
  const r = schema.safeParse(parseYaml(yaml));
  assert.ok(r.success, r.success ? '' : r.error.issues.map((i) => i.message).join('; '));
  return r.data;
}

/** A service schema spliced the way services-schema.ts would take the pieces. */
const service = () =>
  section({ name: z.string(), prefixes: list(prefixField(), 'a list of prefixes'), check: checkSchema(), address: serviceAddressSchema().optional() }, 'a service')
    .superRefine((s, ctx) => serviceAddressChecks(s, (path, message) => ctx.addIssue({ code: 'custom', path, message })))
    .transform((s) => ({ ...s, address: s.address && resolveServiceAddress(s.prefixes, s.address) }));

const svc = (prefixes: string, address: string, check = 'tcp: { host: 127.0.0.1, port: 80 }') => `{ name: web, prefixes: ${prefixes}, check: { ${check} }, address: ${address} }`;

test('defaults: lo, add, keep when down, require; addresses = the host prefixes', () => {
  const s = parsed(service(), svc('[192.0.2.10/32, 2001:db8::10/128]', '{}'));
  assert.deepEqual(s.address, {
    interface: 'lo',
    add: true,
    removeWhenDown: false,
    require: true,
    addresses: ['192.0.2.10/32', '2001:db8::10/128'],
    byPrefix: [['192.0.2.10/32'], ['2001:db8::10/128']],
  });
});

test('a wider prefix with explicit addresses: addresses normalized and grouped by prefix; remove-when-down turns require off', () => {
  const s = parsed(service(), svc('[192.0.2.0/24, 2001:db8::/48]', '{ interface: eth1, label: "eth1:vip", remove-when-down: true, addresses: [192.0.2.10, 192.0.2.11/32, "2001:DB8::10"] }'));
  assert.deepEqual(s.address, {
    interface: 'eth1',
    label: 'eth1:vip',
    add: true,
    removeWhenDown: true,
    require: false,
    addresses: ['192.0.2.10/32', '192.0.2.11/32', '2001:db8::10/128'],
    byPrefix: [['192.0.2.10/32', '192.0.2.11/32'], ['2001:db8::10/128']],
  });
});

test('error messages of the address section', () => {
  const cases: [string, string[]][] = [
    [svc('[192.0.2.0/24]', '{}'), ['address: 192.0.2.0/24 at prefixes[0] is wider than one address, so the address to put on lo is unknown (expected host prefixes (/32, /128), or address.addresses listing the addresses)']],
    [svc('[192.0.2.10/32]', '{ label: web }'), ['address.label: label "web" does not start with the interface name "lo" (expected a label such as lo:web)']],
    [svc('[192.0.2.10/32]', '{ label: "lo:averylongname" }'), ['address.label: label "lo:averylongname" is 16 characters long (expected at most 15, the kernel\'s limit)']],
    [svc('[2001:db8::10/128]', '{ label: "lo:web" }'), ['address.label: labels are for IPv4 addresses and this service has none (expected no label)']],
    [svc('[192.0.2.10/32]', '{ interface: "lo:0" }'), ['address.interface: "lo:0" is not an interface name (expected 1..15 characters without spaces, / or :, not starting with -, such as lo)']],
    [svc('[192.0.2.10/32]', '{ add: false, remove-when-down: true }'), ['address.remove-when-down: floatd only removes addresses it added (expected add: true, or no remove-when-down)']],
    [svc('[192.0.2.10/32]', '{ remove-when-down: true, require: true }'), [
      'address.require: require holds the service down while its address is missing, and remove-when-down removes the address while the service is down, so it could never come up (expected require: false or remove-when-down: false)',
    ]],
    [svc('[192.0.2.10/32]', '{ add: false, require: false }'), ['address.require: with add and require both off the section does nothing (expected add: true or require: true, or no address section)']],
    [svc('[192.0.2.0/24]', '{ addresses: [198.51.100.1] }'), [
      'address.addresses[0]: 198.51.100.1 is outside every prefix of this service (expected an address inside 192.0.2.0/24)',
      'address.addresses: no address lies inside 192.0.2.0/24 at prefixes[0] (expected at least one address inside each prefix)',
    ]],
    [svc('[192.0.2.0/24]', '{ addresses: [192.0.2.0/25] }'), ['address.addresses[0]: 192.0.2.0/25 is not a single address (expected an address such as 192.0.2.0, or 192.0.2.0/32)']],
    [svc('[192.0.2.0/24]', '{ addresses: [192.0.2.1, 192.0.2.1/32] }'), ['address.addresses[1]: 192.0.2.1/32 is listed twice (expected each address once)']],
    [svc('[192.0.2.0/24]', '{ addresses: [] }'), ['address.addresses: the list is empty (expected at least one address, or no addresses key)']],
    [svc('[192.0.2.10/32]', '{ remove-when-dwon: true }'), ['address.remove-when-dwon: unknown key "remove-when-dwon", did you mean remove-when-down? (expected one of: interface, label, add, remove-when-down, require, addresses)']],
    [svc('[192.0.2.10/32]', 'yes'), ['address: got a string (expected a mapping of interface, label, add, remove-when-down, require, addresses)']],
    [svc('[192.0.2.10/32]', '{ add: 1 }'), ['address.add: got a number (expected true or false)']],
  ];
  for (const [yaml, want] of cases) assert.deepEqual(issues(service(), yaml), want, yaml);
});

test('remove-when-down refuses a check that connects to the address it removes, also inside URLs and composites', () => {
  const why = 'address.remove-when-down: the check connects to 192.0.2.10, which is removed while the service is down, so the service could never come back up (expected remove-when-down: false, or a check on another address)';
  assert.deepEqual(issues(service(), svc('[192.0.2.10/32]', '{ remove-when-down: true }', 'http: { url: "http://192.0.2.10:8080/" }')), [why]);
  assert.deepEqual(issues(service(), svc('[192.0.2.10/32]', '{ remove-when-down: true }', 'tcp: { host: 192.0.2.10, port: 80 }')), [why]);
  assert.deepEqual(
    issues(service(), svc('[2001:db8::10/128]', '{ remove-when-down: true }', 'http: { url: "http://[2001:db8::10]/" }')),
    [why.replace('192.0.2.10', '2001:db8::10')],
  );
  assert.deepEqual(issues(service(), svc('[192.0.2.10/32]', '{ remove-when-down: true }', 'tcp: { host: 127.0.0.1, port: 80 }')), []);
  assert.deepEqual(issues(service(), svc('[192.0.2.10/32]', '{ remove-when-down: true }', 'listener: { port: 80 }')), []);
});

test('an address in two services is refused', () => {
  const a = { interface: 'lo', addresses: ['192.0.2.10/32'] };
  const got: string[] = [];
  addressCrossChecks([{ name: 'web', address: a }, { name: 'api' }, { name: 'dns', address: a }], (p, m) => got.push(`${formatPath(p)}: ${m}`));
  assert.deepEqual(got, ['services[2].address: 192.0.2.10 on lo is already managed by services[0] (web) (expected each address in one service)']);
});

test('watch: defaults and camelCase output', () => {
  const w = parsed(watchSchema(), '{ prefixes: [192.0.2.0/24, "2001:db8::/32"] }');
  assert.deepEqual(w, {
    interface: 'lo',
    label: undefined,
    prefixes: ['192.0.2.0/24', '2001:db8::/32'],
    ipv6Length: 128,
    rescanMs: 30_000,
    nextHop: undefined,
    med: undefined,
    prepend: 0,
    communities: [],
    largeCommunities: [],
    localPref: undefined,
    neighbors: undefined,
  });
  const l = parsed(watchSchema(), '{ label: "lo:bgp*", prefixes: ["2001:db8::/32"], ipv6-length: 56, rescan-interval: 2.5, med: 10, communities: ["65000:1"] }');
  assert.equal(l.ipv6Length, 56);
  assert.equal(l.rescanMs, 2500);
  assert.deepEqual(l.communities, [65000 * 65536 + 1]);
});

test('error messages of the watch section', () => {
  const cases: [string, string[]][] = [
    ['{}', ['prefixes: missing (expected a list of prefixes)']],
    ['{ prefixes: [] }', ['prefixes: the list is empty (expected at least one prefix: watch mode announces only addresses inside them)']],
    ['{ prefixes: [192.0.2.1/24] }', ['prefixes[0]: 192.0.2.1/24 has host bits set (expected 192.0.2.0/24)']],
    ['{ prefixes: [192.0.2.0/24, 192.0.2.0/24] }', ['prefixes[1]: 192.0.2.0/24 is listed twice (expected each prefix once)']],
    ['{ prefixes: ["2001:db8::/32"], ipv6-length: 48 }', ['ipv6-length: 48 is not allowed (expected one of 128, 64, 56)']],
    ['{ prefixes: ["2001:db8::/32"], ipv6-length: "64" }', ['ipv6-length: got a string (expected one of 128, 64, 56)']],
    ['{ prefixes: ["2001:db8:1:2::/64"], ipv6-length: 56 }', ['prefixes[0]: 2001:db8:1:2::/64 is narrower than ipv6-length /56, so no /56 fits inside it (expected a prefix of /56 or wider)']],
    ['{ prefixes: [192.0.2.0/24], label: web }', ['label: label "web" does not start with the interface name "lo" (expected a label such as lo:web)']],
    ['{ prefixes: [192.0.2.0/24], label: "lo:* x" }', ['label: label "lo:* x" contains a space or / (expected a label such as lo:bgp*)']],
    ['{ prefixes: [192.0.2.0/24], rescan-interval: 0.1 }', ['rescan-interval: 0.1 is out of range (expected a number of seconds 1..3600)']],
    ['{ prefixes: ["2001:db8::/32"], next-hop: 192.0.2.1 }', ['next-hop: 192.0.2.1 cannot be the next hop of IPv6 prefix 2001:db8::/32 at prefixes[0] (expected self or an IPv6 address)']],
    ['{ prefixes: [192.0.2.0/24], interval: 5 }', ['interval: unknown key "interval", did you mean interface? (expected one of: interface, label, prefixes, ipv6-length, rescan-interval, next-hop, med, prepend, communities, large-communities, local-pref, neighbors)']],
  ];
  for (const [yaml, want] of cases) assert.deepEqual(issues(watchSchema(), yaml), want, yaml);
});

test('watch cross-checks: inside allow, neighbors known and carrying the families; targets per family', () => {
  const neighbors = [
    { address: '10.0.0.1', families: ['ipv4' as const], extendedNextHop: false },
    { address: 'fd00::1', families: ['ipv4' as const, 'ipv6' as const], extendedNextHop: true },
  ];
  const w = (yaml: string): WatchConfig => parsed(watchSchema(), yaml);
  const run = (c: Parameters<typeof watchChecks>[0]) => {
    const got: string[] = [];
    const targets = watchChecks(c, (p, m) => got.push(`${formatPath(p)}: ${m}`));
    return { got, targets };
  };
  assert.deepEqual(run({ neighbors, watch: w('{ prefixes: [192.0.2.0/24, "2001:db8::/32"] }') }), {
    got: [],
    targets: { ipv4: ['10.0.0.1', 'fd00::1'], ipv6: ['fd00::1'] },
  });
  assert.deepEqual(run({ neighbors, allow: ['192.0.2.0/25'], watch: w('{ prefixes: [192.0.2.0/24] }') }).got, [
    'watch.prefixes[0]: 192.0.2.0/24 is outside the allow list (expected inside one of 192.0.2.0/25)',
  ]);
  assert.deepEqual(run({ neighbors, watch: w('{ prefixes: ["2001:db8::/32"], neighbors: [10.0.0.1, 10.9.9.9] }') }).got, [
    'watch.neighbors[1]: 10.9.9.9 is not a configured neighbor (expected one of 10.0.0.1, fd00::1)',
    'watch.prefixes: the watch announces ipv6 prefixes but no listed neighbor carries ipv6 (expected a neighbor with ipv6 in families)',
  ]);
  assert.deepEqual(run({ neighbors, watch: w('{ prefixes: [192.0.2.0/24], next-hop: "fd00::2" }') }).got, [
    'watch.next-hop: fd00::2 is IPv6 but neighbor 10.0.0.1 has no extended-next-hop (expected an IPv4 address or self)',
  ]);
  assert.deepEqual(run({ neighbors }).targets, { ipv4: [], ipv6: [] });
});

test('from the config: gate needs, the presence probe spec, the watch filter and attributes', () => {
  const web = parsed(service(), svc('[192.0.2.0/24, 192.0.2.10/32]', '{ label: "lo:web", remove-when-down: true, addresses: [192.0.2.10, 192.0.2.1] }'));
  const dns = parsed(service(), svc('[198.51.100.53/32]', '{ add: false }'));
  const needs = addressNeeds([web, dns]);
  assert.deepEqual([...needs], [
    ['192.0.2.0/24', { interface: 'lo', label: 'lo:web', addresses: ['192.0.2.10/32', '192.0.2.1/32'], removeWhenWithdrawn: true }],
    ['192.0.2.10/32', { interface: 'lo', label: 'lo:web', addresses: ['192.0.2.10/32'], removeWhenWithdrawn: true }],
  ]);
  assert.deepEqual(addressPresentSpec(dns), { kind: 'address-present', interface: 'lo', addresses: ['198.51.100.53/32'] });
  assert.equal(addressPresentSpec({ prefixes: ['192.0.2.9/32'] }), undefined);
  const w = parsed(watchSchema(), '{ label: "lo:bgp*", prefixes: [192.0.2.0/24], ipv6-length: 64, med: 5, large-communities: ["65001:1:2"] }');
  assert.deepEqual(watchFilterOf(w, [web, dns]), {
    label: 'lo:bgp*',
    allow: ['192.0.2.0/24'],
    ipv6Length: 64,
    exclude: ['192.0.2.0/24', '192.0.2.10/32', '192.0.2.10/32', '192.0.2.1/32', '198.51.100.53/32', '198.51.100.53/32'],
  });
  assert.deepEqual(watchAttributesOf(w), { nextHop: undefined, med: 5, prepend: 0, communities: [], largeCommunities: [{ global: 65001, local1: 1, local2: 2 }], localPref: undefined });
});

test('"*" (every interface) is accepted by watch only', () => {
  const base = `local-as: 65001\nrouter-id: 192.0.2.1\nneighbors: [{ address: 192.0.2.254, peer-as: 65000 }]\nallow: [198.51.100.0/24]\n`;
  const cfg = parseConfigText(`${base}watch: { interface: "*", prefixes: [198.51.100.0/24] }\n`, 'w.yaml');
  assert.equal(cfg.watch?.interface, '*');
  assert.throws(
    () =>
      parseConfigText(
        `${base}services:\n  - name: web\n    prefixes: [198.51.100.10/32]\n    check: { tcp: { host: 127.0.0.1, port: 80 } }\n    address: { interface: "*" }\n`,
        's.yaml',
      ),
    /s\.yaml:\d+:\d+: services\[0\]\.address\.interface: "\*" \(every interface\) is only for watch/,
  );
});

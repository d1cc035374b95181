import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { parseConfigText } from '../../src/config/index.js';
import type { Config, LoadOptions } from '../../src/config/index.js';
import { diffConfig, NEIGHBOR_KEYS, SERVICE_KEYS, TOP_LEVEL_KEYS } from '../../src/daemon/config-diff.js';
import { sameValue } from '../../src/daemon/config-values.js';
import type { ReloadPlan } from '../../src/daemon/config-diff.js';

const OLD_PASSWORD = 'old-Sekrit-4711';
const NEW_PASSWORD = 'new-Sekrit-0815';

const files: Record<string, string> = {
  '/etc/floatd/a.md5': `${OLD_PASSWORD}\n`,
  '/etc/floatd/copy-of-a.md5': `${OLD_PASSWORD}\n`,
  '/etc/floatd/b.md5': `${NEW_PASSWORD}\n`,
};
const opts: LoadOptions = {
  env: {},
  hostname: 'node-a',
  readFile: (p) => {
    const s = files[p];
    if (s === undefined) throw Object.assign(new Error(p), { code: 'ENOENT' });
    return s;
  },
};

interface Parts {
  top?: string[];
  /** Extra lines for neighbor 192.0.2.254 (eBGP), 192.0.2.253 (eBGP) and 2001:db8::1. */
  n1?: string[];
  n2?: string[];
  n3?: string[];
  /** Neighbors after the three. */
  extraNeighbors?: string[];
  announce?: string[];
  services?: string[];
}

/** A config with three neighbors and one announce entry; each part adds lines or replaces a section's body. */
function yaml(p: Parts = {}): string {
  const neighbor = (address: string, peerAs: number, more: string[] = []) => [`  - address: "${address}"`, `    peer-as: ${peerAs}`, ...more.map((l) => `    ${l}`)];
  return [
    'router-id: 192.0.2.1',
    'local-as: 65001',
    ...(p.top ?? []),
    'neighbors:',
    ...neighbor('192.0.2.254', 64512, p.n1),
    ...neighbor('192.0.2.253', 64512, p.n2),
    ...neighbor('2001:db8::1', 64512, p.n3),
    ...(p.extraNeighbors ?? []),
    'announce:',
    ...(p.announce ?? ['  - prefix: 198.51.100.0/24', '    med: 10']),
    ...(p.services ? ['services:', ...p.services] : []),
    '',
  ].join('\n');
}

const parse = (text: string): Config => parseConfigText(text, '/etc/floatd/floatd.yaml', opts);
const diff = (a: Parts, b: Parts): ReloadPlan => diffConfig(parse(yaml(a)), parse(yaml(b)));

const ALL = ['192.0.2.254', '192.0.2.253', '2001:db8::1'];

/** Changed entries without their `keys`, which a few tests check on their own. */
const shown = <T extends { keys: readonly string[] }>(entries: readonly T[]): Omit<T, 'keys'>[] => entries.map(({ keys: _, ...rest }) => rest);

function assertNothingChanged(plan: ReloadPlan, neighbors = ALL, services: string[] = []): void {
  assert.deepEqual(plan.changes, []);
  assert.deepEqual(plan.restartRequired, []);
  assert.deepEqual(plan.neighbors, { added: [], removed: [], reset: [], routesOnly: [], infoOnly: [], unchanged: neighbors });
  assert.deepEqual(plan.services, { added: [], removed: [], restart: [], policyOnly: [], unchanged: services });
  assert.deepEqual(plan.announce, { changed: false, added: [], removed: [], modified: [] });
  assert.equal(plan.listenerOptionsChanged, false);
}

// ---- nothing changed ----

test('the same file twice: an empty plan', () => {
  assertNothingChanged(diff({}, {}));
});

test('different spellings of the same effective config: an empty plan', () => {
  const a = parse(yaml({ n1: ['password-file: /etc/floatd/a.md5'] }));
  const b = parse(
    yaml({ n1: ['hold-time: 90', 'port: 179', 'families: [ipv4]', 'next-hop: self', 'password-file: a.md5'], top: ['control-socket: /run/floatd/floatd.sock'] }).replace(
      '"2001:db8::1"',
      '"2001:DB8:0::1"',
    ),
  );
  assertNothingChanged(diffConfig(a, b));
});

test('announce entries in another order: nothing changes', () => {
  const entries = ['  - { prefix: 198.51.100.0/24, med: 10 }', '  - { prefix: 203.0.113.0/24, med: 20 }'];
  assertNothingChanged(diff({ announce: entries }, { announce: [...entries].reverse() }));
});

// ---- restart required ----

test('router-id, local-as and control-socket cannot change live: refused with a reason each', () => {
  const plan = diff({}, { top: ['control-socket: /run/floatd/other.sock'] });
  assert.deepEqual(plan.restartRequired, [
    'control-socket /run/floatd/floatd.sock -> /run/floatd/other.sock (the socket reloads come through; restart floatd to move it)',
  ]);
  const text = yaml().replace('router-id: 192.0.2.1', 'router-id: 192.0.2.9').replace('local-as: 65001', 'local-as: 65002');
  const both = diffConfig(parse(yaml()), parse(text));
  assert.equal(both.restartRequired.length, 2);
  assert.match(both.restartRequired[0]!, /^router-id 192\.0\.2\.1 -> 192\.0\.2\.9 \(the BGP identifier of every session; restart floatd/);
  assert.match(both.restartRequired[1]!, /^local-as 65001 -> 65002 \(our AS/);
  // The lines also appear among the changes, first.
  assert.deepEqual(both.changes.slice(0, 2), both.restartRequired);
});

test('the listen address or port, or adding a listener, needs a restart', () => {
  const port = diff({ top: ['listen: { port: 179 }'] }, { top: ['listen: { port: 1179 }'] });
  assert.equal(port.restartRequired.length, 1);
  assert.match(port.restartRequired[0]!, /^listen\.port 179 -> 1179 \(the BGP listener is bound once at start/);
  const added = diff({}, { top: ['listen: {}'] });
  assert.match(added.restartRequired[0]!, /^listen \(none\) -> \{address: ::, port: 179\} \(/);
});

test('metrics listener and control socket permissions need a restart', () => {
  const metrics = diff({ top: ['metrics: { listen: "127.0.0.1:9179" }'] }, { top: ['metrics: { listen: "[::1]:9180" }'] });
  // The metrics schema's inner field names are its own; the lines follow them.
  assert.equal(metrics.restartRequired.length, 2);
  assert.match(metrics.restartRequired[0]!, /^metrics\.listen\.[a-z]+ 127\.0\.0\.1 -> ::1 \(the metrics listener is bound once at start; restart floatd to change it\)$/);
  assert.match(metrics.restartRequired[1]!, /^metrics\.listen\.port 9179 -> 9180 \(/);
  const mode = diff({}, { top: ['control-socket-mode: "0600"', 'control-socket-group: floatd'] });
  assert.equal(mode.restartRequired.length, 2);
  assert.match(mode.restartRequired[0]!, /^control-socket-mode 0660 -> 0600 \(set on the control socket when it is created/);
  assert.match(mode.restartRequired[1]!, /^control-socket-group \(none\) -> floatd \(/);
});

test('an unknown top-level key is refused by default; allow is only a check', () => {
  const a = parse(yaml());
  const unknown = diffConfig(a, { ...a, logLevel: 'debug' } as unknown as Config);
  assert.deepEqual(unknown.restartRequired, ['log-level (none) -> debug (floatd cannot apply this key live; restart floatd to change it)']);
  assert.deepEqual(unknown.changes, unknown.restartRequired);
  assert.equal(TOP_LEVEL_KEYS['logLevel'], undefined);

  const allow = diff({}, { top: ['allow: [198.51.100.0/24]'] });
  assert.deepEqual(allow.restartRequired, []);
  assert.deepEqual(allow.changes, ['allow (none) -> [198.51.100.0/24]']);
  assert.equal(TOP_LEVEL_KEYS['allow']?.kind, 'none');
});

// ---- neighbors ----

test('hold-time: that neighbor is reset with the change named; the others stay up', () => {
  const plan = diff({}, { n1: ['hold-time: 30'] });
  assert.deepEqual(shown(plan.neighbors.reset), [{ address: '192.0.2.254', changes: ['hold-time 90 -> 30'] }]);
  assert.deepEqual(plan.neighbors.unchanged, ['192.0.2.253', '2001:db8::1']);
  assert.deepEqual(plan.changes, ['neighbor 192.0.2.254 reset: hold-time 90 -> 30']);
  assert.deepEqual(plan.restartRequired, []);
});

test('every session key resets: families, import, TTL, graceful-restart, port, local-address, timers, passive, peer-as', () => {
  const cases: [string[], string][] = [
    [['families: [ipv4, ipv6]'], 'families [ipv4] -> [ipv4, ipv6]'],
    [['import: all'], 'import none -> all'],
    [['graceful-restart: true'], 'graceful-restart false -> 120'],
    [['port: 1179'], 'port 179 -> 1179'],
    [['local-address: 192.0.2.1'], 'local-address (none) -> 192.0.2.1'],
    [['connect-retry: 10'], 'connect-retry 5 -> 10'],
    [['multihop: 3'], 'multihop 1 -> 3'],
    [['hold-time: 0'], 'hold-time 90 -> 0'],
  ];
  for (const [lines, change] of cases) {
    const plan = diff({}, { n2: lines });
    assert.deepEqual(shown(plan.neighbors.reset), [{ address: '192.0.2.253', changes: [change] }], lines.join());
  }
  const passive = diff({ top: ['listen: {}'] }, { top: ['listen: {}'], n2: ['passive: true'] });
  assert.deepEqual(shown(passive.neighbors.reset), [{ address: '192.0.2.253', changes: ['passive false -> true'] }]);
  // ttl-security replaces multihop (TTL 255 is sent): multihop has no value while it is on.
  assert.deepEqual(shown(diff({}, { n2: ['ttl-security: 2'] }).neighbors.reset), [{ address: '192.0.2.253', changes: ['ttl-security false -> 2', 'multihop 1 -> (none)'] }]);
  assert.deepEqual(shown(diff({ n2: ['ttl-security: 2'] }, { n2: ['multihop: 3'] }).neighbors.reset), [{ address: '192.0.2.253', changes: ['multihop (none) -> 3', 'ttl-security 2 -> false'] }]);
  assert.deepEqual(shown(diff({ n2: ['ttl-security: 2'] }, { n2: ['ttl-security: 3'] }).neighbors.reset), [{ address: '192.0.2.253', changes: ['ttl-security 2 -> 3'] }]);
  const ibgp = diffConfig(parse(yaml()), parse(yaml().replace('peer-as: 64512\n  - address: "2001', 'peer-as: 65001\n  - address: "2001')));
  // Becoming iBGP also changes the multihop default (iBGP peers are usually loopbacks some hops away).
  assert.deepEqual(shown(ibgp.neighbors.reset), [{ address: '192.0.2.253', changes: ['peer-as 64512 -> 65001', 'multihop 1 -> 255'] }]);
});

test('password changes reset the session and never show the value', () => {
  const check = (plan: ReloadPlan, change: string): void => {
    assert.deepEqual(shown(plan.neighbors.reset), [{ address: '192.0.2.254', changes: [change] }]);
    const everything = [JSON.stringify(plan), inspect(plan, { depth: 10 }), plan.changes.join('\n')].join('\n');
    assert.doesNotMatch(everything, /Sekrit/);
  };
  check(diff({ n1: [`password: "${OLD_PASSWORD}"`] }, { n1: [`password: "${NEW_PASSWORD}"`] }), 'password changed');
  check(diff({}, { n1: [`password: "${NEW_PASSWORD}"`] }), 'password added');
  check(diff({ n1: [`password: "${OLD_PASSWORD}"`] }, {}), 'password removed');
  assert.deepEqual(diff({ n1: [`password: "${OLD_PASSWORD}"`] }, {}).changes, ['neighbor 192.0.2.254 reset: password removed']);
});

test('password files: a new file with the same key changes nothing on the wire; a new key resets', () => {
  const moved = diff({ n1: ['password-file: /etc/floatd/a.md5'] }, { n1: ['password-file: /etc/floatd/copy-of-a.md5'] });
  assert.deepEqual(shown(moved.neighbors.reset), []);
  assert.deepEqual(shown(moved.neighbors.infoOnly), [{ address: '192.0.2.254', changes: ['password-file /etc/floatd/a.md5 -> /etc/floatd/copy-of-a.md5'] }]);

  const rekeyed = diff({ n1: ['password-file: /etc/floatd/a.md5'] }, { n1: ['password-file: /etc/floatd/b.md5'] });
  assert.deepEqual(shown(rekeyed.neighbors.reset), [{ address: '192.0.2.254', changes: ['password changed', 'password-file /etc/floatd/a.md5 -> /etc/floatd/b.md5'] }]);
  assert.doesNotMatch(JSON.stringify(rekeyed), /Sekrit/);

  // The same file, rewritten between two loads: only the value tells.
  const a = parse(yaml({ n1: ['password-file: /etc/floatd/a.md5'] }));
  files['/etc/floatd/a.md5'] = `${NEW_PASSWORD}\n`;
  try {
    const b = parse(yaml({ n1: ['password-file: /etc/floatd/a.md5'] }));
    assert.deepEqual(diffConfig(a, b).changes, ['neighbor 192.0.2.254 reset: password changed']);
  } finally {
    files['/etc/floatd/a.md5'] = `${OLD_PASSWORD}\n`;
  }
});

test('next-hop only: routes re-synced, no reset', () => {
  const plan = diff({}, { n1: ['next-hop: 192.0.2.99'] });
  assert.deepEqual(shown(plan.neighbors.reset), []);
  assert.deepEqual(shown(plan.neighbors.routesOnly), [{ address: '192.0.2.254', changes: ['next-hop self -> 192.0.2.99'] }]);
  assert.deepEqual(plan.changes, ['neighbor 192.0.2.254 routes updated: next-hop self -> 192.0.2.99']);
});

test('description only: nothing on the wire', () => {
  const plan = diff({ n2: ['description: old'] }, { n2: ['description: "edge router"'] });
  assert.deepEqual(shown(plan.neighbors.infoOnly), [{ address: '192.0.2.253', changes: ['description old -> "edge router"'] }]);
  assert.deepEqual(shown(plan.neighbors.reset), []);
  assert.deepEqual(shown(plan.neighbors.routesOnly), []);
  assert.deepEqual(plan.changes, ['neighbor 192.0.2.253 updated: description old -> "edge router"']);
});

test('a session change with a routes change: one reset listing both', () => {
  const plan = diff({}, { n1: ['hold-time: 30', 'next-hop: 192.0.2.99', 'description: x'] });
  assert.deepEqual(shown(plan.neighbors.reset), [{ address: '192.0.2.254', changes: ['description (none) -> x', 'hold-time 90 -> 30', 'next-hop self -> 192.0.2.99'] }]);
  assert.deepEqual(shown(plan.neighbors.routesOnly), []);
  assert.deepEqual(shown(plan.neighbors.infoOnly), []);
});

test('neighbors added and removed by address; what they receive follows', () => {
  const v4 = ['  - address: 192.0.2.252', '    peer-as: 64513'];
  const plan = diffConfig(parse(yaml()), parse(yaml({ extraNeighbors: v4 }).replace(/  - address: "192\.0\.2\.253"\n    peer-as: 64512\n/, '')));
  assert.deepEqual(plan.neighbors.added, ['192.0.2.252']);
  assert.deepEqual(plan.neighbors.removed, ['192.0.2.253']);
  assert.deepEqual(plan.neighbors.unchanged, ['192.0.2.254', '2001:db8::1']);
  // The announce entry without a neighbors list goes to every IPv4 neighbor.
  assert.deepEqual(plan.announce, { changed: true, added: [], removed: [], modified: ['198.51.100.0/24'] });
  assert.deepEqual(plan.changes, [
    'neighbor 192.0.2.253 removed',
    'neighbor 192.0.2.252 added',
    'announce 198.51.100.0/24: neighbors [192.0.2.254, 192.0.2.253] -> [192.0.2.254, 192.0.2.252]',
  ]);
});

test('a neighbor key not in the table resets the session by default; a listed key does not', () => {
  const a = parse(yaml());
  const n = a.neighbors[0]!;
  const b: Config = { ...a, neighbors: [{ ...n, echo: { interval: 300 } } as unknown as typeof n, ...a.neighbors.slice(1)] };
  const plan = diffConfig(a, b);
  assert.deepEqual(shown(plan.neighbors.reset), [{ address: '192.0.2.254', changes: ['echo (none) -> {interval: 300}'] }]);
  assert.equal(NEIGHBOR_KEYS['echo'], undefined);
  assert.equal(NEIGHBOR_KEYS['nextHop'], 'routes');
  assert.equal(NEIGHBOR_KEYS['holdTime'], undefined);
});

test('bfd changes keep the BGP session: the BFD session beside it is replaced on its own', () => {
  const a = parse(yaml());
  const n = a.neighbors[0]!;
  const b: Config = { ...a, neighbors: [{ ...n, bfd: { minRxMs: 100, minTxMs: 100, multiplier: 3 } }, ...a.neighbors.slice(1)] };
  const plan = diffConfig(a, b);
  assert.deepEqual(plan.neighbors.reset, []);
  assert.deepEqual(plan.neighbors.infoOnly.map((c) => c.address), ['192.0.2.254']);
});

test('hostname is in every OPEN: every neighbor is reset', () => {
  const plan = diff({}, { top: ['hostname: node-b'] });
  assert.deepEqual(
    plan.neighbors.reset,
    ALL.map((address) => ({ address, keys: ['hostname'], changes: ['hostname node-a -> node-b'] })),
  );
  assert.deepEqual(plan.restartRequired, []);
  assert.equal(plan.changes.length, 3);
});

// ---- listener socket options ----

test('with a listener, MD5 keys or GTSM changes are flagged for the listening socket', () => {
  const listen = ['listen: {}'];
  assert.equal(diff({ top: listen }, { top: listen, n1: [`password: "${NEW_PASSWORD}"`] }).listenerOptionsChanged, true);
  assert.equal(diff({ top: listen, n1: ['password-file: /etc/floatd/a.md5'] }, { top: listen, n1: ['password-file: /etc/floatd/copy-of-a.md5'] }).listenerOptionsChanged, false);
  const gtsm = ['ttl-security: true'];
  assert.equal(diff({ top: listen, n1: gtsm, n2: gtsm, n3: gtsm }, { top: listen, n1: ['ttl-security: 2'], n2: ['ttl-security: 2'], n3: ['ttl-security: 2'] }).listenerOptionsChanged, true);
  assert.equal(diff({ top: listen }, { top: listen, n1: ['hold-time: 30'] }).listenerOptionsChanged, false);
  // Without a listener there is no listening socket to update.
  assert.equal(diff({}, { n1: [`password: "${NEW_PASSWORD}"`] }).listenerOptionsChanged, false);
});

// ---- announce ----

test('announce entries added, removed and modified, by prefix', () => {
  const plan = diff(
    { announce: ['  - { prefix: 198.51.100.0/24, med: 10 }', '  - { prefix: 203.0.113.0/24 }'] },
    { announce: ['  - { prefix: 198.51.100.0/24, med: 20, communities: ["65000:1"] }', '  - { prefix: 203.0.113.128/25 }'] },
  );
  assert.deepEqual(plan.announce, { changed: true, added: ['203.0.113.128/25'], removed: ['203.0.113.0/24'], modified: ['198.51.100.0/24'] });
  assert.deepEqual(plan.changes, [
    'announce 203.0.113.0/24 removed',
    'announce 198.51.100.0/24: med 10 -> 20, communities [] -> [65000:1]',
    'announce 203.0.113.128/25 added',
  ]);
  assertSessionsUntouched(plan);
});

test('one prefix in two entries for different neighbors: compared as a whole', () => {
  const two = (med: number) => [
    `  - { prefix: 198.51.100.0/24, med: 10, neighbors: [192.0.2.254] }`,
    `  - { prefix: 198.51.100.0/24, med: ${med}, neighbors: [192.0.2.253] }`,
  ];
  assert.equal(diff({ announce: two(20) }, { announce: [...two(20)].reverse() }).announce.changed, false);
  const plan = diff({ announce: two(20) }, { announce: two(30) });
  assert.deepEqual(plan.announce.modified, ['198.51.100.0/24']);
  assert.deepEqual(plan.changes, ['announce 198.51.100.0/24: entries changed (2 -> 2)']);
});

function assertSessionsUntouched(plan: ReloadPlan): void {
  assert.deepEqual(plan.neighbors.unchanged, ALL);
  assert.deepEqual(plan.restartRequired, []);
}

// ---- services ----

const web = (more: string[] = [], check = 'tcp: { host: 127.0.0.1, port: 8080 }', prefixes = '198.51.100.10/32') => [
  '  - name: web',
  `    prefixes: [${prefixes}]`,
  `    check: { ${check} }`,
  ...more.map((l) => `    ${l}`),
];
const db = ['  - name: db', '    prefixes: [198.51.100.20/32]', '    check: { exec: { command: [/usr/local/bin/db-ok] } }'];

test('services unchanged: listed as such', () => {
  assertNothingChanged(diff({ services: [...web(), ...db] }, { services: [...web(), ...db] }), ALL, ['web', 'db']);
});

test('services added and removed by name', () => {
  const plan = diff({ services: web() }, { services: db });
  assert.deepEqual(plan.services.added, ['db']);
  assert.deepEqual(plan.services.removed, ['web']);
  assert.deepEqual(plan.changes, ['service web removed', 'service db added']);
  assertSessionsUntouched(plan);
  assert.deepEqual(diff({}, { services: db }).services.added, ['db']);
});

test('thresholds, timing and the probe restart the checks', () => {
  // Timings are written on both sides, so the values shown do not follow the health defaults.
  const cases: [string[], string[], string, string][] = [
    [[], ['rise: 5'], '', 'rise 3 -> 5'],
    [[], ['fall: 1'], '', 'fall 2 -> 1'],
    [['interval: 2'], ['interval: 5'], '', 'interval 2 s -> 5 s'],
    [['fast-interval: 0.5'], ['fast-interval: 0.25'], '', 'fast-interval 0.5 s -> 0.25 s'],
    [['interval: 2', 'timeout: 1'], ['interval: 2', 'timeout: 0.5'], '', 'timeout 1 s -> 0.5 s'],
    [[], ['disable-file: /run/web.off'], '', 'disable-file (none) -> /run/web.off'],
    [[], [], 'tcp: { host: 127.0.0.1, port: 8081 }', 'check.port 8080 -> 8081'],
    [[], [], 'http: { url: "http://127.0.0.1:8080/health" }', 'check tcp -> http'],
  ];
  for (const [before, more, check, change] of cases) {
    const plan = diff({ services: web(before) }, { services: check === '' ? web(more) : web(more, check) });
    assert.deepEqual(shown(plan.services.restart), [{ name: 'web', changes: [change] }], change);
    assert.deepEqual(shown(plan.services.policyOnly), []);
    assert.deepEqual(plan.changes, [`service web checks restarted: ${change}`]);
  }
});

test('check headers and exec environments are never shown', () => {
  const h = (v: string) => `http: { url: "http://127.0.0.1/", headers: { Authorization: "Bearer ${v}" } }`;
  const plan = diff({ services: web([], h('tok-Sekrit-1')) }, { services: web([], h('tok-Sekrit-2')) });
  assert.deepEqual(shown(plan.services.restart), [{ name: 'web', changes: ['check.headers changed'] }]);
  assert.doesNotMatch(JSON.stringify(plan), /Sekrit/);
  const e = (v: string) => `exec: { command: [/bin/true], env: { TOKEN: "${v}" } }`;
  const exec = diff({ services: web([], e('tok-Sekrit-1')) }, { services: web([], e('tok-Sekrit-2')) });
  assert.deepEqual(exec.changes, ['service web checks restarted: check.env changed']);
  // A probe of another kind is shown by its kind only, never with its fields.
  const kind = diff({ services: web() }, { services: web([], h('tok-Sekrit-3')) });
  assert.doesNotMatch(JSON.stringify(kind), /Sekrit/);
});

test('attributes, role and state actions: re-announced without restarting the checks', () => {
  const cases: [string[], string][] = [
    [['med: 50'], 'med (none) -> 50'],
    [['communities: ["65000:7"]'], 'communities (none) -> [65000:7]'],
    [['large-communities: ["65001:1:2"]'], 'large-communities (none) -> [65001:1:2]'],
    [['role: secondary'], 'role (none) -> secondary'],
    [['role-style: community'], 'role-style prepend -> community'],
    [['when-down: { med: 1000 }'], 'when-down withdraw -> announce {med: 1000}'],
    [['when-disabled: { communities: [graceful-shutdown] }'], 'when-disabled withdraw -> announce {communities: [graceful-shutdown]}'],
    [['failback: false'], 'failback true -> false'],
    [['next-hop: 192.0.2.50'], 'next-hop (none) -> 192.0.2.50'],
  ];
  for (const [more, change] of cases) {
    const plan = diff({ services: web() }, { services: web(more) });
    assert.deepEqual(shown(plan.services.policyOnly), [{ name: 'web', changes: [change] }], change);
    assert.deepEqual(shown(plan.services.restart), []);
    assert.deepEqual(plan.changes, [`service web policy updated: ${change}`]);
  }
});

test('a policy change together with a check change restarts the checks, listing both', () => {
  const plan = diff({ services: [...web(['med: 10']), ...db] }, { services: [...web(['med: 20', 'rise: 1']), ...db] });
  assert.deepEqual(shown(plan.services.restart), [{ name: 'web', changes: ['rise 3 -> 1', 'med 10 -> 20'] }]);
  assert.deepEqual(shown(plan.services.policyOnly), []);
  assert.deepEqual(plan.services.unchanged, ['db']);
});

test('prefixes and receivers of a service are policy: a new neighbor starts receiving without a restart', () => {
  const more = diff({ services: web() }, { services: web([], undefined, '198.51.100.10/32, 198.51.100.11/32') });
  assert.deepEqual(shown(more.services.policyOnly), [{ name: 'web', changes: ['prefixes [198.51.100.10/32] -> [198.51.100.10/32, 198.51.100.11/32]'] }]);

  const plan = diff({ services: web() }, { services: web(), extraNeighbors: ['  - { address: 192.0.2.252, peer-as: 64513 }'] });
  assert.deepEqual(plan.neighbors.added, ['192.0.2.252']);
  assert.deepEqual(shown(plan.services.policyOnly), [
    { name: 'web', changes: ['198.51.100.10/32 sent to [192.0.2.254, 192.0.2.253] -> [192.0.2.254, 192.0.2.253, 192.0.2.252]'] },
  ]);

  const listed = diff({ services: web() }, { services: web(['neighbors: [192.0.2.254]']) });
  assert.deepEqual(shown(listed.services.policyOnly), [
    { name: 'web', changes: ['neighbors (none) -> [192.0.2.254]', '198.51.100.10/32 sent to [192.0.2.254, 192.0.2.253] -> [192.0.2.254]'] },
  ]);
});

test('a service key not in the table restarts the checks by default', () => {
  const a = parse(yaml({ services: web() }));
  const s = a.services![0]!;
  const plan = diffConfig(a, { ...a, services: [{ ...s, sidecar: ['/bin/notify'] } as unknown as typeof s] });
  assert.deepEqual(plan.services.restart, [{ name: 'web', keys: ['sidecar'], changes: ['sidecar (none) -> [/bin/notify]'] }]);
  assert.equal(SERVICE_KEYS['sidecar'], undefined);
  assert.equal(SERVICE_KEYS['up'], 'policy');
});

test('hooks live in the health checks; drain and med-from-load only shape what is announced', () => {
  const hooks = diff({ services: web() }, { services: web(['hooks: { up: [/usr/local/bin/notify, up], timeout: 5 }']) });
  assert.deepEqual(hooks.services.restart, [{ name: 'web', keys: ['hooks'], changes: ['hooks [] -> [{on: up, command: [/usr/local/bin/notify, up], timeout: 5 s}]'] }]);

  const drain = diff({ services: web() }, { services: web(['drain: { time: 10 }', 'drain-on-stop: true']) });
  assert.deepEqual(drain.services.policyOnly, [{ name: 'web', keys: ['drain', 'drainOnStop'], changes: ['drain.time 3 s -> 10 s', 'drain-on-stop false -> true'] }]);

  const load = (max: number) => web([`med-from-load: { source: cpu, max: ${max} }`]);
  const med = diff({ services: load(1000) }, { services: load(2000) });
  assert.deepEqual(med.services.policyOnly.map((c) => c.keys), [['medFromLoad']]);
  assert.deepEqual(med.services.restart, []);
});

// ---- everything at once ----

test('a combined reload: each part classified on its own, one line per change', () => {
  const plan = diff(
    { services: [...web(), ...db], n3: ['description: v6'] },
    {
      n1: ['hold-time: 30', `password: "${NEW_PASSWORD}"`],
      n2: ['next-hop: 192.0.2.99'],
      n3: ['description: v6 peer'],
      services: [...web(['med: 5']), '  - name: api', '    prefixes: [198.51.100.30/32]', '    check: { listener: { port: 443 } }'],
      announce: ['  - prefix: 198.51.100.0/24', '    med: 11'],
    },
  );
  assert.deepEqual(plan.restartRequired, []);
  assert.deepEqual(shown(plan.neighbors.reset), [{ address: '192.0.2.254', changes: ['password added', 'hold-time 90 -> 30'] }]);
  assert.deepEqual(shown(plan.neighbors.routesOnly), [{ address: '192.0.2.253', changes: ['next-hop self -> 192.0.2.99'] }]);
  assert.deepEqual(shown(plan.neighbors.infoOnly), [{ address: '2001:db8::1', changes: ['description v6 -> "v6 peer"'] }]);
  assert.deepEqual(plan.neighbors.unchanged, []);
  assert.deepEqual(plan.services.added, ['api']);
  assert.deepEqual(plan.services.removed, ['db']);
  assert.deepEqual(shown(plan.services.policyOnly), [{ name: 'web', changes: ['med (none) -> 5'] }]);
  assert.deepEqual(plan.neighbors.reset.map((c) => c.keys), [['password', 'holdTime']]);
  assert.deepEqual(plan.neighbors.routesOnly.map((c) => c.keys), [['nextHop']]);
  assert.deepEqual(plan.neighbors.infoOnly.map((c) => c.keys), [['description']]);
  assert.deepEqual(plan.services.policyOnly.map((c) => c.keys), [['up']]);
  assert.deepEqual(plan.changes, [
    'neighbor 192.0.2.254 reset: password added, hold-time 90 -> 30',
    'neighbor 192.0.2.253 routes updated: next-hop self -> 192.0.2.99',
    'neighbor 2001:db8::1 updated: description v6 -> "v6 peer"',
    'service db removed',
    'service web policy updated: med (none) -> 5',
    'service api added',
    'announce 198.51.100.0/24: med 10 -> 11',
  ]);
  assert.doesNotMatch(JSON.stringify(plan), /Sekrit/);
});

/** Per neighbor: a session key, a routes-only key, an info key, and the password. */
const neighborEdit = fc.record({
  hold: fc.constantFrom(90, 30),
  nextHop: fc.constantFrom('self', '192.0.2.99'),
  description: fc.constantFrom(undefined, 'edge'),
  password: fc.constantFrom(undefined, OLD_PASSWORD, NEW_PASSWORD),
});
type NeighborEdit = typeof neighborEdit extends fc.Arbitrary<infer T> ? T : never;

const editLines = (e: NeighborEdit): string[] => [
  `hold-time: ${e.hold}`,
  `next-hop: "${e.nextHop}"`,
  ...(e.description ? [`description: ${e.description}`] : []),
  ...(e.password ? [`password: "${e.password}"`] : []),
];

test('property: each IPv4 neighbor lands in the class of its strongest change, and the plan never holds a password', () => {
  fc.assert(
    fc.property(fc.tuple(neighborEdit, neighborEdit), fc.tuple(neighborEdit, neighborEdit), ([a1, a2], [b1, b2]) => {
      const plan = diff({ n1: editLines(a1), n2: editLines(a2) }, { n1: editLines(b1), n2: editLines(b2) });
      const expected = (a: NeighborEdit, b: NeighborEdit): string =>
        a.hold !== b.hold || a.password !== b.password ? 'reset' : a.nextHop !== b.nextHop ? 'routesOnly' : a.description !== b.description ? 'infoOnly' : 'unchanged';
      const classOf = (address: string): string => {
        const n = plan.neighbors;
        if (n.unchanged.includes(address)) return 'unchanged';
        const hit = (['reset', 'routesOnly', 'infoOnly'] as const).filter((k) => n[k].some((c) => c.address === address));
        assert.equal(hit.length, 1);
        return hit[0]!;
      };
      assert.equal(classOf('192.0.2.254'), expected(a1, b1));
      assert.equal(classOf('192.0.2.253'), expected(a2, b2));
      assert.equal(plan.changes.length, [expected(a1, b1), expected(a2, b2)].filter((c) => c !== 'unchanged').length);
      assert.doesNotMatch(JSON.stringify(plan), /Sekrit/);
      // Backwards, the same neighbors change.
      const back = diff({ n1: editLines(b1), n2: editLines(b2) }, { n1: editLines(a1), n2: editLines(a2) });
      assert.deepEqual(back.neighbors.unchanged, plan.neighbors.unchanged);
    }),
    { numRuns: 60 },
  );
});

test('sameValue: structure, not identity; absent equals undefined; secrets by value', () => {
  const a = parse(yaml({ n1: [`password: "${OLD_PASSWORD}"`] }));
  const b = parse(yaml({ n1: [`password: "${OLD_PASSWORD}"`] }));
  assert.notEqual(a.neighbors[0]!.password, b.neighbors[0]!.password);
  assert.ok(sameValue(a, b));
  assert.ok(sameValue({ x: 1, y: undefined }, { x: 1 }));
  assert.ok(!sameValue([1, 2], [2, 1]));
  assert.ok(!sameValue({ x: [1] }, { x: 1 }));
  assert.ok(!sameValue(a.neighbors[0]!.password, undefined));
});

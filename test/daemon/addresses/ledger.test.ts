import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { FileAddressLedger, formatLedger, ledgerPathFor, parseLedger } from '../../../src/daemon/addresses/ledger.js';
import { tempDir } from '../../helpers/temp-dir.js';

test('the record sits next to the control socket', () => {
  assert.equal(ledgerPathFor('/run/floatd/floatd.sock'), '/run/floatd/floatd.addresses.json');
  assert.equal(ledgerPathFor('/tmp/x/ctl'), '/tmp/x/ctl.addresses.json');
});

test('format and parse are inverse, and the text does not depend on the order', () => {
  const entry = fc.record({ interface: fc.constantFrom('lo', 'eth0', 'lo:web'), address: fc.ipV4() });
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
      const text = formatLedger(entries);
      const back = parseLedger(text);
      assert.ok(Array.isArray(back));
      assert.deepEqual(new Set(back.map((e) => `${e.interface} ${e.address}`)), new Set(entries.map((e) => `${e.interface} ${e.address}`)));
      assert.equal(formatLedger([...entries].reverse()), text);
    }),
  );
});

test('a malformed record is described', () => {
  assert.match(String(parseLedger('{')), /^not JSON/);
  assert.equal(parseLedger('[]'), 'not a JSON object');
  assert.equal(parseLedger('{"version":2,"added":[]}'), 'version 2, expected 1');
  assert.equal(parseLedger('{"version":1}'), '"added" is not a list');
  assert.equal(parseLedger('{"version":1,"added":[{"interface":"lo"}]}'), '"added" item 1 needs "interface" and "address" strings');
});

test('the file: absent reads as empty; saved whole with mode 0600; an empty record removes it; a bad one is an error naming the file', () => {
  const dir = tempDir('floatd-ledger-');
  const ledger = new FileAddressLedger(join(dir, 'floatd.addresses.json'));
  assert.deepEqual(ledger.load(), []);
  ledger.save([{ interface: 'lo', address: '192.0.2.10' }, { interface: 'lo', address: '2001:db8::10' }]);
  assert.deepEqual(ledger.load(), [{ interface: 'lo', address: '192.0.2.10' }, { interface: 'lo', address: '2001:db8::10' }]);
  assert.equal(statSync(ledger.path).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['floatd.addresses.json'], 'no temporary file left');
  ledger.save([]);
  assert.equal(existsSync(ledger.path), false);
  writeFileSync(ledger.path, '{"version":1,"added":"lo"}');
  assert.throws(() => ledger.load(), new RegExp(`the address record ${ledger.path} is malformed: "added" is not a list`));
  const blocked = new FileAddressLedger(join(dir, 'missing-dir', 'x.json'));
  assert.throws(() => blocked.save([{ interface: 'lo', address: '192.0.2.1' }]), /cannot write the address record .*missing-dir\/x\.json: ENOENT/);
  assert.equal(readFileSync(ledger.path, 'utf8'), '{"version":1,"added":"lo"}', 'a failed save elsewhere changes nothing here');
});

test('the record\'s temporary file cannot be pointed elsewhere: unpredictable name, created exclusively, links not followed', () => {
  const dir = tempDir('floatd-ledger-link-');
  const path = join(dir, 'floatd.addresses.json');
  const victim = join(dir, 'victim');
  writeFileSync(victim, 'untouched');
  // The name the record used to write through, made a link by someone else.
  symlinkSync(victim, `${path}.${process.pid}.tmp`);
  const ledger = new FileAddressLedger(path);
  ledger.save([{ interface: 'lo', address: '192.0.2.10' }]);
  assert.equal(readFileSync(victim, 'utf8'), 'untouched');
  assert.deepEqual(ledger.load(), [{ interface: 'lo', address: '192.0.2.10' }]);
  assert.equal(lstatSync(path).isSymbolicLink(), false);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp') && !f.includes(String(process.pid))), [], 'no temporary file left');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS, HELP } from '../../src/cli/main.js';
import { COMMANDS as CONTROL_COMMANDS } from '../../src/control/protocol.js';

const names = Object.keys(COMMANDS);

test('every command in the dispatch has help, and the overview lists exactly those commands', () => {
  const listed = [...HELP.matchAll(/^ {2}([a-z]+)(?: |$)/gm)].map((m) => m[1]);
  assert.deepEqual(listed, names);
  for (const [name, spec] of Object.entries(COMMANDS)) {
    assert.ok(spec.synopsis.startsWith(name), `${name}: synopsis starts with the name`);
    assert.ok(spec.help.startsWith(`Usage: floatd ${name}`), `${name}: help starts with its usage line`);
    assert.ok(spec.summary.length > 0, `${name}: a summary for the overview`);
    assert.ok(HELP.includes(`  ${spec.synopsis}`), `${name}: its synopsis is in the overview`);
  }
});

test('every control socket command has a CLI command that documents --json, --socket and --config', () => {
  for (const c of CONTROL_COMMANDS) {
    const spec = COMMANDS[c];
    assert.ok(spec, `${c} is a CLI command`);
    for (const opt of ['--json', '--socket PATH', '--config FILE']) assert.ok(spec.help.includes(opt), `${c} --help mentions ${opt}`);
  }
  assert.match(COMMANDS.events!.help, /--limit N/);
});

test('help lines fit in 80 columns', () => {
  for (const text of [HELP, ...Object.values(COMMANDS).map((s) => s.help)]) {
    for (const line of text.split('\n')) {
      // The first line of the overview carries the version and is allowed to run long.
      if (line.startsWith('floatd ')) continue;
      assert.ok(line.length <= 80, `too long: ${line}`);
    }
  }
});

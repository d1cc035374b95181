import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { GroupError, parseGroupFile, resolveGroup } from '../../src/control/group.js';

const GROUP = `root:x:0:
# a comment
adm:x:4:syslog,alice
floatd:x:998:
+nisgroup::0:
broken line
nogid:x::
big:x:99999999999:
nogroup:x:65534:
`;

test('group file: name, gid and members; comments, NIS and malformed lines skipped', () => {
  assert.deepEqual(parseGroupFile(GROUP), [
    { name: 'root', gid: 0, members: [] },
    { name: 'adm', gid: 4, members: ['syslog', 'alice'] },
    { name: 'floatd', gid: 998, members: [] },
    { name: 'nogroup', gid: 65534, members: [] },
  ]);
  assert.deepEqual(parseGroupFile(''), []);
});

test('a group by name comes from the file, a number is taken as it is', () => {
  assert.equal(resolveGroup('floatd', GROUP), 998);
  assert.equal(resolveGroup('adm', GROUP), 4);
  assert.equal(resolveGroup('1234', GROUP), 1234);
  assert.throws(() => resolveGroup('operators', GROUP), (e: unknown) => e instanceof GroupError && e.code === 'ERR_CONTROL_GROUP' && e.message === "control socket group 'operators' does not exist (not in /etc/group)");
  assert.throws(() => resolveGroup('99999999999', GROUP), /is not a valid group id/);
});

test('the real /etc/group parses and holds root', () => {
  const groups = parseGroupFile(readFileSync('/etc/group', 'utf8'));
  assert.ok(groups.some((g) => g.name === 'root' && g.gid === 0));
});

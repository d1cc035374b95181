import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownCgroupDir } from '../../src/health/check-cgroup.js';

const hybrid = [
  '30 24 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755',
  '31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,relatime shared:10 - cgroup2 cgroup2 rw',
  '32 30 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
].join('\n');

test('the cgroup folder of this process: the 0:: line joined to where cgroup2 is mounted', () => {
  assert.equal(ownCgroupDir('0::/system.slice/floatd.service\n', '25 1 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate'), '/sys/fs/cgroup/system.slice/floatd.service');
  assert.equal(ownCgroupDir('4:memory:/x\n0::/\n', hybrid), '/sys/fs/cgroup/unified');
});

test('a mount of a part of the hierarchy, escaped mount points, and no cgroup2 at all', () => {
  assert.equal(ownCgroupDir('0::/outer/inner\n', '40 1 0:30 /outer /mnt/cg\\040v2 rw - cgroup2 none rw'), '/mnt/cg v2/inner');
  assert.equal(ownCgroupDir('0::/elsewhere\n', '40 1 0:30 /outer /mnt/cg rw - cgroup2 none rw'), undefined);
  assert.equal(ownCgroupDir('1:name=systemd:/\n', hybrid), undefined);
  assert.equal(ownCgroupDir('0::/a\n', '32 30 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory'), undefined);
});

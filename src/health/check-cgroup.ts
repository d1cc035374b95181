// Where check and hook commands get a cgroup v2 of their own: a folder
// `floatd-checks.PID` under floatd's own cgroup, when floatd may create one
// there (root outside a read-only /sys/fs/cgroup, or a subtree systemd
// delegated with Delegate=yes) and the kernel has cgroup.kill (Linux 5.14).
// A cgroup holds every process a command starts, setsid or not, and is
// killed whole at once; without one, native/spawn.c falls back to the
// process group plus floatd as child subreaper.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

export const CHECK_CGROUP_PREFIX = 'floatd-checks.';

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

/**
 * The folder of this process's cgroup v2, from /proc/self/cgroup ("0::/path")
 * and /proc/self/mountinfo (where the cgroup2 hierarchy is mounted, and which
 * part of it). Undefined without a cgroup2 mount holding it.
 */
export function ownCgroupDir(procCgroup: string, mountinfo: string): string | undefined {
  const line = procCgroup.split('\n').find((l) => l.startsWith('0::'));
  if (line === undefined) return undefined;
  const path = line.slice(3);
  if (!path.startsWith('/')) return undefined;
  for (const m of mountinfo.split('\n')) {
    const sep = m.indexOf(' - ');
    if (sep < 0 || m.slice(sep + 3).split(' ')[0] !== 'cgroup2') continue;
    const fields = m.slice(0, sep).split(' ');
    const root = unescape(fields[3] ?? '');
    const mountPoint = unescape(fields[4] ?? '');
    if (root === '' || mountPoint === '') continue;
    const rel = root === '/' ? path : path === root || path.startsWith(`${root}/`) ? path.slice(root.length) : undefined;
    if (rel !== undefined) return rel === '/' || rel === '' ? mountPoint : join(mountPoint, rel);
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Removes what an earlier floatd (a crash, a kill -9) left; a cgroup still holding processes stays. */
function removeStale(own: string): void {
  let names: string[];
  try {
    names = readdirSync(own);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(CHECK_CGROUP_PREFIX)) continue;
    const pid = Number(name.slice(CHECK_CGROUP_PREFIX.length));
    if (!Number.isInteger(pid) || pid === process.pid || pidAlive(pid)) continue;
    const dir = join(own, name);
    try {
      for (const job of readdirSync(dir, { withFileTypes: true })) if (job.isDirectory()) rmdirSync(join(dir, job.name));
      rmdirSync(dir);
    } catch {
      // still in use or not ours to remove
    }
  }
}

/** Creates floatd's folder for command cgroups; undefined when floatd cannot have one here. */
export function makeCheckCgroupBase(own: string): string | undefined {
  const base = join(own, `${CHECK_CGROUP_PREFIX}${process.pid}`);
  try {
    mkdirSync(base);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  if (!existsSync(join(base, 'cgroup.kill'))) {
    try {
      rmdirSync(base);
    } catch {
      // not a cgroup folder we can remove; leave it
    }
    return undefined;
  }
  removeStale(own);
  return base;
}

let decided: { base: string | undefined } | undefined;

/** floatd's folder for command cgroups, decided once per process. */
export function checkCgroupBase(): string | undefined {
  if (decided) return decided.base;
  let base: string | undefined;
  try {
    const own = ownCgroupDir(readFileSync('/proc/self/cgroup', 'utf8'), readFileSync('/proc/self/mountinfo', 'utf8'));
    if (own !== undefined) base = makeCheckCgroupBase(own);
  } catch {
    base = undefined;
  }
  decided = { base };
  if (base !== undefined) {
    process.once('exit', () => {
      try {
        rmdirSync(base);
      } catch {
        // a command is still being killed; the next floatd removes it
      }
    });
  }
  return base;
}

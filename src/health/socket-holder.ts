// Finding a process descriptor that holds a given socket, so a listener can
// be watched with one readlink (microseconds) instead of a /proc/net/tcp read,
// which walks the kernel's whole listening hash (milliseconds, measured).
// Needs permission to read other processes' fd tables (root, or the same user).

import { readdir, readlink } from 'node:fs/promises';
import { readlinkSync } from 'node:fs';

export interface SocketHolder {
  /** "/proc/<pid>/fd/<n>" */
  readonly path: string;
  /** "socket:[<inode>]" */
  readonly link: string;
}

/** Scans /proc/<pid>/fd for the socket; undefined when no readable descriptor holds it. */
export async function findSocketHolder(inode: number, proc = '/proc'): Promise<SocketHolder | undefined> {
  const link = `socket:[${inode}]`;
  let pids: string[];
  try {
    pids = (await readdir(proc)).filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`${proc}/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      const path = `${proc}/${pid}/fd/${fd}`;
      try {
        if ((await readlink(path)) === link) return { path, link };
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

/** True while the descriptor still refers to the socket. */
export function stillHolds(h: SocketHolder): boolean {
  try {
    return readlinkSync(h.path) === h.link;
  } catch {
    return false;
  }
}

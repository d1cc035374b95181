// The control socket's group, by name or number, from /etc/group
// (group(5): "name:password:GID:member,member"; comments and NIS "+" lines skipped).

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

export class GroupError extends Error {
  readonly code = 'ERR_CONTROL_GROUP';
  override readonly name = 'GroupError';
}

const MAX_GID = 0xfffffffe;

export function parseGroupFile(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const fields = line.split(':');
    if (fields.length < 3) continue;
    const [name = '', , gidText = '', members = ''] = fields;
    if (name === '' || !/^\d+$/.test(gidText)) continue;
    const gid = Number(gidText);
    if (gid > MAX_GID) continue;
    out.push({ name, gid, members: members.split(',').filter((m) => m !== '') });
  }
  return out;
}

/**
 * The gid for `spec`: a group name looked up in `groupFile` (the text of
 * /etc/group), or a number taken as it is, since groups from other sources
 * (LDAP, sssd) have numbers but no line in /etc/group.
 */
export function resolveGroup(spec: string, groupFile: string): number {
  if (/^\d+$/.test(spec)) {
    const gid = Number(spec);
    if (gid > MAX_GID) throw new GroupError(`control socket group ${spec} is not a valid group id`);
    return gid;
  }
  const entry = parseGroupFile(groupFile).find((g) => g.name === spec);
  if (!entry) throw new GroupError(`control socket group '${spec}' does not exist (not in /etc/group)`);
  return entry.gid;
}

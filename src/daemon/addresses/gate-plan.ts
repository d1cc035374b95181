// The ordering rules of the address gate as a pure step function.
//
// For each prefix that needs local addresses: the addresses are added first
// and the prefix announced only once the add succeeded; a withdraw is handed
// on at once and the addresses removed only afterwards. One port operation
// per prefix at a time; when it completes, the prefix is reconciled against
// what is wanted *then*, so an add that finishes after a withdraw never
// re-announces, and an up/down/up burst ends in the last state asked for.
//
// Actions come out in the order they must run: `forward` (the sink's new
// list, carrying any withdraw) before the `remove` that follows it.
//
// An address seen missing from the interface (a watch's report, possibly
// stale) is put back with another add, without withdrawing first: the port's
// add reads the interface itself, so a stale report costs one read, not a
// flap. Only an add that fails withdraws an announced prefix.
//
// A link that is administratively down or has no carrier holds back every
// prefix whose addresses live on it: an announced one is withdrawn at once,
// and none is announced until the link is up again. Its addresses stay (they
// are present, only unusable), so nothing is added or removed for it; the
// caller reports `missing` only from a link that is up.

/** Where a prefix's addresses live and when they go away. */
export interface AddressNeed {
  readonly interface: string;
  /** IPv4 label for the addresses. */
  readonly label?: string;
  /** The addresses (host prefixes) that must be on the interface before the prefix is announced. */
  readonly addresses: readonly string[];
  /** Remove the addresses when the prefix is withdrawn; otherwise they stay until close. */
  readonly removeWhenWithdrawn: boolean;
}

/** What the gate knows of the addresses: absent, present, or unknown after a failed operation (maybe partly there). */
export type AddressKnown = 'absent' | 'present' | 'unknown';

export interface Slot {
  /** ServiceRoutes lists the prefix now. */
  readonly wanted: boolean;
  /** Keep the addresses even while not wanted (prepared at start, or added once, with removeWhenWithdrawn off). */
  readonly hold: boolean;
  readonly known: AddressKnown;
  readonly op: 'add' | 'remove' | undefined;
  /** Handed to the inner sink. */
  readonly announced: boolean;
  /** The last failure, until an operation succeeds. */
  readonly error: string | undefined;
  /** A failed add waits for a retry event before trying again. */
  readonly waitingRetry: boolean;
  /** A failed remove is not repeated until close or the next withdraw. */
  readonly removeFailed: boolean;
}

export interface GateState {
  readonly slots: ReadonlyMap<string, Slot>;
  /** Interfaces whose link is down or without carrier. */
  readonly down: ReadonlySet<string>;
  readonly closed: boolean;
}

export type GateEvent =
  /** The set of managed prefixes ServiceRoutes lists now. */
  | { readonly kind: 'wanted'; readonly prefixes: ReadonlySet<string> }
  /** Put every held address in place before anything is wanted (start-up). */
  | { readonly kind: 'prepare' }
  | { readonly kind: 'added'; readonly prefix: string; readonly error?: string }
  | { readonly kind: 'removed'; readonly prefix: string; readonly error?: string }
  | { readonly kind: 'retry'; readonly prefix: string }
  /** A watch no longer sees (some of) the prefix's addresses on the interface. */
  | { readonly kind: 'missing'; readonly prefix: string }
  /** The link of an interface went down (or lost carrier), or came back up. */
  | { readonly kind: 'link'; readonly interface: string; readonly up: boolean }
  /** After the final withdraw: nothing more is announced; every address goes. */
  | { readonly kind: 'close' };

export type GateAction =
  /** Hand the inner sink the wanted entries whose prefixes are announced (or need no address). */
  | { readonly kind: 'forward' }
  | { readonly kind: 'add'; readonly prefix: string }
  | { readonly kind: 'remove'; readonly prefix: string }
  /** Send a retry event for the prefix later. */
  | { readonly kind: 'retry-later'; readonly prefix: string }
  | { readonly kind: 'failed'; readonly prefix: string; readonly op: 'add' | 'remove'; readonly error: string }
  /** `link`: the link came back up (the only thing that held the prefix back). */
  | { readonly kind: 'announce'; readonly prefix: string; readonly link?: true }
  /** `link`: withdrawn because the link went down, not because it is no longer wanted. */
  | { readonly kind: 'withdraw'; readonly prefix: string; readonly link?: true };

const EMPTY: Slot = {
  wanted: false,
  hold: false,
  known: 'absent',
  op: undefined,
  announced: false,
  error: undefined,
  waitingRetry: false,
  removeFailed: false,
};

export function initialGateState(needs: ReadonlyMap<string, AddressNeed>): GateState {
  const slots = new Map<string, Slot>();
  for (const prefix of needs.keys()) slots.set(prefix, EMPTY);
  return { slots, down: new Set(), closed: false };
}

export function stepGate(state: GateState, needs: ReadonlyMap<string, AddressNeed>, event: GateEvent): { state: GateState; actions: GateAction[] } {
  const slots = new Map(state.slots);
  const closed = state.closed || event.kind === 'close';
  let down = state.down;
  const linkUp = (prefix: string): boolean => {
    const iface = needs.get(prefix)?.interface;
    return iface === undefined || !down.has(iface);
  };
  const actions: GateAction[] = [];
  const touched: string[] = [];
  const set = (prefix: string, patch: Partial<Slot>): void => {
    slots.set(prefix, { ...(slots.get(prefix) ?? EMPTY), ...patch });
  };

  switch (event.kind) {
    case 'wanted': {
      if (closed) return { state, actions };
      for (const [prefix, slot] of slots) {
        const wanted = event.prefixes.has(prefix);
        if (wanted === slot.wanted) continue;
        if (wanted) set(prefix, { wanted, removeFailed: false });
        else set(prefix, { wanted, announced: false, ...(slot.hold ? {} : { error: undefined, waitingRetry: false }) });
        if (!wanted && slot.announced) actions.push({ kind: 'withdraw', prefix });
        touched.push(prefix);
      }
      promote(slots, touched, actions, linkUp);
      // ServiceRoutes' list changed: the sink gets the new one, withdraws included, before any address moves.
      actions.push({ kind: 'forward' });
      break;
    }
    case 'prepare':
      if (closed) return { state, actions };
      for (const [prefix, need] of needs) {
        if (!need.removeWhenWithdrawn && slots.has(prefix)) {
          set(prefix, { hold: true });
          touched.push(prefix);
        }
      }
      break;
    case 'added': {
      const slot = slots.get(event.prefix);
      if (!slot || slot.op !== 'add') return { state, actions };
      if (event.error === undefined) {
        const need = needs.get(event.prefix);
        set(event.prefix, { op: undefined, known: 'present', error: undefined, hold: slot.hold || need?.removeWhenWithdrawn === false });
        if (promote(slots, [event.prefix], actions, linkUp)) actions.push({ kind: 'forward' });
      } else {
        const retry = slot.wanted || slot.hold;
        set(event.prefix, { op: undefined, known: 'unknown', error: event.error, waitingRetry: retry && !closed, announced: false });
        actions.push({ kind: 'failed', prefix: event.prefix, op: 'add', error: event.error });
        // A repair that failed: the address is gone for sure, so the route goes too.
        if (slot.announced) actions.push({ kind: 'withdraw', prefix: event.prefix }, { kind: 'forward' });
        if (retry && !closed) actions.push({ kind: 'retry-later', prefix: event.prefix });
      }
      touched.push(event.prefix);
      break;
    }
    case 'removed': {
      const slot = slots.get(event.prefix);
      if (!slot || slot.op !== 'remove') return { state, actions };
      if (event.error === undefined) set(event.prefix, { op: undefined, known: 'absent', error: undefined });
      else {
        set(event.prefix, { op: undefined, known: 'unknown', error: event.error, removeFailed: true });
        actions.push({ kind: 'failed', prefix: event.prefix, op: 'remove', error: event.error });
      }
      touched.push(event.prefix);
      break;
    }
    case 'retry': {
      const slot = slots.get(event.prefix);
      if (!slot || !slot.waitingRetry) return { state, actions };
      set(event.prefix, { waitingRetry: false });
      touched.push(event.prefix);
      break;
    }
    case 'missing': {
      const slot = slots.get(event.prefix);
      if (closed || !slot || slot.known !== 'present' || slot.op !== undefined || !(slot.wanted || slot.hold)) return { state, actions };
      set(event.prefix, { op: 'add' });
      actions.push({ kind: 'add', prefix: event.prefix });
      break;
    }
    case 'link': {
      if (closed || down.has(event.interface) === !event.up) return { state, actions };
      const next = new Set(down);
      if (event.up) next.delete(event.interface);
      else next.add(event.interface);
      down = next;
      const here = [...slots.keys()].filter((p) => needs.get(p)?.interface === event.interface);
      let any = false;
      if (event.up) any = promote(slots, here, actions, linkUp, true);
      else
        for (const prefix of here) {
          if (!slots.get(prefix)?.announced) continue;
          set(prefix, { announced: false });
          actions.push({ kind: 'withdraw', prefix, link: true });
          any = true;
        }
      if (any) actions.push({ kind: 'forward' });
      break;
    }
    case 'close':
      if (state.closed) return { state, actions };
      for (const [prefix, slot] of slots) {
        set(prefix, { wanted: false, hold: false, announced: false, waitingRetry: false, removeFailed: false });
        if (slot.announced) actions.push({ kind: 'withdraw', prefix });
        touched.push(prefix);
      }
      break;
  }

  for (const prefix of touched) reconcile(prefix, slots, closed, actions);
  return { state: { slots, down, closed }, actions };
}

/** Prefixes on `iface` believed present, idle, and missing an address from `present` (addresses without length). */
export function missingPrefixes(state: GateState, needs: ReadonlyMap<string, AddressNeed>, iface: string, present: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const [prefix, s] of state.slots) {
    const need = needs.get(prefix);
    if (!need || need.interface !== iface || s.known !== 'present' || s.op !== undefined) continue;
    if (need.addresses.some((a) => !present.has(a.replace(/\/\d+$/, '')))) out.push(prefix);
  }
  return out;
}

/** Wanted prefixes whose addresses are in place and idle, on a link that is up, become announced; true when any did. */
function promote(slots: Map<string, Slot>, prefixes: readonly string[], actions: GateAction[], linkUp: (prefix: string) => boolean, link?: true): boolean {
  let any = false;
  for (const prefix of prefixes) {
    const s = slots.get(prefix);
    if (!s || !s.wanted || s.announced || s.known !== 'present' || s.op !== undefined || !linkUp(prefix)) continue;
    slots.set(prefix, { ...s, announced: true });
    actions.push({ kind: 'announce', prefix, ...(link ? { link } : {}) });
    any = true;
  }
  return any;
}

/** Starts the one operation the prefix needs next, if any and none is running. */
function reconcile(prefix: string, slots: Map<string, Slot>, closed: boolean, actions: GateAction[]): void {
  const s = slots.get(prefix);
  if (!s || s.op !== undefined) return;
  const keep = !closed && (s.wanted || s.hold);
  if (keep && s.known !== 'present' && !s.waitingRetry) {
    slots.set(prefix, { ...s, op: 'add' });
    actions.push({ kind: 'add', prefix });
  } else if (!keep && s.known !== 'absent' && !s.removeFailed) {
    slots.set(prefix, { ...s, op: 'remove' });
    actions.push({ kind: 'remove', prefix });
  }
}

/**
 * The addresses a remove for `prefix` may take away: its own, less those
 * another prefix on the same interface still needs (wanted, held, being
 * added or announced), so overlapping prefixes never pull an address from
 * under each other.
 */
export function addressesToRemove(state: GateState, needs: ReadonlyMap<string, AddressNeed>, prefix: string): string[] {
  const need = needs.get(prefix);
  if (!need) return [];
  const inUse = new Set<string>();
  for (const [other, s] of state.slots) {
    if (other === prefix || !(s.wanted || s.hold || s.announced || s.op === 'add')) continue;
    const n = needs.get(other);
    if (n && n.interface === need.interface) for (const a of n.addresses) inUse.add(a);
  }
  return need.addresses.filter((a) => !inUse.has(a));
}

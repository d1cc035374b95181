// The VRRP v3 state machine of one virtual router (RFC 9568 6.4), as a pure
// function (state, event, now) -> (state, actions). No clocks, no sockets:
// the shell (vrrp-instance.ts) performs the actions and feeds events back.
//
// floatd adds two things the RFC leaves to implementations, both as
// keepalived does them: tracking (a service that is not serving makes the
// router give up mastership, or lowers its priority by a weight), and a
// preempt delay (a lower-priority Active is tolerated that long first).

import type { Advert } from './packet.js';

export type VrrpStateName = 'Initialize' | 'Backup' | 'Active';

export interface VrrpParams {
  readonly vrid: number;
  /** 1..254, or 255 for the address owner. */
  readonly priority: number;
  readonly advertIntervalMs: number;
  readonly preempt: boolean;
  readonly preemptDelayMs: number;
  /** This router's primary address on the interface: the tie-break (RFC 9568 6.4.3). */
  readonly primaryAddress: string;
  readonly addresses: readonly string[];
  /** Gratuitous ARP / unsolicited NA on becoming Active: how many, how far apart. */
  readonly announceCount: number;
  readonly announceIntervalMs: number;
}

/** What the tracked services say: serving or not (give up), or a weight added to the priority. */
export type Tracking = { readonly kind: 'serving'; readonly serving: boolean } | { readonly kind: 'weight'; readonly weight: number };

export interface Transition {
  readonly from: VrrpStateName;
  readonly to: VrrpStateName;
  readonly at: number;
  readonly reason: string;
}

export interface VrrpState {
  readonly name: VrrpStateName;
  readonly params: VrrpParams;
  readonly tracking: Tracking;
  /** The Active router's advert interval as last heard (RFC 9568 6.1 Master_Adver_Interval). */
  readonly activeIntervalMs: number;
  /** The Active router as last heard: address and priority; this router's own while Active. */
  readonly activeAddress?: string;
  readonly activePriority?: number;
  /** Heard an Active since the last master-down expiry: false while nobody holds the addresses. */
  readonly activeHeard: boolean;
  /** The Active said it was leaving (priority 0), for the reason of the takeover. */
  readonly activeLeft?: boolean;
  /**
   * Since startup, until the first master-down interval runs out: nobody has
   * been heard yet, but an Active may well exist, so a tracked service that
   * starts serving does not make this router take over at once.
   */
  readonly listening?: boolean;
  /** When a lower-priority Active was first tolerated under the preempt delay. */
  readonly lowerSince?: number;
  /** Last time a lower-priority advert was answered while Active (at most one answer per interval). */
  readonly answeredAt?: number;
  readonly last?: Transition;
}

export type VrrpEvent =
  | { readonly kind: 'startup' }
  /** Stop: priority 0 advert first when Active (RFC 9568 6.4.3), then the addresses go. */
  | { readonly kind: 'shutdown'; readonly reason?: string }
  | { readonly kind: 'advert'; readonly from: string; readonly advert: Advert }
  | { readonly kind: 'master-down-timer' }
  | { readonly kind: 'track'; readonly tracking: Tracking };

export type VrrpAction =
  /**
   * One advert now with this priority. A release (priority 0) waits for the
   * removal before it: see `release()` below.
   */
  | { readonly kind: 'send-advert'; readonly priority: number; readonly afterRemoval?: boolean }
  /** Send adverts every `intervalMs` from now on (the first one at once). */
  | { readonly kind: 'start-adverts'; readonly priority: number; readonly intervalMs: number }
  | { readonly kind: 'stop-adverts' }
  /**
   * Arm the master-down timer. Where the timing runs, an advert for this VRID
   * with priority >= minPriority (not 0) re-arms it for the master-down
   * interval of localPriority and the advert's own interval, without waiting
   * for this machine (see docs/vrrp.md).
   */
  | { readonly kind: 'set-master-down'; readonly ms: number; readonly localPriority: number; readonly minPriority: number }
  | { readonly kind: 'cancel-master-down' }
  | { readonly kind: 'add-addresses' }
  | { readonly kind: 'remove-addresses' }
  /** Gratuitous ARP (IPv4) or unsolicited NA (IPv6) for every address, `count` times. */
  | { readonly kind: 'announce'; readonly count: number; readonly intervalMs: number }
  | { readonly kind: 'transition'; readonly transition: Transition };

export interface Step {
  readonly state: VrrpState;
  readonly actions: VrrpAction[];
}

export const OWNER_PRIORITY = 255;

export function initialVrrpState(params: VrrpParams): VrrpState {
  return { name: 'Initialize', params, tracking: { kind: 'serving', serving: true }, activeIntervalMs: params.advertIntervalMs, activeHeard: false };
}

/**
 * The priority this router advertises now: the configured one, less the
 * tracking weight, within 1..254 (keepalived's rule); the owner's 255 is
 * never weighted. 0 means "not eligible": a tracked service is not serving.
 */
export function effectivePriority(s: Pick<VrrpState, 'params' | 'tracking'>): number {
  const p = s.params.priority;
  if (s.tracking.kind === 'serving') return s.tracking.serving ? p : 0;
  if (p === OWNER_PRIORITY) return p;
  return Math.min(254, Math.max(1, p + s.tracking.weight));
}

/** RFC 9568 6.1: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256. */
export const skewMs = (priority: number, activeIntervalMs: number): number => ((256 - priority) * activeIntervalMs) / 256;

/** RFC 9568 6.1: Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time. */
export const masterDownMs = (priority: number, activeIntervalMs: number): number => 3 * activeIntervalMs + skewMs(priority, activeIntervalMs);

/** Compares two addresses of one family as unsigned numbers: <0, 0, >0. */
export function compareAddresses(a: string, b: string): number {
  const bytes = (t: string): number[] => {
    if (!t.includes(':')) return t.split('.').map(Number);
    const [head = '', tail] = t.split('::');
    const h = head === '' ? [] : head.split(':');
    const tl = tail === undefined || tail === '' ? [] : tail.split(':');
    const groups = [...h, ...Array<string>(tail === undefined ? 0 : 8 - h.length - tl.length).fill('0'), ...tl];
    return groups.flatMap((g) => {
      const n = parseInt(g, 16);
      return [n >> 8, n & 0xff];
    });
  };
  const x = bytes(a);
  const y = bytes(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

function moveTo(s: VrrpState, to: VrrpStateName, now: number, reason: string, actions: VrrpAction[]): VrrpState {
  const t: Transition = { from: s.name, to, at: now, reason };
  actions.push({ kind: 'transition', transition: t });
  return { ...s, name: to, last: t, lowerSince: undefined, answeredAt: undefined };
}

/** The master-down timer for the current Active's interval, and which adverts re-arm it. */
function armDown(s: VrrpState, ms?: number): VrrpAction {
  const prio = effectivePriority(s);
  const local = prio === 0 ? s.params.priority : prio;
  return {
    kind: 'set-master-down',
    ms: ms ?? masterDownMs(local, s.activeIntervalMs),
    localPriority: local,
    // With preempt, a lower-priority Active does not keep us waiting (RFC 9568 6.4.2);
    // under the preempt delay this machine re-arms the timer for those itself.
    minPriority: s.params.preempt && prio !== 0 ? prio : 1,
  };
}

function becomeActive(s: VrrpState, now: number, reason: string, actions: VrrpAction[]): VrrpState {
  const prio = effectivePriority(s);
  const next = moveTo(s, 'Active', now, reason, actions);
  actions.push(
    { kind: 'cancel-master-down' },
    { kind: 'add-addresses' },
    { kind: 'start-adverts', priority: prio, intervalMs: s.params.advertIntervalMs },
    { kind: 'announce', count: s.params.announceCount, intervalMs: s.params.announceIntervalMs },
  );
  return { ...next, activeAddress: s.params.primaryAddress, activePriority: prio, activeIntervalMs: s.params.advertIntervalMs, activeHeard: true };
}

/**
 * Giving up the role (RFC 9568 6.4.3 shutdown): adverts stop, then priority 0
 * tells the Backups to take over after their skew time instead of the whole
 * master-down interval. floatd sends that advert once the addresses are gone:
 * iproute2 takes 5-200 ms on a busy host, longer than a Backup's skew time at
 * short intervals (61 ms at 0.1 s and priority 100), and sending first would
 * leave the address on two hosts for the difference.
 */
function release(actions: VrrpAction[]): void {
  actions.push({ kind: 'stop-adverts' }, { kind: 'remove-addresses' }, { kind: 'send-advert', priority: 0, afterRemoval: true });
}

/** Active -> Backup: adverts stop, addresses go, and the timer waits for the new Active. */
function becomeBackup(s: VrrpState, now: number, reason: string, actions: VrrpAction[], giveUp: boolean): VrrpState {
  if (giveUp) release(actions);
  else actions.push({ kind: 'stop-adverts' }, { kind: 'remove-addresses' });
  const next = moveTo(s, 'Backup', now, reason, actions);
  actions.push(armDown(next));
  return next;
}

export function step(s: VrrpState, ev: VrrpEvent, now: number): Step {
  const actions: VrrpAction[] = [];
  const prio = effectivePriority(s);
  switch (ev.kind) {
    case 'startup': {
      if (s.name !== 'Initialize') return { state: s, actions };
      // RFC 9568 6.4.1: the owner takes over at once; everyone else listens first.
      if (prio === OWNER_PRIORITY) return { state: becomeActive(s, now, 'address owner (priority 255)', actions), actions };
      const next = moveTo({ ...s, activeIntervalMs: s.params.advertIntervalMs, listening: true }, 'Backup', now, 'startup', actions);
      actions.push(armDown(next));
      return { state: next, actions };
    }

    case 'shutdown': {
      const reason = ev.reason ?? 'shutdown';
      if (s.name === 'Initialize') return { state: s, actions };
      if (s.name === 'Active') release(actions);
      else actions.push({ kind: 'cancel-master-down' });
      const next = moveTo(s, 'Initialize', now, reason, actions);
      return { state: { ...next, activeAddress: undefined, activePriority: undefined, activeHeard: false }, actions };
    }

    case 'master-down-timer': {
      if (s.name !== 'Backup') return { state: s, actions };
      const quiet = { ...s, activeHeard: false, activeLeft: undefined, activeAddress: undefined, activePriority: undefined, listening: undefined };
      if (prio === 0) {
        // Not serving: keep listening, take over once serving again.
        actions.push(armDown(quiet));
        return { state: quiet, actions };
      }
      const reason =
        s.activeLeft === true
          ? `${s.activeAddress ?? 'the Active router'} left (priority 0)`
          : s.activeHeard
            ? `no advert from ${s.activeAddress ?? 'the Active router'} for the master-down interval`
            : 'no Active router heard';
      return { state: becomeActive(quiet, now, reason, actions), actions };
    }

    case 'advert':
      return received(s, ev.from, ev.advert, now, actions);

    case 'track': {
      const next: VrrpState = { ...s, tracking: ev.tracking };
      const after = effectivePriority(next);
      if (after === prio) return { state: next, actions };
      if (s.name === 'Active') {
        if (after === 0) return { state: becomeBackup(next, now, 'tracked service not serving: giving up mastership', actions, true), actions };
        actions.push({ kind: 'start-adverts', priority: after, intervalMs: s.params.advertIntervalMs });
        return { state: { ...next, activePriority: after }, actions };
      }
      if (s.name === 'Backup') {
        // Serving again with nobody Active: no reason to wait another master-down interval.
        if (prio === 0 && !s.activeHeard && s.listening !== true) return { state: becomeActive(next, now, 'tracked service serving again and no Active router heard', actions), actions };
        actions.push(armDown(next));
      }
      return { state: next, actions };
    }
  }
}

function received(s: VrrpState, from: string, a: Advert, now: number, actions: VrrpAction[]): Step {
  if (a.vrid !== s.params.vrid || s.name === 'Initialize') return { state: s, actions };
  const prio = effectivePriority(s);
  const intervalMs = a.intervalCs * 10;
  if (s.name === 'Backup') {
    if (a.priority === 0) {
      // RFC 9568 6.4.2: the Active is leaving; take over after the skew time only.
      const next = { ...s, activeHeard: false, activeLeft: true, activeAddress: from };
      actions.push(armDown(next, prio === 0 ? masterDownMs(s.params.priority, s.activeIntervalMs) : skewMs(prio, s.activeIntervalMs)));
      return { state: next, actions };
    }
    let next: VrrpState = { ...s, activeIntervalMs: intervalMs, activeAddress: from, activePriority: a.priority, activeHeard: true, activeLeft: undefined };
    const lower = s.params.preempt && prio !== 0 && a.priority < prio;
    if (!lower) {
      next = { ...next, lowerSince: undefined };
      actions.push(armDown(next));
      return { state: next, actions };
    }
    // Preempt: discard it and let the timer run out, unless the preempt delay still tolerates it.
    const since = s.lowerSince ?? now;
    if (now - since < s.params.preemptDelayMs) {
      next = { ...next, lowerSince: since };
      const left = s.params.preemptDelayMs - (now - since);
      actions.push(armDown(next, Math.max(left, masterDownMs(prio, intervalMs))));
      return { state: next, actions };
    }
    return { state: { ...next, lowerSince: since }, actions };
  }
  // Active (RFC 9568 6.4.3).
  if (a.priority === 0) {
    actions.push({ kind: 'send-advert', priority: prio });
    return { state: s, actions };
  }
  const higher = a.priority > prio || (a.priority === prio && compareAddresses(from, s.params.primaryAddress) > 0);
  if (higher) {
    const next = { ...s, activeIntervalMs: intervalMs, activeAddress: from, activePriority: a.priority, activeHeard: true };
    return { state: becomeBackup(next, now, `advert from ${from} with ${a.priority === prio ? 'the same priority and a higher address' : `higher priority ${a.priority}`}`, actions, false), actions };
  }
  // A lower-priority Active (a healed split brain): answer at once so it steps down now, not at our next advert.
  if (s.answeredAt === undefined || now - s.answeredAt >= s.params.advertIntervalMs) {
    actions.push({ kind: 'send-advert', priority: prio });
    return { state: { ...s, answeredAt: now }, actions };
  }
  return { state: s, actions };
}

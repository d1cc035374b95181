// A session's timers on the injected clock. The FSM names them and gives
// their durations; expiries go back to it as its events (RFC 4271 8.1.3).

import type { FsmEvent, TimerName } from '../fsm/index.js';
import type { Clock, TimerHandle } from '../../util/clock.js';

const TIMER_EVENTS: Record<TimerName, FsmEvent['kind']> = {
  'connect-retry': 'ConnectRetryTimerExpires',
  hold: 'HoldTimerExpires',
  keepalive: 'KeepaliveTimerExpires',
  'idle-hold': 'IdleHoldTimerExpires',
  'send-hold': 'SendHoldTimerExpires',
};

/** RFC 4271 10: these timers get 0.75..1.0 jitter so speakers do not synchronise. */
const JITTERED: ReadonlySet<TimerName> = new Set(['connect-retry', 'keepalive', 'idle-hold']);

// The hold timer ran out with received bytes still queued: look again once they had a slice or two.
const QUEUED_RECHECK_MS = 10;

export interface SessionTimersOptions {
  readonly clock: Clock;
  /** [0, 1); RFC 4271 10 jitter. */
  readonly random: () => number;
  /** A timer ran out: its FSM event. */
  readonly expired: (e: FsmEvent) => void;
  /** Received bytes wait to be read (they may restart the hold timer). */
  readonly inputQueued: () => boolean;
  /** Bytes written to the socket that the peer has not taken yet. */
  readonly unsent: () => number;
}

export class SessionTimers {
  private readonly timers = new Map<TimerName, TimerHandle>();
  private sendHoldMs = 0;
  private sendHoldArmed = false;
  // The hold timer is a deadline (RFC 4271 10: hold time after the last KEEPALIVE or UPDATE).
  // Messages only move the deadline; the one timer behind it is re-armed when it fires early.
  private holdDeadline = 0;
  private holdFiresAt = 0;

  constructor(private readonly o: SessionTimersOptions) {}

  /** (Re)starts a timer; `at` is when the message that restarts the hold timer arrived (default: now). */
  start(timer: TimerName, ms: number, at?: number): void {
    if (timer === 'hold') return this.restartHold(ms, at);
    if (timer === 'send-hold') {
      // RFC 9687: runs only while data we wrote waits for the peer to read it;
      // an armed timer keeps its deadline until the socket drains.
      this.sendHoldMs = ms;
      if (this.o.unsent() > 0) this.writeBlocked();
      return;
    }
    this.stop(timer);
    const d = JITTERED.has(timer) ? ms * (0.75 + 0.25 * this.o.random()) : ms;
    this.timers.set(
      timer,
      this.o.clock.setTimer(d, () => {
        this.timers.delete(timer);
        this.o.expired({ kind: TIMER_EVENTS[timer] } as FsmEvent);
      }),
    );
  }

  stop(timer: TimerName): void {
    const h = this.timers.get(timer);
    if (h) this.o.clock.clearTimer(h);
    this.timers.delete(timer);
    if (timer === 'send-hold') {
      this.sendHoldMs = 0;
      this.sendHoldArmed = false;
    }
  }

  /** A write did not fit in the socket's buffer: the send hold timer runs until it drains (RFC 9687). */
  writeBlocked(): void {
    if (this.sendHoldArmed || this.sendHoldMs <= 0) return;
    this.sendHoldArmed = true;
    this.timers.set(
      'send-hold',
      this.o.clock.setTimer(this.sendHoldMs, () => {
        this.timers.delete('send-hold');
        this.sendHoldArmed = false;
        this.o.expired({ kind: 'SendHoldTimerExpires' });
      }),
    );
  }

  /** The socket drained, or is gone. */
  drained(): void {
    if (!this.sendHoldArmed) return;
    const h = this.timers.get('send-hold');
    if (h) this.o.clock.clearTimer(h);
    this.timers.delete('send-hold');
    this.sendHoldArmed = false;
  }

  private restartHold(ms: number, at: number | undefined): void {
    const now = at ?? this.o.clock.now();
    this.holdDeadline = now + ms;
    // A timer already due by the new deadline will find it when it fires; clearing and
    // setting a timer for every UPDATE of a full table costs more than decoding them.
    if (this.timers.has('hold') && this.holdFiresAt <= this.holdDeadline) return;
    const h = this.timers.get('hold');
    if (h) this.o.clock.clearTimer(h);
    this.armHold(ms);
  }

  private armHold(ms: number): void {
    this.holdFiresAt = this.o.clock.now() + ms;
    this.timers.set(
      'hold',
      this.o.clock.setTimer(ms, () => {
        this.timers.delete('hold');
        const left = this.holdDeadline - this.o.clock.now();
        if (left > 0) return this.armHold(left);
        // What arrived is not read yet and may restart the timer; a sliced read never waits long.
        if (this.o.inputQueued()) return this.armHold(QUEUED_RECHECK_MS);
        this.o.expired({ kind: 'HoldTimerExpires' });
      }),
    );
  }
}

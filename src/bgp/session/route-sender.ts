// What we announce to one peer: the desired routes, limited to what the
// session can carry, diffed against the Adj-RIB-Out and written as UPDATEs.
// A failed health check's WITHDRAW takes this path, so it stays synchronous:
// refresh() returns with the UPDATE handed to the socket.

import type { Logger } from 'pino';
import { Afi, RouteRefreshSubtype, Safi } from '../codec/constants.js';
import { encodeMessage } from '../codec/message.js';
import { encodeEndOfRib } from '../codec/update.js';
import { buildAnnouncements, buildWithdrawals } from '../codec/update-builder.js';
import type { Negotiated } from '../fsm/index.js';
import { AdjRibOut, type RibChanges } from '../rib/adj-rib-out.js';
import type { Announcement } from '../rib/announcement.js';
import type { Route } from '../rib/route.js';
import { routesFor, type RouteTarget, type SkippedRoute } from '../rib/routes-for.js';

export interface RouteSenderOptions {
  readonly log: Logger;
  /** The neighbor the routes are for. */
  readonly target: RouteTarget;
  /** Our address on the session's connection. */
  readonly localAddress: () => string;
  /** Hands one whole message to the connection. */
  readonly write: (message: Buffer) => void;
}

export class RouteSender {
  private readonly ribOut = new AdjRibOut();
  private negotiated: Negotiated | undefined;
  private updates = 0;
  private target: RouteTarget;
  /** The desired set as the speaker handed it (the same value every session has); never written to. */
  private desiredSet: readonly Announcement[] = [];

  constructor(private readonly o: RouteSenderOptions) {
    this.target = o.target;
  }

  /** A reload changed what the neighbor receives (say, its next hop); takes effect with the next setDesired. */
  setTarget(target: RouteTarget): void {
    this.target = target;
  }

  /** The desired set from now on; refresh() sends the difference. */
  setDesired(desired: readonly Announcement[]): void {
    this.desiredSet = desired;
  }

  /** UPDATEs sent since the session was established. */
  get updatesOut(): number {
    return this.updates;
  }

  /** Prefixes in the Adj-RIB-Out. */
  get announced(): number {
    return this.ribOut.size;
  }

  routes(): Route[] {
    return this.ribOut.routes();
  }

  /** A new session: announce everything, then End-of-RIB for each family. */
  established(n: Negotiated): void {
    this.negotiated = n;
    this.updates = 0;
    this.ribOut.clear();
    this.send(this.ribOut.sync(this.desired()));
    // RFC 4724 2: End-of-RIB after the initial announcements of each family.
    for (const f of n.families) this.writeUpdate(encodeEndOfRib(f === 'ipv4' ? Afi.Ipv4 : Afi.Ipv6, n.tx));
  }

  /** Sends the difference between the desired routes and the Adj-RIB-Out. */
  refresh(): void {
    if (!this.negotiated) return;
    this.send(this.ribOut.sync(this.desired()));
  }

  /** Withdraws everything announced (before a clean stop). */
  withdrawAll(): void {
    this.send(this.ribOut.sync([]));
  }

  /** The session is gone, and what it had with it. */
  down(): void {
    this.ribOut.clear();
    this.negotiated = undefined;
  }

  /**
   * RFC 2918 4: a ROUTE-REFRESH for a negotiated family is answered with every
   * route of it. Returns how many prefixes went out; the caller logs (rate-limited:
   * a peer chooses how often this runs).
   */
  resendFamily(afi: Afi): number {
    const n = this.negotiated!;
    const all = this.ribOut.all();
    const groups = all.announce.filter((g) => g.prefixes[0]?.afi === afi);
    const enhanced = n.enhancedRouteRefresh;
    // RFC 7313 4: bracket the re-send with BoRR / EoRR when enhanced route refresh was negotiated.
    if (enhanced) this.o.write(encodeMessage({ type: 'route-refresh', afi, safi: Safi.Unicast, subtype: RouteRefreshSubtype.BeginningOfRouteRefresh }, n.tx));
    this.send({ withdraw: [], announce: groups }, true);
    if (enhanced) this.o.write(encodeMessage({ type: 'route-refresh', afi, safi: Safi.Unicast, subtype: RouteRefreshSubtype.EndOfRouteRefresh }, n.tx));
    return groups.reduce((sum, g) => sum + g.prefixes.length, 0);
  }

  /** Routes for this session, limited to what it can carry. */
  private desired(): Route[] {
    const n = this.negotiated!;
    const skipped: SkippedRoute[] = [];
    const all = routesFor(this.target, this.desiredSet, { negotiated: n, localAddress: this.o.localAddress() }, skipped);
    for (const k of skipped) {
      if (k.refused) this.o.log.error({ prefix: k.prefix }, `not announcing ${k.prefix}: ${k.reason}`);
      else this.o.log.warn({ prefix: k.prefix }, `not announcing ${k.prefix}: ${k.reason}`);
    }
    return all.filter((r) => {
      const v6NextHop = r.nextHops[0]?.includes(':') ?? false;
      if (r.prefix.afi === Afi.Ipv6) return n.families.includes('ipv6') && v6NextHop;
      return n.families.includes('ipv4') && (!v6NextHop || n.extendedNextHopIpv4);
    });
  }

  /** `quiet`: a re-send of what was announced before, logged by the caller. */
  private send(c: RibChanges, quiet = false): void {
    const n = this.negotiated;
    if (!n) return;
    if (c.withdraw.length > 0) {
      for (const m of buildWithdrawals(c.withdraw, n.tx)) this.writeUpdate(m);
      this.o.log.info({ prefixes: c.withdraw.map((p) => `${p.addr}/${p.len}`) }, `withdrew ${c.withdraw.length} prefix(es)`);
    }
    for (const g of c.announce) {
      for (const m of buildAnnouncements(g, n.tx)) this.writeUpdate(m);
      if (!quiet) this.o.log.info({ prefixes: g.prefixes.map((p) => `${p.addr}/${p.len}`), nextHops: g.nextHops, med: g.attributes.med }, `announced ${g.prefixes.length} prefix(es)`);
    }
  }

  private writeUpdate(m: Buffer): void {
    this.updates++;
    this.o.write(m);
  }
}

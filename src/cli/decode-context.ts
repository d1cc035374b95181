import type { Capability } from '../bgp/codec/capabilities.js';
import type { OpenMessage } from '../bgp/codec/open.js';
import type { CodecContext } from '../bgp/codec/types.js';

const has = (o: OpenMessage, kind: Capability['kind']): boolean => o.capabilities.some((c) => c.kind === kind);

/** ADD-PATH receive for a sender: it sends path ids when it offered send and the other side offered receive (RFC 7911 4). */
function addPath(sender: OpenMessage, receiver: OpenMessage, afi: number): boolean {
  const mode = (o: OpenMessage): string | undefined => {
    for (const c of o.capabilities) if (c.kind === 'add-path') for (const e of c.entries) if (e.afi === afi && e.safi === 1) return e.mode;
    return undefined;
  };
  const s = mode(sender);
  const r = mode(receiver);
  return (s === 'send' || s === 'both') && (r === 'receive' || r === 'both');
}

/** The context for decoding what each side sent, from both OPENs (a passive observer's view). */
export function negotiatedContext(opens: Map<string, OpenMessage>): Map<string, CodecContext> {
  const [[aName, a], [bName, b]] = [...opens.entries()] as [[string, OpenMessage], [string, OpenMessage]];
  const both = (k: Capability['kind']): boolean => has(a, k) && has(b, k);
  const ctxFrom = (s: OpenMessage, r: OpenMessage): CodecContext => ({
    fourOctetAs: both('four-octet-as'),
    extendedMessage: both('extended-message'),
    addPathIpv4: addPath(s, r, 1),
    addPathIpv6: addPath(s, r, 2),
  });
  return new Map([
    [aName, ctxFrom(a, b)],
    [bName, ctxFrom(b, a)],
  ]);
}

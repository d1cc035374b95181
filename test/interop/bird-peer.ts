// BIRD as the peer under test: the view a scenario needs, from one BGP protocol of a running BIRD.

import type { Bird } from '../../lab/daemons/bird.js';
import { Pending } from '../../lab/netns.js';
import { SHUTDOWN_TEXT } from './scenario.js';
import type { PeerUnderTest } from './scenario.js';

export function birdPeer(bird: Bird, protocol: string): PeerUnderTest {
  return {
    name: 'BIRD',
    established: () => bird.established(protocol),
    route: (prefix) => bird.route(prefix, protocol),
    shutdownNotice: async () => {
      // BIRD logs `<RMT> NAME: Received: Administrative shutdown: "TEXT"` and keeps the text in `show protocols all`.
      const logged = bird.log().split('\n').find((l) => l.includes(`${protocol}: Received: Administrative shutdown`));
      if (logged === undefined || !logged.includes(`"${SHUTDOWN_TEXT}"`)) return new Pending('BIRD has logged no administrative shutdown with the text');
      const details = await bird.protocolDetails(protocol);
      const message = /Message:\s*(.*)/.exec(details)?.[1]?.trim();
      if (message !== SHUTDOWN_TEXT) return new Pending(`show protocols all: Message ${String(message)}`);
      return `${logged.replace(/^.*<RMT> /, '')}; show protocols all: "Message: ${message}"`;
    },
  };
}

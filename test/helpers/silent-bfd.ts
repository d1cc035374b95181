// The real BFD addon with a switch that closes one session's sockets without
// the AdminDown a clean stop sends: the peer sees a neighbor gone silent, as
// after a freeze or a cut link.

import { bfdNative, type BfdNative } from '../../src/bfd/native.js';

export function silenceable(): { native: BfdNative; silence(id: number): void } {
  const real = bfdNative();
  const dead = new Set<number>();
  const native: BfdNative = {
    // The addon reuses a closed session's id.
    open: (o, cb) => {
      const id = real.open(o, cb);
      dead.delete(id);
      return id;
    },
    update: (id, ...rest) => (dead.has(id) ? true : real.update(id, ...rest)),
    setAuth: (id, ...rest) => real.setAuth(id, ...rest),
    close: (id) => (dead.has(id) ? undefined : real.close(id)),
    now: () => real.now(),
    stats: (id) => real.stats(id),
  };
  return { native, silence: (id) => (dead.add(id), real.close(id)) };
}

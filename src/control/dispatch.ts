// From a checked request to the daemon call that answers it.

import type { DaemonControl } from './daemon-control.js';
import type { Request } from './protocol.js';

export async function dispatch(control: DaemonControl, req: Request): Promise<unknown> {
  switch (req.command) {
    case 'status':
      return control.status();
    case 'peers':
      return control.peers();
    case 'routes':
      return control.routes();
    case 'services':
      return control.services();
    case 'events':
      return control.events(req.args.limit);
    case 'maintenance':
      return control.maintenance(req.args.on, req.args.service);
    case 'drain':
      return control.drain(req.args.service);
    case 'reload':
      return control.reload();
    case 'vrrp':
      // A daemon without VRRP has no instances to show.
      return control.vrrp?.() ?? [];
  }
}
